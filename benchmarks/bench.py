"""`make bench`: our builds against the floor, side by side in one run, as ratios.

For each corpus size (seeded, from corpus.py) it runs, alternating over several
rounds, each as a fresh process: (a) our cold build (`--clean`), (b) our rebuild
with nothing changed, (c) our rebuild after editing one article, (d) after editing
the template every article uses, (e) `check` cold (`--no-cache`) and warm, and (f)
the floor (floor.py) with the same number of processes. Peer generators (Pelican,
MkDocs, Hugo) are not wired in yet: each needs the corpus converted to its own layout.
Medians, ratios to the floor, and peak RSS of the build process (its largest
process; workers are separate processes). Prints a Markdown table.

Usage: python benchmarks/bench.py [--sizes 1000,4000] [--rounds 3] [--jobs N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from corpus import make_corpus  # noqa: E402


def run(command: list[str], cwd: Path, allowed=(0,)) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one command, as a child process."""
    # stderr goes to a file, not a pipe: a pipe nobody reads until the end fills up
    # (64 KB) and blocks the child, as `check` on 16,000 articles did.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in allowed:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()[-4000:]}")
    return seconds, usage.ru_maxrss / 1024


def bench_size(size: int, rounds: int, jobs: int, workdir: Path) -> list[tuple]:
    site = make_corpus(size, workdir / f"site-{size}")
    config = site / "config.yaml"
    config.write_text(config.read_text() + "\nsearch: false\n")  # pagefind measured separately below
    build = [sys.executable, str(REPO / "build.py")]
    ours = build + ["build", "--jobs", str(jobs)]
    floor = [sys.executable, str(HERE / "floor.py"), str(site / "content"), str(workdir / f"floor-{size}"), str(jobs)]
    article = site / "content" / "articles" / "article-00003.md"
    template = site / "templates" / "article.html"
    results: dict[str, list] = {k: [] for k in ("cold", "nothing", "article", "template", "check-cold", "check-warm", "floor")}
    for round_number in range(rounds):
        results["floor"].append(run(floor, site))
        results["cold"].append(run(ours + ["--clean"], site))
        results["nothing"].append(run(ours, site))
        article.write_text(article.read_text() + f"\nAn added sentence, round {round_number}.\n")
        results["article"].append(run(ours, site))
        template.write_text(template.read_text() + f"\n{{# round {round_number} #}}\n")
        results["template"].append(run(ours, site))
        # The corpus has findings (check exits 1): only the time matters here.
        results["check-cold"].append(run(build + ["check", "--no-cache", "--jobs", str(jobs)], site, (0, 1)))
        results["check-warm"].append(run(build + ["check", "--jobs", str(jobs)], site, (0, 1)))
    floor_median = statistics.median(s for s, _ in results["floor"])
    rows = []
    labels = {"floor": "(f) floor: bare Markdown + Jinja", "cold": "(a) cold build (--clean)",
              "nothing": "(b) rebuild, nothing changed", "article": "(c) rebuild, one article edited",
              "template": "(d) rebuild, article template edited", "check-cold": "(e) check, no cache",
              "check-warm": "(e) check, warm cache"}
    for key in ("floor", "cold", "nothing", "article", "template", "check-cold", "check-warm"):
        seconds = statistics.median(s for s, _ in results[key])
        rss = max(m for _, m in results[key])
        rows.append((size, labels[key], seconds, seconds / floor_median, rss))
    search = run([sys.executable, "-c", "import sys; from pathlib import Path; from sitegen.search import index_site; "
                  f"sys.exit(1 if index_site(Path({str(site / 'public')!r})) else 0)"], REPO)
    rows.append((size, "pagefind index of the built site (extra)", search[0], search[0] / floor_median, search[1]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,4000"))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--workdir", type=Path, default=REPO / "benchmarks" / "out")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.extend(bench_size(size, args.rounds, args.jobs, args.workdir))
    print(f"\n{args.rounds} rounds, {args.jobs} processes, medians; ratio = time / floor at the same size.\n")
    print("| articles | what | median s | × floor | peak RSS MB |")
    print("|---:|---|---:|---:|---:|")
    for size, label, seconds, ratio, rss in rows:
        print(f"| {size} | {label} | {seconds:.2f} | {ratio:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
