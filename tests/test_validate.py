"""Front-matter validation: every kind of mistake becomes a Diagnostic with the right
code, the right line and a hint that says how to fix it; nothing raises."""

from __future__ import annotations

import json
import re
from datetime import date
from textwrap import dedent

import pytest

from sitegen.core.slugs import RESERVED, is_valid_slug
from sitekit import line_of, run_cli, soup

FILE = "content/articles/x.md"


def diagnose(site, text: str | bytes, name: str = "x.md"):
    """Write one article and return the diagnostics of checking the site."""
    site.article(name, text)
    return site.check()


def one(diagnostics, code: str):
    """The single diagnostic with `code`; fails listing everything otherwise."""
    found = [d for d in diagnostics if d.code == code]
    assert len(found) == 1, [d.format() for d in diagnostics]
    return found[0]


# --- unknown and missing keys -------------------------------------------------------


def test_unknown_key_hint_suggests_the_intended_key(blank_site):
    text = dedent("""\
        ---
        title: MRI basics
        summary: What an MRI scan is.
        date: 2026-01-10
        reviwed: 2026-02-01
        ---
        Body.
        """)
    problem = one(diagnose(blank_site, text), "unknown-key")
    assert problem.file == FILE
    assert problem.line == line_of(text, "reviwed:")
    assert problem.is_error
    assert "reviwed" in problem.message
    assert "'reviewed'" in problem.hint


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(blank_site):
    text = dedent("""\
        ---
        title: MRI basics
        summary: What an MRI scan is.
        date: 2026-01-10
        colour: blue
        ---
        """)
    problem = one(diagnose(blank_site, text), "unknown-key")
    assert problem.line == line_of(text, "colour:")
    for key in ("title", "summary", "reviewed", "tags"):
        assert key in problem.hint


def test_missing_title_is_reported_at_the_front_matter(blank_site):
    text = dedent("""\
        ---
        summary: What an MRI scan is.
        date: 2026-01-10
        ---
        Body.
        """)
    problem = one(diagnose(blank_site, text), "missing-field")
    assert problem.line == 1  # the opening `---`: there is no title line to point at
    assert "title" in problem.message
    assert "title:" in problem.hint


def test_summary_of_only_spaces_is_empty(blank_site):
    text = dedent("""\
        ---
        title: MRI basics
        summary: "   "
        date: 2026-01-10
        ---
        """)
    problem = one(diagnose(blank_site, text), "empty-field")
    assert problem.line == line_of(text, "summary:")
    assert "summary" in problem.message and "empty" in problem.message
    assert "summary:" in problem.hint


def test_summary_key_without_a_value_is_reported_on_its_line(blank_site):
    text = dedent("""\
        ---
        title: MRI basics
        summary:
        date: 2026-01-10
        ---
        """)
    diagnostics = diagnose(blank_site, text)
    assert len(diagnostics) == 1, [d.format() for d in diagnostics]
    problem = diagnostics[0]
    assert problem.is_error
    assert problem.line == line_of(text, "summary:")
    assert "summary:" in problem.hint


# --- dates ------------------------------------------------------------------------


# The last two are dates YAML itself reads as dates and then cannot make (a diagnostic,
# never a crash).
@pytest.mark.parametrize("value", ["March 3", "2026/03/01", "01-03-2026", '"2026-02-30"', "2026-13-45", "2026-02-30"])
def test_bad_date(blank_site, value):
    text = dedent(f"""\
        ---
        title: MRI basics
        summary: What an MRI scan is.
        date: {value}
        ---
        """)
    problem = one(diagnose(blank_site, text), "bad-date")
    assert problem.line == line_of(text, "date:")
    assert "YYYY-MM-DD" in problem.message + problem.hint


