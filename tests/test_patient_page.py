"""The patient's page, round two (issue 34), in a real browser on the repository's own site:
guides read with a keyboard and a screen reader, a compact header that says who stands
behind the site, where to get urgent help, care cards that keep their urgency on paper and in
the dark theme, figures named by their alt text and caption, glossary links that do not
crowd the text, the translation note in the text column, and a misspelt search."""

from __future__ import annotations

import json

import pytest
from test_a11y import _in_each_scheme

from browser import REPO
from sitekit import new_site, soup

pytestmark = pytest.mark.browser

GUIDE = "guides/your-first-mri/"
SPANISH_GUIDE = "es/guides/su-primera-resonancia/"
FIRST = "articles/what-happens-during-an-mri-scan/"
SECOND = "articles/gadolinium-safety/"
THIRD = "articles/reading-your-mri-report/"
BOXES = "articles/blood-brain-barrier-and-contrast/"  # a figure, a key point, an emergency card
SPANISH_ARTICLE = "es/articles/es-seguro-el-contraste-de-gadolinio/"
PHONE = {"width": 390, "height": 844}


def _open(browser, base_url, path, **options):
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base_url + path)
    return context, page, errors


def _rgb(colour: str) -> tuple[float, ...]:
    return tuple(float(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])


def _contrast(one: tuple[float, ...], two: tuple[float, ...]) -> float:
    def luminance(rgb: tuple[float, ...]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(one), luminance(two)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --- guides: keyboard and screen reader --------------------------------------------------


def test_a_keyboard_walks_the_guide_contents_then_goes_on_to_the_next_page(browser, base_url):
    context, page, errors = _open(browser, base_url, SECOND, viewport={"width": 1280, "height": 900})
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const a = document.activeElement; return [a.closest('nav')?.className || '', a.getAttribute('href') || '', a.innerText]; }"
        )
        reached.append(focused)
        if focused[0] == "pagination":
            break
    in_contents = [href for nav, href, _ in reached if nav == "guide-contents"]
    # The guide's page, then its pages in order; the current page is no tab stop.
    assert in_contents == [
        "../../guides/your-first-mri/",
        "../../" + FIRST,
        "../../" + THIRD,
        "../../articles/questions-about-your-mri/",
    ]
    nav, href, text = reached[-1]
    assert (nav, href) == ("pagination", "../../" + FIRST)  # "Previous" comes first
    assert text.startswith("Previous") and text.endswith("What happens during an MRI scan")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('rel')") == "next"
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + THIRD)
    current = page.locator("nav.guide-contents [aria-current=page]")
    assert current.inner_text().endswith("Reading your MRI report")
    context.close()
    assert errors == []


def test_a_screen_reader_hears_the_guide_contents_and_named_previous_and_next(browser, base_url):
    context, page, _ = _open(browser, base_url, SECOND)
    contents = page.get_by_role("navigation", name="Pages in this guide")
    assert contents.get_by_role("listitem").count() == 4
    assert contents.get_by_role("link").count() == 4  # the guide and three other pages
    cdp = context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    names = {  # as read out: a space before the colon (the label is a block of its own) is not heard
        " ".join(node["name"]["value"].replace(" :", ":").split())
        for node in tree
        if node.get("role", {}).get("value") == "link" and "name" in node
    }
    assert "Previous: What happens during an MRI scan" in names
    assert "Next: Reading your MRI report" in names
    assert page.get_by_role("navigation", name="Previous and next page in this guide").is_visible()
    # The current page is said to be so ("This page:"), and is not a link.
    current = page.locator("nav.guide-contents li[aria-current=page]")
    assert " ".join(current.text_content().split()) == "This page: Is gadolinium contrast safe?"
    assert current.locator("a").count() == 0
    context.close()


# --- the header, the footer and urgent help ---------------------------------------------


@pytest.mark.parametrize("path", ["", "es/", SECOND, SPANISH_ARTICLE, GUIDE])
def test_the_header_takes_at_most_a_fifth_of_a_phone_screen(browser, base_url, path):
    context, page, _ = _open(browser, base_url, path, viewport=PHONE)
    header = page.locator(".site-header").bounding_box()
    name = page.locator(".site-name").bounding_box()
    language = page.locator(".language-switcher a").first.bounding_box()
    search = page.locator(".search-link").bounding_box()
    wide = page.evaluate("document.documentElement.scrollWidth")
    box_hidden = not page.locator(".site-search").is_visible()
    context.close()
    assert header["height"] <= 0.2 * PHONE["height"], header
    # The language and the search are in the name's row, not rows of their own.
    for other in (language, search):
        assert other["y"] < name["y"] + name["height"] and name["y"] < other["y"] + other["height"]
    assert box_hidden and wide <= PHONE["width"]


