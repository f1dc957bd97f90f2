"""Files to values: read every Markdown source and the glossary, then validate them.

Every file is read through `files.py`, the one rule for what may be read.
Every problem becomes a Diagnostic; nothing here raises to the caller.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias, overload

from sitegen.content.validate import validate_article, validate_glossary, validate_page
from sitegen.core import yamlread
from sitegen.core.article import Article, GlossaryTerm, Loaded, Page, Source
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.core.files import refusal, walk
from sitegen.core.sources import decode, display_path, file_name
from sitegen.system.parallel import chunked, share_out
from sitegen.system.tuning import Policy

if TYPE_CHECKING:
    from sitegen.system.fingerprint import Signature

# (source path, SHA-256 of its bytes, or None when they could not be read): what the build
# cache keeps each parsed source under (cache.py)
ParsedKey: TypeAlias = tuple[str, str | None]
Parsed: TypeAlias = "tuple[Article | Page | None, tuple[Diagnostic, ...]]"  # the value, its problems

# What a source was read as: its value (None when it has errors) and its problems, as a list.
Read: TypeAlias = "tuple[Article | Page | None, list[Diagnostic]]"


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


def split_front_matter(
    text: str, shown: str, digest: str, name: str, file: str = ""
) -> tuple[tuple[Source, yamlread.YamlDocument] | None, list[Diagnostic]]:
    """(Source, YamlDocument) or (None, diagnostics). Front matter is required."""
    lines = text.split("\n")
    if not text.strip():
        return None, [
            Diagnostic(
                shown,
                1,
                "file-empty",
                "The file is empty.",
                'Start it with front matter: see the example article in README.md, or run `.venv/bin/python build.py new "Title"`.',
            )
        ]
    if lines[0].strip() != "---":
        return None, [
            Diagnostic(
                shown,
                1,
                "front-matter-missing",
                "The file does not start with front matter.",
                "The first line must be `---`, then the fields (title:, summary:, ...), then a closing `---`.",
                excerpt=lines[0][:120],
            )
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            end = index
            break
    else:
        return None, [
            Diagnostic(
                shown,
                1,
                "front-matter-unclosed",
                "The front matter is never closed.",
                "Add a line with only `---` after the last field, before the article text.",
            )
        ]
    doc = yamlread.load("\n".join(lines[1:end]), shown, first_line=2, source_lines=lines[1:end])
    if doc.diagnostics:
        return None, doc.diagnostics
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        return None, [
            Diagnostic(
                shown,
                2,
                "front-matter-not-mapping",
                f"The front matter is a {type(doc.data).__name__}, not a set of `key: value` fields.",
                "Write one field per line, e.g. `title: What MRI shows`.",
            )
        ]
    field_lines = json.dumps(sorted(((k, v) for k, v in doc.lines.items() if len(k) <= 3), key=repr))
    source = Source(
        path=shown,
        name=name,
        digest=digest,
        body_line=end + 2,
        field_lines=field_lines,
        loaded=Loaded("\n".join(lines[end + 1 :]), file),
    )
    return (source, doc), []


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
        # Never publish an empty site because a folder moved or a path has a typo.
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
    root = config.root
    diagnostics: list[Diagnostic] = []
    articles: list[Article] = []
    names: set[str] = set()
    listed: set[str] = set()
    paths = _sources(base / "articles")
    for path, (article, problems) in zip(
        paths, _read_all(paths, root, previous, parsed, memo, config, "article", jobs, policy, language), strict=True
    ):
        names.add(file_name(path))
        listed.add(article.source.path if article is not None else display_path(path, root))
        diagnostics.extend(problems)
        if article is not None and (drafts or not article.draft):
            articles.append(article)
    diagnostics.extend(_duplicate_slugs(articles))
    diagnostics.extend(_duplicate_titles(articles))

    pages: list[Page] = []
    paths = _sources(base / "pages")
    for path, (page, problems) in zip(
        paths, _read_all(paths, root, previous, parsed, memo, config, "page", 1, policy, language), strict=True
    ):
        listed.add(page.source.path if page is not None else display_path(path, root))
        diagnostics.extend(problems)
        if page is not None and (drafts or not page.draft):
            pages.append(page)
    diagnostics.extend(_duplicate_slugs(pages, "/"))  # two pages would share one <slug>/index.html

    glossary: tuple[GlossaryTerm, ...] = ()
    glossary_path = base / "glossary.yaml"
    shown = display_path(glossary_path, root)
    doc, problems = yamlread.read_file(glossary_path, config.roots, shown)
    diagnostics.extend(problems)
    if doc is not None:
        glossary, problems = validate_glossary(doc, shown)
        diagnostics.extend(problems)

    static_files: frozenset[str] = frozenset()
    if config.static_dir.is_dir():
        listing = list(walk(config.static_dir, config.roots, root))
        static_files = frozenset(
            "static/" + path.relative_to(config.static_dir).as_posix() for path, refused in listing if refused is None
        )
        if not language:  # told once, with the default language's load
            diagnostics.extend(refused for _, refused in listing if refused is not None)
    articles.sort(key=lambda a: (a.published, a.slug), reverse=True)
    if memo is not None:
        # Each language's load forgets its own files gone (the default's: all but the others' folders).
        mine = display_path(base, root) + "/"
        others = tuple(display_path(config.content_dir / other, root) + "/" for other in config.languages[1:])
        memo.keep_only(listed, mine if language else "", () if language else others)
    texts = _site_texts(base / "site.yaml", config, diagnostics) if language else {}
    return Content(
        tuple(articles), tuple(pages), glossary, tuple(diagnostics), frozenset(names), static_files, parsed, texts
    )


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
            from sitegen.core.errors import did_you_mean

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


class StatMemo:
    """Which sources are unchanged since they were last read, by their stat signature:
    (mtime, size, inode, ctime). An editor's save changes the mtime, and whatever sets the
    mtime back (a checkout, `touch -d`, a copy with -p) still changes the ctime, which no
    program can set. Like git's index, a signature is only remembered once the file's
    times are a while in the past: two saves within one tick of the file system's clock
    can leave the same times, so a file written just before it was read is read again."""

    RACY_NS = 2_000_000_000

    def __init__(
        self,
        stats: dict[str, tuple[Signature, ParsedKey]],
        changed: Iterable[Path],
        seen: dict[str, Signature] | None = None,
    ) -> None:
        """`seen`: path -> signature, taken moments ago (before anything was read) by the
        no-op check; a path not in it is stat'ed here."""
        self.stats, self.changed, self.seen = stats, {str(p) for p in changed}, seen or {}
        self._now = time.time_ns()

    def known(
        self, path: Path, shown: str, previous: dict[ParsedKey, Parsed]
    ) -> tuple[ParsedKey | None, Signature | None]:
        """(cache key of the unchanged file, or None when it must be read; its signature).
        Records are kept under `shown`, the path relative to the project, so that a
        project moved to another folder with its cache keeps them."""
        name = str(path)
        signature = self.seen.get(name)
        if signature is None:
            try:
                stat = os.stat(name)
            except OSError:
                return None, None
            signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
        entry = self.stats.get(shown)
        if name not in self.changed and entry is not None and entry[0] == signature and entry[1] in previous:
            return entry[1], signature
        return None, signature

    def remember(self, shown: str, signature: Signature | None, key: ParsedKey) -> None:
        """The file `shown` had `signature` before it was read, and its bytes made `key`."""
        name = shown
        if signature is None or self._now - max(signature[0], signature[3]) < self.RACY_NS:
            self.stats.pop(name, None)  # too fresh to vouch for: read it next time too
        else:
            self.stats[name] = (signature, key)

    def keep_only(self, paths: set[str], under: str = "", besides: tuple[str, ...] = ()) -> None:
        """Forget the files that are gone (of those whose path starts with `under`, and
        not with one of `besides`: another language's files, read by its own load)."""
        for name in self.stats.keys() - paths:
            if name.startswith(under) and not name.startswith(besides or ("\0",)):
                del self.stats[name]