# The message says what exactly is impossible, and the fix is the date the editor most likely
# meant, in the form the site needs (not the generic example, which looked like a correction).
@pytest.mark.parametrize(
    "value, message, fix",
    [
        ("2026-13-01", "there is no month 13", "for 13 January 2026 write 2026-01-13"),
        ("2026-00-10", "there is no month 0", "a month from 01 to 12"),
        ("2026-02-30", "February 2026 has no day 30 (it has 28 days)", "2026-02-28"),
        ("2026-04-31", "April 2026 has no day 31 (it has 30 days)", "2026-04-30"),
        (
            "03/12/2026",
            "which could be 12 March 2026 or 3 December 2026",
            "2026-03-12 for 12 March 2026 or 2026-12-03 for 3 December 2026",
        ),
        ("13/01/2026", "dates are written year first", "2026-01-13 for 13 January 2026"),
        ("2026/03/01", "dates are written with hyphens", "2026-03-01"),
    ],
)
def test_bad_date_says_what_is_wrong_and_suggests_the_date_meant(blank_site, value, message, fix):
    text = f"---\ntitle: MRI basics\nsummary: What an MRI scan is.\nreviewed: {value}\ndate: 2026-01-10\n---\n"
    problem = one(diagnose(blank_site, text), "bad-date")
    assert problem.line == line_of(text, "reviewed:")
    assert f"'reviewed' is {value}" in problem.message and message in problem.message, problem.format()
    assert fix in problem.hint, problem.format()


def test_date_with_a_time_of_day_is_not_blamed_on_a_template(blank_site):
    text = dedent("""\
        ---
        title: MRI basics
        summary: What an MRI scan is.
        date: 2026-01-10
        reviewed: 2026-01-31 09:30:00
        ---
        """)
    blank_site.article("x.md", text)
    result = blank_site.build(write=False)
    assert not [d for d in result.diagnostics if d.file.startswith("templates")], [
        d.format() for d in result.diagnostics
    ]
    if not result.ok:  # rejecting the time is fine, if the article's line is named
        assert {(d.file, d.line) for d in result.diagnostics} == {(FILE, line_of(text, "reviewed:"))}


# --- wrong types ------------------------------------------------------------------

WRONG_TYPES = {
    "tags-mapping": ("tags:\n  scans: yes\n", "tags:", "- "),
    "takeaway-item-mapping": ("takeaways:\n  - A plain point.\n  - label: not text\n", "- label:", "- "),
    "draft-not-bool": ("draft: not yet\n", "draft:", "true"),
    "reference-year-not-number": ("references:\n  - title: A study\n    year: twenty twenty\n", "year:", "year: 2024"),
}


