"""config.yaml to a frozen Config. All problems are reported together, with lines."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sitegen.core import yamlread
from sitegen.core.errors import Diagnostic, Severity, did_you_mean
from sitegen.core.files import project_roots
from sitegen.core.guides import GUIDES_FILE, GuideDeclaration, load_guides
from sitegen.core.sources import display_path

RAW_HTML_POLICIES = ("escape", "sanitize", "allow")
PEOPLE_FILE = "people.yaml"  # in the content folder, beside glossary.yaml
PERSON_KEYS = ("name", "names", "credentials", "role", "clinician", "organization")
# How an article names someone from the people file: lower case, digits and single hyphens
# (`jane-roe`). Anything else (`Editorial team`, `Dr Jane Roe`) is a name written as plain text.
PERSON_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# key -> (type, default). Nested dicts are sections. Defaults are what a new site gets.
SCHEMA: dict[str, Any] = {
    "title": (str, "MS Imaging Explained"),
    "tagline": (str, ""),
    "description": (str, ""),
    "url": (str, "https://example.org/"),
    "language": (str, "en"),
    # Every language the site is published in, the default (`language`) first; the others'
    # content is in content/<language>/ (see README, "Translating an article").
    "languages": (list, []),
    "translations": {"stale": (str, "warning")},
    "disclaimer": (str, ""),
    "home_intro": (str, ""),
    # Article file names, in reading order: the home page's "Start here" path.
    "start_here": (list, []),
    # Where readers report a mistake: an email address or a web address (https://...).
    # Empty: a mailto: link with no address, the page's title and address filled in.
    "report_problem": (str, ""),
    # Who stands behind the site: a key of content/people.yaml (footer, JSON-LD publisher).
    "publisher": (str, ""),
    # The header's logo: an SVG file in static/ and its alt text ("" if it says nothing the
    # site's name beside it does not).
    "logo": {"file": (str, ""), "alt": (str, "")},
    # The home page's "urgent help" box: where to go when it cannot wait. Never a made-up number.
    "urgent_help": (str, ""),
    "paths": {
        "content": (str, "content"),
        "templates": (str, "templates"),
        "static": (str, "static"),
        "output": (str, "public"),
        "cache": (str, ".cache"),
        # The interface strings of every language but the default: <locale>/<code>/LC_MESSAGES/messages.po
        "locale": (str, "locale"),
    },
    "review": {"interval_months": (int, 12), "require_clinical_reviewer": (bool, False)},
    "markdown": {"raw_html": (str, "escape")},
    "feed": {"entries": (int, 20)},
    "search": (bool, True),
    "checks": (dict, {}),
    # The site's own licence for its text and drawings: an image record's `licence: site`.
    "licence": (str, ""),
    # Size budgets of one image file in content/images/ (a warning above either; 0: none).
    "images": {"max_bytes": (int, 500_000), "max_pixels": (int, 8_000_000)},
    # The browser editor (sitegen/cms.py, docs/editing-in-the-browser.md): `publish: true`
    # writes it into the site at /admin/, saving to the GitHub repository `repo` (owner/name)
    # on `branch`, editors signing in through the OAuth helper at `auth_url`.
    "editor": {"publish": (bool, False), "repo": (str, ""), "branch": (str, "main"), "auth_url": (str, "")},
}


@dataclass(frozen=True)
class Person:
    """Someone an article can name as its author or reviewer, from content/people.yaml."""

    key: str
    name: str
    credentials: str = ""
    role: str = ""
    clinician: bool = False
    organization: bool = False  # a team or body rather than one person (JSON-LD Organization)
    line: int | None = None
    # The name as it reads in a sentence of another language: {"es": "el equipo editorial"}.
    names: tuple[tuple[str, str], ...] = ()

    @property
    def in_sentence(self) -> str:
        """The name as it reads after "Reviewed by": a team named like a common noun
        ("Editorial team") takes "the" and a small letter; proper names stay as they are."""
        name = self.name
        if self.organization and len(name) > 1 and name[1].islower() and not name.lower().startswith("the "):
            return "the " + name[0].lower() + name[1:]
        return name

    def in_sentence_in(self, language: str) -> str:
        """`in_sentence` in a page of `language` ("" for the site's own): its `names` entry,
        else the name as written."""
        if not language:
            return self.in_sentence
        return dict(self.names).get(language, self.name)


@dataclass(frozen=True)
class Config:
    path: Path
    root: Path
    title: str
    tagline: str
    description: str
    url: str
    language: str
    disclaimer: str
    home_intro: str
    content_dir: Path
    templates_dir: Path
    static_dir: Path
    output_dir: Path
    cache_dir: Path
    review_interval_months: int
    raw_html: str
    feed_entries: int
    search: bool
    # config.yaml's `checks:` as written (YAML: check.py checks its shape).
    checks: MappingProxyType[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # key -> Person, from <content>/people.yaml. Part of the Config (and so of its repr, which
    # keys the build cache and every page): a change to a person rebuilds what shows them.
    people: MappingProxyType[str, Person] = field(default_factory=lambda: MappingProxyType({}))
    require_clinical_reviewer: bool = False
    languages: tuple[str, ...] = ("en",)  # the default first
    locale_dir: Path | None = None
    stale_translation: str = "warning"  # or "error": a translation older than its original

    def portable(self) -> tuple[tuple[str, object], ...]:
        """The settings with every path relative to the project's folder: what the build
        cache is keyed by, so that a project moved elsewhere (or a `.cache/` restored by CI
        at another path) keeps using its cache."""
        values: list[tuple[str, object]] = []
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, Path):
                value = os.path.relpath(value, self.root) if name != "root" else "."
            elif isinstance(value, MappingProxyType):
                value = sorted(value.items(), key=repr)
            values.append((name, value))
        return tuple(values)

    start_here: tuple[str, ...] = ()  # article file names, e.g. ("mri-basics-in-ms.md",)
    start_here_lines: tuple[int | None, ...] = ()  # the config.yaml line of each, for findings
    report_problem: str = ""
    licence: str = ""
    image_max_bytes: int = 500_000
    image_max_pixels: int = 8_000_000
    publisher: str = ""  # a key of `people` (check reports one that is not: publisher-unknown)
    publisher_line: int | None = None
    logo_file: str = ""  # e.g. static/logo.svg
    logo_alt: str = ""
    urgent_help: str = ""
    # Every guide of every language, from <content>/guides.yaml (guides.py).
    guides: tuple[GuideDeclaration, ...] = ()
    editor_publish: bool = False
    editor_repo: str = ""  # owner/name
    editor_branch: str = "main"
    editor_auth_url: str = ""

    @property
    def roots(self) -> tuple[str, ...]:
        """The folders a symbolic link may lead into (files.py: the one rule for reading)."""
        from sitegen.core.files import project_roots

        return project_roots(self.root, self.content_dir, self.templates_dir, self.static_dir)

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. '/' or '/ms-imaging/'."""
        from urllib.parse import urlsplit

        path = urlsplit(self.url).path or "/"
        return path if path.endswith("/") else path + "/"


def load_config(
    path: Path, content: Path | None = None, output: Path | None = None
) -> tuple[Config | None, list[Diagnostic]]:
    """Read config.yaml; `content`/`output` (from the command line) override its paths."""
    path = Path(path)
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [
            Diagnostic(
                shown,
                None,
                "config-missing",
                f"No config file at {shown}.",
                "Run the command from the project folder, or pass --config PATH.",
            )
        ]
    except (OSError, UnicodeDecodeError) as error:
        return None, [
            Diagnostic(
                shown,
                None,
                "config-unreadable",
                f"Cannot read the config file: {error}.",
                "Save config.yaml as UTF-8 text.",
            )
        ]
    doc = yamlread.load(text, shown)
    diagnostics = list(doc.diagnostics)
    if doc.diagnostics:
        return None, diagnostics
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        return None, [
            Diagnostic(
                shown,
                1,
                "config-not-mapping",
                "config.yaml must be a mapping of `key: value` lines.",
                "See the shipped config.yaml for the layout.",
            )
        ]
    values = _apply(SCHEMA, data, (), doc, shown, diagnostics)
    if values["markdown"]["raw_html"] not in RAW_HTML_POLICIES:
        diagnostics.append(
            Diagnostic(
                shown,
                doc.line("markdown", "raw_html"),
                "config-value",
                f"markdown.raw_html is {values['markdown']['raw_html']!r}.",
                "Use one of: " + ", ".join(RAW_HTML_POLICIES) + ".",
            )
        )
    diagnostics += _too_small(values, doc, shown)
    start_here = []
    for index, name in enumerate(values["start_here"]):
        if not isinstance(name, str) or not name.strip():
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line("start_here", index),
                    "config-type",
                    f"start_here item {index + 1} must be an article's file name.",
                    "For example: start_here: [mri-basics-in-ms.md, questions-about-your-mri.md]",
                )
            )
            continue
        name = name.strip()
        start_here.append((name if name.endswith(".md") else name + ".md", doc.line("start_here", index)))
    report = values["report_problem"].strip()
    if report and not (report.startswith(("https://", "http://")) or ("@" in report and " " not in report)):
        diagnostics.append(
            Diagnostic(
                shown,
                doc.line("report_problem"),
                "config-value",
                f"report_problem is {report!r}, which is neither an email address nor a web address.",
                "Give an email address (editors@example.org) or a full https:// address.",
            )
        )
    languages = tuple(dict.fromkeys([values["language"], *map(str, values["languages"])]))
    for index, code in enumerate(languages[1:]):
        if not re.fullmatch(r"[a-z]{2,3}", code):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line("languages", index),
                    "config-value",
                    f"languages: {code!r} is not a language code.",
                    "Use two lower-case letters, e.g. `languages: [en, es]`.",
                )
            )
    if values["translations"]["stale"] not in ("warning", "error"):
        diagnostics.append(
            Diagnostic(
                shown,
                doc.line("translations", "stale"),
                "config-value",
                f"translations.stale is {values['translations']['stale']!r}.",
                "Use warning or error.",
            )
        )
    diagnostics += _editor_problems(values["editor"], doc, shown)
    root = path.resolve().parent
    paths = values["paths"]
    content_dir = Path(content).resolve() if content else root / paths["content"]
    roots = project_roots(root, content_dir, *(root / paths[name] for name in ("templates", "static")))
    people = _load_people(content_dir / PEOPLE_FILE, root, roots, diagnostics)
    guides = load_guides(content_dir / GUIDES_FILE, root, roots, languages, diagnostics)
    diagnostics += _identity(values, root / paths["static"], doc, shown)
    if diagnostics:
        return None, diagnostics
    url = values["url"] if values["url"].endswith("/") else values["url"] + "/"
    # The cache folder is deleted by `build --clean`: it must be a folder of its own, never
    # the project, the output or a folder of sources (or one that holds them).
    cache = (root / paths["cache"]).resolve()
    folders = [(root / paths[name]).resolve() for name in ("content", "templates", "static", "output")]
    if (
        cache == root
        or cache in root.parents
        or any(cache == folder or cache in folder.parents or folder in cache.parents for folder in folders)
    ):
        return None, [
            Diagnostic(
                shown,
                doc.line("paths", "cache"),
                "config-value",
                f"paths.cache ({paths['cache']}) is, or holds, a folder of the project; "
                "`build --clean` would delete it.",
                "Use a folder of its own for the cache, such as .cache.",
            )
        ]
    return Config(
        path=path.resolve(),
        root=root,
        title=values["title"],
        tagline=values["tagline"],
        description=values["description"],
        url=url,
        language=values["language"],
        disclaimer=values["disclaimer"].strip(),
        home_intro=values["home_intro"].strip(),
        content_dir=content_dir,
        templates_dir=root / paths["templates"],
        static_dir=root / paths["static"],
        output_dir=Path(output).resolve() if output else root / paths["output"],
        cache_dir=root / paths["cache"],
        review_interval_months=values["review"]["interval_months"],
        raw_html=values["markdown"]["raw_html"],
        feed_entries=values["feed"]["entries"],
        search=values["search"],
        checks=MappingProxyType(values["checks"]),
        people=MappingProxyType(people),
        require_clinical_reviewer=values["review"]["require_clinical_reviewer"],
        start_here=tuple(name for name, _ in start_here),
        start_here_lines=tuple(line for _, line in start_here),
        report_problem=report.removeprefix("mailto:") if "@" in report and "://" not in report else report,
        languages=languages,
        locale_dir=root / paths["locale"],
        stale_translation=values["translations"]["stale"],
        licence=values["licence"].strip(),
        image_max_bytes=values["images"]["max_bytes"],
        image_max_pixels=values["images"]["max_pixels"],
        publisher=values["publisher"].strip(),
        publisher_line=doc.line("publisher"),
        logo_file=values["logo"]["file"].strip(),
        logo_alt=" ".join(values["logo"]["alt"].split()),
        urgent_help=" ".join(values["urgent_help"].split()),
        guides=guides,
        editor_publish=values["editor"]["publish"],
        editor_repo=values["editor"]["repo"].strip(),
        editor_branch=values["editor"]["branch"].strip() or "main",
        editor_auth_url=values["editor"]["auth_url"].strip(),
    ), []


