"""Ordinary slips of an editor (issue 29): each comes out as the intended element, or as a
finding at its source line; none publishes a broken page with 0 findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.core.errors import Severity
from sitegen.core.yamlread import load
from sitegen.markup import Renderer
from sitekit import copy_site, soup

FILE = "content/articles/x.md"
BODY_LINE = 8
TARGETS = {"other.md": "articles/other/"}
BILINGUAL = Path(__file__).resolve().parent / "fixtures" / "bilingual"


def render(body: str, prefix: str = ""):
    renderer = Renderer("escape", prefix=prefix, fallback=("en", "en inglés") if prefix else ("", ""))
    return renderer.render(body, file=FILE, body_line=BODY_LINE, targets=TARGETS, root="../../")


def errors(markup):
    return [(d.code, d.line) for d in markup.diagnostics if d.severity is Severity.ERROR]


# --- A. curly quotes ---------------------------------------------------------------


@pytest.mark.parametrize("quotes", ["“”", "„“", "«»", "‘’", "»«", "””"])
@pytest.mark.parametrize("kind", ["urgent", "key-point", "do"])
def test_a_callout_title_in_typographic_quotes_is_a_box(quotes, kind):
    body = f"Intro.\n\n!!! {kind} {quotes[0]}Ring your MS nurse today if:{quotes[1]}\n    - you have new symptoms\n"
    markup = render(body)
    box = soup(markup.html).find("div", class_=f"callout-{kind}")
    assert box is not None, markup.html
    assert "Ring your MS nurse today if:" in box.find("p", class_="callout-title").get_text()
    assert "!!!" not in soup(markup.html).get_text()
    assert errors(markup) == []


@pytest.mark.parametrize(
    "opener", ["!!! Urgent", "!!!  urgent", "!!!\turgent", "!!! URGENT", "!!! urgent ", "!!!\u00a0urgent\u00a0"]
)
def test_a_callout_opener_with_a_capital_or_extra_space_is_a_box(opener):
    markup = render(f'{opener} "Ring today if:"\n    - you feel worse\n')
    assert soup(markup.html).find("div", class_="care-card") is not None, markup.html


def test_a_curly_quoted_image_caption_is_the_caption_not_part_of_the_file_name():
    markup = render("![A nerve fibre](images/myelin.svg “Myelin and a gap”)\n")
    (image,) = markup.images
    assert image[0] == "images/myelin.svg"
    assert soup(markup.html).img["title"] == "Myelin and a gap"


@pytest.mark.parametrize(
    ("line", "typed"),
    [
        ("title: “T2 lesions: what they are”", 'title: "T2 lesions: what they are"'),
        ("title: «Lesiones T2: qué son»", 'title: "Lesiones T2: qué son"'),
        ("  - “Ask: is it new?”", '- "Ask: is it new?"'),
    ],
)
def test_a_front_matter_value_in_curly_quotes_says_to_type_straight_quotes(line, typed):
    (problem,) = load(f"summary: S.\n{line}\n", FILE, 2).diagnostics
    assert problem.line == 3
    assert "curly quotes" in problem.hint and 'straight double quotes "' in problem.hint
    assert problem.hint.endswith(typed)


def test_a_colon_without_quotes_keeps_its_own_hint():
    (problem,) = load("title: MRI: the basics\n", FILE, 2).diagnostics
    assert "double quotes" in problem.hint and "curly" not in problem.hint


# --- B. indentation: no code blocks ----------------------------------------------------


@pytest.mark.parametrize("indent", ["\t", "    ", "        "])
def test_b_an_indented_list_after_a_blank_line_is_a_list_not_code(indent):
    markup = render(f"You may notice:\n\n{indent}- tingling\n{indent}- tiredness\n")
    page = soup(markup.html)
    assert page.find("pre") is None and page.find("code") is None
    assert [li.get_text() for li in page.find_all("li")] == ["tingling", "tiredness"]


def test_b_a_list_run_into_its_paragraph_is_reported_at_the_first_item():
    body = "Intro.\n\nYou may notice:\n\t- tingling\n\t- tiredness\n"
    markup = render(body)
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 3)]
    assert "blank line" in markup.diagnostics[0].hint


# --- C. tables -------------------------------------------------------------------------

TABLE = "| Scan | Shows |\n|---|---|\n| T2 | Lesions |\n"


@pytest.mark.parametrize("caption", ["", "Table: Scans\n"])
def test_c_a_separator_with_fewer_cells_is_reported_at_the_table_not_the_caption(caption):
    body = "Intro.\n\n" + caption + "| Scan | Shows | When |\n|---|---|\n| T2 | Lesions | Always |\n"
    markup = render(body)
    (problem,) = markup.diagnostics
    assert (problem.code, problem.line) == ("syntax-not-understood", BODY_LINE + 2 + bool(caption))
    assert "3 cells" in problem.message and "has 2" in problem.message
    assert "|---|---|---|" in problem.hint


def test_c_tabla_is_the_caption_keyword_of_spanish_articles():
    markup = render("Texto.\n\nTabla: Tipos de resonancia\n" + TABLE, prefix="es/")
    assert markup.diagnostics == ()
    assert soup(markup.html).table.caption.get_text() == "Tipos de resonancia"


def test_c_tabla_in_an_english_article_is_reported_with_the_fix():
    markup = render("Text.\n\nTabla: Scan types\n" + TABLE)
    (problem,) = markup.diagnostics
    assert (problem.code, problem.line) == ("syntax-not-understood", BODY_LINE + 3)
    assert "`Table: Scan types`" in problem.hint


# --- D. the safety net -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('Intro.\n\n!!! urgent "Ring today\n    - new symptoms\n', 3, "not closed"),
        ("Intro.\n\n!!! \n    Text.\n", 3, "no box kind"),
        ('Intro.\n\n!!! urgent: "Ring today"\n    Text.\n', 3, "not a title in double quotes"),
        ("Read [the contrast article] (other.md#what-contrast-shows).\n", 1, "space between `]` and `(`"),
        ("See this:\n\n![A nerve] (images/x.svg)\n", 3, "space between `]` and `(`"),
        ("Some **bold text here.\n", 1, "`**`"),
        ("Intro.\n\n| a | b |\n| 1 | 2 |\n", 3, "not the line under the header"),
        ("Intro.\n\nCaption: Scans\n\nMore.\n", 3, "caption"),
    ],
)
def test_d_syntax_left_in_the_text_is_an_error_at_its_source_line(body, line, words):
    markup = render(body)
    problems = [d for d in markup.diagnostics if d.code == "syntax-not-understood"]
    assert problems, markup.html
    assert problems[0].line == BODY_LINE + line - 1
    assert problems[0].severity is Severity.ERROR
    assert words in problems[0].message + problems[0].hint


def test_d_a_misspelt_callout_kind_is_an_error_that_names_the_kind():
    markup = render('!!! urgnet "Ring today if:"\n    - you feel worse\n')
    (problem,) = markup.diagnostics
    assert problem.code == "callout-kind" and problem.severity is Severity.ERROR
    assert "`!!! urgent`" in problem.hint


def test_d_escaped_and_code_syntax_is_not_reported():
    body = "Write `!!! note` or `**bold**`; a star: \\*\\* and a pipe | in text.\n\nNumbers 1 | 2 on a line.\n"
    assert render(body).diagnostics == ()


def test_d_the_net_reports_through_check_in_both_languages(tmp_path):
    from sitegen.pipeline import check

    site = copy_site(BILINGUAL, tmp_path / "site")
    spanish = site.content / "es" / "articles" / "lesiones.md"
    text = spanish.read_text(encoding="utf-8")
    spanish.write_text(text + "\n!!! urjente “Llame hoy si:”\n    - tiene síntomas nuevos\n", encoding="utf-8")
    english = site.content / "articles" / "lesions.md"
    text = english.read_text(encoding="utf-8")
    english.write_text(text + "\nTable: Scans\n| a | b | c |\n|---|---|\n| 1 | 2 | 3 |\n", encoding="utf-8")
    found = {(d.file, d.code, d.line) for d in check(site.config(), use_cache=False).diagnostics}
    spanish_line = spanish.read_text(encoding="utf-8").split("\n").index("!!! urjente “Llame hoy si:”") + 1
    english_line = english.read_text(encoding="utf-8").split("\n").index("| a | b | c |") + 1
    assert ("content/es/articles/lesiones.md", "callout-kind", spanish_line) in found
    assert ("content/articles/lesions.md", "syntax-not-understood", english_line) in found


def test_d_a_box_not_understood_is_one_finding_not_one_per_line_of_its_list():
    markup = render('!!! urgent "Ring today\n    - you feel worse\n    - you cannot see\n')
    assert errors(markup) == [("syntax-not-understood", BODY_LINE)]


@pytest.mark.parametrize(
    ("row", "words"), [("| T2  Lesions |", "1 cell but"), ("| T2 | Lesions | Always |", "3 cells")]
)
def test_c_a_row_with_a_missing_or_extra_pipe_is_reported_at_its_line(row, words):
    markup = render("Intro.\n\n| Scan | Shows |\n|---|---|\n| T1 | Shape |\n" + row + "\n")
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 5)]
    assert words in markup.diagnostics[0].message


@pytest.mark.parametrize(("keyword", "prefix"), [("  Table:", ""), ("Tabla :", "es/"), ("  Tabla:", "es/")])
def test_c_an_indented_or_spaced_caption_line_is_the_caption(keyword, prefix):
    markup = render(f"Text.\n\n{keyword} Scans\n" + TABLE, prefix=prefix)
    assert markup.diagnostics == ()
    assert soup(markup.html).table.caption.get_text() == "Scans"


def test_d_the_third_care_card_is_found_whatever_its_case_and_a_broken_one_is_not_counted():
    card = '!!! {} "Ring today if:"\n    - you feel worse\n\n'
    body = card.format("urgent") + card.format("urgent:") + card.format("emergency") + card.format("Urgent")
    markup = render(body)
    (count,) = [d for d in markup.diagnostics if d.code == "care-card-count"]
    assert count.line == BODY_LINE + 9
