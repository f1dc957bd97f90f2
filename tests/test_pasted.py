"""Text pasted from a word processor or typed on a phone (probe 29): each slip comes out as the
element the editor meant, or as an error at its source line; correct neighbours give nothing."""

from __future__ import annotations

import pytest

from sitegen.core.errors import Severity
from sitegen.markup import Renderer
from sitekit import soup

BODY_LINE = 8


def render(body: str, prefix: str = ""):
    renderer = Renderer("escape", prefix=prefix, fallback=("en", "en inglés") if prefix else ("", ""))
    return renderer.render(
        body, file="content/articles/x.md", body_line=BODY_LINE, targets={"other.md": "articles/other/"}, root="../../"
    )


def errors(markup):
    return [(d.code, d.line) for d in markup.diagnostics if d.severity is Severity.ERROR]


def messages(markup):
    return " ".join(f"{d.message} {d.hint}" for d in markup.diagnostics)


# --- F06: invisible characters -------------------------------------------------------


@pytest.mark.parametrize("char", ["\u200b", "\ufeff", "\u2060"])
@pytest.mark.parametrize(
    ("line", "tag"),
    [
        ('!!! warning "Be careful"\n    Ask your team first.', "div"),
        ("## A part", "h2"),
        ("- your scan letter\n{c}- your medicine list", "ul"),
        ('![A nerve fibre](images/x.svg "Myelin")', "img"),
    ],
)
def test_f06_an_invisible_character_at_a_line_start_is_dropped(char, line, tag):
    markup = render("Some text.\n\n" + char + line.replace("{c}", char) + "\n\nMore text.\n")
    page = soup(markup.html)
    assert page.find(tag) is not None, markup.html
    assert char not in markup.html
    assert not any(mark in page.get_text() for mark in ("!!!", "##", "- "))


def test_f06_an_invisible_character_in_a_citation_key_does_not_spoil_it():
    renderer = Renderer("escape")
    markup = renderer.render(
        "A claim [@rocca\u200b2024].\n\n## Part\n\n[@nobody\u200b2020] here.\n",
        file="x.md",
        body_line=BODY_LINE,
        targets={},
        root="",
        cite_keys=frozenset({"rocca2024"}),
    )
    assert "\u200b" not in messages(markup)
    assert "nobody2020" in messages(markup)
    assert ("citation-unknown", BODY_LINE + 4) in [(d.code, d.line) for d in markup.diagnostics]


# --- F03: pasted bullets ---------------------------------------------------------------


@pytest.mark.parametrize("marker", ["•", "·", "▪", "◦", "●", "–", "—", "•\t", "-\u00a0", "(1)", "1)"])
def test_f03_a_pasted_bullet_list_is_a_list(marker):
    items = [f"{marker.replace('1', str(n))} item {n}".replace("\t ", "\t") for n in (1, 2)]
    markup = render("Bring these:\n\n" + "\n".join(items) + "\n")
    found = soup(markup.html).find_all("li")
    assert [li.get_text() for li in found] == ["item 1", "item 2"], markup.html
    assert errors(markup) == []


@pytest.mark.parametrize("marker", ["•", "—"])
def test_f03_pasted_bullets_in_a_care_card_are_its_items(marker):
    body = f'!!! emergency "Call 999 if:"\n    {marker} you cannot breathe\n    {marker} your face swells\n'
    markup = render(body)
    card = soup(markup.html).find("div", class_="care-card")
    assert [li.get_text() for li in card.find_all("li")] == ["you cannot breathe", "your face swells"]


def test_f03_a_dash_inside_prose_stays_prose():
    body = "The scan took an hour\n— longer than I thought.\n\nIt was fine.\n"
    markup = render(body)
    assert soup(markup.html).find("li") is None
    assert errors(markup) == []


def test_f03_a_lettered_list_is_an_error_at_its_first_item():
    markup = render("Steps:\n\na) Lie still.\nb) Breathe normally.\n")
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 2)]
    assert "letters" in messages(markup)


