"""The built site in real headless Chromium: layout at desktop and phone widths."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


ARTICLE = "articles/outside-in-and-inside-out/"


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["", ARTICLE])
def test_nothing_overflows_horizontally(browser, base_url, path, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(base_url + path)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    client_width = page.evaluate("document.documentElement.clientWidth")
    assert scroll_width <= client_width, f"{path or 'home'} is {scroll_width}px wide at {width}px"
    # Every element stays inside the viewport, except content inside a table's own scroll box.
    offenders = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => !e.closest('.table-scroll') && !e.closest('.skip-link')
                     && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map(e => e.tagName + '.' + e.className)""")
    assert offenders == []
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_article_shows_takeaways_table_and_disclaimer(browser, base_url, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(base_url + ARTICLE)
    for selector in (".takeaways", "table caption", ".disclaimer", ".questions", ".references"):
        element = page.locator(selector).first
        element.scroll_into_view_if_needed()
        assert element.is_visible(), f"{selector} is not visible at {width}px"
        box = element.bounding_box()
        assert box["width"] > 100 and box["height"] > 10
    assert "general education" in page.locator(".disclaimer").inner_text()
    # The print button is progressive enhancement: shown once the script runs.
    assert page.locator("[data-print]").is_visible()
    page.close()


def test_reads_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(base_url + ARTICLE)
    assert page.locator("h1").inner_text().strip()
    assert page.locator(".takeaways li").count() >= 1
    assert page.locator(".prose p").count() >= 3
    assert not page.locator("[data-print]").is_visible()  # nothing that cannot work is shown
    context.close()


def test_comparison_table_fits_a_phone_without_clipping_or_sideways_scrolling(browser, base_url):
    """At 390 px every cell of the seed's comparison table is shown whole, with its column's
    name beside it, and the table is still a table (rows and cells) to assistive technology."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(base_url + ARTICLE)
    table = page.locator(".prose table").first
    table.scroll_into_view_if_needed()
    cells = page.evaluate("""() => {
        const table = document.querySelector('.prose table');
        const scroller = table.closest('.table-scroll');
        const view = document.documentElement.clientWidth;
        return [...table.querySelectorAll('caption, td')].map(cell => {
            const box = cell.getBoundingClientRect();
            return {text: cell.textContent.trim(), label: cell.dataset.label || null,
                    before: getComputedStyle(cell, '::before').content,
                    clipped: box.left < 0 || box.right > view + 0.5 || cell.scrollWidth > cell.clientWidth + 1
                             || box.width < 40};
        }).concat([{text: 'scroller', clipped: scroller.scrollWidth > scroller.clientWidth + 1}]);
    }""")
    clipped = [cell["text"] for cell in cells if cell["clipped"]]
    assert clipped == []
    # The key column is labelled on each card, not left to a header row scrolled out of view.
    inside_out = [cell for cell in cells if cell.get("label") == "Inside-out explanation"]
    assert len(inside_out) == table.locator("tbody tr").count() >= 3
    assert all(cell["before"] == '"Inside-out explanation"' for cell in inside_out)
    snapshot = table.aria_snapshot()
    assert "row" in snapshot and "cell" in snapshot and "columnheader" in snapshot, snapshot
    # At desktop width it is an ordinary table again: one row of cells side by side.
    page.set_viewport_size({"width": 1280, "height": 800})
    tops = page.evaluate(
        "[...document.querySelectorAll('.prose table tbody tr:first-child td')]"
        ".map(td => Math.round(td.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1 and len(tops) == 3
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_breadcrumbs_lead_back_up_from_an_article(browser, base_url, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(base_url + ARTICLE)
    crumbs = page.get_by_role("navigation", name="Breadcrumb").get_by_role("link")
    assert crumbs.all_inner_texts()[:2] == ["Home", "Topics"] and crumbs.count() == 3
    boxes = [crumbs.nth(i).bounding_box() for i in range(crumbs.count())]
    title = page.locator("h1").bounding_box()
    assert all(box["y"] + box["height"] <= title["y"] for box in boxes)  # above the title, in view
    assert all(box["height"] >= 24 for box in boxes)  # WCAG 2.5.8 target size
    topic = crumbs.nth(2).inner_text()
    crumbs.nth(2).click()
    assert page.locator("h1").inner_text() == topic
    page.close()


def test_a_glossary_search_result_lands_on_the_term(browser, base_url):
    # Reduced motion: the jump to the term is instant instead of a smooth scroll to wait for.
    page = browser.new_page(viewport={"width": 390, "height": 800}, reduced_motion="reduce")
    page.goto(base_url + "search/?q=gadolinium")
    page.locator("[data-search-status]", has_text="result").wait_for()
    result = page.locator(".search-result h2 a", has_text="Glossary")
    assert result.get_attribute("href").endswith("glossary/#gadolinium")
    assert result.inner_text() == "Glossary: gadolinium"
    result.click()
    page.wait_for_url("**/glossary/#gadolinium")
    term = page.locator("#gadolinium")
    assert term.inner_text() == "gadolinium"
    box = term.bounding_box()
    assert 0 <= box["y"] < 200  # scrolled to the word, not left at the top of the page
    page.close()


def test_a_tap_on_a_glossary_term_shows_its_definition_and_a_link_onward(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + ARTICLE)
    term = page.locator(".gloss-term").first
    tip = page.locator(".gloss-tip").first
    term.scroll_into_view_if_needed()
    term.tap()
    assert page.url == base_url + ARTICLE  # the tap did not follow the link
    assert tip.is_visible() and tip.inner_text().strip()
    onward = tip.locator("a.gloss-more")
    assert onward.get_attribute("href") == term.get_attribute("href")
    assert "in the glossary" in onward.inner_text()
    box, width = tip.bounding_box(), page.evaluate("document.documentElement.clientWidth")
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.locator("h1").tap()  # a tap elsewhere closes it
    assert not tip.is_visible()
    term.tap()
    assert tip.is_visible()
    page.keyboard.press("Escape")  # and so does Escape
    assert not tip.is_visible()
    term.tap()
    onward.tap()  # the link in the definition goes on to the glossary entry
    page.wait_for_url("**/glossary/#*")
    context.close()


def test_a_definition_on_hover_does_not_cover_the_line_being_read(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + ARTICLE)
    covered = page.evaluate("""async () => {
        const found = [];
        for (const term of [...document.querySelectorAll('.gloss-term')].slice(0, 6)) {
            term.scrollIntoView({block: 'center'});
            term.focus();
            const line = term.getBoundingClientRect(), tip = term.nextElementSibling.getBoundingClientRect();
            if (tip.height === 0) found.push(term.textContent + ': not shown');
            else if (tip.bottom > line.top && tip.top < line.bottom) found.push(term.textContent + ': covers its line');
            else if (tip.top > line.top) found.push(term.textContent + ': below its line');
        }
        return found;
    }""")
    assert covered == []
    page.close()


@pytest.mark.parametrize("path", [ARTICLE, "glossary/"])
def test_print_shows_the_site_name_the_address_and_the_date(browser, base_url, path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base_url + path)
    source = page.locator(".print-source")
    assert not source.is_visible()  # on screen it is not shown
    page.emulate_media(media="print")
    assert source.is_visible()
    text = source.inner_text()
    assert text.startswith("MS Imaging Explained")
    assert "https://example.org/" + path in text
    import datetime

    today = datetime.date.today()
    assert f"Printed on {today.day} {today:%B} {today.year}" in text
    assert page.locator("[data-print]").count() == (1 if path == ARTICLE else 0)  # the button stays (on screen)
    page.close()


def test_the_footer_ends_a_short_page(browser, base_url):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.goto(base_url + "404.html")
    footer = page.locator(".site-footer").bounding_box()
    assert abs(footer["y"] + footer["height"] - 1400) <= 1  # no band of page background below it
    page.close()


def test_print_is_black_on_white_in_the_dark_theme_too(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + ARTICLE)
    page.emulate_media(media="print", color_scheme="dark")
    colours = page.evaluate("""() => [...document.querySelectorAll('main *')]
        .filter(e => e.getClientRects().length)
        .map(e => getComputedStyle(e).backgroundColor)
        .filter(c => c !== 'rgba(0, 0, 0, 0)')""")
    context.close()
    assert set(colours) <= {"rgb(255, 255, 255)"}, set(colours)
