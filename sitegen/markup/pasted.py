"""Text pasted from a word processor or typed on a phone, read line by line before the Markdown
pass (the safety net's first part, with slips.py; see leftovers.py).

`mend` rewrites a line in place when its meaning is certain, so every line keeps its number:

- invisible characters (zero-width space, U+FEFF, word joiner) that Google Docs leaves at a
  line's start hid `!!!`, `##`, `- ` and `![…](…)` from the Markdown pass: they are dropped;
- pasted bullets (`•`, `▪`, `◦`, `●`, `·`, and a run of lines starting `–` or `—`) and `-`
  followed by a no-break space are `- ` items; `1)` and `(1)` items are `1.` items;
- a sub-item indented by two or three spaces under its item (as GitHub and word processors
  nest them) is indented by four, which Python-Markdown needs to nest it;
- a heading indented by one to three spaces is not indented; `! [` is `![`; `！！！` is `!!!`;
  a table drawn with `│` or `｜`, or with `—` in the line under its header, gets `|` and `-`.

`complain` reports, at its line, what cannot be mended with certainty: lettered items (`a)`),
a line of `---` or `===` right under text (which makes that text a heading), an empty heading,
another tool's box syntax (`::: warning`, `> [!WARNING]`, `!! warning`), a table pasted with
tabs between its cells, a paragraph run into the list item above it.
Both look at a line's first characters before any regular expression: most lines are prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sitegen.markup.callouts import KINDS

# Google Docs and some editors put these at a line's start; they mean nothing in an article.
INVISIBLE = {0x200B: None, 0xFEFF: None, 0x2060: None}
_BULLETS = "•▪◦●·‣∙"
_DASHES = "–—"
_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?: +|$)")
_PASTED_BULLET = re.compile(r"^(?P<indent> *)(?P<marker>[" + _BULLETS + _DASHES + r"]|-(?=\u00a0))[ \t\u00a0]+(?=\S)")
_PAREN_NUMBER = re.compile(r"^(?P<indent> *)(?:\((?P<a>\d{1,2})\)|(?P<b>\d{1,2})\))[ \t]+(?=\S)")
_LETTER = re.compile(r"^ *\(?(?P<letter>[a-hA-H])\)[ \t]+\S")
_HEADING = re.compile(r"^(?P<indent> {1,3})(?P<rest>#{1,6}(?: |$))")
_EMPTY_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]*#*[ \t]*$")
_UNDERLINE = re.compile(r"^ {0,3}(?:-+|=+)[ \t]*$")
_FOREIGN = re.compile(
    r"^ {0,3}(?:(?P<colons>:{3,})[ \t]*\{?\.?(?P<kind1>[A-Za-z][\w-]*)"
    r"|>[ \t]*\[!(?P<kind2>[A-Za-z]+)\]"
    r"|(?P<bangs>!!?)(?!!)[ \t]*(?P<kind3>[A-Za-z][\w-]*)[ \t]*(?:[\"“”«„'‘’].*)?$)"
)
_TABLE_DASHES = re.compile(r"^ *\|[-–—:| ]*[–—][-–—:| ]*$")
_MARKER_CELL = re.compile(r"^(?:[-*+" + _BULLETS + _DASHES + r"]|\(?\w{1,2}[.)]|o)$")
# Box-drawing and full-width vertical bars, as a word processor's table pasted as text has them.
_BARS = "│｜┃"


Report = Callable[[int, str, str, str], None]  # (line index, what was found, message, fix)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dash_run(lines: list[str], index: int, dash: str, glued: bool = False) -> bool:
    """Whether the line before or after also starts with `dash` and a space (`glued`: and a
    letter): a pasted list, not a sentence that happens to start with a dash."""
    for other in (index - 1, index + 1):
        if 0 <= other < len(lines):
            text = lines[other].lstrip(" ")
            if text.startswith(dash) and (text[1:2].isalpha() if glued else text[1:2] in " \t\u00a0"):
                return True
    return False


def _paren_run(lines: list[str], index: int) -> bool:
    """A `1)` item first in its block, or with another numbered line next to it."""
    if index == 0 or not lines[index - 1].strip():
        return True
    return any(0 <= o < len(lines) and _PAREN_NUMBER.match(lines[o]) for o in (index - 1, index + 1))


def _mend_item(lines: list[str], index: int, line: str, stripped: str, first: str) -> str:
    """A list item typed with a word processor's marker, as a Markdown one."""
    if first in _BULLETS or first in _DASHES or stripped.startswith("-\u00a0"):
        found = _PASTED_BULLET.match(line)
        if found and (found["marker"] not in _DASHES or _dash_run(lines, index, found["marker"])):
            return f"{found['indent']}- {line[found.end() :]}"
    elif first == "-" and stripped[1:2].isalpha() and _dash_run(lines, index, "-", glued=True):
        return f"{line[: len(line) - len(stripped)]}- {stripped[1:]}"  # `-item`: a list typed without spaces
    else:
        found = _PAREN_NUMBER.match(line)
        if found and _paren_run(lines, index):
            return f"{found['indent']}{found['a'] or found['b']}. {line[found.end() :]}"
    return line


