"""Typed access to one mapping of front matter (or of a YAML file), recording a problem,
with its line, for every value that is not what the field needs."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any, Protocol

from sitegen.content.dates import date_problem
from sitegen.core.article import FieldPath
from sitegen.core.errors import Diagnostic, Severity, did_you_mean


class LineOf(Protocol):
    """The line of a front matter key path (Source.line_of, YamlDocument.line)."""

    def __call__(self, *path: str | int) -> int | None: ...


class Fields:
    """Typed access to one mapping of front matter, recording problems as it goes."""

    def __init__(
        self,
        data: dict[Any, Any],  # a YAML mapping as written: these methods check each value
        file: str,
        line_of: LineOf,
        prefix: FieldPath = (),
    ) -> None:
        self.data, self.file, self.line_of, self.prefix = data, file, line_of, prefix
        self.problems: list[Diagnostic] = []

    def problem(self, key: str | int, code: str, message: str, hint: str, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Diagnostic(self.file, self.line_of(*self.prefix, key), code, message, hint, severity))

    def name(self, key: str) -> str:
        parts = [str(p) if isinstance(p, str) else f"[{p + 1}]" for p in self.prefix + (key,)]
        return " ".join(parts)

    def unknown_keys(self, allowed: Collection[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.problem(key, "unknown-key", f"Unknown front-matter key '{key}'.", did_you_mean(key, allowed))

    def text(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(
                    key,
                    "missing-field" if value is None else "empty-field",
                    f"'{self.name(key)}' is required{'' if value is None else ' but empty'}.",
                    f"Add a line `{key}: ...` with {_describe(self.prefix, key)}.",
                )
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.problem(
                key,
                "wrong-type",
                f"'{self.name(key)}' must be text, not a {_kind(value)}.",
                "Write it on one line after the colon; put it in double quotes if it contains a colon.",
            )
            return ""
        return " ".join(value.split())

    def day(self, key: str, required: bool = False) -> date | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(
                    key,
                    "missing-field",
                    f"'{key}' is required.",
                    f"Add `{key}: {date.today().isoformat()}` (YYYY-MM-DD).",
                )
            return None
        if isinstance(value, datetime):
            # `reviewed: 2026-01-31 09:30:00` is a datetime, a subclass of date that the
            # templates cannot compare with a date (sitemap.xml failed): keep the day.
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(key, "bad-date", *date_problem(key, str(value).strip()))
            return None

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(
                key,
                "wrong-type",
                f"'{key}' must be a list.",
                f"Write one item per line under `{key}:`, each starting with `- `.",
            )
            return ()
        items: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                self.problems.append(
                    Diagnostic(
                        self.file,
                        self.line_of(key, index),
                        "wrong-type",
                        f"Item {index + 1} of '{key}' must be non-empty text.",
                        "Each item is one line of text after `- `; quote it if it contains a colon.",
                    )
                )
                continue
            items.append(" ".join(item.split()))
        return tuple(items)

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.problem(
                key, "wrong-type", f"'{key}' must be true or false.", f"Write `{key}: true` or `{key}: false`."
            )
            return False
        return value


_DESCRIBE = {
    "title": "the article's title",
    "summary": "one or two sentences for the home page and search results",
    "definition": "a plain-language definition",
    "term": "the word being defined",
}


def _describe(prefix: FieldPath, key: str) -> str:
    # A reference's title is not "the article's title": the hint must name the right one.
    if prefix[:1] == ("references",) and key == "title":
        return "the title of the cited paper or page"
    return _DESCRIBE.get(key, "a value")


def _kind(value: Any) -> str:
    return {dict: "mapping", list: "list", bool: "true/false value"}.get(type(value), type(value).__name__)
