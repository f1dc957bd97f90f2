"""The browser editor's form (cms.py): every front-matter key's field, from the content schema.

Decap CMS's `config.yml` describes every collection and field; `editor_config` walks the
validator's own field lists (`validate.py`: ARTICLE_KEYS, PAGE_KEYS, REFERENCE_KEYS,
TRANSLATION_KEYS) and gives each key its form field (`_form`). A key the validator gains
without a form field stops the generation (`SchemaDrift`); `tests/test_cms.py` checks
both ways that what the form writes is what the validator accepts, and that a field the
form requires is one the validator requires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sitegen.content.validate import ARTICLE_KEYS, PAGE_KEYS, REFERENCE_KEYS, TRANSLATION_KEYS
from sitegen.core.config import Config
from sitegen.core.pages import ARTICLE, PAGE

# A translated page may also carry an article's dates and people (validate.validate_page).
PAGE_TRANSLATION_EXTRA = ("date", "reviewed", "reviewer", "author")
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"  # slugs.is_valid_slug, for the form's own check
SLUG_RULE = [SLUG_PATTERN, "Lower-case letters, digits and single hyphens, e.g. mri-basics."]


class SchemaDrift(Exception):
    """The validator accepts a field the editor's form does not describe."""


@dataclass(frozen=True)
class Catalogue:
    """What the form offers to choose from, read from the content: each language's
    topics, and the English files a translation can name (file name -> title)."""

    topics: Mapping[str, tuple[str, ...]]
    articles: Mapping[str, str]
    pages: Mapping[str, str]


def _hint(text: str) -> str:
    return " ".join(text.split())


def _date(label: str, required: bool, hint: str) -> dict[str, Any]:
    # Stored as YYYY-MM-DD text, which the validator reads as a date.
    return {
        "label": label,
        "widget": "datetime",
        "format": "YYYY-MM-DD",
        "date_format": "YYYY-MM-DD",
        "time_format": False,
        "picker_utc": True,
        "required": required,
        "hint": hint,
    }


def _strings(
    label: str, item: str, hint: str, most: int | None = None, pattern: list[str] | None = None
) -> dict[str, Any]:
    field: dict[str, Any] = {
        "label": label,
        "label_singular": item,
        "widget": "list",
        "required": False,
        "allow_add": True,
        "field": {"label": item, "name": item.lower().replace(" ", "_"), "widget": "string"},
        "hint": hint,
    }
    if most:
        field["max"] = most
    if pattern:
        field["field"]["pattern"] = pattern
    return field


def _people(label: str, config: Config, hint: str) -> dict[str, Any]:
    """A choice of the people file's keys, labelled with each person's name."""
    options = [
        {"label": f"{p.name}{', ' + p.credentials if p.credentials else ''} ({key})", "value": key}
        for key, p in sorted(config.people.items())
    ]
    if not options:
        return {"label": label, "widget": "string", "required": False, "hint": hint}
    return {"label": label, "widget": "select", "options": options, "required": False, "hint": hint}


