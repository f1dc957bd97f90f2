"""The pages that show no article body: the home page, topics, guides, the glossary,
content pages (whose few bodies are converted here, in this process), search, 404, the
feed and the sitemap. Done by the main process while forked workers do the articles
(execute.run_articles)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from sitegen.build.execute import BodyOutcome, PageOutcome, PageState, Tools, prose_of
from sitegen.build.output import Output
from sitegen.build.plan import BuildPlan
from sitegen.build.render import render_page


def render_other_pages(
    plan: BuildPlan, tools: Tools, output: Output, bodies: Mapping[str, BodyOutcome]
) -> list[PageOutcome]:
    """Every page that shows no article body; `bodies`: content pages' bodies by path."""
    outcomes = []
    for step in plan.others:
        body = bodies.get(step.job.path)
        body_digest = body.meta.digest if body else ""
        read = plan.read_value(step.job, step.reads)
        key = step.key if step.key is not None else plan.key_of(step.job, body_digest, read)
        if key is not None and plan.is_current(step.job.path, key):
            output.reuse(step.job.path)
            outcomes.append(PageOutcome(step.job.path, key, PageState.CURRENT, reads=step.reads, read=read))
            continue
        extra: dict[str, object] = {}
        if body is not None:
            html, _ = tools.stored(body.step, body.meta) if body.kept is None else body.kept
            extra["body"] = replace(body.meta, html=html)
        data, problems, reads = render_page(tools.env, step.job, extra)
        read = plan.read_value(step.job, reads)
        key = plan.key_of(step.job, body_digest, read) or ""
        if data is None:
            outcomes.append(PageOutcome(step.job.path, key, PageState.FAILED, tuple(problems)))
        else:
            state = PageState.CHANGED if output.write(step.job.path, data) else PageState.RENDERED
            outcomes.append(PageOutcome(step.job.path, key, state, tuple(problems), reads=reads, read=read))
    return outcomes


def convert_page_bodies(plan: BuildPlan, tools: Tools) -> dict[str, BodyOutcome]:
    """The Markdown of every content page (few: always in this process), by page path."""
    found = {}
    for step in plan.others:
        if step.body is None:
            continue
        if step.body.cached is not None:
            found[step.job.path] = BodyOutcome(step.body, step.body.cached, False)
            continue
        full = tools.convert(step.body)
        tools.cache.store_body(full.digest, full.html, prose_of(full))
        found[step.job.path] = BodyOutcome(step.body, full.meta(), True)
    return found
