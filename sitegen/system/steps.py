"""A build's steps: each named and timed, and shown on a terminal while a long build runs.

`Steps` is what the Builder times its steps with (`with steps("search index"): ...`);
the names and seconds end up in `BuildResult.timings`, which `build --timings` prints as
a table (Zola logs its steps the same way). `Progress` is whatever shows them as they
happen: the command line's `TerminalProgress` writes one line that updates in place,
and only on a terminal, only once a build has run for a second, and never with
`--quiet` or in CI, so logs stay as they were.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO


class Progress(Protocol):
    def __call__(self, step: str, done: int | None = None, total: int | None = None) -> None:
        """The step now running ("" when the build is over), and how far it is, if known."""
        ...


class Steps:
    """Times the steps of one build into `timings`, telling `progress` of each."""

    def __init__(self, timings: list[tuple[str, float]], progress: Progress | None = None) -> None:
        self.timings, self.progress = timings, progress

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self.progress is not None:
            self.progress(name)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - started))

    def done(self) -> None:
        if self.progress is not None:
            self.progress("")


def timings_table(timings: list[tuple[str, float]], total: float) -> str:
    """The steps of a build and their seconds, as `build --timings` prints them."""
    width = max([len(name) for name, _ in timings] + [len("the whole build")])
    lines = [f"{'step':<{width}}  seconds", f"{'-' * width}  -------"]
    lines += [f"{name:<{width}}  {seconds:7.3f}" for name, seconds in timings]
    lines.append(f"{'the whole build':<{width}}  {total:7.3f}")
    return "\n".join(lines)


class TerminalProgress:
    """One line on a terminal that says what a long build is doing, updated in place."""

    DELAY = 1.0  # seconds before anything is shown: a quick build prints nothing more
    INTERVAL = 0.1  # seconds between two updates of the line

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self.shown = False
        self._last = 0.0

    @staticmethod
    def wanted(stream: TextIO, quiet: bool) -> bool:
        """Whether to show progress: on a terminal, not asked to be quiet, not in CI."""
        return not quiet and not os.environ.get("CI") and stream.isatty()

    def __call__(self, step: str, done: int | None = None, total: int | None = None) -> None:
        now = time.monotonic()
        if not step:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            return
        if now - self.started < self.DELAY or (done is not None and now - self._last < self.INTERVAL):
            return
        self._last = now
        counted = f": {done:,} of {total:,}" if done is not None and total else ""
        self.stream.write(f"\r\x1b[KBuilding: {step}{counted}…")
        self.stream.flush()
        self.shown = True
