"""Quality checks of the site as a whole: the home page's start-here path, addresses
that no article has any more, and the glossary. Part of `check.run_checks`."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence

from sitegen.checks.findings import Findings
from sitegen.content import translations
from sitegen.content.site import Site
from sitegen.core.article import Article, Page
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic, Severity, did_you_mean


def start_here(site: Site, found: Findings) -> None:
    published = {article.source.name for article in site.articles}
    for name, line in zip(site.config.start_here, site.config.start_here_lines, strict=True):
        if name in published:
            continue
        why = "is a draft or not published" if name in site.unpublished else "is not an article"
        found.add(
            "links",
            site.config.path.name,
            line,
            "start-here-missing",
            f"start_here names {name}, which {why}; the home page leaves it out.",
            did_you_mean(name, published, "articles") if published else "Add articles first.",
        )


def moved_articles(site: Site, found: Findings) -> None:
    """An article address the published site has (the output folder, from the last build)
    that no article has now: a renamed file or a changed slug breaks every link to it,
    unless the article keeps the old address in `aliases:`. (The one look at the disk:
    the folder names of the previous output.)"""
    folder = site.config.output_dir / site.prefix / "articles"  # each language's own (es/articles/)
    try:
        with os.scandir(folder) as entries:
            names = {entry.name for entry in entries if entry.is_dir()}
    except OSError:
        return  # never built yet
    current = {article.slug: article for article in site.articles}
    addresses = set(current) | {alias for article in site.articles for alias in article.aliases}
    # A folder is a published address if it holds a page (the preview's may be left empty):
    # looked at only for the few names no article has, not for 2,000 on every save.
    published = {name for name in names - addresses if (folder / name / "index.html").is_file()}
    for old in sorted(published):
        close = difflib.get_close_matches(old, list(current), n=1, cutoff=0.5)
        article = current[close[0]] if close else None
        hint = (
            f"If the page /{site.prefix}articles/{old}/ became {article.source.name}, add `aliases: [{old}]` to its front matter "
            "so links and bookmarks to the old address keep working."
            if article
            else f"If an article was renamed, add `aliases: [{old}]` to its front matter so the old address keeps working."
        )
        if article is not None:
            file, line = (
                article.source.path,
                article.source.line_of("slug" if ("slug",) in dict(article.source.lines) else "title"),
            )
        else:
            from sitegen.core.sources import display_path

            file, line = display_path(site.config.content_dir / site.prefix / "articles", site.config.root), None
        found.add(
            "links",
            file,
            line,
            "article-moved",
            f"The published site has /{site.prefix}articles/{old}/, but no article has that address any more.",
            hint,
        )


def glossary_terms(site: Site, found: Findings) -> None:
    from sitegen.core.sources import display_path

    file = display_path(site.config.content_dir / "glossary.yaml", site.config.root)
    defined = {term.term.casefold() for term in site.glossary} | {
        a.casefold() for t in site.glossary for a in t.aliases
    }
    for term in site.glossary:
        if not re.match(r"^[\w][\w '’().,/-]*$", term.term):
            found.add(
                "glossary",
                file,
                term.line,
                "glossary-term",
                f"The term {term.term!r} has characters a term should not have.",
                "Write the term as it appears in articles.",
            )
        for other in term.see_also:
            if other.casefold() not in defined:
                found.add(
                    "glossary",
                    file,
                    term.line,
                    "glossary-see-also",
                    f"'{term.term}' refers to '{other}', which the glossary does not define.",
                    did_you_mean(other, [t.term for t in site.glossary], "terms"),
                )


def _changed_text(
    config: Config, language: str, folder: str, item: Article | Page, original: Article | Page, severity: Severity
) -> Diagnostic | None:
    """translation-stale by content: the original's text is no longer the text whose digest
    the translation recorded (translations.py). Names the first changes, for the preview's panel."""
    made = item.translation
    assert made is not None
    now = translations.current(config, original.source.path, original.source.digest)
    if now is None or translations.digest(now) == made.from_text:
        return None
    source, shown = item.source, original.source.path
    old = translations.recorded(config, language, folder, original.source.name, shown, made.from_text)
    found = translations.changes(old[0], now) if old is not None else []
    if old is None:
        what = "Its earlier text was not found (no kept copy, nor in git), so the changes cannot be shown."
    else:
        count = len(found)
        what = (
            f"{count} paragraph{'s' if count != 1 else ''} changed: "
            + "; ".join(f"{change.kind} at line {change.line}" for change in found[:3])
            + ("; ..." if count > 3 else "")
            + "."
        )
    shown_changes = ["    " + line for change in found[:2] for line in translations.describe(change, shown, width=140)]
    return Diagnostic(
        source.path,
        source.line_of(translations.DIGEST_KEY),
        "translation-stale",
        f"The English original {shown} has changed since this translation was made from it. {what}",
        f"See every change with `.venv/bin/python build.py translations {source.path}`; bring the translation "
        f"up to date, then run `.venv/bin/python build.py translations --done {source.path}`."
        + "".join("\n" + line for line in shown_changes),
        severity,
    )


def translation_problems(sites: Sequence[Site]) -> list[Diagnostic]:
    """Over the translation pairs (issue 19): a translation must name an English file that
    exists, and is stale once its original was reviewed after the revision it was made
    from. A warning, or an error under `translations: {stale: error}`; a missing
    translation is never a finding."""
    if len(sites) < 2:
        return []
    default = sites[0]
    config = default.config
    severity = Severity.ERROR if config.stale_translation == "error" else Severity.WARNING
    originals: dict[str, Article | Page] = {a.source.name: a for a in default.articles}
    original_pages: dict[str, Article | Page] = {p.source.name: p for p in default.pages}
    problems: list[Diagnostic] = []
    for site in sites[1:]:
        items: list[tuple[Article | Page, dict[str, Article | Page], str]] = [
            *((a, originals, "articles") for a in site.articles),
            *((p, original_pages, "pages") for p in site.pages),
        ]
        for item, known, folder in items:
            translation = item.translation
            if translation is None:
                continue
            source = item.source
            original = known.get(translation.of)
            if original is None:
                problems.append(
                    Diagnostic(
                        source.path,
                        source.line_of("translation_of"),
                        "translation-of-missing",
                        f"'translation_of: {translation.of}' names no published file in content/{folder}/.",
                        did_you_mean(translation.of, sorted(known), "files")
                        + f" Write the English file's name, as it is in content/{folder}/.",
                    )
                )
                continue
            if translation.from_text:
                problem = _changed_text(config, site.language, folder, item, original, severity)
                if problem is not None:
                    problems.append(problem)
                continue
            revised = getattr(original, "reviewed", None)
            if revised is not None and translation.from_reviewed is not None and revised > translation.from_reviewed:
                problems.append(
                    Diagnostic(
                        source.path,
                        source.line_of("translated_from_reviewed"),
                        "translation-stale",
                        f"The English original {original.source.path} was reviewed on {revised.isoformat()}, "
                        f"after this translation was made from it (translated_from_reviewed: "
                        f"{translation.from_reviewed.isoformat()}). Readers of the translation may miss what changed.",
                        f"Run `.venv/bin/python build.py translations {source.path}` to see the English text; "
                        "bring the translation up to date, then run "
                        f"`.venv/bin/python build.py translations --done {source.path}`: it sets "
                        f"`translated_from_reviewed: {revised.isoformat()}` and records the English text the "
                        "translation now matches, so any later change to that text is noticed.",
                        severity,
                    )
                )
    return problems
