"""The Markdown layer: one configured Python-Markdown instance and our extensions.

`Renderer.render` is the single Markdown pass over an article body. Besides the
HTML it returns what later stages need, collected by tree processors during
that same pass: the headings (for the table of contents and anchor checks),
the links (for the link checker and the dependency graph) and diagnostics.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Mapping

import markdown

from ..errors import Diagnostic, Severity
from ..slugs import slugify
from .callouts import CalloutExtension
from .captions import CaptionExtension
from .links import LinkExtension
from .prose import ProseExtension
from .tables import TableExtension

BUILTIN_EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "footnotes", "abbr", "def_list", "sane_lists"]


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
    prose: tuple[str, ...] = ()  # text of paragraphs and list items outside tables, for readability


@dataclass
class _State:
    """Per-document inputs and side outputs, shared with the processors; reset per render."""

    file: str = ""
    body: str = ""
    body_line: int = 1
    root: str = ""
    targets: Mapping[str, str] = field(default_factory=dict)
    drafts: frozenset = frozenset()
    links: list = field(default_factory=list)
    images: list = field(default_factory=list)
    prose: list = field(default_factory=list)
    diagnostics: list = field(default_factory=list)

    def line_of(self, needle: str) -> int:
        """Source line of the first occurrence of `needle` (block processors see no lines)."""
        index = self.body.find(needle)
        return self.body_line + (self.body[:index].count("\n") if index >= 0 else 0)

    def report(self, code, needle, message, hint, warning=False):
        line = self.line_of(needle)
        lines = self.body.split("\n")
        excerpt = lines[line - self.body_line] if 0 <= line - self.body_line < len(lines) else ""
        self.diagnostics.append(Diagnostic(self.file, line, code, message, hint,
                                           Severity.WARNING if warning else Severity.ERROR, excerpt=excerpt.strip()[:160]))


class Renderer:
    """One warm Markdown instance; `render` is safe to call repeatedly."""

    def __init__(self, raw_html: str = "escape"):
        self.raw_html = raw_html
        self.state = _State()
        self.md = markdown.Markdown(
            extensions=BUILTIN_EXTENSIONS + ["toc", CaptionExtension(self.state.report),
                                             CalloutExtension(self.state.report), TableExtension(),
                                             LinkExtension(self.state), ProseExtension(self.state)],
            extension_configs={"toc": {"slugify": lambda text, sep: slugify(text)}},
            output_format="html",
        )
        if raw_html == "escape":
            # Raw HTML is shown as text, never passed through as HTML. md_in_html
            # re-registers the block preprocessor under the same name, so this removes both.
            self.md.preprocessors.deregister("html_block")
            self.md.inlinePatterns.deregister("html")

    def render(self, body: str, *, file: str, body_line: int, targets: Mapping[str, str],
               root: str, drafts: frozenset = frozenset()) -> Markup:
        state = self.state
        state.file, state.body, state.body_line, state.root = file, body, body_line, root
        state.targets, state.drafts = targets, drafts
        state.links, state.images, state.prose, state.diagnostics = [], [], [], []
        self.md.reset()
        html = self.md.convert(body)
        if self.raw_html == "sanitize":
            from .sanitize import sanitize
            html = sanitize(html)
        headings = tuple(_flatten(self.md.toc_tokens))
        return Markup(html, headings, tuple(state.links), tuple(state.diagnostics),
                      tuple(state.images), tuple(state.prose))


def _flatten(tokens):
    for token in tokens:
        yield Heading(token["level"], token["id"], html.unescape(token["name"]))
        yield from _flatten(token["children"])
