"""Guides: articles that are read in order, as one set ("Your first MRI scan").

A guide is declared once, in content/guides.yaml, with its title, summary and ordered
articles in each language:

    your-first-mri:              # the guide's address: /guides/your-first-mri/
      en:
        title: Your first MRI scan
        summary: What happens, ...
        articles: [what-happens-during-an-mri-scan.md, reading-your-mri-report.md]
      es:
        slug: su-primera-resonancia   # optional: its address in that language
        title: Su primera resonancia
        summary: ...
        articles: [que-pasa-durante-una-resonancia.md, leer-su-informe-de-resonancia.md]

The file is read with config.yaml (like the people file; part of the Config, so a change
re-renders every page), its problems reported with their lines. Each language's Site
resolves its guides against its articles (`resolve`); `problems` is the `check` half:
an article named that is not published, and an article in two guides (the "Pages in
this guide" list and previous/next links of a page can follow one guide only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.core import yamlread
from sitegen.core.errors import Diagnostic, did_you_mean
from sitegen.core.pages import GUIDE
from sitegen.core.slugs import slugify
from sitegen.core.sources import display_path

if TYPE_CHECKING:
    from sitegen.core.article import Article

GUIDES_FILE = "guides.yaml"  # in the content folder, beside people.yaml
ENTRY_KEYS = ("title", "summary", "articles", "slug")


@dataclass(frozen=True)
class GuideEntry:
    """One language's declaration of a guide, as written in guides.yaml."""

    language: str
    slug: str
    title: str
    summary: str
    articles: tuple[str, ...]  # article file names, in reading order
    article_lines: tuple[int | None, ...]  # the line of each, for findings
    line: int | None = None


@dataclass(frozen=True)
class GuideDeclaration:
    key: str  # the same guide in every language (its pages are paired by it)
    entries: tuple[GuideEntry, ...]
    file: str = GUIDES_FILE  # as shown in findings: content/guides.yaml

    def entry(self, language: str) -> GuideEntry | None:
        return next((entry for entry in self.entries if entry.language == language), None)


@dataclass(frozen=True)
class Guide:
    """A guide as one language's Site shows it: its published articles, in order."""

    key: str
    slug: str
    title: str
    summary: str
    articles: tuple[Article, ...]
    prefix: str = ""  # as Article.prefix

    @property
    def url(self) -> str:
        return GUIDE.at(self.prefix, self.slug)

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """(the page before `article` in this guide, the page after it)."""
        urls = [a.url for a in self.articles]
        index = urls.index(article.url)
        return (
            self.articles[index - 1] if index > 0 else None,
            self.articles[index + 1] if index + 1 < len(self.articles) else None,
        )


def load_guides(
    path: Path, root: Path, roots: tuple[str, ...], languages: Sequence[str], diagnostics: list[Diagnostic]
) -> tuple[GuideDeclaration, ...]:
    """content/guides.yaml (optional): every guide, each language's entry checked."""
    shown = display_path(path, root)
    doc, problems = yamlread.read_file(path, roots, shown)
    diagnostics.extend(problems)
    if doc is None:
        return ()
    if doc.data is None:
        return ()
    if not isinstance(doc.data, dict):
        diagnostics.append(
            Diagnostic(
                shown,
                1,
                "guide-entry",
                "The guides file must list guides by key.",
                "Start each guide with its address on its own line (`your-first-mri:`), then one "
                "block per language (`en:`) with `title:`, `summary:` and `articles:` below it.",
            )
        )
        return ()
    guides: list[GuideDeclaration] = []
    slugs: dict[tuple[str, str], str] = {}  # (language, slug) -> the guide that has it
    for key, block in doc.data.items():
        key = str(key)
        line = doc.line(key)
        if slugify(key) != key:
            diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    "guide-key",
                    f"The guide key {key!r} cannot be a web address.",
                    f"Use lower-case letters, digits and hyphens, e.g. `{slugify(key) or 'your-first-mri'}:`.",
                )
            )
            continue
        if not isinstance(block, dict) or not block:
            diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    "guide-entry",
                    f"The guide '{key}' must have a block for each language, such as `en:`.",
                    "Indent `en:` below the key, and `title:`, `summary:` and `articles:` below that.",
                )
            )
            continue
        entries = []
        for language, fields in block.items():
            entry = _entry(key, str(language), fields, doc, shown, languages, diagnostics)
            if entry is None:
                continue
            other = slugs.setdefault((entry.language, entry.slug), key)
            if other != key:
                diagnostics.append(
                    Diagnostic(
                        shown,
                        entry.line,
                        "guide-slug-duplicate",
                        f"The guides '{other}' and '{key}' would share the page "
                        f"/{_prefix(entry.language, languages)}guides/{entry.slug}/.",
                        "Give one of them another `slug:` in this language.",
                    )
                )
                continue
            entries.append(entry)
        guides.append(GuideDeclaration(key, tuple(entries), shown))
    return tuple(guides)


