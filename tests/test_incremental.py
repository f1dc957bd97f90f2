"""Incremental builds equal clean full builds, byte for byte, after any sequence of edits."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from sitegen.content import read as content_module
from sitegen.content import sourcefiles
from sitegen.core.config import load_config
from sitegen.pipeline import Builder
from sitegen.system import tuning
from sitekit import own_site, soup

# 18 random edits a run in `make test`: the Editor deals the kinds of edit like cards
# (each kind once, in a random order, then again), so every kind occurs twice, each time
# after a different mix of others; INCREMENTAL_STEPS=1000 for a longer hunt.
STEPS = int(os.environ.get("INCREMENTAL_STEPS", "18"))

ARTICLE = """---
title: "{title}"
summary: "{summary}"
date: 2026-0{month}-1{day}
reviewed: 2026-0{month}-2{day}
tags: [{tags}]
takeaways:
  - {takeaway}
references:
  - title: A paper
    doi: 10.1000/x.{n}
---
Opening paragraph {n}. {extra}

## Part one

Words about lesions and myelin {n}. {link}

## Part two

Table: Numbers {n}
| A | B |
|---|---|
| {n} | {extra} |
"""
TAGS = ["MRI basics", "Lesions", "Research", "Your care"]
GLOSSARY = """- term: lesion
  aliases: [lesions]
  definition: An area of damage.
- term: myelin
  definition: The coating around nerve fibres.
"""


def small_site(tmp_path: Path) -> Path:
    """An empty site using the real templates and static files, without search (fast)."""
    root = own_site(tmp_path / "site")
    (root / "content" / "glossary.yaml").write_text(GLOSSARY)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def built_site(tmp_path: Path, seed: int, count: int):
    """small_site with `count` random articles, built once: (root, editor, config)."""
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(seed))
    for _ in range(count):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    assert Builder(config, jobs=1).build().ok
    return root, editor, config


# What a template may start to show (each valid in every template the Editor changes).
NEWLY_SHOWN = (
    "{{ site.articles|length }}",
    "{{ site.articles|map(attribute='summary')|join('|') }}",
    "{% for t in site.topics %}{{ t.name }}{{ t.articles|length }}{% endfor %}",
    "{{ site.glossary|map(attribute='definition')|join('|') }}",
    "{{ site.articles|selectattr('reviewed')|list|length }}",
)


class Editor:
    """Random edits of the kinds an editor makes, on a small site."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng, self.counter = root, rng, 0
        self.articles = root / "content" / "articles"
        self.deck: list[str] = []  # the kinds of edit still to come in this round

    def names(self):
        return sorted(p.name for p in self.articles.glob("*.md"))

    def write_article(self, name: str):
        self.counter += 1
        n, rng = self.counter, self.rng
        others = [other for other in self.names() if "draft: true" not in (self.articles / other).read_text()]
        query = rng.choice(["", "", "?from=a"])  # a query string is not part of the file name
        link = f"See [another]({rng.choice(others)}{query})." if others and rng.random() < 0.6 else ""
        (self.articles / name).write_text(
            ARTICLE.format(
                title=f"Article {n} {rng.choice(['on scans', 'on lesions', 'on care'])}",
                summary=f"Summary {n}.",
                month=rng.randint(1, 9),
                day=rng.randint(0, 8),
                tags=", ".join(rng.sample(TAGS, rng.randint(1, 2))),
                takeaway=f"Takeaway {n}.",
                n=n,
                extra=rng.choice(["", "More.", "Even more text."]),
                link=link,
            )
        )

    def relink(self, old_name: str, replacement: str) -> None:
        for path in self.articles.glob("*.md"):
            text = path.read_text()
            for written in (f"]({old_name})", f"]({old_name}?from=a)"):
                if written in text:
                    text = text.replace(written, replacement)
            path.write_text(text)

    def step(self) -> str:
        rng, names = self.rng, self.names()
        kinds = ["add", "edit", "rename", "delete", "template", "static", "touch", "glossary", "draft"]
        if len(names) <= 2:
            kind = "add"
        else:
            self.deck = self.deck or rng.sample(kinds, len(kinds))
            kind = self.deck.pop()
        if kind == "add":
            self.write_article(f"a{self.counter + 1}.md")
        elif kind == "edit":
            self.write_article(rng.choice(names))
        elif kind == "rename":
            source = rng.choice(names)
            target = f"r{self.counter}-{source}"
            (self.articles / source).rename(self.articles / target)
            self.counter += 1
            self.relink(source, f"]({target})")
        elif kind == "delete":
            victim = rng.choice(names)
            (self.articles / victim).unlink()
            self.relink(victim, "]")  # an editor removes links to a deleted article
        elif kind == "template":
            template = (
                self.root / "templates" / rng.choice(["article.html", "partials/card.html", "base.html", "index.html"])
            )
            # Half the time the template starts showing something of the site it did not
            # show before: later edits of that must reach the page (tracking.py).
            shown = rng.choice(["", *NEWLY_SHOWN])
            template.write_text(
                template.read_text() + f"\n{{# edit {self.counter} #}}\n<!-- {self.counter} {shown} -->\n"
            )
            self.counter += 1
        elif kind == "static":
            css = self.root / "static" / "site.css"
            css.write_text(css.read_text() + f"\n/* {self.counter} */\n")
            self.counter += 1
        elif kind == "glossary":
            glossary = self.root / "content" / "glossary.yaml"
            glossary.write_text(
                glossary.read_text()
                + rng.choice(
                    [
                        f"# a comment {self.counter}\n",
                        f"- term: term{self.counter}\n  definition: Meaning {self.counter}.\n",
                    ]
                )
            )
            self.counter += 1
        elif kind == "draft":  # an article leaves (or rejoins) the site; links to it are fixed first
            path = self.articles / rng.choice(names)
            text = path.read_text()
            if "draft: true\n" in text:
                path.write_text(text.replace("draft: true\n", ""))
            else:
                self.relink(path.name, "]")
                path.write_text(text.replace("---\ntitle:", "---\ndraft: true\ntitle:", 1))
        elif kind == "touch":
            os.utime(self.articles / rng.choice(names))  # same bytes, new mtime: nothing should change
        return kind


