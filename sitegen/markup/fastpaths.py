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
"""

from __future__ import annotations

import bisect
import enum
import functools
import hashlib
import linecache
import re
from collections.abc import Callable
from types import ModuleType
from typing import Final, TypedDict, TypeVar
from xml.etree.ElementTree import Element

import markdown
from markdown import blockparser, blockprocessors, inlinepatterns, preprocessors, treeprocessors, util
from markdown.extensions import abbr, admonition, attr_list, def_list, footnotes, md_in_html, sane_lists, tables, toc

T = TypeVar("T")


@functools.cache
def _digest(*functions: object) -> str | None:
    """A digest of the functions' source lines (from their code objects: inspect.getsource
    tokenizes the module, which costs more than a small build's whole Markdown pass)."""
    lines = []
    for function in functions:
        code = getattr(function, "__code__", None)
        source = linecache.getlines(code.co_filename) if code is not None else []
        numbers = [number for _, _, number in code.co_lines() if number] if code is not None else []
        if code is None or not source or not numbers:
            return None  # no source to check: assume it changed
        lines += source[code.co_firstlineno - 1 : max(numbers)]
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()[:16]


def _unchanged(digest: str, *functions: object) -> bool:
    """Whether the stock `functions` are, to the character, the ones a fast path was checked against."""
    return _digest(*functions) == digest


# --- inline patterns -----------------------------------------------------------------
#
# The stock InlineProcessor tries every inline pattern on every piece of text: for a
# paragraph that is 14 Python calls, each with a registry lookup and a regex search,
# nearly all finding nothing. Each pattern below can only match text that contains
# one of the listed substrings: a literal its regular expression requires in every
# match (none is compiled with IGNORECASE). __applyPattern has no side effect when the
# regex finds nothing and returns (data, False, 0), so not trying a pattern that cannot
# match is exactly what the stock loop does after a failed try.

