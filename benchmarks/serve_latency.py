"""How fast the preview reacts: `python benchmarks/serve_latency.py [--size 2000] [--edits 15] [--base REV [--rounds 3]]`.

Starts `build.py serve` on a synthetic site, connects as a browser would (the
livereload websocket), then saves files and measures, per save, the time until
the rebuilt page is on disk and until the reload message arrives. Reports medians
for an article edit and for an edit of the template every article uses, and the
full build time of the same site, side by side.

With `--base REV`, the same measurement of an earlier commit (checked out with `git
worktree`, its own script on its own corpus), alternating with this checkout's, round by
round, so that a shared machine's noise falls on both: the medians of each round's
medians, and the ratio of this checkout to the base.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tornado.websocket import websocket_connect

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from checkouts import base_checkout  # noqa: E402
from corpus import make_corpus  # noqa: E402

from sitegen.serve import PREVIEW_FOLDER  # noqa: E402


async def one_save(connection, write, output: Path, marker: bytes) -> tuple[float, float]:
    started = time.perf_counter()
    write()
    on_disk = reload = None
    reader = asyncio.ensure_future(connection.read_message())
    while on_disk is None or reload is None:
        if on_disk is None:
            try:
                if marker in output.read_bytes():
                    on_disk = time.perf_counter() - started
            except OSError:
                pass
        if reload is None and reader.done():
            message = json.loads(reader.result())
            if message.get("command") == "reload":
                reload = time.perf_counter() - started
            else:
                reader = asyncio.ensure_future(connection.read_message())
        await asyncio.sleep(0.001)
        if time.perf_counter() - started > 60:
            raise SystemExit("no rebuild within 60 s")
    await asyncio.sleep(0.3)  # let the preview settle before the next save
    return on_disk, reload


async def measure(site: Path, port: int, edits: int) -> dict:
    connection = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    await connection.write_message(
        json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
    )
    await connection.read_message()
    await connection.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
    article = site / "content" / "articles" / "article-00005.md"
    # The preview builds into a folder of its own (serve.preview_config), never public/.
    page = site / PREVIEW_FOLDER / "site" / "articles" / "article-00005" / "index.html"
    template = site / "templates" / "article.html"
    results = {"article": [], "template": []}
    for number in range(edits):
        marker = f"Edited sentence number {number}."
        results["article"].append(
            await one_save(
                connection,
                lambda marker=marker: article.write_text(article.read_text() + f"\n{marker}\n"),
                page,
                marker.encode(),
            )
        )
    for number in range(max(3, edits // 3)):
        marker = f"<!-- template edit {number} -->"
        original = template.read_text()
        results["template"].append(
            await one_save(
                connection,
                lambda original=original, marker=marker: template.write_text(
                    original.replace("</article>", marker + "</article>", 1)
                ),
                page,
                marker.encode(),
            )
        )
    connection.close()
    return results


ROW = re.compile(r"^\| (article|template) \| \d+ \| (\d+) \| (\d+) \|$", re.M)


def side_by_side(base_rev: str, size: int, edits: int, rounds: int) -> None:
    """This checkout's script and the base's, alternately, each on its own corpus."""
    with tempfile.TemporaryDirectory(prefix="sitegen-serve-") as folder, base_checkout(base_rev, Path(folder)) as base:
        checkouts = {"base": base, "head": REPO}
        found: dict[str, dict[str, list[int]]] = {side: {"article": [], "template": []} for side in checkouts}
        for number in range(rounds):
            for side in ("base", "head") if number % 2 == 0 else ("head", "base"):
                script = checkouts[side] / "benchmarks" / "serve_latency.py"
                shown = subprocess.run(
                    [sys.executable, str(script), "--size", str(size), "--edits", str(edits)],
                    cwd=checkouts[side],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                for kind, on_disk, _ in ROW.findall(shown):
                    found[side][kind].append(int(on_disk))
    print(f"\nPreview save to page on disk, {size} articles, {rounds} rounds of {edits} edits; base {base_rev}\n")
    print("| save | base (median ms) | this checkout (median ms) | this / base |")
    print("|---|---:|---:|---:|")
    for kind in ("article", "template"):
        base_ms, head_ms = statistics.median(found["base"][kind]), statistics.median(found["head"][kind])
        print(f"| {kind} | {base_ms:.0f} | {head_ms:.0f} | {head_ms / base_ms:.2f}x |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=15)
    parser.add_argument("--base", help="an earlier commit to measure side by side")
    parser.add_argument("--rounds", type=int, default=3, help="with --base: rounds of each")
    args = parser.parse_args()
    if args.base:
        side_by_side(args.base, args.size, args.edits, args.rounds)
        return
    site = make_corpus(args.size, REPO / "benchmarks" / "out" / f"serve-{args.size}")
    (site / "config.yaml").write_text((site / "config.yaml").read_text() + "\nsearch: false\n")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--clean"], cwd=site, check=True, stdout=subprocess.DEVNULL
    )
    full = time.perf_counter() - started
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        results = asyncio.run(measure(site, port, args.edits))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\nPreview latency on {args.size} articles (medians; full cold build of the same site: {full:.2f} s)\n")
    print("| save | n | on disk, ms | reload message, ms |")
    print("|---|---:|---:|---:|")
    for kind, samples in results.items():
        print(
            f"| {kind} | {len(samples)} | {statistics.median(d for d, _ in samples) * 1000:.0f} "
            f"| {statistics.median(r for _, r in samples) * 1000:.0f} |"
        )


if __name__ == "__main__":
    main()
