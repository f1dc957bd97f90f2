"""Settings declared once, each checking its own value: the machinery of config.yaml's options.

A declaration says what a setting holds (`Text`, `Whole`, `Flag`, `List`, `Mapping`, or a
`Section` of settings), the value a new site gets, the checks its value must pass and the
`Config` field it fills; a setting of an earlier version is declared `Removed`, with what
to do about it. The site's own table of settings is `settings.OPTIONS`.

`read` walks the declarations over the YAML as written, and every problem is a finding
on the line it is about: an unknown key (with the closest known one), a value of the wrong
type (the default is used instead, so that one mistake is reported once) and a value one
of its checks refuses. A check is a function of the value (a `Section`'s: of its values)
and the setting's dotted name, returning what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sitegen.core import yamlread
from sitegen.core.errors import Diagnostic, Severity, did_you_mean


@dataclass(frozen=True)
class Problem:
    """What a check found: the finding's message and fix. `at`: the key or list item below
    the setting whose line the finding names (empty: the setting's own line)."""

    message: str
    fix: str
    code: str = "config-value"
    at: tuple[str | int, ...] = ()


# (the value as written, the setting's dotted name) -> what is wrong with it.
Check = Callable[[Any, str], Iterable[Problem]]

_SECTION = "'{}' must be a section of `key: value` lines."
_SECTION_FIX = "Write '{}:' alone on its line, and each of its settings below it, indented: `  key: value`."


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Option:
    """One setting: its default, its checks, and the `Config` field it fills ("": none,
    `load_config` reads it itself) through `clean` (the value as the Config holds it)."""

    default: Any
    checks: tuple[Check, ...] = ()
    field: str = ""
    clean: Callable[[Any], Any] = _same

    def accepts(self, value: object) -> bool:
        raise NotImplementedError

    def wrong_type(self, name: str, key: str, value: object) -> Problem:
        raise NotImplementedError


class Text(Option):
    def accepts(self, value: object) -> bool:
        return isinstance(value, str)

    def wrong_type(self, name: str, key: str, value: object) -> Problem:
        return Problem(f"'{name}' must be text.", "Put the value in double quotes.", "config-type")


class Whole(Option):
    def accepts(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def wrong_type(self, name: str, key: str, value: object) -> Problem:
        return Problem(
            f"'{name}' must be a whole number, not {value!r}.", f"For example: {key}: {self.default}", "config-type"
        )


class Flag(Option):
    def accepts(self, value: object) -> bool:
        return isinstance(value, bool)

    def wrong_type(self, name: str, key: str, value: object) -> Problem:
        return Problem(
            f"'{name}' must be true or false.", f"For example: {key}: {str(self.default).lower()}", "config-type"
        )


class List(Option):
    def accepts(self, value: object) -> bool:
        return isinstance(value, list)

    def wrong_type(self, name: str, key: str, value: object) -> Problem:
        return Problem(
            f"'{name}' must be a list, such as [a.md, b.md].",
            f"Put the items in square brackets, {key}: [a.md, b.md], or write each below it as `- a.md`.",
            "config-type",
        )


class Mapping(Option):
    """A free mapping, its shape checked elsewhere (`checks:` by checks/)."""

    def accepts(self, value: object) -> bool:
        return isinstance(value, dict)

    def wrong_type(self, name: str, key: str, value: object) -> Problem:
        return Problem(_SECTION.format(name), _SECTION_FIX.format(key), "config-type")


@dataclass(frozen=True)
class Removed:
    """A setting of an earlier version: a warning with what to do (`fix`)."""

    fix: str


@dataclass(frozen=True)
class Section:
    """Settings under one key (`review:`); `checks` are of its values together."""

    options: dict[str, Option | Section | Removed]
    checks: tuple[Check, ...] = ()

    @property
    def known(self) -> list[str]:
        """The keys an editor may write here (a removed one is not offered)."""
        return [key for key, declared in self.options.items() if not isinstance(declared, Removed)]


def read(
    section: Section, data: dict[Any, Any], doc: yamlread.YamlDocument, shown: str
) -> tuple[dict[str, Any], dict[str, Any], list[Diagnostic]]:
    """(the values, defaults where a setting is missing or wrong; the `Config` fields they
    fill, cleaned; the findings) for `data`, config.yaml as written."""
    reading = _Reading(doc, shown)
    values = reading.section(section, data, ())
    return values, reading.fields, reading.found


class _Reading:
    def __init__(self, doc: yamlread.YamlDocument, shown: str) -> None:
        self.doc = doc
        self.shown = shown
        self.found: list[Diagnostic] = []
        self.fields: dict[str, Any] = {}

    def add(self, where: tuple[Any, ...], problem: Problem, severity: Severity = Severity.ERROR) -> None:
        line = self.doc.line(*where, *problem.at)
        self.found.append(Diagnostic(self.shown, line, problem.code, problem.message, problem.fix, severity))

    def section(self, section: Section, data: dict[Any, Any], where: tuple[str, ...]) -> dict[str, Any]:
        self.unknown(section, data, where)
        values: dict[str, Any] = {}
        for key, declared in section.options.items():
            if isinstance(declared, Section):
                values[key] = self.subsection(declared, data.get(key), (*where, key))
            elif isinstance(declared, Option):
                values[key] = self.option(declared, data.get(key), (*where, key))
        self.check(section.checks, values, where)
        return values

    def unknown(self, section: Section, data: dict[Any, Any], where: tuple[str, ...]) -> None:
        for key in data:
            declared = section.options.get(key)
            name = ".".join(map(str, (*where, key)))
            if isinstance(declared, Removed):
                problem = Problem(f"The setting '{name}' is no longer used.", declared.fix, "config-unknown-key")
                self.add((*where, key), problem, Severity.WARNING)
            elif declared is None:
                problem = Problem(f"Unknown setting '{name}'.", did_you_mean(key, section.known), "config-unknown-key")
                self.add((*where, key), problem)

    def subsection(self, section: Section, given: object, where: tuple[str, ...]) -> dict[str, Any]:
        if given is not None and not isinstance(given, dict):
            self.add(where, Problem(_SECTION.format(".".join(where)), _SECTION_FIX.format(where[-1]), "config-type"))
            given = None
        return self.section(section, given or {}, where)

    def option(self, option: Option, given: object, where: tuple[str, ...]) -> Any:
        if given is None:
            value = option.default
        elif not option.accepts(given):
            self.add(where, option.wrong_type(".".join(where), where[-1], given))
            value = option.default
        else:
            value = given
            if self.check(option.checks, value, where):
                return value
        if option.field:
            self.fields[option.field] = option.clean(value)
        return value

    def check(self, checks: tuple[Check, ...], value: Any, where: tuple[str, ...]) -> bool:
        """Run `checks` on `value`; whether any found a problem."""
        before = len(self.found)
        for check in checks:
            for problem in check(value, ".".join(where)):
                self.add(where, problem)
        return len(self.found) > before
