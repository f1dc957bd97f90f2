"""A callout's lines: text that falls out of its box is an error at its line, and the slips
whose meaning is certain (no-break spaces, a kind spelt `don’t` or `non–urgent`) are mended.

Each slip has a correct neighbour that must give no finding.
"""

from __future__ import annotations

import pytest

from sitegen.core.errors import Severity
from sitegen.markup import Renderer
from sitekit import line_of, soup

BODY_LINE = 8  # as if the front matter took lines 1-7


def render(body: str, translate=str):
    return Renderer(translate=translate).render(body, file="x.md", body_line=BODY_LINE, targets={}, root="../../")


def found(body: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in render(body).diagnostics]


def at(body: str, needle: str) -> int:
    return BODY_LINE + line_of(body, needle, 1) - 1


def box_items(body: str) -> list[str]:
    box = soup(render(body).html).find("div", class_="callout")
    return [item.get_text() for item in box.find_all("li")]


URGENT = '!!! urgent "Ring your MS nurse today if:"\n    - you have new symptoms\n'


@pytest.mark.parametrize(
    ("slip", "code", "needle"),
    [
        # A second point at the start of the line after a blank line: a list after the box's list.
        (URGENT + "\n- you have a fever that lasts\n", "callout-outside", "- you have a fever"),
        # The same with no blank line: a "lazy" line ends the box.
        (URGENT + "- you have a fever\n", "callout-indent", "- you have a fever"),
        # A point indented by two spaces in an emergency card.
        (
            '!!! emergency "Call emergency services if:"\n    - you have trouble breathing\n  - your face swells\n',
            "callout-indent",
            "  - your face swells",
        ),
        # A paragraph's second line not indented.
        (
            '!!! warning "Be careful"\n    First line of text\ncontinues without indent.\n',
            "callout-indent",
            "continues",
        ),
        # A numbered list, inside a list item's box (measured from the `!!!` line's own indent).
        ("- item\n\n    !!! note\n        1. first\n\n    2. second\n", "callout-outside", "    2. second"),
        # A box with no text: its list right below it, not indented.
        (
            '!!! urgent "Ring your MS nurse today if:"\n- you have new symptoms\n- you have a fever\n',
            "callout-indent",
            "!!! urgent",
        ),
        # ... or after a blank line, below a title that announces it.
        ('!!! note "Bring these:"\n\nyour last report\n', "callout-indent", "!!! note"),
    ],
    ids=["item-after-blank", "lazy-item", "item-2-spaces", "lazy-line", "in-a-list", "empty-list", "empty-colon"],
)
def test_a_line_that_falls_out_of_its_box_is_an_error_at_its_line(slip, code, needle):
    markup = render("Intro.\n\n" + slip)
    body = "Intro.\n\n" + slip
    assert [(d.code, d.line) for d in markup.diagnostics] == [(code, at(body, needle))]
    (problem,) = markup.diagnostics
    assert problem.severity is Severity.ERROR
    assert "four spaces" in problem.hint
    assert "below" in problem.message


@pytest.mark.parametrize(
    "correct",
    [
        URGENT + "    - you have a fever\n\nThen rest.\n",
        URGENT + "\n    - you have a fever that lasts\n",
        URGENT + "\nOther things to know:\n\n- a list after a sentence\n",
        '!!! note "Be careful"\n    A paragraph in the box.\n\nA paragraph after it.\n\n- and a list\n',
        URGENT + "## The next part\n",
        URGENT + "\n!!! emergency\n    - call 999\n",
        "- item\n\n    !!! note\n        Text in the box.\n\n    More of the item.\n",
        '!!! note "A box with a title only"\n\n## Next\n',
    ],
    ids=[
        "all-in",
        "blank-between-points",
        "sentence-between",
        "paragraph-box",
        "heading-after",
        "two-boxes",
        "item-text-after",
        "title-only",
    ],
)
def test_a_box_written_right_gives_no_error(correct):
    assert [d for d in render(correct).diagnostics if d.is_error] == []


def test_an_outside_point_is_reported_not_put_in_the_box():
    body = URGENT + "\n- you have a fever that lasts\n"
    assert box_items(body) == ["you have new symptoms"]  # shown as written; the error stops the build


def test_text_indented_with_no_break_spaces_is_in_the_box():
    nbsp = "\u00a0"
    body = (
        f'!!! warning "Be careful"\n{nbsp} {nbsp} {nbsp} {nbsp} Ask your team first.\n\n'
        f'!!! urgent "Ring today if:"\n{nbsp * 4}- you feel worse\n{nbsp * 4}- you have a fever\n\nAfter.\n'
    )
    markup = render(body)
    assert markup.diagnostics == ()
    boxes = soup(markup.html).find_all("div", class_="callout")
    assert boxes[0].find_all("p")[1].get_text() == "Ask your team first."
    assert [li.get_text() for li in boxes[1].find_all("li")] == ["you feel worse", "you have a fever"]
    assert soup(markup.html).find_all("p")[-1].get_text() == "After."
    # A no-break space inside a line, or before text outside any box, is left as it is.
    assert render(f"A{nbsp}line.\n").html == f"<p>A{nbsp}line.</p>"


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("!!! don’t", "dont"),
        ("!!! Don't", "dont"),
        ('!!! non–urgent "Ask at your next visit if:"', "non-urgent"),
        ("!!! non urgent", "non-urgent"),
        ("!!! key—point", "key-point"),
    ],
)
def test_a_kind_spelt_with_an_apostrophe_dash_or_space_is_read_as_that_kind(written, kind):
    markup = render(f"{written}\n    - a point\n")
    assert markup.diagnostics == ()
    assert f"callout-{kind}" in soup(markup.html).div["class"]


def test_an_empty_title_in_quotes_is_a_box_without_a_title_not_an_empty_box():
    markup = render('!!! warning ""\n    Ask your team first.\n')
    assert markup.diagnostics == ()
    box = soup(markup.html).div
    assert box.find("p", class_="callout-title") is None and box.p.get_text() == "Ask your team first."
    (empty,) = render('Intro.\n\n!!! warning ""\n').diagnostics
    assert empty.code == "callout-empty" and empty.line == BODY_LINE + 2


@pytest.mark.parametrize(
    ("spanish", "english"),
    [("cuidado", "warning"), ("importante", "key-point"), ("urgencia", "emergency"), ("Haga", "do")],
)
def test_a_spanish_word_that_is_not_a_kind_is_an_error_that_names_the_english_one(spanish, english):
    """The Spanish names with one certain meaning are read as their kind (slips.SPANISH_KINDS,
    tests/test_pasted.py); another Spanish word is an error whose fix names the kind."""
    body = f'Texto.\n\n!!! {spanish} "Cuidado"\n    Pregunte a su equipo.\n'
    (problem,) = render(body).diagnostics
    assert problem.code == "callout-kind" and problem.is_error
    assert problem.line == BODY_LINE + 2
    assert f"Did you mean `!!! {english}`?" in problem.hint
    assert "note box" in problem.message


@pytest.mark.parametrize(
    ("spanish", "english"), [("advertencia", "warning"), ("urgente", "urgent"), ("No-Urgente", "non-urgent")]
)
def test_a_spanish_kind_with_one_meaning_is_read_as_that_kind(spanish, english):
    markup = render(f'Texto.\n\n!!! {spanish} "Cuidado"\n    Pregunte a su equipo.\n')
    assert not markup.diagnostics
    assert f"callout-{english}" in markup.html