def _prefix(language: str, languages: Sequence[str]) -> str:
    return "" if not languages or language == languages[0] else f"{language}/"


def _entry(
    key: str,
    language: str,
    fields: object,
    doc: yamlread.YamlDocument,
    shown: str,
    languages: Sequence[str],
    diagnostics: list[Diagnostic],
) -> GuideEntry | None:
    """One language's block of a guide, or None when it has problems (added to `diagnostics`)."""
    line = doc.line(key, language)
    if language not in languages:
        diagnostics.append(
            Diagnostic(
                shown,
                line,
                "guide-language",
                f"The guide '{key}' has a block for '{language}', which is not one of the site's languages.",
                "Use one of: " + ", ".join(languages) + " (config.yaml `languages:`).",
            )
        )
        return None
    if not isinstance(fields, dict):
        diagnostics.append(
            Diagnostic(
                shown,
                line,
                "guide-entry",
                f"The '{language}' block of the guide '{key}' must be a set of fields.",
                "Indent `title:`, `summary:` and `articles:` below it.",
            )
        )
        return None
    block = _Block(key, language, fields, doc, shown, line)
    block.unknown_keys()
    title, summary = block.text("title"), block.text("summary")
    names = block.articles()
    slug = block.slug()
    diagnostics += block.found
    if block.found:
        return None
    return GuideEntry(
        language,
        slug,
        title,
        summary,
        tuple(name for name, _ in names),
        tuple(line for _, line in names),
        line,
    )


