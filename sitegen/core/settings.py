"""Every setting of config.yaml, declared once (options.py says how a declaration reads).

Each line is one setting: what it holds and the value a new site gets, the checks its
value must pass (with the fix an editor is shown), and the `Config` field it fills. A
setting read by `load_config` itself (the paths, the languages) names no field. The
shipped config.yaml explains each setting to editors; README "Fixing errors" lists the
findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from types import MappingProxyType
from typing import Any

from sitegen.core.options import Check, Flag, List, Mapping, Problem, Removed, Section, Text, Whole

RAW_HTML_POLICIES = ("escape", "sanitize", "allow")
REPO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def one_of(choices: tuple[str, ...], fix: str = "") -> Check:
    """The value is one of `choices` (the fix lists them unless `fix` says otherwise)."""

    def check(value: Any, name: str) -> Iterable[Problem]:
        if value not in choices:
            yield Problem(f"{name} is {value!r}.", fix or "Use one of: " + ", ".join(choices) + ".")

    return check


def at_least(minimum: int, fix: str) -> Check:
    def check(value: Any, name: str) -> Iterable[Problem]:
        if value < minimum:
            yield Problem(f"{name} must be at least {minimum}.", fix)

    return check


def _article_names(value: Any, name: str) -> Iterable[Problem]:
    """`start_here:`: each item an article's file name."""
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            yield Problem(
                f"{name} item {index + 1} must be an article's file name.",
                "For example: start_here: [mri-basics-in-ms.md, questions-about-your-mri.md]",
                "config-type",
                (index,),
            )


def _address(value: Any, name: str) -> Iterable[Problem]:
    """`report_problem:`: an email address or a web address (or nothing)."""
    report = value.strip()
    if report and not (report.startswith(("https://", "http://")) or ("@" in report and " " not in report)):
        yield Problem(
            f"{name} is {report!r}, which is neither an email address nor a web address.",
            "Give an email address (editors@example.org) or a full https:// address.",
        )


def _editor(values: dict[str, Any], name: str) -> Iterable[Problem]:
    """`editor:`: a published editor must know the repository it saves to."""
    repo, auth = values["repo"].strip(), values["auth_url"].strip()
    if repo and not REPO_NAME.match(repo):
        yield Problem(
            f"{name}.repo is {repo!r}, which is not a GitHub repository's owner/name.",
            "Write the part of the repository's address after github.com/, e.g. `repo: our-team/ms-imaging`.",
            at=("repo",),
        )
    elif values["publish"] and not repo:
        yield Problem(
            f"{name}.publish is true, but {name}.repo does not say which GitHub repository the editor saves to.",
            "Add `repo: owner/name` under `editor:` (the part of the repository's address after github.com/), "
            "or set `publish: false`.",
            at=("publish",),
        )
    if auth and not auth.startswith("https://"):
        yield Problem(
            f"{name}.auth_url is {auth!r}; editors sign in through it, so it must be an https:// address.",
            "Give the OAuth helper's full address, e.g. `auth_url: https://auth.example.org`.",
            at=("auth_url",),
        )


def languages(values: dict[str, Any]) -> tuple[str, ...]:
    """Every language of the site, the default (`language:`) first, each once."""
    return tuple(dict.fromkeys([values["language"], *map(str, values["languages"])]))


def _language_codes(values: dict[str, Any], name: str) -> Iterable[Problem]:
    """`languages:`: each a language code (the default language is not checked here)."""
    listed = [str(code) for code in values["languages"]]
    seen = {values["language"]}
    for index, code in enumerate(listed):
        if code not in seen and not LANGUAGE_CODE.fullmatch(code):
            yield Problem(
                f"languages: {code!r} is not a language code.",
                "Use two lower-case letters, e.g. `languages: [en, es]`.",
                at=("languages", index),
            )
        seen.add(code)


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _strip(text: str) -> str:
    return text.strip()


def _article_file(name: str) -> str:
    name = name.strip()
    return name if name.endswith(".md") else name + ".md"


def _report_address(text: str) -> str:
    report = text.strip()
    return report.removeprefix("mailto:") if "@" in report and "://" not in report else report


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _each(clean: Callable[[str], str]) -> Callable[[list[str]], tuple[str, ...]]:
    return lambda items: tuple(map(clean, items))


