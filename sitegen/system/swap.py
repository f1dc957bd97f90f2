"""Swapping a new site in for the output, and removing old folders without waiting.

On Linux the swap is one atomic renameat2(RENAME_EXCHANGE); elsewhere two renames, and
`recover` finishes or undoes on the next run what a build killed between them left.
Folders to delete (a previous site, the cache after `--clean`) are renamed out of the
way at once and removed by a detached `rm` (`discard_tree`). write.py's `Staging`
builds the new site; this module only moves and removes whole folders.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Literal


def staging_name(out: Path, kind: str) -> Path:
    """A working folder beside the output, named after this process (see `recover`)."""
    return out.parent / f".{out.name}.{kind}-{os.getpid()}"


def recover(out: Path) -> None:
    """Finish or undo what a killed build left behind: never lose the last good site."""
    parent = out.parent
    if not parent.exists():
        return
    olds = sorted(parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        os.rename(olds[-1], out)  # killed between the two renames of the fallback swap
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{out.name}.staging-*"), *parent.glob(f".{out.name}.pending-*")]:
        if not _owner_alive(leftover):  # another build (or the preview) still writing: not ours
            shutil.rmtree(leftover, ignore_errors=True)
    # Trash is the previous site, already out of the way, which a detached `rm` may still be
    # deleting: never wait for it.
    for leftover in parent.glob(f".{out.name}.trash-*"):
        remove_detached(leftover)


def _owner_alive(folder: Path) -> bool:
    """Whether the process named in a staging folder's name (".public.staging-<pid>") is
    another one still running."""
    pid = folder.name.rpartition("-")[2]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to someone else
    return True


def trash_name(out: Path) -> Path:
    """A new name beside `out` for something to delete without waiting (`recover` knows it)."""
    return out.parent / f".{out.name}.trash-{os.getpid()}-{time.monotonic_ns()}"


def discard_tree(folder: Path, out: Path) -> None:
    """Remove a previous site (or the cache) without waiting: deleting thousands of folders
    takes longer than building them. It is renamed out of the way first, to
    `.<out name>.trash-...` beside `out`, so nothing can mistake it for a site; whatever
    is left (if the machine stops) goes at the next build."""
    trash = trash_name(out)
    try:
        os.rename(folder, trash)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    remove_detached(trash)


def remove_detached(folder: Path) -> None:
    rm = shutil.which("rm")
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    # At the lowest CPU and I/O priority: the deletion must not slow down the build that
    # runs meanwhile (on 2 cores it otherwise competes with the worker processes).
    command = [rm, "-rf", "--", str(folder)]
    ionice, nice = shutil.which("ionice"), shutil.which("nice")
    if ionice:
        command = [ionice, "-c", "3", *command]
    if nice:
        command = [nice, "-n", "19", *command]
    subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def fsync_tree(folder: Path) -> None:
    # Flush the staging folder's own entries (the names in it) before the swap. The files'
    # data are not fsync'ed one by one: that cost more than the build, and a machine that
    # loses power just after a swap loses at worst pages that the next build writes again.
    # Skipped where fsync of a directory is not supported.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_libc: ctypes.CDLL | Literal[False] | None = None  # None: not looked for yet; False: no renameat2


def _renameat2(source: Path, target: Path) -> bool:
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            _libc.renameat2  # noqa: B018 - probe for the symbol
        except (OSError, AttributeError):
            _libc = False
    if not _libc:
        return False
    AT_FDCWD = -100
    result = _libc.renameat2(AT_FDCWD, os.fsencode(source), AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE)
    if result != 0:
        errno = ctypes.get_errno()
        if errno in (22, 38, 95):  # EINVAL/ENOSYS/EOPNOTSUPP: file system or kernel without it
            return False
        raise OSError(errno, os.strerror(errno), str(target))
    return True


def swap(staging: Path, out: Path) -> None:
    """Make `staging` the output; afterwards `staging` holds the previous site (or nothing)."""
    if out.exists() and _renameat2(staging, out):
        return
    if not out.exists():
        os.rename(staging, out)  # the first site: there is no previous one
        return
    old = staging_name(out, "old")
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(old, out)  # the previous site back: the swap did not happen
        raise
    try:
        os.rename(old, staging)
    except OSError:
        pass  # the new site is live; `recover` removes the old one
