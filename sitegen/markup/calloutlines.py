"""A callout's lines in the source: the slips mended before the Markdown pass, and the lines
that fall out of the box.

Python-Markdown's admonition keeps in a box only the lines indented by four spaces under its
`!!!` line. A line that is not, even right below the box's text with no blank line between
(a "lazy" line, which would join its paragraph or list anywhere else), ends the box and shows
below it as ordinary text. `outside_lines` finds, for each `!!!` line, the first line after
the box's text that is not in the box; callouts.py decides which are slips:

- a line indented by one to three spaces more than the `!!!` line: meant in the box;
- a line right below the box's text (no blank line between) and not indented: meant in it;
- a list right after a box whose text ends in a list, with only a blank line between:
  read as its next points (to put a list after the box, write a sentence between them).

`CalloutLinePreprocessor` mends, before the admonition reads them, the slips whose meaning
is certain: a kind written with a typographic apostrophe or dash, or a space (`!!! don’t`,
`!!! non–urgent`, `!!! key point`), and a box's text indented with no-break spaces (a word
processor's way of keeping spaces), read as plain spaces. It rewrites lines in place, so
every line keeps its number.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from markdown import Markdown
from markdown.preprocessors import Preprocessor

from sitegen.markup.state import State

# Spaces as a word processor or phone types them; the no-break ones only at a line's start.
_NO_BREAK = "\u00a0\u202f"
_GAP = " \t" + _NO_BREAK
_JOINERS = "'\u2019\u2018\u02bc\u00b4`\u2010\u2011\u2012\u2013\u2014\u2015\u2212_ "
# `!!!`, then a kind of two words joined by something other than a hyphen: `don’t`, `non–urgent`.
_SPELLED = re.compile(
    r"^(?P<head>[ \t"
    + _NO_BREAK
    + r"]*!!!["
    + _GAP
    + r"]*)(?P<first>[A-Za-z]+)(?P<joiner>["
    + re.escape(_JOINERS)
    + r"])(?P<second>[A-Za-z]+)(?=[^\w-]|$)"
)
_OPENER = re.compile(r"^(?P<indent>[ ]*)!!![" + _GAP + r"]*[A-Za-z]")
_ITEM = re.compile(r"[ ]*(?:[-*+]|\d{1,9}[.)])[ \t]")
# Lines that start something new after a box, never its text: a heading, another box, a rule,
# a footnote, abbreviation or link definition.
_NEW_BLOCK = re.compile(r"[ ]*(?:#|!!!|\?\?\?|---|\*\*\*|___|\[\^|\*\[|\[[^\]]+\]:)")


def mend_kind(line: str, kinds: dict[str, str] | set[str]) -> str:
    """`line` with its callout kind spelt as the admonition reads it, when that is certain."""
    found = _SPELLED.match(line)
    if found is None:
        return line
    first, second = found["first"].lower(), found["second"].lower()
    for kind in (f"{first}-{second}", first + second):
        if kind in kinds:
            return found["head"] + kind + line[found.end() :]
    return line


def leading_spaces(line: str) -> str:
    """`line` with no-break spaces before its text read as spaces, and tabs expanded."""
    stripped = line.lstrip(_GAP)
    head = line[: len(line) - len(stripped)]
    if not head:
        return line
    for space in _NO_BREAK:
        head = head.replace(space, " ")
    return head.expandtabs(4) + stripped


class Outside(NamedTuple):
    """The first line after a box's text (indexes into the body's lines) that is not in it."""

    opener: int
    opener_indent: int
    line: int
    indent: int
    blank_before: bool
    empty: bool  # the box has no text at all
    ends_in_list: bool  # its last block of text is a list
    is_item: bool  # the line outside starts a list item


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def outside_lines(body: str) -> list[Outside]:
    """For each `!!!` line, the first line after its box not in it, unless that line starts
    something new (a heading, a box) or belongs to something the box is inside (less indented)."""
    lines = body.split("\n")
    found: list[Outside] = []
    for index, raw in enumerate(lines):
        if "!!!" not in raw:
            continue
        opener = _OPENER.match(leading_spaces(raw))
        if opener is None:
            continue
        level = len(opener["indent"])
        last, after = None, index + 1
        while after < len(lines):
            line = leading_spaces(lines[after])
            if line.strip():
                if _indent(line) < level + 4:
                    break
                last = after
            after += 1
        if after == len(lines):
            continue
        line = leading_spaces(lines[after])
        if _indent(line) < level or _NEW_BLOCK.match(line):
            continue
        found.append(
            Outside(
                index,
                level,
                after,
                _indent(line),
                not lines[after - 1].strip(),
                last is None,
                last is not None and _ends_in_list(lines, index, last, level),
                _ITEM.match(line) is not None,
            )
        )
    return found


def _ends_in_list(lines: list[str], opener: int, last: int, level: int) -> bool:
    """Whether the box's last block of text (from its last line as little indented as the box's
    text, back to the blank line or the `!!!` line above it) starts with a list item."""
    top = last
    while top > opener and _indent(leading_spaces(lines[top])) != level + 4:
        top -= 1
    while top - 1 > opener and lines[top - 1].strip():
        top -= 1
    return top > opener and _ITEM.match(leading_spaces(lines[top])[level + 4 :]) is not None


class CalloutLinePreprocessor(Preprocessor):
    """Mends a callout's kind spelt with an apostrophe, dash or space, and no-break spaces
    indenting its text; every line stays where it is."""

    def __init__(self, md: Markdown, state: State, kinds: dict[str, str]) -> None:
        super().__init__(md)
        self.state = state
        self.kinds = kinds

    def run(self, lines: list[str]) -> list[str]:
        if "!!!" not in self.state.body:
            return lines
        out: list[str] = []
        level = -1  # the indent of the `!!!` line whose box the lines are in, else -1
        for line in lines:
            if "!!!" in line:
                line = mend_kind(line, self.kinds)
                opener = _OPENER.match(leading_spaces(line))
                if opener is not None:
                    level = len(opener["indent"])
                    out.append(line)
                    continue
            if level >= 0 and line.strip():
                spaced = leading_spaces(line) if line[:1] in _GAP else line
                if _indent(spaced) > level:
                    line = spaced
                else:
                    level = -1
            out.append(line)
        return out
