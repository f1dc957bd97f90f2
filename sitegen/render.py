"""Site -> pages. A flat plan of page jobs (plain data), then Jinja renders each.

Templates receive plain values (the Site, an Article, its Markup, Config) and
own all the HTML; autoescape is on, so front-matter text is always escaped.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .config import Config
from .errors import Diagnostic
from .site import Site
from .slugs import slugify

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class PageJob:
    """One output file: where it goes, which template draws it, and what the template sees."""

    path: str                 # relative to the output root, e.g. articles/x/index.html
    template: str
    context: dict = field(hash=False, compare=False)


def long_date(day) -> str:
    """'3 March 2026': unambiguous for every reader, independent of the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def make_environment(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.templates_dir)),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["slug"] = slugify
    env.globals["config"] = config
    return env


def _root_for(path: str) -> str:
    depth = path.count("/")
    return "../" * depth


def plan(site: Site) -> list[PageJob]:
    """Every page of the site, in a stable order."""
    config = site.config
    jobs = [PageJob("index.html", "index.html", {"site": site})]
    for article in site.articles:
        jobs.append(PageJob(f"{article.url}index.html", "article.html", {
            "site": site, "article": article, "body": site.bodies[article.slug],
            "topics": site.topics_of(article), "related": site.related(article)}))
    jobs.append(PageJob("topics/index.html", "topics.html", {"site": site}))
    for topic in site.topics:
        jobs.append(PageJob(f"{topic.url}index.html", "topic.html", {"site": site, "topic": topic}))
    if site.glossary:
        jobs.append(PageJob("glossary/index.html", "glossary.html", {"site": site}))
    for page in site.pages:
        jobs.append(PageJob(f"{page.url}index.html", "page.html", {"site": site, "page": page,
                                                                   "body": site.page_bodies[page.slug]}))
    # The 404 page is served at any depth, so its links are absolute.
    jobs.append(PageJob("404.html", "404.html", {"site": site, "root": config.base_path}))
    for name in ("feed.xml", "sitemap.xml", "robots.txt"):
        jobs.append(PageJob(name, name, {"site": site, "root": ""}))
    return jobs


def render_page(env: jinja2.Environment, job: PageJob) -> tuple[bytes | None, list[Diagnostic]]:
    context = {"root": _root_for(job.path), "page_path": job.path.removesuffix("index.html"), **job.context}
    try:
        return env.get_template(job.template).render(context).encode("utf-8"), []
    except jinja2.TemplateSyntaxError as error:
        return None, [Diagnostic(_shown(env, error.filename or job.template), error.lineno, "template-syntax",
                                 f"Template syntax error: {error.message}.",
                                 "Check the {% %} and {{ }} tags on this line: each block needs its {% end... %}.")]
    except jinja2.TemplateNotFound as error:
        return None, [Diagnostic(f"templates/{job.template}", None, "template-missing",
                                 f"Template {error.name!r} not found.", "Restore it from git or fix the name.")]
    except Exception as error:  # a template bug must become a message, never a traceback
        file, line = _template_frame(env, error, job.template)
        return None, [Diagnostic(file, line, "template-error",
                                 f"Rendering {job.path} failed: {type(error).__name__}: {error}.",
                                 "Check the variable names used on this line of the template.")]


def _shown(env, filename: str) -> str:
    root = Path(env.loader.searchpath[0]).resolve()
    try:
        return str(Path(filename).resolve().relative_to(root.parent))
    except ValueError:
        return filename


def _template_frame(env, error, fallback) -> tuple[str, int | None]:
    root = str(Path(env.loader.searchpath[0]).resolve())
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.startswith(root):
            return _shown(env, frame.filename), frame.lineno
    return f"templates/{fallback}", None
