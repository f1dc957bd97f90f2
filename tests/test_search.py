"""The search index (sitegen/build/search.py): what is indexed, one index per language made
again only when its indexed text changed, faults that must leave an index finding exactly
the published pages (issue 28), and the search page in Chromium."""

from __future__ import annotations

import gzip
import json
import random
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from browser import require_chromium
from sitegen.build import search
from sitegen.build.indexed import indexed_digest
from sitegen.build.search import plan
from sitekit import cli_here, run_cli, snapshot

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


# --- one index per language -------------------------------------------------------------


def _pages(count: int, lang: str = "en", prefix: str = "") -> dict[str, tuple[str, str]]:
    return {f"{prefix}p{n}/index.html": (lang, f"d{n}") for n in range(count)}


def test_each_language_has_one_index_of_exactly_its_pages():
    pages = {**_pages(3), **_pages(2, "es", "es/")}
    indexes = plan(pages)
    assert [(i.folder, i.paths) for i in indexes] == [
        ("en", ("p0/index.html", "p1/index.html", "p2/index.html")),
        ("es", ("es/p0/index.html", "es/p1/index.html")),
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update({"p1/index.html": ("en", "changed")}),  # a page's indexed text
        lambda p: p.update({"p9/index.html": ("en", "d9")}),  # a page added
        lambda p: p.pop("p2/index.html"),  # a page removed
        lambda p: p.update({"q1/index.html": p.pop("p1/index.html")}),  # a page moved
    ],
)
def test_a_language_digest_changes_with_its_pages_and_only_its_own(change):
    pages = {**_pages(3), **_pages(2, "es", "es/")}
    before = {i.folder: i.digest for i in plan(pages)}
    assert before == {i.folder: i.digest for i in plan(dict(pages))}  # the same pages, the same digest
    change(pages)
    after = {i.folder: i.digest for i in plan(pages)}
    assert after["en"] != before["en"] and after["es"] == before["es"]


def test_a_language_code_that_is_no_folder_name_goes_to_unknown():
    assert [i.folder for i in plan({"a.html": ("../etc", "d"), "b.html": ("pt-br", "d")})] == ["pt-br", "unknown"]


# --- the indexer, and what it says when it fails ----------------------------------------


def fragments(index: Path) -> dict[str, str]:
    """URL -> text of every page an index holds, read from pagefind's fragment files."""
    found = {}
    for fragment in (index / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[data["url"]] = data["content"]
    return found


def indexed_pages(site: Path) -> dict[str, set[str]]:
    """Language folder -> URLs each published index holds."""
    return {folder.name: set(fragments(folder)) for folder in sorted((site / "pagefind").iterdir())}


def expected_pages(site: Path) -> dict[str, set[str]]:
    """Language folder -> URLs of the published pages pagefind must hold."""
    wanted: dict[str, set[str]] = {}
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if relative.startswith("pagefind/"):
            continue
        found = indexed_digest(path.read_bytes())
        if found is not None:
            url = "/" + relative.removesuffix("index.html")
            wanted.setdefault(search.folder_of(found[0]), set()).add(url)
    return wanted


def assert_index_is_of_the_published_pages(site: Path) -> None:
    """The invariant every build, failed or killed, must leave: each language's index holds
    exactly the published pages, and says it was made from exactly their indexed text."""
    pages = {}
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if not relative.startswith("pagefind/") and (found := indexed_digest(path.read_bytes())) is not None:
            pages[relative] = found
    assert {i.folder: i.digest for i in plan(pages)} == {
        folder.name: search.made_from(folder) for folder in (site / "pagefind").iterdir()
    }
    assert indexed_pages(site) == expected_pages(site)


class Folder:
    """A new site in a plain folder, for update_index on its own."""

    def __init__(self, root: Path):
        self.root = root

    def keep_tree(self, relative: str) -> bool:
        return False

    def fresh_tree(self, relative: str) -> Path | None:
        shutil.rmtree(self.root / relative, ignore_errors=True)
        return self.root / relative


def _index(folder: Path, texts: dict[str, str]):
    for path, word in texts.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(page(f"<h1>{word}</h1><p>{word} text.</p>"))
    pages = {path: indexed_digest((folder / path).read_bytes()) for path in texts}
    return search.update_index(pages, folder / "published", Folder(folder))


def _fake_pagefind(tmp_path: Path, script: str) -> Path:
    fake = tmp_path / "fake-pagefind"
    fake.write_text("#!/bin/sh\n" + script)
    fake.chmod(0o755)
    return fake


def test_a_missing_indexer_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_executable", lambda: None)
    problems, _ = _index(tmp_path, {"index.html": "Hello"})
    assert [p.code for p in problems] == ["search-failed"] and "pip install" in problems[0].hint


def test_a_failing_indexer_is_reported_with_its_output(tmp_path, monkeypatch):
    fake = _fake_pagefind(tmp_path, "echo 'index broke' >&2\nexit 3\n")
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    problems, _ = _index(tmp_path, {"index.html": "Hello"})
    assert [p.code for p in problems] == ["search-failed"]
    assert "exit code 3" in problems[0].message and "index broke" in problems[0].message
    assert "reinstall pagefind" in problems[0].hint


def test_an_indexer_that_cannot_start_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "pagefind_executable", lambda: tmp_path / "no-such-binary")
    problems, _ = _index(tmp_path, {"index.html": "Hello"})
    assert [p.code for p in problems] == ["search-failed"]


