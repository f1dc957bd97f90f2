"""The incremental planner (plan.py) as a pure function: given what the cache and the
output hold, what each output needs. The fixture is built once to get real cache
entries; every call to `make_plan` below reads no file."""

from __future__ import annotations

import dataclasses

import pytest

from sitegen import __version__
from sitegen.build.plan import BuildPlan, make_plan
from sitegen.build.render import digest, page_jobs, template_digests
from sitegen.content.site import Site, make_site
from sitegen.pipeline import Builder


@pytest.fixture()
def planned(fixture_site):
    """(site, inputs for make_plan) of the fixture site right after a complete build."""
    config = fixture_site.config()
    builder = Builder(config, jobs=1)
    result = builder.build()
    assert result.ok and result.site is not None
    site = result.site
    templates, _ = template_digests(config.templates_dir)
    records = builder.cache.pages
    inputs = {
        "bodies": dict(builder.cache.bodies),
        "markdown_key": digest(__version__, config.raw_html, site.glossary),
        "templates": templates,
        "config_key": builder.config_key,
        "valid": {path: key for path, (key, _, _) in records.items()},
        "recorded": frozenset(records),
        "static_keys": {path: key for path, (key, _, _) in records.items() if path.startswith("static/")},
        "search_ready": True,
        "reads": dict(builder.cache.reads),
    }
    return site, inputs


def plan_of(site: Site, **inputs) -> BuildPlan:
    return make_plan(site, page_jobs(site), **inputs)


def by_path(plan: BuildPlan) -> dict:
    return {step.job.path: step for step in plan.pages}


def test_after_a_complete_build_everything_is_current(planned):
    site, inputs = planned
    plan = plan_of(site, **inputs)
    assert plan.up_to_date
    assert all(step.current and step.key is not None for step in plan.pages)
    assert all(step.body.cached is not None for step in plan.pages if step.body is not None)


def test_an_empty_cache_converts_every_body_and_renders_every_page(planned):
    site, inputs = planned
    plan = plan_of(site, **{**inputs, "bodies": {}, "valid": {}, "recorded": frozenset()})
    assert not plan.up_to_date
    with_body = [step for step in plan.pages if step.body is not None]
    assert with_body and all(step.body.cached is None and step.key is None for step in with_body)
    assert not any(step.current for step in plan.pages)
    assert {step.job.article for step in plan.articles} == {a.slug for a in site.articles}


def test_a_file_changed_in_the_output_is_rendered_again_alone(planned):
    site, inputs = planned
    changed = next(step.job.path for step in plan_of(site, **inputs).articles)
    valid = {path: key for path, key in inputs["valid"].items() if path != changed}
    plan = plan_of(site, **{**inputs, "valid": valid})
    assert not plan.up_to_date
    assert [step.job.path for step in plan.pages if not step.current] == [changed]


def test_a_template_edit_changes_the_keys_of_the_pages_that_use_it(planned):
    site, inputs = planned
    templates = {**inputs["templates"], "article.html": "edited"}
    steps = by_path(plan_of(site, **{**inputs, "templates": templates}))
    stale = {path for path, step in steps.items() if not step.current}
    assert stale == {step.job.path for step in steps.values() if step.job.template == "article.html"}
    # The bodies are still cached: a template edit converts no Markdown.
    assert all(step.body.cached is not None for step in steps.values() if step.body is not None)


def test_a_link_that_resolves_elsewhere_now_converts_its_body_again(planned):
    site, inputs = planned
    linking = next(a for a in site.articles if "scan-types.md" in (a.source.body or ""))
    moved = dataclasses.replace(site, link_targets={**site.link_targets, "scan-types.md": "articles/elsewhere/"})
    steps = {step.job.article: step for step in plan_of(moved, **inputs).articles}
    assert steps[linking.slug].body.cached is None and steps[linking.slug].key is None
    assert all(step.body.cached is not None for slug, step in steps.items() if slug != linking.slug)


def test_a_missing_search_index_or_a_stray_record_means_work(planned):
    site, inputs = planned
    assert not plan_of(site, **{**inputs, "search_ready": False}).up_to_date
    stray = inputs["recorded"] | {"articles/gone/index.html"}
    assert not plan_of(site, **{**inputs, "recorded": stray}).up_to_date


def test_planning_changes_none_of_its_inputs(planned):
    site, inputs = planned
    before = {name: (dict(value) if isinstance(value, dict) else value) for name, value in inputs.items()}
    plan_of(site, **{**inputs, "valid": {}})
    assert inputs == before


def test_make_site_keeps_its_memo_input_unchanged(fixture_site):
    from sitegen.content.read import load_content

    config = fixture_site.config()
    content = load_content(config)
    given: dict = {}
    _, _, memo = make_site(config, content.articles, content.pages, content.glossary, related_memo=given)
    assert given == {} and len(memo) == 1
