"""The search index in shards (sitegen/search.py): what is indexed, which shard is made
again, and that a sharded index finds the same pages as one index of the whole site."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from browser import require_chromium
from sitegen import search
from sitegen.search import indexed_digest, plan_shards, shard_count

WORDS = [
    "lesion",
    "scan",
    "contrast",
    "myelin",
    "nerve",
    "brain",
    "spinal",
    "cord",
    "relapse",
    "fatigue",
    "report",
    "neurologist",
    "gadolinium",
    "barrier",
    "inflammation",
    "atrophy",
    "vision",
    "balance",
    "treatment",
    "follow",
    "question",
]


def page(body: str, *, outside: str = "", lang: str = "en", head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>T</title>{head}</head><body>'
        f"<nav>{outside}</nav><main><article data-pagefind-body>{body}</article></main>"
        f"<footer>{outside}</footer></body></html>"
    ).encode()


BODY = (
    "<h1>Lesions</h1><div><p>A lesion is an area of damage.</p><div><p>Nested.</p></div></div>"
    '<div class="review" data-pagefind-ignore><p>Reviewed 1 May 2026</p><div>inner</div></div>'
    "<p>After the box.</p>"
)


# --- what pagefind reads of a page -----------------------------------------------------


def test_a_page_without_an_indexed_region_is_not_indexed():
    assert indexed_digest(b'<html lang="en"><body><main><p>Home</p></main></body></html>') is None


def test_what_is_outside_the_indexed_text_changes_no_digest():
    base = indexed_digest(page(BODY))
    assert base is not None and base[0] == "en"
    assert indexed_digest(page(BODY, outside="<a href='/x/'>New menu item</a>")) == base
    assert indexed_digest(page(BODY, head='<link rel="stylesheet" href="/static/site.2.css">')) == base
    # A new review date sits in an ignored box: not indexed, so no change.
    assert indexed_digest(page(BODY.replace("1 May 2026", "2 June 2027"))) == base


@pytest.mark.parametrize(
    "changed",
    [
        page(BODY.replace("area of damage", "area of scarring")),  # indexed text
        page(BODY.replace("After the box.", "After the box, more.")),  # text after an ignored part
        page(BODY.replace("Nested.", "Nested, changed.")),  # inside nested elements of the same name
        page(BODY.replace("<h1>Lesions</h1>", "<h1>Lesion</h1>")),  # the title pagefind shows
        page(BODY, lang="es"),  # the language, which picks the index
        page(BODY, head='<meta data-pagefind-meta="image:/a.png" content="">'),  # metadata anywhere
        page(BODY, outside='<span data-pagefind-filter="topic">Lesions</span>'),  # filters anywhere
    ],
)
def test_what_pagefind_reads_changes_the_digest(changed):
    assert indexed_digest(changed) != indexed_digest(page(BODY))


# --- which pages go in which shard ------------------------------------------------------


def test_the_number_of_shards_is_a_power_of_two_that_holds_the_pages():
    assert [shard_count(n, 100) for n in (0, 1, 100, 101, 400, 401, 4000)] == [1, 1, 1, 2, 4, 8, 64]


def _pages(count: int, lang: str = "en") -> dict[str, tuple[str, str]]:
    return {f"{lang}/articles/a{i}/index.html": (lang, f"digest-{i}") for i in range(count)}


def test_one_changed_page_makes_exactly_its_shard_again():
    pages = _pages(40)
    first = plan_shards(pages, {}, 8)
    assert len(first.shards) == 8 and len(first.to_make) == 8  # nothing recorded: all
    assert sorted(path for shard in first.shards for path in shard.paths) == sorted(pages)
    recorded = {shard.name: shard.key for shard in first.shards}
    assert plan_shards(pages, recorded, 8).to_make == ()
    edited = dict(pages)
    edited["en/articles/a7/index.html"] = ("en", "digest-7-edited")
    again = plan_shards(edited, recorded, 8).to_make
    assert [shard.paths for shard in again] == [
        next(s.paths for s in first.shards if "en/articles/a7/index.html" in s.paths)
    ]


def test_a_page_keeps_its_shard_while_the_number_of_shards_holds():
    before = plan_shards(_pages(40), {}, 8)
    after = plan_shards(_pages(41), {}, 8)  # one article added: still 8 shards
    home = {path: shard.name for shard in before.shards for path in shard.paths}
    moved = [path for shard in after.shards for path in shard.paths if path in home and home[path] != shard.name]
    assert moved == []


def test_shards_are_per_language_and_numbered_from_zero():
    plan = plan_shards({**_pages(3, "en"), **_pages(2, "es")}, {}, 1)
    manifest = __import__("json").loads(plan.manifest)
    assert set(manifest) == {"en", "es"}
    for language, names in manifest.items():
        # Only the shards with pages, numbered from 0: the search page loads <language>-0.
        assert names == [f"{language}-{n}" for n in range(len(names))]
        assert all(shard.language == language for shard in plan.shards if shard.name in names)
    assert {path for shard in plan.shards if shard.language == "es" for path in shard.paths} == set(_pages(2, "es"))


# --- running the indexer: problems are values --------------------------------------------


def _one_page_plan(folder: Path):
    (folder / "index.html").write_bytes(page("<h1>Hello</h1><p>Gadolinium.</p>"))
    return plan_shards({"index.html": indexed_digest((folder / "index.html").read_bytes())}, {}, 128)


def test_a_missing_indexer_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_executable", lambda: None)
    problems, _ = search.index_shards(tmp_path, _one_page_plan(tmp_path))
    assert [p.code for p in problems] == ["search-missing"]
    assert "pip install" in problems[0].hint


def test_a_failing_indexer_is_reported_with_its_output(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'index broke' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    problems, _ = search.index_shards(tmp_path, _one_page_plan(tmp_path))
    assert [p.code for p in problems] == ["search-failed"]
    assert "exit code 3" in problems[0].message and "index broke" in problems[0].message


def test_an_indexer_that_cannot_start_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_executable", lambda: tmp_path / "no-such-binary")
    problems, _ = search.index_shards(tmp_path, _one_page_plan(tmp_path))
    assert [p.code for p in problems] == ["search-failed"]


def test_an_indexer_past_its_time_is_stopped_and_the_limit_is_explained(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")  # a hung indexer
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    monkeypatch.setattr(search, "TIMEOUT_BASE", 0.3)
    problems, _ = search.index_shards(tmp_path, _one_page_plan(tmp_path))
    assert [p.code for p in problems] == ["search-failed"]
    message = problems[0].message
    assert "did not finish the 1 pages" in message and "more a page" in message  # it grows with the work
    assert "search_pages_per_shard" in problems[0].hint


def test_the_indexer_makes_a_shard(tmp_path):
    if search.pagefind_executable() is None:
        pytest.fail("pagefind is a dependency of the build: pip install 'pagefind[bin]'")
    plan = _one_page_plan(tmp_path)
    problems, stats = search.index_shards(tmp_path, plan)
    assert problems == [] and (stats.made, stats.pages) == (1, 1) and stats.peak_mb > 0
    shard = tmp_path / "pagefind" / "en-0"
    assert (shard / "pagefind.js").is_file() and list((shard / "fragment").iterdir())
    assert not (shard / "pagefind-ui.js").exists()  # the unused ready-made UI is not published


# --- in a build: only what changed is indexed again -------------------------------------


def _article(number: int, rng: random.Random, extra: str = "") -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(40))
    return (
        f"---\ntitle: Article {number}\nsummary: About topic {number}.\ndate: 2026-01-10\n"
        f"reviewed: 2026-01-10\n---\nWord{number} appears here only. {words}. {extra}\n"
    )


@pytest.fixture
def many(blank_site):
    rng = random.Random(7)
    for number in range(12):
        blank_site.article(f"a{number:02d}.md", _article(number, rng))
    blank_site.set_config(search_pages_per_shard=2)
    return blank_site


def _files(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def _changed_shards(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The shard folders with a file added, removed or replaced."""
    return {
        name.split("/")[0] for name in before.keys() ^ after.keys() | {n for n in after if after[n] != before.get(n)}
    }


