"""Diagnostics: every problem the generator finds is a value, never an exception.

A `Diagnostic` names the file, line and column, a stable `code` (editors and CI
can search for it), what is wrong (`message`) and how to fix it (`hint`).
Stages collect them and hand them on; `cli` decides how to print them.
A code's level, and its fix when the finding gives none, come from the table of codes
(`codes.CODES`): a code whose level never varies is reported at that level, whatever the caller says.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass
from enum import Enum

from sitegen.core.codes import CODES


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int | None
    code: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    column: int | None = None
    # The offending source line, shown under the message so the editor sees it.
    excerpt: str = ""

    def __post_init__(self) -> None:
        entry = CODES.get(self.code)
        if entry is None:
            return  # tests/test_codes.py makes sure every code the generator reports is in the table
        if not entry.otherwise and self.severity.value != entry.level:
            object.__setattr__(self, "severity", Severity(entry.level))
        if not self.hint:
            object.__setattr__(self, "hint", entry.fix)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        """Human-readable, several lines: location, problem, the line itself, the fix."""
        text = f"{self.location()}: {self.severity.value}: {self.message} [{self.code}]"
        if self.excerpt:
            text += f"\n    {self.line or '':>4} | {self.excerpt}"
            if self.column:
                text += "\n         | " + " " * (self.column - 1) + "^"
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text

    def to_json(self) -> dict[str, str | int | None]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def to_github(self) -> str:
        """A GitHub Actions workflow command, so the finding shows on the diff."""
        kind = "error" if self.is_error else "warning"
        props = [f"file={self.file}"]
        if self.line:
            props.append(f"line={self.line}")
        if self.column:
            props.append(f"col={self.column}")
        props.append(f"title={self.code}")
        body = self.message + (f" Fix: {self.hint}" if self.hint else "")
        body = body.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{kind} {','.join(props)}::{body}"


def count(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for diagnostic in diagnostics:
        if diagnostic.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    diagnostics = list(diagnostics)
    errors, warnings = count(diagnostics)
    files = len({d.file for d in diagnostics})
    plural: Callable[[int, str], str] = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"  # noqa: E731
    return f"{plural(errors, 'error')} and {plural(warnings, 'warning')} in {plural(files, 'file')}"


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.file, diagnostic.line or 0, diagnostic.column or 0, diagnostic.code)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(d.format() for d in sorted(diagnostics, key=sort_key))


def format_json(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(json.dumps(d.to_json(), ensure_ascii=False) for d in sorted(diagnostics, key=sort_key))


LISTED = 30  # at most this many choices are listed in a fix (every key of config.yaml); the rest are counted


def did_you_mean(word: object, choices: Collection[str], what: str = "keys") -> str:
    """The fix for a word that is not one of `choices`: the closest one, or the list of them
    (the first LISTED, and how many more: a list of 2,000 article names helps no one)."""
    return _did_you_mean(str(word), tuple(choices), what)


@functools.lru_cache(maxsize=256)
def _did_you_mean(word: str, choices: tuple[str, ...], what: str) -> str:
    # Kept: the preview reports the same unknown name on every save, and matching one
    # against thousands of article names takes tens of milliseconds.
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if match:
        return f"Did you mean '{match[0]}'?"
    names = sorted(map(str, choices))
    more = f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return f"Allowed {what}: " + ", ".join(names[:LISTED]) + more + "."
