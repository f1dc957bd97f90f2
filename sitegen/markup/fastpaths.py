"""Fast paths around Python-Markdown's own processors, with byte-for-byte the same output.

Python-Markdown stays the Markdown engine. What this module removes is work that
cannot change the result for the document at hand: a processor is not run on text
that cannot contain what it looks for. Each fast path rests on one argument,
written next to it ("this pattern only matches text containing `[`; this text has
none, so trying it would find nothing and change nothing").

The arguments are about the stock code as it is in the Python-Markdown version
they were checked against. So each fast path names the stock functions it relies
on and a digest of their source; if an upgrade changes any of them (or a regular
expression a guard was derived from), that fast path is not installed and the
stock code runs. tests/test_markup_fastpaths.py renders documents with and without
these fast paths and fails when one is no longer installed, so an upgrade is
re-checked rather than silently slower. `benchmarks/markdown_pass.py` measures them.

This module installs them all (`install`) and holds the small ones; the inline pass's are
in fastinline.py, the block parser's in fastblocks.py, the digests of the stock code in
stock.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar
from xml.etree.ElementTree import Element

import markdown
from markdown import blockparser, preprocessors, treeprocessors, util
from markdown.extensions import attr_list, toc

from sitegen.markup.fastblocks import PARSE_RELIES_ON, guarded_parse_blocks
from sitegen.markup.fastinline import INLINE_RELIES_ON, LINKS_RELIES_ON, GuardedInlineProcessor, install_brackets
from sitegen.markup.stock import unchanged

T = TypeVar("T")


# --- preprocessor and tree processors ------------------------------------------------

_NORMALIZE_RELIES_ON = ("a99bc2f9e0d83abc", preprocessors.NormalizeWhitespace.run)


class GuardedNormalizeWhitespace(preprocessors.NormalizeWhitespace):
    """The stock whitespace normalisation; its last step, a lookbehind regex over the whole
    source that empties lines of spaces, is skipped when no line ends in a space."""

    def run(self, lines: list[str]) -> list[str]:
        source = "\n".join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        if " \n" in source:  # what every match of the regex contains
            source = re.sub(r"(?<=\n) +\n", "\n", source)
        return source.split("\n")


_UNESCAPE_RELIES_ON = (
    "02c5345870b77f7f",
    treeprocessors.UnescapeTreeprocessor.run,
    treeprocessors.UnescapeTreeprocessor.unescape,
)


class GuardedUnescape(treeprocessors.UnescapeTreeprocessor):
    """The stock unescape pass, without the regex substitution on strings without a placeholder.

    The stock run substitutes STX<digits>ETX in every text, tail and attribute value and
    writes the result back; a string without STX comes back equal. (Only its type may
    differ: the stock pass turns an AtomicString into a str, which nothing after this
    last tree processor looks at.)
    """

    def run(self, root: Element) -> None:
        stx, unescape = util.STX, self.unescape
        for element in root.iter():
            text = element.text
            if text and stx in text and not element.tag == "code":
                element.text = unescape(text)
            tail = element.tail
            if tail and stx in tail:
                element.tail = unescape(tail)
            for key, value in element.items():
                if value is not None and stx in value:
                    element.set(key, unescape(value))


_ATTR_LIST_RELIES_ON = ("fb126cccd79ac3cb", attr_list.AttrListTreeprocessor.run)
_ATTR = r"\{\:?[ ]*([^\}\n ][^\n]*)\}"
_ATTR_LIST_RES = (r"\n[ ]*" + _ATTR + r"[ ]*$", r"[ ]+" + _ATTR + r"[ ]*$", r"^" + _ATTR)  # block, header, inline


def _texts_contain(root: Element, needle: str) -> bool:
    """Whether any element text or tail in the tree contains `needle`."""
    for element in root.iter():
        text, tail = element.text, element.tail
        if (text and needle in text) or (tail and needle in tail):
            return True
    return False


def _guarded_attr_list_run(processor: attr_list.AttrListTreeprocessor) -> Callable[[Element], None]:
    """attr_list's run, skipped when no text or tail holds a "{": each of its three regexes
    (BLOCK_RE, HEADER_RE, INLINE_RE, all starting `\\{`) needs one in the text it reads."""
    stock = processor.run

    def run(doc: Element) -> None:
        if _texts_contain(doc, "{"):
            stock(doc)

    return run


_TOC_RELIES_ON = ("c84ade2b612a0a47", toc.TocTreeprocessor.replace_marker, toc.TocTreeprocessor.run)


def _guarded_replace_marker(processor: toc.TocTreeprocessor) -> Callable[[Element, Element], None]:
    """toc's replace_marker (a walk of the whole tree joining each element's text), skipped
    when no element's text contains the marker: it only replaces an element whose text,
    stripped, is the marker."""
    stock = processor.replace_marker

    def replace_marker(root: Element, elem: Element) -> None:
        marker = processor.marker
        for element in root.iter():
            if element.text and marker in element.text:
                stock(root, elem)
                return

    return replace_marker


_BLOCK_LEVEL_RELIES_ON = ("dc551fffd52a0eee", markdown.Markdown.is_block_level)


def _memoized_is_block_level(md: markdown.Markdown) -> tuple[Callable[[object], bool], dict[object, bool]]:
    """(md.is_block_level with a memo of its answers, that memo), emptied by md.reset() (see `_Memos`).

    The stock method lower-cases the tag and searches a list of 60 names; prettify and
    attr_list ask it about every element of every page, for a dozen distinct tags. The
    answer depends only on the tag and md.block_level_elements, which extensions change
    while the instance is set up, not during a conversion.
    """
    stock = md.is_block_level
    memo: dict[object, bool] = {}  # tag -> the stock answer

    def is_block_level(tag: object) -> bool:
        try:
            return memo[tag]
        except KeyError:
            answer = memo[tag] = stock(tag)
            return answer
        except TypeError:  # an unhashable tag
            return stock(tag)

    return is_block_level, memo


class _Memos:
    """Registered as an extension only so that md.reset() empties the memos."""

    def __init__(self, *memos: dict[object, bool]) -> None:
        self.memos = memos

    def reset(self) -> None:
        for memo in self.memos:
            memo.clear()


# --- installing ----------------------------------------------------------------------


def _replace(registry: util.Registry[T], name: str, item: T) -> None:
    """Register `item` under `name` at the priority of the item it replaces."""
    # The (name, priority) entries are the registry's own, private: the stubs do not declare them.
    priority = next(entry.priority for entry in registry._priority if entry.name == name)  # type: ignore[attr-defined]
    registry.register(item, name, priority)


def _get(registry: util.Registry[T], name: str) -> T | None:
    return registry[name] if name in registry else None


def install(md: markdown.Markdown) -> list[str]:
    """Swap in the fast paths whose preconditions hold for `md`; the names of those installed.

    Call it once the instance is fully configured (all extensions registered).
    """
    # Each fast path set on an instance in front of a method is ignored for method-assign
    # and assignment: mypy compares the function with the method as it is on the class.
    installed: list[str] = []
    if (
        type(_get(md.treeprocessors, "inline")) is treeprocessors.InlineProcessor
        and unchanged(*INLINE_RELIES_ON)
        and unchanged(*LINKS_RELIES_ON)
    ):
        inline = GuardedInlineProcessor(md)
        _replace(md.treeprocessors, "inline", inline)
        # Part of "inline": the link patterns it runs, made linear in brackets.
        inline.follow = install_brackets(md).follow
        installed.append("inline")
    if type(md.parser).parseBlocks is blockparser.BlockParser.parseBlocks and unchanged(*PARSE_RELIES_ON):
        # An instance attribute: parseChunk and the block processors all call parser.parseBlocks.
        md.parser.parseBlocks = guarded_parse_blocks(md.parser)  # type: ignore[method-assign, assignment]
        installed.append("blocks")
    if type(_get(md.preprocessors, "normalize_whitespace")) is preprocessors.NormalizeWhitespace and unchanged(
        *_NORMALIZE_RELIES_ON
    ):
        _replace(md.preprocessors, "normalize_whitespace", GuardedNormalizeWhitespace(md))
        installed.append("normalize_whitespace")
    processor = _get(md.treeprocessors, "unescape")
    if (
        type(processor) is treeprocessors.UnescapeTreeprocessor
        and unchanged(*_UNESCAPE_RELIES_ON)
        and processor.RE.pattern == util.STX + r"(\d+)" + util.ETX
    ):
        _replace(md.treeprocessors, "unescape", GuardedUnescape(md))
        installed.append("unescape")
    processor = _get(md.treeprocessors, "attr_list")
    if (
        type(processor) is attr_list.AttrListTreeprocessor
        and unchanged(*_ATTR_LIST_RELIES_ON)
        and (processor.BLOCK_RE.pattern, processor.HEADER_RE.pattern, processor.INLINE_RE.pattern) == _ATTR_LIST_RES
    ):
        # md.treeprocessors calls processor.run(root)
        processor.run = _guarded_attr_list_run(processor)  # type: ignore[method-assign, assignment]
        installed.append("attr_list")
    processor = _get(md.treeprocessors, "toc")
    if type(processor) is toc.TocTreeprocessor and unchanged(*_TOC_RELIES_ON):
        # run calls self.replace_marker
        processor.replace_marker = _guarded_replace_marker(processor)  # type: ignore[method-assign, assignment]
        installed.append("toc")
    if type(md).is_block_level is markdown.Markdown.is_block_level and unchanged(*_BLOCK_LEVEL_RELIES_ON):
        is_block_level, memo = _memoized_is_block_level(md)
        # processors call self.md.is_block_level
        md.is_block_level = is_block_level  # type: ignore[method-assign, assignment]
        # Not an Extension (arg-type): Markdown only calls the reset() of what it registers.
        md.registerExtension(_Memos(memo))  # type: ignore[arg-type]
        installed.append("is_block_level")
    return installed
