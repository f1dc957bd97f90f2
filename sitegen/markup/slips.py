"""The slips whose meaning is certain, mended before the Markdown pass reads the text (the
safety net's first two parts: see leftovers.py).

- `SlipPreprocessor`: typographic quotes around a callout's or an image's title, a
  capitalised callout kind, spaces or a tab after `!!!`, and the page language's table
  caption keyword (`Tabla:` in Spanish). It rewrites lines in place, so every line
  keeps its number.
- `StrayIndentProcessor`, in place of Python-Markdown's indented code blocks: text
  indented by four spaces or a tab is read as if it were not indented.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor

import sitegen.markup.pasted as pasted
from sitegen.markup.callouts import KINDS, SPANISH
from sitegen.markup.state import State

# Every quote mark a keyboard, word processor or phone may type around a title.
QUOTES = "\"'\u201c\u201d\u201e\u201f\u00ab\u00bb\u2018\u2019\u201a\u201b\u2039\u203a"
CURLY = QUOTES[2:]
# The caption keyword of each language's articles; `Table:` (the README's) is accepted in all.
CAPTION_KEYWORDS = {"en": "Table", "es": "Tabla"}

# Callout kinds named in Spanish with one certain meaning, read as that kind (the other
# Spanish names in callouts.SPANISH are only the fix's "Did you mean").
SPANISH_KINDS = {
    name: SPANISH[name]
    for name in ("advertencia", "aviso", "nota", "consejo", "urgente", "emergencia", "no-urgente", "punto-clave")
}

# Spaces as typed: a phone may put a no-break space after `!!!` or before the title.
_SPACE = " \t\u00a0\u202f"
OPENER = re.compile(r"^(?P<indent>[ ]*)!!!(?P<gap>[" + _SPACE + r"]*)(?P<kind>[A-Za-z][\w-]*)(?P<rest>[^\n]*)$")
_QUOTED = re.compile(r"^[" + _SPACE + r"]*[" + QUOTES + r"](?P<title>.*)[" + QUOTES + r"][" + _SPACE + r"]*$")
# `](target “Caption”)`: an image's or link's title in typographic quotes. Between double
# quotes (“ ” „ « », or one of them and a straight one), a title may hold an apostrophe (’):
# `“The nerve’s myelin”`.
_DOUBLE = '\u201c\u201d\u201e\u201f\u00ab\u00bb"'
_SINGLE = "\u2018\u2019\u201a\u201b\u2039\u203a"
_CURLY_TITLE = re.compile(
    rf"(?P<head>\]\([ \t]*<?[^\s()<>]+>?)[ \t]+"
    rf"(?:[{_DOUBLE}](?P<double>[^\n{_DOUBLE}]*)[{_DOUBLE}]|[{_SINGLE}](?P<single>[^\"\n{_SINGLE}]*)[{_SINGLE}])"
    r"[ \t]*\)"
)


def language_of(state: State) -> str:
    """The page's language: its folder ("es/"), or the default language's "en"."""
    return state.prefix.strip("/") or "en"


class SlipPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        keyword = CAPTION_KEYWORDS.get(language_of(self.state), "Table")
        caption = re.compile(r"^(?P<indent>[ ]{0,3})" + keyword + r"[ \t]*:") if keyword != "Table" else None
        state = self.state
        body = state.body
        if "\u200b" in body or "\ufeff" in body or "\u2060" in body:
            # Invisible characters mean nothing here: dropped from the lines and from the body the
            # findings quote (and look their lines up in), which keeps its lines.
            lines = [line.translate(pasted.INVISIBLE) for line in lines]
            state.body = body = body.translate(pasted.INVISIBLE)
        lines = pasted.mend(lines)
        written = body.split("\n")
        # normalize_whitespace adds two empty lines at the end; no preprocessor before us changes others.
        if len(written) <= len(lines):
            written += [""] * (len(lines) - len(written))
            pasted.complain(
                lines,
                written,
                lambda index, found, message, hint: state.report(
                    "syntax-not-understood", found, message, hint, line=state.body_line + index
                ),
            )
        out = []
        for line in lines:
            if "!!!" in line:
                line = _opener(line)
            if "](" in line:
                line = _CURLY_TITLE.sub(lambda m: f'{m["head"]} "{m["double"] or m["single"] or ""}")', line)
            if caption is not None and keyword in line:
                line = caption.sub(r"\g<indent>Table:", line, count=1)
            out.append(line)
        return out


def _opener(line: str) -> str:
    """A callout's first line as the admonition extension reads it, when its meaning is certain."""
    found = OPENER.match(line)
    if found is None:
        return line
    kind, rest = found["kind"], found["rest"]
    if kind.lower() in KINDS:
        kind = kind.lower()
    elif kind.lower() in SPANISH_KINDS:  # a Spanish editor naming the kind in Spanish
        kind = SPANISH_KINDS[kind.lower()]
    if not rest.strip():
        return f"{found['indent']}!!! {kind}"
    quoted = _QUOTED.match(rest)
    if quoted is None or rest[0] not in _SPACE or '"' in quoted["title"]:
        return line  # not a title in quotes: left to the admonition extension, or to the net
    return f'{found["indent"]}!!! {kind} "{quoted["title"]}"'


class StrayIndentProcessor(BlockProcessor):
    """In place of indented code blocks: an indented block is read as if it were not indented."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return block.startswith(" " * self.tab_length)

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block, rest = self.detab(blocks.pop(0))
        if rest:
            blocks.insert(0, rest)
        blocks.insert(0, block)