@pytest.mark.slow
@pytest.mark.parametrize("in_place", [False, True], ids=["staged", "in-place (serve)"])
def test_random_edits_match_a_full_build(tmp_path, in_place):
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(20261123))
    for _ in range(4):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    incremental = Builder(config, jobs=1)  # kept for the whole run, as `serve` keeps it
    kinds = []
    for step in range(STEPS):
        kinds.append(editor.step())
        result = incremental.build(in_place=in_place)
        assert result.ok, [d.format() for d in result.diagnostics]
        clean_out = tmp_path / "clean" / "public"
        shutil.rmtree(clean_out.parent, ignore_errors=True)
        fresh_config, _ = load_config(root / "config.yaml", output=clean_out)
        clean = Builder(fresh_config, jobs=1, use_cache=False).build()
        assert clean.ok
        got, want = tree(config.output_dir), tree(clean_out)
        assert got.keys() == want.keys(), f"step {step} ({kinds[-1]}): files differ: {got.keys() ^ want.keys()}"
        for path in want:
            assert got[path] == want[path], f"step {step} ({kinds[-1]}): {path} differs from a full build"
    assert {"add", "edit", "rename", "delete", "template", "static", "touch", "glossary", "draft"} <= set(kinds)


def test_a_field_a_template_starts_to_show_follows_its_changes(tmp_path):
    """Page keys come from what templates read (tracking.py): once a template shows a value
    it did not show before, a change of that value alone re-renders the page."""
    root, editor, config = built_site(tmp_path, 4, 3)
    template = root / "templates" / "article.html"
    template.write_text(
        template.read_text().replace(
            "{% block main %}",
            '{% block main %}<p id="shown">{{ site.articles|length }} articles;'
            " {{ related|map(attribute='summary')|join('|') }}</p>",
            1,
        )
    )
    builder = Builder(config, jobs=1)
    assert builder.build().ok
    page = config.output_dir / "articles" / "a1" / "index.html"

    def shown() -> str:
        return soup(page).find(id="shown").get_text()

    assert shown().startswith("3 articles;")
    editor.write_article("a9.md")  # another article: a1's page shows how many there are
    assert builder.build().ok
    assert shown().startswith("4 articles;")
    related = shown().split("; ", 1)[1].split("|")[0]
    assert related  # a1's first related article's summary (seed 4), edited in that article alone
    name = next(p for p in (root / "content" / "articles").glob("*.md") if related in p.read_text())
    name.write_text(name.read_text().replace(related, "A summary edited elsewhere."))
    assert builder.build().ok
    assert "A summary edited elsewhere." in shown()
    fresh, _ = load_config(root / "config.yaml", output=tmp_path / "clean" / "public")
    assert Builder(fresh, jobs=1, use_cache=False).build().ok
    assert page.read_bytes() == (tmp_path / "clean" / "public" / "articles" / "a1" / "index.html").read_bytes()


def test_a_new_builder_uses_the_persistent_cache(tmp_path):
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(1))
    for _ in range(5):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    first = Builder(config, jobs=1).build()
    assert first.markdown == 5
    mtimes = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*.html")}
    again = Builder(config, jobs=1).build()  # a new process would do the same: read .cache/
    assert again.markdown == 0 and again.rendered == 0
    assert {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*.html")} == mtimes
    editor.write_article("a2.md")
    edited = Builder(config, jobs=1).build()
    assert edited.markdown == 1
    assert edited.rendered < len(mtimes)


def test_a_corrupt_or_foreign_cache_is_ignored(tmp_path):
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(2))
    for _ in range(3):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    Builder(config, jobs=1).build()
    good = tree(config.output_dir)
    state = config.cache_dir / "state.pickle"
    for damage in (
        b"garbage",
        state.read_bytes()[:-10] + b"0123456789",
        state.read_bytes().replace(b"sitegen-cache", b"othertool-cache"),
    ):
        state.write_bytes(damage)
        for body in (config.cache_dir / "bodies").glob("*.pack"):
            body.write_bytes(b"sitegen-cache\nnot really\n")
        shutil.rmtree(config.output_dir)
        result = Builder(config, jobs=1).build()
        assert result.ok and result.markdown == 3  # nothing trusted: everything rebuilt
        assert tree(config.output_dir) == good


