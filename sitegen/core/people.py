"""content/people.yaml: who an article can name as its author or reviewer.

Read with config.yaml (`load_config`) and part of the `Config`, so that a change to a
person rebuilds what shows them. Each entry's problems are findings with their lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.core import yamlread
from sitegen.core.errors import Diagnostic, did_you_mean
from sitegen.core.sources import display_path

PEOPLE_FILE = "people.yaml"  # in the content folder, beside glossary.yaml
PERSON_KEYS = ("name", "names", "credentials", "role", "clinician", "organization")
# How an article names someone from the people file: lower case, digits and single hyphens
# (`jane-roe`). Anything else (`Editorial team`, `Dr Jane Roe`) is a name written as plain text.
PERSON_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Person:
    """Someone an article can name as its author or reviewer, from content/people.yaml."""

    key: str
    name: str
    credentials: str = ""
    role: str = ""
    clinician: bool = False
    organization: bool = False  # a team or body rather than one person (JSON-LD Organization)
    line: int | None = None
    # The name as it reads in a sentence of another language: {"es": "el equipo editorial"}.
    names: tuple[tuple[str, str], ...] = ()

    @property
    def in_sentence(self) -> str:
        """The name as it reads after "Reviewed by": a team named like a common noun
        ("Editorial team") takes "the" and a small letter; proper names stay as they are."""
        name = self.name
        if self.organization and len(name) > 1 and name[1].islower() and not name.lower().startswith("the "):
            return "the " + name[0].lower() + name[1:]
        return name

    def in_sentence_in(self, language: str) -> str:
        """`in_sentence` in a page of `language` ("" for the site's own): its `names` entry,
        else the name as written."""
        if not language:
            return self.in_sentence
        return dict(self.names).get(language, self.name)


def load_people(path: Path, root: Path, roots: tuple[str, ...], diagnostics: list[Diagnostic]) -> dict[str, Person]:
    """content/people.yaml (optional): `key: {name, names, credentials, role, clinician, organization}`."""
    shown = display_path(path, root)
    doc, problems = yamlread.read_file(path, roots, shown)
    diagnostics.extend(problems)
    if doc is None:
        return {}
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        diagnostics.append(
            Diagnostic(
                shown,
                1,
                "people-not-mapping",
                "The people file must list people by key.",
                "Start each entry with its key on its own line, e.g. `jane-roe:`, "
                "then `name: ...` and the other fields indented below it.",
            )
        )
        return {}
    people: dict[str, Person] = {}
    for key, entry in doc.data.items():
        line = doc.line(key)
        key = str(key)
        if not PERSON_KEY.match(key):
            diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    "people-key",
                    f"The key {key!r} cannot be used to name a person.",
                    "Use lower-case letters, digits and single hyphens, e.g. `jane-roe:`.",
                )
            )
            continue
        if not isinstance(entry, dict):
            diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    "people-entry",
                    f"The entry for '{key}' must be a set of fields.",
                    "Indent `name: ...`, `credentials: ...`, `role: ...` and `clinician: true` or "
                    "`clinician: false` below the key.",
                )
            )
            continue
        person = _person(key, entry, line, doc, shown, diagnostics)
        if person is not None:
            people[key] = person
    return people


def _person(
    key: str,
    entry: dict[Any, Any],  # YAML: its keys are whatever the editor wrote
    line: int | None,
    doc: yamlread.YamlDocument,
    shown: str,
    diagnostics: list[Diagnostic],
) -> Person | None:
    """One entry of the people file, or None when it has problems (added to `diagnostics`)."""
    before = len(diagnostics)
    for field_name in entry:
        if field_name not in PERSON_KEYS:
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(key, field_name),
                    "people-unknown-key",
                    f"Unknown field '{field_name}' for '{key}'.",
                    did_you_mean(field_name, PERSON_KEYS),
                )
            )
    texts: dict[str, str] = {}
    for name in ("name", "credentials", "role"):
        value = entry.get(name)
        if value is not None and not isinstance(value, str):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(key, name),
                    "people-type",
                    f"'{name}' of '{key}' must be text.",
                    "Put the value in double quotes.",
                )
            )
            value = None
        texts[name] = " ".join((value or "").split())
    if not texts["name"]:
        diagnostics.append(
            Diagnostic(
                shown,
                line,
                "people-name",
                f"'{key}' has no name.",
                f"Add `name: ...` below `{key}:`, as it should appear on the page.",
            )
        )
    flags: dict[str, bool] = {}
    for name in ("clinician", "organization"):
        value = entry.get(name, False)
        if not isinstance(value, bool):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(key, name),
                    "people-type",
                    f"'{name}' of '{key}' must be true or false.",
                    f"Write `{name}: true` or `{name}: false`.",
                )
            )
            value = False
        flags[name] = value
    if "clinician" not in entry:
        diagnostics.append(
            Diagnostic(
                shown,
                line,
                "people-clinician",
                f"'{key}' does not say whether they are a clinician.",
                f"Add `clinician: true` (a doctor, nurse or other licensed clinician) or `clinician: false` below `{key}:`.",
            )
        )
    names = entry.get("names") or {}
    if not isinstance(names, dict) or not all(
        isinstance(code, str) and isinstance(text, str) and text.strip() for code, text in names.items()
    ):
        diagnostics.append(
            Diagnostic(
                shown,
                doc.line(key, "names"),
                "people-type",
                f"'names' of '{key}' must list a language code and the name in that language on each line.",
                "For example: `names: {es: el equipo editorial}`.",
            )
        )
    if len(diagnostics) != before:
        return None
    return Person(
        key,
        texts["name"],
        texts["credentials"],
        texts["role"],
        flags["clinician"],
        flags["organization"],
        line,
        tuple(sorted((code, " ".join(text.split())) for code, text in names.items())),
    )
