"""An attacker's probe of the figures (issue 28's promise, second round): an SVG nested a
thousand deep, a phone photo stored on its side, pictures from other sites, and the words of
the findings for a file that is not a picture.

Sites are built with the real pipeline; photos are made here with Pillow.
"""

from __future__ import annotations

import inspect
import io
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from sitekit import line_of, new_site, soup

FRONT = "---\ntitle: {title}\nsummary: S.\ndate: 2026-01-10\ntags: [MRI]\n---\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'


def site_with(root: Path, files: dict[str, bytes | str], body: str = "", **config):
    """A site whose article "Probe" shows each file as a figure (each with a full record)."""
    site = new_site(root)
    site.set_config(search=False, licence="Test Licence 1.0", **config)
    records = ""
    text = FRONT.format(title="Probe") + "Some text.\n"
    for name, data in files.items():
        site.write(f"content/images/{name}", data)
        records += f"{name}:\n  credit: Test team\n  licence: site\n"
        text += f"\n![Figure {name}](images/{name})\n"
    if records:
        site.write("content/images/images.yaml", records)
    site.article("probe.md", text + body)
    site.article("other.md", FRONT.format(title="Other") + "Other text.\n")
    return site


# --- 1. nesting: a finding before any walk, and no walk recurses --------------------------


def nested(depth: int, inner: str = '<rect width="1" height="1"/>') -> str:
    return SVG + "<g>" * depth + inner + "</g>" * depth + "</svg>"


def test_an_svg_nested_a_thousand_deep_is_a_finding_naming_the_file(tmp_path):
    site = site_with(tmp_path / "site", {"deep.svg": nested(1000), "fine.svg": nested(3)})
    result = site.build()  # a RecursionError would end the test here
    found = [d for d in result.diagnostics if d.code.startswith("image-svg")]
    assert [(d.file, d.line, d.code, d.is_error) for d in found] == [
        ("content/images/deep.svg", 1, "image-svg-too-deep", True)
    ], [d.format() for d in result.diagnostics]
    assert "more than 100 levels deep" in found[0].message and "Ungroup" in found[0].hint
    checked = [d for d in site.check() if d.code == "image-svg-too-deep"]
    assert [d.file for d in checked] == ["content/images/deep.svg"]


def test_nesting_is_checked_inside_parts_left_out_too(tmp_path):
    from sitegen.images import svgsafe

    hidden = SVG + "<metadata>" + "<g>" * 5000 + "</g>" * 5000 + "</metadata></svg>"
    out, problems = svgsafe.sanitise(hidden.encode(), "x.svg")
    assert out is None and [d.code for d in problems] == ["image-svg-too-deep"]


def test_no_walk_of_the_tree_recurses():
    """At the limit, the tree is read, checked and written back with the interpreter allowed
    only a few frames more than the test itself uses: every walk is a loop."""
    from sitegen.images import imagefiles, svgsafe

    depth = svgsafe.MAX_DEPTH - 2  # the root is one level, the innermost elements one more
    text = nested(depth, '<style>rect{fill:red}</style><text xmlns:xlink="http://www.w3.org/1999/xlink">a</text>')
    frames = len(inspect.stack(0))
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(frames + 40)
    try:
        out, problems = svgsafe.sanitise(text.encode(), "x.svg")
        size = imagefiles.svg_size(text.encode())
    finally:
        sys.setrecursionlimit(old)
    assert not problems and out is not None and size == (10, 10)
    assert out.count(b"<g>") == depth and out.count(b"</g>") == depth
    assert b"<style>rect{fill:red}</style><text>a</text>" in out
    over = svgsafe.sanitise(nested(depth + 1).encode(), "x.svg")
    assert over[0] is None and [d.code for d in over[1]] == ["image-svg-too-deep"]


# What the parser and the checks are fed: each must stay well under a second or two (the
# CSS patterns were quadratic: 200 KB of letters in a <style> took 217 s).
HEAVY = {
    "css-letters": SVG + "<style>" + "a" * 200_000 + "</style></svg>",
    "style-attribute-letters": SVG + '<rect style="fill:' + "a" * 200_000 + '"/></svg>',
    "css-open-urls": SVG + "<style>" + "url(" * 50_000 + "</style></svg>",
    "css-open-quoted-urls": SVG + "<style>" + "url('" * 50_000 + "</style></svg>",
    "css-comments": SVG + "<style>" + "/*" * 100_000 + "</style></svg>",
    "attribute-urls": SVG + '<rect fill="' + "url(" * 100_000 + '"/></svg>',
    "attributes-100k": SVG + "<rect " + " ".join(f'a{i}="1"' for i in range(100_000)) + "/></svg>",
    "text-2MB": SVG + "<text>" + "&amp;" * 400_000 + "</text></svg>",
    "elements-100k": SVG + "<rect/>" * 100_000 + "</svg>",
    "namespaces-50k": SVG + "".join(f'<x:r xmlns:x="urn:{i}"/>' for i in range(50_000)) + "</svg>",
    "unclosed-roots": "<svg " * 100_000,
}


