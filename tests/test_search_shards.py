"""The search index (sitegen/search.py): what is indexed, which index is made again
(a shard, or only the index of recent edits), and that the search page finds exactly
the pages one index of the whole site finds, before and after an edit."""

from __future__ import annotations

import gzip
import json
import random
import re
import shutil
from pathlib import Path

import pytest

from browser import require_chromium
from sitegen import search
from sitegen.search import ShardRecord, indexed_digest, manifest, plan_shards, shard_count, vanished

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


# --- which pages go in which index ------------------------------------------------------


def test_the_number_of_shards_is_a_power_of_two_that_holds_the_pages():
    assert [shard_count(n, 100) for n in (0, 1, 100, 101, 400, 401, 4000)] == [1, 1, 1, 2, 4, 8, 64]


def _pages(count: int, lang: str = "en") -> dict[str, tuple[str, str]]:
    return {f"{lang}/articles/a{i}/index.html": (lang, f"digest-{i}") for i in range(count)}


def _published(plan, pages):
    """What the site holds once `plan` is made: (shards as plan_shards takes them, recent keys)."""
    shards, recent = {}, {}
    for shard in plan.shards:
        if shard.vocabularies:
            recent[shard.name] = shard.key
        else:
            shards[shard.name] = (shard.key, {path: pages[path][1] for path in shard.paths})
    return shards, recent


def _names(steps) -> list[str]:
    return [step.name for step in steps]


A7 = "en/articles/a7/index.html"


def test_a_first_build_makes_every_shard_and_an_index_of_recent_edits_per_language():
    pages = {**_pages(40), **_pages(5, "es")}
    plan = plan_shards(pages, {}, 8)
    assert _names(plan.to_make) == [*(f"en-{n}" for n in range(8)), "en-r", "es-0", "es-r"]
    assert sorted(path for shard in plan.shards for path in shard.paths) == sorted(pages)
    recent = [shard for shard in plan.shards if shard.vocabularies]
    # The recent edits are empty, but hold a vocabulary page of each shard of their language.
    assert [(s.paths, s.vocabularies) for s in recent] == [((), tuple(f"en-{n}" for n in range(8))), ((), ("es-0",))]
    assert plan.stale == {}


def test_nothing_changed_makes_nothing():
    pages = _pages(40)
    plan = plan_shards(pages, {}, 8)
    shards, recent = _published(plan, pages)
    assert plan_shards(pages, shards, 8, recent=recent).to_make == ()


def test_an_edited_page_is_indexed_alone_among_the_recent_edits_and_its_old_entry_is_stale():
    pages = _pages(40)
    plan = plan_shards(pages, {}, 8)
    shards, recent = _published(plan, pages)
    home = next(shard.name for shard in plan.shards if A7 in shard.paths)
    edited = {**pages, A7: ("en", "digest-7-edited")}
    again = plan_shards(edited, shards, 8, recent=recent)
    assert [(s.name, s.paths) for s in again.to_make] == [("en-r", (A7,))]
    assert again.stale == {home: (A7,)}
    # Edited again: still only the recent edits, which now hold both pages.
    more = {**edited, "en/articles/a9/index.html": ("en", "digest-9-edited")}
    third = plan_shards(more, shards, 8, recent={"en-r": again.to_make[0].key})
    assert [(s.name, s.paths) for s in third.to_make] == [("en-r", (A7, "en/articles/a9/index.html"))]


def test_a_new_page_joins_the_recent_edits_and_a_deleted_one_is_only_stale():
    pages = _pages(40)
    plan = plan_shards(pages, {}, 8)
    shards, recent = _published(plan, pages)
    new = "en/articles/new/index.html"
    changed = {**{p: v for p, v in pages.items() if p != A7}, new: ("en", "digest-new")}
    again = plan_shards(changed, shards, 8, recent=recent)
    assert [(s.name, s.paths) for s in again.to_make] == [("en-r", (new,))]
    assert sorted(path for paths in again.stale.values() for path in paths) == sorted([A7, new])
    assert A7 not in {path for shard in again.shards if not shard.current for path in shard.paths}


def test_past_the_limit_of_recent_edits_their_shards_are_made_again():
    pages = _pages(40)
    plan = plan_shards(pages, {}, 8)
    shards, recent = _published(plan, pages)
    edited = {**pages, **{p: ("en", "edited") for p in list(pages)[:3]}}
    homes = sorted({shard.name for shard in plan.shards for p in list(pages)[:3] if p in shard.paths})
    again = plan_shards(edited, shards, 8, recent_max=2, recent=recent)
    assert _names(again.to_make) == [*homes, "en-r"]
    assert again.stale == {} and next(s for s in again.shards if s.name == "en-r").paths == ()
    within = plan_shards(edited, shards, 8, recent_max=3, recent=recent)
    assert _names(within.to_make) == ["en-r"]


