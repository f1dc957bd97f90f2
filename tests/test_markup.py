"""The Markdown layer: each extension as a small input and assertions on the parsed output."""

from __future__ import annotations

from textwrap import dedent
from urllib.parse import urlsplit

import pytest

from sitegen.core.errors import Severity
from sitegen.core.slugs import slugify
from sitegen.markup import Renderer
from sitekit import line_of, soup

FILE = "content/articles/x.md"
BODY_LINE = 8  # as if the front matter took lines 1-7
TARGETS = {"other.md": "articles/other-article/", "x.md": "articles/x/"}


def render(body: str, policy: str = "escape", drafts: frozenset = frozenset()):
    return Renderer(policy).render(body, file=FILE, body_line=BODY_LINE, targets=TARGETS, root="../../", drafts=drafts)


def file_line(body: str, needle: str, occurrence: int = 1) -> int:
    """The line of the article file on which `needle` appears in `body`."""
    return BODY_LINE + line_of(body, needle, occurrence) - 1


def codes(markup) -> list[str]:
    return [d.code for d in markup.diagnostics]


# --- table captions, header scope and the scroll wrapper ---------------------------

TABLE = "| Scan | Shows |\n|------|-------|\n| T1 | Shape |\n| T2 | Lesions |\n"


@pytest.mark.parametrize("gap", ["", "\n"], ids=["directly-before", "blank-line-between"])
def test_caption_line_becomes_the_table_caption(gap):
    markup = render("Some text.\n\nTable: Scan types compared\n" + gap + TABLE)
    assert markup.diagnostics == ()
    page = soup(markup.html)
    (table,) = page.find_all("table")
    assert table.caption.get_text() == "Scan types compared"
    assert table.contents[0] == table.caption  # the caption is the table's first child
    assert "Table:" not in page.get_text()
    assert [td.get_text() for td in table.find_all("td")] == ["T1", "Shape", "T2", "Lesions"]


def test_caption_line_not_followed_by_a_table_is_reported_and_kept_as_text():
    body = "Intro.\n\nTable: Scan types compared\n\nThis is a paragraph, not a table.\n"
    markup = render(body)
    (problem,) = markup.diagnostics
    assert problem.code == "table-caption"
    assert problem.severity is Severity.ERROR
    assert problem.line == file_line(body, "Table:")
    assert "Table: " in problem.hint
    page = soup(markup.html)
    assert page.find("table") is None
    assert [p.get_text() for p in page.find_all("p")] == [
        "Intro.",
        "Table: Scan types compared",
        "This is a paragraph, not a table.",
    ]


def test_caption_line_without_text_is_reported():
    body = "Table:\n" + TABLE
    markup = render(body)
    assert codes(markup) == ["table-caption"]
    assert markup.diagnostics[0].line == file_line(body, "Table:")
    assert soup(markup.html).find("table").caption is None


def test_header_cells_have_column_scope_and_the_table_scrolls_in_a_labelled_region():
    page = soup(render("Table: Scan types\n" + TABLE).html)
    headers = page.find_all("th")
    assert [th.get_text() for th in headers] == ["Scan", "Shows"]
    assert all(th.get("scope") == "col" for th in headers)
    wrapper = page.find("table").parent
    assert wrapper.name == "div"
    assert wrapper["class"] == ["table-scroll"]
    assert wrapper["role"] == "region"
    assert wrapper["tabindex"] == "0"
    assert wrapper["aria-label"] == "Scan types"


def test_every_table_is_wrapped_even_without_a_caption_or_inside_a_callout():
    body = TABLE + "\n!!! note\n" + "".join("    " + line + "\n" for line in TABLE.splitlines())
    page = soup(render(body).html)
    tables = page.find_all("table")
    assert len(tables) == 2
    for table in tables:
        assert "table-scroll" in table.parent["class"]
        assert table.parent["aria-label"]  # a label of some kind, even without a caption
    assert tables[1].find_parent("div", class_="callout") is not None


def test_body_cells_carry_their_column_header_for_the_phone_layout():
    body = "| Scan | What it *shows* |\n|---|---|\n| T1 | Shape |\n| T2 | Lesions |\n"
    table = soup(render(body).html).find("table")
    assert [td.get("data-label") for td in table.find_all("td")] == ["Scan", "What it shows"] * 2
    assert [th.get("data-label") for th in table.find_all("th")] == [None, None]


