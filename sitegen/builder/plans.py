"""Step "plan" of a build: what `build.plan.make_plan` is given for one language's Site,
gathered from the configuration, the cache and the output (the templates' digests, the
Markdown and configuration keys, the files the output still holds, the static files' keys),
the configuration key of a language's pages, and the compiled templates a Builder keeps
between its builds under that key (`Environments`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitegen import __version__
from sitegen.build.execute import FIGURE_TEMPLATE, Tools
from sitegen.build.interface import catalogue
from sitegen.build.output import InMemory
from sitegen.build.plan import KeptValues, asset_steps, make_plan
from sitegen.build.records import last_shape, static_keys
from sitegen.build.render import digest, page_jobs, template_digests
from sitegen.build.search import has_index
from sitegen.build.shapes import context_shapes
from sitegen.build.values import keep_items

if TYPE_CHECKING:
    from collections.abc import Mapping

    import jinja2

    from sitegen.build.cache import Cache
    from sitegen.build.output import Output
    from sitegen.build.plan import BuildPlan
    from sitegen.build.render import PageJob
    from sitegen.build.shapes import Shape
    from sitegen.content.site import Site
    from sitegen.core.config import Config


def language_key(config: Config, config_key: str, site: Site) -> str:
    """The configuration key of a language's pages: the default's is the build's own
    (`config_key`); another language's adds its site texts and the digest of its interface
    catalogue (so a changed translation re-renders exactly that language's pages)."""
    if site.language == config.language:
        return config_key
    return digest(config_key, site.config.portable(), catalogue(config, site.language)[1])


def plan_site(
    config: Config,
    cache: Cache,
    config_key: str,
    site: Site,
    output: Output | None,
    jobs: list[PageJob],
    admin: Mapping[str, bytes],
    templates: Mapping[str, str],
    shape: Shape,
) -> BuildPlan:
    """The plan of one language's pages (`jobs`: render.page_jobs; `admin`: the browser
    editor's files this build publishes; `templates`: `templates_now`; `shape`: of this
    build's page contexts and templates, build/shapes.py)."""
    # Bodies with figures hold the figure partial's HTML and the site's licence line.
    figures = (templates.get(FIGURE_TEMPLATE), config.licence) if site.assets else ()
    markdown_key = digest(__version__, config.raw_html, site.glossary, *figures)
    if site.prefix:  # links to the default language's articles are marked (markup/links.py)
        markdown_key = digest(markdown_key, site.language, sorted(site.fallback), catalogue(config, site.language)[1])
    valid = output.current(cache.pages) if output is not None else {}
    on_disk = output is not None and not isinstance(output, InMemory)
    search_ready = not config.search or has_index(config.output_dir)
    return make_plan(
        site,
        jobs,
        cache.bodies,
        markdown_key,
        templates,
        language_key(config, config_key, site),
        valid,
        frozenset(cache.pages),
        static_keys(config, admin) if on_disk else {},
        search_ready,
        asset_steps(site, valid),
        cache.reads,
        cache.items,
        KeptValues(last_shape(cache), shape, cache.values, cache.blind),
    )


def plan_sites(
    config: Config,
    cache: Cache,
    config_key: str,
    sites: tuple[Site, ...],
    output: Output | None,
    admin: Mapping[str, bytes],
) -> tuple[list[tuple[Site, BuildPlan]], Shape]:
    """Step "plan": each language's plan, and the shape of this build's page contexts and
    templates (with which the pages' values are recorded: build/shapes.py). The default
    language's sitemap lists the other languages' pages too."""
    templates = templates_now(config, cache)
    jobs = [page_jobs(site, sites[1:] if site is sites[0] else ()) for site in sites]
    shape = context_shapes(((job.path, job.context) for each in jobs for job in each), templates)
    plans = [
        (site, plan_site(config, cache, config_key, site, output, each, admin, templates, shape))
        for site, each in zip(sites, jobs, strict=True)
    ]
    sources = {a.source.path for site in sites for a in site.articles}
    sources.update(p.source.path for site in sites for p in site.pages)
    # A page whose values were taken from the last build looked up no tree of reads.
    every_tree = not any(plan.reused for _, plan in plans)
    cache.blind = {key: found for _, plan in plans for key, found in plan.blind.items()}
    keep_items(cache.items, sources, (plan.values for _, plan in plans), every_tree)
    return plans, shape


def templates_now(config: Config, cache: Cache) -> dict[str, str]:
    """Each template's digest, of it and every template it uses (render.template_digests)."""
    templates, cache.templates = template_digests(config.templates_dir, cache.templates, roots=config.roots)
    return templates


class Environments:
    """Each language's compiled templates, kept while no template and no configuration key
    changed (the preview rebuilds often)."""

    def __init__(self, config: Config, config_key: str) -> None:
        self.config, self.config_key = config, config_key
        # language -> ((template digests, language key), Jinja environment) of the last build
        self._kept: dict[str, tuple[tuple[Mapping[str, str], str], jinja2.Environment]] = {}

    def tools(self, site: Site, plan: BuildPlan, cache: Cache) -> Tools:
        """The tools of one language's build, with its kept environment if it still holds."""
        env = None
        kept = self._kept.get(site.language)
        if kept is not None and kept[0] == (plan.templates, language_key(self.config, self.config_key, site)):
            env = kept[1]
            env.globals["config"] = site.config
        return Tools(site, cache, env)

    def keep(self, site: Site, plan: BuildPlan, tools: Tools) -> None:
        """Keep the environment `tools` made in this build, if it made one."""
        if tools.made_env is not None:
            self._kept[site.language] = (
                (plan.templates, language_key(self.config, self.config_key, site)),
                tools.made_env,
            )
