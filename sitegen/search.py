"""Full-text search: pagefind indexes the built site, with no server needed to search it.

pagefind (the `pagefind[bin]` package from PyPI ships its binary) reads the
HTML the build wrote and writes index chunks that the search page's script
fetches on demand. Only elements marked `data-pagefind-body` (article text,
glossary, stand-alone pages) are indexed, so navigation and footers never
match a search. It runs over the staging folder, before the swap, so the
published site and its index always belong to the same build.

**Shards: an index at the cost of what changed.** One pagefind index of the
whole site costs about 1.6 ms a page to make, every time anything changed: 6 s
of a one-article rebuild at 4,000 articles. So the index is split into shards,
`pagefind/<language>-<n>/`, each a complete pagefind bundle of the pages whose
address hashes to it (a stable hash: a page stays in its shard while the number
of shards holds). The search page loads the first shard of its language and
merges the others into it with pagefind's `mergeIndex` (the merged ones share
the first one's WebAssembly), so one query searches every page of the
language. A page's shard depends on nothing but its address, and a shard is
made again only when the *indexed* content of one of its pages changed:

- `indexed_digest` reads what pagefind reads of a page (the `data-pagefind-body`
  element without its `data-pagefind-ignore` parts, every `data-pagefind-*`
  attribute anywhere, the `<h1>` it takes as the title, `<html lang>`) and
  digests it. A template edit outside the indexed text, or a new review date
  (shown in an ignored box), changes no digest, so no shard is made again.
- `plan_shards` (pure) puts pages in shards and gives each shard a key, the
  digest of its pages' addresses and digests; a shard whose key is the one
  recorded, and whose folder the published site has, is kept as it is.
- `index_shards` runs one pagefind process per shard to make, at most `jobs` at
  a time, each over a folder of hard links to exactly the shard's pages; the
  pipeline then writes `pagefind/shards.json`, the list the search page reads.

Shard size is the trade: smaller shards make a one-article rebuild cheaper and a
query dearer (a query fetches a small index chunk from every shard of its
language). `search_pages_per_shard` in config.yaml sets it (docs/speed.md has
the figures). The number of shards is a power of two, so it changes (and every
shard is made again, once) only when the site doubles or halves. Results are
the same pages a single index finds (tests/test_search_shards.py): each query
is answered by every shard; only the order of pages of near-equal score can
differ, because each shard weighs a word by how rare it is within the shard.

Memory is bounded by a shard rather than by the site: each pagefind process
holds one shard's pages. Each process may take `TIMEOUT_BASE` plus
`TIMEOUT_PER_PAGE` for every page of its shard, so the limit grows with the work.
"""

from __future__ import annotations

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
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from .errors import Diagnostic

BUNDLE = "pagefind"
MANIFEST = "shards.json"
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
# What only the first shard of a language needs: merged shards use its script,
# worker and WebAssembly (pagefind's mergeIndex loads no WebAssembly of its own).
ONLY_FIRST = re.compile(r"^(pagefind\.js|pagefind-worker\.js|wasm\..*)$")
TIMEOUT_BASE = 60.0  # seconds: pagefind's start, on a machine busy with other work
TIMEOUT_PER_PAGE = 0.05  # seconds a page, some 30 times what it takes
HINT_INSTALL = "Install the search indexer: .venv/bin/pip install 'pagefind[bin]' (make build does this)."


def pagefind_executable() -> Path | None:
    """The pagefind binary shipped by the `pagefind_bin` wheel, or None when it is not installed."""
    try:
        # The wheel ships no type information; its get_executable() returns a Path.
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        executable: Path = get_executable()
        return executable
    except (ImportError, FileNotFoundError):
        return None


# -- what pagefind reads of a page ------------------------------------------------------

_BODY = "data-pagefind-body"
_IGNORE = "data-pagefind-ignore"
_ATTRIBUTE = "data-pagefind-"
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]*)\"")
_TAGS: dict[str, re.Pattern[str]] = {}


def _element_end(html: str, start: int) -> int:
    """The index just past the end of the element whose start tag begins at `start`
    (templates own the HTML, so tags are well formed; an unclosed one runs to the end)."""
    match = _TAG_NAME.match(html, start)
    if match is None:
        return start + 1
    name = match.group(1).lower()
    tags = _TAGS.get(name)
    if tags is None:
        tags = _TAGS[name] = re.compile(rf"<(/?){re.escape(name)}[\s/>]", re.IGNORECASE)
    depth, position = 0, start
    while (found := tags.search(html, position)) is not None:
        depth += -1 if found.group(1) else 1
        position = found.end()
        if depth == 0:
            close = html.find(">", found.start())
            return len(html) if close < 0 else close + 1
    return len(html)


