"""Slips in front matter that YAML reads without complaint but that would publish a wrong page.

Editors paste front matter from Word or Google Docs, or type it on a phone. Two kinds of slip
have a certain meaning and are mended before YAML reads the lines (each line stays in place):
a no-break space where YAML needs a space (indentation, after `key:` or `-`), and curly quotes
(“ ” ‘ ’ « » „ “) around a whole value, which are read as the straight quotes they stand for.
The others are reported at their line, with the fix:

- `front-matter-hash`: a `#` after a space starts a YAML comment, so `title: Your #1 question`
  is published as "Your". In the fields readers see (title, summary, takeaways...) any comment
  after the value on its line is reported, and so is a line of the value that starts with `#`.
  Elsewhere the README's own style, `reviewer: editorial-team  # a key of people.yaml`, is
  fine; there only a `#` directly followed by text (`#2`, `#section`) is taken for a slip.
  A comment after a date, a number or true/false cannot have cut it short: the value read is
  the whole date or number (text after it would have made it text), so it is fine.
- `front-matter-markdown`: front matter is plain text; `**bold**`, links, images and citations
  written there would be shown as typed.
- `front-matter-list`: a list field (takeaways, questions, tags, aliases) written as one text:
  items pasted with bullets (• · – 1. 1) -A), lines without `- `, or tags separated by commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sitegen.core.errors import Diagnostic
from sitegen.core.yamlread import Path, Plain, YamlDocument

# Fields shown to readers as text: Markdown is not converted in them, and a comment cut from
# them is always text lost.
SHOWN = ("title", "summary", "disclaimer")
SHOWN_LISTS = ("takeaways", "questions", "tags")
SHOWN_IN_REFERENCE = ("title", "authors", "journal")
LISTS = ("takeaways", "questions", "tags", "aliases")
ONE_LINE = ("tags", "aliases")  # short names, written in brackets: `tags: [MRI basics, Lesions]`


def shown(path: Path) -> bool:
    if len(path) == 1:
        return path[0] in SHOWN
    if len(path) == 2:
        return path[0] in SHOWN_LISTS and isinstance(path[1], int)
    return len(path) == 3 and path[0] == "references" and isinstance(path[1], int) and path[2] in SHOWN_IN_REFERENCE


def _name(path: Path) -> str:
    """'title', 'takeaways' item 2, reference 1's 'journal'."""
    if len(path) == 2 and isinstance(path[1], int):
        return f"item {path[1] + 1} of '{path[0]}'"
    if len(path) == 3 and isinstance(path[1], int):
        return f"the '{path[2]}' of reference {path[1] + 1}"
    return f"'{path[0]}'"


# --- mended before YAML reads the lines --------------------------------------------------------

_NBSP = "\u00a0\u202f"
# Indentation, `- ` markers and the gap after `key:`, where a no-break space can only mean a space.
_LEAD = re.compile(r"^[ \u00a0\u202f]*(?:-[ \t\u00a0\u202f]+)*(?:[A-Za-z_][\w-]*:[ \t\u00a0\u202f]*)?")
_PAIRS = {
    "\u201c": "\u201d\u201c",
    "\u201e": "\u201c\u201d",
    "\u2018": "\u2019",
    "\u00ab": "\u00bb",
    "\u201a": "\u2019\u2018",
}
_OPENERS = "".join(_PAIRS)
# A whole value in curly quotes: after `key: ` or `- `, up to the end of the line or a comment.
_CURLY_VALUE = re.compile(
    r"^(?P<lead>[ ]*(?:-[ ]+)*(?:[A-Za-z_][\w-]*:[ ]+)?)(?P<open>[" + _OPENERS + r"])"
    r"(?P<value>[^\"\n]*)(?P<close>[\u201d\u201c\u2019\u2018\u00bb])(?P<rest>[ ]*(?:#.*)?)$"
)
# One item of a list in brackets: `tags: [“MRI basics”, Lesions]`.
_CURLY_ITEM = re.compile(
    r"(?P<lead>[\[,][ ]*)(?P<open>["
    + _OPENERS
    + r"])(?P<value>[^\"\[\],\n]*?)(?P<close>[\u201d\u201c\u2019\u2018\u00bb])(?=[ ]*[,\]])"
)


