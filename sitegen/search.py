"""Full-text search: pagefind indexes the built site, with no server needed to search it.

pagefind (the `pagefind[bin]` package from PyPI ships its binary) reads the
HTML the build wrote and writes index chunks that the search page's script
fetches on demand. Only elements marked `data-pagefind-body` (article text,
glossary, stand-alone pages) are indexed, so navigation and footers never
match a search. It runs over the staging folder, before the swap, so the
published site and its index always belong to the same build.

**An index at the cost of what changed.** One pagefind index of the whole site
costs about 1.6 ms a page to make, every time anything changed, and pagefind can
only make a whole index. So each language's index is in two parts, each part a
complete pagefind bundle under `pagefind/`:

- **Shards**, `<language>-<n>/`: the pages whose address hashes to shard n (a
  stable hash; the number of shards is a power of two that keeps them at
  `search_pages_per_shard` pages, so a page keeps its shard until its language
  doubles or halves).
- **The index of recent edits**, `<language>-r/`: the pages edited since their
  shard was made, at most `RECENT_MAX` of them in a language, plus one
  *vocabulary page* for each shard, holding every word that shard has.

A one-article edit therefore makes one small index again (the recent edits) and
keeps every shard as it is; the old entry of the edited page stays in its shard
and the search page hides it (`hidden` in `shards.json`). When a language has
more than `RECENT_MAX` pages edited since their shards were made, the shards
holding them are made again and the recent edits start empty.

- `indexed_digest` reads what pagefind reads of a page (the `data-pagefind-body`
  element without its `data-pagefind-ignore` parts, every `data-pagefind-*`
  attribute anywhere, the `<h1>` it takes as the title, `<html lang>`) and
  digests it. A template edit outside the indexed text, or a new review date
  (shown in an ignored box), changes no digest, so no index is made again.
- `plan_shards` (pure) puts pages in shards, decides which shards to keep and
  which pages go among the recent edits, and keys each index by its pages and
  their digests; an index whose key is the one recorded is kept as it is.
- `ShardRecord` is what a made index holds (each page's fragment id and words),
  read from pagefind's own fragment files and saved beside the build cache, so a
  later build knows which entries to hide without reading the index again.
- `index_shards` runs one pagefind process per index to make, at most `jobs` at
  a time, each over exactly its pages (named in a glob, or hard-linked into a
  folder of their own), and reads each index back as it is made; `manifest`
  writes `pagefind/shards.json`, what the search page reads.

**The same results as one index.** pagefind answers each index with its own
words: for a query word an index lacks, it searches a shorter word the index
has. So a shard that lacks a word would list pages one index of the site never
would. `static/search.js` merges every index of the language into one pagefind
instance, each tagged with its name (pagefind's `mergeFilter`), and before the
real search asks the index of recent edits, word by word, which vocabulary pages
match: only the shards whose vocabulary matches every word may answer, with the
recent edits. Since the vocabulary pages hold the words of the whole language,
each word is matched as one index would match it. One case is left: an old
entry that holds the last copy of a word in the site (its page was edited or
deleted). Its shard would still match that word where one index would not, so
`vanished` finds such shards and they are made again, in the same build.
tests/test_search_shards.py checks, in Chromium, that a set of queries lists
exactly the pages one index lists, before and after edits; only the order of
pages of near-equal score can differ, because each shard weighs a word by how
rare it is within the shard.

Shard size is the trade for the reader: fewer, larger shards mean fewer
requests for a query, at no cost to a one-article edit; it shows only in a cold
build (the shards are made in parallel) and when the recent edits overflow.
docs/speed.md has the figures.

Memory is bounded by an index rather than by the site: each pagefind process
holds one index's pages. Each process may take `TIMEOUT_BASE` plus
`TIMEOUT_PER_PAGE` for every page of its index, so the limit grows with the work.
"""

from __future__ import annotations

import gzip
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
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from html import escape as html_escape
from pathlib import Path
from typing import NamedTuple, Protocol

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

RECENT = "r"  # a language's index of recent edits: pagefind/<language>-r/
RECENT_MAX = 64  # pages edited since the shards were made before they are made again
VOCABULARY_FOLDER = "_vocabulary"  # their addresses: /_vocabulary/<shard>/