@dataclass
class _Block:
    """One language's block of a guide being read: each field's checks, in the order
    written, collecting what is wrong in `found`."""

    key: str
    language: str
    fields: dict[Any, Any]  # YAML: its keys are whatever the editor wrote
    doc: yamlread.YamlDocument
    shown: str
    line: int | None
    found: list[Diagnostic] = field(default_factory=list)

    def at(self, name: str, *more: int) -> int | None:
        """The line of the field `name` (or of one of its items), else of the block."""
        return self.doc.line(self.key, self.language, name, *more) if name in self.fields else self.line

    def unknown_keys(self) -> None:
        for name in self.fields:
            if name not in ENTRY_KEYS:
                self.found.append(
                    Diagnostic(
                        self.shown,
                        self.doc.line(self.key, self.language, name),
                        "guide-unknown-key",
                        f"Unknown key '{name}' in the guide '{self.key}'.",
                        did_you_mean(name, ENTRY_KEYS),
                    )
                )

    def text(self, name: str) -> str:
        """`title:` or `summary:`, its spaces collapsed ("" when missing: a finding)."""
        value = self.fields.get(name)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
        self.found.append(
            Diagnostic(
                self.shown,
                self.at(name),
                "guide-entry",
                f"The '{self.language}' block of the guide '{self.key}' has no {name}.",
                f"Add `{name}: ...` (text) below `{self.language}:`.",
            )
        )
        return ""

    def articles(self) -> list[tuple[str, int | None]]:
        """`articles:`, each an article's file name (`.md` added) with its line."""
        listed = self.fields.get("articles")
        if not isinstance(listed, list) or not listed:
            self.found.append(
                Diagnostic(
                    self.shown,
                    self.at("articles"),
                    "guide-entry",
                    f"The '{self.language}' block of the guide '{self.key}' lists no articles.",
                    "Add `articles: [first-article.md, second-article.md]`, in reading order.",
                )
            )
            return []
        names: list[tuple[str, int | None]] = []
        for index, name in enumerate(listed):
            if isinstance(name, str) and name.strip():
                name = name.strip()
                names.append((name if name.endswith(".md") else name + ".md", self.at("articles", index)))
                continue
            self.found.append(
                Diagnostic(
                    self.shown,
                    self.at("articles", index),
                    "guide-entry",
                    f"Item {index + 1} of the guide '{self.key}' ({self.language}) must be an article's file name.",
                    "For example: what-happens-during-an-mri-scan.md",
                )
            )
        return names

    def slug(self) -> str:
        """`slug:`, the guide's address in this language (its key unless given)."""
        slug = self.fields.get("slug", self.key)
        if not isinstance(slug, str) or slugify(slug) != slug:
            self.found.append(
                Diagnostic(
                    self.shown,
                    self.doc.line(self.key, self.language, "slug"),
                    "guide-key",
                    f"The slug {slug!r} of the guide '{self.key}' ({self.language}) cannot be a web address.",
                    f"Use lower-case letters, digits and hyphens, e.g. `slug: {slugify(str(slug)) or self.key}`.",
                )
            )
        return str(slug)


def resolve(
    declarations: Sequence[GuideDeclaration], language: str, articles: Sequence[Article], prefix: str
) -> tuple[Guide, ...]:
    """The guides of one language, each with its published articles in order (a name that is
    not a published article is left out: `problems` reports it). A guide with no published
    article is left out; an article named twice keeps its first place only."""
    by_name = {article.source.name: article for article in articles}
    guides = []
    for declaration in declarations:
        entry = declaration.entry(language)
        if entry is None:
            continue
        found = tuple(dict.fromkeys(by_name[name] for name in entry.articles if name in by_name))
        if found:
            guides.append(Guide(declaration.key, entry.slug, entry.title, entry.summary, found, prefix))
    return tuple(guides)


def problems(
    declarations: Sequence[GuideDeclaration], language: str, articles: Sequence[Article], unpublished: frozenset[str]
) -> list[Diagnostic]:
    """Findings for `check`: an article a guide names that is not published (guide-article-missing),
    and an article in the order of two guides, or twice in one (guide-article-twice)."""
    published = {article.source.name for article in articles}
    found: list[Diagnostic] = []
    owner: dict[str, str] = {}  # article file name -> the first guide listing it
    for declaration in declarations:
        entry = declaration.entry(language)
        if entry is None:
            continue
        for index, (name, line) in enumerate(zip(entry.articles, entry.article_lines, strict=True)):
            if name not in published:
                why = "is a draft or not published" if name in unpublished else "is not an article"
                found.append(
                    Diagnostic(
                        declaration.file,
                        line,
                        "guide-article-missing",
                        f"The guide '{declaration.key}' ({language}) names {name}, which {why}; the guide leaves it out.",
                        did_you_mean(name, published, "articles") if published else "Add articles first.",
                    )
                )
                continue
            first = owner.setdefault(name, declaration.key)
            if first != declaration.key or entry.articles.index(name) != index:
                if first == declaration.key:
                    message = f"{name} is listed twice in the guide '{declaration.key}' ({language}); it keeps its first place."
                    fix = "Remove this line: an article has one place in a guide."
                else:
                    message = (
                        f"{name} is also in the guide '{first}'. A page can follow one guide only: its "
                        '"Pages in this guide" list and its previous and next links would disagree.'
                    )
                    fix = "Keep it in one guide, and link to it from the other guide's articles instead."
                found.append(Diagnostic(declaration.file, line, "guide-article-twice", message, fix))
    return found