def test_on_a_desktop_the_search_box_and_the_language_share_the_first_row(browser, base_url):
    context, page, _ = _open(browser, base_url, "", viewport={"width": 1280, "height": 900})
    name = page.locator(".site-name").bounding_box()
    box = page.locator(".site-search input").bounding_box()
    language = page.locator(".language-switcher a").bounding_box()
    link_hidden = not page.locator(".search-link").is_visible()
    context.close()
    assert link_hidden
    for other in (box, language):
        assert abs((other["y"] + other["height"] / 2) - (name["y"] + name["height"] / 2)) < 12


def test_the_home_page_says_who_is_behind_it_and_where_to_get_urgent_help(site):  # noqa: F811
    from sitegen.core.config import load_config

    config, _ = load_config(REPO / "config.yaml")
    home = soup(site / "index.html")
    assert home.select_one(".site-name").get_text() == config.title
    assert home.h1.get_text() == config.tagline and config.title not in home.h1.get_text()
    help_box = home.select_one("section.urgent-help")
    assert help_box.h2.get_text() == "If you need help now"
    assert help_box.p.get_text() == config.urgent_help and not any(c.isdigit() for c in config.urgent_help)
    # Urgent help before the reading paths, right under the introduction.
    assert home.select("main section")[0] is help_box
    spanish = soup(site / "es/index.html").select_one("section.urgent-help")
    assert spanish.h2.get_text() == "Si necesita ayuda ahora" and "emergencias" in spanish.p.get_text()
    footer = home.select_one(".footer-publisher").get_text(" ", strip=True)
    assert footer.startswith("Written and published by the editorial team of MS Imaging Explained.")
    article = soup(site / SECOND / "index.html")
    data = json.loads(article.find("script", type="application/ld+json").string)
    assert data["publisher"] == {"@type": "Organization", "name": "Editorial team", "url": config.url}


def test_a_logo_from_config_has_its_own_alt_text_and_bad_settings_are_reported(tmp_path):
    from sitegen.core.config import load_config
    from sitegen.pipeline import check

    made = new_site(tmp_path / "site")
    made.write("content/people.yaml", "team:\n  name: Editorial board\n  organization: true\n  clinician: false\n")
    made.article("a.md", "---\ntitle: A page\nsummary: One.\ndate: 2026-01-01\n---\nText.\n")
    made.set_config(publisher="team", logo={"file": "static/logo.png", "alt": "x"})
    config, problems = load_config(made.config_path)
    assert config is None and "not an SVG file in the static folder" in problems[0].message and problems[0].line
    # A publisher who is not in the people file: check says so, at its line; the site still builds.
    made.set_config(logo={"file": "static/favicon.svg", "alt": "A white ring on blue"}, publisher="teem")
    found = [d for d in check(made.config(), use_cache=False).diagnostics if d.code == "publisher-unknown"]
    written = made.config_path.read_text()
    assert len(found) == 1 and found[0].hint == "Did you mean 'team'?"
    assert found[0].line == next(n for n, line in enumerate(written.split("\n"), 1) if line.startswith("publisher:"))
    made.set_config(publisher="team")
    result = made.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    home = soup(made.public / "index.html")
    logo = home.select_one(".site-name img.site-logo")
    assert logo["alt"] == "A white ring on blue" and logo["src"] == "static/favicon.svg"
    assert (
        home.select_one(".footer-publisher")
        .get_text(" ", strip=True)
        .startswith("Written and published by the editorial board of Test Site.")
    )


# --- urgency on paper and in the dark -----------------------------------------------------


def test_a_printed_emergency_card_shows_its_level_at_the_body_size(browser, base_url):
    context, page, _ = _open(browser, base_url, BOXES)
    page.emulate_media(media="print")
    title = page.locator(".callout-emergency .callout-title")
    prefix = title.locator(".visually-hidden")
    box = prefix.bounding_box()
    body_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.prose > p')).fontSize)")
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.callout, .callout p, .callout li, .callout-title')]"
        ".map((e) => parseFloat(getComputedStyle(e).fontSize))"
    )
    title_style = page.evaluate(
        "() => { const t = getComputedStyle(document.querySelector('.callout-emergency .callout-title'));"
        " return [t.color, t.backgroundColor, parseFloat(t.borderBottomWidth)]; }"
    )
    border = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.callout-emergency')).borderTopWidth)")
    key_border = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.callout-key-point')).borderTopWidth)"
    )
    shown = title.inner_text()
    context.close()
    assert box["width"] > 50 and box["height"] > 5  # printed, not clipped to a pixel
    assert shown.upper().startswith("IMMEDIATE ACTION REQUIRED:")  # in capitals, on its own line
    assert sizes and max(sizes) <= body_size + 0.01, (sizes, body_size)
    text, background, rule = title_style
    # Black on white: backgrounds are not printed by default, so none is relied on.
    assert _rgb(text) == (0, 0, 0) and _rgb(background) == (255, 255, 255)
    assert border > key_border and rule >= 3  # heavier than a "main idea" box


