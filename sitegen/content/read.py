"""Files to values: read every Markdown source and the glossary, then validate them.

Every file is read through `files.py`, the one rule for what may be read (one folder's
sources by sourcefiles.py). Every problem becomes a Diagnostic; nothing here raises to
the caller.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sitegen.content.glossary import validate_glossary
from sitegen.content.sourcefiles import Parsed as Parsed
from sitegen.content.sourcefiles import ParsedKey as ParsedKey
from sitegen.content.sourcefiles import StatMemo, list_sources, read_all
from sitegen.core import yamlread
from sitegen.core.article import Article, GlossaryTerm, Page
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic, did_you_mean
from sitegen.core.files import walk
from sitegen.core.sources import display_path, file_name
from sitegen.system.tuning import Policy

if TYPE_CHECKING:
    from sitegen.system.fingerprint import Signature

# An article or a page: what a folder of sources is read as.
Value = TypeVar("Value", Article, Page)


@dataclass(frozen=True)
class Content:
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    glossary: tuple[GlossaryTerm, ...]
    diagnostics: tuple[Diagnostic, ...]
    # Every article file name, built or not (drafts, files with errors), so that a link
    # to one is reported as unpublished rather than as a missing file.
    all_names: frozenset[str] = frozenset()
    # Files under static/, as site paths ("static/site.css"), for the image and link checks.
    static_files: frozenset[str] = frozenset()
    # (path, digest) -> (value, diagnostics) of every Markdown file read: the parse cache's next state.
    parsed: dict[ParsedKey, Parsed] = field(default_factory=dict, compare=False, repr=False)
    # A language's own site texts (content/<language>/site.yaml): title, tagline, ...
    texts: dict[str, object] = field(default_factory=dict, compare=False)


def load_content(
    config: Config,
    drafts: bool = False,
    parsed: dict[ParsedKey, Parsed] | None = None,
    stats: dict[str, tuple[Signature, ParsedKey]] | None = None,
    changed: set[Path] | None = None,
    jobs: int = 1,
    seen: dict[str, Signature] | None = None,
    policy: Policy | None = None,
    language: str = "",
) -> Content:
    """Read and validate every article, page and the glossary; collect every problem.

    `language`: another language than the site's default: its content, from
    content/<language>/ (with its site.yaml); the default's is content/ itself.

    `parsed` (from the build cache) maps (path, digest of the bytes) to an earlier
    result for the same bytes, which is then reused instead of parsed again.
    `stats` maps a path to its stat signature and key when last read (see StatMemo): a
    file whose signature is unchanged, and which the preview's file watcher did not name
    in `changed`, is not read again; its body is read only if a later stage needs it.
    Without `stats` (no cache) every file is read. With `jobs` > 1, many articles to read
    and parse are shared out to that many processes (parsing YAML is most of the cost).
    `stats` is updated in place: it is the cache's record of what was read.
    """
    previous: dict[ParsedKey, Parsed] = parsed or {}
    parsed = {}
    memo = StatMemo(stats, changed or set(), seen) if stats is not None else None
    policy = policy or Policy(short_lived=False)
    base = config.content_dir / language if language else config.content_dir
    if not language and not (config.content_dir / "articles").is_dir():
        return _no_articles(config)  # never publish an empty site because a folder moved or a path has a typo
    root = config.root
    diagnostics: list[Diagnostic] = []
    listed: set[str] = set()  # every source's path, read or not: what the stat memo keeps
    article_paths = list_sources(base / "articles")
    read_articles = read_all(article_paths, root, previous, parsed, memo, config, "article", jobs, policy, language)
    articles = _published(article_paths, read_articles, root, drafts, listed, diagnostics)
    diagnostics.extend(_duplicate_slugs(articles))
    diagnostics.extend(_duplicate_titles(articles))
    page_paths = list_sources(base / "pages")
    read_pages = read_all(page_paths, root, previous, parsed, memo, config, "page", 1, policy, language)
    pages = _published(page_paths, read_pages, root, drafts, listed, diagnostics)
    diagnostics.extend(_duplicate_slugs(pages))  # two pages would share one <slug>/index.html
    if not language:
        diagnostics.extend(_language_slugs(pages, config.languages))
    glossary = _glossary(base / "glossary.yaml", config, diagnostics)
    static_files = _static_files(config, language, diagnostics)
    articles.sort(key=lambda a: (a.published, a.slug), reverse=True)
    if memo is not None:
        _forget_gone(memo, config, base, language, listed)
    texts = _site_texts(base / "site.yaml", config, diagnostics) if language else {}
    return Content(
        tuple(articles),
        tuple(pages),
        glossary,
        tuple(diagnostics),
        frozenset(file_name(path) for path in article_paths),
        static_files,
        parsed,
        texts,
    )


def _no_articles(config: Config) -> Content:
    """No content at all, and why: there is no articles folder."""
    shown = display_path(config.content_dir / "articles", config.root)
    return Content(
        (),
        (),
        (),
        (
            Diagnostic(
                shown,
                None,
                "content-missing",
                f"There is no articles folder at {shown}.",
                "Check paths.content in config.yaml (or --content); articles live in <content>/articles/*.md.",
            ),
        ),
    )


def _published(
    paths: list[Path],
    found: Sequence[tuple[Value | None, list[Diagnostic]]],
    root: Path,
    drafts: bool,
    listed: set[str],
    diagnostics: list[Diagnostic],
) -> list[Value]:
    """The values read from `paths` that are published (drafts too with `drafts`); each
    file's path is added to `listed`, its problems to `diagnostics`."""
    published: list[Value] = []
    for path, (value, problems) in zip(paths, found, strict=True):
        listed.add(value.source.path if value is not None else display_path(path, root))
        diagnostics.extend(problems)
        if value is not None and (drafts or not value.draft):
            published.append(value)
    return published


