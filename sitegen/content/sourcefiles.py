"""Reading the source files of one folder: each file's bytes to its value (an Article or
a Page) and its problems, reusing what the build cache holds for unchanged files.

`StatMemo` says, by a file's stat signature, which files need not be read at all;
`read_source` reads, parses and validates one file (in a worker process too); `read_all`
does a folder's files, in forked processes when there are many.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias, overload

from sitegen.content.frontmatter import read_bytes
from sitegen.content.validate import validate_article, validate_page
from sitegen.core.article import Article, Page
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.core.files import refusal
from sitegen.core.sources import display_path, file_name
from sitegen.system.parallel import chunked, share_out
from sitegen.system.tuning import Policy

if TYPE_CHECKING:
    from sitegen.system.fingerprint import Signature

# (source path, SHA-256 of its bytes, or None when they could not be read): what the build
# cache keeps each parsed source under (cache.py)
ParsedKey: TypeAlias = tuple[str, str | None]
Parsed: TypeAlias = "tuple[Article | Page | None, tuple[Diagnostic, ...]]"  # the value, its problems

# What a source was read as: its value (None when it has errors) and its problems, as a list.
Read: TypeAlias = "tuple[Article | Page | None, list[Diagnostic]]"


class StatMemo:
    """Which sources are unchanged since they were last read, by their stat signature:
    (mtime, size, inode, ctime). An editor's save changes the mtime, and whatever sets the
    mtime back (a checkout, `touch -d`, a copy with -p) still changes the ctime, which no
    program can set. Like git's index, a signature is only remembered once the file's
    times are a while in the past: two saves within one tick of the file system's clock
    can leave the same times, so a file written just before it was read is read again."""

    RACY_NS = 2_000_000_000

    def __init__(
        self,
        stats: dict[str, tuple[Signature, ParsedKey]],
        changed: Iterable[Path],
        seen: dict[str, Signature] | None = None,
    ) -> None:
        """`seen`: path -> signature, taken moments ago (before anything was read) by the
        no-op check; a path not in it is stat'ed here."""
        self.stats, self.changed, self.seen = stats, {str(p) for p in changed}, seen or {}
        self._now = time.time_ns()

    def known(
        self, path: Path, shown: str, previous: dict[ParsedKey, Parsed]
    ) -> tuple[ParsedKey | None, Signature | None]:
        """(cache key of the unchanged file, or None when it must be read; its signature).
        Records are kept under `shown`, the path relative to the project, so that a
        project moved to another folder with its cache keeps them."""
        name = str(path)
        signature = self.seen.get(name)
        if signature is None:
            try:
                stat = os.stat(name)
            except OSError:
                return None, None
            signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
        entry = self.stats.get(shown)
        if name not in self.changed and entry is not None and entry[0] == signature and entry[1] in previous:
            return entry[1], signature
        return None, signature

    def remember(self, shown: str, signature: Signature | None, key: ParsedKey) -> None:
        """The file `shown` had `signature` before it was read, and its bytes made `key`."""
        name = shown
        if signature is None or self._now - max(signature[0], signature[3]) < self.RACY_NS:
            self.stats.pop(name, None)  # too fresh to vouch for: read it next time too
        else:
            self.stats[name] = (signature, key)

    def keep_only(self, paths: set[str], under: str = "", besides: tuple[str, ...] = ()) -> None:
        """Forget the files that are gone (of those whose path starts with `under`, and
        not with one of `besides`: another language's files, read by its own load)."""
        for name in self.stats.keys() - paths:
            if name.startswith(under) and not name.startswith(besides or ("\0",)):
                del self.stats[name]


def read_source(
    path: Path, root: Path, previous: dict[ParsedKey, Parsed], config: Config, kind: str, language: str = ""
) -> tuple[ParsedKey, Parsed | None]:
    """(key, None when `previous` has that key, else the new (value, diagnostics)): read,
    then parse and validate unless these bytes were seen before. In a worker process too."""
    shown = display_path(path, root)
    refused = refusal(path, config.roots, shown)
    if refused is not None:
        return (shown, None), (None, (refused,))
    try:
        data = path.read_bytes()
    except OSError as error:
        return (shown, None), (
            None,
            (
                Diagnostic(
                    shown,
                    None,
                    "file-unreadable",
                    f"Cannot read the file: {error.strerror}.",
                    "Check that the file exists and is readable.",
                ),
            ),
        )
    key = (shown, hashlib.sha256(data).hexdigest())
    if key in previous:
        value = previous[key][0]
        if value is not None:
            value.source.located(str(path))
            value.source.restore(data)  # the bytes are at hand: no second read if Markdown needs them
        return key, None
    found, problems = read_bytes(data, shown, key[1], file_name(path), str(path))
    value = None
    if found is not None:
        value, more = (
            validate_article(*found, config, language) if kind == "article" else validate_page(*found, config, language)
        )
        problems = list(problems) + list(more)
    return key, (value, tuple(problems))


