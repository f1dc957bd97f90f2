"""Incremental builds equal clean full builds, byte for byte, after any sequence of edits."""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.pipeline import Builder

REPO = Path(__file__).resolve().parent.parent
STEPS = int(os.environ.get("INCREMENTAL_STEPS", "200"))

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


def small_site(tmp_path: Path) -> Path:
    """An empty site using the real templates and static files, without search (fast)."""
    root = tmp_path / "site"
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, root / name)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "config.yaml").write_text("title: T\nurl: https://example.test/\ndisclaimer: D.\nsearch: false\n")
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Editor:
    """Random edits of the kinds an editor makes, on a small site."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng, self.counter = root, rng, 0
        self.articles = root / "content" / "articles"

    def names(self):
        return sorted(p.name for p in self.articles.glob("*.md"))

    def write_article(self, name: str):
        self.counter += 1
        n, rng, others = self.counter, self.rng, self.names()
        link = f"See [another]({rng.choice(others)})." if others and rng.random() < 0.6 else ""
        (self.articles / name).write_text(ARTICLE.format(
            title=f"Article {n} {rng.choice(['on scans', 'on lesions', 'on care'])}", summary=f"Summary {n}.",
            month=rng.randint(1, 9), day=rng.randint(0, 8), tags=", ".join(rng.sample(TAGS, rng.randint(1, 2))),
            takeaway=f"Takeaway {n}.", n=n, extra=rng.choice(["", "More.", "Even more text."]), link=link))

    def relink(self, old_name: str, replacement: str) -> None:
        for path in self.articles.glob("*.md"):
            text = path.read_text()
            if f"]({old_name})" in text:
                path.write_text(text.replace(f"]({old_name})", replacement))

    def step(self) -> str:
        rng, names = self.rng, self.names()
        kinds = ["add", "edit", "rename", "delete", "template", "static", "touch"]
        kind = rng.choice(kinds if len(names) > 2 else ["add"])
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
            template = self.root / "templates" / rng.choice(["article.html", "partials/card.html", "base.html", "index.html"])
            template.write_text(template.read_text() + f"\n{{# edit {self.counter} #}}\n<!-- {self.counter} -->\n")
            self.counter += 1
        elif kind == "static":
            css = self.root / "static" / "site.css"
            css.write_text(css.read_text() + f"\n/* {self.counter} */\n")
            self.counter += 1
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
    assert {"add", "edit", "rename", "delete", "template", "static"} <= set(kinds)


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
    for damage in (b"garbage", state.read_bytes()[:-10] + b"0123456789",
                   state.read_bytes().replace(b"sitegen-cache", b"othertool-cache")):
        state.write_bytes(damage)
        for body in (config.cache_dir / "bodies").glob("*.pickle"):
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
        (editor.articles / "a2.md").read_text() + "\n[broken](no-such-file.md)\n")  # ... and a bad one
    result = builder.build(in_place=True)
    assert not result.ok and any(d.code == "link-broken" for d in result.diagnostics)
    assert tree(config.output_dir) == before
    assert not list(config.output_dir.parent.glob(".public.pending-*"))