@pytest.mark.parametrize("policy", ["escape", "sanitize", "allow"])
def test_column_alignment_is_a_class_not_a_refused_style(policy):
    markup = render("| Scan | Minutes | Contrast | Notes |\n|:---|---:|:---:|---|\n| T1 | 5 | No | x |\n", policy)
    assert markup.diagnostics == ()
    table = soup(markup.html).table
    for row in table.find_all("tr"):
        assert [cell.get("class") for cell in row.find_all(["th", "td"])] == [
            ["align-left"],
            ["align-right"],
            ["align-center"],
            None,
        ]
    assert table.find(style=True) is None


# --- callouts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, title", [("key-point", "Key point"), ("note", "Note"), ("warning", "Warning"), ("tip", "Tip")]
)
def test_callout_kinds_get_a_readable_title_and_a_role(kind, title):
    markup = render(f"!!! {kind}\n    The body of the callout.\n")
    assert markup.diagnostics == ()
    box = soup(markup.html).find("div")
    assert box["class"] == ["callout", f"callout-{kind}"]
    assert box["role"] == "note"
    assert box["aria-label"] == title
    assert box.find("p", class_="callout-title").get_text() == title
    assert box.find_all("p")[1].get_text() == "The body of the callout."


def test_callout_with_a_custom_title():
    box = soup(render('!!! warning "Before a contrast scan"\n    Tell the team about kidney problems.\n').html).div
    assert box["class"] == ["callout", "callout-warning"]
    assert box.find("p", class_="callout-title").get_text() == "Before a contrast scan"
    assert box["aria-label"] == "Before a contrast scan"


def test_unknown_callout_kind_is_an_error_and_shows_as_a_note():
    # A box of another kind than the editor wrote is a wrong page, even with no kind close to it.
    body = "Intro.\n\n!!! danger\n    Be careful.\n"
    markup = render(body)
    (problem,) = markup.diagnostics
    assert problem.code == "callout-kind"
    assert problem.severity is Severity.ERROR
    assert problem.line == file_line(body, "!!! danger")
    assert "'danger'" in problem.message
    assert "!!! key-point" in problem.hint and "!!! warning" in problem.hint
    box = soup(markup.html).div
    assert box["class"] == ["callout", "callout-note"]
    assert "Be careful." in box.get_text()


# --- care cards, do and don't lists, inset text (the NHS design system's patterns) ---


@pytest.mark.parametrize(
    "kind, prefix",
    [
        ("non-urgent", "Non-urgent advice: "),
        ("urgent", "Urgent advice: "),
        ("emergency", "Immediate action required: "),
    ],
)
def test_care_card_title_starts_with_a_prefix_only_screen_readers_hear(kind, prefix):
    markup = render(f'!!! {kind} "Contact your care team if:"\n    - your vision *changes* suddenly\n')
    assert markup.diagnostics == ()
    box = soup(markup.html).find("div")
    assert box["class"] == ["callout", f"callout-{kind}", "care-card"]
    title = box.find("p", class_="callout-title")
    hidden = title.find("span", class_="visually-hidden")
    assert hidden.get_text() == prefix and title.contents[0] == hidden
    assert title.get_text() == prefix + "Contact your care team if:"
    assert box["aria-label"] == prefix + "Contact your care team if:"
    assert box.find("li").get_text() == "your vision changes suddenly"


def test_care_card_without_a_title_shows_its_level_once():
    box = soup(render("!!! urgent\n    Ring the MS nurse today.\n").html).find("div")
    assert box.find("p", class_="callout-title").get_text() == "Urgent advice"
    assert box.find("span", class_="visually-hidden") is None


def test_a_third_care_card_is_a_warning_on_its_own_line():
    body = (
        '!!! urgent "A"\n    One.\n\nText.\n\n!!! urgent "B"\n    Two.\n\n'
        '!!! note\n    Not a card.\n\n!!! urgent "C"\n    Three.\n'
    )
    markup = render(body)
    (problem,) = markup.diagnostics
    assert problem.code == "care-card-count" and problem.severity == Severity.WARNING
    assert problem.line == file_line(body, '!!! urgent "C"')
    assert problem.file == FILE and "3 care cards" in problem.message
    assert problem.excerpt == '!!! urgent "C"'
    assert codes(render(body.replace('!!! urgent "C"', '!!! note "C"'))) == []


