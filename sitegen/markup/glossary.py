"""Glossary terms in articles: the first use of each term links to its definition.

At most one glossary link per block of text (a paragraph, a list item, a table cell): a
term first used beside another linked term is linked at its first use in a later block
(or stays plain text). Each link is a tab stop and "link" read aloud; four in two
sentences (issue 34) broke up the reading. Each term still links once a page, no more.

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

import bisect
import functools
import itertools
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Iterator
from typing import Any, TypeAlias

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.core.article import GlossaryTerm
from sitegen.markup.state import State

# Where a term must not become a link: it would nest links, change a heading's
# text (and so its anchor), or put a definition inside code or a caption.
SKIP_TAGS = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "abbr", "script", "style", "sup"}
SKIP_CLASSES = {"callout-title", "gloss", "toc"}
# The blocks that hold at most one glossary link: the nearest one around a text is its block.
BLOCK_TAGS = {"p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption"}
_WORD = re.compile(r"[a-z0-9_]")  # a word character of lower-cased ASCII

_Node: TypeAlias = "dict[str, _Node]"  # a trie: character -> the rest ("": a name ends here)
# Where one of the page's texts is: (element, None) for element.text, (parent, child) for child.tail.
_Slot: TypeAlias = tuple[etree.Element, etree.Element | None]
_Match: TypeAlias = tuple[int, int, GlossaryTerm, str]  # (start, end, the term, the text as written)


def _pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so "lesion load" wins over "lesion" where both would match.
    names = sorted({name for name in names if name.strip()}, key=len, reverse=True)
    if not names:
        return None
    # Not after a hyphen: "non-enhancing lesion" is not an "enhancing lesion".
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(name) for name in names) + r")(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=8)  # a pure function of the names: each build of the preview asks again
def _trie(names: tuple[str, ...]) -> str:
    """The names as one regex that shares their common prefixes: "lesion(?:s|\\ load)?".

    The same texts match at the same places as `_pattern`'s "longest first" alternation,
    and with the same span, when no text character can match two different characters
    that follow the same prefix; with IGNORECASE that holds for ASCII names (different
    lower-case ASCII characters never match the same character). At each position the
    regex then has one path to follow, and prefers the longer name at each step
    (backtracking to the shorter when the `(?!\\w)` after it fails), as the alternation
    does. Scanning is twice as fast: at each word start it tests a few first
    characters instead of every name.
    """
    root: _Node = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}  # a name ends here

    def branch(node: _Node) -> str:
        options = [re.escape(char) + branch(child) for char, child in node.items() if char]
        if not options:
            return ""
        group = options[0] if len(options) == 1 and "" not in node else "(?:" + "|".join(options) + ")"
        return group + "?" if "" in node else group

    return branch(root)


class GlossaryProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State, terms: Iterable[GlossaryTerm]) -> None:
        super().__init__(md)
        self.state = state
        self.by_name: dict[str, GlossaryTerm] = {}  # casefolded term or alias -> the term
        for term in terms:
            for name in (term.term, *term.aliases):
                self.by_name.setdefault(name.casefold(), term)
        self.pattern = _pattern(self.by_name)
        # Faster scans with the same matches (see `_trie` and `_matches`), for ASCII terms.
        names = tuple(name for name in self.by_name if name.strip())
        self.trie: re.Pattern[str] | None = None
        self.lowered: re.Pattern[str] | None = None
        self.consuming: re.Pattern[str] | None = None
        if names and all(name.isascii() for name in names):
            self.trie = re.compile(r"(?<![\w-])(" + _trie(names) + r")(?!\w)", re.IGNORECASE)
            # The same for lower-cased ASCII text: case-sensitive, and \w spelled out (in lower-cased
            # ASCII the word characters are exactly a-z, 0-9 and _).
            self.lowered = re.compile(r"(?<![a-z0-9_-])(" + _trie(names) + r")(?![a-z0-9_])")
            # When every name starts and ends with a word character, the lookbehind can be a
            # character the match consumes (the text gets a space in front). A pattern that
            # starts with a character class lets the regex engine skip to the next candidate
            # in C instead of trying the whole pattern at every position (a page's scan: 68 ->
            # 55 us). The matches are the same: the character after a match is not a word
            # character (the lookahead), so no name starts there, and the next match's
            # character before is never part of an earlier match.
            if all(_WORD.fullmatch(name[0]) and _WORD.fullmatch(name[-1]) for name in names):
                self.consuming = re.compile(r"[^a-z0-9_-](" + _trie(names) + r")(?![a-z0-9_])")
        self.term_count = len({term.slug for term in self.by_name.values()})
        # A character between texts in the one scan (see run): not \w, not "-", in no term;
        # control characters have no case variants, so IGNORECASE cannot match one to a term.
        joined = "".join(self.by_name)
        self.separator = next(
            chr(code) for code in itertools.chain(range(0x20), range(0xE000, 0xF900)) if chr(code) not in joined
        )

    def run(self, root: etree.Element) -> None:
        if self.pattern is None:
            return
        # One regex scan over the text of the whole page instead of one per text node.
        # The texts are joined, in the order a depth-first walk meets them, with a
        # separator that is neither a word character nor a hyphen (so each text's start
        # and end are still word boundaries to the pattern) and that no term contains
        # (so no match spans two texts): the matches are those of scanning each text on
        # its own, in the same order. New links are not searched again (their text is a
        # term and their tail is the rest of a text already scanned).
        slots: list[_Slot] = []
        texts: list[str] = []
        blocks: list[int] = []  # the block of each slot (its id())
        self._collect(root, slots, texts, blocks, id(root))
        if not slots:
            return
        starts = list(itertools.accumulate([len(text) + 1 for text in texts], initial=0))
        linked: set[str] = set()  # slugs of the terms linked
        full: set[int] = set()  # the blocks that have their link
        found: dict[int, list[_Match]] = {}  # slot -> the matches in its text
        page = self.separator.join(texts)
        for start, end in self._matches(page):
            shown = page[start:end]
            term = self.by_name.get(shown.casefold())
            if term is None:
                # IGNORECASE also matches a few letters that casefold() keeps apart ("ı" for "i"):
                # such a spelling is not the term (this used to raise KeyError and stop the build).
                continue
            if term.slug in linked:
                continue  # only the first use of a term links
            slot = bisect.bisect_right(starts, start) - 1
            if blocks[slot] in full:
                continue  # one link a block: the term may link at a later use
            full.add(blocks[slot])
            linked.add(term.slug)
            found.setdefault(slot, []).append((start - starts[slot], end - starts[slot], term, shown))
            if len(linked) == self.term_count:
                break  # every term is linked already: the rest of the page needs no search
        for slot, matches in found.items():
            element, child = slots[slot]
            before, links = self._split(texts[slot], matches)
            if child is None:
                element.text = before
                for offset, node in enumerate(links):
                    element.insert(offset, node)
            else:
                child.tail = before
                index = list(element).index(child)
                for offset, node in enumerate(links, 1):
                    element.insert(index + offset, node)

    def _matches(self, text: str) -> Iterator[tuple[int, int]]:
        """The spans of the matches of `self.pattern` in `text`, in order."""
        if self.lowered is not None and text.isascii():
            # ASCII text against ASCII terms: IGNORECASE matches a character exactly when
            # its lower case is the term's (casefolded) character, and lower-casing ASCII
            # keeps every position and every \w / non-\w character as it is.
            if self.consuming is not None:  # the space stands for the start, where the lookbehind holds
                return ((match.start(1) - 1, match.end(1) - 1) for match in self.consuming.finditer(" " + text.lower()))
            return (match.span() for match in self.lowered.finditer(text.lower()))
        pattern = self.trie or self.pattern
        assert pattern is not None  # run() scans only with a pattern
        return (match.span() for match in pattern.finditer(text))

    def _collect(
        self, element: etree.Element, slots: list[_Slot], texts: list[str], blocks: list[int], block: int
    ) -> None:
        """(element, None) for element.text and (parent, child) for child.tail, in document order,
        those texts, and the block each is in (`block`: the one around `element`)."""
        text = element.text
        if text:
            slots.append((element, None))
            texts.append(text)
            blocks.append(block)
        for child in element:
            if child.tag not in SKIP_TAGS and SKIP_CLASSES.isdisjoint(child.get("class", "").split()):
                self._collect(child, slots, texts, blocks, id(child) if child.tag in BLOCK_TAGS else block)
            tail = child.tail
            if tail:
                slots.append((element, child))
                texts.append(tail)
                blocks.append(block)

    def _split(self, text: str, matches: list[_Match]) -> tuple[str, list[etree.Element]]:
        """(text before, [link element (its tail the text up to the next link or the end), ...])."""
        links: list[etree.Element] = []
        position = 0
        for start, end, term, shown in matches:
            if links:
                links[-1].tail = text[position:start]
            links.append(self._link(term, shown))
            position = end
        links[-1].tail = text[position:]
        return text[: matches[0][0]], links

    def _link(self, term: GlossaryTerm, shown: str) -> etree.Element:
        tip_id = f"gloss-{term.slug}"
        wrapper = etree.Element("span", {"class": "gloss"})
        link = etree.SubElement(
            wrapper,
            "a",
            {
                "class": "gloss-term",
                "href": f"{self.state.root}{self.state.prefix}glossary/#{term.slug}",
                "aria-describedby": tip_id,
            },
        )
        link.text = shown
        tip = etree.SubElement(
            wrapper, "span", {"class": "gloss-tip", "id": tip_id, "role": "tooltip", "data-pagefind-ignore": ""}
        )
        tip.text = term.definition
        return wrapper


class GlossaryExtension(Extension):
    def __init__(self, state: State, terms: Iterable[GlossaryTerm] = (), **kwargs: Any) -> None:
        self.state = state
        self.terms = tuple(terms)
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After links (15) so the glossary links are not recorded as the editor's
        # links, and after prose (1) so definitions never count as running text;
        # before unescape (0).
        md.treeprocessors.register(GlossaryProcessor(md, self.state, self.terms), "glossary", 0.5)
