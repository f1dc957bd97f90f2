"""Full-text search: one pagefind index per language, made again only when its text changed.

pagefind (the `pagefind[bin]` package from PyPI ships its binary) reads the HTML the
build wrote and writes index chunks that the search page's script fetches on demand.
Only elements marked `data-pagefind-body` (article text, glossary, stand-alone pages)
are indexed, so navigation and footers never match a search. It runs over the new
site's folder before the swap, so the published pages and their index are swapped in
together and always belong to the same build.

**One index per language**, `pagefind/<language>/`: a complete pagefind bundle made by
one pagefind run over exactly that language's pages. The search page loads its
language's index and searches it as pagefind documents (static/search.js), so a
reader gets exactly pagefind's results and ranking over the whole language, in the
fewest requests. (Until 0.7 each language was split into shards plus an index of recent
edits, to save a large site's rebuild a few seconds; readers paid for it in time,
bytes and ranking: docs/speed.md has the figures that ended it.)

**Made only when what it indexes changed.**
- `indexed_digest` (indexed.py) reads what pagefind reads of a page (the `data-pagefind-body`
  element without its `data-pagefind-ignore` parts, every `data-pagefind-*` attribute
  anywhere, the `<h1>` it takes as the title, `<html lang>`) and digests it. A template
  edit outside the indexed text, or a new review date (shown in an ignored box),
  changes no digest.
- `plan` groups the pages by language and digests each language's paths, page
  digests and the pagefind version into the index's digest.
- Each index holds the digest it was made from (`made-from.json` in its folder). A
  build takes the *published* index unchanged (hard-linked into the new site) only
  when the digest that index holds is the one of the new pages; otherwise pagefind
  makes it again. The decision reads the published site itself, not a record kept
  beside it, so whatever happened to an earlier build (killed just after its swap,
  before its cache was saved; a reverted edit; an index deleted by hand), the
  published index is the index of the published pages.

One pagefind process per language to make, at most `jobs` at a time; each may take
`TIMEOUT_BASE` plus `TIMEOUT_PER_PAGE` for each of its pages.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, Protocol

from sitegen.build.indexed import indexed_digest as indexed_digest  # the pipeline's import path
from sitegen.core.errors import Diagnostic

BUNDLE = "pagefind"
MADE_FROM = "made-from.json"  # in each language's index: the digest it was made from
ENTRY = "pagefind-entry.json"  # pagefind's own: written last, so present means complete
FORMAT = "2"  # part of every index digest: bump it when what an index holds changes
# pagefind also writes its ready-made search interfaces. The search page uses the
# plain JS API instead (those interfaces inject styles the site's CSP forbids), so
# they are removed rather than published unused.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
TIMEOUT_BASE = 60.0  # seconds: pagefind's start, on a machine busy with other work
TIMEOUT_PER_PAGE = 0.05  # seconds a page, some 30 times what it takes
HINT_INSTALL = "Install the search indexer: .venv/bin/pip install 'pagefind[bin]' (make build does this)."
HINT_DISK = (
    "The disk is full. Free some space (or build into a folder on a larger disk with --out) "
    "and build again; the published site was left as it was."
)


def pagefind_executable() -> Path | None:
    """The pagefind binary shipped by the `pagefind_bin` wheel, or None when it is not installed."""
    try:
        # The wheel ships no type information; its get_executable() returns a Path.
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        executable: Path = get_executable()
        return executable
    except (ImportError, FileNotFoundError):
        return None


@functools.cache
def _pagefind_version() -> str:
    # Imported here: importlib.metadata brings email, socket and zipfile (20 ms), which a
    # build without search never needs.
    from importlib import metadata

    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"


# -- one index per language ---------------------------------------------------------------

_FOLDER = re.compile(r"[a-z0-9][a-z0-9-]{0,34}")


def folder_of(language: str) -> str:
    """The folder under pagefind/ of a language's index: its code as `<html lang>` gives it,
    lower case. The search page is told it (render.page_jobs), so this is the one rule."""
    return language if _FOLDER.fullmatch(language) else "unknown"


class Index(NamedTuple):
    folder: str  # under pagefind/: the language
    paths: tuple[str, ...]  # the output files it indexes, sorted
    digest: str  # of FORMAT, the pagefind version, and each path with its indexed digest


def plan(pages: Mapping[str, tuple[str, str]]) -> list[Index]:
    """The index of each language, from output path -> (language, indexed digest)."""
    languages: dict[str, list[tuple[str, str]]] = {}
    for path, (language, page) in sorted(pages.items()):
        languages.setdefault(folder_of(language), []).append((path, page))
    version = _pagefind_version()
    indexes = []
    for folder, entries in sorted(languages.items()):
        text = "\n".join([FORMAT, version, folder, *(f"{path}\0{page}" for path, page in entries)])
        indexes.append(Index(folder, tuple(path for path, _ in entries), hashlib.sha256(text.encode()).hexdigest()))
    return indexes


def made_from(folder: Path) -> str | None:
    """The digest the index in `folder` was made from; None when there is no complete index."""
    try:
        recorded = json.loads((folder / MADE_FROM).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or not (folder / ENTRY).is_file():
        return None
    digest = recorded.get("digest")
    return digest if isinstance(digest, str) else None


def has_index(out: Path) -> bool:
    """Whether the site in `out` holds a complete search index of some language."""
    try:
        return any(made_from(folder) is not None for folder in (out / BUNDLE).iterdir())
    except OSError:
        return False


class SearchStats(NamedTuple):
    indexes: int  # in the new site: one a language
    made: int  # made this build
    pages: int  # indexed this build
    seconds: float  # wall time of the indexing
    peak_mb: float  # the largest pagefind process's peak resident memory


class NewSite(Protocol):
    """The new site, as the search index needs it (output.py)."""

    def keep_tree(self, relative: str) -> bool:
        """Take the published site's folder `relative` unchanged; False when it has none."""
        ...

    def fresh_tree(self, relative: str) -> Path | None:
        """An empty folder `relative` in the new site for a tool to fill; None when this
        output keeps no files on disk."""
        ...


