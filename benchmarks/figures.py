"""Figures: cold build of a synthetic site with two figures an article, beside the same site without.

The corpus is benchmarks/corpus.py's; the "figures" copy adds to every article one SVG
diagram and one photo (JPEG, 1600 x 1000), chosen from a handful of distinct images
(DISTINCT of each kind), so every page has figures while the images are shared, as on a
real site where a diagram appears in several articles. Rounds alternate between the two
sites (`build.py build --clean`, search off), so a shared machine's noise falls on both;
the medians and their ratio are printed.

It also prints what a reader downloads for the first article at 390 px wide (DPR 2),
computed from the page: with `sizes` of 100vw the browser needs 780 image pixels, so it
picks the smallest `srcset` candidate of at least that width in the first `<source>`
type it supports (AVIF for Chromium), plus the SVG, the HTML, CSS and JavaScript.

Usage: python benchmarks/figures.py [--size 1000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
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

DISTINCT = 4


def add_figures(site: Path) -> None:
    from PIL import Image, ImageDraw

    images = site / "content" / "images"
    images.mkdir()
    records = []
    for n in range(DISTINCT):
        (images / f"diagram-{n}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360">\n'
            f'  <rect x="20" y="20" width="{200 + n * 40}" height="120" fill="#3a6ea5"/>\n'
            f'  <circle cx="480" cy="200" r="{60 + n * 10}" fill="#e0a030"/>\n'
            f'  <text x="40" y="300" font-size="24">Label {n}</text>\n</svg>\n'
        )
        picture = Image.new("RGB", (1600, 1000), (20 + n * 40, 30, 60))
        draw = ImageDraw.Draw(picture)
        for k in range(40):  # some detail, so the encoders have work like a real scan
            draw.ellipse((k * 37 % 1500, k * 53 % 900, k * 37 % 1500 + 90, k * 53 % 900 + 70), fill=(200, k * 6, 90))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=88)
        (images / f"photo-{n}.jpg").write_bytes(buffer.getvalue())
        for name in (f"diagram-{n}.svg", f"photo-{n}.jpg"):
            records.append(f"{name}:\n  credit: Benchmark team\n  licence: site\n")
    (images / "images.yaml").write_text("".join(records))
    for index, path in enumerate(sorted((site / "content" / "articles").glob("*.md"))):
        n = index % DISTINCT
        text = path.read_text()
        head, _, rest = text.partition("\n## ")
        path.write_text(
            head
            + f'\n\n![Two shapes, number {n}](images/diagram-{n}.svg "Diagram {n}")\n\n'
            + f'![Bright spots on a dark field, number {n}](images/photo-{n}.jpg "Photo {n}")\n\n## '
            + rest
        )


def cold(site: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--clean"], cwd=site, check=True, capture_output=True
    )
    return time.perf_counter() - started


def phone_bytes(site: Path) -> dict[str, int]:
    from bs4 import BeautifulSoup

    out = site / "public"
    page_dir = sorted((out / "articles").iterdir())[0]
    html = (page_dir / "index.html").read_bytes()
    page = BeautifulSoup(html, "html.parser")
    sizes = {"html": len(html)}
    for link in page.find_all("link", rel="stylesheet"):
        sizes["css"] = sizes.get("css", 0) + (page_dir / link["href"]).resolve().stat().st_size
    for script in page.find_all("script", src=True):
        sizes["js"] = sizes.get("js", 0) + (page_dir / script["src"]).resolve().stat().st_size
    needed = 390 * 2
    for figure in page.select("article figure"):
        source = figure.find("source")
        if source is not None:
            candidates = [item.rsplit(" ", 1) for item in source["srcset"].split(", ")]
            by_width = sorted((int(w[:-1]), url) for url, w in candidates)
            url = next((u for w, u in by_width if w >= needed), by_width[-1][1])
            sizes["photo (" + source["type"] + ")"] = (page_dir / url).resolve().stat().st_size
        else:
            sizes["diagram (svg)"] = (page_dir / figure.img["src"]).resolve().stat().st_size
    sizes["total"] = sum(sizes.values())
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="figures-bench-"))
    try:
        sites = {}
        for name in ("without", "figures"):
            site = make_corpus(args.size, work / name)
            with open(site / "config.yaml", "a") as config:
                config.write("\nsearch: false\n")
            if name == "figures":
                add_figures(site)
            sites[name] = site
        times: dict[str, list[float]] = {name: [] for name in sites}
        for _ in range(args.rounds):
            for name, site in sites.items():
                times[name].append(cold(site))
        base, with_figures = (statistics.median(times[n]) for n in ("without", "figures"))
        print(f"cold build, {args.size} articles, median of {args.rounds} rounds:")
        print(f"  without figures   {base:7.2f} s")
        print(f"  two figures each  {with_figures:7.2f} s   ratio {with_figures / base:.2f}")
        print("bytes for the first article at 390 px (DPR 2), from its srcset:")
        for key, value in phone_bytes(sites["figures"]).items():
            print(f"  {key:24} {value:9,}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
