"""The no-op rebuild (sitegen/system/fingerprint.py): answered without a build only when nothing
the build reads or wrote has changed; any change at all means a full, content-checked build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sitekit import cli_here, run_cli, snapshot

ARTICLE = "---\ntitle: {title}\nsummary: S.\ndate: 2026-01-10\ntags: [MRI]\n---\n{body}\n"


def _build(site, *args, new_process=False):
    """One `build` command, run in this process (sitekit.cli_here) unless `new_process`:
    the fingerprint is read from and written to disk either way, as a new process would
    find it; the tests that start real processes show that it holds across them."""
    done = (run_cli if new_process else cli_here)("build", *args, cwd=site.root)
    assert done.returncode == 0, done.stderr
    return done


def _quick(done) -> bool:
    """Whether a build was answered from the fingerprint (the pipeline reports its own counts)."""
    return "nothing changed since the last build" in done.stdout


@pytest.fixture
def built(blank_site):
    blank_site.article("b.md", ARTICLE.format(title="B", body="Body of B."))
    blank_site.article("d.md", ARTICLE.format(title="D", body="Body of D."))
    blank_site.article("a.md", ARTICLE.format(title="A", body="Body of A, linking to [B](b.md)."))
    first = _build(blank_site)
    assert not _quick(first)
    second = _build(blank_site)
    assert _quick(second) and (blank_site.root / ".cache/fingerprint.json").is_file()
    return blank_site


def test_nothing_changed_is_answered_without_a_build_and_the_site_stays(built):
    before = snapshot(built.public)
    stamps = {p: p.stat().st_mtime_ns for p in built.public.rglob("*") if p.is_file()}
    done = run_cli("build", cwd=built.root)  # a new process, as on the command line
    assert done.returncode == 0 and _quick(done)
    assert snapshot(built.public) == before
    assert {p: p.stat().st_mtime_ns for p in built.public.rglob("*") if p.is_file()} == stamps


def test_warnings_are_printed_again_on_a_no_op_build(blank_site):
    blank_site.article("a.md", ARTICLE.format(title="A", body='Text.\n\n!!! note "A box with a title only"'))
    first = run_cli("build", cwd=blank_site.root)
    assert first.returncode == 0 and "callout-empty" in first.stderr
    again = run_cli("build", cwd=blank_site.root)
    assert _quick(again)
    assert again.stderr == first.stderr


def _same_size_edit(path):
    """Change a file's bytes but keep its size and modification time (as some sync tools do)."""
    stat = path.stat()
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Body of B.", b"Body of C."))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns


CHANGES = {
    "article edited": lambda s: s.article("b.md", ARTICLE.format(title="B", body="New body of B.")),
    "same size and mtime": lambda s: _same_size_edit(s.content / "articles/b.md"),
    "article added": lambda s: s.article("c.md", ARTICLE.format(title="C", body="C.")),
    "article removed": lambda s: (s.content / "articles/d.md").unlink(),
    "glossary added": lambda s: s.write("content/glossary.yaml", "- term: MRI\n  definition: A scan.\n"),
    "config edited": lambda s: s.config_path.write_text(s.config_path.read_text() + "\n# a comment\n"),
    "output page deleted": lambda s: (s.public / "articles/b/index.html").unlink(),
    "output page edited": lambda s: (s.public / "index.html").write_text("replaced"),
    "output folder removed": lambda s: shutil.rmtree(s.public),
    "fingerprint corrupt": lambda s: (s.root / ".cache/fingerprint.json").write_text("{not json"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_means_a_full_build(built, change):
    CHANGES[change](built)
    done = _build(built)
    assert not _quick(done), change
    # ...whose result is what a clean build makes.
    clean = cli_here("build", "--clean", "--out", str(built.root / "clean"), cwd=built.root)
    assert clean.returncode == 0, clean.stderr
    built_files, clean_files = snapshot(built.public), snapshot(built.root / "clean")
    assert built_files == clean_files  # the search index too: pagefind is deterministic


@pytest.mark.parametrize("flag", ["--drafts", "--strict", "--no-cache"])
def test_other_options_are_other_builds(built, flag):
    done = cli_here("build", flag, cwd=built.root)
    assert not _quick(done), flag


def test_templates_and_static_files_are_inputs_too(built, tmp_path):
    from sitegen.core.config import load_config

    config, _ = load_config(built.config_path)
    templates = built.root / "templates"  # the project's own (config.yaml may name no folder outside it)
    shutil.copytree(config.templates_dir, templates)
    static = built.root / "static"
    shutil.copytree(config.static_dir, static)
    text = built.config_path.read_text()
    text = text.replace(str(config.templates_dir), str(templates)).replace(str(config.static_dir), str(static))
    built.config_path.write_text(text)
    _build(built)
    assert _quick(_build(built))
    (templates / "article.html").write_text((templates / "article.html").read_text() + "\n{# edited #}\n")
    assert not _quick(_build(built))
    assert _quick(_build(built))
    (static / "extra.txt").write_text("new static file")
    assert not _quick(_build(built))
    assert (built.public / "static/extra.txt").read_text() == "new static file"


def test_a_failed_build_forgets_the_fingerprint(built):
    built.article("b.md", "---\ntitle: [unclosed\n---\n")
    assert cli_here("build", cwd=built.root).returncode == 1
    assert not (built.root / ".cache/fingerprint.json").exists()


def test_the_generator_code_and_the_date_are_part_of_the_fingerprint(tmp_path):
    from datetime import date

    import sitegen
    from sitegen.system import fingerprint

    assert Path(sitegen.__file__).resolve().parent == fingerprint.PACKAGE  # what a build passes
    code = tmp_path / "code"
    code.mkdir()
    (code / "module.py").write_text("x = 1\n")
    config = tmp_path / "config.yaml"
    config.write_text("title: T\n")
    first = fingerprint.inputs_digest([], config, package=code)
    assert fingerprint.inputs_digest([], config, package=code) == first
    (code / "module.py").write_text("x = 2\n")
    assert fingerprint.inputs_digest([], config, package=code) != first

    today = fingerprint.options_key({"drafts": False})
    assert fingerprint.options_key({"drafts": False}, today=date.today()) == today  # the real date by default
    assert fingerprint.options_key({"drafts": False}, today=date(2030, 1, 2)) != today


def test_a_clean_build_is_fingerprinted_too(built):
    clean = _build(built, "--clean")
    assert not _quick(clean)  # --clean never answers from the fingerprint...
    assert _quick(_build(built))  # ...but the build after it can


def test_content_kept_in_another_checkout_is_followed(built, tmp_path):
    """Content kept in another checkout, given on the command line (config.yaml may name no
    folder outside the project: tests/test_project_files.py): an edit there is a change."""
    elsewhere = tmp_path / "shared-content"
    shutil.move(str(built.content), elsewhere)
    given = ("--content", str(elsewhere))
    _build(built, *given)
    assert _quick(_build(built, *given))
    (elsewhere / "articles" / "b.md").write_text(ARTICLE.format(title="B renamed", body="Body of B."))
    assert not _quick(_build(built, *given))
    assert "B renamed" in (built.public / "articles/b/index.html").read_text()


def test_a_file_saved_during_the_build_is_not_recorded_as_built(built):
    """The fingerprint describes what the build read, not what is on disk when it ends:
    the next build sees the file saved meanwhile as a change, and builds it."""
    from sitegen.core.config import load_config
    from sitegen.system import fingerprint

    config, _ = load_config(built.config_path)
    options = {"command": "build"}
    (built.root / ".cache/fingerprint.json").unlink()
    before = fingerprint.before_build(config, options)
    built.article("b.md", ARTICLE.format(title="B", body="Saved while the build ran."))  # the editor saves
    fingerprint.record(config, before, [], "", "summary")
    assert fingerprint.unchanged(built.config_path, options).match is None
    assert not _quick(_build(built))
    assert "Saved while the build ran." in (built.public / "articles/b/index.html").read_text()
    assert _quick(_build(built))  # and then nothing changed