def test_an_indexer_past_its_time_is_stopped_and_the_limit_is_explained(tmp_path, monkeypatch):
    fake = _fake_pagefind(tmp_path, "exec sleep 30\n")  # a hung indexer
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    monkeypatch.setattr(search, "TIMEOUT_BASE", 0.3)
    problems, _ = _index(tmp_path, {"index.html": "Hello"})
    assert [p.code for p in problems] == ["search-failed"]
    assert "did not finish the search index of the 1 page in language 'en'" in problems[0].message
    assert "more a page" in problems[0].message  # the limit grows with the work


def test_an_indexer_that_finds_the_disk_full_says_so(tmp_path, monkeypatch):
    fake = _fake_pagefind(tmp_path, "echo 'Error: No space left on device (os error 28)' >&2\nexit 1\n")
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    problems, _ = _index(tmp_path, {"index.html": "Hello"})
    assert [p.code for p in problems] == ["search-failed"] and problems[0].hint == search.HINT_DISK


def test_the_indexer_makes_an_index_that_says_what_it_was_made_from(tmp_path):
    problems, stats = _index(tmp_path, {"index.html": "Gadolinium"})
    assert problems == [] and (stats.indexes, stats.made, stats.pages) == (1, 1, 1) and stats.peak_mb > 0
    folder = tmp_path / "pagefind" / "en"
    assert (folder / "pagefind.js").is_file() and fragments(folder) == {"/": "Gadolinium. Gadolinium text."}
    assert not (folder / "pagefind-ui.js").exists()  # the unused ready-made UI is not published
    digest = indexed_digest((tmp_path / "index.html").read_bytes())
    assert digest is not None and search.made_from(folder) == plan({"index.html": digest})[0].digest


@pytest.mark.parametrize("odd", ["plain", "with,comma", "with{brace}", "with$dollar", "with(paren)"])
def test_an_index_holds_exactly_its_pages_whatever_their_names(tmp_path, odd):
    """A language's pages are named to pagefind in a glob, or linked into a folder of their
    own where a name holds a character a glob reads: either way, its pages and no others."""
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "index.html").write_bytes(page("<h1>Atrophy</h1><p>Not in the index.</p>"))
    problems, stats = _index(tmp_path, {"a/index.html": "Gadolinium", f"{odd}/index.html": "Myelin"})
    assert problems == [] and stats.pages == 2
    assert set(fragments(tmp_path / "pagefind" / "en")) == {"/a/", f"/{odd}/"}
    assert not (tmp_path / search.WORK).exists()  # no folder of links is left behind