def update_index(
    pages: Mapping[str, tuple[str, str]], published: Path, site: NewSite, jobs: int = 1
) -> tuple[list[Diagnostic], SearchStats] | None:
    """Give the new site the index of each language of `pages` (output path -> (language,
    indexed digest)): the published one where it was made from the same digest, else a
    new one. `published`: the output folder. None when the new site is not on disk."""
    started = time.perf_counter()
    indexes, to_make = plan(pages), []
    for index in indexes:
        relative = f"{BUNDLE}/{index.folder}"
        if made_from(published / relative) != index.digest or not site.keep_tree(relative):
            to_make.append(index)
    folders = [site.fresh_tree(f"{BUNDLE}/{index.folder}") for index in to_make]
    made = [folder for folder in folders if folder is not None]
    if len(made) < len(folders):
        return None
    executable = pagefind_executable()
    if to_make and executable is None:
        problem = Diagnostic(
            str(published), None, "search-failed", "The search indexer is not installed.", HINT_INSTALL
        )
        return [problem], SearchStats(len(indexes), 0, 0, 0.0, 0.0)
    root = made[0].parents[1] if made else published  # the new site's folder: <root>/pagefind/<language>

    def make(index: Index) -> tuple[Diagnostic | None, int]:
        assert executable is not None
        code, output, peak = _run(executable, root, index)
        return _finished(root, index, code, output, published), peak

    from concurrent.futures import ThreadPoolExecutor  # a site with search off never imports it

    with ThreadPoolExecutor(max(1, min(jobs, len(to_make) or 1))) as pool:
        done = list(pool.map(make, to_make))
    if made:
        shutil.rmtree(root / WORK, ignore_errors=True)
    problems = [problem for problem, _ in done if problem is not None]
    peak = max((kb for _, kb in done), default=0)
    stats = SearchStats(
        len(indexes), len(to_make), sum(len(i.paths) for i in to_make), time.perf_counter() - started, peak / 1024
    )
    return problems, stats


WORK = ".search-work"  # in the new site's folder, for the time of one index's making


def _timeout(index: Index) -> float:
    return TIMEOUT_BASE + TIMEOUT_PER_PAGE * len(index.paths)


