"""Where a build's files go: one interface, three places.

- `write.Staging` (the command line): a complete new site beside the output, swapped in
  atomically when the build succeeded (write.py says how).
- `InPlace` (the preview): changed files only, into the preview's own folder, put in
  place when the build succeeded.
- `InMemory` (`check`, and builds with `write=False`): nothing touches the disk; the
  files are kept in `files`.

The pipeline holds an `Output` and never asks which one it is. A build calls, in order:
`current(records)` (which recorded files are still exactly as recorded), then, unless
nothing changed, `open()`, any number of `write` / `reuse` / `expect` /
`copy_static` / `keep_tree` / `fresh_tree` / `read`, and `commit()` or `abort()`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Protocol

from sitegen.system.swap import recover, staging_name
from sitegen.system.write import STAMP, STAMP_TEXT, Staging, copy_tree_files

# What the cache records of each output file: (page key, size, mtime in ns).
Record = tuple[str, int, int]


class Output(Protocol):
    # Whether worker processes forked during the build may write into it themselves.
    workers_may_write: bool
    # Whether it makes a search index of its own (the preview keeps its first one).
    makes_search_index: bool

    @property
    def files(self) -> Mapping[str, bytes]:
        """The files written, for an output in memory; empty for one on disk."""
        ...

    def current(self, records: Mapping[str, Record]) -> dict[str, str]:
        """Output path -> page key of the recorded files still exactly as recorded."""
        ...

    def open(self) -> None: ...

    def write(self, relative: str, data: bytes) -> bool:
        """Write one file; True if its bytes differ from the previous build's."""
        ...

    def reuse(self, relative: str) -> None:
        """Keep the previous build's file (one `current` vouched for) unchanged."""
        ...

    def expect(self, paths: Iterable[str]) -> None:
        """These files are part of the new site (written by worker processes)."""
        ...

    def copy_static(self, static_dir: Path, roots: tuple[str, ...]) -> int:
        """Copy the static files that may be read (files.py); the number whose bytes changed."""
        ...

    def keep_tree(self, relative: str) -> bool:
        """Take the published site's folder `relative` (the search index of a language) into
        the new site unchanged; False when the published site has none."""
        ...

    def fresh_tree(self, relative: str) -> Path | None:
        """An empty folder `relative` in the new site for a tool that writes a whole tree
        (pagefind); None when this output has no new site on disk to fill."""
        ...

    def read(self, relative: str) -> bytes:
        """The bytes of a file of the new site (written or reused in this build)."""
        ...

    def commit(self) -> frozenset[str]:
        """Make the new site the output. Returns the files known to be unchanged on disk
        since `current` vouched for them (their recorded size and mtime still hold)."""
        ...

    def abort(self) -> None:
        """Drop the new site; the previous output stays as it was."""
        ...


def stat_current(out: Path, records: Mapping[str, Record]) -> tuple[dict[str, str], dict[str, int]]:
    """(path -> key, path -> inode) of the recorded files whose size and mtime still match."""
    prefix, valid, inodes = str(out) + os.sep, {}, {}
    for path, (key, size, mtime) in records.items():
        try:
            stat = os.stat(prefix + path)
        except OSError:
            continue
        if stat.st_size == size and stat.st_mtime_ns == mtime:
            valid[path] = key
            inodes[path] = stat.st_ino
    return valid, inodes


def files_under(out: Path, relative: str) -> Iterator[str]:
    """The paths, relative to `out`, of the files in its folder `relative`, at any depth
    (none when it is not a folder; symbolic links are not followed: the output is ours)."""
    for folder, _, names in os.walk(out / relative):
        prefix = Path(folder).relative_to(out).as_posix()
        for name in names:
            yield f"{prefix}/{name}"


class StagedOutput:
    """`write.Staging` behind the Output interface: the command line's atomic swap."""

    workers_may_write = True
    makes_search_index = True
    files: Mapping[str, bytes] = {}

    def __init__(self, out: Path):
        self.out = out
        self._staging: Staging | None = None
        self._inodes: dict[str, int] = {}
        self._kept: set[str] = set()

    def current(self, records: Mapping[str, Record]) -> dict[str, str]:
        valid, self._inodes = stat_current(self.out.resolve(), records)
        return valid

    def open(self) -> None:
        self._staging = Staging(self.out)

    @property
    def staging(self) -> Staging:
        if self._staging is None:
            raise RuntimeError("the output was not opened")
        return self._staging

    def write(self, relative: str, data: bytes) -> bool:
        return bool(self.staging.write(relative, data))  # Staging counts: 1 or 0

    def reuse(self, relative: str) -> None:
        self.staging.reuse(relative, self._inodes.get(relative))
        self._kept.add(relative)  # the very file (a hard link): its recorded size and mtime hold

    def expect(self, paths: Iterable[str]) -> None:
        self.staging.expected.update(paths)

    def copy_static(self, static_dir: Path, roots: tuple[str, ...]) -> int:
        return sum(self.write(relative, data) for relative, data in copy_tree_files(static_dir, roots))

    def keep_tree(self, relative: str) -> bool:
        # Hard links, file by file: the new site holds the very files (one link each, none
        # where the spare already has them), and the live site keeps them until the swap.
        found = False
        for path in files_under(self.out, relative):
            self.reuse(path)
            found = True
        return found

    def fresh_tree(self, relative: str) -> Path | None:
        return self.staging.fresh_tree(relative)

    def read(self, relative: str) -> bytes:
        return (self.staging.folder / relative).read_bytes()

    def commit(self) -> frozenset[str]:
        self.staging.commit()
        return frozenset(self._kept)

    def abort(self) -> None:
        if self._staging is not None:
            self._staging.abort()