# --- in a build: only the language whose text changed is indexed again ---------------------


def _article(number: int, rng: random.Random, extra: str = "") -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(40))
    return (
        f"---\ntitle: Article {number}\nsummary: About topic {number}.\ndate: 2026-01-10\n"
        f"reviewed: 2026-01-10\n---\nWord{number} appears here only. {words}. {extra}\n"
    )


def _spanish(number: int) -> str:
    return (
        f"---\ntitle: Artículo {number}\nsummary: Sobre el tema {number}.\ndate: 2026-01-10\n"
        f"reviewed: 2026-01-10\ntranslation_of: a{number:02d}.md\ntranslated_from_reviewed: 2026-01-10\ntranslated_by: fixture-translator\n---\n"
        f"Palabra{number} aparece solo aquí. Una lesión en la resonancia.\n"
    )


@pytest.fixture
def many(blank_site):
    rng = random.Random(7)
    for number in range(8):
        blank_site.article(f"a{number:02d}.md", _article(number, rng))
    for number in range(3):
        blank_site.write(f"content/es/articles/e{number:02d}.md", _spanish(number))
    blank_site.write("content/people.yaml", "fixture-translator:\n  name: Fixture translator\n  clinician: false\n")
    blank_site.set_config(languages=["en", "es"])
    return blank_site


