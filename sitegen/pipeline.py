"""The build, stage by stage: content -> Markdown -> Site -> pages -> staged write.

Each stage hands the next an immutable value; problems from every stage are
collected, and nothing is written unless there are no errors.
"""
from __future__ import annotations

import time
from datetime import date
from dataclasses import dataclass, field

from .check import run_checks
from .config import Config
from .content import Content, load_content
from .errors import Diagnostic
from .markup import Renderer
from .render import make_environment, plan, render_page
from .site import Site, link_targets, make_site
from .write import WriteError, output_problems, write_site


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    changed: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def assemble(config: Config, *, drafts: bool = False) -> tuple[Content, Site | None, list[Diagnostic]]:
    """Read, validate and run the one Markdown pass: everything `check` and `build` share."""
    content = load_content(config, drafts=drafts)
    diagnostics = list(content.diagnostics)
    renderer = Renderer(config.raw_html)
    targets = link_targets(content.articles)
    unpublished = content.all_names - set(targets)
    bodies = {}
    for article in content.articles:
        source = article.source
        bodies[article.slug] = renderer.render(source.body, file=source.path, body_line=source.body_line,
                                               targets=targets, root="../../", drafts=unpublished)
        diagnostics.extend(bodies[article.slug].diagnostics)
    page_bodies = {}
    for page in content.pages:
        source = page.source
        page_bodies[page.slug] = renderer.render(source.body, file=source.path, body_line=source.body_line,
                                                 targets=targets, root="../", drafts=unpublished)
        diagnostics.extend(page_bodies[page.slug].diagnostics)
    if any(d.code == "slug-duplicate" for d in diagnostics):
        return content, None, diagnostics
    site, problems = make_site(config, content.articles, bodies, content.pages, page_bodies, content.glossary)
    diagnostics.extend(problems)
    return content, site, diagnostics


def check(config: Config, *, today: date | None = None) -> BuildResult:
    """Everything `build --strict` checks, without rendering or writing anything."""
    started = time.perf_counter()
    content, site, problems = assemble(config)
    result = BuildResult(diagnostics=problems, site=site)
    if site is not None:
        result.diagnostics.extend(run_checks(site, content.static_files, today))
    result.seconds = time.perf_counter() - started
    return result


def build(config: Config, *, drafts: bool = False, write: bool = True, strict: bool = False,
          today: date | None = None) -> BuildResult:
    """Build the site; with `strict`, the quality checks run too and their errors stop the build."""
    started = time.perf_counter()
    result = BuildResult()
    result.diagnostics.extend(output_problems(config))
    content, site, problems = assemble(config, drafts=drafts)
    result.diagnostics.extend(problems)
    result.site = site
    if strict and site is not None:
        result.diagnostics.extend(run_checks(site, content.static_files, today))
    if not result.ok or site is None:
        result.seconds = time.perf_counter() - started
        return result
    env = make_environment(config)
    for job in plan(site):
        data, problems = render_page(env, job)
        result.diagnostics.extend(problems)
        if data is not None:
            result.files[job.path] = data
    if result.ok and write:
        try:
            result.changed = write_site(config.output_dir, result.files, config.static_dir)
        except WriteError as error:
            result.diagnostics.append(Diagnostic(str(config.output_dir), None, "write-failed", str(error),
                                                 "Free some disk space or fix the folder's permissions, then build again."))
    result.seconds = time.perf_counter() - started
    return result