def test_f03_a_numbered_list_with_brackets_after_text_says_leave_a_blank_line():
    markup = render("Steps:\n1) Lie still.\n2) Breathe normally.\n")
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 1)]
    assert "blank line" in messages(markup)


# --- F05: nested lists -----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "- your scan letter\n  - a copy of the report\n- your medicine list\n",
        "1. Lie still.\n   - do not move your head\n2. Breathe.\n",
        "- your scan letter\n   - a copy of the report\n- your medicine list\n",
        "- your scan letter\n    - a copy of the report\n- your medicine list\n",
        "- your scan letter\n    o a copy of the report\n- your medicine list\n",
    ],
)
def test_f05_a_sub_item_indented_by_two_to_four_spaces_is_nested(body):
    markup = render(body)
    outer = soup(markup.html).find(["ul", "ol"])
    assert len(outer.find_all("li", recursive=False)) == 2, markup.html
    assert outer.find("li").find("ul") is not None
    assert "- " not in soup(markup.html).get_text()


def test_f05_a_sub_item_in_a_do_box_does_not_get_its_own_tick():
    markup = render("!!! do\n    - bring your letter\n      - and a copy\n")
    box = soup(markup.html).find("div", class_="callout-do")
    assert len(box.find("ul").find_all("li", recursive=False)) == 1, markup.html


def test_f05_a_paragraph_run_into_the_last_item_is_an_error_at_its_line():
    markup = render("- your scan letter\n- your medicine list\nThis paragraph has no blank line.\n")
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 2)]


def test_f05_a_wrapped_item_is_not_reported():
    markup = render("- your scan letter and\nthe report\n- the date of the scan, which\nMS nurses ask for\n")
    assert errors(markup) == []


# --- F07: headings ---------------------------------------------------------------------


@pytest.mark.parametrize("indent", [" ", "  ", "   "])
def test_f07_an_indented_heading_is_a_heading(indent):
    markup = render(f"Some text.\n\n{indent}## A part\n\nMore text.\n")
    assert soup(markup.html).find("h2").get_text() == "A part", markup.html
    assert "##" not in markup.html


@pytest.mark.parametrize("rule", ["---", "-----", "==="])
def test_f07_a_rule_right_under_a_sentence_is_an_error_at_the_rule(rule):
    markup = render(f"Intro.\n\nMost people have a scan once a year.\n{rule}\nThe next part starts here.\n")
    assert ("syntax-not-understood", BODY_LINE + 3) in errors(markup)


def test_f07_a_heading_underlined_and_a_divider_after_a_blank_line_are_not_reported():
    markup = render("Intro.\n\nA part\n------\n\nText.\n\n---\n\nMore.\n")
    assert errors(markup) == []
    assert soup(markup.html).find("h2") is not None and soup(markup.html).find("hr") is not None


@pytest.mark.parametrize("line", ["##", "## ", "###  ##", "#"])
def test_f07_an_empty_heading_is_an_error_at_its_line(line):
    markup = render(f"Intro.\n\n{line}\n\nSome text.\n")
    assert ("syntax-not-understood", BODY_LINE + 2) in errors(markup)


# --- F08: link, footnote and citation syntax left on the page -----------------------------


def render_cited(body: str):
    return Renderer("escape").render(
        body,
        file="x.md",
        body_line=BODY_LINE,
        targets={"other.md": "articles/other/"},
        root="",
        cite_keys=frozenset({"rocca2024"}),
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Read [the other page]\n(other.md).", "next line"),
        ("Read [it](other.md.", "never closed"),
        ("Read [it(other.md).", "`]`"),
        ("Read [the page][2].", "defined"),
        ("Most people have a scan yearly[^1].", "footnote"),
        ("A scan [@ rocca2024].", "space"),
        ("A scan [\u00a0@rocca2024].", "space"),
        ("A scan (@rocca2024).", "round brackets"),
        ("A scan [rocca2024].", "`@`"),
        ("A claim [@].", "no reference"),
        ("See [the study [@rocca2024]](other.md).", "after the link"),
    ],
)
def test_f08_raw_link_or_citation_syntax_is_an_error_at_its_line(text, words):
    markup = render_cited(f"A scan is a picture [@rocca2024].\n\n## A part\n\n{text}\n")
    assert ("syntax-not-understood", BODY_LINE + 4) in errors(markup), markup.diagnostics
    assert words in messages(markup)


