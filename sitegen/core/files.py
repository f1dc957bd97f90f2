"""The one rule for reading the project's files: regular files inside the project only.

Every reader of the generator (articles, pages, the glossary and people files, images
and their records, static files, templates) goes through `refusal` (one file) or
`walk` (a folder) before it reads a byte. A file is read only if it is a regular file
(not a folder, a named pipe, a device or a socket) and, when it is reached through a
symbolic link, the link's final target lies inside the project: the folder of
config.yaml, or one of the content, templates and static folders it names (which may
live elsewhere, e.g. a content checkout linked in). Anything else is a finding that
names the file and, for a link, where it leads: the file is neither read nor published.

Why: a CI build runs with secrets in its environment, on content many people edit.
`static/env.txt -> /proc/self/environ` was copied into the published site, and an
article linked to /etc/passwd had that file's first line shown in the error message.
A link that stays inside the project is followed, but never into one of its hidden
folders (`.git`, where CI keeps the job's token; `.cache`; the staging folders), and a
folder link never to a folder that holds it (`static/all -> ..` would publish the whole
project): `link-private`. A link that leads nowhere, or round in a loop, is
`link-dangling`, named as the link it is. Found by a probe after the first fix:
`static/config.txt -> ../.git/config` published the token.

The check costs one `realpath` and one `stat` for each file read or copied; files a
build does not read (unchanged articles) are not checked again.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from sitegen.core.errors import Diagnostic
from sitegen.core.sources import MAX_SOURCE_BYTES

OUTSIDE = "link-outside-project"
NOT_REGULAR = "file-not-regular"
PRIVATE = "link-private"
DANGLING = "link-dangling"


@lru_cache(maxsize=16)
def _real_roots(roots: tuple[str, ...]) -> tuple[str, ...]:
    # Kept: every file read asks, and resolving four folders each time cost a cold build
    # a tenth of a second. Only within one build: see `forget_real_roots`.
    return tuple(os.path.realpath(root) for root in roots)


def forget_real_roots() -> None:
    """Resolve the project's folders anew: called as each build and each command starts,
    so a process that lives on (the preview, a test) sees a folder that became a link
    since (content/ moved elsewhere and linked in) as the link it is now."""
    _real_roots.cache_clear()


def project_roots(root: Path, *folders: Path) -> tuple[str, ...]:
    """The folders a link may lead into: the project folder and its configured folders."""
    return _real_roots(tuple(str(p) for p in (root, *folders)))


def _inside(real: str, roots: Iterable[str]) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def hidden_part(real: str, roots: Iterable[str]) -> str | None:
    """The hidden folder or file (`.git`, `.cache`...) that `real` lies in or is, counted
    from each of `roots` that holds it; None if there is none."""
    for root in roots:
        if _inside(real, (root,)) and real != root:
            for part in os.path.relpath(real, root).split(os.sep):
                if part.startswith("."):
                    return part
    return None


def refusal(path: Path, roots: tuple[str, ...], shown: str) -> Diagnostic | None:
    """None when `path` may be read; else the finding that says why it is not read.
    A path that does not exist is None too: its reader says it is missing, as before."""
    text = os.fspath(path)
    real = os.path.realpath(text)
    written = os.path.abspath(text)  # `..` resolved: a path made from a field (`translation_of`)
    if not _inside(written, roots):
        return Diagnostic(
            shown,
            None,
            OUTSIDE,
            f"{shown} is {written}, which is outside the project: it is not read or published.",
            "Name a file inside the project (a file name, with no `..` or folder in front).",
        )
    if real != written:  # reached through a link
        if not _inside(real, roots):
            return Diagnostic(
                shown,
                None,
                OUTSIDE,
                f"{shown} is a link to {real}, which is outside the project: it is not read or published.",
                "Put a copy of the file itself in the project in place of the link, or remove the link.",
            )
        hidden = hidden_part(real, roots)
        if hidden is not None:
            return _private(shown, real, f"inside the project's hidden folder {hidden}")
    try:
        mode = os.stat(real).st_mode
    except OSError:
        if os.path.islink(text):
            return Diagnostic(
                shown,
                None,
                DANGLING,
                f"{shown} is a link to {real}, which does not exist (or leads back to itself): it is not read or published.",
                "Put the file itself in place of the link, or remove the link.",
            )
        return None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a named pipe, device or socket)"
        return Diagnostic(
            shown,
            None,
            NOT_REGULAR,
            f"{shown} is {kind}, where a file was expected: it is not read or published.",
            "Replace it with a file saved from your editor, or remove it.",
        )
    return None


def walk(folder: Path, roots: tuple[str, ...], show: Path) -> Iterator[tuple[Path, Diagnostic | None]]:
    """(path, None) for each file below `folder` that may be read, sorted; (path, finding)
    for each file or linked folder that may not. Folders linked from inside the project
    are followed, each once; `show` is the folder that shown paths are relative to."""
    seen: set[tuple[int, int]] = set()
    found: list[tuple[Path, Diagnostic | None]] = []
    start = os.path.realpath(folder)
    for current, folders, files in os.walk(folder, followlinks=True):
        here = Path(current)
        try:
            info = os.stat(current)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            folders[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        kept = []
        for name in sorted(folders):
            path = here / name
            refused = _folder_link(path, roots, start, _shown(path, show)) if os.path.islink(path) else None
            if refused is not None:
                found.append((path, refused))
            else:
                kept.append(name)
        folders[:] = kept
        for name in files:
            path = here / name
            found.append((path, refusal(path, roots, _shown(path, show))))
    found.sort(key=lambda item: item[0].as_posix())
    yield from found


def _folder_link(path: Path, roots: tuple[str, ...], start: str, shown: str) -> Diagnostic | None:
    """Why the folder link `path`, met while walking the folder `start`, is not followed."""
    refused = refusal(path, roots, shown)
    if refused is not None and refused.code != NOT_REGULAR:  # a folder is what a folder link should be
        return refused
    real = os.path.realpath(path)
    if _inside(start, (real,)):
        return _private(shown, real, "a folder that holds this one (following it would publish all of it)")
    return None


def _private(shown: str, real: str, why: str) -> Diagnostic:
    return Diagnostic(
        shown,
        None,
        PRIVATE,
        f"{shown} is a link to {real}, {why}: it is not read or published.",
        "Link to the file you mean, or put a copy of it in place of the link.",
    )


def _shown(path: Path, show: Path) -> str:
    try:
        return path.relative_to(show).as_posix()
    except ValueError:
        return os.fspath(path)


def read(path: Path, roots: tuple[str, ...], shown: str) -> tuple[bytes | None, Diagnostic | None]:
    """(the file's bytes, None); (None, None) when there is no such file; (None, the
    finding) when it may not be read (`refusal`) or cannot be."""
    refused = refusal(path, roots, shown)
    if refused is not None:
        return None, refused
    try:
        size = os.stat(path).st_size
        if size > MAX_SOURCE_BYTES:  # not read at all: a huge file would fill the memory first
            return None, Diagnostic(
                shown,
                None,
                "file-too-large",
                f"{shown} is {size // 1024 // 1024} MB; the limit is {MAX_SOURCE_BYTES // 1024 // 1024} MB.",
                "Make the file smaller, or split it.",
            )
        return path.read_bytes(), None
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, Diagnostic(
            shown,
            None,
            "file-unreadable",
            f"Cannot read {shown}: {error.strerror}.",
            "Check that the file exists and that you may read it.",
        )