def _read_source(
    path: Path, root: Path, previous: dict[ParsedKey, Parsed], config: Config, kind: str, language: str = ""
) -> tuple[ParsedKey, Parsed | None]:
    """(key, None when `previous` has that key, else the new (value, diagnostics)): read,
    then parse and validate unless these bytes were seen before. In a worker process too."""
    shown = display_path(path, root)
    refused = refusal(path, config.roots, shown)
    if refused is not None:
        return (shown, None), (None, (refused,))
    try:
        data = path.read_bytes()
    except OSError as error:
        return (shown, None), (
            None,
            (
                Diagnostic(
                    shown,
                    None,
                    "file-unreadable",
                    f"Cannot read the file: {error.strerror}.",
                    "Check that the file exists and is readable.",
                ),
            ),
        )
    key = (shown, hashlib.sha256(data).hexdigest())
    if key in previous:
        value = previous[key][0]
        if value is not None:
            value.source.located(str(path))
            value.source.restore(data)  # the bytes are at hand: no second read if Markdown needs them
        return key, None
    found, problems = _read_bytes(data, shown, key[1], file_name(path), str(path))
    value = None
    if found is not None:
        value, more = (
            validate_article(*found, config, language) if kind == "article" else validate_page(*found, config, language)
        )
        problems = list(problems) + list(more)
    return key, (value, tuple(problems))


@overload
def _read_all(
    paths: list[Path],
    root: Path,
    previous: dict[ParsedKey, Parsed],
    parsed: dict[ParsedKey, Parsed],
    memo: StatMemo | None,
    config: Config,
    kind: Literal["article"],
    jobs: int,
    policy: Policy,
    language: str = "",
) -> Sequence[tuple[Article | None, list[Diagnostic]]]: ...