def mend(lines: list[str]) -> list[str]:
    """The front matter's lines with the certain slips mended, each line in its place."""
    return [_mend_line(line) for line in lines]


def _mend_line(line: str) -> str:
    if "\u00a0" in line or "\u202f" in line or "-\t" in line:
        lead = _LEAD.match(line)
        if lead is not None:  # a tab after `-` too: YAML takes one after `key:`, not after `-`
            mended = re.sub("[" + _NBSP + "]", " ", lead.group()).replace("-\t", "- ")
            line = mended + line[lead.end() :]
    if any(c in line for c in _OPENERS):
        line = _CURLY_VALUE.sub(_straight, line)
        if "[" in line:
            line = _CURLY_ITEM.sub(_straight, line)
    return line


def _straight(found: re.Match[str]) -> str:
    value, close = found["value"], found["close"]
    if close not in _PAIRS[found["open"]] or found["open"] in value or (close in value and close != "\u2019"):
        return found.group()  # not one pair around the whole value: leave it to YAML and the checks
    quoted = value.replace("\\", "\\\\")
    return f'{found["lead"]}"{quoted}"{found.groupdict().get("rest") or ""}'


# --- reported ------------------------------------------------------------------------------------


def slips(doc: YamlDocument, lines: list[str], first_line: int, file: str) -> list[Diagnostic]:
    """Every slip of the front matter `lines` (which start at file line `first_line`)."""
    problems: list[Diagnostic] = []
    if any("#" in line for line in lines):
        problems.extend(_hash_problems(doc, lines, first_line, file))
    data = doc.data if isinstance(doc.data, dict) else {}
    problems.extend(_list_problems(doc, data, lines, first_line, file))
    for path, value in _shown_texts(data):
        problem = markdown_in(value)
        if problem is not None:
            what, fix = problem
            problems.append(
                Diagnostic(
                    file,
                    doc.line(*path),
                    "front-matter-markdown",
                    f"{_name(path).capitalize()} has {what}: front matter is plain text, "
                    "and Markdown is not converted there, so it would be shown as typed.",
                    fix,
                    excerpt=_text_at(lines, doc.line(*path), first_line),
                )
            )
    return problems


def _text_at(lines: list[str], line: int | None, first_line: int) -> str:
    index = (line or 0) - first_line
    return lines[index] if 0 <= index < len(lines) else ""


def _hash_problems(doc: YamlDocument, lines: list[str], first_line: int, file: str) -> Iterator[Diagnostic]:
    for path, plain in doc.plain.items():
        end = _text_at(lines, plain.end_line, first_line)
        rest = end[plain.end_column :]
        is_shown = shown(path)
        comment = rest.lstrip(" \t")
        if comment.startswith("#") and len(comment) < len(rest):
            after = comment[1:2]
            if is_shown or (plain.tag.endswith(":str") and after.strip() and after != "#"):
                yield _hash_diagnostic(path, plain, end, file, same_line=True)
                continue
        if is_shown and not comment:
            below = _text_at(lines, plain.end_line + 1, first_line)
            indent = len(below) - len(below.lstrip(" "))
            if below[indent : indent + 1] == "#" and indent > plain.owner_column:
                yield _hash_diagnostic(path, plain, below, file, same_line=False)