def test_parallel_build_equals_serial_build(tmp_path):
    from benchmarks_corpus import make_corpus

    root = make_corpus(80, tmp_path / "corpus")
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "\nsearch: false\n")
    serial_config, _ = load_config(root / "config.yaml", output=tmp_path / "serial")
    parallel_config, _ = load_config(root / "config.yaml", output=tmp_path / "parallel")
    assert Builder(serial_config, jobs=1, use_cache=False).build().ok
    result = Builder(parallel_config, jobs=2, use_cache=False).build()
    assert result.ok and result.markdown >= 80
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")


def test_a_failed_in_place_build_leaves_the_output_as_it_was(tmp_path):
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(3))
    for _ in range(4):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    builder = Builder(config, jobs=1)
    assert builder.build().ok
    before = tree(config.output_dir)
    editor.write_article("a1.md")  # a good change (its page would be rewritten) ...
    (editor.articles / "a2.md").write_text(
        (editor.articles / "a2.md").read_text() + "\n[broken](no-such-file.md)\n"
    )  # ... and a bad one
    result = builder.build(in_place=True)
    assert not result.ok and any(d.code == "link-broken" for d in result.diagnostics)
    assert tree(config.output_dir) == before
    assert not list(config.output_dir.parent.glob(".public.pending-*"))


def test_pages_survive_a_glossary_edit_that_changes_no_page(tmp_path):
    """Markdown runs again (the glossary is in its key), the pages come out the same: they must
    still be in the new site (they once vanished from it, in a build that reported success)."""
    root, editor, config = built_site(tmp_path, 4, 4)
    before = tree(config.output_dir)
    glossary = root / "content" / "glossary.yaml"
    glossary.write_text("# edited\n" + glossary.read_text())
    result = Builder(config, jobs=1).build()
    assert result.ok and result.markdown == 4
    assert tree(config.output_dir) == before


def test_a_crafted_cache_cannot_run_code(tmp_path):
    """Only our value types may be unpickled: a cache naming any other callable is ignored."""
    from sitegen.build import cachefile

    root = small_site(tmp_path)
    Editor(root, random.Random(5)).write_article("a1.md")
    config, _ = load_config(root / "config.yaml")
    builder = Builder(config, jobs=1)
    assert builder.build().ok
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):
            return (getattr, (getattr, "__self__"))  # -> the builtins module, then exec ...

    class Writes:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    for payload in (Exploit(), Writes()):
        cachefile.dump(
            {"parsed": payload, "bodies": {}, "pages": {}}, config.cache_dir / "state.pickle", builder.config_key
        )
        result = Builder(config, jobs=1).build()
        assert result.ok and result.markdown == 1  # the cache was ignored: everything rebuilt
        assert not marker.exists()


def test_the_preview_after_a_command_line_build_keeps_working(tmp_path):
    """The preview starts from the cache a `build` left on disk, where a Source is stored
    without its body; rebuilds that run Markdown again on unchanged articles (a glossary
    edit) must get the bodies back, every time, and match a full build."""
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(3))
    for _ in range(6):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    assert Builder(config, jobs=1).build().ok  # the command-line build: cache saved to disk
    preview = Builder(config, jobs=1)  # as serve.py sets it up
    preview.stats = {}
    assert preview.build(in_place=True).ok
    glossary = root / "content" / "glossary.yaml"
    for round_number in range(3):
        glossary.write_text(GLOSSARY.replace("An area of damage.", f"An area of damage, version {round_number}."))
        preview.changed = {glossary}
        result = preview.build(in_place=True)
        assert result.ok, [d.format() for d in result.diagnostics]
        assert result.markdown == 6  # every body linked the glossary again
        want = Builder(config, jobs=1, use_cache=False).build(write=False).files
        got = tree(config.output_dir)
        assert {path: got[path] for path in want} == want