@pytest.mark.parametrize("extra, needle, fix", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_wrong_type(blank_site, extra, needle, fix):
    text = "---\ntitle: MRI basics\nsummary: What an MRI scan is.\ndate: 2026-01-10\n" + extra + "---\nBody.\n"
    problem = one(diagnose(blank_site, text), "wrong-type")
    assert problem.file == FILE
    assert problem.line == line_of(text, needle)
    assert fix in problem.hint


def test_wrong_type_problems_in_one_file_are_all_reported(blank_site):
    text = "---\ntitle: [a, list]\nsummary: What an MRI scan is.\ndate: 2026-01-10\ntags:\n  a: b\ndraft: maybe\n---\n"
    diagnostics = diagnose(blank_site, text)
    assert sorted(d.line for d in diagnostics if d.code == "wrong-type") == [
        line_of(text, "title:"),
        line_of(text, "tags:"),
        line_of(text, "draft:"),
    ]


# --- references -------------------------------------------------------------------

REFERENCE_WITHOUT_TITLE = dedent("""\
    ---
    title: MRI basics
    summary: What an MRI scan is.
    date: 2026-01-10
    references:
      - title: A first study
        year: 2020
      - journal: Neurology
        year: 2021
    ---
    """)


def test_reference_missing_title(blank_site):
    problem = one(diagnose(blank_site, REFERENCE_WITHOUT_TITLE), "missing-field")
    assert problem.line == line_of(REFERENCE_WITHOUT_TITLE, "- journal:")
    assert "references" in problem.message and "[2]" in problem.message
    assert "title:" in problem.hint


def test_reference_missing_title_hint_is_about_the_reference(blank_site):
    problem = one(diagnose(blank_site, REFERENCE_WITHOUT_TITLE), "missing-field")
    assert "article's title" not in problem.hint


def test_unknown_reference_key(blank_site):
    text = dedent("""\
        ---
        title: MRI basics
        summary: What an MRI scan is.
        date: 2026-01-10
        references:
          - title: A study
            jornal: Neurology
        ---
        """)
    problem = one(diagnose(blank_site, text), "unknown-key")
    assert problem.line == line_of(text, "jornal:")
    assert "jornal" in problem.message
    assert "'journal'" in problem.hint


# --- slugs ------------------------------------------------------------------------


def _suggested_slug(hint: str) -> str:
    match = re.search(r"slug: (\S+?)\.?$", hint)
    assert match, hint
    return match.group(1)


def test_bad_slug_hint_suggests_a_usable_slug(blank_site):
    text = "---\ntitle: MRI basics\nsummary: What an MRI scan is.\ndate: 2026-01-10\nslug: MRI Basics!\n---\n"
    problem = one(diagnose(blank_site, text), "bad-slug")
    assert problem.line == line_of(text, "slug:")
    suggested = _suggested_slug(problem.hint)
    assert is_valid_slug(suggested) and suggested not in RESERVED
    assert suggested == "mri-basics"


def test_reserved_slug_hint_does_not_suggest_the_reserved_slug(blank_site):
    text = "---\ntitle: MRI basics\nsummary: What an MRI scan is.\ndate: 2026-01-10\nslug: topics\n---\n"
    problem = one(diagnose(blank_site, text), "bad-slug")
    assert problem.line == line_of(text, "slug:")
    assert _suggested_slug(problem.hint) not in RESERVED


def test_duplicate_slugs_name_both_files(blank_site):
    blank_site.article("first.md", "---\ntitle: A\nsummary: S\ndate: 2026-01-10\nslug: scans\n---\n")
    second = "---\ntitle: B\nsummary: S\ndate: 2026-01-11\nslug: scans\n---\n"
    problem = one(diagnose(blank_site, second, name="second.md"), "slug-duplicate")
    assert problem.file == "content/articles/second.md"
    assert problem.line == line_of(second, "slug:")
    assert "content/articles/first.md" in problem.message
    assert "/articles/scans/" in problem.message
    assert "slug:" in problem.hint


def test_duplicate_page_slugs_are_reported(blank_site):
    blank_site.write("content/pages/about.md", "---\ntitle: About us\n---\nFirst.\n")
    blank_site.write("content/pages/info.md", "---\ntitle: Information\nslug: about\n---\nSecond.\n")
    blank_site.article("x.md", "---\ntitle: A\nsummary: S\ndate: 2026-01-10\n---\n")
    diagnostics = blank_site.check()
    assert any(d.code == "slug-duplicate" for d in diagnostics), [d.format() for d in diagnostics]


# --- YAML -------------------------------------------------------------------------


def test_yaml_syntax_error_has_line_column_and_excerpt(blank_site):
    text = "---\ntitle: MRI basics\nsummary: MRI: what the scan shows\ndate: 2026-01-10\n---\n"
    problem = one(diagnose(blank_site, text), "yaml-syntax")
    bad = "summary: MRI: what the scan shows"
    assert problem.line == line_of(text, bad)
    assert problem.column == bad.index(": what") + 1  # the second colon
    assert problem.excerpt == bad
    assert "double quotes" in problem.hint
    # The formatted message shows the line, and a caret under the offending colon.
    shown = problem.format().split("\n")
    excerpt_line = next(line for line in shown if line.endswith(bad))
    caret_line = next(line for line in shown if line.rstrip().endswith("^"))
    assert excerpt_line[caret_line.index("^") :].startswith(": what")


def test_tab_indentation(blank_site):
    text = "---\ntitle: MRI basics\nsummary: S\ndate: 2026-01-10\ntags:\n\t- scans\n---\n"
    problem = one(diagnose(blank_site, text), "yaml-syntax")
    assert problem.line == line_of(text, "\t- scans")
    assert problem.column == 1
    assert "tab" in problem.hint and "spaces" in problem.hint


# An opener left unclosed: YAML notices only where the swallowed value finally ends, often
# at a correct line far below (a reference title's quotes). The editor must see the line
# where it was opened, whatever follows it.
UNCLOSED = {
    "double quote": ('title: "Spinal cord MRI in MS: what it shows', '"', 'closing "'),
    "single quote": ("title: 'Spinal cord MRI in MS", "'", "closing '"),
    "list": ("tags: [MRI basics, Lesions", "[", "closing ]"),
    "mapping": ("disclaimer: {text: Ask your team", "{", "closing }"),
}
BELOW = """\
summary: What the scan shows, and what it doesn't.
date: 2026-01-10
reviewed: 2026-01-10
reviewer: Editorial team
author: Editorial team
takeaways:
  - A scan shows the spinal cord.
references:
  - title: "Spinal cord imaging in multiple sclerosis"
    journal: "Some journal"
    year: 2024
    doi: 10.1000/xyz123
"""


@pytest.mark.parametrize("kind", sorted(UNCLOSED))
def test_unclosed_opener_is_reported_where_it_was_opened(blank_site, kind):
    bad, char, fix = UNCLOSED[kind]
    for placed in ("first", "middle"):
        lines = BELOW.splitlines()
        lines.insert(0 if placed == "first" else 4, bad)
        text = "---\n" + "\n".join(lines) + "\n---\nBody.\n"
        problem = one(diagnose(blank_site, text), "yaml-unclosed")
        assert (problem.line, problem.excerpt) == (line_of(text, bad), bad), (placed, problem.format())
        assert problem.column == bad.index(char) + 1
        assert f"The {char} opened on this line is never closed" in problem.message
        assert fix in problem.hint


def test_quoted_value_over_several_lines_is_not_an_unclosed_quote(blank_site):
    # A quoted value may go on over lines; with another mistake below it, that mistake is reported.
    text = '---\ntitle: MRI basics\nsummary: "What the scan\n  shows"\ndate: 2026-01-10\n\tauthor: A\n---\n'
    problem = one(diagnose(blank_site, text), "yaml-syntax")
    assert problem.line == line_of(text, "\tauthor")


def test_duplicate_yaml_key(blank_site):
    text = "---\ntitle: MRI basics\nsummary: S\ndate: 2026-01-10\ntitle: MRI basics again\n---\n"
    problem = one(diagnose(blank_site, text), "yaml-duplicate-key")
    assert problem.line == line_of(text, "title:", occurrence=2)
    assert f"line {line_of(text, 'title:')}" in problem.message
    assert problem.excerpt == "title: MRI basics again"


def test_yaml_alias_is_refused(blank_site):
    text = "---\ntitle: &name MRI basics\nsummary: *name\ndate: 2026-01-10\n---\n"
    problems = [d for d in diagnose(blank_site, text) if d.code == "yaml-alias"]
    # Each place the editor must change, once: where the anchor is set and where it is used.
    assert [d.line for d in problems] == [line_of(text, "&name"), line_of(text, "*name")]
    assert all("in full" in d.hint for d in problems)


LAUGHS = dedent("""\
    ---
    title: MRI basics
    summary: S
    date: 2026-01-10
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    ---
    """)


def test_billion_laughs_is_refused_without_expanding(blank_site):
    blank_site.article("x.md", LAUGHS)
    result = blank_site.build(write=False)
    assert not result.ok
    codes = {d.code for d in result.diagnostics}
    assert codes == {"yaml-alias"}, [d.format() for d in result.diagnostics]
    assert all(d.file == FILE for d in result.diagnostics)
    assert line_of(LAUGHS, "a: &a") in {d.line for d in result.diagnostics}
    assert result.files == {} and (result.site is None or not result.site.articles)


def test_billion_laughs_each_problem_reported_once_where_it_is(blank_site):
    diagnostics = diagnose(blank_site, LAUGHS)
    places = [(d.line, d.column) for d in diagnostics]
    assert len(places) == len(set(places)), f"{len(places)} diagnostics on {len(set(places))} places"
    assert line_of(LAUGHS, "i: [*h") in {d.line for d in diagnostics}


def test_python_object_tag_is_refused_and_never_run(blank_site, tmp_path):
    marker = tmp_path / "was-run"
    text = f'---\ntitle: !!python/object/apply:os.system ["touch {marker}"]\nsummary: S\ndate: 2026-01-10\n---\n'
    problem = one(diagnose(blank_site, text), "yaml-tag")
    assert problem.line == line_of(text, "!!python")
    assert "python/object" in problem.message
    assert "tag" in problem.hint
    assert not marker.exists()


# --- the shape of the file --------------------------------------------------------


def test_front_matter_that_is_a_list(blank_site):
    text = "---\n- title: MRI basics\n- summary: S\n---\nBody.\n"
    problem = one(diagnose(blank_site, text), "front-matter-not-mapping")
    assert problem.line == 2
    assert "list" in problem.message
    assert "title:" in problem.hint


def test_unclosed_front_matter(blank_site):
    text = "---\ntitle: MRI basics\nsummary: S\ndate: 2026-01-10\n\nThe body starts here.\n"
    problem = one(diagnose(blank_site, text), "front-matter-unclosed")
    assert problem.line == 1
    assert "`---`" in problem.hint


def test_missing_front_matter(blank_site):
    text = "# MRI basics\n\nThe body.\n"
    problem = one(diagnose(blank_site, text), "front-matter-missing")
    assert problem.line == 1
    assert problem.excerpt == "# MRI basics"
    assert "`---`" in problem.hint


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"], ids=["empty", "blank-lines"])
def test_empty_file(blank_site, content):
    problem = one(diagnose(blank_site, content), "file-empty")
    assert problem.line == 1
    assert "front matter" in problem.hint


def test_latin1_bytes_name_the_byte_offset(blank_site):
    data = "---\ntitle: Caf\u00e9 and MRI\nsummary: S\ndate: 2026-01-10\n---\n".encode("latin-1")
    problem = one(diagnose(blank_site, data), "file-encoding")
    offset = data.index(b"\xe9")
    assert problem.line == 2
    assert f"byte offset {offset}" in problem.message and "0xe9" in problem.message
    assert "UTF-8" in problem.hint


def test_nul_byte(blank_site):
    data = b"---\ntitle: MRI basics\nsummary: S\ndate: 2026-01-10\n---\nBody\x00 text.\n"
    problem = one(diagnose(blank_site, data), "file-nul-byte")
    assert problem.line == data.count(b"\n", 0, data.index(b"\x00")) + 1
    offset = data.index(b"\x00")
    assert f"byte offset {offset}" in problem.message
    assert "UTF-8" in problem.hint


def test_utf8_bom_and_crlf_are_accepted(blank_site):
    text = (
        "\ufeff---\r\ntitle: Caf\u00e9 scans\r\nsummary: What an MRI scan is.\r\ndate: 2026-01-10\r\n"
        "tags: [Scans]\r\n---\r\n## First part\r\n\r\nSome text.\r\n"
    )
    blank_site.article("x.md", text.encode("utf-8"))
    result = blank_site.build(write=False)
    assert result.diagnostics == []
    (article,) = result.site.articles
    assert article.title == "Caf\u00e9 scans"
    assert article.summary == "What an MRI scan is."
    assert article.tags == ("Scans",)
    assert article.published == date(2026, 1, 10)
    page = soup(result.files["articles/x/index.html"])
    assert page.h1.get_text() == "Caf\u00e9 scans"
    assert page.select_one(".prose h2")["id"] == "first-part"
    assert "\r" not in page.select_one(".prose").get_text()


def test_crlf_file_reports_the_right_line(blank_site):
    text = "---\r\ntitle: A\r\nsummary: S\r\ndate: 2026-01-10\r\nreviwed: 2026-02-01\r\n---\r\n"
    problem = one(diagnose(blank_site, text.encode()), "unknown-key")
    assert problem.line == 5


# --- review dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    "reviewed, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the last day of the month
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 11, 15), 3, date(2027, 2, 15)),  # across a year end
        (date(2026, 3, 31), 12, date(2027, 3, 31)),
    ],
)
def test_next_review_defaults_to_reviewed_plus_the_configured_interval(blank_site, reviewed, months, expected):
    blank_site.set_config(review={"interval_months": months})
    blank_site.article("x.md", f"---\ntitle: A\nsummary: S\ndate: 2026-01-01\nreviewed: {reviewed}\n---\n")
    result = blank_site.build(write=False)
    assert result.diagnostics == []
    assert result.site.articles[0].next_review == expected
    foot = soup(result.files["articles/x/index.html"]).select_one(".review-date")
    due = next(p for p in foot.find_all("p") if p.get_text().startswith("Next review due: "))
    assert due.time["datetime"] == expected.isoformat()


