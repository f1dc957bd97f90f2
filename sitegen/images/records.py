"""content/images/images.yaml: one record per image file (credit, licence, optional long
description and caption, optional `decorative: true`, and the same words again under
another language's code), read and checked key by key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.core import yamlread
from sitegen.core.errors import Diagnostic, did_you_mean

RECORDS_FILE = "images.yaml"
RECORD_KEYS = ("credit", "licence", "long_description", "decorative", "caption")
# What a record may give again in another language, under that language's code (issue 31):
#   credit: Drawn by the editorial team
#   es: {credit: Dibujo del equipo editorial, caption: ..., long_description: ...}
LANGUAGE_KEYS = ("credit", "caption", "long_description")


@dataclass(frozen=True)
class Record:
    """An image's entry in images.yaml."""

    credit: str = ""
    licence: str = ""  # as written: "site", or the licence's name
    long_description: str = ""
    decorative: bool = False
    line: int | None = None  # of the entry's key in images.yaml
    caption: str = ""  # the caption of a figure whose article gives none
    # Each other language's words: (language, credit, caption, long description), "" where
    # the record does not give one. Plain tuples: the cache unpickles only known classes.
    languages: tuple[tuple[str, str, str, str], ...] = ()

    def words(self, language: str) -> tuple[str, str, str]:
        """(credit, caption, long description) in `language`: its own where the record gives
        them, else "" (the caller decides whether the default language's will do)."""
        for code, credit, caption, described in self.languages:
            if code == language:
                return credit, caption, described
        return "", "", ""


def read_records(
    path: Path, shown: str, roots: tuple[str, ...], languages: tuple[str, ...] = ()
) -> tuple[dict[str, Record], list[Diagnostic]]:
    """images.yaml's records; `languages`: the codes a record may give its words again under."""
    doc, refused = yamlread.read_file(path, roots, shown)
    if doc is None:
        return {}, refused
    data = doc.data if doc.data is not None else {}
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        return {}, [
            Diagnostic(
                shown,
                1,
                "image-record-shape",
                f"{RECORDS_FILE} must list each image file by name, with its details indented under it.",
                "For example:\nscan.png:\n  credit: Drawn by the editorial team\n  licence: site",
            )
        ]
    records: dict[str, Record] = {}
    for name, entry in data.items():
        line = doc.line(name)
        if not isinstance(entry, dict):
            problems.append(
                Diagnostic(
                    shown,
                    line,
                    "image-record-shape",
                    f"The record of {name} must be indented `key: value` lines (credit, licence, ...).",
                    "Put `credit:` and `licence:` on their own lines, indented under the file name.",
                )
            )
            continue
        local: list[tuple[str, str, str, str]] = []
        for key in entry:
            if key in languages and isinstance(entry[key], dict):
                for inner in entry[key]:
                    if inner not in LANGUAGE_KEYS:
                        problems.append(
                            Diagnostic(
                                shown,
                                doc.line(name, key, inner),
                                "image-record-key",
                                f"The record of {name} has an unknown detail '{inner}' under '{key}'.",
                                did_you_mean(str(inner), LANGUAGE_KEYS)
                                + f" Under '{key}:' a record gives only: {', '.join(LANGUAGE_KEYS)}.",
                            )
                        )
                words = entry[key]
                local.append(
                    (
                        str(key),
                        _text(words, "credit"),
                        _text(words, "caption"),
                        " ".join(_text(words, "long_description").split()),
                    )
                )
            elif key not in RECORD_KEYS:
                problems.append(
                    Diagnostic(
                        shown,
                        doc.line(name, key),
                        "image-record-key",
                        f"The record of {name} has an unknown detail '{key}'.",
                        did_you_mean(key, RECORD_KEYS + languages),
                    )
                )

        records[str(name)] = Record(
            _text(entry, "credit"),
            _text(entry, "licence"),
            " ".join(_text(entry, "long_description").split()),
            entry.get("decorative") is True,
            line,
            _text(entry, "caption"),
            tuple(local),
        )
    return records, problems


def _text(entry: dict[Any, Any], key: str) -> str:
    value = entry.get(key)
    return str(value).strip() if value is not None and not isinstance(value, (dict, list)) else ""