def _attribute_tags(html: str) -> list[str]:
    """Every tag with a pagefind attribute other than body and ignore (meta, filter, sort,
    weight, index-attrs, default-meta...), wherever it is: pagefind reads them all."""
    tags, position = [], 0
    while (found := html.find(_ATTRIBUTE, position)) >= 0:
        position = found + len(_ATTRIBUTE)
        if not html.startswith(("body", "ignore"), position):
            tags.append(html[html.rfind("<", 0, found) : html.find(">", found) + 1])
    return tags


def indexed_digest(data: bytes) -> tuple[str, str] | None:
    """(language, digest of what pagefind indexes) of a page, or None when it has no
    `data-pagefind-body` and so is not indexed. Errs on the side of a change: anything
    pagefind might read is in the digest, ignored parts aside."""
    html = data.decode("utf-8", "replace")
    marker = html.find(_BODY)
    if marker < 0:
        return None
    start = html.rfind("<", 0, marker)
    body = html[start : _element_end(html, start)]
    # Cut each ignored element whole; what is kept is joined once.
    kept, position = [], 0
    while (found := body.find(_IGNORE, position)) >= 0:
        tag = body.rfind("<", 0, found)
        kept.append(body[position:tag])
        position = max(_element_end(body, tag), found + 1)
    kept.append(body[position:])
    lang = _LANG.search(html)
    language = lang.group(1).lower() if lang else "unknown"
    # The title pagefind shows is the page's first <h1>, wherever it is.
    h1 = html.find("<h1")
    title = html[h1 : html.find("</h1>", h1)] if h1 >= 0 else ""
    text = "\0".join((language, title, "".join(kept), *_attribute_tags(html)))
    return language, hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- which pages go in which shard ------------------------------------------------------


class ShardStep(NamedTuple):
    name: str  # its folder under pagefind/: "en-0"
    language: str
    paths: tuple[str, ...]  # the output files it indexes, sorted
    key: str  # digest of those paths and their indexed digests
    current: bool  # the published site has this very shard: keep it


class SearchPlan(NamedTuple):
    shards: tuple[ShardStep, ...]
    manifest: bytes  # pagefind/shards.json: language -> shard folders, the first one first

    @property
    def to_make(self) -> tuple[ShardStep, ...]:
        return tuple(shard for shard in self.shards if not shard.current)


def shard_count(pages: int, per_shard: int) -> int:
    """The number of shards for `pages` pages: a power of two, at least one."""
    count = 1
    while count * per_shard < pages:
        count *= 2
    return count


def _shard_of(path: str, count: int) -> int:
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "big") % count


def plan_shards(pages: Mapping[str, tuple[str, str]], recorded: Mapping[str, str], per_shard: int) -> SearchPlan:
    """The shards for `pages` (output path -> (language, indexed digest)); `recorded`:
    shard name -> key of every shard the published site holds. Pure."""
    by_language: dict[str, list[str]] = {}
    for path, (language, _) in pages.items():
        by_language.setdefault(language, []).append(path)
    shards, manifest = [], {}
    for language in sorted(by_language):
        paths = by_language[language]
        count = shard_count(len(paths), per_shard)
        members: list[list[str]] = [[] for _ in range(count)]
        for path in paths:
            members[_shard_of(path, count)].append(path)
        names: list[str] = []
        # Numbered among the shards that have pages (empty ones, only in tiny sites, are
        # left out), so that the search page can count on `<language>-0`.
        for group in (group for group in members if group):
            name = f"{language}-{len(names)}"
            group.sort()
            key = hashlib.sha256("\0".join(f"{path}\0{pages[path][1]}" for path in group).encode()).hexdigest()
            shards.append(ShardStep(name, language, tuple(group), key, recorded.get(name) == key))
            names.append(name)
        manifest[language] = names
    return SearchPlan(tuple(shards), json.dumps(manifest, sort_keys=True).encode() + b"\n")


# -- making the shards -------------------------------------------------------------------


class SearchStats(NamedTuple):
    shards: int  # in the index
    made: int  # made this build
    pages: int  # indexed this build
    seconds: float  # wall time of the indexing
    peak_mb: float  # the largest pagefind process's peak resident memory


WORK = ".search-work"  # in the new site's folder, for the time of one shard's indexing