def _hash_diagnostic(path: Path, plain: Plain, text: str, file: str, same_line: bool) -> Diagnostic:
    key = path[-1] if isinstance(path[-1], str) else path[0]
    if same_line:
        one_line = plain.line == plain.end_line
        kept = text[plain.column if one_line else 0 : plain.end_column].strip()
        lead = text[: plain.column].rstrip() if one_line else ""
        value = text[plain.column :].strip() if kept else text[len(lead) :].strip()
        example = f'{lead.strip()} "{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        read = f"which reads only {kept!r}" if one_line and kept else "which is left empty"
        return Diagnostic(
            file,
            plain.end_line,
            "front-matter-hash",
            f"The text after # was left out of {_name(path)}, "
            + (read if one_line or not kept else f"which ends with {kept!r}")
            + ": in front matter, a # after a space starts a comment.",
            "Put the whole value in double quotes (a note for editors goes on a line of its own)"
            + (f": {example}" if one_line else "."),
            column=len(text) - len(text[plain.end_column :].lstrip(" \t")) + 1,
            excerpt=text,
        )
    return Diagnostic(
        file,
        plain.end_line + 1,
        "front-matter-hash",
        f"This line starts with #, so it is read as a comment and left out of {_name(path)}.",
        f'Write the whole {key} on the line above, in double quotes, e.g. {key}: "Questions for visit #2".',
        excerpt=text,
    )


def _shown_texts(data: dict[Any, Any]) -> Iterator[tuple[Path, str]]:
    for key in SHOWN:
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    for key in SHOWN_LISTS:
        items = data.get(key)
        if isinstance(items, str):
            yield (key,), items
        elif isinstance(items, list):
            yield from (((key, index), item) for index, item in enumerate(items) if isinstance(item, str))
    references = data.get("references")
    for index, reference in enumerate(references if isinstance(references, list) else ()):
        if isinstance(reference, dict):
            for key in SHOWN_IN_REFERENCE:
                if isinstance(reference.get(key), str):
                    yield ("references", index, key), reference[key]


_MARKDOWN = (
    (
        re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"),
        "an image written as Markdown (![...](...))",
        "Remove the image from here; put it in the article's text.",
    ),
    (
        re.compile(r"\[[^\]\n]+\]\([^)\n]*\)"),
        "a link written as Markdown ([text](...))",
        "Keep only the words, without the brackets and the address; put the link in the article's text.",
    ),
    (
        re.compile(r"\[@[^\]\n]*\]"),
        "a citation ([@...])",
        "Remove the [@...]; cite the source in the article's text.",
    ),
    (
        re.compile(r"(\*\*|__)\S(?:.*?\S)?\1"),
        "bold written as Markdown (** or __)",
        "Remove the ** or __ around the words; the text is shown as it is written.",
    ),
    (
        re.compile(
            r"(?<![\w*])\*(?![\s*])[^*\n]*(?<![\s*])\*(?![\w*])|(?<![\w_])_(?![\s_])[^_\n]*(?<![\s_])_(?![\w_])"
        ),
        "italics written as Markdown (* or _)",
        "Remove the * or _ around the words; the text is shown as it is written.",
    ),
    (re.compile(r"`[^`\n]+`"), "text in backticks (`)", "Remove the backticks."),
)


def markdown_in(text: str) -> tuple[str, str] | None:
    """(what, fix) for Markdown written in a plain-text value, or None."""
    if not any(mark in text for mark in "*_[`"):
        return None
    for pattern, what, fix in _MARKDOWN:
        if pattern.search(text):
            return what, fix
    return None


# A list item's marker as Word, Google Docs or a phone writes it.
_MARKER = re.compile(r"(?:[•·▪‣◦●○■□►▸➢✓✔–—+*]|\d{1,2}[.)]|\(\d{1,2}\)|[a-zA-Z]\)|-(?=[^\s\d-]))")


def _list_problems(
    doc: YamlDocument, data: dict[Any, Any], lines: list[str], first_line: int, file: str
) -> Iterator[Diagnostic]:
    for key in LISTS:
        value = data.get(key)
        if isinstance(value, str):
            yield from _one_text(doc, key, value, lines, first_line, file)
        elif isinstance(value, list):
            for index in range(len(value)):
                plain = doc.plain.get((key, index))
                if plain is not None:
                    yield from _bulleted_lines(key, plain, lines, first_line, file, in_item=True)


