"""Front matter to frozen values. Every field is checked; every problem is reported.

The fields are read through `fields.Fields`; dates are explained by dates.py; the
glossary is validated by glossary.py."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import PureWindowsPath
from typing import Any

from sitegen.content.dates import MONTHS as MONTHS  # the month names, for the templates (render.py)
from sitegen.content.dates import add_months
from sitegen.content.fields import Fields
from sitegen.core.article import Article, Page, Reference, Source, Translation
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic, did_you_mean
from sitegen.core.pages import ARTICLE
from sitegen.core.people import PEOPLE_FILE, PERSON_KEY
from sitegen.core.slugs import RESERVED, is_valid_slug, slugify
from sitegen.core.yamlread import YamlDocument
from sitegen.markup.links import scheme_of

ARTICLE_KEYS = (
    "title",
    "summary",
    "date",
    "reviewed",
    "next_review",
    "reviewer",
    "author",
    "tags",
    "takeaways",
    "references",
    "questions",
    "disclaimer",
    "slug",
    "aliases",
    "draft",
)
# A translation's own fields (content/<language>/...): see docs/architecture.md, Languages.
TRANSLATION_KEYS = (
    "translation_of",
    "translated_from_reviewed",
    "translated_by",
    "translation_clinical_review",
    "translated_from_text",  # the digest of the original's text (translations.py), written by a command
)
PAGE_KEYS = ("title", "summary", "slug", "menu", "draft")
MENUS = ("main", "footer")  # where a page is linked from: the header's menu, or the footer
REFERENCE_KEYS = ("title", "authors", "journal", "year", "doi", "pmid", "url", "key")
# A reference's `key:` (what the text cites it by, `[@key]`: markup/citations.py).
CITE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _slug(fields: Fields, source: Source) -> str:
    given = fields.text("slug")
    if given:
        if not is_valid_slug(given) or given in RESERVED:
            fields.problem(
                "slug",
                "bad-slug",
                f"The slug {given!r} cannot be used in a web address.",
                f"Use lower-case letters, digits and single hyphens, e.g. slug: {_usable_slug(given, fields)}.",
            )
        return given
    slug = slugify(source.name.rsplit(".", 1)[0])
    if not slug or slug in RESERVED:
        fields.problem(
            "title",
            "bad-slug",
            f"The file name {source.name!r} does not give a usable web address.",
            "Rename the file to a few plain words joined by hyphens, or add a `slug:` field.",
        )
    return slug


def _usable_slug(given: str, fields: Fields) -> str:
    # slugify("topics") is "topics" again: a reserved word must not be suggested as the fix.
    for candidate in (slugify(given), slugify(str(fields.data.get("title") or ""))):
        if candidate and candidate not in RESERVED:
            return candidate
    return f"{slugify(given) or 'mri'}-guide"


def validate_article(
    source: Source, doc: YamlDocument, config: Config, language: str = ""
) -> tuple[Article | None, list[Diagnostic]]:
    """`language`: the article is in content/<language>/ (a translation may say what it translates)."""
    fields = Fields(doc.data, source.path, source.line_of)
    fields.unknown_keys(ARTICLE_KEYS + (TRANSLATION_KEYS if language else ()))
    title, summary = fields.text("title", required=True), fields.text("summary", required=True)
    published = fields.day("date", required=True)
    reviewed = fields.day("reviewed")
    next_review = fields.day("next_review")
    if next_review is None and reviewed is not None:
        next_review = add_months(reviewed, config.review_interval_months)
    takeaways = fields.strings("takeaways")
    article = Article(
        source=source,
        slug=_slug(fields, source),
        title=title,
        summary=summary,
        published=published or date.min,
        reviewed=reviewed,
        next_review=next_review,
        reviewer=_person(fields, "reviewer", config),
        author=_person(fields, "author", config),
        tags=tuple(dict.fromkeys(fields.strings("tags"))),
        takeaways=takeaways,
        references=_references(doc.data.get("references"), fields),
        questions=fields.strings("questions"),
        disclaimer=fields.text("disclaimer"),
        draft=fields.flag("draft"),
        aliases=_aliases(fields),
        language=language or config.language,
        prefix=f"{language}/" if language else "",
        translation=_translation(fields, config) if language else None,
    )
    return (None if fields.problems else article), fields.problems


def _person_fix(name: str, people: Mapping[str, object]) -> str:
    """How to name a translator who is not in the people file: a close key, or how to add one
    (a key is lower case with hyphens: `Ana Ruiz` becomes `ana-ruiz`)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    key = "-".join(re.findall(r"[a-z0-9]+", plain)) or "translator-key"
    close = did_you_mean(key, sorted(people), "people") if people else ""
    if close:
        return close
    return (
        f"Add the person to content/{PEOPLE_FILE} under a key such as `{key}:` (with `name: {name}` and "
        f"`clinician: true` or `false` below it), then write `translated_by: {key}`."
    )


