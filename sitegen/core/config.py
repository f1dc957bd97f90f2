"""config.yaml to a frozen Config. All problems are reported together, with lines.

The settings are declared once, each with its own checks, in settings.py (options.py is
how a declaration is read); people.py reads content/people.yaml and guides.py
content/guides.yaml, both part of the Config. What is checked here needs the project's
folders: the logo file, and a cache folder that `build --clean` may delete.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sitegen.core import options, yamlread
from sitegen.core.errors import Diagnostic
from sitegen.core.files import hidden_part, project_roots, read
from sitegen.core.guides import GUIDES_FILE, GuideDeclaration, load_guides
from sitegen.core.people import PEOPLE_FILE, Person, load_people
from sitegen.core.settings import OPTIONS, languages


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
    # Warnings about config.yaml itself (a setting no longer used): every build reports them,
    # so the preview shows them and `build --strict` fails on them, but they stop nothing.
    warnings: tuple[Diagnostic, ...] = field(default=(), compare=False)

    def portable(self) -> tuple[tuple[str, object], ...]:
        """The settings with every path relative to the project's folder: what the build
        cache is keyed by, so that a project moved elsewhere (or a `.cache/` restored by CI
        at another path) keeps using its cache."""
        values: list[tuple[str, object]] = []
        for name in self.__dataclass_fields__:
            if name == "warnings":
                continue  # what the build says, not what it makes
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
        """The folders a file may be read from (files.py: the one rule for reading)."""
        folders = (self.content_dir, self.templates_dir, self.static_dir, self.locale_dir)
        return project_roots(self.root, *(folder for folder in folders if folder is not None))

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
    # The project is the folder config.yaml is in, even when config.yaml is a link (which
    # may lead only within that folder: `_read`).
    root = path.absolute().parent.resolve()
    read = _read(path, root, shown)
    if isinstance(read, list):
        return None, read
    doc, data = read
    values, fields, diagnostics = options.read(OPTIONS, data, doc, shown)
    folders = {name: root / folder for name, folder in values["paths"].items()}
    if content:
        folders["content"] = Path(content).resolve()
    misplaced = _folders(root, folders, bool(content), doc, shown)
    if misplaced:  # nothing is read from them, not even people.yaml
        return None, diagnostics + misplaced
    roots = project_roots(root, *(folders[name] for name in _SOURCE_FOLDERS))
    people = load_people(folders["content"] / PEOPLE_FILE, root, roots, diagnostics)
    guides = load_guides(folders["content"] / GUIDES_FILE, root, roots, languages(values), diagnostics)
    diagnostics += _logo(fields["logo_file"], folders["static"], doc, shown)
    if not any(d.is_error for d in diagnostics):
        diagnostics += _cache(root, values["paths"], doc, shown)
    if any(d.is_error for d in diagnostics):
        return None, diagnostics
    return Config(
        path=path.resolve(),
        root=root,
        content_dir=folders["content"],
        templates_dir=folders["templates"],
        static_dir=folders["static"],
        output_dir=Path(output).resolve() if output else folders["output"],
        cache_dir=folders["cache"],
        locale_dir=folders["locale"],
        people=MappingProxyType(people),
        languages=languages(values),
        start_here_lines=tuple(doc.line("start_here", index) for index in range(len(fields["start_here"]))),
        publisher_line=doc.line("publisher"),
        guides=guides,
        warnings=tuple(diagnostics),
        **fields,
    ), []


def _read(path: Path, root: Path, shown: str) -> tuple[yamlread.YamlDocument, dict[Any, Any]] | list[Diagnostic]:
    """config.yaml parsed and its mapping, or what stops it being read. Read by the one rule
    (files.read): a link that leads out of its folder, a device, a pipe or a huge file is
    a finding, never read (`config.yaml -> /dev/zero` filled the memory)."""
    raw, refused = read(path, project_roots(root), shown)
    if refused is not None:
        return [refused]
    try:
        if raw is None:
            raise FileNotFoundError(shown)
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        return [
            Diagnostic(
                shown,
                None,
                "config-missing",
                f"No config file at {shown}.",
                "Run the command from the project folder, or pass --config PATH.",
            )
        ]
    except (OSError, UnicodeDecodeError) as error:
        return [
            Diagnostic(
                shown,
                None,
                "config-unreadable",
                f"Cannot read the config file: {error}.",
                "Save config.yaml as UTF-8 text.",
            )
        ]
    doc = yamlread.load(text, shown)
    if doc.diagnostics:
        return list(doc.diagnostics)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        return [
            Diagnostic(
                shown,
                1,
                "config-not-mapping",
                "config.yaml must be a mapping of `key: value` lines.",
                "See the shipped config.yaml for the layout.",
            )
        ]
    return doc, data


def _logo(logo: str, static: Path, doc: yamlread.YamlDocument, shown: str) -> list[Diagnostic]:
    """`logo: {file}` is an SVG in static/ (an unknown `publisher:` is `check`'s: publisher-unknown)."""
    if not logo or (logo.startswith("static/") and logo.endswith(".svg") and (static / logo[7:]).is_file()):
        return []
    return [
        Diagnostic(
            shown,
            doc.line("logo", "file"),
            "config-value",
            f"logo.file is {logo!r}, which is not an SVG file in the static folder.",
            "Put the logo in static/ as an SVG and write its path from the project, e.g. `file: static/logo.svg`.",
        )
    ]


def _cache(root: Path, paths: dict[str, str], doc: yamlread.YamlDocument, shown: str) -> list[Diagnostic]:
    """The cache folder is deleted by `build --clean`: it must be a folder of its own, never
    the project, the output or a folder of sources (or one that holds them)."""
    cache = (root / paths["cache"]).resolve()
    folders = [(root / paths[name]).resolve() for name in ("content", "templates", "static", "output")]
    if cache != root and cache not in root.parents and not any(_nested(cache, folder) for folder in folders):
        return []
    return [
        Diagnostic(
            shown,
            doc.line("paths", "cache"),
            "config-value",
            f"paths.cache ({paths['cache']}) is, or holds, a folder of the project; `build --clean` would delete it.",
            "Use a folder of its own for the cache, such as .cache.",
        )
    ]


# The generator's own templates, static files and interface strings: a theme that sites
# (the tests' among them) may use from where the generator is, outside their own folder.
_GENERATOR = Path(__file__).resolve().parents[2]
_THEME = tuple(_GENERATOR / name for name in ("templates", "static", "locale"))
_SOURCE_FOLDERS = ("content", "templates", "static", "locale")


def _folders(
    root: Path, folders: Mapping[str, Path], content_given: bool, doc: yamlread.YamlDocument, shown: str
) -> list[Diagnostic]:
    """The folders config.yaml names are the project's own: config.yaml is edited as content
    (CI builds a change to it without running the tests), so it must not be able to publish
    `.git` (`static: .git`), a folder outside the project (`static: /`), or make content
    into templates or static files (`templates: content`: templates run code). A folder
    may be inside the project, or one of the generator's own (`_THEME`); content given on
    the command line (`--content`) may be anywhere: whoever runs the build chose it."""
    found = []
    content_dir = folders["content"].resolve()
    for name in _SOURCE_FOLDERS:
        if name == "content" and content_given:
            continue
        folder = folders[name].resolve()
        bases = [base for base in (root, *_THEME) if folder == base or base in folder.parents]
        hidden = hidden_part(str(folder), (str(bases[0]),)) if bases else None
        if not bases:
            why = "outside the project"
        elif root == folder or folder in root.parents or folder == _GENERATOR:
            why = "the project folder itself"
        elif hidden is not None:
            why = f"inside the hidden folder {hidden}"
        elif name != "content" and _nested(folder, content_dir):
            why = "the content folder, inside it, or holding it (content is not templates or static files)"
        else:
            continue
        found.append(
            Diagnostic(
                shown,
                doc.line("paths", name),
                "config-folder",
                f"paths.{name} is {folder}, {why}: only folders of the project are read and published.",
                f"Name a folder of its own inside the project, e.g. `{name}: {name}`"
                + (
                    "; to build content kept elsewhere, run `build.py build --content PATH`."
                    if name == "content"
                    else "."
                ),
            )
        )
    return found


def _nested(one: Path, other: Path) -> bool:
    """Whether `one` is `other`, or one holds the other."""
    return one == other or one in other.parents or other in one.parents


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