def test_f08_correct_links_and_citations_give_no_finding():
    body = (
        "A scan [@rocca2024]. See [the page](other.md) and [part](other.md#a-part "
        '"Title"), or (the page). A [bracket] and 2 * 3 and snake_case.\n'
    )
    markup = render_cited(body)
    assert errors(markup) == [], markup.diagnostics


def test_f08_a_footnote_is_refused_at_its_definition_not_as_a_broken_section_link():
    markup = render_cited("A scan is a picture [@rocca2024].\n\nMost people have a scan yearly[^1].\n\n[^1]: Rocca.\n")
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 4)]
    assert not any(target.startswith("#fn") for target, _ in markup.links)


# --- F10: table captions ---------------------------------------------------------------

TABLE = "| Scan | What it shows |\n|---|---|\n| T2 | Old lesions |\n"


@pytest.mark.parametrize("caption", ["Tabel: Scans", "Table. Scans", "Table 1: Scans", "**Table: Scans**"])
@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_f10_a_caption_written_otherwise_says_how_to_write_it(caption, gap):
    markup = render(f"Intro.\n\n{caption}{gap}{TABLE}")
    assert errors(markup) and errors(markup)[0][1] in (BODY_LINE + 2, BODY_LINE + 2 + len(gap)), markup.diagnostics
    assert "`Table: Scans`" in messages(markup)
    assert "blank line between the text above" not in messages(markup)


def test_f10_a_lowercase_spanish_caption_is_told_to_write_tabla():
    markup = render(f"Intro.\n\ntabla: Pruebas\n\n{TABLE}", prefix="es/")
    assert ("syntax-not-understood", BODY_LINE + 2) in errors(markup)
    assert "`Tabla: Pruebas`" in messages(markup)


def test_f10_a_caption_written_right_gives_no_finding_in_either_language():
    assert errors(render(f"Intro.\n\nTable: Scans\n{TABLE}")) == []
    assert errors(render(f"Intro.\n\nTabla: Pruebas\n\n{TABLE}", prefix="es/")) == []
    assert errors(render("Tablets: take them with food.\n\nTable 2 shows the scans.\n")) == []


def test_f10_two_caption_lines_are_an_error_and_one_caption():
    markup = render(f"Intro.\n\nTable: Scans\nTable: Again\n{TABLE}")
    assert ("table-caption", BODY_LINE + 2) in errors(markup)
    assert len(soup(markup.html).find_all("caption")) <= 1


def test_f10_a_table_pasted_with_tabs_is_an_error_at_its_first_row():
    markup = render("Intro.\n\nScan\tWhat it shows\nT2\tOld lesions\nT1\tActive lesions\n")
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 2)]
    assert "| Scan | What it shows |" in messages(markup)


@pytest.mark.parametrize(
    "table",
    [
        "| Scan | What it shows |\n|———|———|\n| T2 | Old lesions |\n",
        "│ Scan │ What it shows │\n|---|---|\n│ T2 │ Old lesions │\n",
        "｜ Scan ｜ What it shows ｜\n｜---｜---｜\n｜ T2 ｜ Old lesions ｜\n",
    ],
)
def test_f10_a_table_drawn_with_long_dashes_or_box_bars_is_a_table(table):
    markup = render(f"Intro.\n\n{table}")
    assert soup(markup.html).find("td").get_text() == "T2", markup.html
    assert errors(markup) == []


