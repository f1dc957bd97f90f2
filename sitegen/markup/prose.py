"""Collects the article's running text (paragraphs and list items, not tables or
code) during the Markdown pass, for the readability check and the reading time.
(Search indexes the built pages themselves: search.py.)"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.markup.state import State

SKIP = {"table", "pre", "code", "div"}


class ProseProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        self._collect(root)

    def _collect(self, element: etree.Element) -> None:
        prose = self.state.prose
        for child in element:
            tag = child.tag
            if tag == "li" and (
                child.find("p") is not None or child.find("ul") is not None or child.find("ol") is not None
            ):
                self._collect(child)  # loose or nested list: its paragraphs are collected one by one
            elif (tag == "p" or tag == "li") and "callout-title" not in child.get("class", ""):
                text = " ".join(_text(child).split())
                if text:
                    prose.append(text)
            elif tag in SKIP and "callout" not in child.get("class", ""):
                continue
            else:
                self._collect(child)


def _text(element: etree.Element) -> str:
    """The element's text without its citations' numbers ([2]), which are not words to read."""
    parts = [element.text or ""]
    for child in element:
        if child.get("class") != "cite":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


class ProseExtension(Extension):
    def __init__(self, state: State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # Last tree processor before serialisation; inline text is final by then.
        md.treeprocessors.register(ProseProcessor(md, self.state), "prose", 1)