def test_a_shard_to_remake_is_made_whole():
    pages = _pages(40)
    plan = plan_shards(pages, {}, 8)
    shards, recent = _published(plan, pages)
    edited = {**pages, A7: ("en", "digest-7-edited")}
    home = next(shard.name for shard in plan.shards if A7 in shard.paths)
    again = plan_shards(edited, shards, 8, recent=recent, remake={home})
    assert _names(again.to_make) == [home, "en-r"] and again.stale == {}
    assert A7 in again.to_make[0].paths


def test_a_page_keeps_its_shard_while_the_number_of_shards_holds():
    before = plan_shards(_pages(40), {}, 8)
    after = plan_shards(_pages(41), {}, 8)  # one article added: still 8 shards
    home = {path: shard.name for shard in before.shards for path in shard.paths}
    moved = [path for shard in after.shards for path in shard.paths if path in home and home[path] != shard.name]
    assert moved == []


def _record(key: str, pages: dict[str, tuple[str, str]], words: dict[str, list[str]]) -> ShardRecord:
    counts: dict[str, int] = {}
    for distinct in words.values():
        for word in distinct:
            counts[word] = counts.get(word, 0) + 1
    return ShardRecord(key, pages, counts, words)


def test_the_manifest_names_the_indexes_their_vocabulary_pages_and_the_entries_to_hide():
    pages = _pages(4)
    plan = plan_shards(pages, {}, 2)
    shards, recent = _published(plan, pages)
    edited = {**pages, A7.replace("a7", "a1"): ("en", "edited")}
    again = plan_shards(edited, shards, 2, recent=recent)
    a1 = "en/articles/a1/index.html"
    held = {}
    for shard in again.shards:
        if shard.vocabularies:
            entries = {a1: ("edited", "en_new1")} | {
                f"_vocabulary/{name}/index.html": ("", f"en_v{name}") for name in shard.vocabularies
            }
            held[shard.name] = _record(shard.key, entries, {})
        else:
            held[shard.name] = _record(shard.key, {p: ("d", f"en_{p.split('/')[2]}") for p in shard.paths}, {})
    listed = json.loads(manifest(again, held))
    assert listed["en"]["shards"] == [f"en-{n}" for n in range(len(listed["en"]["shards"]))]
    assert listed["en"]["recent"] == "en-r"
    assert listed["en"]["vocabulary"] == {f"en_v{name}": name for name in listed["en"]["shards"]}
    assert listed["en"]["hidden"] == ["en_a1"]


def test_an_old_entry_with_a_word_the_site_lost_makes_its_shard_again():
    pages = _pages(4)
    plan = plan_shards(pages, {}, 2)
    shards, recent = _published(plan, pages)
    a1 = "en/articles/a1/index.html"
    home = next(shard.name for shard in plan.shards if a1 in shard.paths)
    again = plan_shards({**pages, a1: ("en", "edited")}, shards, 2, recent=recent)
    held = {
        shard.name: _record(shard.key, {}, {p: ["lesion", "word1" if p == a1 else "scan"] for p in shard.paths})
        for shard in again.shards
        if not shard.vocabularies
    }
    # The edit kept "word1": nothing to make again.
    kept = {"en-r": _record("r", {}, {a1: ["lesion", "word1"]})}
    assert vanished(again, held, kept) == set()
    # The edit took "word1" out, and no other page has it.
    lost = {"en-r": _record("r", {}, {a1: ["lesion"]})}
    assert vanished(again, held, lost) == {home}


# --- running the indexer: problems are values --------------------------------------------


def _one_page(folder: Path):
    (folder / "index.html").write_bytes(page("<h1>Hello</h1><p>Gadolinium.</p>"))
    plan = plan_shards({"index.html": indexed_digest((folder / "index.html").read_bytes())}, {}, 128)
    return [plan.shards[0]]


def test_a_missing_indexer_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_executable", lambda: None)
    problems, _ = search.index_shards(tmp_path, _one_page(tmp_path), {})
    assert [p.code for p in problems] == ["search-missing"]
    assert "pip install" in problems[0].hint