def test_the_cache_journal_replays_to_the_saved_state(tmp_path):
    """Between whole saves, a save appends what changed; a new process replaying the journal
    has exactly the state the last one saved, and a damaged journal only costs work."""
    from sitegen.build.cache import STATE, Cache

    root, editor, config = built_site(tmp_path, 7, 8)
    base = (config.cache_dir / "state.pickle").read_bytes()
    journal = config.cache_dir / "state.journal"
    for step in range(3):
        editor.write_article(f"a{step + 1}.md")  # an edit, as between two command-line builds
        builder = Builder(config, jobs=1)
        assert builder.build().ok
        assert (config.cache_dir / "state.pickle").read_bytes() == base  # only the journal grew
        reloaded = Cache.open(config.cache_dir, builder.config_key)
        for name in STATE:
            assert getattr(reloaded, name).keys() == getattr(builder.cache, name).keys(), name
        assert reloaded.pages == builder.cache.pages and reloaded.related == builder.cache.related
        assert {k: v[0] for k, v in reloaded.bodies.items()} == {k: v[0] for k, v in builder.cache.bodies.items()}
    assert journal.stat().st_size > 0
    # A build killed while appending: the last record is cut short.
    journal.write_bytes(journal.read_bytes()[:-7])
    editor.write_article("a4.md")
    result = Builder(config, jobs=1).build()
    assert result.ok
    want, got = Builder(config, jobs=1, use_cache=False).build(write=False).files, tree(config.output_dir)
    assert {path: got.get(path) for path in want} == want
    assert not journal.exists() and (config.cache_dir / "state.pickle").read_bytes() != base  # started afresh


def test_a_crafted_journal_record_cannot_run_code(tmp_path):
    import hashlib
    import pickle

    root = small_site(tmp_path)
    editor = Editor(root, random.Random(8))
    editor.write_article("a1.md")
    config, _ = load_config(root / "config.yaml")
    assert Builder(config, jobs=1).build().ok
    editor.write_article("a1.md")
    assert Builder(config, jobs=1).build().ok
    journal = config.cache_dir / "state.journal"
    assert journal.exists()
    marker = tmp_path / "ran"

    class Writes:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    payload = pickle.dumps({"pages": (Writes(), [])})
    journal.write_bytes(
        journal.read_bytes() + f"{len(payload)} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload
    )
    editor.write_article("a1.md")
    assert Builder(config, jobs=1).build().ok
    assert not marker.exists()