_INLINE = treeprocessors.InlineProcessor
# The stubs do not declare the stock loop's private (name-mangled) methods.
_INLINE_RELIES_ON = (
    "a0560cbaf6d11bdc",
    _INLINE._InlineProcessor__handleInline,  # type: ignore[attr-defined]
    _INLINE._InlineProcessor__applyPattern,  # type: ignore[attr-defined]
    _INLINE.run,
)
_BRACKET, _IMAGE = ("[",), ("![",)
_HTML_RE = (
    r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+"""
    r"""\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
)
# (module, class, the regex the needs were read from, substrings one of which every match contains).
_INLINE_SPECS = [
    (inlinepatterns, "BacktickInlineProcessor", r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", ("`",)),
    (inlinepatterns, "EscapeInlineProcessor", r"\\(.)", ("\\",)),
    (footnotes, "FootnoteInlineProcessor", r"\[\^([^\]]*)\]", ("[^",)),
    (inlinepatterns, "ReferenceInlineProcessor", r"(?<!\!)\[", _BRACKET),
    (inlinepatterns, "LinkInlineProcessor", r"(?<!\!)\[", _BRACKET),
    (inlinepatterns, "ShortReferenceInlineProcessor", r"(?<!\!)\[", _BRACKET),
    (inlinepatterns, "ImageInlineProcessor", r"\!\[", _IMAGE),
    (inlinepatterns, "ImageReferenceInlineProcessor", r"\!\[", _IMAGE),
    (inlinepatterns, "ShortImageReferenceInlineProcessor", r"\!\[", _IMAGE),
    (inlinepatterns, "AutolinkInlineProcessor", r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>", ("://",)),
    (inlinepatterns, "AutomailInlineProcessor", r"<([^<> !]+@[^@<> ]+)>", ("@",)),
    (inlinepatterns, "SubstituteTagInlineProcessor", r"  \n", ("  \n",)),
    (inlinepatterns, "HtmlInlineProcessor", r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", ("&",)),
    (inlinepatterns, "HtmlInlineProcessor", _HTML_RE, ("<",)),
    (inlinepatterns, "DelimiterProcessor", r"\*|_", ("*", "_")),
]
# (class, regex) -> needs, for the classes this Python-Markdown has.
INLINE_NEEDS = {
    (getattr(module, name), regex): needs for module, name, regex, needs in _INLINE_SPECS if hasattr(module, name)
}


def _inline_needs(pattern: object) -> tuple[str, ...] | None:
    """What `pattern` needs in a text to possibly match; None (always try it) if unknown."""
    regex = getattr(pattern, "compiled_re", None)
    if regex is None or regex.flags & re.IGNORECASE:
        return None
    return INLINE_NEEDS.get((type(pattern), regex.pattern))


class GuardedInlineProcessor(treeprocessors.InlineProcessor):
    """The stock inline processor, not trying patterns that cannot match the text.

    The stock `__handleInline` loop is overridden (under its name-mangled name, which is
    how the stock code calls it, also from `__applyPattern` for nested text) by the same
    loop with one more step: a pattern whose needed substrings are all absent from the
    text counts as "did not match" without being tried, and text without any character
    of any needed substring returns at once. The patterns are read from the registry
    once per run, in its order (the stock loop indexes the registry per try).
    """

    _patterns: list[object] = []
    _needs: list[tuple[str, ...] | None]  # what each of _patterns needs (see _inline_needs)
    _any: Callable[[str], re.Match[str] | None] | None  # finds a character some pattern needs
    # Told of each text a match made: (the text before, the text after, where the search goes on).
    follow: Callable[[str, str, int], None] | None = None

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        patterns: list[object] = list(self.inlinePatterns)
        if patterns != self._patterns:  # the registry changed (or first run)
            self._patterns = patterns
            self._needs = [_inline_needs(pattern) for pattern in patterns]
            self._any = None
            if all(self._needs):
                # A text with no character from any needed substring (one non-space character of
                # each is enough) can match no pattern; a character class is a fast search.
                chars = {
                    next(char for char in needed if char != " ") for needs in self._needs for needed in needs or ()
                }  # (none is None: all() said so)
                self._any = re.compile("[" + "".join(re.escape(char) for char in sorted(chars)) + "]").search
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        if self._any is not None and self._any(data) is None:
            return data
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]  # private: see _INLINE_RELIES_ON
        patterns, needs, follow = self._patterns, self._needs, self.follow
        count, startIndex = len(patterns), 0
        while patternIndex < count:
            need = needs[patternIndex]
            if need is not None:
                # From startIndex: where the pattern searches (its match holds the substring),
                # and after a match `in data` would scan the whole text done so far again.
                for needed in need:
                    if data.find(needed, startIndex) >= 0:
                        break
                else:
                    patternIndex, startIndex = patternIndex + 1, 0  # as after a failed try
                    continue
            before = data
            data, matched, startIndex = apply(patterns[patternIndex], data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
            elif data is not before and follow is not None:
                follow(before, data, startIndex)
        return data


# --- link and image brackets ---------------------------------------------------------
#
# The stock link and image patterns (LinkInlineProcessor and its five subclasses) find the
# `]` closing a `[` with getText, a Python loop over every character after it, and the `)`
# closing a `[text](` with getLink, another. Where none closes, both run to the end of the
# text, for every `[`: a body of many unclosed `[` (or `![`, or `[a](`) took time quadratic
# in its length (13 s for 8,000 of them, over 120 s for 50,000: issue 28). Here the brackets
# and parentheses of a text are indexed once (the same text is asked about for every `[`
# until a pattern matches), so getText, and getLink where it only counts parentheses (no
# quote before the closing one), are bisections. The results are the stock ones, except
# the text of an unclosed bracket and the href of an unclosed link: every stock caller
# (the handleMatch methods in _LINKS_RELIES_ON) returns (None, None, None) at once when
# `handled` is False, without reading them.

_LINKS_RELIES_ON = (
    "6815f4c74950ca0c",
    inlinepatterns.LinkInlineProcessor.getText,
    inlinepatterns.LinkInlineProcessor.getLink,
    inlinepatterns.LinkInlineProcessor.handleMatch,
    inlinepatterns.ImageInlineProcessor.handleMatch,
    inlinepatterns.ReferenceInlineProcessor.handleMatch,
)
_LINK_CLASSES = tuple(
    getattr(inlinepatterns, name)
    for name in (
        "LinkInlineProcessor",
        "ImageInlineProcessor",
        "ReferenceInlineProcessor",
        "ShortReferenceInlineProcessor",
        "ImageReferenceInlineProcessor",
        "ShortImageReferenceInlineProcessor",
    )
)


_MARKS_RE = re.compile(r"""[\[\]()'"]""")
_STEP = {"[": ("[", 1), "]": ("[", -1), "(": ("(", 1), ")": ("(", -1)}


class _Brackets:
    """getText and getLink of the link patterns, from an index of a text's brackets,
    parentheses and quotes.

    The index counts from the end of the text (offsets back from it, nesting depths of what
    follows), because a match replaces part of the text with a placeholder before where the
    next search starts (InlineProcessor.__applyPattern returns the index past it): what
    follows is the same, and so is its index. A new text is checked to end with the very
    characters the index was made from (one comparison, in C) before its index is reused;
    otherwise it is indexed again. Without this, a text of many links and unclosed brackets
    (`[a](b) [` repeated) was indexed again after every link: quadratic again.
    """

    def __init__(self) -> None:
        self.text: str | None = None  # the text the index holds for, from `reach` back from its end
        self.reach = 0
        self.offsets: dict[str, list[int]] = {}  # "[" or "(" -> offsets back from the end of each, ascending
        self.depths: dict[str, list[int]] = {}  # "[" or "(" -> nesting depth of what follows up to each
        self.closes: dict[tuple[str, int], list[int]] = {}  # (kind, depth of what follows) -> offsets of closers
        self.quotes: list[int] = []  # offsets of every ' and "

    def _index(self, data: str, index: int) -> int:
        """The offset of `index` back from the end of `data`, with the index valid there."""
        back, text = len(data) - index, self.text
        if back <= self.reach and text is not None:
            if data is text:
                return back
            if data[index:] == text[len(text) - back :]:
                self.text, self.reach = data, back  # valid as far back as checked
                return back
        offsets: dict[str, list[int]] = {"[": [], "(": []}
        depths: dict[str, list[int]] = {"[": [], "(": []}
        closes: dict[tuple[str, int], list[int]] = {}
        quotes: list[int] = []
        depth = {"[": 0, "(": 0}
        end = len(data)
        for found in reversed(list(_MARKS_RE.finditer(data))):
            at = found.start()
            mark = data[at]
            if mark in "'\"":
                quotes.append(end - at)
                continue
            kind, step = _STEP[mark]
            if step < 0:
                closes.setdefault((kind, depth[kind]), []).append(end - at)
            depth[kind] += step
            offsets[kind].append(end - at)
            depths[kind].append(depth[kind])
        self.text, self.reach = data, end
        self.offsets, self.depths, self.closes, self.quotes = offsets, depths, closes, quotes
        return back

    def follow(self, before: str, after: str, going_on: int) -> None:
        """`after` is `before` with a match replaced by a placeholder ending at `going_on`:
        __applyPattern returns data[:start] + placeholder + data[end:] and the index past the
        placeholder, so what follows it is what followed the match, and keeps its index."""
        if before is self.text:
            self.text, self.reach = after, min(self.reach, len(after) - going_on)

    def close(self, kind: str, data: str, index: int) -> int:
        """Where the depth of `kind` ("[" or "("), 1 at `index`, first falls to 0 (its closer), or -1.

        Counted from the end: the depth from `index` to a closer at j is the depth of what
        follows `index` less the depth of what follows j, which must be -1 there; the first
        such j is the closer, as the depth moves by one at a time."""
        back = self._index(data, index)
        offsets = self.offsets[kind]
        here = bisect.bisect_right(offsets, back)  # brackets at or after `index`
        depth = self.depths[kind][here - 1] if here else 0
        ends = self.closes.get((kind, depth + 1), ())
        found = bisect.bisect_right(ends, back) - 1  # the nearest at or after `index`
        return len(data) - ends[found] if found >= 0 else -1

    def first_quote(self, data: str, index: int) -> int:
        """Where the first quote at or after `index` is, or len(data)."""
        back = self._index(data, index)
        found = bisect.bisect_right(self.quotes, back) - 1
        return len(data) - self.quotes[found] if found >= 0 else len(data)

    def get_text(self, data: str, index: int) -> tuple[str, int, bool]:
        """getText: (the text up to the `]` closing at depth 1, the index after it, True), or
        ("", len(data), False) when none does (the stock text, unused then, is the rest)."""
        end = self.close("[", data, index)
        if end < 0:
            return "", len(data), False
        return data[index:end], end + 1, True

    def get_link(
        self, pattern: inlinepatterns.LinkInlineProcessor, data: str, index: int
    ) -> tuple[str, str | None, int, bool] | None:
        """getLink where it is plain bracket counting; None where the stock one must run.

        After RE_LINK's `(` (without its `<...>` form), the stock loop counts `(` and `)` until
        the count falls to 0, and behaves otherwise only from the first quote on. So when no
        quote comes before where the count falls to 0 (or none at all when it never does),
        the answer is that closing `)` (href up to it, no title), or "not a link"."""
        match = pattern.RE_LINK.match(data, pos=index)
        if match is None or match.group(1):
            return None  # no loop: the stock one is quick
        start = match.end()
        end = self.close("(", data, start)
        quote = self.first_quote(data, start)
        if end < 0:
            return ("", None, len(data), False) if quote == len(data) else None
        if end < quote:
            return pattern.unescape(data[start:end]).strip(), None, end + 1, True
        return None


def _guarded_get_link(
    pattern: inlinepatterns.LinkInlineProcessor, brackets: _Brackets
) -> Callable[[str, int], tuple[str, str | None, int, bool]]:
    stock = pattern.getLink

    def get_link(data: str, index: int) -> tuple[str, str | None, int, bool]:
        found = brackets.get_link(pattern, data, index)
        return stock(data, index) if found is None else found

    return get_link


def _install_brackets(md: markdown.Markdown) -> _Brackets:
    brackets = _Brackets()
    for pattern in md.inlinePatterns:
        if type(pattern) in _LINK_CLASSES:
            assert isinstance(pattern, inlinepatterns.LinkInlineProcessor)
            # handleMatch calls self.getText and self.getLink
            pattern.getText = brackets.get_text  # type: ignore[method-assign]
            pattern.getLink = _guarded_get_link(pattern, brackets)  # type: ignore[method-assign, assignment]
    return brackets


# --- block processors ----------------------------------------------------------------
#
# The stock BlockParser offers each block to every block processor in turn until one
# takes it: a plain paragraph goes through all 19 (several tests search the whole block
# with a regex, and four processors "test" True and search in `run`, which puts the
# block back and returns False). Each processor below can only take a block containing
# one of the listed substrings, and when it does not take a block it leaves no trace.
# The guarded loop skips a processor whose substrings are all absent from the block,
# which is what the stock loop does after that processor's test (or run) says no.

_PARSE_RELIES_ON = ("1737e188f149267b", blockparser.BlockParser.parseBlocks)
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
    if not _unchanged(digest, *functions):
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
        and _unchanged(*_INLINE_RELIES_ON)
        and _unchanged(*_LINKS_RELIES_ON)
    ):
        inline = GuardedInlineProcessor(md)
        _replace(md.treeprocessors, "inline", inline)
        # Part of "inline": the link patterns it runs, made linear in brackets.
        inline.follow = _install_brackets(md).follow
        installed.append("inline")
    if type(md.parser).parseBlocks is blockparser.BlockParser.parseBlocks and _unchanged(*_PARSE_RELIES_ON):
        # An instance attribute: parseChunk and the block processors all call parser.parseBlocks.
        md.parser.parseBlocks = guarded_parse_blocks(md.parser)  # type: ignore[method-assign, assignment]
        installed.append("blocks")
    if type(_get(md.preprocessors, "normalize_whitespace")) is preprocessors.NormalizeWhitespace and _unchanged(
        *_NORMALIZE_RELIES_ON
    ):
        _replace(md.preprocessors, "normalize_whitespace", GuardedNormalizeWhitespace(md))
        installed.append("normalize_whitespace")
    processor = _get(md.treeprocessors, "unescape")
    if (
        type(processor) is treeprocessors.UnescapeTreeprocessor
        and _unchanged(*_UNESCAPE_RELIES_ON)
        and processor.RE.pattern == util.STX + r"(\d+)" + util.ETX
    ):
        _replace(md.treeprocessors, "unescape", GuardedUnescape(md))
        installed.append("unescape")
    processor = _get(md.treeprocessors, "attr_list")
    if (
        type(processor) is attr_list.AttrListTreeprocessor
        and _unchanged(*_ATTR_LIST_RELIES_ON)
        and (processor.BLOCK_RE.pattern, processor.HEADER_RE.pattern, processor.INLINE_RE.pattern) == _ATTR_LIST_RES
    ):
        # md.treeprocessors calls processor.run(root)
        processor.run = _guarded_attr_list_run(processor)  # type: ignore[method-assign, assignment]
        installed.append("attr_list")
    processor = _get(md.treeprocessors, "toc")
    if type(processor) is toc.TocTreeprocessor and _unchanged(*_TOC_RELIES_ON):
        # run calls self.replace_marker
        processor.replace_marker = _guarded_replace_marker(processor)  # type: ignore[method-assign, assignment]
        installed.append("toc")
    if type(md).is_block_level is markdown.Markdown.is_block_level and _unchanged(*_BLOCK_LEVEL_RELIES_ON):
        is_block_level, memo = _memoized_is_block_level(md)
        # processors call self.md.is_block_level
        md.is_block_level = is_block_level  # type: ignore[method-assign, assignment]
        # Not an Extension (arg-type): Markdown only calls the reset() of what it registers.
        md.registerExtension(_Memos(memo))  # type: ignore[arg-type]
        installed.append("is_block_level")
    return installed