@pytest.mark.parametrize("name", sorted(HEAVY))
def test_hostile_svg_shapes_are_read_in_bounded_time(name):
    from sitegen.images import imagefiles, svgsafe

    data = HEAVY[name].encode()
    started = time.perf_counter()
    out, problems = svgsafe.sanitise(data, "x.svg")
    imagefiles.svg_size(data)
    assert time.perf_counter() - started < 5, name
    assert len(problems) <= svgsafe.MAX_FINDINGS * 3  # a few kinds, each capped
    if out is not None:
        assert len(out) <= len(data) + 100


def test_many_findings_of_one_kind_are_capped_with_a_count(tmp_path):
    from sitegen.images import svgsafe

    text = SVG + "\n" + '<rect onclick="alert(1)"/>\n' * 1000 + "</svg>"
    out, problems = svgsafe.sanitise(text.encode(), "x.svg")
    assert out is not None
    assert len(problems) == svgsafe.MAX_FINDINGS + 1 and {d.code for d in problems} == {"image-svg-unsafe"}
    assert [d.line for d in problems[:3]] == [2, 3, 4]
    last = problems[-1]
    assert last.line == svgsafe.MAX_FINDINGS + 2 and "980 more findings like the ones above" in last.message


# --- 2. a photo stored on its side: every size is the upright picture's --------------------

QUADRANTS = [(255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 220, 0)]  # top left, top right, bottom left, bottom right


