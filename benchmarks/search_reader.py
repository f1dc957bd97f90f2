"""What a reader pays for the search index: this checkout's against an earlier commit's.

Builds the same synthetic corpus (search on) with both versions, serves each site on
loopback and, in headless Chromium at 390 px, opens the search page for each query
in a fresh browser context (nothing cached, as for a reader's first search), rounds
alternating between the versions. For each it records the time from navigation to
the first result on screen, and the bytes and requests of the search index (every
response under /pagefind/). It does so twice: on loopback as it is, and with a phone
network emulated (150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up: Chrome's
"slow 4G"), where the number of round trips tells. Medians, and the ratio of this
checkout to the base.

Usage: python benchmarks/search_reader.py --base REV [--size 4000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(HERE))
from checkouts import base_checkout  # noqa: E402

QUERIES = ("lesion", "contrast scan", "myelin", "neurologist")
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
MEASURE = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return { first: performance.now() - (nav ? nav.startTime : 0) };
}"""


def build(checkout: Path, site: Path, jobs: int) -> None:
    command = [sys.executable, str(checkout / "build.py"), "build", "--clean", "--jobs", str(jobs)]
    subprocess.run(command, cwd=site, check=True, capture_output=True)


def measure(browser, base_url: str, query: str, network: dict | None) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    fetched: list[int] = []  # the search index's responses, the worker's fetches included

    def finished(request) -> None:
        if "/pagefind/" in request.url:
            fetched.append(request.sizes()["responseBodySize"])

    context.on("requestfinished", finished)
    if network is not None:
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", network)
    page.goto(f"{base_url}search/?q={query}")
    page.locator(".search-result").first.wait_for(timeout=120_000)
    found = page.evaluate(MEASURE)
    context.close()
    return {"first": found["first"], "bytes": sum(fetched), "requests": len(fetched)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the commit to compare against (e.g. HEAD~3)")
    parser.add_argument("--size", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from screenshots import CHROMIUM_ARGS, serve

    work = Path(tempfile.mkdtemp(prefix="search-reader-"))
    try:
        with base_checkout(args.base, work) as base:
            sites = {}
            for name, checkout in (("base", base), ("this", REPO)):
                # Each version's own corpus.py: the same seeded articles, its own templates and script.
                site = work / f"site-{name}"
                corpus = [sys.executable, str(checkout / "benchmarks" / "corpus.py"), str(args.size), str(site)]
                subprocess.run(corpus, check=True, capture_output=True)
                build(checkout, site, args.jobs)
                sites[name] = site / "public"
            servers = {name: serve(public) for name, public in sites.items()}
            urls = {name: f"http://127.0.0.1:{server.server_address[1]}/" for name, server in servers.items()}
            results: dict[tuple[str, str, str], list[dict]] = {}
            executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
                for round_number in range(args.rounds):
                    order = ("base", "this") if round_number % 2 == 0 else ("this", "base")
                    for network_name, network in (("loopback", None), ("slow 4G", SLOW_4G)):
                        for query in QUERIES:
                            for name in order:
                                found = measure(browser, urls[name], query, network)
                                results.setdefault((network_name, query, name), []).append(found)
                browser.close()
            for server in servers.values():
                server.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.size} articles, {args.rounds} rounds, 390 px, a fresh context per search; medians.\n")
    print(
        "| network | query | first result, base ms | this ms | × base | index KB, base | this | requests, base | this |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for network_name in ("loopback", "slow 4G"):
        for query in QUERIES:
            old, new = results[(network_name, query, "base")], results[(network_name, query, "this")]

            def median(rows: list[dict], key: str) -> float:
                return statistics.median(row[key] for row in rows)

            print(
                f"| {network_name} | {query} | {median(old, 'first'):.0f} | {median(new, 'first'):.0f} | "
                f"{median(new, 'first') / median(old, 'first'):.2f} | {median(old, 'bytes') / 1024:.0f} | "
                f"{median(new, 'bytes') / 1024:.0f} | {median(old, 'requests'):.0f} | {median(new, 'requests'):.0f} |"
            )


if __name__ == "__main__":
    main()
