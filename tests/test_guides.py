"""Guides (issue 34): articles read in order, declared once in content/guides.yaml per
language, with a page of their own, "Pages in this guide" and previous/next on each of their
articles, and `check` findings for a guide that names a missing article or shares one.
Built from the two-language fixture, with a guides file written by each test."""

from __future__ import annotations

import json

import pytest
from test_serve import get, previewed_site, server, wait_for  # noqa: F401 (the preview fixture)

from sitekit import FIXTURES, copy_site, line_of, soup

GUIDES = """\
    # A guide of the fixture's articles, in both languages.
    first-steps:
      en:
        title: First steps with your scans
        summary: Two pages to read in order.
        articles:
          - scan-types.md
          - lesions.md
      es:
        slug: primeros-pasos
        title: Primeros pasos con sus pruebas
        summary: Dos páginas para leer en orden.
        articles:
          - lesiones.md
          - solo-en-espanol.md
"""


@pytest.fixture
def two(tmp_path):
    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    site.write("content/guides.yaml", GUIDES)
    return site


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    site = copy_site(FIXTURES / "bilingual", tmp_path_factory.mktemp("guides") / "site")
    site.write("content/guides.yaml", GUIDES)
    result = site.build(write=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.files


def findings(site):
    """Every diagnostic of `check` (the quality checks included)."""
    from sitegen.pipeline import check

    return check(site.config(), use_cache=False).diagnostics


def page(files, path):
    return soup(files[path])


def data_of(html, kind):
    blocks = [json.loads(script.string) for script in html.find_all("script", type="application/ld+json")]
    return next(block for block in blocks if block["@type"] == kind)


def test_a_guide_has_its_own_page_listing_its_pages_in_order(files):
    html = page(files, "guides/first-steps/index.html")
    assert html.h1.get_text(" ", strip=True) == "Guide : First steps with your scans"
    assert html.select_one(".guide .lead").get_text() == "Two pages to read in order."
    listed = [(a.get_text(), a["href"]) for a in html.select(".guide-path .path-title")]
    assert listed == [
        ("Types of MRI scan", "../../articles/scan-types/"),
        ("What a lesion is", "../../articles/lesions/"),
    ]
    assert html.select_one(".guide-start a")["href"] == "../../articles/scan-types/"
    assert [a.get_text() for a in html.select(".breadcrumbs a")] == ["Home"]
    data = data_of(html, "CollectionPage")
    assert [part["url"] for part in data["hasPart"]] == [
        "https://example.test/articles/scan-types/",
        "https://example.test/articles/lesions/",
    ]
    assert data["breadcrumb"]["itemListElement"][-1]["name"] == "First steps with your scans"


def test_the_spanish_guide_has_its_own_address_and_pairs_with_the_english_one(files):
    html = page(files, "es/guides/primeros-pasos/index.html")
    assert html.html["lang"] == "es"
    assert "Primeros pasos con sus pruebas" in html.h1.get_text()
    assert html.find("h2", string="Las 2 páginas de esta guía, en orden de lectura") is not None
    assert [a["href"] for a in html.select(".guide-path .path-title")] == [
        "../../../es/articles/lesiones/",
        "../../../es/articles/solo-en-espanol/",
    ]
    pairs = {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate", hreflang=True)}
    assert pairs["en"] == "https://example.test/guides/first-steps/"
    assert pairs["es"] == "https://example.test/es/guides/primeros-pasos/"
    switch = html.select_one(".language-switcher a")
    assert switch["href"] == "../../../guides/first-steps/" and switch["data-switch"] == "paired"
    sitemap = files["sitemap.xml"].decode()
    assert "https://example.test/guides/first-steps/" in sitemap
    assert "https://example.test/es/guides/primeros-pasos/" in sitemap


def test_each_page_of_a_guide_lists_the_guide_with_itself_marked(files):
    for path, current in (("articles/scan-types/", 0), ("articles/lesions/", 1)):
        html = page(files, path + "index.html")
        contents = html.select_one("nav.guide-contents")
        assert contents["aria-labelledby"] == "guide-contents-title"
        assert contents.find(id="guide-contents-title").get_text() == "Pages in this guide"
        items = contents.select("ol > li")
        assert [li.get_text(strip=True).removeprefix("This page:") for li in items] == [
            "Types of MRI scan",
            "What a lesion is",
        ]
        marked = [li for li in items if li.get("aria-current") == "page"]
        assert marked == [items[current]] and marked[0].find("a") is None
        assert all(li.find("a") is not None for i, li in enumerate(items) if i != current)
        assert contents.select_one(".guide-contents-of a")["href"] == "../../guides/first-steps/"


def test_previous_and_next_name_the_pages_and_stop_at_the_ends(files):
    first = page(files, "articles/scan-types/index.html").select_one("nav.pagination")
    last = page(files, "articles/lesions/index.html").select_one("nav.pagination")
    assert first.select_one(".pagination-previous") is None
    step = first.select_one(".pagination-next a")
    assert step["href"] == "../../articles/lesions/" and step["rel"] == ["next"]
    assert step.get_text(" ", strip=True) == "Next : What a lesion is"
    assert last.select_one(".pagination-next") is None
    back = last.select_one(".pagination-previous a")
    assert back["href"] == "../../articles/scan-types/" and back["rel"] == ["prev"]
    assert back.select_one(".pagination-title").get_text() == "Types of MRI scan"
    spanish = page(files, "es/articles/lesiones/index.html").select_one("nav.pagination")
    assert spanish["aria-label"] == "Página anterior y siguiente de esta guía"
    assert spanish.select_one(".pagination-label").get_text(" ", strip=True) == "Siguiente :"


def test_a_guide_page_leads_back_to_its_guide_in_breadcrumbs_and_data(files):
    html = page(files, "articles/lesions/index.html")
    crumbs = [(a.get_text(), a["href"]) for a in html.select(".breadcrumbs a")]
    assert crumbs == [("Home", "../../"), ("First steps with your scans", "../../guides/first-steps/")]
    data = data_of(html, "MedicalWebPage")
    names = [item["name"] for item in data["breadcrumb"]["itemListElement"]]
    assert names == ["Home", "First steps with your scans", "What a lesion is"]
    assert {
        "@type": "CollectionPage",
        "name": "First steps with your scans",
        "url": "https://example.test/guides/first-steps/",
    } in data["isPartOf"]
    assert data["position"] == 2


def test_the_home_page_lists_the_guide_in_each_language(files):
    card = page(files, "index.html").select_one(".guides .guide-card")
    assert card.select_one("a")["href"] == "guides/first-steps/" and "2 pages" in card.get_text()
    card = page(files, "es/index.html").select_one(".guides .guide-card")
    assert card.select_one("a")["href"] == "../es/guides/primeros-pasos/" and "2 páginas" in card.get_text()


def test_an_article_in_no_guide_keeps_its_topic_breadcrumbs(two):
    two.write(
        "content/guides.yaml",
        "one:\n  en:\n    title: One\n    summary: Only one page.\n    articles: [lesions.md]\n",
    )
    files = two.build(write=False).files
    html = soup(files["articles/scan-types/index.html"])
    assert html.select_one("nav.guide-contents") is None and html.select_one("nav.pagination") is None
    assert [a.get_text() for a in html.select(".breadcrumbs a")] == ["Home", "Topics", "Basics"]
    # A one-page guide: its contents list, and nothing before or after.
    lone = soup(files["articles/lesions/index.html"])
    assert lone.select_one("nav.guide-contents") is not None and lone.select_one("nav.pagination") is None
    assert "es/guides/one/index.html" not in files  # no Spanish block: no Spanish page


def test_check_reports_a_missing_article_and_an_article_in_two_guides(two):
    text = """\
        first-steps:
          en:
            title: First steps
            summary: Read in order.
            articles:
              - scan-typos.md
              - lesions.md
        more:
          en:
            title: More
            summary: Again.
            articles: [lesions.md]
    """
    written = two.write("content/guides.yaml", text).read_text()
    found = {d.code: d for d in findings(two) if d.code.startswith("guide-")}
    missing = found["guide-article-missing"]
    assert missing.file == "content/guides.yaml" and missing.line == line_of(written, "scan-typos.md")
    assert "scan-typos.md, which is not an article" in missing.message and "scan-types.md" in missing.hint
    twice = found["guide-article-twice"]
    assert (
        twice.line == line_of(written, "articles: [lesions.md]") and "also in the guide 'first-steps'" in twice.message
    )
    assert twice.is_error
    from sitegen.pipeline import check

    assert not check(two.config(), use_cache=False).ok


def test_check_reports_an_article_listed_twice_in_one_guide(two):
    text = "g:\n  en:\n    title: G\n    summary: S\n    articles:\n      - lesions.md\n      - scan-types.md\n      - lesions.md\n"
    two.write("content/guides.yaml", text)
    found = [d for d in findings(two) if d.code == "guide-article-twice"]
    assert [d.line for d in found] == [8] and "listed twice in the guide 'g' (en)" in found[0].message
    pages = soup(two.build(write=False).files["guides/g/index.html"]).select(".guide-path .path-title")
    assert [a.get_text() for a in pages] == ["What a lesion is", "Types of MRI scan"]


def test_check_names_a_draft_and_the_guide_leaves_it_out(two):
    two.article(
        "coming-soon.md", "---\ntitle: Coming soon\nsummary: Not yet.\ndate: 2026-05-01\ndraft: true\n---\nText.\n"
    )
    two.write("content/guides.yaml", GUIDES.replace("- scan-types.md", "- scan-types.md\n          - coming-soon.md"))
    problems = [d for d in findings(two) if d.code == "guide-article-missing"]
    assert len(problems) == 1 and "coming-soon.md, which is a draft or not published" in problems[0].message
    result = two.build(write=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    listed = soup(result.files["guides/first-steps/index.html"]).select(".guide-path .path-title")
    assert [a.get_text() for a in listed] == ["Types of MRI scan", "What a lesion is"]


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("g:\n  fr:\n    title: T\n    summary: S\n    articles: [lesions.md]\n", "guide-language", "fr:"),
        ("g:\n  en:\n    titel: T\n    summary: S\n    articles: [lesions.md]\n", "guide-unknown-key", "titel"),
        ("g:\n  en:\n    summary: S\n    articles: [lesions.md]\n", "guide-entry", "en:"),
        ("g:\n  en:\n    title: T\n    summary: S\n    articles: []\n", "guide-entry", "articles"),
        ("Bad Key:\n  en:\n    title: T\n    summary: S\n    articles: [lesions.md]\n", "guide-key", "Bad Key"),
        (
            "a:\n  en: {slug: x, title: T, summary: S, articles: [lesions.md]}\n"
            "b:\n  en: {slug: x, title: U, summary: S, articles: [scan-types.md]}\n",
            "guide-slug-duplicate",
            "title: U",
        ),
    ],
)
def test_a_mistake_in_the_guides_file_is_reported_at_its_line(two, text, code, needle):
    from sitegen.core.config import load_config

    two.write("content/guides.yaml", text)
    config, problems = load_config(two.config_path)
    assert config is None
    found = [d for d in problems if d.code == code]
    assert found, [d.format() for d in problems]
    assert found[0].file == "content/guides.yaml" and found[0].line == line_of(text, needle) and found[0].hint


def test_a_changed_title_reaches_the_other_pages_of_the_guide_on_a_rebuild(two):
    two.build()
    path = two.root / "content/articles/lesions.md"
    path.write_text(path.read_text().replace("title: What a lesion is", "title: What a lesion means"))
    result = two.build()
    assert result.ok
    other = soup((two.public / "articles/scan-types/index.html").read_bytes())
    assert other.select_one(".pagination-next .pagination-title").get_text() == "What a lesion means"
    assert "What a lesion means" in other.select_one("nav.guide-contents").get_text()
    guide = soup((two.public / "guides/first-steps/index.html").read_bytes())
    assert "What a lesion means" in guide.select_one(".guide-path").get_text()


def test_the_preview_shows_a_saved_guides_file(server):
    """guides.yaml is read with config.yaml: a save reloads it (serve.py), as for people.yaml."""
    site, base, _ = server
    assert "Your first MRI scan" in get(base + "guides/your-first-mri/")[1]
    path = site / "content/guides.yaml"
    path.write_text(path.read_text().replace("title: Your first MRI scan", "title: Your very first MRI scan"))
    wait_for(lambda: "Your very first MRI scan" in get(base + "articles/gadolinium-safety/")[1])
    assert "Your very first MRI scan" in get(base + "guides/your-first-mri/")[1]
