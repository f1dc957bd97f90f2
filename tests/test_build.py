"""End to end: build tests/fixtures/site (and the real content) and look at what was written."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from sitegen.system.write import STAMP
from sitekit import FIXTURE_SITE, REPO, copy_site, internal_link_problems, line_of, snapshot, soup
from sitekit import cli_here as run_cli

# What the fixture holds (see tests/fixtures/site/content): slug -> (title, date, tags).
PUBLISHED = {
    "lesions": ("What a lesion is", date(2026, 3, 5), ["Basics"]),
    "scan-types": ("Scan types explained", date(2026, 1, 10), ["Basics", "Scans"]),
    "contrast-dye": ("Contrast <script>alert('x')</script> & dye", date(2025, 12, 1), ["Scans", "Contrast"]),
}
DRAFT = ("unfinished", "Unfinished draft article", ["Basics", "Draft topic"])
TOPICS = {"basics": "Basics", "contrast": "Contrast", "scans": "Scans"}
CONFIG_DISCLAIMER = "Fixture disclaimer: general education only, not medical advice."


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture site, built once for the read-only tests of this module."""
    site = copy_site(FIXTURE_SITE, tmp_path_factory.mktemp("built") / "site")
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.diagnostics == []
    return site.public


def page(out: Path, path: str):
    return soup(out / path)


def article_page(out: Path, slug: str):
    return page(out, f"articles/{slug}/index.html")


# --- what is written --------------------------------------------------------------


def test_public_holds_every_page(built):
    written = set(snapshot(built))
    expected = {
        "index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "topics/index.html",
        "glossary/index.html",
        "about/index.html",
        STAMP,
    }
    expected |= {"static/" + path for path in snapshot(REPO / "static")}  # copied as they are
    assert expected <= written, expected - written
    # Exactly one pretty-URL page per published article and per topic: no draft, nothing stale.
    assert {p for p in written if p.startswith("articles/")} == (
        {f"articles/{slug}/index.html" for slug in PUBLISHED} | {"articles/types-of-scan/index.html"}
    )  # an alias
    assert {p for p in written if p.startswith("topics/")} == (
        {"topics/index.html"} | {f"topics/{slug}/index.html" for slug in TOPICS}
    )


def test_every_internal_link_and_fragment_resolves(built):
    problems, checked = internal_link_problems(built, "https://example.test/")
    assert problems == []
    assert checked > 50  # every page links the stylesheet, the feed, the topics...


def test_robots_names_the_sitemap(built):
    lines = (built / "robots.txt").read_text().splitlines()
    assert "Sitemap: https://example.test/sitemap.xml" in lines


def test_404_page_uses_root_absolute_links(built):
    links = [a["href"] for a in page(built, "404.html").select("main a")]
    assert links and all(href.startswith("/") for href in links)


# --- the article page -------------------------------------------------------------

SECTION_ORDER = [
    "h1",
    "p.lead",
    "dl.meta",
    "section.takeaways",
    "nav.toc",
    "div.prose",
    "section.questions",
    "section.disclaimer",
    "section.references",
    "div.review-date",
]


def test_article_sections_come_in_order(built):
    document = article_page(built, "scan-types")
    article = document.select_one("main article")
    everything = article.find_all(True)
    positions = []
    for selector in SECTION_ORDER:
        found = article.select(selector)
        assert len(found) == 1, selector
        positions.append(everything.index(found[0]))
    assert positions == sorted(positions)
    assert article.h1.get_text() == "Scan types explained"
    assert article.select_one("p.lead").get_text() == "The main kinds of MRI scan and what each one shows."


def test_article_meta_line_is_topics_and_reading_time_only(built):
    meta = article_page(built, "scan-types").select_one("dl.meta")
    rows = {div.dt.get_text(): div.dd for div in meta.find_all("div")}
    assert list(rows) == ["Topics", "Reading time"]  # no dates, no reading level (issue 16)
    assert [a.get_text() for a in rows["Topics"].find_all("a")] == ["Basics", "Scans"]
    assert [a["href"] for a in rows["Topics"].find_all("a")] == ["../../topics/basics/", "../../topics/scans/"]
    assert rows["Reading time"].get_text().startswith("about 1 minute")
    shown = article_page(built, "scan-types").select_one("main")
    for hidden in shown.select("[hidden]"):
        hidden.decompose()
    assert "grade" not in shown.get_text().lower()