# Settings of earlier versions: what to do with them (a warning, so that an old config
# still builds).
REMOVED = {
    "search_pages_per_shard": "Delete this line: since 0.8 each language has one search index, "
    "with no shards to size (docs/speed.md says why).",
}


def _identity(values: dict[str, Any], static: Path, doc: yamlread.YamlDocument, shown: str) -> list[Diagnostic]:
    """`logo: {file}` is an SVG in static/ (an unknown `publisher:` is `check`'s: publisher-unknown)."""
    problems = []
    logo = values["logo"]["file"].strip()
    if logo and (not logo.startswith("static/") or not logo.endswith(".svg") or not (static / logo[7:]).is_file()):
        problems.append(
            Diagnostic(
                shown,
                doc.line("logo", "file"),
                "config-value",
                f"logo.file is {logo!r}, which is not an SVG file in the static folder.",
                "Put the logo in static/ as an SVG and write its path from the project, e.g. `file: static/logo.svg`.",
            )
        )
    return problems


# Whole-number settings that must be at least 1: (path, what to say to fix it).
_AT_LEAST_ONE = ((("review", "interval_months"), "A common policy is 12 to 36 months."),)


REPO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+$")


def _editor_problems(editor: dict[str, Any], doc: yamlread.YamlDocument, shown: str) -> list[Diagnostic]:
    """`editor:`: a published editor must know the repository it saves to."""
    problems = []
    repo, auth = editor["repo"].strip(), editor["auth_url"].strip()
    if repo and not REPO_NAME.match(repo):
        problems.append(
            Diagnostic(
                shown,
                doc.line("editor", "repo"),
                "config-value",
                f"editor.repo is {repo!r}, which is not a GitHub repository's owner/name.",
                "Write the part of the repository's address after github.com/, e.g. `repo: our-team/ms-imaging`.",
            )
        )
    elif editor["publish"] and not repo:
        problems.append(
            Diagnostic(
                shown,
                doc.line("editor", "publish"),
                "config-value",
                "editor.publish is true, but editor.repo does not say which GitHub repository the editor saves to.",
                "Add `repo: owner/name` under `editor:` (the part of the repository's address after github.com/), "
                "or set `publish: false`.",
            )
        )
    if auth and not auth.startswith("https://"):
        problems.append(
            Diagnostic(
                shown,
                doc.line("editor", "auth_url"),
                "config-value",
                f"editor.auth_url is {auth!r}; editors sign in through it, so it must be an https:// address.",
                "Give the OAuth helper's full address, e.g. `auth_url: https://auth.example.org`.",
            )
        )
    return problems