def test_bodies_are_records_in_a_few_pack_files_and_a_damaged_one_costs_only_work(tmp_path):
    """A parallel cold build stores every body in one pack per process (not one file per
    body), the parent learns where the workers put them, and a later process reads them
    back instead of running Markdown; a damaged record is rendered again, never used."""
    from benchmarks_corpus import make_corpus

    from sitegen.build.cache import Cache

    root = make_corpus(80, tmp_path / "corpus")
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "\nsearch: false\n")
    config, _ = load_config(root / "config.yaml")
    builder = Builder(config, jobs=2)
    assert builder.build().markdown >= 80
    packs = sorted((config.cache_dir / "bodies").glob("*.pack"))
    assert 2 <= len(packs) <= 3 and not list((config.cache_dir / "bodies").glob("*.pickle"))
    reloaded = Cache.open(config.cache_dir, builder.config_key)
    digests = {entry[2].digest for entry in reloaded.bodies.values()}
    assert len(digests) >= 80 and all(reloaded.load_body(d)[0].startswith("<") for d in digests)
    template = root / "templates" / "article.html"
    template.write_text(template.read_text() + "\n{# one #}\n")
    result = Builder(config, jobs=2).build()
    assert result.ok and result.markdown == 0 and result.rendered >= 80  # every body from the packs
    # Damage one record in the middle of a pack: that body, and only bodies like it, run again.
    biggest = max(packs, key=lambda p: p.stat().st_size)
    data = bytearray(biggest.read_bytes())
    data[len(data) // 2] ^= 0xFF
    biggest.write_bytes(bytes(data))
    damaged = [d for d in digests if Cache.open(config.cache_dir, builder.config_key).load_body(d) is None]
    assert 1 <= len(damaged) <= 2
    template.write_text(template.read_text() + "\n{# two #}\n")
    assert Builder(config, jobs=1).build().ok
    reloaded = Cache.open(config.cache_dir, builder.config_key)
    assert all(reloaded.load_body(d) is not None for d in damaged)  # rendered again and stored anew
    clean, _ = load_config(root / "config.yaml", output=tmp_path / "clean")
    assert Builder(clean, jobs=1, use_cache=False).build().ok
    assert tree(config.output_dir) == tree(tmp_path / "clean")


def test_packs_of_changed_bodies_are_deleted_or_compacted(tmp_path, monkeypatch):
    """Edits leave dead records behind; whole saves delete packs with nothing live and move
    the live bodies out of mostly dead ones, so the cache stays the size of the site."""
    from sitegen.build import cache as cache_module

    # A whole save every few builds (0 made one so often, once the values of reads were
    # kept too, that the packs never grew past MAX_PACKS between them).
    monkeypatch.setattr(cache_module, "JOURNAL_SLACK", 1024)
    # Every build reads every file again: which stats are old enough to be remembered
    # (StatMemo.RACY_NS) depends on how fast the builds ran, and so would the journal's
    # size and the count of whole saves (2 instead of 4 once, on a loaded machine).
    monkeypatch.setattr(sourcefiles.StatMemo, "RACY_NS", 10**18)
    # 3, not 8: the same rules (delete, move out, merge small packs past MAX_PACKS) at work
    # on 6 articles in 18 builds, not 12 in 36.
    monkeypatch.setattr(cache_module, "MAX_PACKS", 3)
    root, editor, config = built_site(tmp_path, 9, 6)
    whole_saves, most = 0, 0
    for step in range(18):  # each edit's body goes to a pack of its own, one per build
        editor.write_article(f"a{step % 6 + 1}.md")
        builder = Builder(config, jobs=1)
        assert builder.build().ok and builder.build().ok
        packs = list((config.cache_dir / "bodies").glob("*.pack"))
        most = max(most, len(packs))
        whole_saves += not (config.cache_dir / "state.journal").exists()
        if not (config.cache_dir / "state.journal").exists():  # just after a whole save
            assert len(packs) <= cache_module.MAX_PACKS, step
    assert whole_saves >= 3 and most > cache_module.MAX_PACKS, (whole_saves, most)
    live = {entry[2].digest for entry in builder.cache.bodies.values()}
    reloaded = cache_module.Cache.open(config.cache_dir, builder.config_key)
    assert all(reloaded.load_body(d) is not None for d in live)
    size = sum(p.stat().st_size for p in (config.cache_dir / "bodies").glob("*.pack"))
    assert size < 4 * sum(length for _, _, length in reloaded.stored.values())


def _clock_ahead(monkeypatch, seconds: float) -> None:
    """Every file looks `seconds` old to the stat memo (sourcefiles.py trusts only settled files)."""
    import time as real_time

    class Clock:
        @staticmethod
        def time_ns():
            return real_time.time_ns() + int(seconds * 1e9)

    monkeypatch.setattr(sourcefiles, "time", Clock)


def _settled_site(tmp_path, monkeypatch, seed: int, count: int = 3):
    """A small site of `count` articles whose files all look settled to the stat memo,
    built once: (root, editor, config, the built tree)."""
    _clock_ahead(monkeypatch, 60)
    root, editor, config = built_site(tmp_path, seed, count)
    return root, editor, config, tree(config.output_dir)


def _add_glossary_term(root: Path) -> None:
    """A glossary edit: every body goes through Markdown again."""
    glossary = root / "content" / "glossary.yaml"
    glossary.write_text(glossary.read_text() + "- term: scan\n  definition: A picture of the body.\n")


def test_unchanged_sources_are_not_read_and_their_bodies_only_when_needed(tmp_path, monkeypatch):
    """A command-line build trusts a source whose stat signature is unchanged since it was
    read (settled files only), and reads its body only when Markdown must run again."""
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(11))
    for _ in range(5):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    reads = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or original(self))
    assert Builder(config, jobs=1).build().ok
    assert sorted(n for n in reads if n.endswith(".md")) == [f"a{i}.md" for i in range(1, 6)]
    reads.clear()
    assert Builder(config, jobs=1).build().ok  # just written: too fresh to vouch for, read again
    assert len([n for n in reads if n.endswith(".md")]) == 5
    _clock_ahead(monkeypatch, 60)
    reads.clear()
    assert Builder(config, jobs=1).build().ok  # remembered as settled now
    reads.clear()
    editor.write_article("a3.md")
    result = Builder(config, jobs=1).build()
    assert result.ok and result.markdown == 1
    assert [n for n in reads if n.endswith(".md")] == ["a3.md"]
    # A glossary edit runs Markdown on every body again: the unread ones are read then.
    _add_glossary_term(root)
    result = Builder(config, jobs=1).build()
    assert result.ok and result.markdown == 5
    want = Builder(config, jobs=1, use_cache=False).build(write=False).files
    got = tree(config.output_dir)
    assert {path: got.get(path) for path in want} == want


def test_a_source_changed_behind_its_stat_fails_the_build_and_keeps_the_site(tmp_path, monkeypatch):
    """If an unread body no longer matches the bytes it was parsed from (the file changed
    during the build), the build stops with a clear message and publishes nothing."""
    root, editor, config, before = _settled_site(tmp_path, monkeypatch, 12)
    editor.write_article("a2.md")
    _add_glossary_term(root)
    # The race, made certain: the cache's stat record vouches for a2.md's new signature,
    # as it would had the file changed just after it was stat'ed.
    builder = Builder(config, jobs=1)
    shown = "content/articles/a2.md"
    stat = (root / shown).stat()
    builder.stats[shown] = ((stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns), builder.stats[shown][1])
    result = builder.build()
    assert not result.ok
    problem = next(d for d in result.diagnostics if d.code == "source-changed")
    assert problem.file.endswith("a2.md") and "Build again" in problem.hint
    assert tree(config.output_dir) == before


