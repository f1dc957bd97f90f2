"""The build, as a flat list of named, timed steps (`Builder.build`, like Zola's `Site::build`):

1. **read and validate** every source and gather each language's Site (builder/load.py);
2. **plan**, purely, what each output needs (builder/plans.py, build/plan.py);
3. **images**, then **articles and pages** per language: convert, render (build/execute.py)
   into the Output (build/output.py: staged, in place or in memory), and the findings and
   quality checks (builder/findings.py); **checks across languages**;
4. **static files**, **search index**, **publish** (the commit, or an abort if anything
   failed), with what was written recorded in the cache (build/records.py); **save the cache**.

A `Builder` keeps what survives between builds (the cache, compiled templates, the preview's
output): `serve` holds one for its whole run. Problems from every step are collected, and
nothing is swapped in unless there are no errors (build/result.py: `BuildMode`, `BuildResult`).
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sitegen import __version__
from sitegen.build import reading
from sitegen.build.cache import Cache, discard
from sitegen.build.execute import (
    AssetOutcome,
    BodyOutcome,
    PageOutcome,
    PageState,
    SourceChanged,
    Tools,
    run_articles,
    run_assets,
)
from sitegen.build.others import convert_page_bodies, render_other_pages
from sitegen.build.output import InMemory, InPlace, Output, StagedOutput
from sitegen.build.plan import BuildPlan
from sitegen.build.records import index_search, output_signature, record_outputs, remember_bodies
from sitegen.build.render import digest
from sitegen.build.result import BuildMode as BuildMode
from sitegen.build.result import BuildResult as BuildResult
from sitegen.build.result import cache_not_saved, source_changed, write_failed
from sitegen.build.shapes import Shape
from sitegen.builder.findings import BuildFindings, cached_checks, language_checks, new_day
from sitegen.builder.load import gather_sites, read_languages
from sitegen.builder.plans import Environments, plan_sites
from sitegen.content.read import Content, ParsedKey
from sitegen.content.site import Site
from sitegen.core.config import Config
from sitegen.core.files import forget_real_roots
from sitegen.system.fingerprint import forget
from sitegen.system.steps import Progress, Steps
from sitegen.system.tuning import Policy
from sitegen.system.write import STAMP, discard_spare, output_problems

if TYPE_CHECKING:
    from pathlib import Path

    from sitegen.core.errors import Diagnostic
    from sitegen.system.fingerprint import Signature


class Builder:
    def __init__(
        self,
        config: Config,
        *,
        drafts: bool = False,
        jobs: int | None = None,
        use_cache: bool = True,
        short_lived: bool = False,
        seen_stats: dict[str, Signature] | None = None,
    ):
        """`short_lived`: the process builds once and exits (the command line): see tuning.py.
        `seen_stats`: path -> stat signature of the input files, taken just before this
        first build (by the no-op check, fingerprint.py), used instead of stat'ing them again."""
        self.config, self.drafts = config, drafts
        self.policy = Policy(short_lived=short_lived)
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.config_key = digest(__version__, config.portable())
        self.cache = Cache.open(config.cache_dir if use_cache else None, self.config_key, self.policy)
        self.syllables = reading.SyllableFile(self.cache.folder)  # the syllable counts kept in the cache
        self._environments = Environments(config, self.config_key)  # compiled templates kept
        self._findings = BuildFindings(config)  # this build's findings across pages and languages
        self._in_place: InPlace | None = None  # the preview's output, kept between its builds
        self._admin: dict[str, bytes] = {}  # this build's browser editor files (cms.admin_files)
        self.progress: Progress | None = None  # told of each step as it starts (steps.py)
        self._steps = Steps([])
        # Stat signatures of the sources (kept in the cache; the preview keeps its own), and the
        # paths the preview's file watcher saw change: unchanged sources are not read again.
        self.stats: dict[str, tuple[Signature, ParsedKey]] | None = (
            self.cache.stats if self.cache.folder is not None else None
        )
        self.changed: set[Path] = set()  # the watcher's paths
        self._seen_stats = seen_stats

    def build(self, mode: BuildMode | None = None, /, **options: Any) -> BuildResult:
        """Build the site as `mode` says (a BuildMode; keyword options change single fields
        of it: `build(write=False)`). `check` runs the quality checks without writing;
        `strict` runs them as part of the build; `in_place` and `lenient` are the preview's
        (BuildMode says what each means)."""
        mode = replace(mode or BuildMode(), **options)
        started = time.perf_counter()
        forget_real_roots()  # the project's folders as they are now (a folder may have become a link)
        result = BuildResult(lenient=mode.lenient)
        result.diagnostics.extend(self.config.warnings)  # config.yaml's own (a setting no longer used)
        self._steps = Steps(result.timings, self.progress)
        on_disk = mode.write and not mode.check
        if on_disk:
            forget(self.config.path)  # the no-op fingerprint holds only after this build succeeds
            result.diagnostics.extend(output_problems(self.config) + self._editor_problems())
        with self._steps("read and validate"):
            content, sites = self._load(result, mode.today)
        site = sites[0] if sites else None
        result.site, result.sites = site, sites
        if site is not None and (result.publishable or mode.check):
            output = None if mode.check else self._output(mode.write, mode.in_place)
            try:
                self._build(sites, content, output, result, mode)
            except OSError as error:
                result.diagnostics.append(write_failed(self.config, error))
            except SourceChanged as changed:
                result.diagnostics.append(source_changed(changed))
            finally:
                if output is not None and not result.publishable:
                    output.abort()
        # One problem is reported once, however many pages it broke (a typo in base.html).
        result.diagnostics = list(dict.fromkeys(result.diagnostics))
        result.seconds = time.perf_counter() - started
        self._steps.done()
        return result

    def _build(
        self,
        sites: tuple[Site, ...],
        contents: dict[str, Content],
        output: Output | None,
        result: BuildResult,
        mode: BuildMode,
    ) -> None:
        """One plan per language (each Site resolves within itself), into one Output: the
        steps of a build, in order, each named and timed (`self._steps`)."""
        self._findings = BuildFindings(self.config)  # this build's only: an earlier one may have stopped half-way
        self._admin = self._editor_files(sites, output)
        with self._steps("plan"):
            plans, shape = plan_sites(self.config, self.cache, self.config_key, sites, output, self._admin)
        up_to_date = all(plan.up_to_date for _, plan in plans)
        outcomes: list[PageOutcome] = []
        images: list[AssetOutcome] = []
        if up_to_date:
            self._report_kept(plans, contents, result, mode)
        else:
            outcomes, images = self._make(plans, contents, output, result, mode.checks, mode.today)
        with self._steps("checks across languages"):
            self._findings.across_languages(sites, result, mode.checks)
        if not up_to_date and output is not None and result.publishable:
            owns = {path: own for _, plan in plans for path, own in plan.owns.items()}
            self._publish(output, result, mode, outcomes, images, (owns, shape))
        if mode.save_cache and (output is None or result.publishable) and not isinstance(output, InMemory):
            with self._steps("save the cache"):
                self._save_after_publishing(result)

    def _editor_files(self, sites: tuple[Site, ...], output: Output | None) -> dict[str, bytes]:
        """The browser editor, when config.yaml publishes it: static files made from the sites
        (a site that does not publish it pays nothing for it)."""
        on_disk = output is not None and not isinstance(output, InMemory)
        if not (on_disk and self.config.editor_publish):
            return {}
        from sitegen.editor import cms  # a site that does not publish the editor never imports it

        return cms.admin_files(self.config, cms.catalogue_of(sites))

    def _editor_problems(self) -> list[Diagnostic]:
        """Before a build that writes the site: the browser editor it publishes is installed."""
        if not self.config.editor_publish:
            return []
        from sitegen.editor import cms

        return cms.publish_problems(self.config)

    def _report_kept(
        self, plans: list[tuple[Site, BuildPlan]], contents: dict[str, Content], result: BuildResult, mode: BuildMode
    ) -> None:
        """Nothing to write: the output holds exactly this build's pages and static files.
        Diagnostics and checks still come, from the cache."""
        with self._steps("findings kept from the last build"):
            for site, plan in plans:
                self._findings.cached(site, plan, result)
                # The preview: nothing changed, nothing to check again, unless it is a new day.
                if mode.checks and (not result.lenient or new_day(self.cache, site.language, mode.today)):
                    found = cached_checks(
                        site,
                        self._environments.tools(site, plan, self.cache),
                        plan,
                        contents[site.language],
                        mode.today,
                    )
                    result.add_check_findings(found, frozenset(a.source.path for a in site.articles))
        result.reused = sum(len(plan.pages) for _, plan in plans)

    def _make(
        self,
        plans: list[tuple[Site, BuildPlan]],
        contents: dict[str, Content],
        output: Output | None,
        result: BuildResult,
        checks: bool,
        today: date | None,
    ) -> tuple[list[PageOutcome], list[AssetOutcome]]:
        """The steps that make what changed: images, then each language's articles and pages."""
        step = self._steps
        if output is not None:
            with step("open the new site"):  # the staging folder: what the spare holds is surveyed
                output.open()
        with step("images"):  # shared by every language: encoded once, with the first plan's steps
            images = run_assets(
                plans[0][1],
                self.config.content_dir,
                output if result.publishable else None,
                jobs=self.jobs,
                policy=self.policy,
                fork=not isinstance(output, InMemory),
            )
        result.images_encoded = sum(outcome.encoded for outcome in images)
        outcomes: list[PageOutcome] = []
        live: set[tuple[str, str]] = set()
        for site, plan in plans:
            with step(f"articles and pages ({site.language})"):
                outcomes += self._build_language(
                    site, plan, contents[site.language], output, result, checks, today, live
                )
        if not live.issuperset(self.cache.bodies):
            self.cache.bodies = {k: v for k, v in self.cache.bodies.items() if k in live}
        return outcomes, images

    def _publish(
        self,
        output: Output,
        result: BuildResult,
        mode: BuildMode,
        outcomes: list[PageOutcome],
        images: list[AssetOutcome],
        values: tuple[dict[str, str], Shape],
    ) -> None:
        """The steps that complete the new site and swap it in: static files, the search
        index, then the swap and the record of what was written (`values`: each page's own
        files and the shape of this build's Sites, for the record of its values)."""
        step = self._steps
        with step("static files"):
            result.changed += output.copy_static(self.config.static_dir, self.config.roots)
            result.changed += sum(output.write(path, data) for path, data in self._admin.items())
        with step("search index"):
            indexed = index_search(self.config, self.cache, output, mode.index_search, result, outcomes, self.jobs)
        if not result.publishable:
            return
        with step("publish"):
            unchanged = output.commit()
            if indexed is not None:  # what the index holds, once it is the published one
                self.cache.search = indexed
            result.files = dict(output.files)
            record_outputs(
                self.cache,
                self.config,
                self._admin,
                outcomes,
                unchanged,
                output,
                {p: i.key for i in images for p in i.outputs},
                *values,
            )

    def _build_language(
        self,
        site: Site,
        plan: BuildPlan,
        content: Content,
        output: Output | None,
        result: BuildResult,
        checks: bool,
        today: date | None,
        live: set[tuple[str, str]],
    ) -> list[PageOutcome]:
        """Convert, render and check one language's pages (the steps of a one-language build)."""
        tools = self._environments.tools(site, plan, self.cache)
        page_bodies, articles, others = self._convert_and_render(site, plan, tools, output, checks)
        bodies = [*page_bodies.values(), *(a.body for a in articles if a.body)]
        result.markdown += remember_bodies(self.cache, site, bodies)
        live.update(body.step.cache_slot for body in bodies)
        metas = {a.body.step.source.path: a.body.meta for a in articles if a.body}
        self._findings.bodies(site, metas, page_bodies, result)
        result.count(articles)
        if checks:
            language_checks(site, tools, plan, articles, page_bodies, content, result, today)
        if output is not None and result.publishable:
            _hand_over(output, articles, others, result)
        self._environments.keep(site, plan, tools)
        return [*articles, *others]

    def _convert_and_render(
        self, site: Site, plan: BuildPlan, tools: Tools, output: Output | None, checks: bool
    ) -> tuple[dict[str, BodyOutcome], list[PageOutcome], list[PageOutcome]]:
        """The pages' bodies, then the articles (in forked workers when there are many) while
        this process renders the other pages: (page bodies, articles, other pages)."""
        page_bodies = convert_page_bodies(plan, tools)
        progress = self.progress
        articles, others = run_articles(
            plan,
            tools,
            output,
            jobs=self.jobs,
            policy=self.policy,
            keep_prose=checks,
            first=(lambda: render_other_pages(plan, tools, output, page_bodies)) if output is not None else None,
            progress=(lambda done, total: progress(f"articles ({site.language})", done, total)) if progress else None,
        )
        return page_bodies, articles, others or []

    def _load(self, result: BuildResult, today: date | None) -> tuple[dict[str, Content], tuple[Site, ...]]:
        """Read and validate every source, then gather each language's into its Site (load.py)."""
        contents = read_languages(
            self.config,
            self.cache,
            result,
            drafts=self.drafts,
            stats=self.stats,
            changed=self.changed,
            seen=self._seen_stats,
            jobs=self.jobs,
            policy=self.policy,
        )
        self.changed, self._seen_stats = set(), None  # seen before the first build only
        return contents, gather_sites(self.config, self.cache, contents, result, today)

    def _output(self, write: bool, in_place: bool) -> Output:
        if not write:
            return InMemory()
        out = self.config.output_dir
        if in_place and out.is_dir() and (out / STAMP).exists():
            if self._in_place is None:
                self._in_place = InPlace(out)
            return self._in_place
        self._in_place = None  # a staged build replaced the folder: its record no longer holds
        return StagedOutput(out)

    def _save_after_publishing(self, result: BuildResult) -> None:
        """Save the cache once the site is swapped in: a failure now is no failed build."""
        try:
            self.save()
        except OSError as error:
            result.diagnostics.append(cache_not_saved(self.config, error))

    def save(self) -> None:
        """Write the cache to .cache/ if it changed since the last save (Cache.save compares),
        and the syllable counts if words were counted since (reading.py)."""
        self.cache.save()
        if self.cache.folder is not None:
            self.syllables.save()

    def output_signature(self) -> list[list[str | int]]:
        """[path, size, mtime] of every output file, for the no-op fingerprint (records.py)."""
        return output_signature(self.cache, self.config)