# The settings, in the order config.yaml is read. Defaults are what a new site gets.
OPTIONS = Section(
    {
        "title": Text("MS Imaging Explained", field="title"),
        "tagline": Text("", field="tagline"),
        "description": Text("", field="description"),
        # The address the site is published at: its path is where the pages live.
        "url": Text("https://example.org/", field="url", clean=_with_slash),
        "language": Text("en", field="language"),
        # Every language the site is published in, the default (`language`) first; the others'
        # content is in content/<language>/ (see README, "Translating an article").
        "languages": List([]),
        "translations": Section(
            {"stale": Text("warning", (one_of(("warning", "error"), "Use warning or error."),), "stale_translation")}
        ),
        "disclaimer": Text("", field="disclaimer", clean=_strip),
        "home_intro": Text("", field="home_intro", clean=_strip),
        # Article file names, in reading order: the home page's "Start here" path.
        "start_here": List([], (_article_names,), "start_here", _each(_article_file)),
        # Where readers report a mistake: an email address or a web address (https://...).
        # Empty: a mailto: link with no address, the page's title and address filled in.
        "report_problem": Text("", (_address,), "report_problem", _report_address),
        # Who stands behind the site: a key of content/people.yaml (footer, JSON-LD publisher).
        "publisher": Text("", field="publisher", clean=_strip),
        # The header's logo: an SVG file in static/ (config.py checks it is there) and its alt
        # text ("" if it says nothing the site's name beside it does not).
        "logo": Section(
            {"file": Text("", field="logo_file", clean=_strip), "alt": Text("", field="logo_alt", clean=_spaces)}
        ),
        # The home page's "urgent help" box: where to go when it cannot wait. Never a made-up number.
        "urgent_help": Text("", field="urgent_help", clean=_spaces),
        # Folders, from the project's folder (load_config makes them paths; the command line
        # can override content and output).
        "paths": Section(
            {
                "content": Text("content"),
                "templates": Text("templates"),
                "static": Text("static"),
                "output": Text("public"),
                "cache": Text(".cache"),
                # The interface strings of every language but the default: <locale>/<code>/LC_MESSAGES/messages.po
                "locale": Text("locale"),
            }
        ),
        "review": Section(
            {
                "interval_months": Whole(
                    12, (at_least(1, "A common policy is 12 to 36 months."),), "review_interval_months"
                ),
                "require_clinical_reviewer": Flag(False, field="require_clinical_reviewer"),
            }
        ),
        "markdown": Section({"raw_html": Text("escape", (one_of(RAW_HTML_POLICIES),), "raw_html")}),
        "feed": Section({"entries": Whole(20, field="feed_entries")}),
        "search": Flag(True, field="search"),
        # As written: checks/ checks its shape.
        "checks": Mapping({}, field="checks", clean=MappingProxyType),
        # The site's own licence for its text and drawings: an image record's `licence: site`.
        "licence": Text("", field="licence", clean=_strip),
        # Size budgets of one image file in content/images/ (a warning above either; 0: none).
        "images": Section(
            {
                "max_bytes": Whole(500_000, field="image_max_bytes"),
                "max_pixels": Whole(8_000_000, field="image_max_pixels"),
            }
        ),
        # The browser editor (sitegen/editor/cms.py, docs/editing-in-the-browser.md): `publish: true`
        # writes it into the site at /admin/, saving to the GitHub repository `repo` (owner/name)
        # on `branch`, editors signing in through the OAuth helper at `auth_url`.
        "editor": Section(
            {
                "publish": Flag(False, field="editor_publish"),
                "repo": Text("", field="editor_repo", clean=_strip),
                "branch": Text("main", field="editor_branch", clean=lambda text: text.strip() or "main"),
                "auth_url": Text("", field="editor_auth_url", clean=_strip),
            },
            (_editor,),
        ),
        "search_pages_per_shard": Removed(
            "Delete this line: since 0.8 each language has one search index, "
            "with no shards to size (docs/speed.md says why)."
        ),
    },
    (_language_codes,),
)