def index_shards(site: Path, plan: SearchPlan, jobs: int = 1) -> tuple[list[Diagnostic], SearchStats]:
    """Make the shards of `plan` that are not current in `site`/pagefind/ (their folders are
    empty or absent); the caller writes the manifest. Problems come back as Diagnostics,
    never raised."""
    started = time.perf_counter()
    todo = plan.to_make
    executable = pagefind_executable() if todo else None
    if todo and executable is None:
        missing = Diagnostic(
            str(site), None, "search-missing", "The search indexer pagefind is not installed.", HINT_INSTALL
        )
        return [missing], SearchStats(len(plan.shards), 0, 0, 0.0, 0.0)
    firsts = {names[0] for names in json.loads(plan.manifest).values() if names}
    problems: list[Diagnostic] = []
    peak = 0.0
    if todo:
        assert executable is not None
        # Threads only wait: each shard is its own pagefind process.
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            runs = pool.map(lambda shard: _run(executable, site, shard), todo)
            for shard, (status, output, peak_kb) in zip(todo, runs, strict=True):
                peak = max(peak, peak_kb / 1024)
                problem = _finished(site, shard, status, output, shard.name in firsts)
                if problem is not None:
                    problems.append(problem)
    shutil.rmtree(site / WORK, ignore_errors=True)
    pages = sum(len(shard.paths) for shard in todo)
    return problems, SearchStats(len(plan.shards), len(todo), pages, time.perf_counter() - started, peak)


def _timeout(shard: ShardStep) -> float:
    return TIMEOUT_BASE + TIMEOUT_PER_PAGE * len(shard.paths)


def _run(executable: Path, site: Path, shard: ShardStep) -> tuple[int | None, bytes, int]:
    """Run pagefind over one shard's pages: (exit code, None when it ran out of time; its
    output; its peak resident memory in KB)."""
    # pagefind reads a folder holding exactly the shard's pages, hard-linked (a list of
    # files as a --glob outgrows the limit of a command line at a few thousand pages).
    work = site / WORK / shard.name
    try:
        _link_pages(site, work, shard.paths)
    except OSError as error:
        return 127, f"could not gather the pages to index: {error}".encode(), 0
    # --silent: only errors reach the output, which becomes the message when it fails.
    command = [str(executable), "--site", str(work), "--output-path", str(site / BUNDLE / shard.name), "--silent"]
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

        timer = threading.Timer(_timeout(shard), kill)
        timer.start()
        # wait4, not wait: it gives the process's own peak memory.
        _, status, usage = os.wait4(process.pid, 0)
        timer.cancel()
        process.returncode = code = os.waitstatus_to_exitcode(status)
        log.seek(0)
        timed_out = killed.is_set() and code == -signal.SIGKILL
        shutil.rmtree(work, ignore_errors=True)
        return (None if timed_out else code), log.read(), usage.ru_maxrss


def _link_pages(site: Path, work: Path, paths: Iterable[str]) -> None:
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


def _finished(site: Path, shard: ShardStep, code: int | None, output: bytes, first: bool) -> Diagnostic | None:
    target = site / BUNDLE / shard.name
    if code is None:
        return Diagnostic(
            str(site),
            None,
            "search-failed",
            f"The search indexer did not finish the {len(shard.paths)} pages of search shard {shard.name} in "
            f"{_timeout(shard):.0f} s (the limit: {TIMEOUT_BASE:.0f} s, and {TIMEOUT_PER_PAGE} s more a page).",
            "The machine may be overloaded: run the build again. If it keeps happening, make the shards smaller "
            "(search_pages_per_shard in config.yaml).",
        )
    if code != 0:
        text = " ".join(output.decode("utf-8", "replace").split())[:500] or "no output"
        return Diagnostic(
            str(site),
            None,
            "search-failed",
            f"The search indexer failed on search shard {shard.name} (exit code {code}): {text}",
            "Run the build again; if it keeps failing, reinstall pagefind: "
            ".venv/bin/pip install --force-reinstall 'pagefind[bin]'.",
        )
    if not (target / "pagefind-entry.json").is_file():
        return Diagnostic(
            str(site),
            None,
            "search-empty",
            f"The search indexer found no pages to index in search shard {shard.name}.",
            "Check that the article, glossary and page templates mark their text with data-pagefind-body.",
        )
    for name in os.listdir(target):
        if name in UNUSED or (not first and ONLY_FIRST.match(name)):
            (target / name).unlink()
    return None