class InPlace:
    """The preview's output: only changed files are written, and only if the build succeeds.

    Staging a whole site costs a folder per page (thousands of mkdir calls) on every save;
    the preview cannot afford that. Changed files go into a flat pending folder while
    the build runs and are renamed into place only at `commit`, after the build
    succeeded; then files the build no longer makes are removed. A failed build leaves
    the folder as it was. A preview killed during `commit` can leave a mix of old and
    new pages, which its next build replaces (the preview's folder is its own: nothing
    is published from it).

    One object serves every in-place build of a preview: it remembers the files its last
    commit left, so that the next build may trust its records instead of checking each
    file, and need not walk the folder for stale files when none can be.
    """

    workers_may_write = True
    makes_search_index = False
    files: Mapping[str, bytes] = {}

    def __init__(self, out: Path):
        self.out = out.resolve()
        self._previous: set[str] | None = None  # the files after the last commit
        self._pending: Path | None = None
        self.expected: set[str] = set()

    def current(self, records: Mapping[str, Record]) -> dict[str, str]:
        if self._previous is not None:  # the only writer of this folder since its last build
            return {path: key for path, (key, _, _) in records.items()}
        return stat_current(self.out, records)[0]

    def open(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        recover(self.out)
        self._pending = staging_name(self.out, "pending")
        self._pending.mkdir()
        self.expected = {STAMP}

    @staticmethod
    def _name(relative: str) -> str:
        return hashlib.sha1(relative.encode("utf-8")).hexdigest()

    def write(self, relative: str, data: bytes) -> bool:
        assert self._pending is not None, "the output was not opened"
        self.expected.add(relative)
        try:
            current = self.out / relative
            if current.stat().st_size == len(data) and current.read_bytes() == data:
                return False
        except OSError:
            pass
        (self._pending / self._name(relative)).write_bytes(data)
        return True

    def reuse(self, relative: str) -> None:
        self.expected.add(relative)

    def expect(self, paths: Iterable[str]) -> None:
        self.expected.update(paths)

    def copy_static(self, static_dir: Path, roots: tuple[str, ...]) -> int:
        return sum(self.write(relative, data) for relative, data in copy_tree_files(static_dir, roots))

    def keep_tree(self, relative: str) -> bool:
        # The preview indexes once, with its first (staged) build, and keeps that index:
        # it is rarely searched while editing, and saves must stay fast.
        kept = set(files_under(self.out, relative))
        self.expected |= kept
        return bool(kept)

    def fresh_tree(self, relative: str) -> Path | None:
        return None

    def read(self, relative: str) -> bytes:
        assert self._pending is not None, "the output was not opened"
        pending = self._pending / self._name(relative)
        return (pending if pending.exists() else self.out / relative).read_bytes()

    def commit(self) -> frozenset[str]:
        assert self._pending is not None, "the output was not opened"
        names = {self._name(relative): relative for relative in self.expected}
        written = set()
        for name in os.listdir(self._pending):
            target = self.out / names[name]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._pending / name, target)
            written.add(names[name])
        if self._previous is None or not self._previous <= self.expected:
            self._remove_stale()
        unchanged = frozenset(self.expected - written) if self._previous is not None else frozenset()
        self._previous = set(self.expected)
        self.abort()
        return unchanged

    def _remove_stale(self) -> None:
        for folder, _, files in os.walk(self.out, topdown=False):
            for file in files:
                path = Path(folder, file)
                if path.relative_to(self.out).as_posix() not in self.expected:
                    path.unlink()
            if folder != str(self.out) and not os.listdir(folder):
                os.rmdir(folder)
        (self.out / STAMP).write_bytes(STAMP_TEXT)

    def abort(self) -> None:
        if self._pending is not None:
            shutil.rmtree(self._pending, ignore_errors=True)
            self._pending = None


class InMemory:
    """Nothing touches the disk: `check`, and `build(write=False)`."""

    workers_may_write = False  # a forked worker's writes would stay in the worker
    makes_search_index = False

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def current(self, records: Mapping[str, Record]) -> dict[str, str]:
        return {}  # nothing was written before, so nothing can be reused

    def open(self) -> None:
        pass

    def write(self, relative: str, data: bytes) -> bool:
        self.files[relative] = data
        return True

    def reuse(self, relative: str) -> None:
        raise AssertionError("nothing is reused when nothing was written before")

    def expect(self, paths: Iterable[str]) -> None:
        pass

    def copy_static(self, static_dir: Path, roots: tuple[str, ...]) -> int:
        return 0

    def keep_tree(self, relative: str) -> bool:
        return False

    def fresh_tree(self, relative: str) -> Path | None:
        return None

    def read(self, relative: str) -> bytes:
        return self.files[relative]

    def commit(self) -> frozenset[str]:
        return frozenset()

    def abort(self) -> None:
        pass
