"""The safety net: our own syntax that the Markdown pass did not understand (issue 29).

An editor's slip (curly quotes from a word processor, a tab, a missing blank line, a
missing pipe) used to turn a callout, a table or a link into plain text that readers
saw as `!!! urgent “…”` or a paragraph of pipes, with nothing reported. Three parts:

- `SlipPreprocessor` (slips.py) accepts the slips whose meaning is certain: typographic quotes
  around a callout's or an image's title, a capitalised callout kind, spaces or a tab
  after `!!!`, and the page language's table caption keyword (`Tabla:` in Spanish).
  It rewrites lines in place, so every line keeps its number. With it, pasted.py mends
  what a word processor pastes (bullets, invisible characters, 2-space sub-items) and
  reports, at their lines, the pasted slips whose meaning is not certain.
- `StrayIndentProcessor` (slips.py) replaces Python-Markdown's indented code blocks: patient
  articles hold no code, so text indented by four spaces or a tab is read as if it
  were not indented (a tab-indented list stays a list, not a grey box of monospace).
- `LeftoverProcessor` runs right after the inline pass and looks at the text readers
  would see. Whatever there still looks like our syntax (a line starting `!!!`, lines
  of `|` cells, a caption keyword, `![…](…)`, `[…](…)`, a `**` never closed, a list
  line inside a paragraph) was not understood: an error at its source line
  (`syntax-not-understood`) saying what it was probably meant to be and why it was not.
  rawtext.py holds the checks of one line of that text (links, citations, emphasis);
  placement.py finds images that cannot become figures.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

import sitegen.markup.placement as placement
import sitegen.markup.rawtext as rawtext
from sitegen.core.errors import did_you_mean
from sitegen.markup.callouts import KINDS
from sitegen.markup.captions import CAPTION_LIKE, caption_fix
from sitegen.markup.slips import (
    CAPTION_KEYWORDS,
    OPENER,
    QUOTES,
    SlipPreprocessor,
    StrayIndentProcessor,
    language_of,
)
from sitegen.markup.state import State

CODE = "syntax-not-understood"

# --- the net ------------------------------------------------------------------------

# Elements whose own text is one run of prose; inline elements inside them are part of it.
_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "caption"}
_SKIP = {"code", "pre", "script", "style"}


def _pipe_line(line: str) -> bool:
    """A line that looks like a table row: `| a |`, or `a | b |` (text before the first `|`
    and between the first two). A function, not a regular expression: one with nested stars
    took quadratic time on a long line (tests/test_bounded_work.py)."""
    if line.lstrip().startswith("|"):
        return line.count("|") >= 2
    parts = line.split("|", 2)
    return len(parts) == 3 and bool(parts[0].strip()) and bool(parts[1].strip())


_SEPARATOR_CELL = re.compile(r"^\s*:?-+:?\s*$")
_LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?=\S)")
_KEYWORD_LINE = CAPTION_LIKE
_LIST_AFTER_BREAK = re.compile(r"\n\s*(?:[-*+]|\d{1,3}[.)])\s")


def _suspect(text: str) -> bool:
    """Whether `text` has anything one of the checks below could report: `!!!`, a `|`, a
    `[`, `**`, a list marker after a line break, or a caption keyword (anywhere: a looser
    test than the checks'). Most text has none, and is passed over with these few substring
    tests; one regular expression for all of them took 40 times as long."""
    if "!!!" in text or "|" in text or "[" in text or "*" in text or "__" in text or "(@" in text:
        return True
    if "\n" in text and _LIST_AFTER_BREAK.search(text):
        return True
    lowered = text.lower()
    return "tab" in lowered or "caption" in lowered  # table, tabla, tabel, tableau, tabelle, tabella


def _split_cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return re.split(r"(?<!\\)\|", row)


def _cells(count: int) -> str:
    return f"{count} cell" if count == 1 else f"{count} cells"


def _separator(row: str) -> bool:
    cells = _split_cells(row)
    return bool(cells) and all(_SEPARATOR_CELL.match(cell) for cell in cells)


class LeftoverProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state
        self.cursor = 0

    def run(self, root: etree.Element) -> None:
        self.cursor = 0
        self._lines: list[str] | None = None
        self.reported: set[object] = {d.line for d in self.state.diagnostics if d.severity.value == "error"}
        suspect = _suspect("\n".join(root.itertext()))  # a whole document at once: most have nothing
        if self.state.images or root.find(".//img") is not None:
            for source, message, hint in placement.misplaced(root):
                self._report(source, message, hint, self._line([f"]({source}", source]))
        for element in root.iter():
            if element.tag in _BLOCKS:
                if suspect:
                    self._check(element, "".join(_text(element)))
            elif element.tag == "a" and suspect and "[@" in "".join(element.itertext()):
                self._cited_link(element)
            elif element.tag == "table":
                self._swallowed(element)
                self._rows(element)

    def _swallowed(self, table: etree.Element) -> None:
        """A paragraph right under a table, with no blank line, becomes a row of one cell."""
        width = len(table.findall("thead/tr/th"))
        for row in table.iterfind("tbody/tr"):
            cells = ["".join(cell.itertext()).strip() for cell in row.findall("td")]
            if width < 2 or not cells[0] or any(cells[1:]):
                continue
            first = cells[0].split()[0] if cells[0].split() else cells[0]
            line = self._line([cells[0][:40], first])
            source = self._source_line(line) if line is not None else "|"
            # The swallowed line is the source line itself, with no `|`: a row with empty cells
            # (`| 2 |  |`) is a row, and "2" found in another line is not this one.
            if line is not None and "|" not in source and source.strip().startswith(first):
                self._report(
                    cells[0][:40],
                    f"The line `{cells[0][:60]}` right under the table was read as one of its rows, because "
                    "there is no blank line between the table and the text after it.",
                    "Leave a blank line after the table's last row.",
                    line,
                )

    def _rows(self, table: etree.Element) -> None:
        """A row with fewer or more cells than the header (a `|` missing or extra): the table is
        drawn, but a cell is empty or dropped, and on a phone a value sits under the wrong label."""
        width = len(table.findall("thead/tr/th"))
        for row in table.iterfind("tbody/tr"):
            texts = ["".join(cell.itertext()).strip() for cell in row.findall("td")]
            needle = next((text for text in texts if text), "")
            if width < 2 or not needle:
                continue
            line = self._line([needle[:40], needle.split()[0]])
            written = self._source_line(line)
            if line is None or "|" not in written:
                continue
            count = len(_split_cells(written))
            if count == width:
                continue
            self._report(
                written.strip()[:40],
                f"This table row has {_cells(count)} but the header has {width} "
                f"(a `|` {'is missing' if count < width else 'too many'}), so "
                + (
                    "a cell is left empty and the values after it sit in the wrong columns."
                    if count < width
                    else "the cells after the last column are not shown."
                ),
                f"Give the row one cell per column, each between `|` signs, like the header ({width} cells).",
                line,
            )

    # Where a piece of text was written: the next occurrence after the last one reported.
    def _line(self, candidates: list[str]) -> int | None:
        body = self.state.body
        for needle in candidates:
            needle = needle.strip()
            if not needle:
                continue
            at = body.find(needle, self.cursor)
            if at < 0:
                at = body.find(needle)
            if at >= 0:
                self.cursor = at + 1
                return self.state.body_line + body.count("\n", 0, at)
        return None

    def _report(self, found: str, message: str, hint: str, line: int | None) -> None:
        if line is not None and (line in self.reported or (line, found) in self.reported):
            return  # already explained by the processor that met it (e.g. a caption's), or by us
        if line is not None:
            self.reported.add((line, found))
        self.state.report(CODE, found, message, hint, line=line)

    def _source_line(self, line: int | None) -> str:
        if line is None:
            return ""
        if self._lines is None:
            self._lines = self.state.body.split("\n")
        lines = self._lines
        index = line - self.state.body_line
        return lines[index] if 0 <= index < len(lines) else ""

    def _check(self, element: etree.Element, text: str) -> None:
        if not _suspect(text):
            return
        lines = text.split("\n")
        index, listed = 0, False
        while index < len(lines):
            current = lines[index]
            stripped = current.strip()
            if stripped.startswith("!!!"):
                self._callout(stripped, index)
                listed = True  # its indented list is part of the box that was not understood
            elif _pipe_line(current):
                run = [current]
                while index + 1 < len(lines) and "|" in lines[index + 1]:
                    index += 1
                    run.append(lines[index])
                if len(run) > 1 or stripped.startswith("|"):
                    self._table(run, lines[index - len(run)] if index >= len(run) else "")
                    index += 1
                    continue
            elif _KEYWORD_LINE.match(current):
                if not (index + 1 < len(lines) and _pipe_line(lines[index + 1])):
                    self._keyword(current)  # else the table below says why neither was understood
            elif index and _LIST_LINE.match(current) and element.tag == "p" and not listed:
                listed = True  # once per paragraph: the first item says it for the rest
                self._list_line(current)
            self._inline(current)
            if current.endswith("]") and index + 1 < len(lines) and lines[index + 1].startswith("("):
                self._split_link(current, lines[index + 1])
            index += 1

    def _callout(self, stripped: str, index: int) -> None:
        line = self._line([stripped, stripped[:24], "!!!"])
        written = self._source_line(line).strip() or stripped
        found = OPENER.match(written)
        kinds = ", ".join(f"`!!! {k}`" for k in KINDS)
        if found is None:
            why = "there is no box kind right after `!!!`"
            hint = f'Write the kind after `!!! `, then the title in double quotes, e.g. `!!! note "Title"`. Kinds: {kinds}.'
        else:
            kind, rest = found["kind"], found["rest"].strip()
            guess = did_you_mean(kind.lower(), list(KINDS), "callout kinds") if kind.lower() not in KINDS else ""
            if rest and rest[0] in QUOTES and (len(rest) < 2 or rest[-1] not in QUOTES):
                why = "the quotes around its title are not closed"
                hint = f'Close the title with a straight double quote: `!!! {kind.lower()} "{rest[1:].strip()}"`.'
            elif rest and rest[0] not in QUOTES:
                why = f"after the kind `{kind}` comes `{rest[:20]}`, not a title in double quotes"
                hint = f'Write the title in straight double quotes after the kind: `!!! {kind.lower()} "Title"`.'
            else:
                why = "its title is not written as the box's syntax expects"
                hint = f'Write it as `!!! {kind.lower()} "Title"`, alone on its line, with a blank line before it.'
            if guess.startswith("Did"):
                hint += f" {guess}"
        if index:
            why += ", and it is not the first line of its paragraph (leave a blank line before it)"
        self._report(
            written,
            f"`{written[:60]}` was not read as a box (callout or care card): readers see it as plain text, "
            f"because {why}.",
            hint,
            line,
        )

    def _table(self, run: list[str], before: str) -> None:
        line = self._line([run[0], run[0].strip()[:24], run[0].strip()[:3]])
        header = _split_cells(run[0])
        reason, hint = "", ""
        if len(run) < 2:
            reason = "it has only one row: a table needs its header row, then the line under it (`|---|---|`)"
            hint = "Add the line under the header, with one `---` per column, e.g. `" + "|---" * len(header) + "|`."
        elif not _separator(run[1]):
            reason = "its second line is not the line under the header (`|---|---|`)"
            hint = (
                "Put the line under the header right after it, with one `---` per column: `"
                + "|---" * len(header)
                + "|`."
            )
        else:
            cells = len(_split_cells(run[1]))
            if cells != len(header):
                reason = (
                    f"its header row has {_cells(len(header))} but the line under it has {_cells(cells)} "
                    "(a missing or extra `|`)"
                )
                hint = "Give the line under the header one `---` per column: `" + "|---" * len(header) + "|`."
            else:
                reason = "it does not start on a line of its own: the text above runs into it"
                hint = "Leave a blank line between the text above and the table (a `Table:` caption line may come right before it)."
        written = self._source_line(line - 1).strip() if line is not None and before else ""
        fix = caption_fix(written, self._keyword_of_page()) if written else None
        if fix:
            reason = (
                f"the line above it, `{written[:40]}`, looks like a caption line but is not written as one, "
                "so the table runs into it"
            )
            hint = f"Write the caption line as `{fix}`, exactly so, right before the table's header row."
        self._report(
            run[0].strip(),
            f"These lines look like a table, but they were not read as one, so readers see the `|` signs as text: {reason}.",
            hint,
            line,
        )

    def _keyword_of_page(self) -> str:
        return CAPTION_KEYWORDS.get(language_of(self.state), "Table")

    def _keyword(self, current: str) -> None:
        found = _KEYWORD_LINE.match(current)
        assert found is not None
        line = self._line([current.strip(), current.strip()[:20], found["text"][:20]])
        written = self._source_line(line).strip() or current.strip()
        fix = caption_fix(written, self._keyword_of_page())
        if fix is None:
            return  # a caption line as written: captions.py reports one without a table
        self._report(
            written,
            f"`{written[:60]}` looks like a table caption, but it is not written as one, so readers see it as "
            "text and the table has no caption.",
            f"Write it as `{fix}`, exactly so, on the line right before the table's header row "
            "(a blank line between them is fine).",
            line,
        )

    def _list_line(self, current: str) -> None:
        # The words after the marker too: slips.py may have written `1)` or `•` as `1.` or `-`.
        line = self._line([current.strip(), current.strip()[:24], _LIST_LINE.sub("", current, count=1)[:24]])
        self._report(
            current.strip(),
            f"`{current.strip()[:60]}` looks like a list item, but it is read as part of the paragraph above it, "
            "so readers see the `-` or number as text.",
            "Leave a blank line between the paragraph and the list, and start each item at the same indent "
            "(`- ` at the start of the line, or four spaces in a callout).",
            line,
        )

    def _split_link(self, current: str, following: str) -> None:
        text = current[current.rfind("[") :]
        self._report(
            text,
            f"`{text[:40]}` and `{following[:40]}` were not read as a link, so readers see the brackets: "
            "the `(…)` with the address starts on the next line.",
            "Keep `](` together on one line: `[link text](other-article.md)`.",
            self._line([text, text[:24]]),
        )

    def _cited_link(self, link: etree.Element) -> None:
        text = "".join(link.itertext())
        cite = text[text.index("[@") :]
        self._report(
            cite,
            f"The citation `{cite[:40]}` is inside a link's text, where it is not read as a citation, so "
            "readers see the brackets.",
            f"Put the citation after the link: `[{text[: text.index('[@')].strip()}]({link.get('href', '')}) {cite[:40]}`.",
            self._line([text, cite, "[@"]),
        )

    def _inline(self, current: str) -> None:
        for found, message, hint in rawtext.findings(current, self.state.cite_keys):
            # The words alone too: the text readers see has lost some of the signs written.
            words = max(re.findall(r"[^\W_][\w ]{5,}", found) or [found], key=len)
            self._report(found, message, hint, self._line([found, found[:24], words, " ".join(words.split()[:2])]))


def _text(element: etree.Element, top: bool = True) -> list[str]:
    """The text readers see in `element`, without code and without nested blocks."""
    parts: list[str] = []
    if element.tag not in _SKIP:
        parts.append(element.text or "")
        for child in element:
            if child.tag not in _BLOCKS and child.tag not in ("ul", "ol", "table", "div", "blockquote"):
                parts.extend(_text(child, top=False))
            parts.append(child.tail or "")
    return parts


class LeftoverExtension(Extension):
    def __init__(self, state: State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After normalize_whitespace (30), which expands tabs; before everything else.
        md.preprocessors.register(SlipPreprocessor(md, self.state), "slips", 29)
        # In place of the indented code block processor (80).
        md.parser.blockprocessors.deregister("code")
        md.parser.blockprocessors.register(StrayIndentProcessor(md.parser), "stray_indent", 80)
        # Right after the inline pass (20): before callouts, tables, figures and glossary change the tree.
        md.treeprocessors.register(LeftoverProcessor(md, self.state), "leftovers", 19)
