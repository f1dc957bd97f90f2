"""glossary.yaml to `GlossaryTerm`s: each entry's fields checked, each term and alias
defined once."""

from __future__ import annotations

from typing import Any

from sitegen.content.fields import Fields
from sitegen.core.article import GlossaryTerm
from sitegen.core.errors import Diagnostic
from sitegen.core.slugs import slugify
from sitegen.core.yamlread import YamlDocument

GLOSSARY_KEYS = ("term", "aliases", "definition", "see_also")


def validate_glossary(doc: YamlDocument, file: str) -> tuple[tuple[GlossaryTerm, ...], list[Diagnostic]]:
    if not isinstance(doc.data, list):
        return (), [
            Diagnostic(
                file,
                1,
                "glossary-not-list",
                "The glossary must be a list of terms.",
                "Start each entry with `- term: ...` followed by `definition: ...`.",
            )
        ]
    terms: list[GlossaryTerm] = []
    problems: list[Diagnostic] = []
    seen: dict[str, int | None] = {}  # casefolded term or alias -> its entry's line
    for index, item in enumerate(doc.data):
        line_of = lambda *path: doc.line(*path)  # noqa: E731
        if not isinstance(item, dict):
            problems.append(
                Diagnostic(
                    file,
                    doc.line(index),
                    "glossary-entry",
                    f"Entry {index + 1} is not a set of fields.",
                    "Write `- term: ...` then `definition: ...` indented below it.",
                )
            )
            continue
        fields = Fields(item, file, line_of, (index,))
        fields.unknown_keys(GLOSSARY_KEYS)
        term = GlossaryTerm(
            term=fields.text("term", required=True),
            slug="",
            definition=fields.text("definition", required=True),
            aliases=_nested_strings(item, "aliases", fields),
            see_also=_nested_strings(item, "see_also", fields),
            line=doc.line(index),
        )
        for name in (term.term, *term.aliases):
            key = name.casefold()
            if key and key in seen:
                fields.problem(
                    "term",
                    "glossary-duplicate",
                    f"'{name}' is defined twice (also on line {seen[key]}).",
                    "Keep one definition; list other spellings under `aliases:`.",
                )
            seen.setdefault(key, term.line)
        problems.extend(fields.problems)
        if not fields.problems:
            terms.append(
                GlossaryTerm(term.term, slugify(term.term), term.definition, term.aliases, term.see_also, term.line)
            )
    terms.sort(key=lambda t: t.term.casefold())
    return tuple(terms), problems


def _nested_strings(item: dict[Any, Any], key: str, fields: Fields) -> tuple[str, ...]:  # item: YAML
    inner = Fields(item, fields.file, lambda *p: fields.line_of(*fields.prefix, *p))
    values = inner.strings(key)
    fields.problems.extend(inner.problems)
    return values
