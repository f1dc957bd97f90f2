"""Site -> pages. A flat list of page jobs (plain data), then Jinja renders each.

Templates receive plain values (the Site, an Article, its Markup, Config) and
own all the HTML; autoescape is on, so front-matter text is always escaped.

A page's key is the digest of its template (and every template that one extends,
includes or imports), the configuration, its Markdown body's digest and the values of
what it read of its context the last time it rendered (tracking.py); a page whose key
is unchanged since the last build is not rendered again.
"""

from __future__ import annotations

import functools
import hashlib
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, TypeGuard

import jinja2
import jinja2.meta
import jinja2.nodes

from sitegen.build.interface import (
    breadcrumb_list,
    by_initial,
    catalogue,
    in_cited_order,
    interface_gettext,
    locale_date,
    not_found_elsewhere,
)
from sitegen.build.search import BUNDLE, folder_of
from sitegen.build.tracking import Reads, tracked
from sitegen.content.site import Site, Topic
from sitegen.core import pages
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.core.files import project_roots, refusal, walk
from sitegen.core.slugs import slugify

RENDER_VERSION = "1"  # bump when what templates receive changes shape

# The names a template extends, includes or imports (None: a name that is not a constant).
References: TypeAlias = tuple[str | None, ...]


@dataclass(frozen=True)
class PageJob:
    """One output file: where it goes, which template draws it, and what the template sees."""

    path: str  # relative to the output root, e.g. articles/x/index.html
    template: str
    context: dict[str, object] = field(hash=False, compare=False)
    article: str | None = None  # slug, when the page shows that article's Markdown body
    page: str | None = None  # slug, when the page shows a content page's Markdown body (content/pages/)


ARTICLE_TEMPLATE = "article.html"  # the template of every article page, most of a site


class Refused(jinja2.TemplateNotFound):
    """A template that may not be read (files.py): a link out of the project, a folder."""

    def __init__(self, name: str, finding: Diagnostic) -> None:
        super().__init__(name, finding.message)
        self.finding = finding


class ProjectLoader(jinja2.FileSystemLoader):
    """Jinja's file loader under the one rule for reading (files.py)."""

    def __init__(self, folder: Path, roots: tuple[str, ...]) -> None:
        super().__init__(str(folder))
        self.roots = roots

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        # Checked before Jinja opens it: a named pipe would hang the read.
        candidate = Path(self.searchpath[0], *jinja2.loaders.split_template_path(template))
        refused = refusal(candidate, self.roots, f"templates/{template}")
        if refused is not None:
            raise Refused(template, refused)
        return super().get_source(environment, template)