def _too_small(values: dict[str, Any], doc: yamlread.YamlDocument, shown: str) -> list[Diagnostic]:
    problems = []
    for path, fix in _AT_LEAST_ONE:
        value: Any = values
        for key in path:
            value = value[key]
        if value < 1:
            name = ".".join(path)
            problems.append(Diagnostic(shown, doc.line(*path), "config-value", f"{name} must be at least 1.", fix))
    return problems


def _load_people(path: Path, root: Path, roots: tuple[str, ...], diagnostics: list[Diagnostic]) -> dict[str, Person]:
    """content/people.yaml (optional): `key: {name, names, credentials, role, clinician, organization}`."""
    shown = display_path(path, root)
    doc, problems = yamlread.read_file(path, roots, shown)
    diagnostics.extend(problems)
    if doc is None:
        return {}
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        diagnostics.append(
            Diagnostic(
                shown,
                1,
                "people-not-mapping",
                "The people file must list people by key.",
                "Start each entry with its key on its own line, e.g. `jane-roe:`, "
                "then `name: ...` and the other fields indented below it.",
            )
        )
        return {}
    people: dict[str, Person] = {}
    for key, entry in doc.data.items():
        line = doc.line(key)
        key = str(key)
        if not PERSON_KEY.match(key):
            diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    "people-key",
                    f"The key {key!r} cannot be used to name a person.",
                    "Use lower-case letters, digits and single hyphens, e.g. `jane-roe:`.",
                )
            )
            continue
        if not isinstance(entry, dict):
            diagnostics.append(
                Diagnostic(
                    shown,
                    line,
                    "people-entry",
                    f"The entry for '{key}' must be a set of fields.",
                    "Indent `name: ...`, `credentials: ...`, `role: ...` and `clinician: true` or "
                    "`clinician: false` below the key.",
                )
            )
            continue
        person = _person(key, entry, line, doc, shown, diagnostics)
        if person is not None:
            people[key] = person
    return people