def test_explicit_next_review_wins(blank_site):
    blank_site.article(
        "x.md", "---\ntitle: A\nsummary: S\ndate: 2026-01-01\nreviewed: 2026-01-31\nnext_review: 2026-06-30\n---\n"
    )
    result = blank_site.build(write=False)
    assert result.site.articles[0].next_review == date(2026, 6, 30)


# --- everything at once -----------------------------------------------------------

BROKEN_FILES = {
    "a-missing.md": "---\ntitle: A\n---\nBody.\n",
    "b-typo.md": "---\ntitle: B\nsummary: S\ndate: 2026-01-10\nreviwed: 2026-02-01\n---\n",
    "c-yaml.md": "---\ntitle: C\nsummary: C: the letter\ndate: 2026-01-10\n---\n",
    "d-empty.md": "",
}
EXPECTED = {
    ("content/articles/a-missing.md", "missing-field"),
    ("content/articles/b-typo.md", "unknown-key"),
    ("content/articles/c-yaml.md", "yaml-syntax"),
    ("content/articles/d-empty.md", "file-empty"),
}


def test_every_error_in_every_file_is_reported_at_once(blank_site):
    for name, text in BROKEN_FILES.items():
        blank_site.article(name, text)
    blank_site.article("good.md", "---\ntitle: Fine\nsummary: S\ndate: 2026-01-10\n---\n")
    result = blank_site.build(write=False)
    assert not result.ok
    assert {(d.file, d.code) for d in result.diagnostics} == EXPECTED
    missing = sorted(d.message for d in result.diagnostics if d.code == "missing-field")
    assert len(missing) == 2 and "date" in missing[0] and "summary" in missing[1]