class ShardStep(NamedTuple):
    name: str  # its folder under pagefind/: "en-0", or "en-r" for the recent edits
    language: str
    paths: tuple[str, ...]  # the output files it indexes, sorted
    key: str  # digest of those paths and their indexed digests (and, for "-r", of the shards)
    current: bool  # the published site has this very index: keep it
    vocabularies: tuple[str, ...] = ()  # "-r" only: the shards whose words it holds a page of


class SearchPlan(NamedTuple):
    shards: tuple[ShardStep, ...]  # each language's shards, then its index of recent edits
    stale: Mapping[str, tuple[str, ...]]  # kept shard -> its pages whose entry is out of date

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


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def plan_shards(
    pages: Mapping[str, tuple[str, str]],
    indexed: Mapping[str, tuple[str, Mapping[str, str]]],
    per_shard: int,
    recent_max: int = RECENT_MAX,
    remake: Collection[str] = (),
    recent: Mapping[str, str] = {},
) -> SearchPlan:
    """The indexes for `pages` (output path -> (language, indexed digest)). Pure.

    `indexed`: shard name -> (key, {path: digest as indexed}) of each shard the published
    site holds; `recent`: "-r" index name -> its key, likewise; `remake`: shards to make
    again whatever they hold. A shard holding pages changed since it was made is kept
    while its language has at most `recent_max` such pages: those go into the language's
    index of recent edits, and the search page hides their old entries (`stale`)."""
    by_language: dict[str, list[str]] = {}
    for path, (language, _) in pages.items():
        by_language.setdefault(language, []).append(path)
    shards: list[ShardStep] = []
    stale: dict[str, tuple[str, ...]] = {}
    for language in sorted(by_language):
        paths = by_language[language]
        count = shard_count(len(paths), per_shard)
        members: list[list[str]] = [[] for _ in range(count)]
        for path in paths:
            members[_shard_of(path, count)].append(path)
        # Numbered among the shards that have pages (empty ones, only in tiny sites, are
        # left out), so that the search page can count on `<language>-0`.
        groups = {f"{language}-{n}": sorted(group) for n, group in enumerate(g for g in members if g)}
        dirty: dict[str, list[str]] = {}
        for name, group in groups.items():
            held = indexed.get(name)
            if held is None or name in remake:
                continue
            now = set(group)
            dirty[name] = [p for p in group if held[1].get(p) != pages[p][1]] + sorted(set(held[1]) - now)
        keep = sum(len(d) for d in dirty.values()) <= recent_max
        edited: list[str] = []
        steps: list[ShardStep] = []
        for name, group in groups.items():
            if name in dirty and (keep or not dirty[name]):
                steps.append(ShardStep(name, language, tuple(sorted(indexed[name][1])), indexed[name][0], True))
                if dirty[name]:
                    stale[name] = tuple(dirty[name])
                    edited += [p for p in dirty[name] if p in pages]
            else:
                key = _key(*(f"{path}\0{pages[path][1]}" for path in group))
                steps.append(ShardStep(name, language, tuple(group), key, False))
        edited.sort()
        name = f"{language}-{RECENT}"
        key = _key(*(f"{path}\0{pages[path][1]}" for path in edited), *(f"{s.name}\0{s.key}" for s in steps))
        vocabularies = tuple(s.name for s in steps)
        shards += steps
        shards.append(ShardStep(name, language, tuple(edited), key, recent.get(name) == key, vocabularies))
    return SearchPlan(tuple(shards), stale)


