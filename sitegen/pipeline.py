"""The build, as a flat list of steps: load, plan, render, check, write, record.

`Builder.build` reads top to bottom (like Zola's `Site::build`):

1. **load**: read and validate every source (content.py) and gather the Site (site.py);
2. **plan**: decide, purely, what each output needs (plan.py);
3. **render**: convert the bodies and render the pages the plan says to (execute.py),
   into the Output (output.py: staged, in place or in memory);
4. **check**: the quality checks, when asked (check.py);
5. **static files and search index**;
6. **commit** the output, or abort it if anything failed;
7. **record** what was written in the cache, and save it.

A `Builder` keeps what survives between builds (the cache): `serve` holds one for its
whole run; a command-line build opens the persistent cache in `.cache/`. Problems from
every stage are collected, and nothing is swapped in unless there are no errors.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from . import __version__, reading
from .assets import load_assets, unused_problems, written_path
from .cache import Cache, ParsedKey, discard
from .check import run_checks
from .config import Config
from .content import Content, load_content
from .errors import Diagnostic, Severity
from .execute import (
    FIGURE_TEMPLATE,
    BodyOutcome,
    PageOutcome,
    PageState,
    SourceChanged,
    Tools,
    convert_page_bodies,
    lean,
    render_other_pages,
    run_articles,
    run_assets,
)
from .fingerprint import forget
from .markup import Markup
from .output import InMemory, InPlace, Output, StagedOutput
from .plan import BuildPlan, asset_steps, link_dependencies, make_plan
from .render import digest, page_jobs, template_digests
from .site import Site, anchor_problems, make_site
from .tuning import Policy
from .write import STAMP, copy_tree_files, discard_spare, output_problems

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    import jinja2

    from .fingerprint import Signature


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    rendered: int = 0  # pages rendered by Jinja this time
    reused: int = 0  # pages taken unchanged from the previous output
    markdown: int = 0  # bodies that went through Markdown this time
    images_encoded: int = 0  # images encoded this time (the others' files were kept)
    changed: int = 0  # files whose bytes differ from the previous output
    files: dict[str, bytes] = field(default_factory=dict)  # path -> bytes, for builds with write=False
    seconds: float = 0.0
    # Problems of one page that leave it readable (the Markdown pass's, the quality
    # checks'): also in `diagnostics`. The preview writes a page despite them.
    findings: list[Diagnostic] = field(default_factory=list)
    check_findings: list[Diagnostic] = field(default_factory=list)  # the quality checks' part of `findings`
    checked: frozenset[str] = frozenset()  # the source files the quality checks ran on
    lenient: bool = False  # the preview's build: only problems outside `findings` stop it

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)

    @property
    def publishable(self) -> bool:
        """Whether the output may be committed: no error at all, or (lenient) none that
        leaves the site incomplete (an article that could not be read, a template error)."""
        if not self.lenient:
            return self.ok
        findings = set(self.findings)
        return not any(d.is_error and d not in findings for d in self.diagnostics)

    def add_findings(self, found: list[Diagnostic]) -> None:
        self.findings.extend(found)
        self.diagnostics.extend(found)

    def count(self, outcomes: list[PageOutcome]) -> None:
        for outcome in outcomes:
            self.diagnostics.extend(outcome.problems)
            self.rendered += outcome.state in (PageState.RENDERED, PageState.CHANGED)
            self.changed += outcome.state is PageState.CHANGED
            self.reused += outcome.state is PageState.CURRENT


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
        reading.set_cache_folder(self.cache.folder)  # parsed hyphenation patterns are kept there
        # ((template digests, config key), Jinja environment) of the last build
        self._environment: tuple[tuple[Mapping[str, str], str], jinja2.Environment] | None = None
        self._in_place: InPlace | None = None  # the preview's output, kept between its builds
        # Stat signatures of the sources (kept in the cache; the preview keeps its own), and the
        # paths the preview's file watcher saw change: unchanged sources are not read again.
        self.stats: dict[str, tuple[Signature, ParsedKey]] | None = (
            self.cache.stats if self.cache.folder is not None else None
        )
        self.changed: set[Path] = set()  # the watcher's paths
        self._seen_stats = seen_stats

    def build(
        self,
        *,
        write: bool = True,
        strict: bool = False,
        check: bool = False,
        today: date | None = None,
        index_search: bool = True,
        save_cache: bool = True,
        in_place: bool = False,
        preview: bool = False,
    ) -> BuildResult:
        """Build (and write, unless `write` is false) the site; `check` runs the quality checks
        without rendering pages; `strict` runs them as part of the build. `in_place` (the
        preview) writes changed files into the existing output instead of swapping in a
        complete new tree; it keeps the previous search index. `preview`: the quality
        checks run on the articles rendered this time, and a page's own problems do not
        stop it from being written (`BuildResult.publishable`)."""
        started = time.perf_counter()
        result = BuildResult(lenient=preview)
        on_disk = write and not check
        if on_disk:
            forget(self.config.path)  # the no-op fingerprint holds only after this build succeeds
            result.diagnostics.extend(output_problems(self.config))
        content, site = self._load(result)
        result.site = site
        if site is not None and (result.publishable or check):
            output = None if check else self._output(write, in_place)
            try:
                self._build(site, content, output, result, strict or check or preview, today, index_search, save_cache)
            except OSError as error:
                result.diagnostics.append(_write_failed(self.config, error))
            except SourceChanged as changed:
                result.diagnostics.append(_source_changed(changed))
            finally:
                if output is not None and not result.publishable:
                    output.abort()
        # One problem is reported once, however many pages it broke (a typo in base.html).
        result.diagnostics = list(dict.fromkeys(result.diagnostics))
        result.seconds = time.perf_counter() - started
        return result

    def _build(
        self,
        site: Site,
        content: Content,
        output: Output | None,
        result: BuildResult,
        checks: bool,
        today: date | None,
        index_search: bool,
        save_cache: bool,
    ) -> None:
        plan = self._plan(site, output)
        if plan.up_to_date:
            self._report_cached(site, plan, content, result, checks, today)
        else:
            if output is not None:
                output.open()
            tools = self._tools(site, plan)
            images = run_assets(
                plan,
                self.config.content_dir,
                output if result.publishable else None,
                jobs=self.jobs,
                policy=self.policy,
                fork=not isinstance(output, InMemory),
            )
            result.images_encoded = sum(outcome.encoded for outcome in images)
            page_bodies = convert_page_bodies(plan, tools)
            articles, others = run_articles(
                plan,
                tools,
                output,
                jobs=self.jobs,
                policy=self.policy,
                keep_prose=checks,
                first=(lambda: render_other_pages(plan, tools, output, page_bodies)) if output is not None else None,
            )
            self._remember_bodies(site, [*page_bodies.values(), *(a.body for a in articles if a.body)], result)
            self._report_bodies(
                site, {a.body.step.source.path: a.body.meta for a in articles if a.body}, page_bodies, result
            )
            result.count(articles)
            if checks:
                # The preview checks the articles rendered now (all of them, in its first build).
                only = (
                    frozenset(a.body.step.source.path for a in articles if a.body and a.state is not PageState.CURRENT)
                    if result.lenient
                    else None
                )
                result.check_findings = self._checks(site, tools, articles, page_bodies, content, today, only)
                result.add_findings(result.check_findings)
                result.checked = only if only is not None else frozenset(a.source.path for a in site.articles)
            if output is not None and result.publishable:
                for outcome in articles:
                    if outcome.state is PageState.CURRENT:
                        output.reuse(outcome.path)
                output.expect(outcome.path for outcome in articles)  # what forked workers wrote
                result.count(others or [])
                result.changed += output.copy_static(self.config.static_dir)
                self._index_search(output, index_search, result)
            if output is not None and result.publishable:
                unchanged = output.commit()
                result.files = dict(output.files)
                self._record_outputs(
                    [*articles, *(others or [])], unchanged, output, {p: i.key for i in images for p in i.outputs}
                )
            if tools.made_env is not None:
                self._environment = ((plan.templates, self.config_key), tools.made_env)
        if save_cache and (output is None or result.publishable) and not isinstance(output, InMemory):
            self._save_after_publishing(result)

    # -- the steps ----------------------------------------------------------------

    def _load(self, result: BuildResult) -> tuple[Content, Site | None]:
        """Read and validate every source, then gather them into the Site."""
        content = load_content(
            self.config,
            drafts=self.drafts,
            parsed=self.cache.parsed,
            stats=self.stats,
            changed=self.changed,
            jobs=self.jobs,
            seen=self._seen_stats,
            policy=self.policy,
        )
        self.changed, self._seen_stats = set(), None  # seen before the first build only
        # Always this build's values: they carry the bodies loaded for entries read from disk.
        self.cache.parsed = content.parsed
        result.diagnostics.extend(content.diagnostics)
        if any(d.code == "slug-duplicate" for d in content.diagnostics):
            return content, None
        assets, asset_problems, self.cache.assets = load_assets(self.config, self.cache.assets)
        result.diagnostics.extend(asset_problems)
        site, problems, self.cache.related = make_site(
            self.config,
            content.articles,
            content.pages,
            content.glossary,
            content.all_names - {a.source.name for a in content.articles},
            related_memo=self.cache.related,
            assets=assets,
        )
        result.diagnostics.extend(problems)
        return content, site

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

    def _plan(self, site: Site, output: Output | None) -> BuildPlan:
        templates, self.cache.templates = template_digests(self.config.templates_dir, self.cache.templates)
        # Bodies with figures hold the figure partial's HTML and the site's licence line.
        figures = (templates.get(FIGURE_TEMPLATE), self.config.licence) if site.assets else ()
        markdown_key = digest(__version__, self.config.raw_html, site.glossary, *figures)
        valid = output.current(self.cache.pages) if output is not None else {}
        on_disk = output is not None and not isinstance(output, InMemory)
        search_ready = not self.config.search or (self.config.output_dir / "pagefind").is_dir()
        return make_plan(
            site,
            page_jobs(site),
            self.cache.bodies,
            markdown_key,
            templates,
            self.config_key,
            valid,
            frozenset(self.cache.pages),
            self._static_keys() if on_disk else {},
            search_ready,
            asset_steps(site, valid),
        )

    def _tools(self, site: Site, plan: BuildPlan) -> Tools:
        # Compiled templates are kept while no template changed (serve rebuilds often).
        env = None
        if self._environment is not None and self._environment[0] == (plan.templates, self.config_key):
            env = self._environment[1]
            env.globals["config"] = self.config
        return Tools(site, self.cache, env)

    def _report_cached(
        self, site: Site, plan: BuildPlan, content: Content, result: BuildResult, checks: bool, today: date | None
    ) -> None:
        """Nothing to write: the output holds exactly this build's pages and static files.
        Diagnostics and checks still come, from the cache."""
        bodies = {step.body.source.path: step.body.cached for step in plan.pages if step.body and step.body.cached}
        self._report_bodies(site, bodies, {}, result)
        if checks and not result.lenient:  # the preview: nothing changed, nothing to check again
            tools = self._tools(site, plan)
            articles = [
                PageOutcome(s.job.path, s.key or "", PageState.CURRENT, (), BodyOutcome(s.body, s.body.cached, False))
                for s in plan.articles
                if s.body and s.body.cached
            ]
            pages = {
                s.job.path: BodyOutcome(s.body, s.body.cached, False) for s in plan.others if s.body and s.body.cached
            }
            result.check_findings = self._checks(site, tools, articles, pages, content, today)
            result.add_findings(result.check_findings)
            result.checked = frozenset(a.source.path for a in site.articles)
        result.reused = len(plan.pages)

    def _report_bodies(
        self, site: Site, metas: dict[str, Markup], page_bodies: dict[str, BodyOutcome], result: BuildResult
    ) -> None:
        """The Markdown pass's own diagnostics, and links to headings that do not exist."""
        used: set[str] = set()
        for meta in [*metas.values(), *(body.meta for body in page_bodies.values())]:
            result.add_findings(list(meta.diagnostics))
            used.update(path for src, _ in meta.images if (path := written_path(src)) is not None)
        if site.assets and (len(metas) >= len(site.articles)):  # every body is known: unused is sure
            result.add_findings(unused_problems(self.config, site.assets, used))
        result.add_findings(anchor_problems(site, {a.slug: metas[a.source.path] for a in site.articles}))

    def _remember_bodies(self, site: Site, bodies: list[BodyOutcome], result: BuildResult) -> None:
        """Keep each converted body's side outputs in the cache; forget those of sources gone."""
        for body in bodies:
            if body.converted:
                self.cache.bodies[body.step.cache_slot] = (
                    body.step.key,
                    link_dependencies(site, body.meta),
                    lean(body.meta),
                )
                if body.kept is not None:  # in-memory cache only: there is no folder to keep the body in
                    self.cache.store_body(body.meta.digest, *body.kept)
                result.markdown += 1
        live = {body.step.cache_slot for body in bodies}
        if not live.issuperset(self.cache.bodies):
            self.cache.bodies = {k: v for k, v in self.cache.bodies.items() if k in live}

    def _checks(
        self,
        site: Site,
        tools: Tools,
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
        return run_checks(site, bodies, metas, content.static_files, today, only=slugs)

    def _index_search(self, output: Output, reindex: bool, result: BuildResult) -> None:
        if not self.config.search:
            return
        folder = output.search_folder(reindex)
        if folder is not None:
            from .search import index_site

            result.diagnostics.extend(index_site(folder.parent))

    def _record_outputs(
        self, outcomes: list[PageOutcome], unchanged: frozenset[str], output: Output, images: Mapping[str, str]
    ) -> None:
        """Remember each output file's key, size and mtime; those `unchanged` since they were
        recorded keep the size and mtime recorded, the others are stat'ed."""
        if isinstance(output, InMemory):
            return
        out, pages = self.config.output_dir, {}
        keys = {outcome.path: outcome.key for outcome in outcomes}
        keys.update(self._static_keys())
        keys.update(images)  # image files, under the key of what they were encoded from
        for path, key in keys.items():
            known = self.cache.pages.get(path)
            if known is not None and path in unchanged:
                pages[path] = (key, known[1], known[2])
                continue
            try:
                stat = os.stat(out / path)
            except OSError:
                continue
            pages[path] = (key, stat.st_size, stat.st_mtime_ns)
        self.cache.pages = pages

    def _static_keys(self) -> dict[str, str]:
        return {path: hashlib.sha256(data).hexdigest() for path, data in copy_tree_files(self.config.static_dir)}

    def _save_after_publishing(self, result: BuildResult) -> None:
        """Save the cache once the site is swapped in: a failure now is no failed build."""
        try:
            self.save()
        except OSError as error:
            result.diagnostics.append(
                Diagnostic(
                    str(self.config.cache_dir),
                    None,
                    "cache-not-saved",
                    f"The site was built and published, but the build cache could not be saved: "
                    f"{error.strerror or error} ({error.filename or self.config.cache_dir}).",
                    "The next build will redo the work it could have reused. Free some disk space, "
                    "or check the permissions of the cache folder.",
                    Severity.WARNING,
                )
            )

    def save(self) -> None:
        """Write the cache to .cache/ if it changed since the last save (Cache.save compares),
        and the syllable counts if words were counted since (reading.py)."""
        self.cache.save()
        if self.cache.folder is not None:
            reading.save_syllables()

    def output_signature(self) -> list[list[str | int]]:
        """[path, size, mtime] of every file in the output, for the no-op fingerprint: the
        pages and static files as recorded after the last build, and the search index."""
        signature: list[list[str | int]] = [
            [path, size, mtime] for path, (_, size, mtime) in sorted(self.cache.pages.items())
        ]
        out = self.config.output_dir
        if self.config.search and (out / "pagefind").is_dir():
            for path in sorted((out / "pagefind").rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    signature.append([path.relative_to(out).as_posix(), stat.st_size, stat.st_mtime_ns])
        return signature


def _source_changed(changed: SourceChanged) -> Diagnostic:
    path, *reason = changed.args
    if reason:
        return Diagnostic(
            path,
            None,
            "file-unreadable",
            f"Cannot read the file: {reason[0]}.",
            "Check that the file exists and is readable; nothing was published from this build.",
        )
    return Diagnostic(
        path,
        None,
        "source-changed",
        "The file changed while the site was being built.",
        "Build again (nothing was published from this build).",
    )


def _write_failed(config: Config, error: OSError) -> Diagnostic:
    return Diagnostic(
        str(config.output_dir),
        None,
        "write-failed",
        f"Could not write the site: {error.strerror or error} ({error.filename or config.output_dir}). "
        "The previous site is unchanged.",
        "Free some disk space or fix the folder's permissions, then build again.",
    )


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