def _glossary(path: Path, config: Config, diagnostics: list[Diagnostic]) -> tuple[GlossaryTerm, ...]:
    """The language's glossary.yaml, validated (none when it is missing or unreadable)."""
    shown = display_path(path, config.root)
    doc, problems = yamlread.read_file(path, config.roots, shown)
    diagnostics.extend(problems)
    if doc is None:
        return ()
    glossary, problems = validate_glossary(doc, shown)
    diagnostics.extend(problems)
    return glossary


def _static_files(config: Config, language: str, diagnostics: list[Diagnostic]) -> frozenset[str]:
    """Files under static/, as site paths ("static/site.css"); the files refused there are
    told once, with the default language's load."""
    if not config.static_dir.is_dir():
        return frozenset()
    listing = list(walk(config.static_dir, config.roots, config.root))
    if not language:
        diagnostics.extend(refused for _, refused in listing if refused is not None)
    return frozenset(
        "static/" + path.relative_to(config.static_dir).as_posix() for path, refused in listing if refused is None
    )


def _forget_gone(memo: StatMemo, config: Config, base: Path, language: str, listed: set[str]) -> None:
    """Each language's load forgets its own files gone (the default's: all but the other
    languages' folders)."""
    mine = display_path(base, config.root) + "/"
    others = tuple(display_path(config.content_dir / other, config.root) + "/" for other in config.languages[1:])
    memo.keep_only(listed, mine if language else "", () if language else others)


SITE_TEXT_KEYS = (
    "title",
    "tagline",
    "description",
    "home_intro",
    "disclaimer",
    "start_here",
    "urgent_help",
    "logo_alt",
)


def _site_texts(path: Path, config: Config, diagnostics: list[Diagnostic]) -> dict[str, object]:
    """content/<language>/site.yaml: the site's texts in that language (config.yaml's for the default)."""
    shown = display_path(path, config.root)
    doc, problems = yamlread.read_file(path, config.roots, shown)
    diagnostics.extend(problems)
    if doc is None or not isinstance(doc.data, dict):
        return {}
    texts: dict[str, object] = {}
    for key, value in doc.data.items():
        if key not in SITE_TEXT_KEYS:
            diagnostics.append(
                Diagnostic(
                    shown, doc.line(key), "unknown-key", f"Unknown key '{key}'.", did_you_mean(key, SITE_TEXT_KEYS)
                )
            )
        elif key == "start_here":
            names = value if isinstance(value, list) else []
            texts[key] = tuple(str(n) if str(n).endswith(".md") else f"{n}.md" for n in names)
        elif isinstance(value, str):
            texts[key] = (
                " ".join(value.split()) if key in ("title", "tagline", "urgent_help", "logo_alt") else value.strip()
            )
        else:
            diagnostics.append(
                Diagnostic(shown, doc.line(key), "wrong-type", f"'{key}' must be text.", "Write it after the colon.")
            )
    return texts


def _duplicate_slugs(items: Sequence[Article | Page]) -> list[Diagnostic]:
    """Two articles (or two pages) of one language with one slug would be written to one
    address: the later one is told."""
    by_slug: dict[str, Article | Page] = {}
    problems: list[Diagnostic] = []
    for item in items:
        first = by_slug.setdefault(item.slug, item)
        if first is not item:
            problems.append(
                Diagnostic(
                    item.source.path,
                    item.source.line_of("slug"),
                    "slug-duplicate",
                    f"Two {'articles' if isinstance(item, Article) else 'pages'} have the URL /{item.url}: "
                    f"this file and {first.source.path}.",
                    "Give one of them a different `slug:` in its front matter (or rename the file).",
                )
            )
    return problems


def _language_slugs(pages: Sequence[Page], languages: Sequence[str]) -> list[Diagnostic]:
    """A page of the default language lives at /<slug>/, beside each other language's
    folder (/es/): a page slugged `es` would be hidden behind the Spanish home page, and
    every menu link to it would lead there."""
    return [
        Diagnostic(
            page.source.path,
            page.source.line_of("slug"),
            "bad-slug",
            f"The slug {page.slug!r} is the folder of the site's {page.slug!r} language, so this page would be "
            "hidden behind that language's home page.",
            f"Give the page another slug, e.g. slug: {page.slug}-page.",
        )
        for page in pages
        if page.slug in languages
    ]


def _duplicate_titles(articles: Sequence[Article]) -> list[Diagnostic]:
    """Two articles of one language with the same title show as two identical cards, and a
    reader cannot tell which to open: the later file (in name order) is told."""
    by_title: dict[str, Article] = {}
    problems: list[Diagnostic] = []
    for article in sorted(articles, key=lambda a: a.source.path):
        key = " ".join(unicodedata.normalize("NFKC", article.title).casefold().split())
        first = by_title.setdefault(key, article)
        if first is not article:
            problems.append(
                Diagnostic(
                    article.source.path,
                    article.source.line_of("title"),
                    "title-duplicate",
                    f"This article has the same title as {first.source.path}: {article.title!r}. "
                    "Readers would see two identical cards.",
                    "Give each article a title that says how it differs, or merge the two.",
                )
            )
    return problems
