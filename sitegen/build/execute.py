"""Doing what the plan says: Markdown and pages, in this process or across forked ones.

`run_articles` converts each article body the plan could not take from the cache and
renders each article page the output does not already hold, writing it straight into
the Output. Many articles are shared out to forked worker processes (parallel.py): the
work is a closure, which the children inherit with everything it reaches (the site, a
warm Markdown instance, the compiled article template), so nothing but each outcome is
pickled. `others.render_other_pages` does the same for the pages without an article body
(index, topics, feed, content pages), in this process. Both return frozen outcomes;
the builder records them.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple

from sitegen.build.budget import TooSlow, failed, markdown_budget, too_slow, within
from sitegen.build.encode import AssetOutcome as AssetOutcome  # the pipeline's old import path
from sitegen.build.encode import run_assets as run_assets
from sitegen.build.plan import BodyStep, BuildPlan, PageStep
from sitegen.build.reading import FORMULAS, LANGUAGE_FORMULAS, ReadingAids, reading_aids
from sitegen.build.reading import prepare as prepare_reading
from sitegen.build.render import ARTICLE_TEMPLATE, make_environment, render_page
from sitegen.build.tracking import Reads
from sitegen.core.errors import Diagnostic
from sitegen.images.assets import Record, licence_text
from sitegen.markup import Markup, Renderer
from sitegen.markup.state import Figures
from sitegen.system.parallel import chunked, deadline, share_out

FIGURE_TEMPLATE = "partials/figure.html"

if TYPE_CHECKING:
    import jinja2

    from sitegen.build.cache import Cache, Location
    from sitegen.build.output import Output
    from sitegen.content.site import Site
    from sitegen.core.article import Article
    from sitegen.system.tuning import Policy


class PageState(enum.Enum):
    CURRENT = "current"  # the output already holds this very page: kept
    RENDERED = "rendered"  # rendered; the same bytes as before
    CHANGED = "changed"  # rendered; new bytes
    FAILED = "failed"  # its template failed (the problem is in the outcome)
    NOT_RENDERED = "not rendered"  # the build renders no pages (`check`)


# Outcomes and plan steps are NamedTuples: as immutable as frozen dataclasses, and made
# for every article of every build at a tenth of the cost.


class BodyOutcome(NamedTuple):
    step: BodyStep
    meta: Markup  # its side outputs; no HTML; prose only where the checks need it
    converted: bool  # Markdown ran this build
    kept: tuple[str, tuple[str, ...]] | None = None  # (html, prose), where the cache has no folder to keep them in


class PageOutcome(NamedTuple):
    path: str
    key: str
    state: PageState
    problems: tuple[Diagnostic, ...] = ()
    body: BodyOutcome | None = None
    reads: Reads | None = None  # what the page read when it was last rendered (plan.PageStep)
    read: str | None = None  # the digest of their values in this build (plan.BuildPlan.read_value)


class SourceChanged(Exception):
    """A source whose body was not read (its stat was unchanged) no longer holds the bytes
    it was parsed from when Markdown needed it: it changed during the build. With a second
    argument: it could not be read (the reason)."""


class Tools:
    """A Markdown renderer and a Jinja environment for one site, made when first needed."""

    def __init__(self, site: Site, cache: Cache, env: jinja2.Environment | None = None):
        self.site, self.cache = site, cache
        self._env = env
        self._renderer: Renderer | None = None
        self.item = -1  # which of its chunk's articles a worker is on (for parallel.deadline)
        self.overran: set[str] = set()  # sources that overran their budget in a worker the parent stopped
        self._cite_keys: dict[str, frozenset[str]] = {}  # source path -> its references' keys
        self._by_path: dict[str, Article] | None = None

    def cite_keys(self, path: str) -> frozenset[str]:
        """The keys the article at `path` may cite (markup/citations.py); none for a page.
        Worked out for the articles converted only (a rebuild converts one of 2,000)."""
        keys = self._cite_keys.get(path)
        if keys is None:
            if self._by_path is None:
                self._by_path = {article.source.path: article for article in self.site.articles}
            article = self._by_path.get(path)
            references = article.references if article is not None else ()
            keys = self._cite_keys[path] = frozenset(key for ref in references if (key := ref.cite_key))
        return keys

    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            self._env = make_environment(self.site.config)
        return self._env

    @property
    def made_env(self) -> jinja2.Environment | None:
        """The environment, if this build needed one (to keep for the next build)."""
        return self._env

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            site = self.site
            if site.prefix:
                from sitegen.build.interface import catalogue

                translations = catalogue(site.config, site.language)[0]
                self._renderer = Renderer(
                    site.config.raw_html,
                    site.glossary,
                    prefix=site.prefix,
                    other_language=site.fallback,
                    fallback=(site.languages[0], translations.gettext("in English")),
                    figures=self.figures(),
                    translate=translations.gettext,
                    cite_label=translations.gettext("Reference %(number)s"),
                )
            else:
                self._renderer = Renderer(site.config.raw_html, site.glossary, figures=self.figures())
        return self._renderer

    def figures(self) -> Figures | None:
        """The site's images and the partial that draws a figure, for the Markdown pass."""
        site = self.site
        if not site.assets:
            return None
        config = site.config

        def draw(context: dict[str, Any]) -> str:
            return self.env.get_template(FIGURE_TEMPLATE).render(context)

        return Figures(
            site.assets,
            lambda asset: licence_text(asset.record or Record(), config),
            draw,
            language=site.language if site.prefix else "",
        )

    def convert(self, step: BodyStep) -> Markup:
        """The body's Markdown, converted (its source read again if its body is not loaded)."""
        source = step.source
        try:
            restored = source.restore()
        except OSError as error:
            raise SourceChanged(source.path, error.strerror or str(error)) from None
        if not restored or source.body is None:  # restored: the body is loaded
            raise SourceChanged(source.path)
        seconds = markdown_budget(source.body)
        if source.path in self.overran:
            return too_slow(source.path, source.body_line, seconds)
        try:
            # Stopped by this process's watchdog; in a worker, by the parent if that fails.
            with within(seconds), deadline(self.item, seconds):
                return self.renderer.render(
                    source.body,
                    file=source.path,
                    body_line=source.body_line,
                    targets=self.site.link_targets,
                    root=step.root,
                    drafts=self.site.unpublished,
                    cite_keys=self.cite_keys(source.path),
                )
        except TooSlow:
            self._renderer = None  # stopped midway: the next body gets a fresh instance
            return too_slow(source.path, source.body_line, seconds)
        except (Exception, RecursionError) as error:  # a bug reached by some input: a finding, not a crash
            self._renderer = None
            return failed(source.path, source.body_line, error)

    def stored(self, step: BodyStep, meta: Markup) -> tuple[str, tuple[str, ...]]:
        """(html, prose) of a cached body, from its record; Markdown runs again if that is lost."""
        found = self.cache.load_body(meta.digest)
        if found is None:
            full = self.convert(step)
            found = (full.html, prose_of(full))
            self.cache.store_body(full.digest, *found)
        return found

    def warm(self) -> None:
        """Set up what rendering an article needs, once, before worker processes inherit it."""
        self.renderer  # noqa: B018 - made now, so that every worker inherits it
        try:
            self.env.get_template(ARTICLE_TEMPLATE)
        except Exception:  # noqa: BLE001 - reported, with where, when a page is rendered
            pass
        prepare_reading(self.cache.folder)