def _form(config: Config, catalogue: Catalogue, language: str, kind: str) -> dict[str, dict[str, Any]]:
    """Every front-matter key's form field, by key (names are added by the caller)."""
    topics = catalogue.topics.get(language, ())
    tags: dict[str, Any] = (
        {
            "label": "Topics",
            "widget": "select",
            "multiple": True,
            "options": list(topics),
            "required": False,
            "hint": _hint(
                """Each topic has its own page listing its articles. A new topic: add it to
                `tags:` in the file, or ask the editor who looks after the topics."""
            ),
        }
        if topics
        else _strings("Topics", "Topic", "Each topic has its own page listing its articles.")
    )
    originals = catalogue.articles if kind == "articles" else catalogue.pages
    return {
        "title": {"label": "Title", "widget": "string", "required": True, "hint": "The page's only heading."},
        "summary": {
            "label": "Summary",
            "widget": "text",
            "required": kind == "articles",
            "hint": "One or two sentences (at most 300 characters): the home page card, search results "
            "and the page description.",
        },
        "date": _date(
            "First published", kind == "articles", "The day the article first went live (saved as YYYY-MM-DD)."
        ),
        "reviewed": _date("Last medical review", False, "The day of the last medical review (saved as YYYY-MM-DD)."),
        "next_review": _date(
            "Next review due",
            False,
            f"Optional: by default {config.review_interval_months} months after the last review.",
        ),
        "reviewer": _people(
            "Reviewer",
            config,
            "Who did the medical review: someone in content/people.yaml. A new person is added "
            "there first, only with their agreement.",
        ),
        "author": _people("Author", config, "Who wrote the article: someone in content/people.yaml."),
        "tags": tags,
        "takeaways": _strings(
            "Key takeaways",
            "Takeaway",
            "1 to 6 short sentences (each under 200 characters), shown in a box at the top.",
            most=6,
        ),
        "questions": _strings(
            "Questions to ask your neurologist",
            "Question",
            "Optional: questions a reader can take to their appointment.",
        ),
        "references": {
            "label": "References",
            "label_singular": "Reference",
            "widget": "list",
            "required": False,
            "summary": "{{fields.title}}",
            "hint": "Each needs a title and at least one of doi, pmid or url, so a reader can find it.",
            "fields": [{"name": key, **_REFERENCE[key]} for key in _keys(REFERENCE_KEYS, _REFERENCE)],
        },
        "disclaimer": {
            "label": "Extra disclaimer",
            "widget": "text",
            "required": False,
            "hint": "Optional: added after the site-wide disclaimer, which is always shown.",
        },
        "slug": {
            "label": "Web address",
            "widget": "string",
            "required": False,
            "pattern": SLUG_RULE,
            "hint": "Optional: a different last part of the address than the file name.",
        },
        "menu": {
            "label": "Linked from",
            "widget": "select",
            "options": [
                {"label": "the menu at the top", "value": "main"},
                {"label": "the foot of every page", "value": "footer"},
            ],
            "required": False,
            "hint": "Where readers find this page: the menu at the top (the default), or the foot of every page "
            "(for pages such as the editorial policy or the accessibility statement).",
        },
        "aliases": _strings(
            "Old addresses",
            "Old address",
            "When the address changed: the old address's last part, so old links keep working.",
            pattern=SLUG_RULE,
        ),
        "draft": {
            "label": "Draft",
            "widget": "boolean",
            "required": False,
            "default": True,
            "hint": "A draft is shown in the preview and left out of the published site. Untick it to publish.",
        },
        "translation_of": {
            "label": "Translation of",
            "widget": "select",
            "options": [{"label": f"{title} ({name})", "value": name} for name, title in originals.items()]
            or [{"label": "(no English file yet)", "value": ""}],
            "required": False,
            "hint": "The English file this translates. The four translation fields go together.",
        },
        "translated_from_reviewed": _date(
            "Translated from the review of",
            False,
            "The English file's `reviewed:` date at the time you translated it.",
        ),
        "translated_by": _people("Translated by", config, "Who translated it: someone in content/people.yaml."),
        # Written by `build.py translations --done` (the English text it matches), never by hand:
        # kept as it is, not shown.
        "translated_from_text": {"label": "Translated from the text", "widget": "hidden", "required": False},
        "translation_clinical_review": {
            "label": "Translation checked by a clinician",
            "widget": "boolean",
            "required": False,
            "default": False,
            "hint": "Tick only once a clinician who is a native speaker has checked the translation.",
        },
    }


_REFERENCE: dict[str, dict[str, Any]] = {
    "title": {"label": "Title", "widget": "string", "required": True},
    "authors": {"label": "Authors", "widget": "string", "required": False, "hint": "e.g. Rocca MA, Preziosa P, et al."},
    "journal": {"label": "Journal", "widget": "string", "required": False},
    "year": {"label": "Year", "widget": "number", "value_type": "int", "required": False},
    "doi": {"label": "DOI", "widget": "string", "required": False, "hint": "e.g. 10.1016/j.lanepe.2024.100978"},
    "pmid": {"label": "PubMed ID", "widget": "string", "required": False, "hint": "digits only, e.g. 39444702"},
    "url": {"label": "Web address", "widget": "string", "required": False, "hint": "https://..."},
    "key": {
        "label": "Citation key",
        "widget": "string",
        "required": False,
        "pattern": [r"^[A-Za-z0-9][A-Za-z0-9_-]*$", "Letters, digits, - and _ only"],
        "hint": "Optional: the text cites a reference as [@key]. Without one, the key is the first "
        "author's surname and the year, e.g. [@rovira2015]. Needed when there are no authors.",
    },
}