def test_a_failing_indexer_is_reported_with_its_output(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'index broke' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    problems, _ = search.index_shards(tmp_path, _one_page(tmp_path), {})
    assert [p.code for p in problems] == ["search-failed"]
    assert "exit code 3" in problems[0].message and "index broke" in problems[0].message


def test_an_indexer_that_cannot_start_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_executable", lambda: tmp_path / "no-such-binary")
    problems, _ = search.index_shards(tmp_path, _one_page(tmp_path), {})
    assert [p.code for p in problems] == ["search-failed"]


def test_an_indexer_past_its_time_is_stopped_and_the_limit_is_explained(tmp_path, monkeypatch):
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")  # a hung indexer
    fake.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    monkeypatch.setattr(search, "TIMEOUT_BASE", 0.3)
    problems, _ = search.index_shards(tmp_path, _one_page(tmp_path), {})
    assert [p.code for p in problems] == ["search-failed"]
    message = problems[0].message
    assert "did not finish the 1 page of" in message and "more a page" in message  # it grows with the work
    assert "search_pages_per_shard" in problems[0].hint


def test_the_indexer_makes_a_shard_and_reads_back_what_it_holds(tmp_path):
    if search.pagefind_executable() is None:
        pytest.fail("pagefind is a dependency of the build: pip install 'pagefind[bin]'")
    shards = _one_page(tmp_path)
    problems, stats = search.index_shards(tmp_path, shards, {})
    assert problems == [] and (stats.made, stats.pages) == (1, 1) and stats.peak_mb > 0
    folder = tmp_path / "pagefind" / "en-0"
    assert (folder / "pagefind.js").is_file() and list((folder / "fragment").iterdir())
    assert not (folder / "pagefind-ui.js").exists()  # the unused ready-made UI is not published
    record = search.read_index(folder, shards[0], {"index.html": "d"})
    assert set(record.counts) == {"hello", "gadolinium"} and list(record.pages) == ["index.html"]


@pytest.mark.parametrize("odd", ["plain", "with,comma", "with{brace}", "with$dollar", "with(paren)"])
def test_an_index_holds_exactly_its_pages_whatever_their_names(tmp_path, odd):
    """A shard is named to pagefind in a glob, or linked into a folder of its own where a
    name holds a character a glob reads: either way, its pages and no others."""
    if search.pagefind_executable() is None:
        pytest.fail("pagefind is a dependency of the build: pip install 'pagefind[bin]'")
    texts = {"a/index.html": "Gadolinium", f"{odd}/index.html": "Myelin", "c/index.html": "Atrophy"}
    for path, word in texts.items():
        (tmp_path / path).parent.mkdir(parents=True)
        (tmp_path / path).write_bytes(page(f"<h1>{word}</h1><p>{word} text.</p>"))
    chosen = ["a/index.html", f"{odd}/index.html"]
    step = search.ShardStep("en-0", "en", tuple(sorted(chosen)), "k", False)
    problems, stats = search.index_shards(tmp_path, [step], {})
    assert problems == [] and stats.pages == 2
    record = search.read_index(tmp_path / "pagefind" / "en-0", step, {})
    assert sorted(record.pages) == sorted(chosen)
    assert {"gadolinium", "myelin"} <= set(record.counts) and "atrophy" not in record.counts
    assert not (tmp_path / search.WORK).exists()  # no folder of links is left behind


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


def _changed_indexes(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The index folders with a file added, removed or replaced."""
    return {
        name.split("/")[0] for name in before.keys() ^ after.keys() | {n for n in after if after[n] != before.get(n)}
    }


def searchable(site: Path) -> set[str]:
    """The address of every page the search page can list, read from pagefind's own
    fragment files less the entries shards.json hides and the vocabulary pages."""
    listed = json.loads((site / "pagefind" / "shards.json").read_text())
    dropped = {i for entry in listed.values() for i in [*entry["hidden"], *entry["vocabulary"]]}
    urls = set()
    for fragment in (site / "pagefind").glob("*/fragment/*.pf_fragment"):
        if fragment.name.removesuffix(".pf_fragment") not in dropped:
            data = gzip.decompress(fragment.read_bytes())
            urls.add(json.loads(data[data.index(b"{") :])["url"])
    return urls


ALL = {f"/articles/a{n:02d}/" for n in range(12)}


def _edit(site, number: int, old: str, new: str) -> None:
    path = site.content / "articles" / f"a{number:02d}.md"
    path.write_text(path.read_text().replace(old, new))


def test_the_build_says_what_it_made_of_the_search_index(many, tmp_path):
    from sitekit import run_cli

    templates = tmp_path / "templates"
    shutil.copytree(Path(search.__file__).resolve().parent.parent / "templates", templates)
    many.set_config(paths={"templates": str(templates)})
    first = run_cli("build", cwd=many.root)
    assert first.returncode == 0, first.stderr
    made = re.search(r"Search index: (\d+) of (\d+) indexes made again \((\d+) pages\)", first.stdout)
    assert made and made[1] == made[2] and int(made[3]) >= 12
    _edit(many, 3, "appears here only", "appears here alone")
    edited = run_cli("build", cwd=many.root).stdout
    assert f"Search index: 1 of {made[2]} indexes made again (1 page) in " in edited
    (templates / "base.html").write_text((templates / "base.html").read_text() + "\n")
    assert f"Search index: unchanged ({made[2]} indexes kept)." in run_cli("build", cwd=many.root).stdout


def test_an_edit_makes_only_the_index_of_recent_edits(many):
    first = many.build()
    assert first.ok and first.search.made == first.search.shards >= 5  # the shards and en-r
    index = many.public / "pagefind"
    before = _files(index)
    _edit(many, 3, "appears here only", "appears here alone")
    second = many.build()
    assert second.ok and (second.search.made, second.search.pages) == (1, 1)
    assert _changed_indexes(before, _files(index)) == {"en-r", "shards.json"}
    assert searchable(many.public) == ALL
    assert json.loads((index / "shards.json").read_text())["en"]["hidden"] != []


def test_kept_indexes_are_moved_into_the_new_site_and_a_failed_build_keeps_them(many):
    """A kept index is moved into the new site at the swap (one rename), not linked file by
    file: the previous site, now the spare, no longer has it. A build that fails moves
    nothing: the live index stays whole."""
    from sitekit import snapshot

    assert many.build().ok
    index = many.public / "pagefind"
    before = _files(index)
    _edit(many, 3, "appears here only", "appears here alone")
    assert many.build().ok
    kept = {name.split("/")[0] for name in before} - {"en-r", "shards.json"}
    after = _files(index)
    assert kept and {n: i for n, i in after.items() if n.split("/")[0] in kept} == {
        n: i for n, i in before.items() if n.split("/")[0] in kept
    }  # the very files, in the new site
    spare = many.root / ".public.spare" / "pagefind"
    assert spare.is_dir() and not any((spare / name).exists() for name in kept)
    live = snapshot(many.public)
    _edit(many, 5, "appears here only", "appears here too")
    (many.content / "articles" / "a07.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    assert not many.build().ok
    assert snapshot(many.public) == live and searchable(many.public) == ALL


def test_a_swap_that_fails_puts_the_carried_indexes_back(many, monkeypatch):
    """The kept indexes leave the live site only for the swap: if it fails, they are moved
    back, the live site is as it was, and the next build publishes the edit."""
    from sitegen import write
    from sitekit import snapshot

    assert many.build().ok
    live = snapshot(many.public)
    _edit(many, 3, "appears here only", "appears here alone")

    def refused(staging, out):
        raise OSError(16, "Device or resource busy", str(out))

    monkeypatch.setattr(write, "_swap", refused)
    failed = many.build()
    assert not failed.ok and any("busy" in d.message for d in failed.diagnostics)
    assert snapshot(many.public) == live and searchable(many.public) == ALL
    monkeypatch.undo()
    again = many.build()
    assert again.ok and again.search.made == 1 and searchable(many.public) == ALL


def test_past_the_limit_the_edited_shards_are_made_again(many, monkeypatch):
    monkeypatch.setattr(search, "RECENT_MAX", 1)
    assert many.build().ok
    _edit(many, 3, "appears here only", "appears here alone")
    _edit(many, 8, "appears here only", "appears here alone")
    again = many.build()
    assert again.ok and again.search.made >= 2 and again.search.pages >= 2
    listed = json.loads((many.public / "pagefind" / "shards.json").read_text())
    assert listed["en"]["hidden"] == [] and searchable(many.public) == ALL


def test_a_word_gone_from_the_site_makes_its_shard_again(many):
    assert many.build().ok
    _edit(many, 3, "Word3 appears", "This appears")  # "Word3" was on this page only
    again = many.build()
    assert again.ok and again.search.made == 2  # its shard, and the recent edits
    assert json.loads((many.public / "pagefind" / "shards.json").read_text())["en"]["hidden"] == []
    assert searchable(many.public) == ALL


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
    assert again.search.made == 0  # ...and no index made again
    assert _files(index) == before  # the very same files


def test_a_new_review_date_indexes_nothing(many):
    assert many.build().ok
    before = _files(many.public / "pagefind")
    path = many.content / "articles" / "a05.md"
    path.write_text(path.read_text().replace("reviewed: 2026-01-10", "reviewed: 2026-02-11"))
    again = many.build()
    assert again.ok and again.rendered >= 1 and again.search.made == 0
    assert _files(many.public / "pagefind") == before


def test_a_deleted_article_leaves_the_search(many):
    assert many.build().ok
    (many.content / "articles" / "a04.md").unlink()
    again = many.build()
    assert again.ok and again.search.made >= 1
    assert searchable(many.public) == ALL - {"/articles/a04/"}


def test_lost_records_make_every_index_again(many):
    import shutil

    assert many.build().ok
    shutil.rmtree(many.root / ".cache" / "search")
    _edit(many, 3, "appears here only", "appears here alone")
    again = many.build()
    assert again.ok and again.search.made == again.search.shards
    assert searchable(many.public) == ALL


def test_the_index_step_does_not_run_when_nothing_is_written(many):
    result = many.build(write=False)
    assert result.ok and result.search is None
    assert not (many.public / "pagefind").exists()


# --- the reader: the pages one index finds --------------------------------------------
#
# pagefind answers a query in each index on its own, and for a word an index lacks it
# uses a shorter word that index has. The search page therefore asks the index of
# recent edits, which holds every shard's words, which shards may answer each query.
# So the pages listed are exactly those one index of the whole site lists, whether
# they are in a shard, among the recent edits, or edited since their shard was made.

COMMON = ["lesion", "lesions", "myelin nerve", "scan report", "brain"]
RARE = ["word3", "word11", "word7 lesion", "gadolinium word5", "fatigue treatment", "inflammation", "word"]
EDITED = ["alone", "only", "briefly", "briefly lesion", "word5", "word9"]


def _found(folder: Path, queries: list[str]) -> dict[str, set[str]]:
    from playwright.sync_api import sync_playwright

    from screenshots import CHROMIUM_ARGS, serve

    server = serve(folder)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
            view = browser.new_page(viewport={"width": 390, "height": 800})
            for query in queries:
                view.goto(f"{base}search/?q={query}")
                view.locator("[data-search-status]", has_text=query).wait_for()
                links = view.locator(".search-result h2 a")
                results[query] = {links.nth(i).get_attribute("href") for i in range(links.count())}
            browser.close()
    finally:
        server.shutdown()
    return results


def test_the_search_page_finds_exactly_the_pages_one_index_finds(many, tmp_path):
    require_chromium()
    sharded = many.public
    assert many.build().ok
    assert len(json.loads((sharded / "pagefind" / "shards.json").read_text())["en"]["shards"]) >= 4
    queries = COMMON + RARE + EDITED
    before = _found(sharded, queries)
    # Edits the shards keep: an article rewritten in a few short words (the trap: on its
    # own, its index would answer "inflammation" with "in"), one that lost a word others
    # still have, and one deleted.
    path = many.content / "articles" / "a05.md"
    head = path.read_text().split("---\n")[1]
    path.write_text(f"---\n{head}---\nWord5 in brief, briefly: a scan.\n")
    _edit(many, 9, "appears here only", "appears here alone")
    (many.content / "articles" / "a02.md").unlink()
    edited = many.build()
    # The recent edits, and the shard of a02, whose "word2" left the site with it.
    assert edited.ok and edited.search.made == 2
    assert json.loads((sharded / "pagefind" / "shards.json").read_text())["en"]["hidden"] != []
    after = _found(sharded, queries)
    many.set_config(search_pages_per_shard=1000)
    one = tmp_path / "one"
    assert many.build(output=one).ok
    assert [p.name for p in (one / "pagefind").iterdir() if p.is_dir()] == ["en-0", "en-r"]
    single = _found(one, queries)
    assert after == single
    assert single["briefly"] == {"/articles/a05/"} and "/articles/a05/" not in single["inflammation"]
    assert "/articles/a09/" in single["alone"] and "/articles/a09/" not in single["only"]
    assert "/articles/a02/" in before["word"] and "/articles/a02/" not in single["word"]
    # Before the edits, the shards alone found every page that still says "lesion".
    assert before["word3"] == {"/articles/a03/"} and single["lesion"] <= before["lesion"]