def test_random_edits_between_command_line_builds_trusting_settled_stats(tmp_path, monkeypatch):
    """Like the random edits test, with a new Builder per build (as the command line does)
    and every recorded stat signature trusted."""
    _clock_ahead(monkeypatch, 60)
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(20261124))
    for _ in range(4):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    for step in range(STEPS // 2):  # one deal: every kind of edit once
        kind = editor.step()
        result = Builder(config, jobs=1).build()
        assert result.ok, [d.format() for d in result.diagnostics]
        want = Builder(config, jobs=1, use_cache=False).build(write=False).files
        got = tree(config.output_dir)
        assert {path: got.get(path) for path in want} == want, f"step {step} ({kind})"


def test_articles_read_in_worker_processes_equal_those_read_in_one(tmp_path, monkeypatch):
    """The front matter of many articles is parsed in worker processes: the same site, the
    same problems (a broken article among them, with its line) as a single process."""
    from benchmarks_corpus import make_corpus

    root = make_corpus(60, tmp_path / "corpus")
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "\nsearch: false\n")
    broken = root / "content" / "articles" / "article-00007.md"
    broken.write_text(broken.read_text().replace("title:", "title: [unclosed", 1))
    results, shared = {}, []
    real_share_out = sourcefiles.share_out

    def share_out(chunks, work, jobs, first=None):
        shared.append(jobs)
        return real_share_out(chunks, work, jobs, first)

    monkeypatch.setattr(sourcefiles, "share_out", share_out)
    for jobs, threshold in ((1, 10_000), (2, 8)):
        monkeypatch.setattr(tuning, "PARALLEL_READS", threshold)
        config, _ = load_config(root / "config.yaml", output=tmp_path / f"out{jobs}")
        results[jobs] = content_module.load_content(config, parsed={}, stats={}, jobs=jobs)
    assert shared == [2]  # only the second read was shared out to worker processes
    assert results[1].articles == results[2].articles and len(results[2].articles) == 59
    assert all(a.source.body for a in results[2].articles)  # bodies came back with them
    assert results[1].diagnostics == results[2].diagnostics
    assert any(d.file.endswith("article-00007.md") and d.line for d in results[2].diagnostics)
    assert results[1].parsed == results[2].parsed


@pytest.fixture(scope="module")
def built_corpus(tmp_path_factory) -> Path:
    """An 80-article site built once (its paths are relative: a copy is a site of its own)."""
    from benchmarks_corpus import make_corpus

    root = make_corpus(80, tmp_path_factory.mktemp("failing") / "corpus")
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "\nsearch: false\n")
    config, _ = load_config(root / "config.yaml")
    assert Builder(config, jobs=1, use_cache=False).build().ok
    return root


@pytest.mark.parametrize("broken", ["article", "topic template", "article template"])
def test_a_failing_parallel_build_reports_what_a_serial_one_does(built_corpus, tmp_path, monkeypatch, broken):
    """While workers do the articles, the parent renders the other pages. What a failed
    build reports, and that it publishes nothing, does not depend on that."""
    monkeypatch.setattr(tuning, "PARALLEL_READS", 8)  # the articles are read in workers too
    root = tmp_path / "corpus"
    shutil.copytree(built_corpus, root, symlinks=True)
    config, _ = load_config(root / "config.yaml")
    before = tree(config.output_dir)
    assert before == tree(built_corpus / "public") and before
    if broken == "article":
        article = root / "content" / "articles" / "article-00005.md"
        article.write_text(article.read_text() + "\nSee [this](no-such-article.md).\n")
    elif broken == "topic template":
        template = root / "templates" / "topic.html"
        template.write_text(template.read_text().replace("{% endblock %}", "{{ missing_variable }}{% endblock %}", 1))
    else:
        template = root / "templates" / "article.html"
        template.write_text(template.read_text().replace("{% endblock %}", "{% if %}{% endblock %}", 1))
    reports = []
    for jobs in (1, 2):
        result = Builder(config, jobs=jobs, use_cache=False).build()
        assert not result.ok
        reports.append([d.format() for d in result.diagnostics])
        assert tree(config.output_dir) == before
    assert reports[0] == reports[1]
    expected = {"article": "link-broken", "topic template": "topic.html", "article template": "article.html"}[broken]
    assert any(expected in line for line in reports[1])


def test_sources_read_in_worker_processes_build_what_a_serial_build_writes(tmp_path, monkeypatch):
    """Sources parsed in forked readers come back without their bodies (a Source pickles
    without them) and with them beside: the site is the one a serial build writes, and
    nothing is left frozen in this long-lived process (tuning.Policy)."""
    import gc

    from benchmarks_corpus import make_corpus

    monkeypatch.setattr(tuning, "PARALLEL_READS", 8)
    monkeypatch.setattr(tuning, "PARALLEL_MARKDOWN", 8)
    root = make_corpus(40, tmp_path / "corpus")
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "\nsearch: false\n")
    config, _ = load_config(root / "config.yaml")
    want = Builder(config, jobs=1, use_cache=False).build(write=False).files
    assert Builder(config, jobs=2, use_cache=False).build().ok
    assert {path: data for path, data in tree(config.output_dir).items() if path in want} == want
    assert gc.get_freeze_count() == 0


