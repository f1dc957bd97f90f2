"""The Markdown layer: one configured Python-Markdown instance and our extensions.

`Renderer.render` is the single Markdown pass over an article body. Besides the
HTML it returns what later stages need, collected by tree processors during
that same pass: the headings (for the table of contents and anchor checks),
the links (for the link checker and the dependency graph) and diagnostics.
fastpaths.py spares Python-Markdown's stock processors the work that cannot change
the output (a pattern tried on text that cannot contain it); the result is the same.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.admonition import AdmonitionExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension as StockTableExtension
from markdown.extensions.toc import TocExtension

from sitegen.core.article import GlossaryTerm
from sitegen.core.slugs import slugify
from sitegen.markup import fastpaths
from sitegen.markup.callouts import CalloutExtension
from sitegen.markup.captions import CaptionExtension
from sitegen.markup.citations import CitationExtension
from sitegen.markup.figures import FigureExtension, report_external
from sitegen.markup.glossary import GlossaryExtension
from sitegen.markup.leftovers import LeftoverExtension
from sitegen.markup.links import LinkExtension
from sitegen.markup.prose import ProseExtension
from sitegen.markup.state import Figures, Heading, Markup, State
from sitegen.markup.tables import TableExtension

# Python-Markdown's own extensions we use, in this order (docs/development.md: Dependencies).
__all__ = ["MAX_NESTING", "Figures", "Heading", "Markup", "Renderer", "deepest_nesting"]

BUILTIN_EXTENSIONS = (
    StockTableExtension,
    AttrListExtension,
    MarkdownInHtmlExtension,
    AdmonitionExtension,
    FootnoteExtension,
    AbbrExtension,
    DefListExtension,
    SaneListExtension,
)


MAX_NESTING = 20
"""How deeply lists, quotes and callouts may nest in a body (issue 28). Python-Markdown parses
each level by calling itself again, and a body nested ~1,400 levels deep ended, after 97 s and
1.6 GB, in a RecursionError naming no file. Patient information nests three or four levels at
most (a list in a callout in a list); 20 is far beyond any real article and far below where
recursion costs anything, so a deeper body is refused before the Markdown pass, cheaply."""

# A quote, list or callout marker, each of which opens one level; a line's run of them at its start.
_MARKER = r"(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]|!!!|\?\?\?|:[ \t])"
_OPENERS = re.compile(r"(?:[ \t]*" + _MARKER + ")+")
_MARKERS = re.compile(_MARKER)


def deepest_nesting(body: str, tab_length: int = 4, limit: int = MAX_NESTING) -> tuple[int, int]:
    """(levels, line index): how deeply the most deeply nested line nests, and the first line
    nested deeper than `limit` (else the deepest). A line's levels: one per quote, list or
    callout marker at its start, plus one per indent (`tab_length` spaces) before its first
    marker; an upper bound on how deeply Python-Markdown nests it. One regex match per line."""
    deepest, where = 0, 0
    match = _OPENERS.match
    for index, line in enumerate(body.split("\n")):
        found = match(line)
        if found is None:
            continue
        prefix = found.group().expandtabs(tab_length)
        levels = (len(prefix) - len(prefix.lstrip(" "))) // tab_length + len(_MARKERS.findall(prefix))
        if levels > deepest:
            if deepest <= limit:  # the first line past the limit is where to start fixing
                where = index
            deepest = levels
    return deepest, where


class Renderer:
    """One warm Markdown instance; `render` is safe to call repeatedly."""

    def __init__(
        self,
        raw_html: str = "escape",
        glossary: Sequence[GlossaryTerm] = (),
        fast_paths: bool = True,
        prefix: str = "",
        other_language: frozenset[str] = frozenset(),
        fallback: tuple[str, str] = ("", ""),
        figures: Figures | None = None,
        translate: Callable[[str], str] = str,
        cite_label: str = "Reference %(number)s",
    ):
        """`glossary`: GlossaryTerm values; the first use of each in a body links to its definition.

        `fast_paths`: skip Python-Markdown's work that cannot change the output (fastpaths.py);
        False runs the stock processors, which the tests compare against.
        `translate`: gettext of the page's language, for the labels the extensions write.
        """
        self.raw_html = raw_html
        self.state = State(
            prefix=prefix,
            other_language=other_language,
            fallback=fallback,
            figures_source=figures,
            translate=translate,
            cite_label=cite_label,
        )
        # Extensions as instances, not names: a name is looked up among the installed
        # packages' entry points, which cost each process 0.02 s.
        builtin: list[Extension] = [extension() for extension in BUILTIN_EXTENSIONS]
        self.md = markdown.Markdown(
            extensions=builtin
            + [
                TocExtension(slugify=lambda text, sep: slugify(text)),
                CaptionExtension(self.state.report),
                CalloutExtension(self.state),
                TableExtension(translate),
                CitationExtension(self.state),
                LinkExtension(self.state),
                FigureExtension(self.state),
                ProseExtension(self.state),
                GlossaryExtension(self.state, glossary),
                LeftoverExtension(self.state),
            ],
            output_format="html",
        )
        if raw_html == "escape":
            # Raw HTML is shown as text, never passed through as HTML. md_in_html
            # re-registers the block preprocessor under the same name, so this removes both.
            self.md.preprocessors.deregister("html_block")
            self.md.inlinePatterns.deregister("html")
        self.fast_paths = fastpaths.install(self.md) if fast_paths else []

    def render(
        self,
        body: str,
        *,
        file: str,
        body_line: int,
        targets: Mapping[str, str],
        root: str,
        drafts: frozenset[str] = frozenset(),
        cite_keys: frozenset[str] = frozenset(),
    ) -> Markup:
        """`cite_keys`: the keys of the article's references, which its citations may name."""
        state = self.state
        state.file, state.body, state.body_line, state.root = file, body, body_line, root
        state.targets, state.drafts, state.cite_keys = targets, drafts, cite_keys
        state.links, state.images, state.prose, state.diagnostics = [], [], [], []
        state.figures, state.citations = [], []
        state._found, state._newlines = {}, None
        levels, index = deepest_nesting(body, self.md.tab_length, MAX_NESTING)
        if levels > MAX_NESTING:  # Python-Markdown would recurse that deep: refused before it runs
            state.report(
                "nesting-too-deep",
                "",
                f"This list or quote is nested {levels} levels deep; the limit is {MAX_NESTING}.",
                f"Nest lists, quotes and callouts at most {MAX_NESTING} levels deep: split the deep part "
                "into separate lists or paragraphs, and check that indentation and '>' were not repeated by mistake.",
                line=body_line + index,
            )
            return Markup("", (), (), tuple(state.diagnostics), prose=())
        self.md.reset()
        try:
            html = self.md.convert(body)
        except RecursionError:  # nested some other way (raw HTML with markdown="1"): the same finding
            state.report(
                "nesting-too-deep",
                "",
                "This article nests blocks (lists, quotes, callouts or HTML elements) too deeply to convert.",
                f"Nest blocks at most {MAX_NESTING} levels deep.",
                line=body_line,
            )
            return Markup("", (), (), tuple(state.diagnostics), prose=())
        if self.raw_html == "sanitize":
            from sitegen.markup.sanitize import sanitize

            external: list[str] = []
            html = sanitize(html, external)
            for src in external:  # raw HTML's pictures from other sites: left out, and reported
                report_external(state, src)
        # toc_tokens is set on the instance by the toc extension; the stubs do not know of it.
        headings = tuple(_flatten(self.md.toc_tokens))  # type: ignore[attr-defined]
        body_digest = hashlib.blake2b(
            repr((html, headings, state.citations)).encode("utf-8"), digest_size=16
        ).hexdigest()
        return Markup(
            html,
            headings,
            tuple(state.links),
            tuple(state.diagnostics),
            tuple(state.images),
            tuple(state.prose),
            body_digest,
            tuple(state.figures),
            tuple(state.citations),
        )


def _flatten(tokens: list[dict[str, Any]]) -> Iterator[Heading]:  # Any: toc's token dicts
    for token in tokens:
        yield Heading(token["level"], token["id"], html.unescape(token["name"]))
        yield from _flatten(token["children"])
