"""Citations in the text: `[@montalban2025]` becomes a numbered link to the reference list.

An editor cites a reference of the article's own `references:` by its key
(`Reference.cite_key`: its `key:`, else the first author's surname and the year), one or
several in one pair of brackets: `[@wattjes2021]`, `[@rovira2015; @barkhof2025]`. The
reference list is numbered in the order the references are first cited, so the first
citation in the text is [1]; a reference cited again keeps its number.

A tree processor, run after the inline patterns (so the text is final and code spans are
their own elements) and after the link processor (whose records, for the link checker, are
the editor's own links; a citation's target is on the same page), replaces each citation in document order with

    <sup class="cite"><a href="#ref-2" aria-label="Reference 2">[2]</a></sup>

(one link per reference, several joined by commas inside one pair of brackets). A key the
article's references do not have is an error (`citation-unknown`, with the closest key)
and stays as the text written, marked like a broken link, so the preview still shows the
page and says why. The keys in first-cited order are a side output (`Markup.citations`):
the article template numbers its reference list from them and `check` reports a
reference never cited and an article with references and no citations.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.core.errors import did_you_mean
from sitegen.markup.state import State

KEY = r"[A-Za-z0-9][A-Za-z0-9_-]*"
# `[@key]` or `[@key; @other]` (a comma works as well as a semicolon between keys).
CITATION = re.compile(r"\[@(" + KEY + r"(?:\s*[;,]\s*@" + KEY + r")*)\]")
_SPLIT = re.compile(r"\s*[;,]\s*@")
SKIP_TAGS = {"code", "pre", "a", "script", "style"}


class CitationProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        state = self.state
        numbers: dict[str, int] = {}  # key -> its number, in order of first citation
        if "[@" in state.body:  # else no text in the tree has one: nothing to walk for
            self._walk(root, numbers)
        state.citations = list(numbers)

    def _walk(self, element: etree.Element, numbers: dict[str, int]) -> None:
        # The children as written, before any citation is put in: a citation this walk makes is
        # never walked again (an unknown one keeps its `[@key]` text, which would be split again
        # and again without end).
        children = list(element)
        if element.text and "[@" in element.text:
            before, nodes = self._split(element.text, numbers)
            element.text = before
            for offset, node in enumerate(nodes):
                element.insert(offset, node)
        for child in children:
            if child.tag not in SKIP_TAGS:
                self._walk(child, numbers)
            if child.tail and "[@" in child.tail:
                before, nodes = self._split(child.tail, numbers)
                child.tail = before
                index = list(element).index(child)
                for offset, node in enumerate(nodes, 1):
                    element.insert(index + offset, node)

    def _split(self, text: str, numbers: dict[str, int]) -> tuple[str, list[etree.Element]]:
        """(text before the first citation, [citation element, its tail the text up to the next])."""
        nodes: list[etree.Element] = []
        position = 0
        before = text
        for match in CITATION.finditer(text):
            node = self._citation(match.group(0), _SPLIT.split(match.group(1)), numbers)
            if nodes:
                nodes[-1].tail = text[position : match.start()]
            else:
                before = text[: match.start()]
            nodes.append(node)
            position = match.end()
        if nodes:
            nodes[-1].tail = text[position:]
        return before, nodes

    def _citation(self, written: str, keys: list[str], numbers: dict[str, int]) -> etree.Element:
        state = self.state
        known = state.cite_keys
        unknown = [key for key in keys if key not in known]
        for key in unknown:
            state.report(
                "citation-unknown",
                "@" + key,
                f"The citation [@{key}] names no reference of this article.",
                (
                    "Cite a reference by its key: the first author's surname and the year (e.g. "
                    "[@rovira2015]), or its `key:`. "
                    + (
                        did_you_mean(key, known, "keys")
                        if known
                        else "This article has no references: add the source under `references:`."
                    )
                ),
            )
        if unknown:  # shown as written, marked (the preview's panel says why); the build stops
            marked = etree.Element("span", {"class": "link-problem"})
            marked.text = written
            return marked
        sup = etree.Element("sup", {"class": "cite"})
        sup.text = "["
        last: etree.Element | None = None
        for key in dict.fromkeys(keys):
            number = numbers.setdefault(key, len(numbers) + 1)
            if last is not None:
                last.tail = ", "
            last = etree.SubElement(
                sup, "a", {"href": f"#ref-{number}", "aria-label": state.cite_label.replace("%(number)s", str(number))}
            )
            last.text = str(number)
        assert last is not None  # CITATION matches at least one key
        last.tail = "]"
        return sup


class CitationExtension(Extension):
    def __init__(self, state: State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline patterns (20) made the text final and after links (15), which
        # record only the editor's own links; before prose (1) and the glossary (0.5).
        md.treeprocessors.register(CitationProcessor(md, self.state), "citations", 14)