def test_the_recorded_size_and_mtime_of_every_output_file_are_the_files(tmp_path):
    """Pages taken over unchanged are recorded without a stat of their own (they are the same
    file): what the cache says of every file must still be what the disk says."""
    root = small_site(tmp_path)
    editor = Editor(root, random.Random(13))
    for _ in range(6):
        editor.write_article(f"a{editor.counter + 1}.md")
    config, _ = load_config(root / "config.yaml")
    for step in range(8):
        builder = Builder(config, jobs=1)
        assert builder.build().ok
        assert set(builder.cache.pages) == {
            p.relative_to(config.output_dir).as_posix()
            for p in config.output_dir.rglob("*")
            if p.is_file() and p.name != ".sitegen-output"
        }
        for path, (_, size, mtime) in builder.cache.pages.items():
            stat = (config.output_dir / path).stat()
            assert (stat.st_size, stat.st_mtime_ns) == (size, mtime), (step, path)
        editor.step() if step % 2 else editor.write_article(f"a{step % 6 + 1}.md")


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_packs_are_merged_before_they_become_many(tmp_path, monkeypatch):
    """Each command-line build that converts a body writes a pack; a save merges them once
    they are many, even long before the journal calls for a whole save. MAX_PACKS is 2
    here, not 8: the same rule (merge past 4 * MAX_PACKS) seen after 14 builds, not 45."""
    from sitegen.build import cache as cache_module

    monkeypatch.setattr(cache_module, "MAX_PACKS", 2)
    root, editor, config = built_site(tmp_path, 14, 14)
    counts = []
    for step in range(14):  # past 4 * MAX_PACKS + 2 (10) had nothing been merged
        editor.write_article(f"a{step % 14 + 1}.md")
        builder = Builder(config, jobs=1)
        assert builder.build().ok
        builder.cache.close()
        counts.append(len(list((config.cache_dir / "bodies").glob("*.pack"))))
    assert max(counts) <= 4 * cache_module.MAX_PACKS + 2 and max(counts) > 2 * cache_module.MAX_PACKS


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files through /proc (Linux)")
def test_reading_bodies_from_many_packs_keeps_few_files_open(tmp_path, monkeypatch):
    """MAX_READERS is 2 here, not 8: 12 packs to read from are then as many times the
    files a build may keep open as 30 were, in 12 builds instead of 30."""
    from sitegen.build import cache as cache_module

    monkeypatch.setattr(cache_module, "MAX_PACKS", 1000)  # no merging: 12 packs to read from
    monkeypatch.setattr(cache_module, "JOURNAL_SLACK", 1 << 30)
    monkeypatch.setattr(cache_module, "MAX_READERS", 2)
    root, editor, config = built_site(tmp_path, 18, 12)
    for step in range(12):
        editor.write_article(f"a{step + 1}.md")
        builder = Builder(config, jobs=1)
        assert builder.build().ok
        builder.cache.close()
    assert len(list((config.cache_dir / "bodies").glob("*.pack"))) > 10
    template = root / "templates" / "article.html"
    template.write_text(template.read_text() + "\n{# again #}\n")
    before = _open_fds()
    builder = Builder(config, jobs=1)
    result = builder.build()  # every article page again, each body read from its pack
    assert result.ok and result.markdown == 0 and result.rendered >= 12
    assert _open_fds() - before <= cache_module.MAX_READERS + 2  # the readers, the pack written, slack
    builder.cache.close()
    assert _open_fds() <= before


def test_a_source_that_cannot_be_read_is_reported_as_such(tmp_path, monkeypatch):
    """An unread body that cannot be read when needed (here: too many open files) is a
    'cannot read' error, not a 'file changed' one that building again would not fix."""
    import errno

    from sitegen.core import article as article_module

    root, _, config, before = _settled_site(tmp_path, monkeypatch, 15)

    def failing_open(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(article_module, "open", failing_open, raising=False)
    _add_glossary_term(root)
    result = Builder(config, jobs=1).build()
    assert not result.ok
    codes = {d.code for d in result.diagnostics if d.is_error}
    assert codes == {"file-unreadable"}, codes
    assert any("Too many open files" in d.message for d in result.diagnostics)
    assert tree(config.output_dir) == before


def test_a_cache_that_cannot_be_saved_does_not_fail_a_published_build(tmp_path, monkeypatch):
    import errno

    from sitegen.build.cache import Cache

    root = small_site(tmp_path)
    editor = Editor(root, random.Random(16))
    editor.write_article("a1.md")
    config, _ = load_config(root / "config.yaml")

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Cache, "save", full)
    result = Builder(config, jobs=1).build()
    assert result.ok  # the site is published; the cache is only a warning
    assert [d.code for d in result.diagnostics] == ["cache-not-saved"]
    assert (config.output_dir / "articles").is_dir()


def test_the_preview_leaves_nothing_frozen_out_of_the_garbage_collector(tmp_path):
    """A long-running preview must be able to collect what it drops: only a command-line
    build (short-lived) freezes what it loaded."""
    import gc

    from benchmarks_corpus import make_corpus

    root = make_corpus(80, tmp_path / "corpus")
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "\nsearch: false\n")
    config, _ = load_config(root / "config.yaml")
    gc.unfreeze()
    preview = Builder(config, jobs=2)  # as serve makes it
    assert preview.build().markdown >= 80  # in worker processes
    assert gc.get_freeze_count() == 0