def _files(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def _edit(site, number: int, old: str, new: str) -> None:
    path = site.content / "articles" / f"a{number:02d}.md"
    path.write_text(path.read_text().replace(old, new))


def test_the_build_says_what_it_made_of_the_search_index(many, tmp_path):
    templates = many.root / "templates"  # the project's own: config.yaml names no folder outside it
    shutil.copytree(Path(search.__file__).resolve().parents[2] / "templates", templates)
    many.set_config(paths={"templates": "templates"}, languages=["en", "es"])
    first = cli_here("build", cwd=many.root)
    assert first.returncode == 0, first.stderr
    made = re.search(r"Search index: 2 of 2 languages indexed again \((\d+) pages\)", first.stdout)
    assert made and int(made[1]) >= 11, first.stdout
    _edit(many, 3, "appears here only", "appears here alone")
    edited = cli_here("build", cwd=many.root).stdout
    assert "Search index: 1 of 2 languages indexed again (" in edited
    (templates / "base.html").write_text((templates / "base.html").read_text() + "\n")
    assert "Search index: unchanged (2 languages kept)." in cli_here("build", cwd=many.root).stdout


def test_an_edit_makes_only_its_languages_index_again(many):
    first = many.build()
    assert first.ok, [d.format() for d in first.diagnostics]
    assert (first.search.indexes, first.search.made) == (2, 2)
    assert_index_is_of_the_published_pages(many.public)
    spanish = _files(many.public / "pagefind" / "es")
    _edit(many, 3, "appears here only", "appears here alone")
    second = many.build()
    assert second.ok and (second.search.made, second.search.pages) == (1, 8)
    assert _files(many.public / "pagefind" / "es") == spanish  # the very files, linked
    assert "alone" in fragments(many.public / "pagefind" / "en")["/articles/a03/"]
    assert_index_is_of_the_published_pages(many.public)


def test_a_template_edit_outside_the_indexed_text_indexes_nothing(many, tmp_path):
    templates = many.root / "templates"  # the project's own: config.yaml names no folder outside it
    shutil.copytree(Path(search.__file__).resolve().parents[2] / "templates", templates)
    many.set_config(paths={"templates": "templates"}, languages=["en", "es"])
    assert many.build().ok
    before = _files(many.public / "pagefind")
    base = templates / "base.html"
    base.write_text(base.read_text().replace("</footer>", "<p>A new footer line.</p></footer>", 1))
    again = many.build()
    assert again.ok and again.rendered >= 11  # every page was rendered again...
    assert again.search.made == 0  # ...and no index made again
    assert _files(many.public / "pagefind") == before  # the very same files


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
    assert again.ok and again.search.made == 1
    assert "/articles/a04/" not in indexed_pages(many.public)["en"]
    assert_index_is_of_the_published_pages(many.public)


def test_an_index_removed_by_hand_is_made_again(many):
    assert many.build().ok
    shutil.rmtree(many.public / "pagefind" / "es")
    again = many.build()
    assert again.ok and again.search.made >= 1
    assert_index_is_of_the_published_pages(many.public)


def test_the_index_step_does_not_run_when_nothing_is_written(many):
    result = many.build(write=False)
    assert result.ok and result.search is None
    assert not (many.public / "pagefind").exists()


def test_an_incremental_index_is_the_index_of_a_clean_build(many, tmp_path):
    """pagefind is deterministic: the index a build keeps or makes is byte for byte the one a
    clean build of the same pages makes."""
    assert many.build().ok
    _edit(many, 3, "appears here only", "appears here alone")
    (many.content / "articles" / "a06.md").unlink()
    assert many.build().ok
    clean = tmp_path / "clean"
    assert many.build(output=clean).ok
    assert snapshot(many.public / "pagefind") == snapshot(clean / "pagefind")


# --- faults: a failed, killed or refused build leaves an index of the published pages -------


def test_a_failed_build_keeps_the_published_index(many, monkeypatch):
    assert many.build().ok
    live = snapshot(many.public)
    _edit(many, 5, "appears here only", "appears here too")
    (many.content / "articles" / "a07.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")
    assert not many.build().ok
    assert snapshot(many.public) == live


def test_a_disk_full_while_indexing_is_a_finding_and_the_site_stays(many, tmp_path):
    """Through the command line: exit 1, the disk named as the problem, no traceback, and the
    published site (its index included) as it was."""
    assert run_cli("build", cwd=many.root).returncode == 0
    live = snapshot(many.public)
    _edit(many, 2, "appears here only", "appears here again")
    fake = _fake_pagefind(tmp_path, "echo 'Error: No space left on device (os error 28)' >&2\nexit 1\n")
    driver = (
        "import sys; from pathlib import Path; from sitegen.build import search; from sitegen import cli\n"
        f"search.pagefind_executable = lambda: Path({str(fake)!r})\n"
        "sys.exit(cli.main(['build']))\n"
    )
    ran = subprocess.run([sys.executable, "-c", driver], cwd=many.root, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 1 and "Traceback" not in ran.stderr + ran.stdout
    assert "[search-failed]" in ran.stdout + ran.stderr and "The disk is full" in ran.stdout + ran.stderr
    assert snapshot(many.public) == live


# Where a build is killed: inside the indexer once one language is made (the fake pagefind
# runs the real one, then kills the build); just before the swap; just after it, before the
# cache is saved. Staging.commit and search.pagefind_executable are the public seams.
KILLS = {
    "while indexing": (
        "real = search.pagefind_executable()\n"
        "fake = Path(sys.argv[1])\n"
        "fake.write_text(f'#!/bin/sh\\n{real} \"$@\"\\nkill -9 $PPID\\n'); fake.chmod(0o755)\n"
        "search.pagefind_executable = lambda: fake\n"
    ),
    "before the swap": (
        "commit = write.Staging.commit\n"
        "def killed(self): os.kill(os.getpid(), signal.SIGKILL)\n"
        "write.Staging.commit = killed\n"
    ),
    "after the swap": (
        "commit = write.Staging.commit\n"
        "def killed(self): commit(self); os.kill(os.getpid(), signal.SIGKILL)\n"
        "write.Staging.commit = killed\n"
    ),
}


def _killed_build(site, where: str, tmp_path: Path) -> None:
    driver = (
        "import os, signal, sys; from pathlib import Path; from sitegen.build import search; from sitegen.system import write; from sitegen import cli\n"
        + KILLS[where]
        + "sys.exit(cli.main(['build']))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", driver, str(tmp_path / "killer")], cwd=site.root, capture_output=True, timeout=120
    )
    assert ran.returncode == -signal.SIGKILL, ran.stderr.decode()


@pytest.mark.parametrize("where", KILLS)
def test_a_killed_build_leaves_an_index_of_the_published_pages_and_the_next_heals(many, tmp_path, where):
    """Whatever moment a build is killed at, the published index is that of the published
    pages; and the next build, even of the content the killed build started from (a
    reverted edit, the case a cache-kept record would get wrong), publishes a correct one."""
    assert cli_here("build", cwd=many.root).returncode == 0
    _edit(many, 3, "appears here only", "appears here alone")
    _killed_build(many, where, tmp_path)
    assert_index_is_of_the_published_pages(many.public)
    published_alone = "alone" in fragments(many.public / "pagefind" / "en")["/articles/a03/"]
    assert published_alone == (where == "after the swap")
    _edit(many, 3, "appears here alone", "appears here only")  # the edit reverted
    again = cli_here("build", cwd=many.root)
    assert again.returncode == 0, again.stderr
    assert_index_is_of_the_published_pages(many.public)
    assert "only" in fragments(many.public / "pagefind" / "en")["/articles/a03/"]
    assert not list(many.root.glob(".public.*staging*"))  # what the killed build left is gone


# --- the reader -----------------------------------------------------------------------------


class Reader:
    """One browser on the search page of a served site, for a test's queries (one launch)."""

    def __init__(self, folder: Path) -> None:
        from playwright.sync_api import sync_playwright

        from screenshots import CHROMIUM_ARGS, serve

        self.server = serve(folder)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)
        self.view = self.browser.new_page(viewport={"width": 390, "height": 800})

    def found(self, queries: list[str], prefix: str = "") -> dict[str, set[str]]:
        results = {}
        for query in queries:
            self.view.goto(f"{self.base}{prefix}search/?q={query}")
            self.view.locator("[data-search-status]", has_text=query).wait_for()
            links = self.view.locator(".search-result h2 a")
            results[query] = {links.nth(i).get_attribute("href") for i in range(links.count())}
        return results

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()
        self.server.shutdown()