def _mend_line(lines: list[str], index: int, line: str) -> str:
    stripped = line.lstrip(" ")
    first = stripped[:1]
    if not first:
        return line
    if first in _BULLETS or first in _DASHES or first in "-(" or (first.isdigit() and ")" in stripped[:4]):
        return _mend_item(lines, index, line, stripped, first)
    if first == "#" and stripped is not line:
        found = _HEADING.match(line)
        return found["rest"] + line[found.end() :] if found else line
    if first in "!！":
        if stripped.startswith("! [") and "](" in stripped:
            return line.replace("! [", "![", 1)
        return line.replace("！！！", "!!!", 1) if stripped.startswith("！！！") else line
    return _mend_table(line, first)


def _mend_table(line: str, first: str) -> str:
    """A table row drawn with `│` or `｜`, or a line under the header drawn with `—`."""
    if first in _BARS and sum(line.count(bar) for bar in _BARS) >= 2:
        return "".join("|" if char in _BARS else char for char in line)
    if first == "|" and ("—" in line or "–" in line) and _TABLE_DASHES.match(line):
        return line.replace("—", "-").replace("–", "-")
    return line


def mend(lines: list[str]) -> list[str]:
    """The lines, each rewritten in place where its meaning is certain (see the module's doc)."""
    out = [_mend_line(lines, index, line) for index, line in enumerate(lines)]
    return _nest(out)


def _nest(lines: list[str]) -> list[str]:
    """Sub-items indented by 2 or 3 spaces under their item, indented by 4 instead."""
    stack: list[tuple[int, int, int]] = []  # per open item: (indent written, indent given, content column)
    previous_blank = True
    for index, line in enumerate(lines):
        if not line.strip():
            previous_blank = True
            continue
        stripped = line.lstrip(" ")
        if stack and stripped.startswith("o ") and len(line) - len(stripped) > stack[-1][0]:
            line = lines[index] = line.replace("o ", "- ", 1)  # Word's `o` sub-bullet, under an item
        found = _ITEM.match(line) if stripped[:1] in "-*+0123456789o" else None
        if found is None:
            if stack and previous_blank and _indent(line) <= stack[0][0]:
                stack = []  # a paragraph after the list
            previous_blank = False
            continue
        previous_blank = False
        indent = len(found["indent"])
        while stack and stack[-1][0] > indent:
            stack.pop()
        if stack and stack[-1][0] == indent:
            given = stack.pop()[1]
        elif stack and indent >= stack[-1][2]:  # under the item's text: a sub-item
            given = stack[-1][1] + max(4, indent - stack[-1][0])
        elif stack:
            given = stack[-1][1] + indent - stack[-1][0]
        else:
            given = indent
        content = indent + len(found["marker"]) + 1
        stack.append((indent, given, content))
        if given != indent:
            lines[index] = " " * given + line[indent:]
    return lines


def complain(lines: list[str], written: list[str], report: Report) -> None:
    """Report the lines whose meaning is not certain (see the module's doc). `lines` are as
    mended; `written` as the editor wrote them (with their tabs)."""
    in_list = False
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        first = stripped[:1]
        if not first:
            in_list = False
            continue
        _complain_line(lines, index, stripped, in_list, report)
        if "\t" in written[index]:
            _tabs(lines, written, index, report)
        in_list = bool(_ITEM.match(line)) or (in_list and not _UNDERLINE.match(line))


def _complain_line(lines: list[str], index: int, stripped: str, in_list: bool, report: Report) -> None:
    line, first = lines[index], stripped[:1]
    previous = lines[index - 1] if index else ""
    if first in "-=" and previous.strip() and _UNDERLINE.match(line) and not _ITEM.match(line):
        # `A part` then `---` is a heading, as meant; a sentence, or the end of a paragraph, is not.
        sentence = previous.rstrip()[-1:] in ".!?,;:" or len(previous.split()) >= 12
        if sentence or (index > 1 and lines[index - 2].strip()):
            _underline(index, line, previous, report)
    elif first in "#[":
        _marks(index, stripped, report)
    elif first in ":>!" and _FOREIGN.match(line):
        _foreign(index, line, report)
    elif (first.isalpha() and stripped[1:2] == ")") or (first == "(" and stripped[2:3] == ")"):
        _letters(lines, index, report)
    elif in_list and _runs_on(line, previous):
        report(
            index,
            stripped[:40],
            f"`{stripped[:50]}` runs on from the list item above it (there is no blank line between "
            "them), so readers see it inside that item.",
            "Leave a blank line above it if it is a new paragraph; indent it by four spaces if it belongs to the item.",
        )


