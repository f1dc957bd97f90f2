"""`Table: caption` on the line before a pipe table becomes the table's <caption>.

A block processor that runs before the tables extension: it takes the caption
line off the block, lets the table processor parse the rest, then puts the
caption into the table it made. Editors may leave a blank line between the
caption and the table; both forms work.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension

CAPTION = re.compile(r"^[ ]{0,3}Table:[ \t]*(?P<text>.*)$")

# A line meant as a caption, as a word processor or another tool writes one: `Tabel: x`,
# `Table. x`, `Table 1: x`, `**Table: x**`, `tabla: x`, `Caption: x` (the net's test, leftovers.py).
CAPTION_LIKE = re.compile(
    r"^\s*(?P<open>\*\*|__|\*|_)?(?P<word>table|tabla|tabel|tabelle|tabella|tableau|caption)\.?"
    r"(?:[ \t]*(?:\d+|[ivx]+))?[ \t]*[:.\-–—][ \t]*(?P<text>.+?)[ \t]*(?:\*\*|__|\*|_)?[ \t]*$",
    re.IGNORECASE,
)


def caption_fix(written: str, keyword: str) -> str | None:
    """How to write `written` as the caption line it looks like (`keyword`: the page language's,
    `Table` or `Tabla`); None if it is not like one, or is one already."""
    found = CAPTION_LIKE.match(written)
    if found is None or CAPTION.match(written) or written.lstrip(" ").startswith(keyword + ":"):
        return None
    return f"{keyword}: {found['text'].strip('*_ ')}"


# State.report: (code, the text to find the line of, message, hint)
Report = Callable[[str, str, str, str], None]


class CaptionProcessor(BlockProcessor):
    def __init__(self, parser: BlockParser, report: Report) -> None:
        super().__init__(parser)
        self.report = report

    def test(self, parent: etree.Element, block: str) -> bool:
        # Every block is offered to this processor: the cheap prefix check first.
        return block.lstrip(" ").startswith("Table:") and bool(CAPTION.match(block.split("\n", 1)[0]))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        first, _, rest = block.partition("\n")
        found = CAPTION.match(first)
        assert found is not None  # test() matched this line
        caption = found.group("text").strip()
        if not rest.strip() and blocks and blocks[0].lstrip().startswith("|"):
            rest = blocks.pop(0)
        before = len(parent)
        if rest.strip():
            self.parser.parseBlocks(parent, [rest])
        table = parent[before] if len(parent) > before and parent[before].tag == "table" else None
        if table is None or not caption:
            # A table that did not parse: the safety net (leftovers.py) says why, at the table's line.
            if table is not None or not caption or not _looks_like_table(rest):
                self.report(
                    "table-caption",
                    first,
                    "A `Table:` caption line is not directly followed by a table."
                    if caption
                    else "A `Table:` line has no caption text.",
                    "Put `Table: What the table shows` on the line right before the table's header row.",
                )
            paragraph = etree.Element("p")
            paragraph.text = first
            parent.insert(before, paragraph)
            return
        if table.find("caption") is not None:  # `Table: x` right above `Table: y` and the table
            self.report(
                "table-caption",
                first,
                "There are two `Table:` caption lines above this table; a table has one caption.",
                "Keep one `Table:` line right before the table and remove the other (or merge their words).",
            )
            return
        element = etree.Element("caption")
        element.text = caption
        table.insert(0, element)


def _looks_like_table(text: str) -> bool:
    rows = [row for row in text.split("\n") if row.strip()]
    return len(rows) > 1 and all("|" in row for row in rows[:2])


class CaptionExtension(Extension):
    def __init__(self, report: Report, **kwargs: Any) -> None:
        self.report = report
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Above the tables extension (75) so the caption line is taken off first.
        md.parser.blockprocessors.register(CaptionProcessor(md.parser, self.report), "table_caption", 76)