@pytest.mark.browser
def test_the_search_page_finds_the_pages_of_its_language_and_an_edit(many):
    require_chromium()
    assert many.build().ok
    reader = Reader(many.public)  # the folder's name: it serves each new site after its swap
    try:
        english = reader.found(["word3", "lesion", "alone", "palabra1"])
        assert english["word3"] == {"/articles/a03/"} and len(english["lesion"]) >= 4
        assert english["alone"] == set() and english["palabra1"] == set()  # Spanish pages are not in it
        spanish = reader.found(["palabra1", "word3"], "es/")
        assert spanish["palabra1"] == {"/es/articles/e01/"} and spanish["word3"] == set()
        _edit(many, 3, "appears here only", "appears here alone")
        assert many.build().ok
        assert reader.found(["alone"])["alone"] == {"/articles/a03/"}
    finally:
        reader.close()


def test_an_indexer_failure_names_the_output_folder_not_the_new_sites(many, tmp_path, monkeypatch):
    """The new site's folder is gone when the editor reads the message: name public/."""
    fake = _fake_pagefind(tmp_path, "echo 'broken' >&2\nexit 2\n")
    monkeypatch.setattr(search, "pagefind_executable", lambda: fake)
    failed = many.build()
    (found,) = [d for d in failed.diagnostics if d.code == "search-failed" and "'en'" in d.message]
    assert found.file == str(many.public)