def _marks(index: int, stripped: str, report: Report) -> None:
    """An empty heading; a footnote."""
    if stripped[0] == "#" and _EMPTY_HEADING.match(stripped):
        report(
            index,
            stripped,
            f"`{stripped.strip()}` is a heading with no words: readers see an empty heading.",
            "Write the heading's words after the `#` signs and a space, e.g. `## What the scan shows`, "
            "or remove the line.",
        )
    elif stripped.startswith("[^") and "]:" in stripped:
        report(
            index,
            stripped[:40],
            f"`{stripped[:40]}` is a footnote: articles do not use footnotes (readers would get an "
            "untranslated, unstyled list at the end of the page).",
            "Cite the source with `[@key]` after the claim (see the README's Citations), or write the note's "
            "words in the text; then remove this line and its `[^…]` mark.",
        )


def _runs_on(line: str, previous: str) -> bool:
    """A sentence starting at the margin right after a list item's last sentence."""
    ended = previous.rstrip()[-1:] in ".!?:" or (_ITEM.match(previous) is not None and line[1:2].islower())
    return (
        ended
        and not previous.startswith(" ")
        and line[:1].isupper()
        and not _ITEM.match(line)
        and not previous.lstrip().startswith(("!!!", "|", "#"))
    )


def _underline(index: int, line: str, previous: str, report: Report) -> None:
    above = previous.strip()
    if above.startswith(("|", "!!!", "#", "- ", "* ", "+ ")) or "|" in above:
        return
    sign = line.strip()[0]
    report(
        index,
        line.strip(),
        f"The line `{line.strip()[:20]}` right under `{above[:40]}` makes that text a heading "
        f"(a line of `{sign}` under text is one way of writing a heading), so readers see it as one.",
        f"For a heading, write `## {above[:40]}` instead; for a dividing line, leave a blank line above "
        f"`{line.strip()[:20]}`.",
    )


_GITHUB_KINDS = {"warning": "warning", "caution": "warning", "note": "note", "tip": "tip", "important": "key-point"}


def _foreign(index: int, line: str, report: Report) -> None:
    found = _FOREIGN.match(line)
    assert found is not None
    kind = (found["kind1"] or found["kind2"] or found["kind3"] or "note").lower()
    kind = _GITHUB_KINDS.get(kind, kind)
    if found["bangs"] and kind not in KINDS:
        return  # `! Wow` or `!! Hello`: an exclamation, not a box
    if found["colons"]:
        what = f"`{found['colons']}` starts a box in other tools, not here"
    elif found["kind2"]:
        what = "`> [!…]` starts a box on GitHub, not here"
    else:
        what = f"a box starts with three `!`, and here there {'is one' if found['bangs'] == '!' else 'are two'}"
    report(
        index,
        line.strip(),
        f"`{line.strip()[:50]}` looks like the start of a box (callout), but it is not read as one: {what}, "
        "so readers see it as plain text.",
        f'Write `!!! {kind} "Title"` on its own line, then the box\'s text below it indented by four spaces '
        "(and no closing line).",
    )


def _letters(lines: list[str], index: int, report: Report) -> None:
    found = _LETTER.match(lines[index])
    if found is None:
        return
    nearby = [lines[o] for o in (index - 1, index + 1) if 0 <= o < len(lines)]
    starts = found["letter"] in "aA" and (index == 0 or not lines[index - 1].strip())
    if not (starts or any(_LETTER.match(other) for other in nearby)):
        return
    if index and _LETTER.match(lines[index - 1]):
        return  # reported at the list's first item
    report(
        index,
        lines[index].strip(),
        f"`{lines[index].strip()[:40]}` looks like a list pasted from a word processor, with letters "
        "(`a)`, `b)`): an article cannot number a list with letters, so readers see one run-on paragraph.",
        "Start each item with `- ` (or `1.`, `2.` for steps in order), with a blank line before the list.",
    )


def _tabs(lines: list[str], written: list[str], index: int, report: Report) -> None:
    """Two lines or more with the same number of tab-separated cells: a table pasted from Word."""

    def cells(text: str) -> int:
        parts = [part for part in text.strip().split("\t") if part.strip()]
        return len(parts) if len(parts) >= 2 and not _MARKER_CELL.match(parts[0].strip()) else 0  # not `•<tab>item`

    count = cells(written[index])
    if not count or (index and cells(written[index - 1]) == count):
        return  # not a row, or reported at the first row
    if index + 1 < len(written) and cells(written[index + 1]) == count:
        report(
            index,
            lines[index].strip()[:40],
            "These lines look like a table pasted from a word processor, with tabs between its cells: "
            "readers see the words run together in one paragraph.",
            "Write the table with `|` between the cells and a line of `---` under the header, e.g. `| "
            + " | ".join(part.strip() for part in written[index].strip().split("\t") if part.strip())
            + " |` then `"
            + "|---" * count
            + "|`.",
        )