def manifest(plan: SearchPlan, held: Mapping[str, ShardRecord]) -> bytes:
    """pagefind/shards.json, what the search page reads: for each language its shards (the
    first holds the script), its index of recent edits, the fragment id of each vocabulary
    page (-> its shard) and the fragment ids of out-of-date entries, to hide."""
    languages: dict[str, dict[str, object]] = {}
    hidden: dict[str, set[str]] = {}
    current: dict[str, set[str]] = {}  # the fragment ids of the pages in the recent edits
    for shard in plan.shards:
        entry = languages.setdefault(shard.language, {"shards": []})
        record = held[shard.name]
        if shard.vocabularies:
            entry["recent"] = shard.name
            entry["vocabulary"] = {
                record.pages[_vocabulary_path(name)][1]: name
                for name in shard.vocabularies
                if _vocabulary_path(name) in record.pages
            }
            current[shard.language] = {fragment for path, (_, fragment) in record.pages.items()}
        else:
            assert isinstance(entry["shards"], list)
            entry["shards"].append(shard.name)
            old = {record.pages[path][1] for path in plan.stale.get(shard.name, ()) if path in record.pages}
            hidden.setdefault(shard.language, set()).update(old)
    for language, entry in languages.items():
        # pagefind names a fragment by its content: an entry made again with the very same
        # content (a change pagefind does not keep) is the same fragment, and stays shown.
        entry["hidden"] = sorted(hidden.get(language, set()) - current.get(language, set()))
    return json.dumps(languages, sort_keys=True).encode() + b"\n"


# -- what an index holds ---------------------------------------------------------------


class ShardRecord(NamedTuple):
    """What a made index holds, read from pagefind's own fragment files; kept beside the
    build cache (`save_record`), so the next build knows it without reading the index."""

    key: str
    pages: dict[str, tuple[str, str]]  # output path -> (indexed digest, fragment id)
    counts: dict[str, int]  # each word pagefind indexed -> how many of its pages have it
    words: dict[str, list[str]] | None  # output path -> its distinct words; None: not loaded

    def vocabulary(self) -> list[str]:
        return sorted(self.counts)


def _vocabulary_path(name: str) -> str:
    return f"{VOCABULARY_FOLDER}/{name}/index.html"


def _url_path(url: str) -> str:
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


_PUNCTUATION = "".join(chr(c) for c in range(0x2000, 0x2070)) + "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¡¿«»"


def _words(text: str) -> list[str]:
    """The distinct words of a fragment's text as pagefind indexes them, near enough: in
    lower case, without the punctuation around them ("Lesion." is "lesion"; "T2-weighted"
    keeps its hyphen, which pagefind reads itself). Two tokens are made one only where
    pagefind makes them one too, so no word is taken for another."""
    # Lower case first, then each distinct token once (punctuation has no case).
    return sorted({token.strip(_PUNCTUATION) for token in set(text.lower().split())} - {""})


def read_index(folder: Path, shard: ShardStep, digests: Mapping[str, str]) -> ShardRecord:
    """The record of the index pagefind just made in `folder` for `shard`: the words of a
    page are those of the text pagefind kept of it (its fragment's `content`)."""
    pages: dict[str, tuple[str, str]] = {}
    words: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for fragment in os.scandir(folder / "fragment"):
        data = gzip.decompress(Path(fragment.path).read_bytes())
        found = json.loads(data[data.index(b"{") :])
        path = _url_path(found["url"])
        pages[path] = (digests.get(path, ""), fragment.name.removesuffix(".pf_fragment"))
        if path.startswith(VOCABULARY_FOLDER + "/"):
            continue
        distinct = words[path] = _words(found["content"])
        for word in distinct:
            counts[word] = counts.get(word, 0) + 1
    return ShardRecord(shard.key, pages, counts, words)


def save_record(folder: Path, name: str, record: ShardRecord) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.words.json").write_text(json.dumps(record.words), encoding="utf-8")
    (folder / f"{name}.json").write_text(json.dumps([record.key, record.pages, record.counts]), encoding="utf-8")


def load_record(folder: Path, name: str, key: str, words: bool = False) -> ShardRecord | None:
    """The record saved for index `name` if it is the one of `key`, else None (it is then made
    again: a record that cannot be read costs work, never a wrong index)."""
    try:
        saved_key, pages, counts = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        if saved_key != key:
            return None
        held = json.loads((folder / f"{name}.words.json").read_text(encoding="utf-8")) if words else None
        return ShardRecord(key, {path: (d, i) for path, (d, i) in pages.items()}, counts, held)
    except (OSError, ValueError, TypeError):
        return None