def make_environment(config: Config, language: str | None = None) -> jinja2.Environment:
    # No bytecode cache (jinja2.FileSystemBytecodeCache): it would save a one-article rebuild
    # the 0.03 s of compiling the templates, but Jinja reads it back with pickle and marshal,
    # so whoever can write .cache/ (a restored CI cache) could run code in the build.
    env = jinja2.Environment(
        loader=ProjectLoader(config.templates_dir, config.roots),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    language = language or config.language
    translations = catalogue(config, language)[0]
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = env.globals["gettext"] = interface_gettext(translations.gettext)
    env.filters["long_date"] = locale_date(language)
    env.filters["slug"] = slugify
    env.filters["by_initial"] = by_initial
    env.filters["in_cited_order"] = in_cited_order
    env.globals["breadcrumb_list"] = breadcrumb_list
    env.globals["config"] = config
    return env


def digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def template_digests(
    templates_dir: Path, memo: Mapping[str, References] | None = None, *, roots: tuple[str, ...] | None = None
) -> tuple[dict[str, str], dict[str, References]]:
    """(template name -> digest of its source and of every template it uses, transitively;
    the memo for the next build).

    A template that names another through a variable (which static analysis cannot
    follow) is taken to depend on all of them. `memo` (the build cache's): SHA-256 of a
    source -> what it references, so that an unchanged template is not parsed again
    (parsing them all cost every rebuild 0.02 s). The memo returned holds the current
    templates only; the one given is not changed.
    """
    sources: dict[str, bytes] = {}
    shas: dict[str, str] = {}  # template name -> SHA-256 of its source
    uses: dict[str, set[str]] = {}  # template name -> the templates it names
    roots = roots or project_roots(templates_dir)
    for path, refused in walk(templates_dir, roots, templates_dir) if templates_dir.is_dir() else ():
        if refused is None:  # else not read: rendering with it says why (ProjectLoader)
            name = path.relative_to(templates_dir).as_posix()
            sources[name] = path.read_bytes()
            shas[name] = hashlib.sha256(sources[name]).hexdigest()
    known = memo or {}
    memo_now: dict[str, References] = {}
    for name, source in sources.items():
        referenced = known.get(shas[name])
        if not _is_reference_list(referenced):  # not known (or not what this module stores)
            referenced = _referenced(source)
        memo_now[shas[name]] = referenced
        uses[name] = set(sources) if None in referenced else set(sources).intersection(referenced)
    result = {}
    for name in sources:
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(uses.get(current, ()))
        result[name] = digest(*(shas[n] for n in sorted(seen)))
    return result, memo_now


def _is_reference_list(value: object) -> TypeGuard[References]:
    return type(value) is tuple and all(item is None or type(item) is str for item in value)


@functools.lru_cache(maxsize=256)
def _referenced(source: bytes) -> References:
    """Names of the templates a template's source extends, includes or imports, sorted
    (None first, for a name that is not a constant)."""
    try:
        names = jinja2.meta.find_referenced_templates(jinja2.Environment().parse(source.decode("utf-8", "replace")))
        return tuple(sorted(set(names), key=lambda name: (name is not None, name or "")))
    except jinja2.TemplateSyntaxError:
        return ()  # reported when the template is rendered


def page_key(job: PageJob, templates: Mapping[str, str], config_key: str, body_key: str, read: str) -> str:
    """The key of a page: its template (and all it uses), the configuration, its body's
    digest and `read`, the digest of the values of what it read (values.Values.of)."""
    return digest(RENDER_VERSION, templates.get(job.template, "missing"), config_key, body_key, read)


def page_jobs(site: Site, others: Sequence[Site] = ()) -> list[PageJob]:
    """Every page of the site, one of each kind's (core/pages.py) for each thing it shows,
    in a stable order. A language other than the default has its pages under its folder
    (`site.prefix`, "es/"); the default's site also makes the files there is one of (the
    sitemap, with every language's pages in `others`, and robots.txt). What each page
    shows is whatever its template reads of its context (tracking.py): no key is kept here."""
    config = site.config
    p = site.prefix
    jobs = [_job(pages.HOME, p, {"site": site})]
    jobs.extend(_job(pages.GUIDE, p, {"site": site, "guide": each}, each.slug) for each in site.guides)
    # Articles with the same tags share one tuple of topics: the build digests each tuple a
    # page's context holds (build/shapes.py), a few dozen instead of one an article.
    topics: dict[tuple[str, ...], tuple[Topic, ...]] = {}
    for article in site.articles:
        shown = topics.get(article.tags)
        if shown is None:
            shown = topics[article.tags] = site.topics_of(article)
        context = {
            "site": site,
            "article": article,
            "topics": shown,
            "related": site.related(article),
            "guide": site.guide_of(article),
        }
        jobs.append(_job(pages.ARTICLE, p, context, article.slug, article=article.slug))
    for article in site.articles:  # old addresses (`aliases:`) redirect to the article
        jobs.extend(_job(pages.MOVED, p, {"site": site, "article": article}, alias) for alias in article.aliases)
    jobs.append(_job(pages.TOPICS, p, {"site": site}))
    jobs.extend(_job(pages.TOPIC, p, {"site": site, "topic": topic}, topic.slug) for topic in site.topics)
    if site.glossary:
        jobs.append(_job(pages.GLOSSARY, p, {"site": site}))
    jobs.extend(_job(pages.PAGE, p, {"site": site, "page": page}, page.slug, page=page.slug) for page in site.pages)
    if config.search:
        # The search page loads its language's index, in the folder the indexer names it (search.py).
        index = f"{BUNDLE}/{folder_of(site.language.lower())}/"
        jobs.append(_job(pages.SEARCH, p, {"site": site, "index": index}))
    # The 404 page is served at any depth, so its links are absolute.
    elsewhere = not_found_elsewhere(others)
    jobs.append(_job(pages.NOT_FOUND, p, {"site": site, "root": config.base_path, "elsewhere": elsewhere}))
    jobs.append(_job(pages.FEED, p, {"site": site, "root": ""}))
    if not p:
        jobs.append(_job(pages.SITEMAP, p, {"site": site, "sites": (site, *others), "root": ""}))
        jobs.append(_job(pages.ROBOTS, p, {"site": site, "root": ""}))
    return jobs


def _job(
    kind: pages.PageKind,
    prefix: str,
    context: dict[str, object],
    slug: str = "",
    article: str | None = None,
    page: str | None = None,
) -> PageJob:
    return PageJob(prefix + kind.file.replace("{slug}", slug), kind.template, context, article, page)


def root_for(path: str) -> str:
    return "../" * path.count("/")


def render_page(
    env: jinja2.Environment, job: PageJob, extra: Mapping[str, object] | None = None
) -> tuple[bytes | None, list[Diagnostic], Reads]:
    """(the page's bytes, or None and why not; what it read of its context). `extra`: the
    body and reading aids of its Markdown, which its key holds by the body's digest."""
    shown, recorder = tracked(
        {"root": root_for(job.path), "page_path": job.path.removesuffix("index.html"), **job.context}
    )
    try:
        data = env.get_template(job.template).render({**shown, **(extra or {})}).encode("utf-8")
        return data, [], recorder.reads()
    except jinja2.TemplateSyntaxError as error:
        return (
            None,
            [
                Diagnostic(
                    _shown(env, error.filename or job.template),
                    error.lineno,
                    "template-syntax",
                    f"Template syntax error: {error.message}.",
                    "Check the {% %} and {{ }} tags on this line: each block needs its {% end... %}.",
                )
            ],
            (),
        )
    except Refused as error:
        return None, [error.finding], ()
    except jinja2.TemplateNotFound as error:
        return (
            None,
            [
                Diagnostic(
                    f"templates/{job.template}",
                    None,
                    "template-missing",
                    f"Template {error.name!r} not found.",
                    "Restore it from git or fix the name.",
                )
            ],
            (),
        )
    except Exception as error:  # a template bug must become a message, never a traceback
        file, line = _template_frame(env, error, job.template)
        return (
            None,
            [
                Diagnostic(
                    file,
                    line,
                    "template-error",
                    f"Rendering {job.path} failed: {type(error).__name__}: {error}.",
                    "Check the variable names used on this line of the template.",
                )
            ],
            (),
        )


def _shown(env: jinja2.Environment, filename: str) -> str:
    assert isinstance(env.loader, jinja2.FileSystemLoader)  # make_environment's
    root = Path(env.loader.searchpath[0]).resolve()
    try:
        return str(Path(filename).resolve().relative_to(root.parent))
    except ValueError:
        return filename


def _template_frame(env: jinja2.Environment, error: BaseException, fallback: str) -> tuple[str, int | None]:
    assert isinstance(env.loader, jinja2.FileSystemLoader)  # make_environment's
    root = str(Path(env.loader.searchpath[0]).resolve())
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(root):
            return _shown(env, frame.filename), frame.lineno
    return f"templates/{fallback}", None