def test_cli_reports_all_errors_exits_1_with_a_one_line_summary(blank_site, tmp_path):
    for name, text in BROKEN_FILES.items():
        blank_site.article(name, text)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    process = run_cli("build", "--config", str(blank_site.config_path), cwd=elsewhere)
    assert process.returncode == 1
    assert "Traceback" not in process.stderr + process.stdout
    for file, code in EXPECTED:
        assert re.search(rf"^{re.escape(file)}:\d+.*\[{code}\]$", process.stderr, re.M), process.stderr
    last = process.stderr.strip().split("\n")[-1]
    assert last.startswith("Build failed: 5 errors and 0 warnings in 4 files."), process.stderr
    assert not blank_site.public.exists()


def test_check_formats_carry_every_diagnostic(blank_site, tmp_path):
    for name, text in BROKEN_FILES.items():
        blank_site.article(name, text)
    as_json = run_cli("check", "--config", str(blank_site.config_path), "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 1 and "Traceback" not in as_json.stderr
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert {(r["file"], r["code"]) for r in records} == EXPECTED
    assert all(r["severity"] == "error" and isinstance(r["line"], int) for r in records)
    github = run_cli("check", "--config", str(blank_site.config_path), "--format", "github", cwd=tmp_path)
    assert github.returncode == 1
    lines = github.stdout.splitlines()
    assert len(lines) == len(records)
    assert all(re.match(r"^::error file=content/articles/[a-z-]+\.md,line=\d+", line) for line in lines), lines


def test_two_articles_with_one_title_are_named(tmp_path):
    """Issue 29.7: a second article with the same title showed as two identical cards."""
    from sitekit import new_site

    site = new_site(tmp_path / "site")
    head = "---\ntitle: {}\nsummary: S\ndate: 2026-01-10\n---\nText.\n"
    site.article("a-first.md", head.format("What a lesion is"))
    site.article("b-second.md", head.format("What a  Lesion is"))
    site.article("c-other.md", head.format("Something else"))
    (found,) = [d for d in site.build(write=False).diagnostics if d.code == "title-duplicate"]
    assert (found.file, found.line, found.is_error) == ("content/articles/b-second.md", 2, True)
    assert "content/articles/a-first.md" in found.message


def test_a_page_menu_must_be_main_or_footer(blank_site):
    blank_site.write("content/pages/policy.md", "---\ntitle: Policy\nsummary: S.\nmenu: bottom\n---\nText.\n")
    (found,) = [d for d in blank_site.check() if d.code == "page-menu"]
    assert found.line == 4 and "`menu: footer`" in found.hint


@pytest.mark.parametrize("taken", ["guides", "robots", "topics", "search", "pagefind", "admin", "feed"])
def test_a_slug_may_not_take_the_address_of_another_kind_of_page(blank_site, taken):
    """Every folder and file a kind of page has (core/pages.py) is reserved: a page at
    guides/ or robots/ would be written over, or over, another page."""
    text = f"---\ntitle: Page {taken}\nsummary: S.\ndate: 2026-01-10\nslug: {taken}\n---\n"
    problem = one(diagnose(blank_site, text), "bad-slug")
    assert problem.line == line_of(text, "slug:")


def test_every_kind_of_page_is_reserved_and_found_by_link_checking():
    from sitegen.core.pages import KINDS

    for kind in KINDS:
        first = kind.address.split("/", 1)[0].rsplit(".", 1)[0]
        assert "{" in first or first == "" or first in RESERVED, kind