BODY_HINT = _hint(
    """Markdown. Sections start with `## `. A callout: `!!! note`, `!!! key-point`, `!!! warning`, or a
    care card `!!! non-urgent "Ask your care team if:"`, `!!! urgent`, `!!! emergency` (at most two a page),
    `!!! do`, `!!! dont`, `!!! inset`, with its text indented by four spaces on the lines below. A table:
    pipe rows with a `Table: caption` line above. A link to another article: `[text](other-article.md)`.
    A figure: `![what it shows](images/file.svg "caption")` alone on its line."""
)


def _keys(keys: Iterable[str], form: Mapping[str, object]) -> list[str]:
    keys = list(keys)
    missing = [key for key in keys if key not in form]
    if missing:
        raise SchemaDrift(
            f"The editor's form has no field for {', '.join(missing)} (add it to sitegen/editor/form.py)."
        )
    return keys


def collection_keys(kind: str, translated: bool) -> tuple[str, ...]:
    """The front-matter keys a collection offers: the validator's own lists."""
    if kind == "articles":
        return ARTICLE_KEYS + (TRANSLATION_KEYS if translated else ())
    return PAGE_KEYS + ((*TRANSLATION_KEYS, *PAGE_TRANSLATION_EXTRA) if translated else ())


def _collection(config: Config, catalogue: Catalogue, language: str, kind: str, site_url: str) -> dict[str, Any]:
    own = "" if language == config.language else language
    translated = bool(own)
    form = _form(config, catalogue, language, kind)
    fields = [{"name": key, **form[key]} for key in _keys(collection_keys(kind, translated), form)]
    fields.append(
        {"name": "body", "label": "Text", "widget": "markdown", "modes": ["raw"], "required": False, "hint": BODY_HINT}
    )
    folder = config.content_dir / own / kind if own else config.content_dir / kind
    name = f"{kind}_{language}" if translated else kind
    noun = {"articles": ("Articles", "Article"), "pages": ("Pages", "Page")}[kind]
    suffix = f" ({language})" if translated else ""
    collection: dict[str, Any] = {
        "name": name,
        "label": noun[0] + suffix,
        "label_singular": noun[1] + suffix,
        "folder": folder.relative_to(config.root).as_posix(),
        "extension": "md",
        "format": "yaml-frontmatter",
        "create": True,
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}}" + ("{{draft | ternary(' (draft)', '')}}" if kind == "articles" else ""),
        "fields": fields,
    }
    if site_url:  # "View preview" in the editor opens the page in the preview
        collection["preview_path"] = (ARTICLE if kind == "articles" else PAGE).at(own + "/" if own else "", "{{slug}}")
    return collection


def editor_config(
    config: Config, catalogue: Catalogue, backend: Mapping[str, Any], site_url: str = ""
) -> dict[str, Any]:
    """Decap CMS's configuration: a collection of articles and of pages per language.
    `backend`: Decap's `backend:` setting (test-repo, proxy for the local server, github)."""
    collections = [
        _collection(config, catalogue, language, kind, site_url)
        for language in config.languages
        if language == config.language or (config.content_dir / language).is_dir()
        for kind in ("articles", "pages")
    ]
    images = config.content_dir / "images"
    settings: dict[str, Any] = {
        "backend": dict(backend),
        "media_folder": images.relative_to(config.root).as_posix(),
        "public_folder": "images",  # how an article names an image: images/name.svg
        "locale": "en",
        "collections": collections,
    }
    if site_url:
        settings["site_url"] = site_url
        settings["display_url"] = site_url
        settings["show_preview_links"] = True
    if backend.get("name") == "github":
        settings["publish_mode"] = "editorial_workflow"
    return settings
