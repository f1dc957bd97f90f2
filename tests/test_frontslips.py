"""Front-matter slips that YAML reads without complaint but that would publish a wrong page
(content/frontslips.py): each is reported at its line with its code, or read as meant; the
correct neighbour of each gives no finding."""

from __future__ import annotations

import pytest

from sitegen.content.frontmatter import split_front_matter
from sitekit import ARTICLE, line_of

BASE = """\
---
title: What a scan shows
summary: A short page about scans.
date: 2026-01-10
tags: [MRI basics]
takeaways:
  - A scan shows the brain.
---
Body.
"""


def read(text: str):
    """(front matter data or None, diagnostics) of one source text."""
    found, problems = split_front_matter(text, "content/articles/x.md", "", "x.md")
    return (found[1].data if found else None), problems


def swap(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


def only(problems, code: str):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1 and len(problems) == 1, [p.format() for p in problems]
    return found[0]


# --- a # that starts a comment ------------------------------------------------------------------

HASHED = [
    (
        "title: What a scan shows",
        "title: Your #1 question about scans",
        "title: Your #1",
        '"Your #1 question about scans"',
    ),
    ("summary: A short page about scans.", "summary: What to ask at visit #2 and after.", "summary:", '"What to ask'),
    ("  - A scan shows the brain.", "  - Ask about #1 priority.", "  - Ask about", '- "Ask about #1 priority."'),
    ("title: What a scan shows", "title: Scans and MS #MSAwareness", "title:", "#MSAwareness"),
    ("title: What a scan shows", "title: 10 #tips for your scan", "title:", '"10 #tips for your scan"'),
    ("  - A scan shows the brain.", "  - #1: ask first", "  - #1", '- "#1: ask first"'),
    ("tags: [MRI basics]", "tags:\n  - MRI basics #1", "  - MRI", "#1"),
    (
        "summary: A short page about scans.",
        "summary: Lo que debe preguntar en la visita #2 y después.",
        "summary:",
        '"Lo que debe preguntar en la visita #2 y después."',
    ),
]


@pytest.mark.parametrize(("old", "new", "at", "fixed"), HASHED)
def test_a_hash_that_cuts_a_value_short_is_reported_at_its_line(old, new, at, fixed):
    text = swap(old, new)
    data, problems = read(text)
    found = [p for p in problems if p.code == "front-matter-hash"]
    assert len(found) == 1, [p.format() for p in problems]
    assert found[0].line == line_of(text, at)
    assert found[0].is_error
    assert "left out" in found[0].message and "comment" in found[0].message
    assert fixed in found[0].hint and "double quotes" in found[0].hint


@pytest.mark.parametrize(
    ("new", "at"),
    [
        ("tags: [MRI #1, Lesions]", "tags:"),
        ("tags: [MRI basics, Lesions #2]", "tags:"),
    ],
)
def test_a_hash_inside_brackets_is_reported_at_its_line(new, at):
    text = swap("tags: [MRI basics]", new)
    problem = only(read(text)[1], "yaml-unclosed")
    assert problem.line == line_of(text, at)
    assert "#" in problem.message and '"' in problem.hint


def test_a_star_bullet_gets_a_hint_at_its_line():
    text = swap("  - A scan shows the brain.", "  * A scan shows the brain.")
    problem = only(read(text)[1], "yaml-syntax")
    assert problem.line == line_of(text, "  * A") and "'- '" in problem.hint


def test_a_line_of_a_value_that_starts_with_a_hash_is_reported():
    text = swap("summary: A short page about scans.", "summary: What to ask at visit\n  #2 and after.")
    problem = only(read(text)[1], "front-matter-hash")
    assert problem.line == line_of(text, "  #2 and after.")


CLEAN_HASHES = [
    # The README's own style: a note after a date, a person's key, a list in brackets, a key.
    "date: 2026-01-10            # first published (YYYY-MM-DD)",
    "reviewer: editorial-team    # a key of content/people.yaml",
    "tags: [MRI basics] # topics: each gets its own page",
    "takeaways:                  # 1 to 6 short sentences\n  - A scan shows the brain.",
    "# next_review: 2027-11-23   # optional",
    'title: "Your #1 question about scans"',
    "title: Scans#1 and C# are not comments",
    "draft: false # until reviewed",
]


@pytest.mark.parametrize("line", CLEAN_HASHES)
def test_comments_that_cut_nothing_short_are_fine(line):
    key = line.lstrip("# ").split(":")[0]
    old = next((text for text in BASE.splitlines() if text.startswith(key + ":")), "date: 2026-01-10")
    data, problems = read(swap(old, line) if old != line else BASE)
    assert data is not None and problems == [], [p.format() for p in problems]


def test_a_comment_line_between_reference_fields_is_fine():
    text = swap("tags:", "references:\n  - title: A paper\n    # doi: 10.1000/x.1\n    journal: A journal\ntags:")
    assert read(text)[1] == []


# --- Markdown written in front matter ---------------------------------------------------------

MARKDOWN = [
    ("title: What a scan shows", "title: The **T2** scan", "title:", "bold"),
    ("summary: A short page about scans.", "summary: A __short__ page.", "summary:", "bold"),
    ("  - A scan shows the brain.", "  - See [the other page](other.md).", "  - See", "link"),
    ("  - A scan shows the brain.", "  - This ![A scan](scan.png) shows the brain.", "  - This", "image"),
    ("  - A scan shows the brain.", "  - Lesions are common [@rocca2024].", "  - Lesions", "citation"),
    ("summary: A short page about scans.", "summary: A *short* page.", "summary:", "italics"),
    ("tags: [MRI basics]", "tags: ['**MRI**']", "tags:", "bold"),
    ("takeaways:", "questions:\n  - ¿Hay **lesiones** nuevas?\ntakeaways:", "  - ¿Hay", "bold"),
    (
        "tags: [MRI basics]",
        "tags: [MRI basics]\nreferences:\n  - title: MRI in *multiple sclerosis*\n    doi: 10.1000/x.1",
        "  - title: MRI",
        "italics",
    ),
]


@pytest.mark.parametrize(("old", "new", "at", "what"), MARKDOWN)
def test_markdown_in_a_shown_field_is_reported_at_its_line(old, new, at, what):
    text = swap(old, new)
    problem = only(read(text)[1], "front-matter-markdown")
    assert problem.line == line_of(text, at)
    assert what in problem.message and "plain text" in problem.message


@pytest.mark.parametrize(
    "line",
    [
        "title: Scans at 1.5 T * and 3 T",
        "summary: A page about T2_FLAIR, lesions <5 mm and p<0.05 [1].",
        "title: 'Hay 2 * 3 lesiones'",
    ],
)
def test_plain_text_with_stars_brackets_and_angles_is_fine(line):
    key = line.split(":")[0]
    old = next(text for text in BASE.splitlines() if text.startswith(key + ":"))
    assert read(swap(old, line))[1] == []


# --- lists written as one text ----------------------------------------------------------------

LISTS = [
    ("tags: [MRI basics]", "tags: MRI basics, Lesions", "tags:", "tags: [MRI basics, Lesions]"),
    ("tags: [MRI basics]", "tags: Conceptos básicos, Lesiones", "tags:", "tags: [Conceptos básicos, Lesiones]"),
    ("  - A scan shows the brain.", "  • A scan shows the brain.\n  • Most lesions cause no symptoms.", "  • A", "- "),
    ("  - A scan shows the brain.", "  · A scan shows the brain.", "  · A", "- "),
    ("  - A scan shows the brain.", "  – A scan shows the brain.\n  – Most lesions cause no symptoms.", "  – A", "- "),
    ("  - A scan shows the brain.", "  — A scan shows the brain.", "  — A", "- "),
    ("  - A scan shows the brain.", "  ▪ A scan shows the brain.", "  ▪ A", "- "),
    (
        "  - A scan shows the brain.",
        "  1. A scan shows the brain.\n  2. Most lesions cause no symptoms.",
        "  1. A",
        "- ",
    ),
    (
        "  - A scan shows the brain.",
        "  1) A scan shows the brain.\n  2) Most lesions cause no symptoms.",
        "  1) A",
        "- ",
    ),
    (
        "  - A scan shows the brain.",
        "  -A scan shows the brain.\n  -Most lesions cause no symptoms.",
        "  -A",
        "- A scan",
    ),
    ("  - A scan shows the brain.", "  A scan shows the brain.\n  Most lesions cause no symptoms.", "  A scan", "- "),
    (
        "  - A scan shows the brain.",
        "  - A scan shows the brain.\n    • Most lesions cause no symptoms.",
        "    •",
        "- ",
    ),
    ("  - A scan shows the brain.", "  - • A scan shows the brain.", "  - •", "Remove the '•'"),
    ("tags: [MRI basics]", "tags: MRI basics; Lesions", "tags:", "tags: [MRI basics, Lesions]"),
    ("tags: [MRI basics]", "aliases: old-page, older-page\ntags: [MRI basics]", "aliases:", "[old-page, older-page]"),
    (
        "takeaways:\n  - A scan shows the brain.",
        "takeaways: A scan shows the brain. • Most lesions...",
        "takeaways:",
        "- A scan",
    ),
    ("takeaways:", "questions: Are there new lesions?, Do I need contrast?\ntakeaways:", "questions:", "- Are there"),
    ("  - A scan shows the brain.", "  - 1. A scan shows the brain.", "  - 1.", "Remove the '1.'"),
]


@pytest.mark.parametrize(("old", "new", "at", "fix"), LISTS)
def test_a_list_written_as_one_text_is_reported_at_its_line(old, new, at, fix):
    text = swap(old, new)
    problem = only(read(text)[1], "front-matter-list")
    assert problem.line == line_of(text, at)
    assert fix in problem.hint


@pytest.mark.parametrize(
    "new",
    [
        "  - A scan shows the brain, the spine and the nerves.",
        "  - A scan shows the brain.\n  - Most lesions cause no symptoms.",
        "  - A scan shows the brain\n    – it takes about 20 minutes.",  # a wrapped line: a dash in a sentence
        "  - 3 T scans show more.",
        "  - Ask: is it new? Is it larger?",
    ],
)
def test_correct_lists_are_fine(new):
    data, problems = read(swap("  - A scan shows the brain.", new))
    assert problems == [], [p.format() for p in problems]


def test_one_tag_without_brackets_is_fine():
    data, problems = read(swap("tags: [MRI basics]", "tags: MRI basics"))
    assert problems == [] and data["tags"] == "MRI basics"


# --- slips read as meant -----------------------------------------------------------------------

MENDED = [
    (
        "summary: A short page about scans.",
        "summary:\u00a0A short page about scans.",
        "summary",
        "A short page about scans.",
    ),
    ("  - A scan shows the brain.", "\u00a0\u00a0- A scan shows the brain.", "takeaways", ["A scan shows the brain."]),
    ("  - A scan shows the brain.", "  -\u00a0A scan shows the brain.", "takeaways", ["A scan shows the brain."]),
    ("  - A scan shows the brain.", "  -\tA scan shows the brain.", "takeaways", ["A scan shows the brain."]),
    ("title: What a scan shows", "title: \u201cT2 lesions\u201d", "title", "T2 lesions"),
    ("title: What a scan shows", "title: \u201cT2 lesions: what they are\u201d", "title", "T2 lesions: what they are"),
    ("title: What a scan shows", "title: \u2018T2 lesions: what they are\u2019", "title", "T2 lesions: what they are"),
    (
        "title: What a scan shows",
        "title: \u00abQu\u00e9 muestra: la prueba\u00bb",
        "title",
        "Qu\u00e9 muestra: la prueba",
    ),
    ("title: What a scan shows", "title: \u2018It\u2019s a scan\u2019", "title", "It\u2019s a scan"),
    ("tags: [MRI basics]", "tags: [\u201cMRI basics\u201d, Lesions]", "tags", ["MRI basics", "Lesions"]),
    ("  - A scan shows the brain.", "  - \u201cA scan: the brain.\u201d", "takeaways", ["A scan: the brain."]),
    # Quotes inside a value, not around it, stay as written.
    (
        "title: What a scan shows",
        "title: \u201cT2\u201d and \u201cT1\u201d scans",
        "title",
        "\u201cT2\u201d and \u201cT1\u201d scans",
    ),
    ("title: What a scan shows", "title: What\u2019s on your scan", "title", "What\u2019s on your scan"),
    (
        "summary: A short page about scans.",
        "summary: A page about 10\u00a0mm lesions.",
        "summary",
        "A page about 10\u00a0mm lesions.",
    ),
]


@pytest.mark.parametrize(("old", "new", "key", "value"), MENDED)
def test_no_break_spaces_and_curly_quotes_around_a_value_are_read_as_meant(old, new, key, value):
    data, problems = read(swap(old, new))
    assert problems == [], [p.format() for p in problems]
    assert data[key] == value


def test_a_slip_fails_the_build_and_publishes_nothing(blank_site):
    text = ARTICLE.format(title="Your #1 question about scans", text="Body.")
    blank_site.article("hash.md", text)
    blank_site.article("ok.md", ARTICLE.format(title="What a scan shows", text="Body."))
    found = [d for d in blank_site.check() if d.code == "front-matter-hash"]
    assert [(d.file, d.line) for d in found] == [("content/articles/hash.md", 2)]


def test_a_page_is_checked_as_an_article_is(blank_site):
    blank_site.write("content/pages/about.md", "---\ntitle: About **us**\n---\nText.\n")
    found = [d for d in blank_site.check() if d.code == "front-matter-markdown"]
    assert [(d.file, d.line) for d in found] == [("content/pages/about.md", 2)]
