"""What the safety net (leftovers.py) reports in one line of the text readers would see:
link, image, citation, footnote and emphasis syntax the Markdown pass left as it was typed.

`findings(line, cite_keys)` yields (what was found, the message, the fix) for each piece; the
net finds its source line. Each check is behind a substring test: most lines have nothing.
Valid citations (`[@key]`) are still raw text when the net runs (citations.py comes after it).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from sitegen.markup.slips import CURLY

Finding = tuple[str, str, str]

IMAGE = re.compile(r"!\[[^\[\]\n]*\]\s*\([^()\n]*\)?")
LINK = re.compile(r"\[[^\[\]\n]+\]\s*\([^()\n]*\)")
_UNCLOSED = re.compile(r"(?<!!)\[[^\[\]\n]+\]\((?![^()\n]*\))[^\s()]*")
_NO_BRACKET = re.compile(r"\[[^\[\]()\n]*\((?:[^()\s]+\.md|https?://[^()\s]+)[^()\n]*\)")
_REFERENCE = re.compile(r"\[[^\[\]\n]+\]\[[^\[\]\n]*\]")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")
_CITE_SPACED = re.compile(r"\[[\s\u00a0]*@[\s\u00a0]*\]|\[[\s\u00a0]+@[^\]\n]*\]|\[@[\s\u00a0]+[^\]\n]*\]")
_CITE_ROUND = re.compile(r"\(@[\w-]+[^()\n]*\)")
_CITE_NO_AT = re.compile(r"\[(?P<key>[A-Za-z][\w-]*\d{4}[a-z]?)\]")
# A `*` or `__` touching a word on one side only: it opens or closes nothing.
_STAR = re.compile(r"(?<![\w*])\*{1,3}(?=\w)|(?<=\w)\*{1,3}(?![\w*])")
_UNDERSCORES = re.compile(r"(?<![\w_])__+(?=\w)|(?<=\w)__+(?![\w_])")

_LINK_FIX = (
    "Write it as `[link text](other-article.md)` or `[link text](other-article.md#a-section)`, "
    "with no space between `]` and `(` nor in the file name."
)
_CITE_FIX = "Write the citation as `[@key]`, e.g. `[@rocca2024]`: square brackets, `@` and the key, with no spaces."


def findings(line: str, cite_keys: Collection[str] = ()) -> Iterator[Finding]:
    if "[" in line:
        yield from _brackets(line, cite_keys)
    elif "(@" in line:
        for match in _CITE_ROUND.finditer(line):
            yield _citation(match.group(0), "it is in round brackets; a citation goes in square brackets")
    if "*" in line or "__" in line:
        yield from _emphasis(line)


def _brackets(line: str, cite_keys: Collection[str]) -> Iterator[Finding]:
    for match in IMAGE.finditer(line):
        written = match.group(0)
        yield (
            written,
            f"`{written[:80]}` was not read as an image, so readers see the text instead: {_why_link(written)}.",
            'Write it alone on its line as `![What it shows](images/name.svg "Caption")`.',
        )
    text = re.sub(r"!\[[^\[\]\n]*\]", "", line)
    for match in LINK.finditer(text):
        written = match.group(0)
        yield (
            written,
            f"`{written[:80]}` was not read as a link, so readers see the brackets instead: {_why_link(written)}.",
            _LINK_FIX,
        )
    for pattern, why in (
        (_UNCLOSED, "the `(` after the brackets is never closed with `)`"),
        (_NO_BRACKET, "the `]` that closes the link text is missing"),
        (_REFERENCE, "a link written `[text][name]` needs its address defined elsewhere, and this one has none"),
    ):
        for match in pattern.finditer(text):
            written = match.group(0)
            yield written, f"`{written[:80]}` was not read as a link, so readers see the brackets: {why}.", _LINK_FIX
    yield from _citations(line, cite_keys)


def _citations(line: str, cite_keys: Collection[str]) -> Iterator[Finding]:
    for match in _FOOTNOTE.finditer(line):
        written = match.group(0)
        yield (
            written,
            f"`{written}` is a footnote mark with no footnote written for it, so readers see the brackets.",
            "Articles cite their sources with `[@key]` (see the README's Citations) rather than footnotes: "
            "write `[@key]` here, or write the note's words in the text.",
        )
    for match in _CITE_SPACED.finditer(line):
        written = match.group(0)
        empty = not written.strip("[]@ \u00a0")
        yield _citation(written, "it names no reference" if empty else "there is a space inside the brackets")
    for match in _CITE_ROUND.finditer(line):
        yield _citation(match.group(0), "it is in round brackets; a citation goes in square brackets")
    for match in _CITE_NO_AT.finditer(line):
        key = match["key"]
        if key.lower() in cite_keys or re.fullmatch(r"[a-z][a-z-]*\d{4}[a-z]?", key):
            yield _citation(match.group(0), f"the `@` before the key is missing (`[@{key}]`)")


def _citation(written: str, why: str) -> Finding:
    return (
        written,
        f"`{written[:60]}` looks like a citation but was not read as one, so readers see it: {why}.",
        _CITE_FIX,
    )


def _emphasis(line: str) -> Iterator[Finding]:
    if "**" in line:
        at = line.index("**")
        piece = line[at : at + 24]
        yield (
            piece,
            f"`{piece.strip()}` has `**` that does not open or close any bold text, so readers see the asterisks.",
            "Put `**` right before and right after the words to make bold, with no space inside: "
            "`**like this**`; or remove the stray `**`.",
        )
        return
    for pattern, sign in ((_STAR, "*"), (_UNDERSCORES, "__")):
        found = pattern.search(line) if sign in line else None
        if found is not None:
            piece = line[max(0, found.start() - 12) : found.end() + 16].strip()
            yield (
                piece,
                f"`{piece}` has `{found.group(0)}` that does not open or close any emphasis, so readers see it.",
                f"Put the same signs right before and right after the words, with no space inside "
                f"(`*like this*` for italics, `**like this**` for bold), or remove the stray `{found.group(0)}`.",
            )


def _why_link(written: str) -> str:
    if re.search(r"\]\s+\(", written):
        return "there is a space between `]` and `(`"
    if not written.endswith(")"):
        return "the `(` after the brackets is never closed"
    target = written[written.index("(") + 1 : -1].strip()
    if any(char in target for char in CURLY):
        return "its title is in quotes that are not straight double quotes"
    if " " in target:
        return "there is a space in the address or file name (a title goes in double quotes after it)"
    return "something in the brackets or parentheses is not as expected"
