"""Helpers for tests that build real sites: make a site folder, build it, parse what it wrote.

Kept out of conftest.py so that tests can import them by name (`from sitekit import ...`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_SITE = FIXTURES / "site"
BUILD_PY = REPO / "build.py"

MINIMAL_CONFIG = {
    "title": "Test Site",
    "url": "https://example.test/",
    "disclaimer": "Test disclaimer.",
    "paths": {"templates": str(REPO / "templates"), "static": str(REPO / "static")},
}


class SiteDir:
    """A site folder on disk (config.yaml + content/), built with the real pipeline."""

    def __init__(self, root: Path):
        self.root = root

    @property
    def config_path(self) -> Path:
        return self.root / "config.yaml"

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def public(self) -> Path:
        return self.root / "public"

    def write(self, relative: str, data: str | bytes) -> Path:
        """Write a file below the site root; str is dedented and written as UTF-8."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(textwrap.dedent(data), encoding="utf-8", newline="")
        else:
            path.write_bytes(data)
        return path

    def article(self, name: str, data: str | bytes) -> Path:
        return self.write(f"content/articles/{name}", data)

    def set_config(self, **sections) -> None:
        """Merge settings into config.yaml (one level of sections, e.g. review={...})."""
        data = yaml.safe_load(self.config_path.read_text(encoding="utf-8")) or {}
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
        self.config_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def config(self, **overrides):
        from sitegen.core.config import load_config

        config, problems = load_config(self.config_path, **overrides)
        assert config is not None and not problems, [d.format() for d in problems]
        return config

    def build(self, *, drafts: bool = False, write: bool = True, **overrides):
        from sitegen.pipeline import build

        return build(self.config(**overrides), drafts=drafts, write=write)

    def check(self, **overrides):
        """Every diagnostic of a build that writes nothing."""
        return self.build(write=False, **overrides).diagnostics


def new_site(root: Path) -> SiteDir:
    """An empty site (config.yaml pointing at the repository's templates and static)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yaml").write_text(yaml.safe_dump(MINIMAL_CONFIG, sort_keys=False), encoding="utf-8")
    (root / "content" / "articles").mkdir(parents=True)
    return SiteDir(root)


# A valid article with a blank for its title and its text (every required section filled).
ARTICLE = """---
title: {title}
summary: What the scan shows.
date: 2026-01-10
reviewed: 2026-01-10
tags: [basics]
takeaways:
  - The scan is safe.
references:
  - title: A paper
    doi: 10.1000/x.1
---
{text}
"""


def own_site(root: Path) -> Path:
    """An empty site with its own copy of the repository's templates and static files (a
    test may edit them), without search (fast)."""
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, root / name)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "config.yaml").write_text("title: T\nurl: https://example.test/\ndisclaimer: D.\nsearch: false\n")
    return root


def copy_site(source: Path, root: Path) -> SiteDir:
    """Copy a fixture site; its relative templates/static paths are made absolute."""
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("public", ".cache"))
    site = SiteDir(root)
    data = yaml.safe_load(site.config_path.read_text(encoding="utf-8"))
    for key in ("templates", "static", "locale"):
        if key in data["paths"]:
            data["paths"][key] = str((source / data["paths"][key]).resolve())
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return site


def soup(path_or_bytes) -> BeautifulSoup:
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return BeautifulSoup(data, "html.parser")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line of `text` that contains `needle`."""
    found = [number for number, line in enumerate(text.split("\n"), 1) if needle in line]
    assert len(found) >= occurrence, f"{needle!r} is not in the text"
    return found[occurrence - 1]


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BUILD_PY), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def cli_here(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`build.py ARGS` run in this process, through the same `sitegen.cli.main`: what
    run_cli returns, without the ~0.4 s a new Python spends starting and importing. For
    tests about what a command does; how it starts (build.py, exit codes of a process) is
    run_cli's, and tests of it keep run_cli.
    """
    import contextlib
    import gc
    import io
    import os

    from sitegen import cli

    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as stop:  # argparse on a bad option
                code = stop.code if isinstance(stop.code, int) else 1
    finally:
        os.chdir(before)
        gc.unfreeze()  # a command-line build freezes what it loaded: it expects to exit (tuning.py)
    return subprocess.CompletedProcess(["build.py", *args], code, out.getvalue(), err.getvalue())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (relative path -> bytes)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()
    }


def internal_link_problems(out: Path, site_url: str) -> tuple[list[str], int]:
    """(problems, links checked) for every same-site href/src in the HTML under `out`.

    A link is followed the way a browser would from the page's URL; its file must exist
    and its #fragment must be an id on the target page. 404.html is skipped: it is served
    at any depth, so its links are root-absolute on purpose.
    """
    from urllib.parse import urljoin, urlsplit

    host = urlsplit(site_url).netloc
    problems, checked = [], 0
    ids: dict[Path, set] = {}
    for html in sorted(out.rglob("*.html")):
        if html.name == "404.html":
            continue
        page_url = site_url + html.relative_to(out).as_posix()
        for element in soup(html).find_all(["a", "link", "script", "img"]):
            target = element.get("href") or element.get("src")
            if not target:
                continue
            url = urlsplit(urljoin(page_url, target))
            if url.netloc != host or url.scheme not in ("http", "https"):
                continue
            checked += 1
            file = out / url.path.lstrip("/")
            if url.path.endswith("/"):
                file = file / "index.html"
            where = html.relative_to(out).as_posix()
            if not file.is_file():
                problems.append(f"{where}: {target} -> missing {file.relative_to(out)}")
            elif url.fragment and file.suffix == ".html":
                if file not in ids:
                    ids[file] = {tag["id"] for tag in soup(file).find_all(id=True)}
                if url.fragment not in ids[file]:
                    problems.append(f"{where}: {target} -> no id {url.fragment!r}")
    return problems, checked