def vanished(plan: SearchPlan, held: Mapping[str, ShardRecord], recent: Mapping[str, ShardRecord]) -> set[str]:
    """The kept shards to make again because an out-of-date entry of theirs holds a word that
    no page of the site has any more. (In its shard such a word would still steer pagefind's
    matching, where one index of the site would not have it: see the module's docstring.)
    `held` must have the words of the shards with out-of-date entries loaded."""
    counts: dict[str, int] = {}
    for record in (*held.values(), *recent.values()):
        for word, count in record.counts.items():
            counts[word] = counts.get(word, 0) + count
    old: dict[str, set[str]] = {}
    for name, paths in plan.stale.items():
        words = held[name].words
        assert words is not None, f"the words of {name} were not loaded"
        for path in paths:
            for word in words.get(path, ()):
                counts[word] -= 1
                old.setdefault(word, set()).add(name)
    return {name for word, names in old.items() if counts[word] <= 0 for name in names}


# -- making the indexes ----------------------------------------------------------------


class SearchStats(NamedTuple):
    shards: int  # indexes in the site: the shards and each language's index of recent edits
    made: int  # made this build
    pages: int  # indexed this build
    seconds: float  # wall time of the indexing
    peak_mb: float  # the largest pagefind process's peak resident memory


WORK = ".search-work"  # in the new site's folder, for the time of one index's making


def index_shards(
    site: Path,
    shards: Sequence[ShardStep],
    vocabularies: Mapping[str, Sequence[str]],
    jobs: int = 1,
    then: Callable[[ShardStep], None] | None = None,
) -> tuple[list[Diagnostic], SearchStats]:
    """Make `shards` in `site`/pagefind/ (their folders are empty or absent), at most `jobs`
    pagefind processes at a time: each over its pages and, for an index of recent edits, a
    vocabulary page for each shard it names (`vocabularies`: shard -> its words). `then` is
    called with each shard made without a problem, in the thread that waited for it, so
    that reading one index overlaps the making of the next. Problems come back as
    Diagnostics, never raised."""
    started = time.perf_counter()
    executable = pagefind_executable() if shards else None
    if shards and executable is None:
        missing = Diagnostic(
            str(site), None, "search-missing", "The search indexer pagefind is not installed.", HINT_INSTALL
        )
        return [missing], SearchStats(0, 0, 0, 0.0, 0.0)
    problems: list[Diagnostic] = []
    peak = 0.0
    if shards:
        assert executable is not None

        def one(shard: ShardStep) -> tuple[Diagnostic | None, int]:
            status, output, peak_kb = _run(executable, site, shard, vocabularies)
            problem = _finished(site, shard, status, output, shard.name.endswith("-0"))
            if problem is None and then is not None:
                then(shard)
            return problem, peak_kb

        # Threads mostly wait: each index is its own pagefind process.
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(shards)))) as pool:
                for problem, peak_kb in pool.map(one, shards):
                    peak = max(peak, peak_kb / 1024)
                    if problem is not None:
                        problems.append(problem)
        finally:
            shutil.rmtree(site / WORK, ignore_errors=True)
    pages = sum(len(shard.paths) for shard in shards)
    return problems, SearchStats(0, len(shards), pages, time.perf_counter() - started, peak)


class Prepare(Protocol):
    def __call__(self, keep: Collection[str], make: Collection[str]) -> Path | None: ...


class Outcome(NamedTuple):
    problems: list[Diagnostic]
    stats: SearchStats
    manifest: bytes  # pagefind/shards.json
    keys: dict[str, str]  # index name -> key, to record once the site is published


def _is_recent(name: str) -> bool:
    return name.endswith(f"-{RECENT}")


