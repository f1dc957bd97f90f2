"""The Markdown pass's time budget: a body that takes too long to convert is stopped
and becomes a finding of its file (issue 28), and every other article still builds.
execute.py converts each body `within` its `markdown_budget`."""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
import time
from collections.abc import Iterator

from sitegen.core.errors import Diagnostic
from sitegen.markup import Markup

MARKDOWN_SECONDS = 10.0
MARKDOWN_SECONDS_PER_MB = 4.0
"""The time one article body may take in the Markdown pass: 10 s, and 4 s more per MB of body
(issue 28). A real article converts in milliseconds and a 5 MB one in about 5 s on a busy
2-core machine, so the budget is far from anything an editor writes; a body that still
takes longer (a pathological shape no fix has reached) is stopped there and becomes a
finding of its file, and every other article still builds. Not configurable: no real
article comes near it."""


def markdown_budget(body: str) -> float:
    """Seconds the Markdown pass may spend on `body` (see MARKDOWN_SECONDS)."""
    return MARKDOWN_SECONDS + MARKDOWN_SECONDS_PER_MB * len(body) / 1_000_000


class TooSlow(BaseException):
    """Raised in a thread whose conversion ran out of its budget (by the watchdog). Not an
    Exception, so that no `except Exception` in Markdown code it interrupts takes it."""


class _Watchdog:
    """One thread per process that stops a conversion overrunning its budget: it raises
    TooSlow in the converting thread (any thread, the main one or not, in the build's own
    process or a forked worker). Python raises it at the next bytecode, so a conversion
    stops within moments of its deadline; only a single C call (one regex search) runs on
    to its end first."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Condition()
        self.armed: dict[int, float] = {}  # thread ident -> deadline (time.monotonic)
        self.fired: set[int] = set()
        # When the watching thread wakes next (inf: only when told). A conversion that ends
        # before that time needs no word to it, so arming wakes it only for an earlier
        # deadline: one wake-up per build, not two thread switches per article.
        self.wake_at = float("inf")
        threading.Thread(target=self._watch, name="markdown-budget", daemon=True).start()

    def _watch(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                for ident, deadline in list(self.armed.items()):
                    if deadline <= now:
                        del self.armed[ident]
                        self.fired.add(ident)
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(TooSlow))
                self.wake_at = min(self.armed.values(), default=float("inf"))
                self.lock.wait(None if self.wake_at == float("inf") else max(0.0, self.wake_at - now))

    @contextlib.contextmanager
    def budget(self, seconds: float) -> Iterator[None]:
        ident = threading.get_ident()
        with self.lock:
            deadline = self.armed[ident] = time.monotonic() + seconds
            if deadline < self.wake_at:
                self.wake_at = deadline  # the watching thread's wait is cut to it now
                self.lock.notify()
        try:
            yield
        finally:
            with self.lock:
                self.armed.pop(ident, None)
                if ident in self.fired:  # raised, or about to be: never let it escape later
                    self.fired.discard(ident)
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)


_watchdog: _Watchdog | None = None


def within(seconds: float) -> contextlib.AbstractContextManager[None]:
    """A context in which the calling thread gets TooSlow once `seconds` have passed."""
    global _watchdog
    if _watchdog is None or _watchdog.pid != os.getpid():  # none yet, or inherited by a fork (its thread is not)
        _watchdog = _Watchdog()
    return _watchdog.budget(seconds)


def too_slow(file: str, line: int, seconds: float) -> Markup:
    """What a body that ran out of its budget converts to: no HTML, and the finding."""
    return _no_text(
        Diagnostic(
            file,
            line,
            "markdown-too-slow",
            f"This article takes too long to convert (over {seconds:.3g} s): it was stopped, and its page has no text.",
            "Look for a long run of unusual characters (many unclosed '[' or '(', deep nesting, "
            "text pasted from another program) and remove it, or split the article into smaller ones.",
        )
    )


def failed(file: str, line: int, error: BaseException) -> Markup:
    """What a body whose conversion failed converts to: no HTML, and the finding."""
    return _no_text(
        Diagnostic(
            file,
            line,
            "markdown-failed",
            f"This article could not be converted ({type(error).__name__}: {str(error)[:200]}).",
            "Look for unusual markup in it (deep nesting, long runs of brackets or symbols) and simplify it; "
            "if the article looks ordinary, report it together with the file.",
        )
    )


def _no_text(finding: Diagnostic) -> Markup:
    return Markup("", (), (), (finding,), prose=())