def test_f13_cell_counts_are_written_in_good_english():
    markup = render("Intro.\n\n| Scan |\n|---|---|\n| T2 |\n")
    assert "1 cells" not in messages(markup)


# --- F11: emphasis ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["This is __very important for you.", "This is ***very important** for you.", "This is *very important."]
)
def test_f11_an_emphasis_sign_left_open_is_an_error_at_its_line(text):
    markup = render(f"Intro.\n\n## Part\n\n{text}\n")
    assert errors(markup) == [("syntax-not-understood", BODY_LINE + 4)], markup.diagnostics


def test_f11_emphasis_that_closes_and_lone_signs_give_no_finding():
    markup = render("This is *very* **important** and __bold__, 2 * 3 = 6, a * b, file_name_here.\n")
    assert errors(markup) == []


# --- F12: another tool's box syntax, images that cannot be figures ----------------------


@pytest.mark.parametrize(
    "box",
    [
        "::: warning\nAsk your team first.\n:::",
        "> [!WARNING]\n> Ask your team first.",
        '!! warning "Be careful"\n    Ask your team first.',
        '! warning "Be careful"\n    Ask your team first.',
    ],
)
def test_f12_another_tools_box_is_an_error_that_shows_ours(box):
    markup = render(f"Intro.\n\n{box}\n")
    assert errors(markup)[:1] == [("syntax-not-understood", BODY_LINE + 2)], markup.diagnostics
    assert '`!!! warning "Title"`' in messages(markup)


@pytest.mark.parametrize("opener", ['！！！ warning "Be careful"', '!!! advertencia "Cuidado"', '!!! nota "Cuidado"'])
def test_f12_a_full_width_opener_or_a_spanish_kind_is_a_box(opener):
    markup = render(f"Intro.\n\n{opener}\n    Ask your team first.\n", prefix="es/")
    assert soup(markup.html).find("div", class_="callout") is not None, markup.html
    assert not [d for d in markup.diagnostics if d.code in ("syntax-not-understood", "callout-kind")]


def test_f12_a_quote_and_an_exclamation_are_not_boxes():
    markup = render("> Ask your team first.\n\n! Important: come early.\n")
    assert errors(markup) == []


@pytest.mark.parametrize(
    "body",
    [
        '- ![A nerve fibre](images/x.svg "Myelin")\n',
        '![A nerve fibre](images/x.svg "Myelin") Source: us.\n',
        '![A nerve fibre](images/x.svg "Myelin")\nSource: us.\n',
    ],
)
def test_f12_an_image_that_cannot_be_a_figure_is_an_error_at_its_line(body):
    markup = render("Intro.\n\n" + body)
    assert ("syntax-not-understood", BODY_LINE + 2) in errors(markup), markup.diagnostics


def test_f12_an_image_alone_or_inside_a_sentence_is_not_reported():
    markup = render(
        'Intro.\n\n![A nerve fibre](images/x.svg "Myelin")\n\nPress ![the button](images/b.svg) to start.\n'
    )
    assert not [d for d in markup.diagnostics if d.code == "syntax-not-understood"]


# --- F13: messages and accepted titles ---------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Read [it](other.md “The other’s page”).",
        "![A nerve fibre](images/x.svg “The nerve’s myelin”)",
        '![A nerve fibre](images/x.svg “Myelin and a gap")',
        '! [A nerve fibre](images/x.svg "Myelin")',
    ],
)
def test_f13_a_curly_title_with_an_apostrophe_or_a_spaced_bang_is_accepted(line):
    markup = render(f"Intro.\n\n{line}\n")
    titles = [tag.get("title") for tag in soup(markup.html).find_all(["a", "img"])]
    assert any(title and "”" not in title and "“" not in title for title in titles), markup.html
    assert all(target in ("other.md", "images/x.svg") for target, *_ in [*markup.links, *markup.images])
    assert not [d for d in markup.diagnostics if d.code == "syntax-not-understood"]