def stored_photo(orientation: int, width: int = 800, height: int = 500) -> bytes:
    """A JPEG stored `width` x `height` in four coloured quarters, tagged with `orientation`."""
    image = Image.new("RGB", (width, height))
    for index, colour in enumerate(QUADRANTS):
        left, top = (index % 2) * width // 2, (index // 2) * height // 2
        image.paste(colour, (left, top, left + width // 2, top + height // 2))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = "SECRET-ARTIST"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    return buffer.getvalue()


def quarter_colours(image: Image.Image) -> list[tuple[int, ...]]:
    rgb = image.convert("RGB")
    width, height = rgb.size
    return [rgb.getpixel((x * width // 4, y * height // 4)) for y in (1, 3) for x in (1, 3)]


def close(one: tuple[int, ...], other: tuple[int, ...]) -> bool:
    return all(abs(a - b) <= 40 for a, b in zip(one, other, strict=True))


def test_a_photo_on_its_side_is_published_upright_at_its_shown_size_for_every_orientation(tmp_path):
    photos = {f"turned-{orientation}.jpg": stored_photo(orientation) for orientation in range(1, 9)}
    site = site_with(tmp_path / "site", photos)
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    page = soup(site.public / "articles/probe/index.html")
    for name, data in photos.items():
        with Image.open(io.BytesIO(data)) as stored:
            upright = ImageOps.exif_transpose(stored)  # Pillow's own reading of the tag, as the reference
            expected_colours = quarter_colours(upright)
            shown = upright.size
        ratio = shown[1] / shown[0]
        stem = name.rsplit(".", 1)[0]
        img = page.select_one(f'img[src*="{stem}-"]')
        assert (int(img["width"]), int(img["height"])) == shown, name
        outputs = sorted((site.public / "images").glob(f"{stem}-*"))
        assert len({path.stem.rsplit("-", 1)[1] for path in outputs}) == 2, outputs  # two widths: 480 and the full
        for path in outputs:
            with Image.open(path) as out:
                width, height = out.size
                assert abs(height - width * ratio) <= 1, (path.name, out.size, shown)  # not squashed
                assert f"-{width}." in path.name
                colours = quarter_colours(out)
                assert all(close(a, b) for a, b in zip(colours, expected_colours, strict=True)), (path.name, colours)
                assert not out.getexif(), path.name  # no orientation tag (the pixels are upright), nothing else
            assert b"SECRET-ARTIST" not in path.read_bytes()
        srcset = page.select_one(f'img[src*="{stem}-"]')["srcset"]
        assert f"{stem}-" in srcset and f" {shown[0]}w" in srcset


def test_the_measured_size_is_the_upright_one():
    from sitegen.images.imagefiles import measure_raster

    for orientation, size in ((1, (800, 500)), (3, (800, 500)), (5, (500, 800)), (6, (500, 800)), (8, (500, 800))):
        measured, problems = measure_raster(stored_photo(orientation), "p.jpg")
        assert not problems and measured == (*size, "JPEG"), orientation


def test_an_orientation_out_of_range_is_shown_as_stored():
    from sitegen.images.imagefiles import Variant, encode_raster, measure_raster

    data = stored_photo(9, 200, 100)
    measured, _ = measure_raster(data, "p.jpg")
    assert measured == (200, 100, "JPEG")
    (out,) = encode_raster(data, [Variant("p.jpg", "JPEG", 200, 100)]).values()
    assert Image.open(io.BytesIO(out)).size == (200, 100)


# --- 3. pictures from other sites: a finding at the line --------------------------------------

EXTERNAL = ["http://tracker.example/p.png", "//tracker.example/q.png", "https://tracker.example/r.png"]


def test_an_image_from_another_site_is_an_error_at_its_line(tmp_path):
    body = (
        "".join(f"\n![Scan {n}]({src})\n" for n, src in enumerate(EXTERNAL))
        + "\nIn a sentence ![x](//t.example/s.png) too.\n"
    )
    site = site_with(tmp_path / "site", {}, body)
    text = (site.content / "articles/probe.md").read_text()
    found = [d for d in site.build().diagnostics if d.code == "image-external"]
    written = [*EXTERNAL, "//t.example/s.png"]
    assert [(d.file, d.line, d.is_error) for d in found] == [
        ("content/articles/probe.md", line_of(text, src), True) for src in written
    ]
    assert "the site never loads pictures from other sites" in found[0].message
    assert "content/images/" in found[0].hint and "images.yaml" in found[0].hint
    checked = [d for d in site.check() if d.code == "image-external"]
    assert len(checked) == len(written)


def test_a_data_image_is_refused(tmp_path):
    site = site_with(tmp_path / "site", {}, "\n![Dot](data:image/png;base64,iVBORw0KGgo=)\n")
    text = (site.content / "articles/probe.md").read_text()
    found = [d for d in site.check() if d.is_error]
    assert [(d.code, d.line) for d in found] == [("link-unsafe", line_of(text, "data:"))], [d.format() for d in found]


def test_raw_html_pictures_from_other_sites_are_reported_and_left_out(tmp_path):
    body = (
        '\n<img src="http://tracker.example/r.png" alt="Raw">\n'
        '\n<picture><source srcset="https://t.example/b.webp 2x"><img src="/x.png" alt="x"></picture>\n'
    )
    site = site_with(tmp_path / "site", {}, body, markdown={"raw_html": "sanitize"})
    text = (site.content / "articles/probe.md").read_text()
    result = site.build(write=False)
    found = [(d.code, d.line) for d in result.diagnostics if d.code == "image-external"]
    assert found == [
        ("image-external", line_of(text, "tracker.example/r.png")),
        ("image-external", line_of(text, "t.example/b.webp")),
    ]
    from sitegen.markup.sanitize import sanitize

    external: list[str] = []
    html = sanitize(body, external)
    assert "example" not in html and '<img src="/x.png" alt="x">' in html
    assert external == ["http://tracker.example/r.png", "https://t.example/b.webp"]


# --- findings in words; no second, wrong finding for an unreadable file --------------------


def test_a_file_that_is_not_a_picture_is_described_in_words_and_found_once(tmp_path):
    site = site_with(tmp_path / "site", {"html.jpg": "<!doctype html><html><body>Hi</body></html>\n"})
    found = [d for d in site.check() if d.code.startswith("image-")]
    assert [(d.file, d.code) for d in found] == [("content/images/html.jpg", "image-unreadable")], [
        d.format() for d in found
    ]
    assert found[0].message == (
        "This file is not an image the site can read: it holds a web page, not a PNG, JPEG, GIF or WebP picture."
    )


def test_a_header_cut_short_is_described_in_words():
    from sitegen.images.imagefiles import measure_raster

    _, (problem,) = measure_raster(b"\x89PNG\r\n\x1a\n", "p.png")
    assert problem.code == "image-damaged" and "object at 0x" not in problem.message
    assert "header is incomplete" in problem.message
