"""Tables readable on a phone and by a screen reader.

Header cells get `scope="col"`; each table is wrapped in a focusable, labelled
region that scrolls sideways on its own, so a wide table never widens the page.
Each body cell also carries its column's header text (`data-label`): on a phone
the stylesheet stacks every row as a card with those labels, so no column has
to be scrolled to (the cells stay a real table for screen readers).
Column alignment (`|:---|:---:|---:|`) becomes a class the stylesheet aligns: the stock
extension writes it as an inline style, which the Content-Security-Policy (style-src
'self') would ignore and the attribute scrubber refuses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.markup.words import N_

# Exactly what Python-Markdown's tables extension writes for an aligned column.
_ALIGN = re.compile(r"text-align: (left|center|right);")


class TableProcessor(Treeprocessor):
    untitled = "Table"  # the name of a table without a caption, in the page's language

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            if parent.find("table") is None:  # a child tag test in C: most elements hold no table
                continue
            for index, table in enumerate(list(parent)):
                if table.tag != "table":
                    continue
                labels: list[str] = []
                for cell in table.iter("th"):
                    cell.set("scope", "col")
                    labels.append(" ".join("".join(cell.itertext()).split()))
                body = table.find("tbody")
                for row in body.iter("tr") if body is not None else ():
                    # A row may have fewer or more cells than the header: label those it has.
                    for label, cell in zip(labels, row.findall("td"), strict=False):
                        if label:
                            cell.set("data-label", label)
                for cell in table.iter():
                    if cell.tag in ("th", "td") and cell.get("style"):
                        aligned = _ALIGN.fullmatch(cell.get("style", ""))
                        if aligned:
                            del cell.attrib["style"]
                            cell.set("class", " ".join(filter(None, (cell.get("class"), f"align-{aligned[1]}"))))
                caption = table.find("caption")
                wrapper = etree.Element("div", {"class": "table-scroll", "role": "region", "tabindex": "0"})
                wrapper.set("aria-label", ("".join(caption.itertext()) if caption is not None else "") or self.untitled)
                parent.remove(table)
                wrapper.append(table)
                parent.insert(index, wrapper)


class TableExtension(Extension):
    def __init__(self, translate: Callable[[str], str] = str, **kwargs: Any) -> None:
        self.translate = translate  # gettext of the page's language, for the name "Table"
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        processor = TableProcessor(md)
        processor.untitled = self.translate(N_("Table"))
        md.treeprocessors.register(processor, "table_scroll", 17)