def is_file_name(name: str) -> bool:
    """A file's name alone: no folder, no `..`, not hidden."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def _translation(fields: Fields, config: Config) -> Translation | None:
    """The four translation fields, all or none (a file in content/es/ may be written in
    Spanish first, with no original). Whether the original exists is checked with the
    whole site (check_site.translation_problems)."""
    if not any(key in fields.data for key in TRANSLATION_KEYS):
        return None
    original = fields.text("translation_of", required=True)
    if original and not is_file_name(original):
        # A name only: `../../x.md` would have `translations --done` read and write outside the project.
        fields.problem(
            "translation_of",
            "translation-of-file",
            f"'translation_of: {original}' must be the English file's name alone, with no folder or `..` in it.",
            f"Write the name of the file in content/articles/ (or content/pages/), e.g. `translation_of: {PureWindowsPath(original).name}`.",
        )
    elif original and not original.endswith(".md"):
        fields.problem(
            "translation_of",
            "translation-of-file",
            f"'translation_of: {original}' must be the English file's name, ending in .md.",
            f"Write `translation_of: {original}.md`, the name of the file in content/articles/ (or content/pages/).",
        )
    from_reviewed = fields.day("translated_from_reviewed")
    if from_reviewed is None and "translated_from_reviewed" not in fields.data:
        fields.problem(
            "translated_from_reviewed",
            "missing-field",
            "'translated_from_reviewed' is required in a translation.",
            "Add `translated_from_reviewed: YYYY-MM-DD`: the `reviewed:` date of the English file you translated.",
        )
    by = fields.text("translated_by", required=True)
    if by and by not in config.people:
        fields.problem(
            "translated_by",
            "person-unknown",
            f"'translated_by: {by}' names someone who is not in content/{PEOPLE_FILE}.",
            _person_fix(by, config.people),
        )
    written = fields.data.get("translated_from_text")
    from_text = "" if written is None else str(written).strip()
    if from_text and not re.fullmatch(r"[0-9a-f]{16}", from_text):
        fields.problem(
            "translated_from_text",
            "translation-digest",
            f"'translated_from_text: {from_text}' is not a digest that `build.py translations --done` writes.",
            "Do not edit it by hand: bring the translation up to date, then run "
            f"`.venv/bin/python build.py translations --done {fields.file}` to record it.",
        )
        from_text = ""
    return Translation(original, from_reviewed, by, fields.flag("translation_clinical_review"), from_text)


def _person(fields: Fields, key: str, config: Config) -> str:
    """`reviewer:` / `author:`: a key of the people file (`jane-roe`), or a name written as
    plain text (`Editorial team`, `Dr Jane Roe`), which is shown as it is."""
    value = fields.text(key)
    if value and PERSON_KEY.match(value) and value not in config.people:
        known = sorted(config.people)
        close = did_you_mean(value, known, "people") if known else ""
        fields.problem(
            key,
            "person-unknown",
            f"'{key}: {value}' names someone who is not in content/{PEOPLE_FILE}.",
            (close + " " if close.startswith("Did") else "")
            + f"Add an entry `{value}:` with their name, credentials, role and `clinician:` to "
            f"content/{PEOPLE_FILE}, or write the name as plain text, e.g. `{key}: Editorial team`.",
        )
    return value


def reviewer_policy(articles: Iterable[Article], config: Config) -> list[Diagnostic]:
    """`review.require_clinical_reviewer`: every article's reviewer must be someone in the
    people file marked `clinician: true`. Reported by `check` and `build --strict`."""
    if not config.require_clinical_reviewer:
        return []
    problems: list[Diagnostic] = []
    for article in articles:
        source = article.source
        person = config.people.get(article.reviewer)
        if person is not None and person.clinician:
            continue
        if not article.reviewer:
            line = source.line_of("reviewed") if ("reviewed",) in dict(source.lines) else source.line_of("title")
            message = "The article names no reviewer, and this site requires a clinical reviewer."
        elif person is None:
            line = source.line_of("reviewer")
            message = (
                f"The reviewer '{article.reviewer}' is not in content/{PEOPLE_FILE}, "
                "and this site requires a clinical reviewer."
            )
        else:
            line = source.line_of("reviewer")
            message = f"The reviewer '{article.reviewer}' ({person.name}) is not marked as a clinician."
        problems.append(
            Diagnostic(
                source.path,
                line,
                "reviewer-not-clinician",
                message,
                f"Have a clinician review the article and name them by their key in content/{PEOPLE_FILE} "
                "(`reviewer: their-key`, with `clinician: true` in their entry). "
                "Or turn the policy off with `review: {require_clinical_reviewer: false}` in config.yaml.",
            )
        )
    return problems


def _aliases(fields: Fields) -> tuple[str, ...]:
    """Old addresses of the article (`aliases: [old-slug]`), each a slug; written as a path
    (/articles/old-slug/) it is taken as the slug it ends in."""
    aliases: list[str] = []
    for index, given in enumerate(fields.strings("aliases")):
        alias = given.strip().strip("/").removeprefix(ARTICLE.folder).strip("/")
        if not is_valid_slug(alias) or alias in RESERVED:
            fields.problems.append(
                Diagnostic(
                    fields.file,
                    fields.line_of("aliases", index),
                    "bad-slug",
                    f"The alias {given!r} cannot be a web address.",
                    f"Give the old address's last part: lower-case letters, digits and single hyphens, "
                    f"e.g. {slugify(alias) or 'old-address'}.",
                )
            )
            continue
        aliases.append(alias)
    return tuple(dict.fromkeys(aliases))


def _references(value: Any, fields: Fields) -> tuple[Reference, ...]:  # YAML: checked here
    if value is None:
        return ()
    if not isinstance(value, list):
        fields.problem(
            "references",
            "wrong-type",
            "'references' must be a list.",
            "Each reference starts with `- title: ...` on its own line; see README.md.",
        )
        return ()
    references: list[Reference] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            fields.problems.append(
                Diagnostic(
                    fields.file,
                    fields.line_of("references", index),
                    "wrong-type",
                    f"Reference {index + 1} must be a set of fields (title:, journal:, ...).",
                    'Write `- title: "..."` then the other fields indented below it.',
                )
            )
            continue
        ref = Fields(item, fields.file, fields.line_of, ("references", index))
        ref.unknown_keys(REFERENCE_KEYS)
        year = item.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            ref.problem(
                "year",
                "wrong-type",
                f"The year of reference {index + 1} must be a number like 2024.",
                "Write e.g. `year: 2024`.",
            )
            year = None
        url = ref.text("url")
        if url and scheme_of(url) not in ("http", "https"):
            # Every build, not only `check`: the same rule as links in the text (markup/links.py).
            ref.problem(
                "url",
                "reference-url",
                f"The url of reference {index + 1} is not a web address: {url[:60]!r}.",
                "Copy the https:// address of the paper's own page (or use doi: or pmid: instead).",
            )
            url = ""
        references.append(
            Reference(
                title=ref.text("title", required=True),
                authors=ref.text("authors"),
                journal=ref.text("journal"),
                year=year,
                doi=ref.text("doi"),
                pmid=ref.text("pmid"),
                url=url,
                line=fields.line_of("references", index),
                key=_cite_key(ref, index),
            )
        )
        fields.problems.extend(ref.problems)
    seen: dict[str, int] = {}
    for index, reference in enumerate(references):
        key = reference.cite_key
        if not key:
            continue
        if key in seen:
            fields.problems.append(
                Diagnostic(
                    fields.file,
                    reference.line,
                    "reference-key-duplicate",
                    f"References {seen[key] + 1} and {index + 1} are both cited as [@{key}].",
                    f"Give one of them its own key, e.g. `key: {key}b`, and cite it by that key.",
                )
            )
        else:
            seen[key] = index
    return tuple(references)


def _cite_key(ref: Fields, index: int) -> str:
    """A reference's `key:` as written, if it is one a citation can name."""
    key = ref.text("key")
    if key and not CITE_KEY.match(key):
        ref.problem(
            "key",
            "reference-key",
            f"The key of reference {index + 1} is {key!r}: a citation [@...] cannot name it.",
            "Use letters, digits, '-' and '_' only, starting with a letter or digit, e.g. `key: acog2017`.",
        )
        return ""
    return key


def validate_page(
    source: Source, doc: YamlDocument, config: Config | None = None, language: str = ""
) -> tuple[Page | None, list[Diagnostic]]:
    fields = Fields(doc.data, source.path, source.line_of)
    # A translated page may also carry an article's dates and people, as the contract allows.
    fields.unknown_keys(PAGE_KEYS + ((*TRANSLATION_KEYS, "date", "reviewed", "reviewer", "author") if language else ()))
    page = Page(
        source=source,
        slug=_slug(fields, source),
        title=fields.text("title", required=True),
        summary=fields.text("summary"),
        draft=fields.flag("draft"),
        language=language or (config.language if config else "en"),
        prefix=f"{language}/" if language else "",
        translation=_translation(fields, config) if language and config else None,
        menu=_menu(fields),
    )
    return (None if fields.problems else page), fields.problems


def _menu(fields: Fields) -> str:
    menu = fields.text("menu") or "main"
    if menu not in MENUS:
        fields.problem(
            "menu",
            "page-menu",
            f"'menu: {menu}' is not a place a page is linked from.",
            "Write `menu: main` (the header's menu, the default) or `menu: footer` (the foot of every page, "
            "for pages such as the editorial policy).",
        )
    return menu
