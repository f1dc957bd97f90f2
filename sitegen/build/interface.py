"""What templates get besides their page's own values: the filters and functions they
call (dates, the glossary's A-Z groups, breadcrumbs, references in cited order) and the
interface strings of each language (gettext catalogues, compiled in memory with Babel),
with what the one 404 page says in every language.

Used by render.make_environment; kept apart so that render.py is about pages and keys.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes
from markupsafe import Markup

from sitegen.content.site import Site
from sitegen.content.validate import MONTHS
from sitegen.core.article import GlossaryTerm, Reference
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.core.files import read
from sitegen.core.sources import display_path


def long_date(day: date | None) -> str:
    """'3 March 2026': unambiguous for every reader, independent of the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def by_initial(terms: Iterable[GlossaryTerm]) -> list[tuple[str, list[GlossaryTerm]]]:
    """Glossary terms grouped under their first letter, A to Z ("#" for a digit or symbol
    first, after Z), each group alphabetical: the sections of the glossary's A-Z list."""
    groups: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        first = unicodedata.normalize("NFKD", term.term.strip()[:1]).encode("ascii", "ignore").decode().upper()
        groups.setdefault(first if first.isalpha() else "#", []).append(term)
    return [
        (letter, sorted(groups[letter], key=lambda t: t.term.casefold()))
        for letter in sorted(groups, key=lambda letter: (letter == "#", letter))
    ]


def breadcrumb_list(crumbs: Iterable[tuple[str, str]], here: str, site_url: str, page_path: str) -> dict[str, object]:
    """schema.org BreadcrumbList (plain data for `tojson`): the `crumbs` (name, address from
    the site root) and then the current page, `here`, with absolute addresses."""
    items = [
        {"@type": "ListItem", "position": index, "name": name, "item": site_url + url}
        for index, (name, url) in enumerate(crumbs, 1)
    ]
    items.append({"@type": "ListItem", "position": len(items) + 1, "name": here, "item": site_url + page_path})
    return {"@type": "BreadcrumbList", "itemListElement": items}


# What the one 404.html that GitHub Pages serves says in each other language (issue 31).
NOT_FOUND_TEXTS = (
    "Page not found",
    "Sorry, there is no page at this address. It may have moved.",
    "Go to the home page",
    "Browse all topics",
    "Search the site",
    "Search",
)


def not_found_elsewhere(others: Sequence[Site]) -> list[dict[str, Any]]:
    """For the default language's 404.html: each other language's folder and its not-found
    words. GitHub Pages serves that one file for every missing address, /es/... included, so
    it carries every language (templates/404.html, static/not-found.js)."""
    found = []
    for other in others:
        translate = catalogue(other.config, other.language)[0].gettext
        texts = {text: translate(text) for text in NOT_FOUND_TEXTS}
        found.append({"language": other.language, "prefix": other.prefix, "texts": texts})
    return found


def in_cited_order(references: Iterable[Reference], cited: Iterable[str]) -> list[Reference]:
    """The references in the order the text first cites them (its citations' numbers: the
    first cited is [1]), then those never cited (a warning from `check`) as written."""
    order = {key: index for index, key in enumerate(cited)}
    ranked = sorted(enumerate(references), key=lambda item: (order.get(item[1].cite_key, len(order)), item[0]))
    return [ref for _, ref in ranked]


def catalogue_path(config: Config, language: str) -> Path:
    """The interface strings of `language` (gettext, edited in the repository; `make update-po`)."""
    return (config.locale_dir or config.root / "locale") / language / "LC_MESSAGES" / "messages.po"


@functools.lru_cache(maxsize=8)
def _compiled(po: bytes, language: str) -> gettext.NullTranslations:
    """A .po file compiled in memory (Babel): no .mo file is ever written or committed."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = io.BytesIO()
    write_mo(compiled, read_po(io.BytesIO(po), locale=language), use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def catalogue(config: Config, language: str) -> tuple[gettext.NullTranslations, str]:
    """(the translations of the interface strings into `language`, the digest of its .po
    file, part of the key of every page of that language). The default language's strings
    are the templates' own: no catalogue, and an empty digest, so its pages' keys and
    bytes are those of a site with one language."""
    if language == config.languages[0]:
        return gettext.NullTranslations(), ""
    po, refused = _catalogue_bytes(config, language)
    if po is None:
        return gettext.NullTranslations(), "missing" if refused is None else "refused"
    return _compiled(po, language), hashlib.sha256(po).hexdigest()


def _catalogue_bytes(config: Config, language: str) -> tuple[bytes | None, Diagnostic | None]:
    """The .po file's bytes, read by the one rule (core/files.py): a link out of the project
    (`messages.po -> /proc/self/environ` printed the build's environment into its log), a
    folder, a device or a huge file is a finding, never read."""
    path = catalogue_path(config, language)
    return read(path, config.roots, display_path(path, config.root))


def catalogue_problems(config: Config, language: str) -> list[Diagnostic]:
    """Why `language`'s catalogue is not read, if it is refused (a missing one is not a
    problem: the interface shows the default language's strings)."""
    if language == config.languages[0]:
        return []
    refused = _catalogue_bytes(config, language)[1]
    return [refused] if refused is not None else []


def locale_date(language: str) -> Callable[[date | None], str]:
    """The `long_date` filter of a language: Babel's long format ("3 de marzo de 2026"); the
    default language keeps `long_date`, written out without a locale."""
    if language == "en":
        return long_date

    def formatted(day: date | None) -> str:
        from babel.dates import format_date

        return format_date(day, format="long", locale=language) if day else ""

    return formatted


def interface_gettext(translate: Callable[[str], str]) -> Callable[..., str]:
    """`_()` in a template, as Jinja's i18n extension makes it with newstyle=True (marked
    safe where the template escapes, formatted with its keyword arguments even when there
    are none, so "%%" means "%"), in one call instead of three: its own goes through an
    alias and two context calls, which cost a full rebuild of 2,000 articles about 0.6 s
    of processor time (some 70 strings a page)."""

    @jinja2.pass_eval_context
    def gettext(eval_ctx: jinja2.nodes.EvalContext, string: str, /, **variables: object) -> str:
        found = translate(string)
        return (Markup(found) if eval_ctx.autoescape else found) % variables

    return gettext
