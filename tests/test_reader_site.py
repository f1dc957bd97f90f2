"""The reader's site without a browser: glossary links, reading aids, structured data, search index.

Markdown tests are one small input and the HTML it gives, parsed; site tests build
a real site from a few files and look at elements and attributes.
"""

from __future__ import annotations

import json

import pytest

from sitegen.core.article import GlossaryTerm
from sitegen.markup import Renderer
from sitekit import soup

TERMS = (
    GlossaryTerm("lesion", "lesion", "An area of damage.", ("lesions",)),
    GlossaryTerm("lesion load", "lesion-load", "All lesions together."),
    GlossaryTerm("enhancing lesion", "enhancing-lesion", "A lesion that lights up."),
    GlossaryTerm("MRI", "mri", "A scan with a magnet."),
    GlossaryTerm("myelin", "myelin", "A fatty coating."),
)


def render(body: str, *, root: str = "../../", terms=TERMS, raw_html: str = "escape"):
    markup = Renderer(raw_html, glossary=terms).render(body, file="a.md", body_line=1, targets={}, root=root)
    return markup, soup(markup.html.encode())


def linked(html) -> list[str]:
    return [a.get_text() for a in html.select("a.gloss-term")]


# --- glossary links -----------------------------------------------------------------


def test_first_use_of_each_term_links_to_its_definition_with_a_tooltip():
    _, html = render("An MRI shows lesions.\n\nAnother MRI, more lesions.")
    assert linked(html) == ["MRI", "lesions"]
    link = html.select_one("a.gloss-term")
    assert link["href"] == "../../glossary/#mri"
    tip = html.find(id=link["aria-describedby"])
    assert tip.get_text() == "A scan with a magnet."
    assert tip["role"] == "tooltip" and tip.has_attr("data-pagefind-ignore")
    assert tip.parent is link.parent and "gloss" in link.parent["class"]


def test_one_glossary_link_a_block_the_others_link_at_a_later_use():
    # Issue 34: four links in two sentences, each a tab stop and "link" read aloud.
    _, html = render(
        "An MRI shows lesions and myelin.\n\n- More lesions, more MRI.\n- Myelin.\n\nNo more terms.\n\nA lesion again."
    )
    assert linked(html) == ["MRI", "lesions", "Myelin"]
    for block in html.select("p, li"):
        assert len(block.select("a.gloss-term")) <= 1, block
    assert html.select("li")[1].select_one("a.gloss-term")["href"].endswith("#myelin")


def test_href_is_relative_to_the_page():
    _, html = render("About MRI.", root="../")
    assert html.select_one("a.gloss-term")["href"] == "../glossary/#mri"


def test_matching_is_case_insensitive_whole_words_and_prefers_the_longest_term():
    _, html = render(
        "Myelination is not myelin.\n\nThe Lesion Load.\n\nA non-enhancing lesion.\n\nAn enhancing lesion."
    )
    # "non-enhancing lesion" is a lesion, but not an "enhancing lesion".
    assert linked(html) == ["myelin", "Lesion Load", "lesion", "enhancing lesion"]


def test_an_alias_counts_as_a_use_of_its_term():
    _, html = render("Lesions first. Then one lesion.")
    assert linked(html) == ["Lesions"]
    assert html.select_one("a.gloss-term")["href"].endswith("#lesion")


@pytest.mark.parametrize(
    "body",
    [
        "## MRI and lesions\n\nNo term here.",
        "See [the MRI page](https://example.org/).",
        "Run `MRI` now.",
        "Table: MRI caption\n\n| a |\n|---|\n| x |",
        '!!! note "MRI note"\n    Nothing here.',
    ],
)
def test_no_links_in_headings_links_code_captions_or_callout_titles(body):
    _, html = render(body)
    assert linked(html) == []


def test_terms_in_text_after_a_skipped_element_still_link():
    _, html = render("## MRI\n\nThe `MRI` words, then MRI.\n\n[lesions](https://example.org/) then lesions.")
    assert linked(html) == ["MRI", "lesions"]
    assert html.h2.get_text() == "MRI" and html.h2["id"] == "mri"