def _person(
    key: str,
    entry: dict[Any, Any],  # YAML: its keys are whatever the editor wrote
    line: int | None,
    doc: yamlread.YamlDocument,
    shown: str,
    diagnostics: list[Diagnostic],
) -> Person | None:
    """One entry of the people file, or None when it has problems (added to `diagnostics`)."""
    before = len(diagnostics)
    for field_name in entry:
        if field_name not in PERSON_KEYS:
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(key, field_name),
                    "people-unknown-key",
                    f"Unknown field '{field_name}' for '{key}'.",
                    did_you_mean(field_name, PERSON_KEYS),
                )
            )
    texts: dict[str, str] = {}
    for name in ("name", "credentials", "role"):
        value = entry.get(name)
        if value is not None and not isinstance(value, str):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(key, name),
                    "people-type",
                    f"'{name}' of '{key}' must be text.",
                    "Put the value in double quotes.",
                )
            )
            value = None
        texts[name] = " ".join((value or "").split())
    if not texts["name"]:
        diagnostics.append(
            Diagnostic(
                shown,
                line,
                "people-name",
                f"'{key}' has no name.",
                f"Add `name: ...` below `{key}:`, as it should appear on the page.",
            )
        )
    flags: dict[str, bool] = {}
    for name in ("clinician", "organization"):
        value = entry.get(name, False)
        if not isinstance(value, bool):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(key, name),
                    "people-type",
                    f"'{name}' of '{key}' must be true or false.",
                    f"Write `{name}: true` or `{name}: false`.",
                )
            )
            value = False
        flags[name] = value
    if "clinician" not in entry:
        diagnostics.append(
            Diagnostic(
                shown,
                line,
                "people-clinician",
                f"'{key}' does not say whether they are a clinician.",
                f"Add `clinician: true` (a doctor, nurse or other licensed clinician) or `clinician: false` below `{key}:`.",
            )
        )
    names = entry.get("names") or {}
    if not isinstance(names, dict) or not all(
        isinstance(code, str) and isinstance(text, str) and text.strip() for code, text in names.items()
    ):
        diagnostics.append(
            Diagnostic(
                shown,
                doc.line(key, "names"),
                "people-type",
                f"'names' of '{key}' must list a language code and the name in that language on each line.",
                "For example: `names: {es: el equipo editorial}`.",
            )
        )
    if len(diagnostics) != before:
        return None
    return Person(
        key,
        texts["name"],
        texts["credentials"],
        texts["role"],
        flags["clinician"],
        flags["organization"],
        line,
        tuple(sorted((code, " ".join(text.split())) for code, text in names.items())),
    )