@overload
def read_all(
    paths: list[Path],
    root: Path,
    previous: dict[ParsedKey, Parsed],
    parsed: dict[ParsedKey, Parsed],
    memo: StatMemo | None,
    config: Config,
    kind: Literal["article"],
    jobs: int,
    policy: Policy,
    language: str = "",
) -> Sequence[tuple[Article | None, list[Diagnostic]]]: ...


@overload
def read_all(
    paths: list[Path],
    root: Path,
    previous: dict[ParsedKey, Parsed],
    parsed: dict[ParsedKey, Parsed],
    memo: StatMemo | None,
    config: Config,
    kind: Literal["page"],
    jobs: int,
    policy: Policy,
    language: str = "",
) -> Sequence[tuple[Page | None, list[Diagnostic]]]: ...


def read_all(
    paths: list[Path],
    root: Path,
    previous: dict[ParsedKey, Parsed],
    parsed: dict[ParsedKey, Parsed],
    memo: StatMemo | None,
    config: Config,
    kind: str,
    jobs: int,
    policy: Policy,
    language: str = "",
) -> Sequence[Read]:
    """(value or None, diagnostics) for each of `paths` (of one `kind`), from `previous` when
    its stat or its bytes are unchanged; the files to read are shared out to `jobs` processes
    when many. Every result used is recorded in `parsed`, the next build's `previous`. An
    unchanged file's body is read only when a later stage needs it (Source.restore)."""
    # One folder's files: its shown path once, then each name (display_path per file cost
    # a rebuild at 4,000 articles 0.02 s).
    folder = display_path(paths[0].parent, root) if paths else ""
    shown = [f"{folder}/{path.name}" for path in paths]
    known = [memo.known(path, shown[i], previous) if memo is not None else (None, None) for i, path in enumerate(paths)]
    todo = [i for i, (key, _) in enumerate(known) if key is None]
    # index -> (key, the new (value, diagnostics) or None, the body read), from worker processes
    fresh: dict[int, tuple[ParsedKey, Parsed | None, str | None]] = {}
    if policy.parallel_reads(jobs, len(todo)):
        fresh = _read_in_workers([(i, paths[i]) for i in todo], root, previous, config, kind, jobs, policy, language)
    results: list[Read] = []
    for i, path in enumerate(paths):
        key, signature = known[i]
        found: Parsed | None = None  # the new (value, diagnostics), unless the file is one seen before
        if key is None:
            key, found = (
                _received(path, fresh[i]) if i in fresh else read_source(path, root, previous, config, kind, language)
            )
            if memo is not None and key[1] is not None:
                memo.remember(shown[i], signature, key)
        parsed[key] = found if found is not None else previous[key]
        value, problems = parsed[key]
        if found is None and value is not None:
            value.source.located(str(path))  # where its body is now, if a later stage needs it
        results.append((value, list(problems)))
    return results


def _read_in_workers(
    todo: list[tuple[int, Path]],
    root: Path,
    previous: dict[ParsedKey, Parsed],
    config: Config,
    kind: str,
    jobs: int,
    policy: Policy,
    language: str,
) -> dict[int, tuple[ParsedKey, Parsed | None, str | None]]:
    """Read the (index, path)s of `todo` in `jobs` forked processes: index -> (key, the new
    (value, diagnostics) or None, the body read)."""

    def read_chunk(items: list[tuple[int, Path]]) -> dict[int, tuple[ParsedKey, Parsed | None, str | None]]:
        # In a worker process: a Source pickles without its body, which is sent beside it.
        done = {}
        for i, path in items:
            key, found = read_source(path, root, previous, config, kind, language)
            body = found[0].source.body if found is not None and found[0] is not None else None
            done[i] = (key, found, body)
        return done

    fresh: dict[int, tuple[ParsedKey, Parsed | None, str | None]] = {}
    with policy.forking():
        chunks = chunked(todo, jobs, per_job=8, smallest=16)
        for chunk_results in share_out(chunks, read_chunk, jobs):
            fresh.update(chunk_results)
    return fresh


def _received(path: Path, done: tuple[ParsedKey, Parsed | None, str | None]) -> tuple[ParsedKey, Parsed | None]:
    """A worker's result for `path`, its value told where its file is and given its body."""
    key, found, body = done
    if found is not None and found[0] is not None:
        found[0].source.located(str(path), body=body)
    return key, found


def list_sources(folder: Path) -> list[Path]:
    # Names starting with a dot are hidden files other programs leave beside an article:
    # macOS writes "._name.md" (binary, with NUL bytes) on shared drives, Emacs keeps a
    # ".#name.md" lock link while a file is edited. Read as articles they failed the build.
    # Names sorted as strings (the same order as sorting the paths of one folder, for a
    # fraction of the cost at thousands of files).
    try:
        names = sorted(
            entry.name for entry in os.scandir(folder) if entry.name.endswith(".md") and not entry.name.startswith(".")
        )
    except OSError:
        return []
    return [folder / name for name in names]
