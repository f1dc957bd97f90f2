"""The one rule for reading (sitegen/core/files.py, issue 28): the generator reads only regular
files inside the project. A link that leads out of it, a folder or a named pipe where a
file belongs, is a finding naming the file (and where a link leads), never read and never
published; a link that stays inside the project is followed. One test per reader."""

from __future__ import annotations

import os
import shutil

import pytest

from sitekit import FIXTURE_SITE, FIXTURES, REPO, copy_site, run_cli, snapshot

BILINGUAL_SITE = FIXTURES / "bilingual"

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


# --- Round two (an attacker's probe after the first fix): links that stay inside the
# project but reach its private parts, the folders config.yaml names, the interface
# strings, config.yaml itself, and links that lead nowhere.

TOKEN = "AUTHORIZATION: basic sitegen-test-token-41c2"


def _git_config(site):
    """A .git/config holding a token, as actions/checkout leaves it."""
    (site.root / ".git").mkdir(exist_ok=True)
    (site.root / ".git" / "config").write_text(f'[http "https://github.com/"]\n\textraheader = {TOKEN}\n')


def test_a_static_link_into_the_projects_git_folder_is_not_published(site):
    _git_config(site)
    (site.root / "static" / "gitconfig.txt").symlink_to("../.git/config")
    (site.root / "static" / "proj").symlink_to("..", target_is_directory=True)  # the whole project
    code, shown, files = built(site)
    assert code == 1
    assert "static/gitconfig.txt is a link to" in shown and "hidden folder .git" in shown
    assert "static/proj is a link to" in shown and "a folder that holds this one" in shown
    assert shown.count("[link-private]") == 2
    assert not any(TOKEN.encode() in data for data in files.values())
    assert not any(name.startswith(("static/proj", "static/gitconfig")) for name in files)


def test_a_link_that_leads_nowhere_is_named_as_a_link(site):
    (site.root / "static" / "a.txt").symlink_to("b.txt")
    (site.root / "static" / "b.txt").symlink_to("a.txt")  # round in a loop
    (site.root / "static" / "gone.txt").symlink_to("missing.txt")
    code, shown, _ = built(site)
    assert code == 1
    for name in ("a.txt", "b.txt", "gone.txt"):
        assert f"static/{name} is a link to" in shown, shown
    assert shown.count("[link-dangling]") == 3
    assert "write-failed" not in shown


@pytest.mark.parametrize(
    "paths, why",
    [
        ({"static": ".git"}, "inside the hidden folder .git"),
        ({"static": "OUTSIDE"}, "outside the project"),
        ({"static": "."}, "the project folder itself"),
        ({"templates": "content"}, "the content folder"),
        ({"static": "content/images"}, "the content folder"),
    ],
)
def test_config_yaml_cannot_point_a_folder_at_what_is_not_the_projects(site, paths, why):
    _git_config(site)
    paths = {name: str(site.root.parent / "outside") if value == "OUTSIDE" else value for name, value in paths.items()}
    site.set_config(paths=paths, logo={"file": ""})
    code, shown, files = built(site)
    assert code == 1
    assert "[config-folder]" in shown and why in shown, shown
    assert "config.yaml:" in shown  # at its line
    assert not files


def test_content_kept_elsewhere_is_given_on_the_command_line(site, tmp_path):
    elsewhere = tmp_path / "content-checkout"
    shutil.copytree(site.content, elsewhere)
    shutil.rmtree(site.content)
    site.content.symlink_to(elsewhere, target_is_directory=True)  # committed as a link: refused
    code, shown, _ = built(site)
    assert code == 1 and "paths.content is" in shown and "--content PATH" in shown
    done = run_cli("build", "--content", str(elsewhere), cwd=site.root)  # chosen by whoever builds
    assert done.returncode == 0, done.stdout + done.stderr


def test_interface_strings_that_link_out_are_not_read_or_printed(tmp_path):
    made = copy_site(BILINGUAL_SITE, tmp_path / "site")
    shutil.copytree(REPO / "locale", made.root / "locale")
    made.set_config(paths={"locale": "locale"})
    (tmp_path / "outside.txt").write_text(f"{SECRET}\n")
    po = made.root / "locale" / "es" / "LC_MESSAGES" / "messages.po"
    po.unlink()
    po.symlink_to(tmp_path / "outside.txt")
    done = run_cli("build", cwd=made.root)
    shown = done.stdout + done.stderr
    assert done.returncode == 1
    assert "locale/es/LC_MESSAGES/messages.po is a link to" in shown and "[link-outside-project]" in shown
    assert SECRET not in shown and "Traceback" not in shown


@pytest.mark.parametrize(
    "target, code",
    [("/dev/zero", "link-outside-project"), ("OUTSIDE", "link-outside-project"), ("FOLDER", "file-not-regular")],
)
def test_config_yaml_itself_is_read_by_the_one_rule(site, target, code):
    """`config.yaml -> /dev/zero` filled the memory and ended in a traceback."""
    config = site.root / "config.yaml"
    if target == "OUTSIDE":
        (site.root.parent / "config.yaml").write_text(config.read_text())
        target = str(site.root.parent / "config.yaml")
    config.unlink()
    if target == "FOLDER":
        config.mkdir()
    else:
        config.symlink_to(target)
    done = run_cli("build", cwd=site.root)
    shown = done.stdout + done.stderr
    assert done.returncode == 1 and "Traceback" not in shown
    assert f"[{code}]" in shown, shown


@pytest.mark.parametrize("slug", ["es", "images"])
def test_a_page_cannot_take_a_language_or_the_figures_folder(tmp_path, slug):
    made = copy_site(BILINGUAL_SITE, tmp_path / "site")
    made.write("content/pages/zed.md", f"---\ntitle: Zed page\nsummary: A page.\nslug: {slug}\n---\nHello.\n")
    done = run_cli("check", cwd=made.root)
    shown = done.stdout + done.stderr
    assert done.returncode == 1
    assert "content/pages/zed.md:4:" in shown and "[bad-slug]" in shown, shown


def test_a_path_made_from_a_field_cannot_climb_out_with_dot_dots(site):
    """No link is needed to leave the project when a path is built from an editor's field
    (`translation_of: ../../x.md`): the rule checks the path as written, `..` resolved."""
    from sitegen.core.files import read

    config = site.config()
    escaping = config.content_dir / "articles" / ".." / ".." / ".." / "outside.txt"
    data, refused = read(escaping, config.roots, "content/articles/../../../outside.txt")
    assert data is None and refused is not None and refused.code == "link-outside-project"
    inside = config.content_dir / "articles" / ".." / "articles"
    assert read(inside / "missing.md", config.roots, "x") == (None, None)  # inside: only missing