def test_do_and_dont_lists():
    body = "!!! do\n    - take a list of questions\n\n!!! dont\n    - stop a medicine on your own\n"
    markup = render(body)
    assert markup.diagnostics == ()
    do, dont = soup(markup.html).find_all("div")
    assert do.find("p", class_="callout-title").get_text() == "Do"
    assert dont.find("p", class_="callout-title").get_text() == "Don't"
    assert do.ul["class"] == ["do-list"] and dont.ul["class"] == ["dont-list"]
    (problem,) = render("Text.\n\n!!! do\n    Just a sentence.\n").diagnostics
    assert problem.code == "callout-list" and problem.line == BODY_LINE + 2


def test_inset_text_has_no_title_unless_given():
    box = soup(render("!!! inset\n    Most people have a scan every year or two.\n").html).find("div")
    assert box["class"] == ["callout", "callout-inset"]
    assert box.find("p", class_="callout-title") is None
    assert box.get_text().strip() == "Most people have a scan every year or two."
    assert box["role"] == "note" and box["aria-label"] == "Information"
    titled = soup(render('!!! inset "Good to know"\n    Text.\n').html).find("div")
    assert titled.find("p", class_="callout-title").get_text() == "Good to know"


@pytest.mark.parametrize("gap", ["", "\n"], ids=["text-right-below", "blank-line-between"])
def test_callout_text_indented_by_two_spaces_is_an_error_on_the_callout_line(gap):
    # Python-Markdown leaves the box empty and puts the text in a paragraph below it: the
    # editor saw an empty "Warning" box and no message. The second, broken, callout of the
    # same kind is the one named.
    body = f"!!! warning\n    Fine.\n\nText.\n\n!!! warning\n{gap}  Only your team can tell.\n  Second line.\n"
    markup = render(body)
    (problem,) = markup.diagnostics
    assert problem.code == "callout-indent" and problem.severity is Severity.ERROR
    assert problem.line == file_line(body, "!!! warning", 2)
    assert problem.excerpt == "!!! warning"
    assert "indented by 2 spaces, not 4" in problem.message
    assert "four spaces" in problem.hint


def test_callout_inside_a_list_is_measured_from_its_own_indent():
    good = "- item\n\n    !!! note\n        Indented under the list.\n"
    assert render(good).diagnostics == ()
    assert (
        soup(render(good).html).find("div", class_="callout").find_all("p")[1].get_text() == "Indented under the list."
    )
    bad = "- item\n\n    !!! note\n      Two too few.\n"
    assert codes(render(bad)) == ["callout-indent"]


def test_callout_with_only_a_title_is_a_warning():
    body = 'Intro.\n\n!!! note "Ask your team"\n\nMore text.\n'
    (problem,) = render(body).diagnostics
    assert problem.code == "callout-empty" and problem.severity is Severity.WARNING
    assert problem.line == file_line(body, "!!! note")
    assert "empty box" in problem.message


# --- links ------------------------------------------------------------------------


def hrefs(markup) -> dict[str, str | None]:
    """Link text -> href (None when the attribute was removed)."""
    return {a.get_text(): a.get("href") for a in soup(markup.html).find_all("a")}


def test_links_to_article_files_become_page_urls():
    markup = render("See [a](other.md), [b](other.md#the-main-types) and [c](./other.md).\n")
    assert markup.diagnostics == ()
    assert hrefs(markup) == {
        "a": "../../articles/other-article/",
        "b": "../../articles/other-article/#the-main-types",
        "c": "../../articles/other-article/",
    }
    assert ("other.md#the-main-types", "other.md") in markup.links


def test_web_links_are_left_alone():
    markup = render("[w](https://example.org/page?q=1#x) [m](mailto:team@example.org) [f](#local)\n")
    assert markup.diagnostics == ()
    assert hrefs(markup) == {"w": "https://example.org/page?q=1#x", "m": "mailto:team@example.org", "f": "#local"}