@pytest.mark.parametrize("path", [BOXES, "es/articles/barrera-hematoencefalica-y-contraste/"])
def test_the_dark_emergency_card_stays_a_strong_red_band(browser, base_url, path):
    context, page, _ = _open(browser, base_url, path, color_scheme="dark")
    styles = page.evaluate(
        "() => { const t = getComputedStyle(document.querySelector('.callout-emergency .callout-title'));"
        " const c = getComputedStyle(document.querySelector('.callout-emergency'));"
        " return [t.backgroundColor, t.color, c.borderTopColor, c.backgroundColor]; }"
    )
    context.close()
    band, text, border, card = (_rgb(value) for value in styles)
    assert band[0] >= 150 and band[1] <= 60 and band[2] <= 60, band  # red, not pastel pink
    assert _contrast(band, text) >= 4.5
    assert border == band and _contrast(band, card) >= 3  # the band stands out on the black card


# --- screen readers: figures and glossary links -------------------------------------------


def test_a_figure_is_named_by_its_alt_text_and_caption_not_its_credit(browser, base_url):
    context, page, _ = _open(browser, base_url, BOXES)
    alt = page.locator(".figure img").first.get_attribute("alt")
    caption = page.locator(".figure .figure-caption").first.inner_text()
    cdp = context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    figures = [node for node in tree if node.get("role", {}).get("value") == "figure"]
    context.close()
    assert figures
    name = figures[0]["name"]["value"]
    assert name == f"{alt} {caption}"
    assert "Credit" not in name and "Licence" not in name


def test_one_glossary_link_a_term_a_section_and_a_paragraph(browser, base_url):
    context, page, _ = _open(browser, base_url, BOXES)
    found = page.evaluate(
        """() => {
          const sections = [], blocks = [];
          let current = {heading: "", terms: {}};
          sections.push(current);
          for (const node of document.querySelectorAll('.prose h2, .prose a.gloss-term')) {
            if (node.tagName === 'H2') { current = {heading: node.textContent, terms: {}}; sections.push(current); continue; }
            const term = node.getAttribute('href');
            current.terms[term] = (current.terms[term] || 0) + 1;
          }
          for (const block of document.querySelectorAll('.prose p, .prose li, .prose td')) {
            blocks.push(block.querySelectorAll('a.gloss-term').length);
          }
          const first = document.querySelector('.prose > p').querySelectorAll('a.gloss-term').length;
          return {sections, blocks, first, total: document.querySelectorAll('.prose a.gloss-term').length};
        }"""
    )
    context.close()
    for section in found["sections"]:
        assert all(count == 1 for count in section["terms"].values()), section
    assert max(found["blocks"]) == 1 and found["first"] == 1  # it had four
    assert found["total"] >= 5  # the terms still link, further on


# --- the translation note and search ---------------------------------------------------------


def test_the_translation_note_keeps_to_the_text_column(browser, base_url):
    context, page, _ = _open(browser, base_url, SPANISH_ARTICLE, viewport={"width": 1280, "height": 900})
    note = page.locator(".translation-note").bounding_box()
    prose = page.locator(".prose").bounding_box()
    context.close()
    assert abs(note["x"] - prose["x"]) < 1 and note["x"] + note["width"] <= prose["x"] + prose["width"] + 1


def test_a_misspelt_search_says_so_and_offers_the_glossary_a_to_z(browser, base_url):
    context, page, errors = _open(browser, base_url, "search/?q=gadolinum")
    status = page.locator("[data-search-status]")
    status.filter(has_text="gadolinum").wait_for()
    said = status.inner_text()
    titles = page.locator(".search-results h2").all_inner_texts()
    a_to_z = page.locator("[data-search-fallback] a[href$='glossary/#a-to-z']")
    offered = a_to_z.is_visible()
    context.close()
    assert "Check the spelling" in said and "A to Z" in said
    assert not any(title.strip() in ("Glossary: G", "G") for title in titles), titles
    assert offered
    assert errors == []


# --- axe on the new pages ---------------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", [GUIDE, SECOND, "es/", SPANISH_GUIDE, SPANISH_ARTICLE])
def test_axe_finds_no_violations_on_the_home_guide_and_guide_pages(browser, base_url, path, width):
    """Each page loaded once at each width and checked in both colour schemes, one after the
    other, as test_a11y checks every kind of page (the home page among them, so it is not
    checked here again): the scheme is a media feature that only the CSS follows."""
    context, page, errors = _open(browser, base_url, path, viewport={"width": width, "height": 900})
    found = _in_each_scheme(page)
    context.close()
    assert found == {"light": [], "dark": []}, f"{path} at {width}px:\n{found}"
    assert errors == []