def test_a_crafted_body_location_is_a_miss_not_a_crash(tmp_path):
    from sitegen.build.cache import Cache

    root = small_site(tmp_path)
    editor = Editor(root, random.Random(17))
    editor.write_article("a1.md")
    config, _ = load_config(root / "config.yaml")
    builder = Builder(config, jobs=1)
    assert builder.build().ok
    cache = Cache.open(config.cache_dir, builder.config_key)
    ((key, (name, offset, length)),) = cache.stored.items()
    for bad in ((name, offset, 2**62), (name, -5, length), ("../state.pickle", 0, 100), (name, offset, "x"), "junk"):
        cache.stored[key] = bad
        assert cache.load_body(key) is None
    cache.close()


@pytest.mark.skipif(os.name != "posix", reason="a file size limit (RLIMIT_FSIZE) is POSIX")
def test_a_failed_write_to_a_pack_starts_a_new_pack(tmp_path):
    """A record cut short by a failed write (a full disk) must not shift where later records
    are looked for: the next body goes to a new pack, and both earlier and later read back.
    The kernel cuts the write short: a file size limit just past the first record (Python
    ignores SIGXFSZ, so the write stops there and the next one fails with EFBIG), in place
    of a patched os.write, which every thread of the process would have seen."""
    import errno
    import resource

    from sitegen.build import cache as cache_module

    cache = cache_module.Cache.open(tmp_path / "cache", "scope")
    cache.store_body("a" * 64, "<p>a</p>", ("a",))
    (pack,) = (tmp_path / "cache" / "bodies").glob("*.pack")
    size = pack.stat().st_size
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 10, hard))
    try:
        with pytest.raises(OSError) as failed:
            cache.store_body("b" * 64, "<p>b</p>", ("b",))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert failed.value.errno == errno.EFBIG and pack.stat().st_size == size + 10  # ten bytes of b's record
    cache.store_body("c" * 64, "<p>c</p>", ("c",))
    fresh = cache_module.Cache(cache.folder, "scope", stored=dict(cache.stored))
    assert fresh.load_body("a" * 64) == ("<p>a</p>", ("a",))
    assert fresh.load_body("c" * 64) == ("<p>c</p>", ("c",))
    assert fresh.load_body("b" * 64) is None
    assert len(list((tmp_path / "cache" / "bodies").glob("*.pack"))) == 2
    cache.close()
    fresh.close()


def test_template_digests_from_the_cache_memo_equal_those_parsed_afresh(tmp_path):
    from sitegen.build.render import _referenced, template_digests

    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "base.html").write_text("<main>{% block main %}{% endblock %}</main>")
    (folder / "article.html").write_text(
        '{% extends "base.html" %}{% block main %}{% include "partials/card.html" %}{% endblock %}'
    )
    (folder / "partials" / "card.html").write_text("{{ article.title }}")
    (folder / "dynamic.html").write_text("{% include name %}")
    afresh, _ = template_digests(folder)
    given: dict = {}
    digests, memo = template_digests(folder, given)
    assert digests == afresh and given == {}  # the memo given is not changed
    assert len(memo) == 4 and memo[next(k for k, v in memo.items() if None in v)] == (None,)
    _referenced.cache_clear()  # a new process: only the memo knows
    assert template_digests(folder, memo)[0] == afresh
    # A value the cache cannot have stored is not trusted: the template is parsed again.
    crafted = {sha: ["base.html"] for sha in memo}
    assert template_digests(folder, crafted)[0] == afresh
    # Editing the partial changes the digests of the templates that include it, not of the others,
    # and the memo forgets the old source.
    (folder / "partials" / "card.html").write_text("{{ article.summary }}")
    after, memo = template_digests(folder, memo)
    assert after == template_digests(folder)[0]
    assert after["article.html"] != afresh["article.html"] and after["base.html"] == afresh["base.html"]
    assert after["dynamic.html"] != afresh["dynamic.html"]  # it may include anything
    assert len(memo) == 4


def test_stat_signatures_seen_by_the_no_op_check_are_used_not_taken_again(tmp_path):
    """The fingerprint's walk (just before the build) saw each source's signature; the
    build's check of which sources changed uses it, and stats only the paths it lacks."""
    from sitegen.content.sourcefiles import StatMemo

    path = tmp_path / "a.md"
    path.write_text("x")
    stat = path.stat()
    on_disk = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
    seen_then = (1, 2, 3, 4)  # what the walk saw (the file changed since: this build reads it, the next sees why)
    previous = {("a.md", "digest"): object()}
    stats = {"a.md": (seen_then, ("a.md", "digest"))}  # kept under the path relative to the project
    assert StatMemo(stats, set(), {str(path): seen_then}).known(path, "a.md", previous) == (
        ("a.md", "digest"),
        seen_then,
    )
    assert StatMemo(stats, set()).known(path, "a.md", previous) == (None, on_disk)  # no walk: stat'ed
    assert StatMemo(stats, set(), {"elsewhere.md": seen_then}).known(path, "a.md", previous) == (None, on_disk)