class _Indexer:
    """One build's making of indexes: what each index holds (`held`, read back from what
    pagefind made or from the records of the published one) and what it cost."""

    def __init__(self, folder: Path, pages: Mapping[str, tuple[str, str]], jobs: int) -> None:
        self.folder, self.jobs = folder, jobs
        self.digests = {path: digest for path, (_, digest) in pages.items()}
        self.held: dict[str, ShardRecord] = {}
        self.made: list[ShardStep] = []
        self.peak = 0.0

    def _read(self, shard: ShardStep) -> None:
        self.held[shard.name] = read_index(self.folder / BUNDLE / shard.name, shard, self.digests)

    def shards(self) -> dict[str, tuple[str, dict[str, str]]]:
        """The shards held (not the indexes of recent edits), as `plan_shards` takes them."""
        return {
            name: (record.key, {path: digest for path, (digest, _) in record.pages.items()})
            for name, record in self.held.items()
            if not _is_recent(name)
        }

    def make(self, plan: SearchPlan) -> list[Diagnostic]:
        # The shards first: an index of recent edits holds a page of each one's words.
        for group in (
            [s for s in plan.to_make if not s.vocabularies],
            [s for s in plan.to_make if s.vocabularies],
        ):
            words = {name: record.vocabulary() for name, record in self.held.items()}
            problems, stats = index_shards(self.folder, group, words, self.jobs, self._read)
            self.peak = max(self.peak, stats.peak_mb)
            if problems:
                return problems
            for shard in group:
                # Made again after a vanished word: counted once.
                self.made = [made for made in self.made if made.name != shard.name] + [shard]
        return []

    def vanished(self, plan: SearchPlan, store: Path) -> set[str]:
        """The kept shards to make again: those whose out-of-date entries hold a word no page
        of the site has any more (or whose record of words cannot be read)."""
        again = set()
        for name in plan.stale:
            loaded = load_record(store, name, self.held[name].key, words=True)
            if loaded is None:
                again.add(name)
            else:
                self.held[name] = loaded
        recent = {s.name: self.held[s.name] for s in plan.shards if s.vocabularies}
        return again or vanished(plan, self.held, recent)

    def stats(self, plan: SearchPlan, started: float) -> SearchStats:
        pages = sum(len(shard.paths) for shard in self.made)
        return SearchStats(len(plan.shards), len(self.made), pages, time.perf_counter() - started, self.peak)


def update_index(
    pages: Mapping[str, tuple[str, str]],
    recorded: Mapping[str, str],
    store: Path | None,
    prepare: Prepare,
    per_shard: int,
    jobs: int = 1,
) -> Outcome | None:
    """Bring the search index of the new site up to date with `pages` (output path ->
    (language, indexed digest)), at the cost of what changed. `recorded`: index name -> key
    of each index the published site holds; `store`: where the records of what each index
    holds are kept (None: nowhere, so every index is made); `prepare(keep, make)` takes
    the kept indexes into the new site and empties the folders of those to make, and gives
    the new site's folder (None: this output makes no index; then so does this)."""
    started = time.perf_counter()
    held = {}
    for name, key in recorded.items():
        record = load_record(store, name, key) if store is not None else None
        if record is not None:
            held[name] = record
    recent = {name: record.key for name, record in held.items() if _is_recent(name)}
    plan = plan_shards(
        pages,
        {name: (r.key, {p: d for p, (d, _) in r.pages.items()}) for name, r in held.items() if not _is_recent(name)},
        per_shard,
        RECENT_MAX,
        recent=recent,
    )
    folder = prepare([s.name for s in plan.shards if s.current], [s.name for s in plan.to_make])
    if folder is None:
        return None
    indexer = _Indexer(folder, pages, jobs)
    indexer.held.update(held)
    problems = indexer.make(plan)
    if not problems and store is not None and plan.stale:
        # A word gone from the site that an out-of-date entry still holds: make its shard
        # again (once: then nothing is out of date in it).
        again = indexer.vanished(plan, store)
        if again:
            plan = plan_shards(pages, indexer.shards(), per_shard, RECENT_MAX, remake=again)
            prepare([], [s.name for s in plan.to_make])
            problems = indexer.make(plan)
    if problems:
        return Outcome(problems, indexer.stats(plan, started), b"", {})
    if store is not None:
        for shard in indexer.made:
            save_record(store, shard.name, indexer.held[shard.name])
    keys = {shard.name: shard.key for shard in plan.shards}
    return Outcome([], indexer.stats(plan, started), manifest(plan, indexer.held), keys)


