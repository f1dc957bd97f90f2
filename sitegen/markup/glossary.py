"""Glossary terms in articles: the first use of each term links to its definition.

A tree processor, run after the inline patterns and the link rewriting, walks
the finished element tree and turns the first occurrence of each glossary term
(or one of its aliases; case-insensitive, whole words) into

    <span class="gloss"><a class="gloss-term" href="…glossary/#slug"
      aria-describedby="gloss-slug">lesions</a><span class="gloss-tip"
      id="gloss-slug" role="tooltip" data-pagefind-ignore>definition</span></span>

The definition is real text in the page (not a `title` attribute, which screen
readers and touch screens do not reliably show): the stylesheet shows it on
hover and on keyboard focus, and without CSS it reads inline. It runs after the
prose collector, so readability scores and the link checker never see it.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# Where a term must not become a link: it would nest links, change a heading's
# text (and so its anchor), or put a definition inside code or a caption.
SKIP_TAGS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "abbr", "script", "style", "sup"}
SKIP_CLASSES = {"callout-title", "gloss", "toc"}


def _pattern(names) -> re.Pattern | None:
    # Longest first, so "lesion load" wins over "lesion" where both would match.
    names = sorted({name for name in names if name.strip()}, key=len, reverse=True)
    if not names:
        return None
    # Not after a hyphen: "non-enhancing lesion" is not an "enhancing lesion".
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(name) for name in names) + r")(?!\w)", re.IGNORECASE)


class GlossaryProcessor(Treeprocessor):
    def __init__(self, md, state, terms):
        super().__init__(md)
        self.state = state
        self.by_name = {}
        for term in terms:
            for name in (term.term, *term.aliases):
                self.by_name.setdefault(name.casefold(), term)
        self.pattern = _pattern(self.by_name)
        self.term_count = len({term.slug for term in self.by_name.values()})

    def run(self, root):
        if self.pattern is None:
            return
        self.linked = set()
        self._walk(root)

    def _skipped(self, element) -> bool:
        return element.tag in SKIP_TAGS or bool(SKIP_CLASSES & set(element.get("class", "").split()))

    def _walk(self, element):
        children = list(element)  # before inserting: new links need no second look
        if element.text:
            pieces = self._split(element.text)
            if pieces:
                element.text = pieces[0]
                for offset, node in enumerate(pieces[1:]):
                    element.insert(offset, node)
        for child in children:
            if not self._skipped(child):
                self._walk(child)
            if child.tail:
                pieces = self._split(child.tail)
                if pieces:
                    child.tail = pieces[0]
                    index = list(element).index(child)
                    for offset, node in enumerate(pieces[1:], 1):
                        element.insert(index + offset, node)

    def _split(self, text: str):
        """None if nothing to link; else [text before, element (its tail the rest), ...]."""
        if len(self.linked) == self.term_count:
            return None  # every term is linked already: the rest of the page needs no search
        pieces, position, nodes = [], 0, []
        for match in self.pattern.finditer(text):
            term = self.by_name[match.group(1).casefold()]
            if term.slug in self.linked:
                continue
            self.linked.add(term.slug)
            node = self._link(term, match.group(1))
            if nodes:
                nodes[-1].tail = text[position:match.start()]
            else:
                pieces.append(text[:match.start()])
            nodes.append(node)
            position = match.end()
        if not nodes:
            return None
        nodes[-1].tail = text[position:]
        return pieces + nodes

    def _link(self, term, shown: str) -> etree.Element:
        tip_id = f"gloss-{term.slug}"
        wrapper = etree.Element("span", {"class": "gloss"})
        link = etree.SubElement(wrapper, "a", {"class": "gloss-term", "href": f"{self.state.root}glossary/#{term.slug}",
                                               "aria-describedby": tip_id})
        link.text = shown
        tip = etree.SubElement(wrapper, "span", {"class": "gloss-tip", "id": tip_id, "role": "tooltip",
                                                 "data-pagefind-ignore": ""})
        tip.text = term.definition
        return wrapper


class GlossaryExtension(Extension):
    def __init__(self, state, terms=(), **kwargs):
        self.state = state
        self.terms = tuple(terms)
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # After links (15) so the glossary links are not recorded as the editor's
        # links, and after prose (1) so definitions never count as running text;
        # before unescape (0).
        md.treeprocessors.register(GlossaryProcessor(md, self.state, self.terms), "glossary", 0.5)
