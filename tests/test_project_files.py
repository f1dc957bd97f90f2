"""The one rule for reading (sitegen/core/files.py, issue 28): the generator reads only regular
files inside the project. A link that leads out of it, a folder or a named pipe where a
file belongs, is a finding naming the file (and where a link leads), never read and never
published; a link that stays inside the project is followed. One test per reader."""

from __future__ import annotations

import os
import shutil

import pytest

from sitekit import FIXTURE_SITE, REPO, copy_site, run_cli, snapshot

SECRET = "sitegen-test-secret-7d1f"


@pytest.fixture
def site(tmp_path):
    """The fixture site with static/ and templates/ of its own, and a file outside it."""
    made = copy_site(FIXTURE_SITE, tmp_path / "site")
    shutil.copytree(REPO / "static", made.root / "static")
    shutil.copytree(REPO / "templates", made.root / "templates")
    made.set_config(paths={"static": "static", "templates": "templates"})
    (tmp_path / "outside.txt").write_text(f"{SECRET}\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "inner.txt").write_text(f"{SECRET}\n")
    return made


def outside(site):
    return site.root.parent / "outside.txt"


def built(site):
    """(exit code, what the terminal showed, every published file) of `build.py build`."""
    done = run_cli("build", cwd=site.root)
    shown = done.stdout + done.stderr
    assert "Traceback" not in shown
    return done.returncode, shown, snapshot(site.public) if site.public.is_dir() else {}


def assert_refused(site, link: str, shown: str, files: dict[str, bytes]) -> None:
    assert f"{link} is a link to {outside(site).resolve()}" in shown, shown
    assert "[link-outside-project]" in shown
    assert not any(SECRET.encode() in data for data in files.values())
    assert SECRET not in shown


def test_a_static_link_out_of_the_project_is_not_published(site):
    (site.root / "static" / "env.txt").symlink_to(outside(site))
    (site.root / "static" / "etc").symlink_to(site.root.parent / "outside")
    code, shown, files = built(site)
    assert code == 1
    assert_refused(site, "static/env.txt", shown, files)
    assert "static/etc is a link to" in shown
    assert not (site.public / "static" / "env.txt").exists()


def test_the_environment_of_the_build_is_never_published(site):
    """The case that was found: static/env.txt -> /proc/self/environ."""
    (site.root / "static" / "env.txt").symlink_to("/proc/self/environ")
    done = run_cli("build", cwd=site.root)
    assert done.returncode == 1
    assert "static/env.txt is a link to /proc/" in done.stdout + done.stderr
    assert not site.public.exists() or not (site.public / "static" / "env.txt").exists()


def test_a_link_inside_the_project_is_followed(site):
    (site.root / "shared").mkdir()
    (site.root / "shared" / "note.txt").write_text("inside\n")
    (site.root / "static" / "note.txt").symlink_to(site.root / "shared" / "note.txt")
    code, shown, files = built(site)
    assert code == 0, shown
    assert files["static/note.txt"] == b"inside\n"


def test_an_article_that_links_out_is_not_read(site):
    (site.content / "articles" / "passwd.md").symlink_to(outside(site))
    code, shown, files = built(site)
    assert code == 1
    assert_refused(site, "content/articles/passwd.md", shown, files)


def test_an_image_that_links_out_is_not_published(site):
    images = site.content / "images"
    images.mkdir(exist_ok=True)
    photo = images / "photo.png"
    photo.symlink_to(outside(site))
    code, shown, files = built(site)
    assert code == 1
    assert_refused(site, "content/images/photo.png", shown, files)
    photo.unlink()
    photo.mkdir()  # a folder named like an image
    code, shown, _ = built(site)
    assert code == 1 and "content/images/photo.png is a folder" in shown


@pytest.mark.parametrize("name", ["glossary.yaml", "people.yaml", "images/images.yaml"])
def test_the_content_files_that_link_out_are_not_read(site, name):
    target = site.content / name
    target.parent.mkdir(exist_ok=True)
    if target.exists():
        target.unlink()
    target.symlink_to(outside(site))
    code, shown, files = built(site)
    assert code == 1
    assert_refused(site, f"content/{name}", shown, files)


def test_a_folder_or_a_pipe_where_a_file_belongs_is_a_finding(site):
    glossary = site.content / "glossary.yaml"
    if glossary.exists():
        glossary.unlink()
    glossary.mkdir()
    os.mkfifo(site.root / "static" / "pipe.txt")  # reading it would wait for ever
    code, shown, files = built(site)
    assert code == 1
    assert "content/glossary.yaml is a folder, where a file was expected" in shown
    assert "static/pipe.txt is not a regular file" in shown
    assert "static/pipe.txt" not in files


def test_a_template_that_links_out_is_not_read(site):
    partial = next(p for p in sorted((site.root / "templates").rglob("*.html")) if p.name == "base.html")
    partial.unlink()
    partial.symlink_to(outside(site))
    code, shown, files = built(site)
    assert code == 1
    assert_refused(site, f"templates/{partial.relative_to(site.root / 'templates').as_posix()}", shown, files)