def _apply(
    schema: dict[str, Any],  # SCHEMA or one of its sections
    data: dict[Any, Any],  # YAML as written
    where: tuple[str, ...],
    doc: yamlread.YamlDocument,
    shown: str,
    diagnostics: list[Diagnostic],
) -> dict[str, Any]:  # the schema's shape, filled with checked values
    values: dict[str, Any] = {}
    for key in data:
        if key not in schema:
            name = ".".join(map(str, where + (key,)))
            removed = REMOVED.get(name)
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(*where, key),
                    "config-unknown-key",
                    f"Unknown setting '{name}'." if removed is None else f"The setting '{name}' is no longer used.",
                    did_you_mean(key, schema) if removed is None else removed,
                    Severity.ERROR if removed is None else Severity.WARNING,
                )
            )
    for key, spec in schema.items():
        given = data.get(key)
        name = ".".join(map(str, where + (key,)))
        if isinstance(spec, dict):
            if given is not None and not isinstance(given, dict):
                diagnostics.append(
                    Diagnostic(
                        shown,
                        doc.line(*where, key),
                        "config-type",
                        f"'{name}' must be a section of `key: value` lines.",
                        "",
                    )
                )
                given = None
            values[key] = _apply(spec, given or {}, where + (key,), doc, shown, diagnostics)
            continue
        kind, default = spec
        if given is None:
            values[key] = default
        elif kind is int and (isinstance(given, bool) or not isinstance(given, int)):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(*where, key),
                    "config-type",
                    f"'{name}' must be a whole number, not {given!r}.",
                    f"For example: {key}: {default}",
                )
            )
            values[key] = default
        elif kind is bool and not isinstance(given, bool):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(*where, key),
                    "config-type",
                    f"'{name}' must be true or false.",
                    f"For example: {key}: {str(default).lower()}",
                )
            )
            values[key] = default
        elif kind is str and not isinstance(given, str):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(*where, key),
                    "config-type",
                    f"'{name}' must be text.",
                    "Put the value in double quotes.",
                )
            )
            values[key] = default
        elif kind is list and not isinstance(given, list):
            diagnostics.append(
                Diagnostic(
                    shown, doc.line(*where, key), "config-type", f"'{name}' must be a list, such as [a.md, b.md].", ""
                )
            )
            values[key] = default
        elif kind is dict and not isinstance(given, dict):
            diagnostics.append(
                Diagnostic(
                    shown,
                    doc.line(*where, key),
                    "config-type",
                    f"'{name}' must be a section of `key: value` lines.",
                    "",
                )
            )
            values[key] = default
        else:
            values[key] = given
    return values


def language_config(config: Config, language: str, texts: Mapping[str, object]) -> Config:
    """The Config another language's pages are drawn with: its language, and its own site
    texts (content/<language>/site.yaml) where it has them; every setting else is the site's."""
    from dataclasses import replace

    known = {
        key: value
        for key, value in texts.items()
        if key in ("title", "tagline", "description", "home_intro", "disclaimer", "urgent_help", "logo_alt")
    }
    listed = texts.get("start_here", ())
    start_here: tuple[str, ...] = tuple(map(str, listed)) if isinstance(listed, (list, tuple)) else ()
    return replace(
        config,
        language=language,
        start_here=start_here,
        start_here_lines=(None,) * len(start_here),
        **known,  # type: ignore[arg-type]
    )