def _one_text(
    doc: YamlDocument, key: str, value: str, lines: list[str], first_line: int, file: str
) -> Iterator[Diagnostic]:
    plain = doc.plain.get((key,))
    bulleted = list(_bulleted_lines(key, plain, lines, first_line, file, in_item=False)) if plain else []
    if bulleted:
        yield from bulleted
        return
    line = plain.line if plain else doc.line(key)
    if plain is not None and plain.line > (doc.line(key) or 0):
        yield Diagnostic(
            file,
            line,
            "front-matter-list",
            f"The lines under '{key}:' are read as one text, not as a list: they do not start with '- '.",
            f"Start each item with '- ' on its own line, indented under '{key}:', e.g. '  - {_start(value)}'.",
            excerpt=_text_at(lines, line, first_line),
        )
    elif key in ONE_LINE and ("," in value or ";" in value):
        parts = [part.strip() for part in re.split("[,;]", value) if part.strip()]
        yield Diagnostic(
            file,
            line,
            "front-matter-list",
            f"'{key}: {value}' is read as one name, not as a list of {len(parts)}.",
            f"Put the list in square brackets, the names separated by commas: {key}: [{', '.join(parts)}]",
            excerpt=_text_at(lines, line, first_line),
        )
    elif _RUN_ON.search(value):
        yield Diagnostic(
            file,
            line,
            "front-matter-list",
            f"'{key}' is written as one text holding several items, so they would be shown as one.",
            f"Write each item on its own line under '{key}:', starting with '- ', e.g. '  - {_start(_RUN_ON.split(value)[0])}'.",
            excerpt=_text_at(lines, line, first_line),
        )


# Items run together on one line: a bullet between them, or questions separated by commas.
_RUN_ON = re.compile(r"\s[•·▪‣◦●]\s|\?\s*[,;]\s*\S")


def _start(value: str) -> str:
    return value if len(value) <= 40 else value[:37].rstrip() + "..."


def _bulleted_lines(
    key: str, plain: Plain, lines: list[str], first_line: int, file: str, in_item: bool
) -> Iterator[Diagnostic]:
    """A line of the value that starts with a pasted bullet or number (the first line from the
    value's start, the others from their first character). A line of an item (`in_item`) may
    go on with a dash: `- A scan is quick` / `– about 20 minutes.` is one sentence."""
    for line in range(plain.line, plain.end_line + 1):
        text = _text_at(lines, line, first_line)
        begin = plain.column if line == plain.line else len(text) - len(text.lstrip(" \t"))
        found = _MARKER.match(text, begin)
        if found is None:
            continue
        if in_item and line > plain.line and found.group() in ("–", "—"):
            continue
        marker = found.group()
        if in_item and line == plain.line:
            yield Diagnostic(
                file,
                line,
                "front-matter-list",
                f"This item of '{key}' starts with {marker!r} after its '- ', so it would be shown "
                "with a second bullet or number.",
                f"Remove the {marker!r}: '- {_start(text[found.end() :].strip())}'.",
                column=found.start() + 1,
                excerpt=text,
            )
            return
        if marker == "-":
            problem, fix = "has no space after its '-'", "Put a space after the hyphen: "
        else:
            problem, fix = (
                f"starts with {marker!r}",
                f"Start each item with '- ' (a hyphen and a space) instead of {marker!r}: ",
            )
        item = text[found.end() :].strip()
        yield Diagnostic(
            file,
            line,
            "front-matter-list",
            f"This line of '{key}' {problem}, so YAML does not read it as a list item: "
            "the lines run together into one text.",
            f"{fix}'- {_start(item)}', each item on its own line.",
            column=found.start() + 1,
            excerpt=text,
        )
        return
