"""This checkout against an earlier commit of itself, side by side in one run.

For a change that must not make builds slower (a redesign, a new capability), this
builds the same synthetic corpus with both versions, alternating round by round so
that the noise of a shared machine falls on both alike, and prints the medians and
the ratio of this checkout to the base:

- cold build (`build --clean`);
- rebuild with nothing changed;
- rebuild after editing one article;
- rebuild after editing the article template;
- (for reference) how long importing the generator takes, the part of each build
  before it starts;
- (this checkout only, for reference) the rebuild of a copy of the site, with its
  cache, moved to another folder: the cache must still be used.

Each version builds its own copy of the same corpus, with `python <checkout>/build.py`,
so each runs its own code on the same inputs: the corpus is made by the base's
`benchmarks/corpus.py` (seeded articles, the base's templates, static files and
config). With `--own-sites`, each version builds the corpus its own corpus.py makes
(its own templates and config): that measures code and templates together. The base
is checked out with `git worktree` into the work folder (removed afterwards). Search is off unless `--search` (use it with `--own-sites`:
the search page's script and template go together).

Usage: python benchmarks/compare.py --base REV [--size 2000] [--rounds 5] [--jobs N] [--own-sites] [--search]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from bench import cold_build, run  # noqa: E402
from checkouts import base_checkout  # noqa: E402

STEPS = ("cold", "nothing", "article", "template")
LABELS = {
    "cold": "cold build (--clean)",
    "nothing": "rebuild, nothing changed",
    "article": "rebuild, one article edited",
    "template": "rebuild, article template edited",
    "moved": "rebuild of the site moved to another folder, with its cache",
}


def one_round(checkout: Path, site: Path, jobs: int, round_number: int) -> dict[str, float]:
    ours = [sys.executable, str(checkout / "build.py"), "build", "--jobs", str(jobs)]
    article = site / "content" / "articles" / "article-00003.md"
    template = site / "templates" / "article.html"
    times = {"cold": cold_build(ours, site)[0], "nothing": run(ours, site)[0]}
    article.write_text(article.read_text() + f"\nAn added sentence, round {round_number}.\n")
    times["article"] = run(ours, site)[0]
    template.write_text(template.read_text() + f"\n{{# round {round_number} #}}\n")
    times["template"] = run(ours, site)[0]
    return times


def import_seconds(checkout: Path) -> float:
    """How long the command line takes to import the generator, before any build (a part of
    every build's time; more, smaller modules cost more to import)."""
    code = f"import sys; sys.path.insert(0, {str(checkout)!r}); import sitegen.cli, sitegen.pipeline"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def moved(site: Path, jobs: int) -> tuple[float, str]:
    """(seconds, summary line) of a build of a copy of `site` in another folder, with its cache."""
    copy = site.parent / f"{site.name}-moved"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, symlinks=True)
    (copy / ".cache" / "fingerprint.json").unlink(missing_ok=True)  # absolute paths: not meant to travel
    command = [sys.executable, str(REPO / "build.py"), "build", "--jobs", str(jobs)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=copy, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    shutil.rmtree(copy, ignore_errors=True)
    return seconds, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare against (e.g. HEAD~3)")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--own-sites", action="store_true", help="each version builds its own corpus.py's site")
    parser.add_argument("--search", action="store_true", help="search on (the default of a real site), for both")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="sitegen-compare-") as folder,
        base_checkout(args.base, Path(folder)) as base,
    ):
        work = Path(folder)
        checkouts = {"base": base, "head": REPO}
        sites = {}
        for side, checkout in checkouts.items():
            sites[side] = work / f"site-{side}"
            maker = checkout if args.own_sites else base
            subprocess.run(
                [sys.executable, str(maker / "benchmarks" / "corpus.py"), str(args.size), str(sites[side])],
                check=True,
                capture_output=True,
            )
            if not args.search:
                config = sites[side] / "config.yaml"
                config.write_text(config.read_text() + "\nsearch: false\n")
        results: dict[str, dict[str, list[float]]] = {side: {step: [] for step in STEPS} for side in checkouts}
        imports: dict[str, list[float]] = {side: [] for side in checkouts}
        for round_number in range(args.rounds):
            order = ("base", "head") if round_number % 2 == 0 else ("head", "base")
            for side in order:
                for step, seconds in one_round(checkouts[side], sites[side], args.jobs, round_number).items():
                    results[side][step].append(seconds)
                imports[side].extend(import_seconds(checkouts[side]) for _ in range(3))
        moved_seconds, summary = moved(sites["head"], args.jobs)
    sites = "each version's own corpus" if args.own_sites else "the same corpus (the base's)"
    searched = "search on" if args.search else "search off"
    print(f"{args.size} articles, {args.rounds} rounds, {args.jobs} jobs; base {args.base}; {sites}; {searched}\n")
    print("| build | base (median s) | this checkout (median s) | this / base |")
    print("|---|---:|---:|---:|")
    for step in STEPS:
        old, new = statistics.median(results["base"][step]), statistics.median(results["head"][step])
        print(f"| {LABELS[step]} | {old:.3f} | {new:.3f} | {new / old:.2f} |")
    old, new = statistics.median(imports["base"]), statistics.median(imports["head"])
    print(f"| (part of each: importing the generator) | {old:.3f} | {new:.3f} | {new / old:.2f} |")
    print(f"\n{LABELS['moved']}: {moved_seconds:.3f} s\n  {summary}")


if __name__ == "__main__":
    main()