def _run(executable: Path, site: Path, index: Index) -> tuple[int | None, bytes, int]:
    """Run pagefind over one language's pages: (exit code, None when it ran out of time;
    its output; its peak resident memory in KB)."""
    # pagefind reads exactly the language's pages: named in a --glob over the site where
    # that fits on a command line, else from a folder of hard links to them.
    work = site / WORK / index.folder
    glob = _glob(index.paths)
    if glob is None:
        try:
            _gather(site, work, index.paths)
        except OSError as error:
            return 127, f"could not gather the pages to index: {error}".encode(), 0
    pages = ["--site", str(site), "--glob", glob] if glob is not None else ["--site", str(work)]
    # --silent: only errors reach the output, which becomes the message when it fails.
    command = [str(executable), *pages, "--output-path", str(site / BUNDLE / index.folder), "--silent"]
    with tempfile.TemporaryFile() as log:  # not a pipe: nobody reads it until the end
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        except OSError as error:
            shutil.rmtree(work, ignore_errors=True)
            return 127, str(error).encode(), 0
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            process.kill()

        timer = threading.Timer(_timeout(index), kill)
        timer.start()
        # wait4, not wait: it gives the process's own peak memory.
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = code = os.waitstatus_to_exitcode(status)
        log.seek(0)
        timed_out = killed.is_set() and code == -signal.SIGKILL
        shutil.rmtree(work, ignore_errors=True)
        return (None if timed_out else code), log.read(), usage.ru_maxrss


GLOB_MAX = 100_000  # characters: Linux takes at most 131,072 in one argument
# Anything but letters, digits, ".", "/", "-" and "_" may mean something to pagefind's glob
# ("$", "(", ":", "{", "," ...): such a page is linked into a folder instead.
_GLOB_SPECIAL = re.compile(r"[^\w./-]")


def _glob(paths: Sequence[str]) -> str | None:
    """A pagefind --glob that matches exactly `paths`, or None where it would not fit in
    one argument or a path holds a character a glob reads."""
    if any(_GLOB_SPECIAL.search(path) for path in paths):
        return None
    glob = "{" + ",".join(paths) + "}"
    return glob if len(glob) <= GLOB_MAX else None


def _gather(site: Path, work: Path, paths: Sequence[str]) -> None:
    shutil.rmtree(work, ignore_errors=True)
    made: set[Path] = set()
    for path in paths:
        target = work / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        try:
            os.link(site / path, target)
        except OSError:
            shutil.copyfile(site / path, target)  # a file system without hard links


_DISK_FULL = re.compile(r"no space left on device|os error 28|disk full", re.IGNORECASE)


def _finished(site: Path, index: Index, code: int | None, output: bytes, shown: Path) -> Diagnostic | None:
    """The problem with the index pagefind just made, or None once it is complete, its unused
    files removed and the digest it was made from written into it. `shown`: the output
    folder, which the messages name (not the new site's folder, which is gone by then)."""
    target = site / BUNDLE / index.folder
    count = len(index.paths)
    what = f"the search index of the {count} {'page' if count == 1 else 'pages'} in language '{index.folder}'"
    text = " ".join(output.decode("utf-8", "replace").split())[:500] or "no output"
    if code is None:
        return Diagnostic(
            str(shown),
            None,
            "search-failed",
            f"The search indexer did not finish {what} in {_timeout(index):.0f} s "
            f"(the limit: {TIMEOUT_BASE:.0f} s, and {TIMEOUT_PER_PAGE} s more a page).",
            "The machine may be overloaded: run the build again. The published site was left as it was.",
        )
    if code != 0:
        return Diagnostic(
            str(shown),
            None,
            "search-failed",
            f"The search indexer failed on {what} (exit code {code}): {text}",
            HINT_DISK
            if _DISK_FULL.search(text)
            else "Run the build again; if it keeps failing, reinstall pagefind: "
            ".venv/bin/pip install --force-reinstall 'pagefind[bin]'.",
        )
    if not (target / ENTRY).is_file():
        return Diagnostic(
            str(shown),
            None,
            "search-empty",
            f"The search indexer found no pages to index in {what}.",
            "Check that the article, glossary and page templates mark their text with data-pagefind-body.",
        )
    try:
        for name in os.listdir(target):
            if name in UNUSED:
                (target / name).unlink()
        (target / MADE_FROM).write_text(json.dumps({"digest": index.digest, "pages": count}) + "\n")
    except OSError as error:
        full = error.errno == errno.ENOSPC
        return Diagnostic(
            str(shown),
            None,
            "search-failed",
            f"The search index of language '{index.folder}' could not be finished: {error.strerror or error}.",
            HINT_DISK if full else "Check the permissions of the output folder and build again.",
        )
    return None