def test_link_to_a_missing_file_is_reported_on_its_line():
    body = "First paragraph.\n\nSecond paragraph\nwith [a link](otehr.md) on its second line.\n"
    markup = render(body)
    (problem,) = markup.diagnostics
    assert problem.code == "link-broken"
    assert problem.severity is Severity.ERROR
    assert problem.line == file_line(body, "otehr.md")
    assert "otehr.md" in problem.message
    assert "'other.md'" in problem.hint  # did you mean


def test_broken_link_excerpt_shows_the_link_target_on_a_long_line():
    # A paragraph is one long line; the excerpt was its first 160 characters, which ended
    # before the link, so the misspelt file name could not be seen.
    words = "MRI shows the brain and the spinal cord in great detail, and it does not use X-rays. " * 3
    body = f"{words}Read [getting the most from your MRI appointments](questions-abut-your-mri.md) first.\n"
    (problem,) = render(body).diagnostics
    assert problem.code == "link-broken"
    assert "[getting the most from your MRI appointments](questions-abut-your-mri.md)" in problem.excerpt
    assert problem.excerpt.startswith("…") and len(problem.excerpt) <= 162
    assert problem.excerpt.strip("…") in body
    short = "Read [this](gone.md).\n"
    assert render(short).diagnostics[0].excerpt == "Read [this](gone.md)."


def test_each_broken_link_is_reported_on_its_own_line():
    body = "Read [this](gone.md).\n\nMore text.\n\nAnd again [here](gone.md).\n"
    markup = render(body)
    assert sorted(d.line for d in markup.diagnostics) == [file_line(body, "gone.md", 1), file_line(body, "gone.md", 2)]


def test_link_to_an_unpublished_article_says_so():
    markup = render("See [the draft](future.md).\n", drafts=frozenset({"future.md"}))
    (problem,) = markup.diagnostics
    assert problem.code == "link-broken"
    assert "future.md" in problem.message
    assert "not published" in problem.hint and "draft" in problem.hint


def test_link_to_a_draft_in_a_real_build_says_unpublished(blank_site):
    blank_site.article("draft.md", "---\ntitle: D\nsummary: S\ndate: 2026-01-10\ndraft: true\n---\n")
    text = "---\ntitle: A\nsummary: S\ndate: 2026-01-10\n---\nIntro.\n\nSee [the draft](draft.md).\n"
    blank_site.article("a.md", text)
    (problem,) = blank_site.check()
    assert (problem.file, problem.line, problem.code) == (
        "content/articles/a.md",
        line_of(text, "draft.md"),
        "link-broken",
    )
    assert "not published" in problem.hint
    with_drafts = blank_site.build(drafts=True, write=False)
    assert with_drafts.diagnostics == []
    link = soup(with_drafts.files["articles/a/index.html"]).select_one(".prose a")
    assert link["href"] == "../../articles/draft/"


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<b>hi</b>",
    ],
)
def test_unsafe_link_is_reported_and_loses_its_href(target):
    body = f"Intro.\n\nClick [here]({target}) now.\n"
    markup = render(body)
    (problem,) = markup.diagnostics
    assert problem.code == "link-unsafe"
    assert problem.line == file_line(body, "[here]")
    assert urlsplit(target.strip()).scheme.lower() in problem.message
    link = soup(markup.html).find("a")
    assert link.get_text() == "here"
    assert not link.has_attr("href")


def test_unsafe_image_source_is_removed():
    markup = render("![chart](javascript:alert(1))\n")
    assert codes(markup) == ["link-unsafe"]
    assert not soup(markup.html).find("img").has_attr("src")


ENCODED_JAVASCRIPT = ["[x](&#106;avascript:alert(1))", "[x](javascript&#58;alert(1))", "[x](javascript&colon;alert(1))"]


@pytest.mark.parametrize(
    "policy",
    [
        "escape",
        "sanitize",
    ],
)
@pytest.mark.parametrize("body", ENCODED_JAVASCRIPT)
def test_character_references_cannot_smuggle_a_javascript_link(policy, body):
    markup = render(body + "\n", policy)
    for link in soup(markup.html).find_all("a"):  # the parser decodes references as a browser does
        href = link.get("href")
        assert href is None or urlsplit(href.strip()).scheme.lower() not in ("javascript", "vbscript", "data"), href


