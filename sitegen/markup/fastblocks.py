"""Fast path of the block parser (see fastpaths.py for what a fast path is): a block is
not offered to the block processors that cannot take it."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from types import ModuleType
from typing import Final, TypedDict
from xml.etree.ElementTree import Element

from markdown import blockparser, blockprocessors, util
from markdown.extensions import abbr, admonition, def_list, footnotes, md_in_html, sane_lists, tables

from sitegen.markup.stock import unchanged

# --- block processors ----------------------------------------------------------------
#
# The stock BlockParser offers each block to every block processor in turn until one
# takes it: a plain paragraph goes through all 19 (several tests search the whole block
# with a regex, and four processors "test" True and search in `run`, which puts the
# block back and returns False). Each processor below can only take a block containing
# one of the listed substrings, and when it does not take a block it leaves no trace.
# The guarded loop skips a processor whose substrings are all absent from the block,
# which is what the stock loop does after that processor's test (or run) says no.

PARSE_RELIES_ON = ("1737e188f149267b", blockparser.BlockParser.parseBlocks)
_ADMONITION_RE = r'(?:^|\n)!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *(?:\n|$)'
_HR_RE = r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))(?P=atomicgroup)[ ]*$"


class _Needed(enum.Enum):
    INDENT = "indent"


_INDENT: Final = _Needed.INDENT  # stands for the processor's tab_length in spaces

# (module, class, the regex the needs were read from or None, needs, digest, the stock methods relied on)
_BLOCK_SPECS: list[tuple[ModuleType, str, str | None, tuple[str | _Needed, ...], str, tuple[str, ...]]] = [
    # run: only a block that starts with a stashed-HTML placeholder (STX); else False, blocks untouched.
    (md_in_html, "MarkdownInHtmlProcessor", None, (util.STX,), "a3f4ca8205abb8b6", ("test", "run")),
    # test: a `!!!` line (RE), or (parse_content) a block starting with an indent under an
    # admonition. parse_content only keeps a sibling when test returns True, and run consumes it.
    (
        admonition,
        "AdmonitionProcessor",
        _ADMONITION_RE,
        ("!!!", _INDENT),
        "09f5ebf235378ac8",
        ("test", "parse_content"),
    ),
    # test: block.startswith(indent) and ...
    (blockprocessors, "ListIndentProcessor", None, (_INDENT,), "8e16392c34a34bd1", ("test",)),
    (def_list, "DefListIndentProcessor", None, (_INDENT,), "8e16392c34a34bd1", ("test",)),
    (blockprocessors, "CodeBlockProcessor", None, (_INDENT,), "2bcd68363687329c", ("test",)),
    # test: a header row of two or more cells, or one with a border; both need a pipe. (It sets
    # self.border, which run reads only after the successful test that sets it again.)
    (tables, "TableProcessor", None, ("|",), "5760b295ff4c5d9f", ("test", "_split_row", "_split")),
    (
        blockprocessors,
        "HashHeaderProcessor",
        r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
        ("#",),
        "b05b7970153b822e",
        ("test",),
    ),
    (
        blockprocessors,
        "SetextHeaderProcessor",
        r"^.*?\n(?:=+|-+)[ ]*(\n|$)",
        ("\n=", "\n-"),
        "f4517c337decc072",
        ("test",),
    ),
    # test searches SEARCH_RE (checked below) and keeps the match only when it finds one.
    (blockprocessors, "HRProcessor", None, ("-", "_", "*"), "d97db1d673f15c75", ("test",)),
    (sane_lists, "SaneUListProcessor", r"^[ ]{0,3}[*+-][ ]+(.*)", ("*", "+", "-"), "f4517c337decc072", ("test",)),
    (def_list, "DefListProcessor", r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", (":",), "b05b7970153b822e", ("test",)),
    (blockprocessors, "BlockQuoteProcessor", r"(^|\n)[ ]{0,3}>[ ]?(.*)", (">",), "342a21ffb26b7052", ("test",)),
    # These three test True and search in run, which puts the block back when it finds nothing.
    (
        footnotes,
        "FootnoteBlockProcessor",
        r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$",
        ("[^",),
        "2e60d751f7d29132",
        ("test", "run"),
    ),
    (
        abbr,
        "AbbrBlockprocessor",
        r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$",
        ("*[",),
        "65beb5cfee6bcbe7",
        ("test", "run"),
    ),
    (
        blockprocessors,
        "ReferenceProcessor",
        r"""^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
        ("]:",),
        "ce5dcea6ea45deb4",
        ("test", "run"),
    ),
]
# class -> (regex or None, needs, digest, the stock methods), for the classes this Python-Markdown has.
BLOCK_NEEDS: dict[type, tuple[str | None, tuple[str | _Needed, ...], str, tuple[object, ...]]] = {
    getattr(module, name): (
        regex,
        needs,
        digest,
        tuple(getattr(getattr(module, name), method, None) for method in methods),
    )
    for module, name, regex, needs, digest, methods in _BLOCK_SPECS
    if hasattr(module, name)
}


def _block_needs(processor: blockprocessors.BlockProcessor) -> tuple[str, ...] | None:
    """What a block must contain for `processor` to take it; None (always offer it) if unknown."""
    spec = BLOCK_NEEDS.get(type(processor))
    if spec is None:
        return None
    regex, needs, digest, functions = spec
    if regex is not None and getattr(getattr(processor, "RE", None), "pattern", None) != regex:
        return None
    if (
        type(processor) is blockprocessors.HRProcessor
        and getattr(processor, "SEARCH_RE", re.compile("")).pattern != _HR_RE
    ):
        return None
    if type(processor).__name__ == "MarkdownInHtmlProcessor" and not util.HTML_PLACEHOLDER_RE.pattern.startswith(
        util.STX
    ):
        return None
    if not unchanged(digest, *functions):
        return None
    return tuple(" " * processor.tab_length if needed is _INDENT else needed for needed in needs)


class _ParseCache(TypedDict):
    size: int  # of the registry the processors were read from
    processors: list[tuple[blockprocessors.BlockProcessor, tuple[str, ...] | None]]  # with their needs


def guarded_parse_blocks(parser: blockparser.BlockParser) -> Callable[[Element, list[str]], None]:
    """A `parseBlocks` for `parser`: the stock loop, not offering a block to processors that cannot take it."""
    cache: _ParseCache = {"size": -1, "processors": []}

    def parseBlocks(parent: Element, blocks: list[str]) -> None:
        registry = parser.blockprocessors
        if cache["size"] != len(registry):  # built once; again if a processor is (de)registered
            cache["processors"] = [(processor, _block_needs(processor)) for processor in registry]
            cache["size"] = len(registry)
        processors = cache["processors"]
        while blocks:
            for processor, needs in processors:
                block = blocks[0]
                if needs is not None:
                    for needed in needs:
                        if needed in block:
                            break
                    else:
                        continue  # cannot take this block: as if its test (or run) had said no
                if processor.test(parent, block):
                    if processor.run(parent, blocks) is not False:
                        break

    return parseBlocks