def prose_of(full: Markup) -> tuple[str, ...]:
    """The prose of a body just converted, which has it (only `lean` takes it out)."""
    assert full.prose is not None
    return full.prose


def lean(meta: Markup) -> Markup:
    """What the cache's state keeps of a body: no HTML, no prose (both are in its record,
    read when a page is rendered or the readability check runs). A prose of None means
    "not loaded", as opposed to a body that has no prose."""
    return meta if meta.prose is None else replace(meta, prose=None)


def _reading(tools: Tools, prose: tuple[str, ...]) -> ReadingAids:
    """Reading time and level, on the scale the readability check uses for the page's language."""
    language = tools.site.config.language
    rules = tools.site.config.checks.get("readability")
    own = rules.get(language) if isinstance(rules, Mapping) else None
    formula = own.get("formula") if isinstance(own, Mapping) else None
    chosen = formula if formula in FORMULAS else LANGUAGE_FORMULAS.get(language)
    return reading_aids(prose, language, chosen, tools.cache.folder)


def _convert(tools: Tools, body: BodyStep) -> tuple[Markup, str, tuple[str, ...]]:
    """(side outputs, HTML, prose) of a body converted now, its reading aids worked out with
    it (kept with the side outputs, so a page rendered again later does not count them
    again), and its HTML and prose stored in the cache's packs."""
    full = tools.convert(body)
    html, prose = full.html, prose_of(full)
    meta = replace(full.meta(), reading=tuple(_reading(tools, prose).items()))
    if tools.cache.folder is not None:
        tools.cache.store_body(meta.digest, html, prose)
    return meta, html, prose