def _timeout(shard: ShardStep) -> float:
    return TIMEOUT_BASE + TIMEOUT_PER_PAGE * (len(shard.paths) + len(shard.vocabularies))


def _run(
    executable: Path, site: Path, shard: ShardStep, vocabularies: Mapping[str, Sequence[str]]
) -> tuple[int | None, bytes, int]:
    """Run pagefind over one index's pages: (exit code, None when it ran out of time; its
    output; its peak resident memory in KB)."""
    # pagefind reads exactly the index's pages: named in a --glob over the site where that
    # fits on a command line, else (and for the vocabulary pages of an index of recent
    # edits, which are not part of the site) from a folder of hard links to them.
    work = site / WORK / shard.name
    glob = None if shard.vocabularies else _glob(shard.paths)
    if glob is None:
        try:
            _gather(site, work, shard, vocabularies)
        except OSError as error:
            return 127, f"could not gather the pages to index: {error}".encode(), 0
    pages = ["--site", str(site), "--glob", glob] if glob is not None else ["--site", str(work)]
    # --silent: only errors reach the output, which becomes the message when it fails.
    command = [str(executable), *pages, "--output-path", str(site / BUNDLE / shard.name), "--silent"]
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


GLOB_MAX = 100_000  # characters: Linux takes at most 131,072 in one argument
# Anything but letters, digits, ".", "/", "-" and "_" may mean something to pagefind's glob
# ("$", "(", ":", "{", "," ...): such a page is linked into a folder instead.
_GLOB_SPECIAL = re.compile(r"[^\w./-]")


def _glob(paths: Sequence[str]) -> str | None:
    """A pagefind --glob that matches exactly `paths`, or None where it would not fit in
    one argument or a path holds a character a glob reads. (Linking the pages into a
    folder of their own costs a directory a page: about 0.3 ms each on ext4.)"""
    if any(_GLOB_SPECIAL.search(path) for path in paths):
        return None
    glob = "{" + ",".join(paths) + "}"
    return glob if len(glob) <= GLOB_MAX else None


def vocabulary_page(language: str, words: Sequence[str]) -> bytes:
    """A page holding `words`, for pagefind to index in an index of recent edits."""
    return (
        f'<!DOCTYPE html><html lang="{html_escape(language)}"><head><meta charset="utf-8"></head>'
        f"<body><main {_BODY}>{html_escape(' '.join(words))}</main></body></html>"
    ).encode()


def _gather(site: Path, work: Path, shard: ShardStep, vocabularies: Mapping[str, Sequence[str]]) -> None:
    shutil.rmtree(work, ignore_errors=True)
    made: set[Path] = set()

    def folder_of(target: Path) -> None:
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)

    for path in shard.paths:
        target = work / path
        folder_of(target)
        try:
            os.link(site / path, target)
        except OSError:
            shutil.copyfile(site / path, target)  # a file system without hard links
    for name in shard.vocabularies:
        target = work / _vocabulary_path(name)
        folder_of(target)
        target.write_bytes(vocabulary_page(shard.language, vocabularies.get(name, ())))


def _finished(site: Path, shard: ShardStep, code: int | None, output: bytes, first: bool) -> Diagnostic | None:
    target = site / BUNDLE / shard.name
    if code is None:
        return Diagnostic(
            str(site),
            None,
            "search-failed",
            f"The search indexer did not finish the {len(shard.paths)} {'page' if len(shard.paths) == 1 else 'pages'}"
            f" of search index {shard.name} in "
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
            f"The search indexer failed on search index {shard.name} (exit code {code}): {text}",
            "Run the build again; if it keeps failing, reinstall pagefind: "
            ".venv/bin/pip install --force-reinstall 'pagefind[bin]'.",
        )
    if not (target / "pagefind-entry.json").is_file():
        return Diagnostic(
            str(site),
            None,
            "search-empty",
            f"The search indexer found no pages to index in search index {shard.name}.",
            "Check that the article, glossary and page templates mark their text with data-pagefind-body.",
        )
    for name in os.listdir(target):
        if name in UNUSED or (not first and ONLY_FIRST.match(name)):
            (target / name).unlink()
    return None