def test_review_dates_and_reviewer_at_the_foot_of_the_article(built):
    foot = article_page(built, "scan-types").select_one("main article div.review-date")
    lines = [" ".join(p.get_text().split()) for p in foot.find_all("p")]
    assert lines == [
        "Page last reviewed: 1 February 2026, by Dr Jane Roe",
        "Next review due: 1 February 2027",
        "Written by Editorial team",
        "First published: 10 January 2026",
    ]
    # reviewed + review.interval_months (12) as the due date; machine-readable dates too
    assert [time["datetime"] for time in foot.find_all("time")] == ["2026-02-01", "2027-02-01", "2026-01-10"]


def test_unreviewed_article_says_so_and_has_no_due_date(built):
    foot = article_page(built, "lesions").select_one("div.review-date")
    assert foot.p.get_text() == "This page has not been medically reviewed yet."
    assert "Next review due" not in foot.get_text()


def test_takeaways_and_questions_list_the_front_matter(built):
    document = article_page(built, "scan-types")
    assert [li.get_text() for li in document.select("section.takeaways li")] == [
        "Different scans show different things.",
        "Your report names the scan types that were used.",
    ]
    assert [li.get_text() for li in document.select("section.questions li")] == [
        "Which scan types did I have?",
        "Will I need contrast next time?",
    ]
    lesions = article_page(built, "lesions")
    assert lesions.select("section.takeaways, section.questions, section.references") == []


def test_table_of_contents_only_with_four_or_more_sections(built):
    document = article_page(built, "scan-types")
    toc = document.select_one("nav.toc")
    sections = document.select(".prose h2")
    assert len(sections) == 4
    assert [a["href"] for a in toc.find_all("a")] == ["#" + h2["id"] for h2 in sections]
    assert [a.get_text() for a in toc.find_all("a")] == [h2.get_text() for h2 in sections]
    assert len(article_page(built, "lesions").select(".prose h2")) == 2
    assert article_page(built, "lesions").select_one("nav.toc") is None


def test_references_link_to_doi_and_pubmed(built):
    items = article_page(built, "scan-types").select("section.references li")
    assert [li.cite.get_text() for li in items] == ["A review of MRI in MS.", "Lesion counting in practice."]
    assert [a["href"] for a in items[0].find_all("a")] == ["https://doi.org/10.1000/xyz123"]
    assert [a["href"] for a in items[1].find_all("a")] == ["https://pubmed.ncbi.nlm.nih.gov/12345678/"]


def test_references_follow_one_citation_style(built):
    """Authors. Title. Journal. Year. then the links: one full stop after each part, never two."""
    items = article_page(built, "scan-types").select("section.references li")
    texts = [" ".join(li.get_text().split()) for li in items]
    first = items[0]
    parts = [first.select_one(name).get_text() for name in (".authors", "cite", ".journal", ".year")]
    assert all(part.endswith(".") and not part.endswith("..") for part in parts), parts
    assert texts[0].startswith(" ".join(parts) + " DOI: 10.1000/xyz123")
    assert all(".." not in text for text in texts)