def _article(plan: BuildPlan, tools: Tools, output: Output | None, keep_prose: bool, step: PageStep) -> PageOutcome:
    """Markdown (unless cached) and the article page (unless current) for one article."""
    body = step.body
    assert body is not None
    meta, html = body.cached, None
    prose: tuple[str, ...] | None = None
    converted = meta is None
    if meta is None:
        meta, html, prose = _convert(tools, body)
    reads, read = step.reads, plan.read_value(step.job, step.reads)
    key = step.key if step.key is not None else plan.key_of(step.job, meta.digest, read)
    problems: list[Diagnostic] = []
    state = PageState.NOT_RENDERED
    if output is not None:
        state = PageState.CURRENT
        if key is None or not plan.is_current(step.job.path, key):
            if html is None:  # set with prose: both from the conversion, or neither
                html, prose = tools.stored(body, meta)
            data, problems, reads = render_page(
                tools.env, step.job, {"body": replace(meta, html=html), "reading": dict(meta.reading)}
            )
            read = plan.read_value(step.job, reads)
            key = plan.key_of(step.job, meta.digest, read)
            if data is None:
                state = PageState.FAILED  # reported in `problems`; the build will not be swapped in
            else:
                state = PageState.CHANGED if output.write(step.job.path, data) else PageState.RENDERED
    kept = (
        (html, prose) if converted and tools.cache.folder is None and html is not None and prose is not None else None
    )
    if not keep_prose and kept is None:
        meta = lean(meta)  # what the cache keeps; less to send back from a worker
    outcome = BodyOutcome(body, meta, converted, kept)
    # What it read is kept only for a page the output holds (rendered now or before).
    kept_reads = reads if state in (PageState.CURRENT, PageState.CHANGED, PageState.RENDERED) else None
    return PageOutcome(step.job.path, key or "", state, tuple(problems), outcome, kept_reads, read)