@overload
def _read_all(
    paths: list[Path],
    root: Path,
    previous: dict[ParsedKey, Parsed],
    parsed: dict[ParsedKey, Parsed],
    memo: StatMemo | None,
    config: Config,
    kind: Literal["page"],
    jobs: int,
    policy: Policy,
    language: str = "",
) -> Sequence[tuple[Page | None, list[Diagnostic]]]: ...


def _read_all(
    paths: list[Path],
    root: Path,
    previous: dict[ParsedKey, Parsed],
    parsed: dict[ParsedKey, Parsed],
    memo: StatMemo | None,
    config: Config,
    kind: str,
    jobs: int,
    policy: Policy,
    language: str = "",
) -> Sequence[Read]:
    """(value or None, diagnostics) for each of `paths` (of one `kind`), from `previous` when
    its stat or its bytes are unchanged; the files to read are shared out to `jobs` processes
    when many. Every result used is recorded in `parsed`, the next build's `previous`. An
    unchanged file's body is read only when a later stage needs it (Source.restore)."""
    # One folder's files: its shown path once, then each name (display_path per file cost
    # a rebuild at 4,000 articles 0.02 s).
    folder = display_path(paths[0].parent, root) if paths else ""
    shown = [f"{folder}/{path.name}" for path in paths]
    known = [memo.known(path, shown[i], previous) if memo is not None else (None, None) for i, path in enumerate(paths)]
    todo = [i for i, (key, _) in enumerate(known) if key is None]
    # index -> (key, the new (value, diagnostics) or None, the body read), from worker processes
    fresh: dict[int, tuple[ParsedKey, Parsed | None, str | None]] = {}
    if policy.parallel_reads(jobs, len(todo)):

        def read_chunk(items: list[tuple[int, Path]]) -> dict[int, tuple[ParsedKey, Parsed | None, str | None]]:
            # In a worker process: a Source pickles without its body, which is sent beside it.
            done = {}
            for i, path in items:
                key, found = _read_source(path, root, previous, config, kind, language)
                body = found[0].source.body if found is not None and found[0] is not None else None
                done[i] = (key, found, body)
            return done

        with policy.forking():
            chunks = chunked([(i, paths[i]) for i in todo], jobs, per_job=8, smallest=16)
            for chunk_results in share_out(chunks, read_chunk, jobs):
                fresh.update(chunk_results)
    results: list[Read] = []
    for i, path in enumerate(paths):
        key, signature = known[i]
        found: Parsed | None = None  # the new (value, diagnostics), unless the file is one seen before
        if key is None:
            key, found = fresh[i][:2] if i in fresh else _read_source(path, root, previous, config, kind, language)
            if i in fresh and found is not None and found[0] is not None:
                found[0].source.located(str(path), body=fresh[i][2])
            if memo is not None and key[1] is not None:
                memo.remember(shown[i], signature, key)
        parsed[key] = found if found is not None else previous[key]
        value, problems = parsed[key]
        if found is None and value is not None:
            value.source.located(str(path))  # where its body is now, if a later stage needs it
        results.append((value, list(problems)))
    return results


def _read_bytes(
    data: bytes, shown: str, digest: str, name: str, file: str = ""
) -> tuple[tuple[Source, yamlread.YamlDocument] | None, list[Diagnostic]]:
    text, problems = decode(data, shown)
    if text is None:
        return None, problems
    return split_front_matter(text, shown, digest, name, file)


def _sources(folder: Path) -> list[Path]:
    # Names starting with a dot are hidden files other programs leave beside an article:
    # macOS writes "._name.md" (binary, with NUL bytes) on shared drives, Emacs keeps a
    # ".#name.md" lock link while a file is edited. Read as articles they failed the build.
    # Names sorted as strings (the same order as sorting the paths of one folder, for a
    # fraction of the cost at thousands of files).
    try:
        names = sorted(
            entry.name for entry in os.scandir(folder) if entry.name.endswith(".md") and not entry.name.startswith(".")
        )
    except OSError:
        return []
    return [folder / name for name in names]


def _duplicate_slugs(articles: Sequence[Article | Page], prefix: str = "/articles/") -> list[Diagnostic]:
    by_slug: dict[str, Article | Page] = {}
    problems: list[Diagnostic] = []
    for article in articles:
        first = by_slug.setdefault(article.slug, article)
        if first is not article:
            problems.append(
                Diagnostic(
                    article.source.path,
                    article.source.line_of("slug"),
                    "slug-duplicate",
                    f"Two {'articles' if prefix == '/articles/' else 'pages'} have the URL {prefix}{article.slug}/: "
                    f"this file and {first.source.path}.",
                    "Give one of them a different `slug:` in its front matter (or rename the file).",
                )
            )
    return problems


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
