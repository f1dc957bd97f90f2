"""config.yaml: each declared setting checks its own value, and every finding names the
line, the problem and the fix (sitegen/core/settings.py declares them, options.py reads them)."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from sitegen.core import options
from sitegen.core.config import Config, load_config
from sitegen.core.errors import Severity
from sitegen.core.settings import OPTIONS
from tests.sitekit import line_of, run_cli


def _load(tmp_path: Path, text: str):
    for folder in ("content", "templates", "static"):
        (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / "static" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    path = tmp_path / "config.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_config(path)


def _one(tmp_path: Path, text: str):
    """The one finding of a config with one mistake, and the config's text."""
    config, problems = _load(tmp_path, text)
    assert config is None
    assert len(problems) == 1, [d.format() for d in problems]
    return problems[0], textwrap.dedent(text)


@pytest.mark.parametrize(
    "text, needle, message, fix",
    [
        ("title: 5\n", "title", "'title' must be text.", "Put the value in double quotes."),
        (
            "feed:\n  entries: 2.5\n",
            "entries",
            "'feed.entries' must be a whole number, not 2.5.",
            "For example: entries: 20",
        ),
        # true is not a number, and the default is used: no "must be at least 1" as well.
        (
            "review:\n  interval_months: true\n",
            "interval_months",
            "'review.interval_months' must be a whole number, not True.",
            "For example: interval_months: 12",
        ),
        ("search: 'yes'\n", "search", "'search' must be true or false.", "For example: search: true"),
        (
            "editor:\n  publish: sure\n",
            "publish",
            "'editor.publish' must be true or false.",
            "For example: publish: false",
        ),
        (
            "start_here: a.md\n",
            "start_here",
            "'start_here' must be a list, such as [a.md, b.md].",
            "Put the items in square brackets, start_here: [a.md, b.md], or write each below it as `- a.md`.",
        ),
        (
            "checks: [1, 2]\n",
            "checks",
            "'checks' must be a section of `key: value` lines.",
            "Write 'checks:' alone on its line, and each of its settings below it, indented: `  key: value`.",
        ),
        (
            "review: 5\n",
            "review",
            "'review' must be a section of `key: value` lines.",
            "Write 'review:' alone on its line, and each of its settings below it, indented: `  key: value`.",
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_one_finding_on_its_line(tmp_path, text, needle, message, fix):
    problem, written = _one(tmp_path, text)
    assert (problem.code, problem.message, problem.hint) == ("config-type", message, fix)
    assert problem.line == line_of(written, needle) and problem.is_error
    assert problem.file == str(tmp_path / "config.yaml")


@pytest.mark.parametrize(
    "text, needle, message, fix",
    [
        ("titel: x\n", "titel", "Unknown setting 'titel'.", "Did you mean 'title'?"),
        (
            "url: https://example.org/\nreview:\n  intervall_months: 3\n",
            "intervall_months",
            "Unknown setting 'review.intervall_months'.",
            "Did you mean 'interval_months'?",
        ),
        (
            "editor:\n  zzzz: 1\n",
            "zzzz",
            "Unknown setting 'editor.zzzz'.",
            "Allowed keys: auth_url, branch, publish, repo.",
        ),
    ],
)
def test_an_unknown_setting_names_the_closest_one_or_the_allowed_ones(tmp_path, text, needle, message, fix):
    problem, written = _one(tmp_path, text)
    assert (problem.code, problem.message, problem.hint) == ("config-unknown-key", message, fix)
    assert problem.line == line_of(written, needle) and problem.is_error


def test_a_removed_setting_is_a_warning_that_says_what_to_do(tmp_path):
    config, problems = _load(tmp_path, "title: A site\nsearch_pages_per_shard: 400\n")
    # A warning stops nothing: the site loads, and every build reports it (--strict fails).
    assert config is not None and problems == []
    (problem,) = config.warnings
    assert problem.code == "config-unknown-key" and problem.severity is Severity.WARNING
    assert problem.line == 2
    assert problem.message == "The setting 'search_pages_per_shard' is no longer used."
    assert problem.hint.startswith("Delete this line")
    # A removed setting is never offered as the fix for a mistyped one.
    _, problems = _load(tmp_path, "zzzzqq: 1\n")
    assert "search_pages_per_shard" not in problems[0].hint and "title" in problems[0].hint


@pytest.mark.parametrize(
    "text, needle, message, fix",
    [
        (
            "markdown:\n  raw_html: bogus\n",
            "raw_html",
            "markdown.raw_html is 'bogus'.",
            "Use one of: escape, sanitize, allow.",
        ),
        ("translations:\n  stale: maybe\n", "stale", "translations.stale is 'maybe'.", "Use warning or error."),
        (
            "review:\n  interval_months: 0\n",
            "interval_months",
            "review.interval_months must be at least 1.",
            "A common policy is 12 to 36 months.",
        ),
        (
            "editor:\n  repo: https://github.com/a/b\n",
            "repo",
            "editor.repo is 'https://github.com/a/b', which is not a GitHub repository's owner/name.",
            "Write the part of the repository's address after github.com/, e.g. `repo: our-team/ms-imaging`.",
        ),
        (
            "editor:\n  branch: main\n  publish: true\n",
            "publish",
            "editor.publish is true, but editor.repo does not say which GitHub repository the editor saves to.",
            "Add `repo: owner/name` under `editor:` (the part of the repository's address after github.com/), "
            "or set `publish: false`.",
        ),
        (
            "editor:\n  repo: a/b\n  auth_url: http://auth.example.org\n",
            "auth_url",
            "editor.auth_url is 'http://auth.example.org'; editors sign in through it, so it must be an https:// address.",
            "Give the OAuth helper's full address, e.g. `auth_url: https://auth.example.org`.",
        ),
        (
            "logo:\n  alt: ''\n  file: static/logo.png\n",
            "file:",
            "logo.file is 'static/logo.png', which is not an SVG file in the static folder.",
            "Put the logo in static/ as an SVG and write its path from the project, e.g. `file: static/logo.svg`.",
        ),
        (
            "paths:\n  output: public\n  cache: public/cache\n",
            "cache",
            "paths.cache (public/cache) is, or holds, a folder of the project; `build --clean` would delete it.",
            "Use a folder of its own for the cache, such as .cache.",
        ),
    ],
)
def test_a_value_its_checks_refuse_is_a_finding_with_its_fix(tmp_path, text, needle, message, fix):
    problem, written = _one(tmp_path, text)
    assert (problem.code, problem.message, problem.hint) == ("config-value", message, fix)
    assert problem.line == line_of(written, needle)


def test_each_bad_list_item_is_reported_on_its_own_line(tmp_path):
    text = "language: en\nlanguages:\n  - en\n  - es\n  - EN\n  - es\n  - Fr\nstart_here:\n  - a\n  - 5\n  - ''\n"
    config, problems = _load(tmp_path, text)
    assert config is None
    found = sorted((d.line, d.code, d.message) for d in problems)
    assert found == [
        (5, "config-value", "languages: 'EN' is not a language code."),
        (7, "config-value", "languages: 'Fr' is not a language code."),
        (10, "config-type", "start_here item 2 must be an article's file name."),
        (11, "config-type", "start_here item 3 must be an article's file name."),
    ]


def test_every_mistake_is_reported_at_once(tmp_path):
    _, problems = _load(
        tmp_path,
        "titel: x\nsearch: maybe\nmarkdown: {raw_html: nope}\nreport_problem: the editors\nlogo: {file: x.svg}\n",
    )
    assert sorted((d.line, d.code) for d in problems) == [
        (1, "config-unknown-key"),
        (2, "config-type"),
        (3, "config-value"),
        (4, "config-value"),
        (5, "config-value"),
    ]


def test_the_config_holds_each_setting_cleaned(tmp_path):
    config, problems = _load(
        tmp_path,
        """\
        url: https://example.org/ms
        languages: [es, en, es]
        start_here: [first, ' second.md ']
        report_problem: mailto:editors@example.org
        disclaimer: '  Not advice.  '
        urgent_help: "Call   your\\n  team."
        logo: {file: ' static/logo.svg ', alt: '  Our   logo '}
        editor: {publish: true, repo: ' team/site ', branch: '  '}
        review: {interval_months: 24}
        images: {max_bytes: 0}
        """,
    )
    assert not problems, [d.format() for d in problems]
    assert config.url == "https://example.org/ms/" and config.base_path == "/ms/"
    assert config.languages == ("en", "es")
    assert config.start_here == ("first.md", "second.md") and config.start_here_lines == (3, 3)
    assert config.report_problem == "editors@example.org"
    assert config.disclaimer == "Not advice." and config.urgent_help == "Call your team."
    assert (config.logo_file, config.logo_alt) == ("static/logo.svg", "Our logo")
    assert (config.editor_publish, config.editor_repo, config.editor_branch) == (True, "team/site", "main")
    assert config.review_interval_months == 24 and config.image_max_bytes == 0
    assert config.feed_entries == 20 and config.raw_html == "escape"  # not written: the defaults


def _declared(section: options.Section):
    for declared in section.options.values():
        if isinstance(declared, options.Section):
            yield from _declared(declared)
        elif isinstance(declared, options.Option):
            yield declared


def test_each_declared_setting_fills_a_field_of_the_config_and_no_two_the_same():
    fields = [option.field for option in _declared(OPTIONS) if option.field]
    assert len(fields) == len(set(fields))
    assert set(fields) <= {f.name for f in dataclasses.fields(Config)}


def test_an_empty_config_is_every_default(tmp_path):
    config, problems = _load(tmp_path, "")
    assert not problems
    for option in _declared(OPTIONS):
        if option.field:
            assert getattr(config, option.field) == option.clean(option.default), option.field


def test_a_build_reports_a_removed_setting_and_strict_fails_on_it(fixture_site):
    config_file = fixture_site.config_path
    config_file.write_text(config_file.read_text() + "search_pages_per_shard: 400\n")
    result = fixture_site.build()
    assert result.ok
    (warning,) = [d for d in result.diagnostics if d.code == "config-unknown-key"]
    assert warning.file.endswith("config.yaml") and "no longer used" in warning.message
    done = run_cli("build", "--strict", cwd=fixture_site.root)
    assert done.returncode == 1 and "search_pages_per_shard" in done.stderr + done.stdout


def test_a_fix_lists_a_few_choices_and_counts_the_rest():
    from sitegen.core.errors import LISTED, did_you_mean

    names = [f"article-{n:04}.md" for n in range(2000)]
    assert did_you_mean("article-0007.mdd", names, "articles") == "Did you mean 'article-0007.md'?"
    fix = did_you_mean("zzz", names, "articles")
    assert fix == "Allowed articles: " + ", ".join(names[:LISTED]) + f" and {2000 - LISTED} more."
    assert did_you_mean("zzz", ["b", "a"], "kinds") == "Allowed kinds: a, b."