def _hand_over(output: Output, articles: list[PageOutcome], others: list[PageOutcome], result: BuildResult) -> None:
    """Tell the output which article pages it holds: those current are kept as they are,
    the others were written by forked workers."""
    for outcome in articles:
        if outcome.state is PageState.CURRENT:
            output.reuse(outcome.path)
    output.expect(outcome.path for outcome in articles)
    result.count(others)


# -- the entry points used by the command line and the tests ------------------------


def build(
    config: Config,
    *,
    drafts: bool = False,
    write: bool = True,
    strict: bool = False,
    today: date | None = None,
    jobs: int | None = None,
    use_cache: bool = True,
) -> BuildResult:
    """Build the site; with `strict`, the quality checks run too and their errors stop the build."""
    return Builder(config, drafts=drafts, jobs=jobs, use_cache=use_cache).build(write=write, strict=strict, today=today)


def check(config: Config, *, today: date | None = None, jobs: int | None = None, use_cache: bool = True) -> BuildResult:
    """Everything `build --strict` checks, without rendering or writing anything."""
    return Builder(config, jobs=jobs, use_cache=use_cache).build(write=False, check=True, today=today)


def clean(config: Config) -> None:
    """`build --clean`: forget the cache and the spare output tree (the output itself is
    replaced by the next build anyway, and stays in place if that build fails)."""
    discard(config.cache_dir)
    discard_spare(config.output_dir)