def test_aligned_table_columns_render_with_alignment_classes(built):
    # `|:---|---:|:---:|` was refused ("The attribute 'style' is not allowed"); the stock
    # inline style would also be ignored under the CSP's style-src 'self'.
    table = next(
        t
        for t in article_page(built, "scan-types").select(".prose table")
        if t.caption.get_text() == "How long each scan takes"
    )
    rows = [[cell.get("class") for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]
    assert rows == [[["align-left"], ["align-right"], ["align-center"]]] * 3
    assert table.find(style=True) is None
    css = (REPO / "static" / "site.css").read_text()
    assert "td.align-right { text-align: right; }" in css and "td.align-center { text-align: center; }" in css


def test_body_extensions_reach_the_page(built):
    prose = article_page(built, "scan-types").select_one(".prose")
    assert prose.select_one(".table-scroll table caption").get_text() == "Scan types at a glance"
    assert [div.find("p", class_="callout-title").get_text() for div in prose.select("div.callout")] == [
        "Key point",
        "Before a contrast scan",
    ]
    link = prose.find("a", string="what a lesion is")
    assert link["href"] == "../../articles/lesions/#what-a-lesion-is"


def test_disclaimer_on_every_article_with_the_articles_own(built):
    for slug in PUBLISHED:
        section = article_page(built, slug).select_one("section.disclaimer")
        paragraphs = [p.get_text() for p in section.find_all("p")]
        assert paragraphs[0] == CONFIG_DISCLAIMER
        if slug == "lesions":
            assert paragraphs[1:] == ["Only your own care team can say what your lesions mean."]
        else:
            assert paragraphs[1:] == []


def test_one_disclaimer_on_every_page(built):
    """In the article after its text; on every other page in the footer; never both (issue 16)."""
    for html in built.rglob("*.html"):
        document = soup(html)
        if document.find("meta", attrs={"http-equiv": "refresh"}):
            continue  # an old address (alias) that sends the reader on at once
        shown = [
            tag
            for tag in document.select("section.disclaimer, footer .footer-disclaimer")
            if CONFIG_DISCLAIMER in tag.get_text()
        ]
        assert len(shown) == 1, html
        where = "section" if html.parent.parent.name == "articles" else "p"
        assert shown[0].name == where, html


def test_front_matter_text_is_escaped(built):
    title, _, _ = PUBLISHED["contrast-dye"]
    document = article_page(built, "contrast-dye")
    assert document.h1.get_text() == title
    assert document.title.get_text().startswith(title)
    assert document.select_one("p.lead").get_text() == "Why a dye is sometimes used, and what <b>enhancing</b> means."
    assert document.select("main script, main b") == []
    for script in document.find_all("script"):  # only our own files, or data that stayed data
        if script.has_attr("src"):
            assert script["src"].startswith("../../static/"), script
        else:
            assert script.get("type") == "application/ld+json", script
            assert title in json.dumps(json.loads(script.string), ensure_ascii=False)
    home = page(built, "index.html")
    assert title in [a.get_text() for a in home.select(".card-title a")]
    assert home.select("main script") == []


# --- drafts, ordering and topics --------------------------------------------------


def test_drafts_are_left_out_by_default(built):
    slug, title, _ = DRAFT
    assert not (built / "articles" / slug).exists()
    assert not (built / "topics" / "draft-topic").exists()
    for path in ("index.html", "topics/index.html", "topics/basics/index.html", "sitemap.xml", "feed.xml"):
        text = (built / path).read_text()
        assert title not in text and f"articles/{slug}/" not in text, path


def test_drafts_are_built_with_the_flag(fixture_site):
    slug, title, tags = DRAFT
    result = fixture_site.build(drafts=True)
    assert result.ok
    out = fixture_site.public
    assert article_page(out, slug).h1.get_text() == title
    assert page(out, "topics/draft-topic/index.html").h1.get_text() == "Draft topic"
    assert title in [a.get_text() for a in page(out, "topics/basics/index.html").select(".card-title a")]


def test_draft_page_is_not_published(fixture_site):
    fixture_site.write("content/pages/plans.md", "---\ntitle: Our plans\ndraft: true\n---\nNot yet.\n")
    result = fixture_site.build()
    assert result.ok
    assert not (fixture_site.public / "plans").exists()


def test_home_lists_articles_newest_first(built):
    cards = page(built, "index.html").select("ul.cards li.card")
    newest_first = sorted(PUBLISHED, key=lambda slug: PUBLISHED[slug][1], reverse=True)
    assert [card.find("a")["href"] for card in cards] == [f"articles/{slug}/" for slug in newest_first]
    assert [card.select_one(".card-summary").get_text() for card in cards][0] == (
        "A lesion is an area of damage; this is what the word means on a report."
    )


def test_topic_pages_list_their_articles(built):
    for topic_slug, name in TOPICS.items():
        document = page(built, f"topics/{topic_slug}/index.html")
        assert document.h1.get_text() == name
        listed = {a["href"] for a in document.select(".card-title a")}
        assert listed == {f"../../articles/{slug}/" for slug, (_, _, tags) in PUBLISHED.items() if name in tags}
    index = page(built, "topics/index.html")
    links = {a.get_text(): a["href"] for a in index.select("main .topic-list a")}
    assert links == {name: f"../topics/{slug}/" for slug, name in TOPICS.items()}
    counts = [li.select_one(".count").get_text() for li in index.select("main .topic-list li")]
    assert counts == ["(2 articles)", "(1 article)", "(2 articles)"]  # Basics, Contrast, Scans


def test_glossary_page(built):
    document = page(built, "glossary/index.html")
    terms = {h3["id"]: h3.get_text() for h3 in document.select(".glossary-entry h3")}
    assert terms == {"contrast-agent": "contrast agent", "lesion": "lesion"}
    see_also = [a["href"] for a in document.select(".see-also a")]
    assert see_also and all(href[1:] in terms for href in see_also)
    # Grouped under their first letter, alphabetical within it.
    sections = {
        section.h2.get_text(): [h3.get_text() for h3 in section.select("h3")]
        for section in document.select("section.glossary-letter")
    }
    assert sections == {"C": ["contrast agent"], "L": ["lesion"]}


def test_glossary_a_to_z_links_the_letters_that_have_words(built):
    document = page(built, "glossary/index.html")
    nav = document.select_one("nav.az[aria-label]")
    items = nav.find_all("li")
    assert [li.get_text().strip()[-1] for li in items] == list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    links = {a.get_text(): a["href"] for a in nav.find_all("a")}
    assert links == {"C": "#letter-c", "L": "#letter-l"}
    for href in links.values():
        # The letter's section: its heading has no id, so search makes no result of a lone
        # letter ("Glossary: G … G.", issue 34), and is left out of the index.
        target = document.find(id=href[1:])
        assert target.name == "section" and target.h2.get_text() == href[-1].upper()
        assert target.h2.has_attr("data-pagefind-ignore") and not target.h2.has_attr("id")
    # A letter without words is not a link, and says so to screen readers.
    assert nav.find(string="No words under ") is not None


def test_card_topic_labels_link_to_their_topic_pages(built):
    cards = page(built, "index.html").select("ul.cards li.card")
    for card in cards:
        slug = card.find("a")["href"].split("/")[1]
        labels = {a.get_text(): a["href"] for a in card.select(".card-topics a.tag")}
        assert labels == {name: f"topics/{name.lower()}/" for name in PUBLISHED[slug][2]}
    topic_cards = page(built, "topics/basics/index.html").select(".card-topics a.tag")
    assert {a["href"] for a in topic_cards} == {"../../topics/basics/", "../../topics/scans/"}


def test_article_breadcrumbs_and_their_structured_data(built):
    document = article_page(built, "scan-types")
    nav = document.select_one("main nav.breadcrumbs[aria-label=Breadcrumb]")
    assert [(a.get_text(), a["href"]) for a in nav.select("ol li a")] == [
        ("Home", "../../"),
        ("Topics", "../../topics/"),
        ("Basics", "../../topics/basics/"),
    ]
    assert nav.find_next("h1").get_text() == "Scan types explained"
    (script,) = document.select('head script[type="application/ld+json"]')
    trail = json.loads(script.string)["breadcrumb"]  # a property of the MedicalWebPage
    assert trail["@type"] == "BreadcrumbList"
    assert [(i["position"], i["name"], i["item"]) for i in trail["itemListElement"]] == [
        (1, "Home", "https://example.test/"),
        (2, "Topics", "https://example.test/topics/"),
        (3, "Basics", "https://example.test/topics/basics/"),
        (4, "Scan types explained", "https://example.test/articles/scan-types/"),
    ]
    topic = page(built, "topics/scans/index.html")
    assert [a.get_text() for a in topic.select_one("nav.breadcrumbs").select("a")] == ["Home", "Topics"]
    data = json.loads(topic.select_one('head script[type="application/ld+json"]').string)
    assert data["@context"] == "https://schema.org" and data["@type"] == "BreadcrumbList"
    assert [i["item"] for i in data["itemListElement"]] == [
        "https://example.test/",
        "https://example.test/topics/",
        "https://example.test/topics/scans/",
    ]


def test_home_page_start_here_path_in_the_configured_order(fixture_site):
    fixture_site.set_config(start_here=["lesions.md", "contrast-dye"])
    assert fixture_site.build().ok
    document = soup(fixture_site.public / "index.html")
    path = document.select_one("main section.start-here")
    assert [a["href"] for a in path.select("ol.path li a")] == ["articles/lesions/", "articles/contrast-dye/"]
    # Start here, then the topics, then every article: the topics are near the top.
    order = [section.h2["id"] for section in document.select("main section")]
    assert order == ["start-here-title", "browse", "latest"]


def test_start_here_naming_no_article_is_reported_with_its_line(fixture_site):
    from sitegen.pipeline import check

    fixture_site.set_config(start_here=["lesions.md", "lesion.md", "unfinished.md"])
    found = [d for d in check(fixture_site.config()).diagnostics if d.code == "start-here-missing"]
    text = fixture_site.config_path.read_text()
    assert [(d.file, d.line) for d in found] == [
        ("config.yaml", line_of(text, "- lesion.md")),
        ("config.yaml", line_of(text, "- unfinished.md")),
    ]
    assert "lesion.md, which is not an article" in found[0].message and found[0].hint == "Did you mean 'lesions.md'?"
    assert "unfinished.md, which is a draft" in found[1].message
    assert fixture_site.build().ok  # the home page leaves them out
    assert [a["href"] for a in soup(fixture_site.public / "index.html").select("ol.path a")] == ["articles/lesions/"]


def test_about_page(built):
    document = page(built, "about/index.html")
    assert document.select_one("main h1").get_text() == "About this fixture"
    assert document.select_one("main h2").get_text() == "Who writes it"
    nav = {a.get_text(): a["href"] for a in document.select("header nav a")}
    assert nav["About this fixture"] == "../about/"


def test_feed_updated_is_not_older_than_any_entry(built):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(built / "feed.xml").getroot()
    entries = [entry.find(f"{atom}updated").text for entry in feed.findall(f"{atom}entry")]
    assert feed.find(f"{atom}updated").text >= max(entries)


# --- the command line and paths ---------------------------------------------------


def test_relative_config_paths_resolve_against_the_config_folder(fixture_site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = os.path.relpath(fixture_site.config_path, elsewhere)
    process = run_cli("build", "--config", config, cwd=elsewhere)
    assert process.returncode == 0, process.stderr
    assert "Traceback" not in process.stderr
    assert article_page(fixture_site.public, "scan-types").h1.get_text() == "Scan types explained"
    assert list(elsewhere.iterdir()) == []


def test_content_and_out_options_override_config(fixture_site, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "other-content" / "articles").mkdir(parents=True)
    (elsewhere / "other-content" / "articles" / "only.md").write_text(
        "---\ntitle: The only article\nsummary: S\ndate: 2026-01-10\n---\nBody.\n"
    )
    process = run_cli(
        "build",
        "--config",
        str(fixture_site.config_path),
        "--content",
        "other-content",
        "--out",
        "site-out",
        cwd=elsewhere,
    )
    assert process.returncode == 0, process.stderr
    out = elsewhere / "site-out"
    assert [p.name for p in (out / "articles").iterdir()] == ["only"]
    assert article_page(out, "only").h1.get_text() == "The only article"
    assert not fixture_site.public.exists()


# --- writing: all or nothing, incremental, refusing dangerous folders -------------


def test_failed_build_leaves_the_previous_site_untouched(fixture_site):
    assert fixture_site.build().ok
    before = snapshot(fixture_site.public)
    fixture_site.article("broken.md", "---\ntitle: Broken\n---\n")
    fixture_site.article(
        "lesions.md", "---\ntitle: Changed\nsummary: S\ndate: 2026-01-10\n---\n## What a lesion is\n\nNew text.\n"
    )
    result = fixture_site.build()
    assert not result.ok
    assert {d.file for d in result.diagnostics} == {"content/articles/broken.md"}
    assert snapshot(fixture_site.public) == before
    leftovers = [p.name for p in fixture_site.root.iterdir() if p.name.startswith(".public")]
    assert leftovers == []


def test_failed_cli_build_leaves_the_previous_site_untouched(fixture_site):
    assert run_cli("build", "--config", str(fixture_site.config_path), cwd=fixture_site.root).returncode == 0
    before = snapshot(fixture_site.public)
    fixture_site.article("broken.md", "---\ntitle: Broken\nsummary: S\ndate: someday\n---\n")
    process = run_cli("build", "--config", str(fixture_site.config_path), cwd=fixture_site.root)
    assert process.returncode == 1
    assert "was left as it was" in process.stderr.strip().split("\n")[-1]
    assert snapshot(fixture_site.public) == before


def test_pages_of_deleted_articles_disappear(fixture_site):
    assert fixture_site.build().ok
    assert (fixture_site.public / "articles" / "contrast-dye" / "index.html").exists()
    (fixture_site.content / "articles" / "contrast-dye.md").unlink()
    assert fixture_site.build().ok
    assert not (fixture_site.public / "articles" / "contrast-dye").exists()
    assert not (fixture_site.public / "topics" / "contrast").exists()  # its only article is gone
    assert "contrast-dye" not in (fixture_site.public / "sitemap.xml").read_text()


def test_unchanged_files_keep_their_inode_and_mtime(fixture_site):
    assert fixture_site.build().ok
    out = fixture_site.public

    def stats():  # pagefind/ is left out: the search index rightly changes with the article's text
        return {
            path: (os.stat(out / path).st_ino, os.stat(out / path).st_mtime_ns)
            for path in snapshot(out)
            if not path.startswith("pagefind/")
        }

    before = stats()
    lesions = fixture_site.content / "articles" / "lesions.md"
    lesions.write_text(lesions.read_text() + "\nOne more sentence in the body.\n")
    result = fixture_site.build()
    assert result.ok
    after = stats()
    assert set(after) == set(before)
    changed = {path for path in after if after[path] != before[path]}
    assert changed - {STAMP} == {"articles/lesions/index.html"}  # the stamp is rewritten on every build
    assert "One more sentence" in article_page(out, "lesions").select_one(".prose").get_text()


def test_changed_count_includes_a_changed_article_page(fixture_site):
    assert fixture_site.build().ok
    lesions = fixture_site.content / "articles" / "lesions.md"
    lesions.write_text(lesions.read_text() + "\nOne more sentence in the body.\n")
    result = fixture_site.build()
    assert result.ok
    assert result.changed == 1


def _project_root(site):
    return site.root


def _content(site):
    return site.content


def _foreign(site):
    folder = site.root.parent / "my-documents"
    folder.mkdir()
    (folder / "thesis.docx").write_bytes(b"precious")
    return folder


@pytest.mark.parametrize(
    "choose, code",
    [(_project_root, "output-unsafe"), (_content, "output-unsafe"), (_foreign, "output-foreign")],
    ids=["project-root", "content", "non-empty-without-stamp"],
)
def test_dangerous_output_folders_are_refused_and_nothing_is_deleted(fixture_site, choose, code):
    folder = choose(fixture_site)
    before = snapshot(folder)
    result = fixture_site.build(output=folder)
    assert [d.code for d in result.diagnostics] == [code]
    assert str(folder) in result.diagnostics[0].message
    assert snapshot(folder) == before
    assert not (folder / STAMP).exists()


def test_cli_refuses_the_project_root(fixture_site):
    before = snapshot(fixture_site.root)
    process = run_cli("build", "--config", "config.yaml", "--out", ".", cwd=fixture_site.root)
    assert process.returncode == 1
    assert "[output-unsafe]" in process.stderr and "Traceback" not in process.stderr
    assert snapshot(fixture_site.root) == before


def test_empty_folder_and_previous_output_are_accepted(fixture_site, tmp_path):
    empty = tmp_path / "empty-out"
    empty.mkdir()
    assert fixture_site.build(output=empty).ok
    assert (empty / STAMP).exists() and (empty / "index.html").exists()
    assert fixture_site.build(output=empty).ok  # now it holds our stamp


def test_template_syntax_error_names_the_template_and_line(fixture_site):
    templates = fixture_site.root / "templates"
    shutil.copytree(REPO / "templates", templates)
    fixture_site.set_config(paths={"templates": "templates"})
    article = templates / "article.html"
    text = article.read_text()
    text = text.replace('<p class="lead">{{ article.summary }}</p>', '<p class="lead">{{ article.summary </p>')
    article.write_text(text)
    result = fixture_site.build()
    assert not result.ok
    problems = [d for d in result.diagnostics if d.code == "template-syntax"]
    assert problems and {d.file for d in problems} == {"templates/article.html"}
    assert {d.line for d in problems} == {line_of(text, "{{ article.summary </p>")}
    assert not fixture_site.public.exists()


def test_template_syntax_error_is_reported_once(fixture_site):
    templates = fixture_site.root / "templates"
    shutil.copytree(REPO / "templates", templates)
    fixture_site.set_config(paths={"templates": "templates"})
    base = templates / "base.html"
    base.write_text(base.read_text().replace("{% block main %}{% endblock %}", "{% block main %}{% endblock"))
    problems = [d for d in fixture_site.check() if d.code == "template-syntax"]
    assert len(problems) == 1, [d.format() for d in problems]


# --- the repository's own content -------------------------------------------------


def test_real_content_builds(tmp_path):
    from sitegen.core.config import load_config
    from sitegen.pipeline import build

    config, problems = load_config(REPO / "config.yaml", output=tmp_path / "public")
    assert problems == []
    result = build(config, use_cache=False)  # leave the repository's .cache/ alone
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)
    articles = sorted(path.stem for path in (REPO / "content" / "articles").glob("*.md"))
    built_articles = sorted(path.name for path in (tmp_path / "public" / "articles").iterdir())
    assert set(built_articles) <= set(articles) and built_articles
    for slug in built_articles:
        document = soup(tmp_path / "public" / "articles" / slug / "index.html")
        assert document.h1.get_text().strip()
        assert document.select_one("section.disclaimer p").get_text() == config.disclaimer


def test_a_missing_articles_folder_is_an_error_not_an_empty_site(fixture_site, tmp_path):
    assert fixture_site.build().ok
    before = sorted(p.relative_to(fixture_site.public).as_posix() for p in fixture_site.public.rglob("*"))
    result = fixture_site.build(content=tmp_path / "no-such-folder")
    assert not result.ok and [d.code for d in result.diagnostics] == ["content-missing"]
    assert sorted(p.relative_to(fixture_site.public).as_posix() for p in fixture_site.public.rglob("*")) == before


def test_builds_collect_garbage_less_often_and_restore_the_thresholds(fixture_site, monkeypatch):
    """build and check, and the preview's rebuilds, raise the collector's thresholds while
    they run (tuning.py) and put back the caller's, so that tests, other callers and the
    preview between saves keep Python's defaults."""
    import gc

    from sitegen import cli, pipeline
    from sitegen.system import tuning

    seen = []
    real_build = pipeline.Builder.build

    def build(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return real_build(self, *args, **kwargs)

    monkeypatch.setattr(pipeline.Builder, "build", build)
    monkeypatch.chdir(fixture_site.root)
    before = gc.get_threshold()
    assert cli.main(["build"]) == 0
    assert cli.main(["check"]) == 1  # the fixture has articles with errors
    assert seen == [tuning.COMMAND_THRESHOLDS, tuning.COMMAND_THRESHOLDS]
    assert gc.get_threshold() == before

    from sitegen.serve import Preview

    preview = Preview(fixture_site.config(), drafts=False, jobs=1, port=0, out=fixture_site.root / "preview")
    preview.rebuild()
    preview.rebuild("content")
    assert seen[2:] == [tuning.COMMAND_THRESHOLDS, tuning.COMMAND_THRESHOLDS] and preview.generation == 2
    assert gc.get_threshold() == before


def test_citation_parts_that_end_in_punctuation_get_no_second_stop(blank_site):
    blank_site.article(
        "a.md",
        """\
        ---
        title: A
        summary: S.
        date: 2026-01-01
        references:
          - title: "Will the real multiple sclerosis please stand up?"
            authors: Geurts JJG, Barkhof F, et al.
            journal: Nature Reviews Neuroscience
            year: 2012
            doi: 10.1038/nrn3275
        ---
        Text.
        """,
    )
    assert blank_site.build().ok
    item = soup(blank_site.public / "articles/a/index.html").select_one("section.references li")
    assert " ".join(item.get_text().split()) == (
        "Geurts JJG, Barkhof F, et al. Will the real multiple sclerosis please stand up? "
        "Nature Reviews Neuroscience. 2012. DOI: 10.1038/nrn3275"
    )
    assert item.select_one(".journal").get_text() == "Nature Reviews Neuroscience."


def test_every_article_has_a_report_a_problem_link_naming_the_page(built):
    from urllib.parse import parse_qs, urlsplit

    for slug, (title, _, _) in PUBLISHED.items():
        link = article_page(built, slug).select_one("main p.report-problem a")
        assert link.get_text() == "Report a problem with this page"
        address = urlsplit(link["href"])
        assert (address.scheme, address.path) == ("mailto", "")  # no address configured: the reader picks one
        fields = parse_qs(address.query)
        assert fields["subject"] == [f"Problem on the page: {title}"]
        assert f"https://example.test/articles/{slug}/" in fields["body"][0] and title in fields["body"][0]


@pytest.mark.parametrize(
    "given, expected",
    [
        ("editors@example.test", "mailto:editors@example.test?subject="),
        ("mailto:editors@example.test", "mailto:editors@example.test?subject="),
        ("https://example.test/feedback", "https://example.test/feedback"),
    ],
)
def test_report_a_problem_goes_where_config_says(fixture_site, given, expected):
    fixture_site.set_config(report_problem=given)
    assert fixture_site.build().ok
    href = article_page(fixture_site.public, "lesions").select_one("p.report-problem a")["href"]
    assert href.startswith(expected) and (href == expected or "lesions" in href)


def test_report_a_problem_address_that_is_neither_email_nor_web_is_an_error(fixture_site):
    from sitegen.core.config import load_config

    fixture_site.set_config(report_problem="the editors")
    config, problems = load_config(fixture_site.config_path)
    assert config is None
    (problem,) = problems
    assert problem.code == "config-value" and problem.line == line_of(
        fixture_site.config_path.read_text(), "report_problem"
    )
    assert "neither an email address nor a web address" in problem.message and "https://" in problem.hint


ALIASED = """\
---
title: What a lesion is
summary: S.
date: 2026-01-01
aliases: [lesions-explained, /articles/old-lesions/]
---
Text.
"""


def test_aliases_redirect_old_addresses_and_stay_out_of_the_sitemap(blank_site):
    blank_site.article("lesions.md", ALIASED)
    for _ in range(2):  # a cold build, then one from the cache
        result = blank_site.build()
        assert result.ok and result.diagnostics == [], [d.format() for d in result.diagnostics]
        for old in ("lesions-explained", "old-lesions"):
            document = soup(blank_site.public / f"articles/{old}/index.html")
            assert document.find("link", rel="canonical")["href"] == "https://example.test/articles/lesions/"
            assert document.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../../articles/lesions/"
            assert document.find("meta", attrs={"name": "robots"})["content"] == "noindex"
            assert document.select_one("main a")["href"] == "../../articles/lesions/"
        sitemap = (blank_site.public / "sitemap.xml").read_text()
        assert "articles/lesions/" in sitemap and "lesions-explained" not in sitemap and "old-lesions" not in sitemap
    blank_site.article(
        "lesions.md",
        ALIASED.replace("aliases: [lesions-explained, /articles/old-lesions/]", "aliases: [lesions-explained]"),
    )
    assert blank_site.build().ok
    assert not (blank_site.public / "articles/old-lesions").exists()  # an alias taken out is gone


@pytest.mark.parametrize(
    "aliases, code, words",
    [
        ("[lesions]", "alias-clash", "this article's own address"),
        ("[other]", "alias-clash", "already the address of other.md"),
        ("[Old Lesions!]", "bad-slug", "cannot be a web address"),
    ],
)
def test_an_alias_that_cannot_work_is_an_error_with_its_line(blank_site, aliases, code, words):
    blank_site.article("other.md", "---\ntitle: O\nsummary: S.\ndate: 2026-01-01\n---\nText.\n")
    text = ALIASED.replace("[lesions-explained, /articles/old-lesions/]", aliases)
    blank_site.article("lesions.md", text)
    result = blank_site.build()
    assert not result.ok
    (problem,) = [d for d in result.diagnostics if d.code == code]
    assert problem.file.endswith("lesions.md") and problem.line == line_of(text, "aliases:")
    assert words in problem.message


def test_a_renamed_article_is_a_finding_that_suggests_an_alias(blank_site):
    from sitegen.pipeline import check

    text = "---\ntitle: Lesions\nsummary: S.\ndate: 2026-01-01\n---\nText.\n"
    blank_site.article("what-lesions-are.md", text)
    assert blank_site.build().ok
    (blank_site.content / "articles/what-lesions-are.md").rename(blank_site.content / "articles/lesions-explained.md")
    found = [d for d in check(blank_site.config()).diagnostics if d.code == "article-moved"]
    assert len(found) == 1 and not found[0].is_error
    (problem,) = found
    assert problem.file.endswith("lesions-explained.md") and problem.line == 2  # its title
    assert "/articles/what-lesions-are/" in problem.message
    assert "add `aliases: [what-lesions-are]`" in problem.hint
    blank_site.article("lesions-explained.md", text.replace("date:", "aliases: [what-lesions-are]\ndate:"))
    assert [d for d in check(blank_site.config()).diagnostics if d.code == "article-moved"] == []


def test_reading_level_is_for_editors_only(built):
    note = article_page(built, "scan-types").select_one("main p.editor-note")
    assert note.has_attr("hidden")  # not shown on the published site
    assert "reading level" in note.get_text() and any(char.isdigit() for char in note.get_text())
    assert note.has_attr("data-pagefind-ignore")
    # The preview's own stylesheet (only `serve` adds it) shows it.
    preview = (REPO / "sitegen" / "preview" / "preview.css").read_text()
    assert ".editor-note[hidden] {\n  display: block;" in preview


def test_site_absolute_links_work_under_a_sub_path(tmp_path):
    """Issue 29.5: [x](/articles/other/) passed check and broke under https://host/repo/."""
    from sitekit import new_site

    site = new_site(tmp_path / "site")
    site.set_config(url="https://user.github.io/repo/")
    head = "---\ntitle: {}\nsummary: S\ndate: 2026-01-10\n---\n"
    site.article("other.md", head.format("Other") + "## Part\n\nText.\n")
    site.article("x.md", head.format("X") + "See [the other](/articles/other/#part) and [home](/).\n")
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    from urllib.parse import urljoin

    page = soup(site.public / "articles/x/index.html")
    hrefs = {a.get_text(): a["href"] for a in page.select("main .prose a")}
    here = "https://user.github.io/repo/articles/x/"
    assert urljoin(here, hrefs["the other"]) == "https://user.github.io/repo/articles/other/#part"
    assert urljoin(here, hrefs["home"]) == "https://user.github.io/repo/"
    # A site-absolute link to nothing is named, with a fix that works under any sub-path.
    site.article("x.md", head.format("X") + "See [the other](/articles/nothing/).\n")
    from sitegen.pipeline import check

    (broken,) = [d for d in check(site.config(), use_cache=False).diagnostics if d.code == "link-broken"]
    assert (broken.file, broken.line) == ("content/articles/x.md", 6)
    assert "(other-article.md)" in broken.hint and "/static/" not in broken.hint