# --- headings ---------------------------------------------------------------------


def test_heading_ids_are_slugs_of_their_text():
    markup = render("## What MRI shows?\n\n### Caf\u00e9 & T2-weighted scans\n\n## Questions\n")
    page = soup(markup.html)
    ids = [h["id"] for h in page.find_all(["h2", "h3"])]
    assert ids == ["what-mri-shows", "cafe-t2-weighted-scans", "questions"]
    assert ids == [slugify(h.get_text()) for h in page.find_all(["h2", "h3"])]
    assert [(h.level, h.id, h.text) for h in markup.headings] == [
        (2, "what-mri-shows", "What MRI shows?"),
        (3, "cafe-t2-weighted-scans", "Caf\u00e9 & T2-weighted scans"),
        (2, "questions", "Questions"),
    ]


def test_heading_ids_do_not_depend_on_earlier_documents():
    renderer = Renderer("escape")
    args = dict(file=FILE, body_line=1, targets={}, root="../../")
    first = renderer.render("## Overview\n\n## Details\n", **args)
    second = renderer.render("## Overview\n\n## Details\n", **args)
    assert [h.id for h in first.headings] == [h.id for h in second.headings] == ["overview", "details"]


def test_repeated_headings_get_distinct_ids():
    page = soup(render("## Summary\n\nA.\n\n## Summary\n\nB.\n").html)
    ids = [h["id"] for h in page.find_all("h2")]
    assert ids[0] == "summary" and len(set(ids)) == 2


# --- raw HTML policies ------------------------------------------------------------

RAW = dedent("""\
    Some <b>bold</b> text and <span onclick="steal()">a span</span>.

    <script>alert("inline")</script>

    <iframe src="https://evil.example/"></iframe>

    <div onclick="steal()"><script>alert("nested")</script>kept text</div>
    """)


def test_escape_policy_shows_raw_html_as_text():
    page = soup(render(RAW, "escape").html)
    assert page.find_all(["script", "iframe", "b", "span", "div"]) == []
    text = page.get_text()
    assert '<script>alert("inline")</script>' in text
    assert "<b>bold</b>" in text


def test_sanitize_policy_keeps_harmless_tags_and_removes_the_rest():
    page = soup(render(RAW, "sanitize").html)
    assert page.find("b").get_text() == "bold"
    assert page.find("span").get_text() == "a span"
    assert page.find_all(["script", "iframe"]) == []
    assert not [tag for tag in page.find_all(True) if any(name.startswith("on") for name in tag.attrs)]
    assert "alert" not in page.get_text()
    assert "kept text" in page.get_text()


def test_allow_policy_keeps_raw_html():
    page = soup(render(RAW, "allow").html)
    assert [s.get_text() for s in page.find_all("script")] == ['alert("inline")', 'alert("nested")']
    assert page.find("iframe")["src"] == "https://evil.example/"
    assert page.find("span")["onclick"] == "steal()"


def test_sanitize_keeps_what_our_extensions_generate():
    body = dedent("""\
        ## Scan types

        Table: Scans
        | A | B |
        |---|---|
        | 1 | 2 |

        !!! warning "Careful"
            Text.

        See [other](other.md#part) and a note[^1].

        [^1]: The note.
        """)
    escaped, sanitized = soup(render(body, "escape").html), soup(render(body, "sanitize").html)

    def shape(page):
        return [
            (tag.name, sorted((k, v if isinstance(v, str) else " ".join(v)) for k, v in tag.attrs.items()))
            for tag in page.find_all(True)
        ]

    assert shape(sanitized) == shape(escaped)


def test_raw_html_policy_comes_from_config(blank_site):
    blank_site.set_config(markdown={"raw_html": "sanitize"})
    blank_site.article(
        "x.md", "---\ntitle: A\nsummary: S\ndate: 2026-01-10\n---\nHello <b>bold</b> <script>alert(1)</script>\n"
    )
    result = blank_site.build(write=False)
    assert result.ok
    prose = soup(result.files["articles/x/index.html"]).select_one(".prose")
    assert prose.find("b").get_text() == "bold"
    assert prose.find("script") is None
