"""The findings a build reports beyond each page's own: the Markdown pass's diagnostics,
links to headings that do not exist, images no article shows, and the quality checks of
one language's articles, with the prose of cached bodies loaded for them. A `BuildFindings`
lives for one build (no state kept between builds): it gathers what every language's
bodies show before it says an image is unused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from sitegen.build.execute import BodyOutcome, PageOutcome, PageState
from sitegen.content.site import SectionsByUrl, anchor_problems
from sitegen.core.files import walk
from sitegen.images.assets import unused_problems, written_path

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sitegen.build.cache import Cache
    from sitegen.build.execute import Tools
    from sitegen.build.plan import BuildPlan
    from sitegen.build.result import BuildResult
    from sitegen.content.read import Content
    from sitegen.content.site import Site
    from sitegen.core.config import Config
    from sitegen.core.errors import Diagnostic
    from sitegen.markup import Markup


class BuildFindings:
    """One build's findings across pages and languages."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._images_used: list[tuple[set[str], bool]] = []  # per language: (paths shown, all bodies known)
        self._anchors: Mapping[str, tuple[str, frozenset[str]]] = {}  # default language's sections, by URL

    def bodies(
        self, site: Site, metas: dict[str, Markup], page_bodies: dict[str, BodyOutcome], result: BuildResult
    ) -> None:
        """The Markdown pass's own diagnostics, and links to headings that do not exist."""
        used: set[str] = set()
        for meta in [*metas.values(), *(body.meta for body in page_bodies.values())]:
            result.add_findings(list(meta.diagnostics))
            used.update(path for src, _ in meta.images if (path := written_path(src)) is not None)
        # Unused images are told once every language's bodies are known (`unused`).
        self._images_used.append((used, len(metas) >= len(site.articles)))
        bodies = {a.slug: metas[a.source.path] for a in site.articles if a.source.path in metas}
        if len(bodies) < len(site.articles):
            return  # not every body is known: the anchors are checked in a build that knows them
        result.add_findings(anchor_problems(site, bodies, self._anchors))
        if site.language == self.config.languages[0] and len(self.config.languages) > 1:
            self._anchors = SectionsByUrl(site, bodies)  # the other languages' links may land here

    def cached(self, site: Site, plan: BuildPlan, result: BuildResult) -> None:
        """`bodies` for a build with nothing to write: the bodies' findings from the cache."""
        bodies = {step.body.source.path: step.body.cached for step in plan.pages if step.body and step.body.cached}
        self.bodies(site, bodies, {}, result)

    def across_languages(self, sites: tuple[Site, ...], result: BuildResult, checks: bool) -> None:
        """The checks over translation pairs (a translation older than its original), and
        the images no article of any language shows (`unused`)."""
        if checks:  # every build: they change with either side of a pair, and cost little
            # Not the quality checks' findings of the files checked now (check_findings): the
            # preview shows these on the translation's page as this build's, every build.
            from sitegen.checks.site import translation_problems  # not imported by a plain build

            result.add_findings(translation_problems(sites))
        self.unused(sites, result)

    def unused(self, sites: tuple[Site, ...], result: BuildResult) -> None:
        """An image no article of any language shows (sure only when every body is known)."""
        uses, self._images_used = self._images_used, []
        if sites and sites[0].assets and uses and all(complete for _, complete in uses):
            used = set().union(*(paths for paths, _ in uses))
            if not used.issuperset(sites[0].assets):
                used |= self._named_in_sources(set(sites[0].assets) - used)
            result.add_findings(unused_problems(self.config, sites[0].assets, used))

    def _named_in_sources(self, paths: set[str]) -> set[str]:
        """Which of `paths` (images/x.png) some Markdown file names: a draft, or an article
        whose front matter has errors, was not converted, yet its images are not unused.
        Read only when an image seems unused, which is rare."""
        named: set[str] = set()
        for source, refused in walk(self.config.content_dir, self.config.roots, self.config.content_dir):
            if refused is None and source.suffix == ".md":
                text = source.read_bytes().decode("utf-8", "replace")
                named.update(path for path in paths if path in text)
        return named


def quality_checks(
    site: Site,
    tools: Tools,
    plan: BuildPlan,
    articles: list[PageOutcome],
    pages: dict[str, BodyOutcome],
    content: Content,
    today: date | None,
    only: frozenset[str] | None = None,
) -> list[Diagnostic]:
    """The quality checks (of the articles whose source path is in `only`, if given), with
    the prose of cached article bodies loaded from their records first (the readability
    check reads it; the cache's state does not keep it)."""
    by_path = {a.source.path: a.slug for a in site.articles}
    bodies = {}
    for outcome in articles:
        body = outcome.body
        assert body is not None
        meta = body.meta
        if meta.prose is None and (only is None or body.step.source.path in only):
            meta = replace(meta, prose=tools.stored(body.step, meta)[1])
        bodies[by_path[body.step.source.path]] = meta
    page_slugs = {p.source.path: p.slug for p in site.pages}
    metas = {page_slugs[b.step.source.path]: b.meta for b in pages.values()}
    slugs = None if only is None else {by_path[path] for path in only}
    addresses = [step.job.path for step in plan.pages]  # every page's, listed once a build
    from sitegen.checks.quality import run_checks  # not imported by a build without checks

    return run_checks(site, bodies, metas, content.static_files, today, only=slugs, addresses=addresses)


def cached_checks(site: Site, tools: Tools, plan: BuildPlan, content: Content, today: date | None) -> list[Diagnostic]:
    """`quality_checks` of a language whose pages are all current: every body from the cache."""
    articles = [
        PageOutcome(s.job.path, s.key or "", PageState.CURRENT, (), BodyOutcome(s.body, s.body.cached, False))
        for s in plan.articles
        if s.body and s.body.cached
    ]  # nothing to record: the cache keeps what these pages read
    pages = {s.job.path: BodyOutcome(s.body, s.body.cached, False) for s in plan.others if s.body and s.body.cached}
    return quality_checks(site, tools, plan, articles, pages, content, today)


def new_day(cache: Cache, language: str, today: date | None) -> bool:
    """Whether the preview has not yet checked every article of `language` today; from now
    on it has (it is about to)."""
    day = today or date.today()
    if cache.checked_on.get(language) == day:
        return False
    cache.checked_on[language] = day
    return True


def language_checks(
    site: Site,
    tools: Tools,
    plan: BuildPlan,
    articles: list[PageOutcome],
    page_bodies: dict[str, BodyOutcome],
    content: Content,
    result: BuildResult,
    today: date | None,
) -> None:
    """The quality checks of one language's articles. The preview checks the articles whose
    Markdown ran now, that is whose file, links or Markdown settings changed (all of them in
    its first build, and on a new day, for the review dates): what the checks read. A
    template edit renders every page again and checks none (at 2,000 articles it spent
    10 of its 15 s checking)."""
    only = None
    if result.lenient and not new_day(tools.cache, site.language, today):
        only = frozenset(a.body.step.source.path for a in articles if a.body and a.body.converted)
    found = quality_checks(site, tools, plan, articles, page_bodies, content, today, only)
    result.add_check_findings(found, only if only is not None else frozenset(a.source.path for a in site.articles))
