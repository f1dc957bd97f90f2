"""What the Markdown pass shares: its output value (`Markup`), the per-document state its
processors read and write (`State`), and the site's figures (`Figures`).

Its own module, below the package and every extension, so that each extension can
import what it shares without importing the package that assembles them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sitegen.core.errors import Diagnostic, Severity
from sitegen.images.assets import Asset


class Figures:
    """What the Markdown pass needs to draw figures: the site's assets and the partial that
    draws one. `draw(context)` returns the figure's HTML (a Jinja template, autoescaped).
    `language`: the pages' language when it is not the site's default ("es"), whose words a
    record gives under that code, and whose version of a drawing is `x.es.svg` (issue 31)."""

    def __init__(
        self,
        assets: Mapping[str, Asset],
        licence: Callable[[Asset], str],
        draw: Callable[[dict[str, Any]], str],
        language: str = "",
    ):
        self.assets, self.licence, self.draw, self.language = assets, licence, draw, language


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Markup:
    html: str
    headings: tuple[Heading, ...]
    links: tuple[tuple[str, str | None], ...]  # (as written, article file name it resolved to or None)
    diagnostics: tuple[Diagnostic, ...]
    images: tuple[tuple[str, str | None], ...] = ()  # (src as written, alt text or None)
    # Text of paragraphs and list items outside tables, for readability; None: not loaded
    # (execute.lean: the cache's state keeps it in the body's record only).
    prose: tuple[str, ...] | None = ()
    digest: str = ""  # of the HTML and headings: what the article page shows of the body
    # (output path of the served file, its format) of each figure, in order: the first is
    # the page's Open Graph and JSON-LD image (templates/article.html).
    figures: tuple[tuple[str, str], ...] = ()
    # The keys of the references the text cites, in the order first cited (markup/citations.py):
    # the reference list is numbered in this order.
    citations: tuple[str, ...] = ()
    # Reading time and level (build/reading.py, `reading_aids`) as (name, value) pairs: worked
    # out once, when the body is converted, and kept with it in the cache, so a page rendered
    # again from a cached body (a template edit) does not count its words and syllables again.
    reading: tuple[tuple[str, object], ...] = ()

    def meta(self) -> Markup:
        """The side outputs without the (large) HTML, for caches and the parent process."""
        return replace(self, html="")


@dataclass
class State:
    """Per-document inputs and side outputs, shared with the processors; reset per render."""

    file: str = ""
    body: str = ""
    body_line: int = 1
    root: str = ""
    targets: Mapping[str, str] = field(default_factory=dict)
    drafts: frozenset[str] = frozenset()
    # Another language's pages (issue 19): its folder ("es/"), for the glossary's address;
    # the link targets that are pages in the default language, marked for the reader with
    # `fallback` = (their language, the words that say so, e.g. ("en", "en inglés")).
    prefix: str = ""
    other_language: frozenset[str] = frozenset()
    fallback: tuple[str, str] = ("", "")
    links: list[tuple[str, str | None]] = field(default_factory=list)
    images: list[tuple[str, str | None]] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    figures_source: Figures | None = None  # the site's images and the figure partial
    figures: list[tuple[str, str]] = field(default_factory=list)
    # The page language's interface strings (gettext): the labels the Markdown pass writes
    # into a page (callout kinds, care cards' hidden prefixes, a table's name) are read by
    # screen readers, so they are in the reader's language (issue 31).
    translate: Callable[[str], str] = str
    # Citations (markup/citations.py): the article's reference keys, the label of a citation's
    # link in the page's language ("Reference %(number)s"), and the keys cited, in order.
    cite_keys: frozenset[str] = frozenset()
    cite_label: str = "Reference %(number)s"
    citations: list[str] = field(default_factory=list)

    # Per render: where each needle was last found, and the offsets of the body's newlines.
    _found: dict[str, int] = field(default_factory=dict)  # needle -> offset in the body
    _newlines: list[int] | None = None

    def line_of(self, needle: str) -> int:
        """Source line of the next occurrence of `needle` (block processors see no lines).

        Processors report in document order, so the n-th report about the same text is on the
        line of its n-th occurrence (a second broken link to gone.md was blamed on the first).
        Newline offsets are computed once: counting them per call was quadratic in long bodies.
        """
        index = self.body.find(needle, self._found.get(needle, -1) + 1)
        if index < 0:
            index = self.body.find(needle)  # reported more often than written: reuse the first
        if index < 0:
            return self.body_line
        self._found[needle] = index
        if self._newlines is None:
            self._newlines = [i for i, char in enumerate(self.body) if char == "\n"]
        return self.body_line + bisect.bisect_left(self._newlines, index)

    def report(
        self, code: str, needle: str, message: str, hint: str, warning: bool = False, line: int | None = None
    ) -> None:
        """`line`: where the processor found it itself; otherwise the next line holding `needle`."""
        if line is None:
            line = self.line_of(needle)
        elif self._newlines is None:
            self._newlines = [i for i, char in enumerate(self.body) if char == "\n"]
        start = self._newlines[line - self.body_line - 1] + 1 if line > self.body_line and self._newlines else 0
        end = self.body.find("\n", start)
        excerpt = self.body[start : end if end >= 0 else len(self.body)]
        self.diagnostics.append(
            Diagnostic(
                self.file,
                line,
                code,
                message,
                hint,
                Severity.WARNING if warning else Severity.ERROR,
                excerpt=_excerpt(excerpt.strip(), needle),
            )
        )


EXCERPT_WIDTH = 160


def _excerpt(line: str, needle: str, width: int = EXCERPT_WIDTH) -> str:
    """The line, or the part of a long line around `needle`, so what is reported stays in view
    (a paragraph is one long line: a broken link near its end was cut off before its target)."""
    if len(line) <= width:
        return line
    at = line.find(needle) if needle else -1
    if at < 0:
        return line[:width] + "…"
    start = min(at, max(0, at + len(needle) + 20 - width))  # a little after it, the rest before
    shown = line[start : start + width]
    return ("…" if start else "") + shown + ("…" if start + width < len(line) else "")
