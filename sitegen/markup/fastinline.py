"""Fast paths of the inline pass (see fastpaths.py for what a fast path is): the inline
processor not trying patterns that cannot match a text, and the link patterns' bracket
matching made linear with an index of a text's brackets."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

import markdown
from markdown import inlinepatterns, treeprocessors, util
from markdown.extensions import footnotes

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
INLINE_RELIES_ON = (
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
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]  # private: see INLINE_RELIES_ON
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
# (the handleMatch methods in LINKS_RELIES_ON) returns (None, None, None) at once when
# `handled` is False, without reading them.

LINKS_RELIES_ON = (
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


def install_brackets(md: markdown.Markdown) -> _Brackets:
    brackets = _Brackets()
    for pattern in md.inlinePatterns:
        if type(pattern) in _LINK_CLASSES:
            assert isinstance(pattern, inlinepatterns.LinkInlineProcessor)
            # handleMatch calls self.getText and self.getLink
            pattern.getText = brackets.get_text  # type: ignore[method-assign]
            pattern.getLink = _guarded_get_link(pattern, brackets)  # type: ignore[method-assign, assignment]
    return brackets