def indexed_urls(index: Path) -> set[str]:
    """The address of every page in the index, read from pagefind's own fragment files."""
    import gzip
    import json

    urls = set()
    for fragment in index.glob("*/fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        urls.add(json.loads(data[data.index(b"{") :])["url"])
    return urls


def test_a_rebuild_indexes_only_the_shard_of_the_edited_article(many):
    first = many.build()
    assert first.ok and first.search.made == first.search.shards >= 4
    index = many.public / "pagefind"
    before = _files(index)
    path = many.content / "articles" / "a03.md"
    path.write_text(path.read_text().replace("appears here only", "appears here alone"))
    second = many.build()
    assert second.ok and second.search.made == 1 and second.search.pages <= 4
    changed = _changed_shards(before, _files(index))
    assert len(changed) == 1 and changed <= set(os.listdir(index))  # one shard folder, nothing else
    assert indexed_urls(index) == {f"/articles/a{n:02d}/" for n in range(12)}


def test_a_template_edit_outside_the_indexed_text_indexes_nothing(many, tmp_path):
    import shutil

    templates = tmp_path / "templates"
    shutil.copytree(Path(search.__file__).resolve().parent.parent / "templates", templates)
    many.set_config(paths={"templates": str(templates)})
    assert many.build().ok
    index = many.public / "pagefind"
    before = _files(index)
    base = templates / "base.html"
    base.write_text(base.read_text().replace("</footer>", "<p>A new footer line.</p></footer>", 1))
    again = many.build()
    assert again.ok and again.rendered >= 12  # every page was rendered again...
    assert again.search.made == 0  # ...and no shard made again
    assert _files(index) == before  # the very same files


def test_a_new_review_date_indexes_nothing(many):
    assert many.build().ok
    before = _files(many.public / "pagefind")
    path = many.content / "articles" / "a05.md"
    path.write_text(path.read_text().replace("reviewed: 2026-01-10", "reviewed: 2026-02-11"))
    again = many.build()
    assert again.ok and again.rendered >= 1 and again.search.made == 0
    assert _files(many.public / "pagefind") == before


def test_a_deleted_article_leaves_the_index(many):
    assert many.build().ok
    (many.content / "articles" / "a04.md").unlink()
    again = many.build()
    assert again.ok and again.search.made == 1
    assert indexed_urls(many.public / "pagefind") == {f"/articles/a{n:02d}/" for n in range(12) if n != 4}


def test_the_index_step_does_not_run_when_nothing_is_written(many):
    result = many.build(write=False)
    assert result.ok and result.search is None
    assert not (many.public / "pagefind").exists()


# --- the reader: the pages one index finds --------------------------------------------
#
# pagefind answers a query in each shard on its own. A word that some shards lack is, in
# those shards, dropped from the query or replaced by a shorter word that is there
# (pagefind's fallback for a word it has not got), so a sharded index can list a page
# that one index would not, ranked low. It never loses one: a page that has every word
# has them in its own shard. Queries whose words every shard has give the same pages.

COMMON = ["lesion", "lesions", "myelin nerve", "scan report", "brain"]
RARE = ["word3", "word11", "word7 lesion", "gadolinium word5", "fatigue treatment"]


def test_a_sharded_index_finds_every_page_one_index_finds(many, tmp_path):
    require_chromium()
    from playwright.sync_api import sync_playwright

    from screenshots import CHROMIUM_ARGS, serve

    for number in range(12):  # every shard has the common words
        path = many.content / "articles" / f"a{number:02d}.md"
        path.write_text(path.read_text() + "\nA lesion of myelin, a nerve, a scan, a report, the brain.\n")
    one, sharded = tmp_path / "one", tmp_path / "sharded"
    many.set_config(search_pages_per_shard=1000)
    assert many.build(output=one).ok
    many.set_config(search_pages_per_shard=2)
    assert many.build(output=sharded).ok
    assert [p.name for p in (one / "pagefind").iterdir() if p.is_dir()] == ["en-0"]
    assert len([p for p in (sharded / "pagefind").iterdir() if p.is_dir()]) >= 4

    def found(folder: Path) -> dict[str, set[str]]:
        server = serve(folder)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        results = {}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
                view = browser.new_page(viewport={"width": 390, "height": 800})
                for query in COMMON + RARE:
                    view.goto(f"{base}search/?q={query}")
                    view.locator("[data-search-status]", has_text=query).wait_for()
                    links = view.locator(".search-result h2 a")
                    results[query] = {links.nth(i).get_attribute("href") for i in range(links.count())}
                browser.close()
        finally:
            server.shutdown()
        return results

    single, shards = found(one), found(sharded)
    assert {q: single[q] for q in COMMON} == {q: shards[q] for q in COMMON}
    assert all(single[q] <= shards[q] for q in RARE)
    assert single["word3"] == {"/articles/a03/"} <= shards["word3"] and len(single["lesion"]) == 12