def test_terms_in_lists_tables_and_callout_text_link():
    _, html = render("- An MRI\n\n| a |\n|---|\n| myelin |\n\n!!! note\n    A lesion.")
    assert linked(html) == ["MRI", "myelin", "lesion"]


def test_definitions_are_not_running_text_or_links_of_the_article():
    markup, _ = render("An MRI shows lesions.")
    assert markup.prose == ("An MRI shows lesions.",)  # readability never counts the definitions
    assert markup.links == ()  # nor does the link checker see the glossary links


def test_no_glossary_no_links():
    markup, html = render("An MRI shows lesions.", terms=())
    assert linked(html) == [] and "gloss" not in markup.html


def test_sanitize_policy_keeps_the_tooltip_wiring():
    _, html = render("An MRI.", raw_html="sanitize")
    link = html.select_one("a.gloss-term")
    assert html.find(id=link["aria-describedby"]).has_attr("data-pagefind-ignore")


# --- reading aids ---------------------------------------------------------------------


def test_reading_aids():
    from sitegen.build.reading import reading_aids

    assert reading_aids(()) == {"minutes": 1, "grade": 0.0, "score": 0.0, "scale": "Flesch–Kincaid grade"}
    assert reading_aids(("word " * 1000,))["minutes"] == 5
    easy = reading_aids(("The scan is quick. It does not hurt. You lie still.",))["grade"]
    hard = reading_aids(
        (
            "Gadolinium-based contrast agents demonstrate blood-brain barrier permeability "
            "characteristically associated with inflammatory demyelination.",
        )
    )["grade"]
    assert 0 <= easy < 5 < hard


# --- pages: structured data, sharing tags, search page ---------------------------------

ARTICLE = """\
---
title: "Scans </script><script>alert(1)</script> & you"
summary: What an MRI shows, in plain words.
date: 2026-01-10
reviewed: 2026-02-01
reviewer: Dr Ada Example
tags: [MRI basics]
takeaways: [MRI shows lesions.]
references:
  - title: A study
    authors: Doe J
    journal: A Journal
    year: 2024
    doi: 10.1000/xyz
---
An MRI shows lesions. {words}
"""


@pytest.fixture
def built(blank_site):
    blank_site.article("scans.md", ARTICLE.replace("{words}", "More plain words here. " * 60))
    blank_site.write("content/glossary.yaml", "- term: MRI\n  definition: A scan with a magnet.\n")
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    return blank_site.public


def test_article_json_ld_is_a_medical_web_page_that_no_text_can_break_out_of(built):
    page = soup(built / "articles" / "scans" / "index.html")
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    assert "</script><script>" not in str(scripts[0])
    data = json.loads(scripts[0].string)
    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == "Scans </script><script>alert(1)</script> & you"
    assert data["description"] == "What an MRI shows, in plain words."
    assert (data["datePublished"], data["lastReviewed"]) == ("2026-01-10", "2026-02-01")
    assert data["reviewedBy"] == {"@type": "Person", "name": "Dr Ada Example"}
    assert data["audience"]["audienceType"] == "Patient"
    assert data["about"]["@type"] == "MedicalCondition" and data["about"]["name"] == "Multiple sclerosis"
    assert data["inLanguage"] == "en"
    assert data["url"] == "https://example.test/articles/scans/"
    assert data["citation"] == [
        {
            "@type": "ScholarlyArticle",
            "name": "A study",
            "author": "Doe J",
            "isPartOf": {"@type": "Periodical", "name": "A Journal"},
            "datePublished": "2024",
            "identifier": "doi:10.1000/xyz",
            "url": "https://doi.org/10.1000/xyz",
        }
    ]
    assert len(page.find_all("script", src=False)) == 1  # nothing else inline: the CSP allows no inline script


