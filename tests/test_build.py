"""End to end: build tests/fixtures/site (and the real content) and look at what was written."""
from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from sitegen.write import STAMP
from sitekit import FIXTURE_SITE, REPO, copy_site, internal_link_problems, line_of, run_cli, snapshot, soup

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
    expected = {"index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "topics/index.html",
                "glossary/index.html", "about/index.html", STAMP}
    expected |= {"static/" + path for path in snapshot(REPO / "static")}  # copied as they are
    assert expected <= written, expected - written
    # Exactly one pretty-URL page per published article and per topic: no draft, nothing stale.
    assert {p for p in written if p.startswith("articles/")} == {f"articles/{slug}/index.html" for slug in PUBLISHED}
    assert {p for p in written if p.startswith("topics/")} == (
        {"topics/index.html"} | {f"topics/{slug}/index.html" for slug in TOPICS})


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

SECTION_ORDER = ["h1", "p.lead", "dl.meta", "section.takeaways", "nav.toc", "div.prose", "section.questions",
                 "section.references", "section.disclaimer"]


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


def test_article_meta_shows_dates_and_reviewer(built):
    meta = article_page(built, "scan-types").select_one("dl.meta")
    rows = {div.dt.get_text(): div.dd for div in meta.find_all("div")}
    shown = [name for name in rows if name in ("Topics", "Published", "Last reviewed", "Next review due")]
    assert shown == ["Topics", "Published", "Last reviewed", "Next review due"]
    assert [a.get_text() for a in rows["Topics"].find_all("a")] == ["Basics", "Scans"]
    assert rows["Published"].time["datetime"] == "2026-01-10"
    assert rows["Published"].get_text() == "10 January 2026"
    assert rows["Last reviewed"].time["datetime"] == "2026-02-01"
    assert rows["Last reviewed"].get_text() == "1 February 2026 by Dr Jane Roe"
    assert rows["Next review due"].time["datetime"] == "2027-02-01"  # reviewed + review.interval_months (12)


def test_unreviewed_article_says_so_and_has_no_due_date(built):
    meta = article_page(built, "lesions").select_one("dl.meta")
    rows = {div.dt.get_text(): div.dd for div in meta.find_all("div")}
    assert rows["Last reviewed"].get_text() == "Not yet reviewed"
    assert "Next review due" not in rows


def test_takeaways_and_questions_list_the_front_matter(built):
    document = article_page(built, "scan-types")
    assert [li.get_text() for li in document.select("section.takeaways li")] == [
        "Different scans show different things.", "Your report names the scan types that were used."]
    assert [li.get_text() for li in document.select("section.questions li")] == [
        "Which scan types did I have?", "Will I need contrast next time?"]
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
    assert [li.cite.get_text() for li in items] == ["A review of MRI in MS", "Lesion counting in practice"]
    assert [a["href"] for a in items[0].find_all("a")] == ["https://doi.org/10.1000/xyz123"]
    assert [a["href"] for a in items[1].find_all("a")] == ["https://pubmed.ncbi.nlm.nih.gov/12345678/"]
    assert "(2024)" in items[0].get_text() and "Journal of Imaging" in items[0].get_text()


def test_aligned_table_columns_render_with_alignment_classes(built):
    # `|:---|---:|:---:|` was refused ("The attribute 'style' is not allowed"); the stock
    # inline style would also be ignored under the CSP's style-src 'self'.
    table = next(t for t in article_page(built, "scan-types").select(".prose table")
                 if t.caption.get_text() == "How long each scan takes")
    rows = [[cell.get("class") for cell in row.find_all(["th", "td"])] for row in table.find_all("tr")]
    assert rows == [[["align-left"], ["align-right"], ["align-center"]]] * 3
    assert table.find(style=True) is None
    css = (REPO / "static" / "site.css").read_text()
    assert "td.align-right { text-align: right; }" in css and "td.align-center { text-align: center; }" in css


def test_body_extensions_reach_the_page(built):
    prose = article_page(built, "scan-types").select_one(".prose")
    assert prose.select_one(".table-scroll table caption").get_text() == "Scan types at a glance"
    assert [div.find("p", class_="callout-title").get_text() for div in prose.select("div.callout")] == [
        "Key point", "Before a contrast scan"]
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


def test_disclaimer_in_the_footer_of_every_page(built):
    for html in built.rglob("*.html"):
        footer = soup(html).select_one("footer .footer-disclaimer")
        assert footer is not None and CONFIG_DISCLAIMER in footer.get_text(), html


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
        "A lesion is an area of damage; this is what the word means on a report.")


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
    terms = {dt["id"]: dt.get_text() for dt in document.select("dl.glossary dt")}
    assert terms == {"contrast-agent": "contrast agent", "lesion": "lesion"}
    see_also = [a["href"] for a in document.select(".see-also a")]
    assert see_also and all(href[1:] in terms for href in see_also)


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
        "---\ntitle: The only article\nsummary: S\ndate: 2026-01-10\n---\nBody.\n")
    process = run_cli("build", "--config", str(fixture_site.config_path), "--content", "other-content",
                      "--out", "site-out", cwd=elsewhere)
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
    fixture_site.article("lesions.md", "---\ntitle: Changed\nsummary: S\ndate: 2026-01-10\n---\n"
                                       "## What a lesion is\n\nNew text.\n")
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
        return {path: (os.stat(out / path).st_ino, os.stat(out / path).st_mtime_ns)
                for path in snapshot(out) if not path.startswith("pagefind/")}
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


@pytest.mark.parametrize("choose, code", [(_project_root, "output-unsafe"), (_content, "output-unsafe"),
                                          (_foreign, "output-foreign")],
                         ids=["project-root", "content", "non-empty-without-stamp"])
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
    text = text.replace("<p class=\"lead\">{{ article.summary }}</p>", "<p class=\"lead\">{{ article.summary </p>")
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
    from sitegen.config import load_config
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


def test_command_line_builds_collect_garbage_less_often_and_restore_the_thresholds(fixture_site, monkeypatch):
    """build and check raise the collector's thresholds while they run (cli.GC_THRESHOLDS)
    and put back the caller's, so that tests and other callers keep Python's defaults."""
    import gc

    from sitegen import cli, pipeline
    seen = []
    real_build = pipeline.Builder.build

    def build(self, *args, **kwargs):
        seen.append(gc.get_threshold())
        return real_build(self, *args, **kwargs)
    monkeypatch.setattr(pipeline.Builder, "build", build)
    monkeypatch.chdir(fixture_site.root)
    before = gc.get_threshold()
    assert cli.main(["build"]) == 0
    assert cli.main(["check"]) in (0, 1)
    assert seen == [cli.GC_THRESHOLDS, cli.GC_THRESHOLDS]
    assert gc.get_threshold() == before
