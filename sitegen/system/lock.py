"""One build of a project at a time: a lock file in its cache folder.

Two builds of one project at once (two terminals, or CI started twice) wrote over each
other's staging folders and cache, and the published search index lost the pages just
edited. `fcntl.flock` is held for the whole build; the system releases it when the
process ends, however it ends, so a lock left by a killed build is simply taken over.
The file names the holder (process id, command, start time) for the message the second
build gives.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path
from types import TracebackType

from sitegen.core.errors import Diagnostic

NAME = "build.lock"


class Busy(Exception):
    """Another build holds the lock: `finding` says which."""

    def __init__(self, finding: Diagnostic) -> None:
        super().__init__(finding.message)
        self.finding = finding


class BuildLock:
    """`with BuildLock(cache_dir):` around a build; raises Busy if another build has it."""

    def __init__(self, folder: Path, shown: str) -> None:
        self.path = folder / NAME
        self.shown = shown
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise Busy(
                Diagnostic(
                    self.shown,
                    None,
                    "build-running",
                    f"Another build of this project is running ({holder}). This one stopped, so that "
                    "the two do not write over each other; the published site is unchanged.",
                    "Wait for that build to finish, then build again.",
                )
            ) from None
        os.ftruncate(fd, 0)
        command = " ".join(os.path.basename(arg) for arg in sys.argv[:2])
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        os.pwrite(fd, f"process {os.getpid()}, {command}, started {started}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the lock
            self._fd = None