def test_article_sharing_and_description_tags(built):
    page = soup(built / "articles" / "scans" / "index.html")
    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in page.find_all("meta", content=True)}
    assert (
        meta["description"]
        == meta["og:description"]
        == meta["twitter:description"]
        == "What an MRI shows, in plain words."
    )
    assert meta["og:type"] == "article"
    assert meta["og:title"] == meta["twitter:title"] == "Scans </script><script>alert(1)</script> & you"
    assert meta["og:url"] == page.find("link", rel="canonical")["href"] == "https://example.test/articles/scans/"
    assert meta["twitter:card"] == "summary"
    assert meta["article:published_time"] == "2026-01-10"


def test_article_meta_line_shows_reading_time_and_the_foot_the_review(built):
    page = soup(built / "articles" / "scans" / "index.html")
    meta = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in page.select(".meta dt")}
    assert meta["Reading time"] == "about 1 minute"
    assert "Reading level" not in meta  # for editors (check), not patients
    foot = [p.get_text() for p in page.select(".review-date p")]
    assert foot[0].startswith("Page last reviewed: ") and foot[0].endswith(", by Dr Ada Example")
    assert foot[1].startswith("Next review due: ")


def test_article_links_glossary_terms(built):
    page = soup(built / "articles" / "scans" / "index.html")
    assert [a["href"] for a in page.select(".prose a.gloss-term")] == ["../../glossary/#mri"]
    assert page.find(id="mri") is None  # the anchor lives on the glossary page
    assert soup(built / "glossary" / "index.html").find(id="mri").name == "h3"


def test_header_search_is_a_plain_get_form_to_the_search_page(built):
    for path, root in (("index.html", ""), ("articles/scans/index.html", "../../")):
        form = soup(built / path).select_one("header form[role=search]")
        assert (form["action"], form["method"]) == (f"{root}search/", "get")
        field = form.find("input", attrs={"name": "q"})
        assert form.find("label", attrs={"for": field["id"]}).get_text().strip()
        assert form.find("button", type="submit")


def test_search_page_works_without_javascript_by_offering_the_topic_index(built):
    page = soup(built / "search" / "index.html")
    fallback = page.select_one("[data-search-fallback]")
    assert not fallback.has_attr("hidden")
    assert fallback.find("a", href="../topics/")
    assert page.find("script", type="module", src="../static/search.js")
    csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert (
        "'wasm-unsafe-eval'" in csp
        and "'unsafe-inline'" not in csp
        and "'unsafe-eval'" not in csp.replace("'wasm-unsafe-eval'", "")
    )
    other = soup(built / "index.html").find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "wasm" not in other  # only the search page may run WebAssembly


def test_search_page_mentions_the_glossary_only_when_the_site_has_one(blank_site):
    # A site without content/glossary.yaml has no /glossary/: the search page linked to it anyway.
    blank_site.article("a.md", "---\ntitle: A\nsummary: S\ndate: 2026-01-10\n---\nText.\n")
    page = soup(blank_site.build(write=False).files["search/index.html"])
    assert page.select_one("[data-search-fallback]").find("a", href="../topics/")
    assert not page.find("a", href="../glossary/")
    assert "glossary" not in page.find("label", attrs={"for": "search-page-q"}).get_text().lower()
    blank_site.write("content/glossary.yaml", "- term: lesion\n  definition: An area of damage.\n")
    page = soup(blank_site.build(write=False).files["search/index.html"])
    assert page.select_one("[data-search-fallback]").find("a", href="../glossary/")


def test_search_index_covers_articles_and_glossary_not_navigation(built):
    assert (built / "pagefind" / "en" / "pagefind.js").is_file()
    assert not (built / "pagefind" / "en" / "pagefind-ui.js").exists()  # the unused ready-made UI is not published
    page = soup(built / "articles" / "scans" / "index.html")
    assert page.select_one("article[data-pagefind-body]")
    assert soup(built / "glossary" / "index.html").select_one("[data-pagefind-body]")
    assert soup(built / "index.html").select_one("[data-pagefind-body]") is None