def run_articles(
    plan: BuildPlan,
    tools: Tools,
    output: Output | None,
    *,
    jobs: int,
    policy: Policy,
    keep_prose: bool,
    first: Callable[[], Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[PageOutcome], Any]:
    """(an outcome for every article page, what `first` returned). `output` None: convert
    only, render no page. `first` is work for this process to do while the workers start.
    `progress(done, total)`: told now and then how many articles are under way or done."""
    outcomes, todo = _kept(plan, output)
    to_convert = sum(1 for step in todo if step.body is not None and step.body.cached is None)
    workers_may_write = output is None or output.workers_may_write
    if workers_may_write and policy.parallel_articles(jobs, to_convert, len(todo) - to_convert):
        first_result = _in_workers(plan, tools, output, todo, outcomes, jobs, policy, keep_prose, first, progress)
    else:
        for number, step in enumerate(todo):
            if progress is not None:
                progress(number, len(todo))
            outcomes.append(_article(plan, tools, output, keep_prose, step))
        first_result = first() if first is not None else None
    return outcomes, first_result


def _kept(plan: BuildPlan, output: Output | None) -> tuple[list[PageOutcome], list[PageStep]]:
    """(the outcomes of the articles with nothing to do, the steps of the others)."""
    outcomes: list[PageOutcome] = []
    todo: list[PageStep] = []
    for step in plan.articles:
        assert step.body is not None
        if step.body.cached is not None and (output is None or step.current):
            state = PageState.CURRENT if output is not None else PageState.NOT_RENDERED
            body = BodyOutcome(step.body, step.body.cached, False)
            read = plan.read_value(step.job, step.reads)  # known: the plan evaluated it
            outcomes.append(PageOutcome(step.job.path, step.key or "", state, (), body, step.reads, read))
        else:
            todo.append(step)
    return outcomes, todo


def _in_workers(
    plan: BuildPlan,
    tools: Tools,
    output: Output | None,
    todo: list[PageStep],
    outcomes: list[PageOutcome],
    jobs: int,
    policy: Policy,
    keep_prose: bool,
    first: Callable[[], Any] | None,
    progress: Callable[[int, int], None] | None,
) -> Any:
    """The articles of `todo` shared out to forked workers, their outcomes added to
    `outcomes`; returns what `first` returned (run here while the workers start)."""
    first_result = None
    tools.warm()  # once here, not once in each worker

    def chunk_of_articles(steps: list[PageStep]) -> tuple[list[_Sent], dict[str, Location]]:
        done = []
        for item, step in enumerate(steps):
            tools.item = item
            done.append(_sent(_article(plan, tools, output, keep_prose, step)))
        tools.item = -1
        return done, tools.cache.take_stored()  # where a worker put the bodies it stored

    def overran(steps: list[PageStep], item: int) -> tuple[list[_Sent], dict[str, Location]]:
        """The chunk of a worker stopped on its article `item`, done here: that one as too slow."""
        body = steps[item].body
        assert body is not None
        tools.overran.add(body.source.path)
        return chunk_of_articles(steps)

    def take_first() -> None:
        nonlocal first_result
        first_result = first() if first is not None else None

    chunks = chunked(todo, jobs)
    taken = list(itertools.accumulate((len(chunk) for chunk in chunks), initial=0))
    with policy.forking():
        steps = {step.job.path: step for step in todo}
        for done, stored in share_out(
            chunks,
            chunk_of_articles,
            jobs,
            first=take_first,
            overran=overran,
            progress=(lambda n: progress(taken[n], len(todo))) if progress is not None else None,
        ):
            outcomes.extend(_received(sent, steps) for sent in done)
            tools.cache.adopt_stored(stored)
    return first_result


# What a worker sends back for one article: the outcome without its plan step (the
# parent has it), which would carry the whole Source through the pipe. Leaving it out
# halved what a parallel build pickles and unpickles for its articles.
_Sent = tuple[
    str,
    str,
    PageState,
    tuple[Diagnostic, ...],
    Markup,
    bool,
    "tuple[str, tuple[str, ...]] | None",
    Reads | None,
    str | None,
]


def _sent(outcome: PageOutcome) -> _Sent:
    body = outcome.body
    assert body is not None
    return (
        outcome.path,
        outcome.key,
        outcome.state,
        outcome.problems,
        body.meta,
        body.converted,
        body.kept,
        outcome.reads,
        outcome.read,
    )


def _received(sent: _Sent, steps: Mapping[str, PageStep]) -> PageOutcome:
    path, key, state, problems, meta, converted, kept, reads, read = sent
    step = steps[path].body
    assert step is not None
    return PageOutcome(path, key, state, problems, BodyOutcome(step, meta, converted, kept), reads, read)
