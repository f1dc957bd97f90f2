"""WCAG 2.2 AA, proven in a real browser: axe-core over every kind of page, and the keyboard.

One built site (the repository's own content, search index included) and one
headless Chromium for the whole module. axe-core comes from npm (tools/lint/,
installed by `make test`); like Chromium it must exist in CI (CI=true), and is
only skipped, with the reason, on a workstation without it.
"""

from __future__ import annotations

import os

import pytest

from browser import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "tools" / "lint" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTICLE = "articles/outside-in-and-inside-out/"
WIDTHS = [1280, 390]
SCHEMES = ["light", "dark"]


def _axe_source() -> str:
    if AXE.is_file():
        return AXE.read_text(encoding="utf-8")
    if os.environ.get("CI"):
        pytest.fail(f"axe-core is required in CI: {AXE} is missing (make test runs npm ci --prefix tools/lint).")
    pytest.skip("axe-core is not installed: run `npm ci --prefix tools/lint` (make test does) to run the axe checks")


@pytest.fixture(scope="module")
def page_kinds(site) -> dict[str, str]:
    """One address of each kind of page the site has."""
    topic = sorted(path.parent.name for path in (site / "topics").glob("*/index.html"))[0]
    kinds = {
        "home": "",
        "article": ARTICLE,
        "topic": f"topics/{topic}/",
        "topics": "topics/",
        "glossary": "glossary/",
        "search": "search/?q=lesion",
        "about": "about/",
        "404": "404.html",
    }
    for kind, path in kinds.items():
        file = path.split("?")[0]
        file = file + "index.html" if file.endswith("/") or not file else file
        assert (site / file).is_file(), f"the build wrote no {kind} page ({file})"
    assert (site / "pagefind" / "en" / "pagefind.js").is_file(), (
        "the build did not index the site (sitegen.build.search)"
    )
    return kinds


def _open(browser, base_url, path, **options):
    scripted = options.get("java_script_enabled", True)
    context = browser.new_context(**options)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A CSP violation is only reported on the console; the site must have none.
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base_url + path)
    if path.split("?")[0].endswith("search/") and scripted:
        _wait_for_results(page)
    return context, page, errors


def _wait_for_results(page):
    # A locator, not wait_for_function: a string predicate is eval'd, which the CSP refuses.
    page.locator("[data-search-status]", has_text="result").wait_for()


def _violations(page) -> list[str]:
    # Evaluated over the DevTools protocol, which the page's CSP does not govern, so the
    # page is tested with its real policy in force.
    if not page.evaluate("typeof axe !== 'undefined'"):  # once a page load
        page.evaluate(_axe_source())
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    assert len(result["passes"]) >= 10, "axe ran almost no rules: is the page empty?"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["home", "article", "topic", "topics", "glossary", "search", "about", "404"])
def test_axe_finds_no_wcag_violations(browser, base_url, page_kinds, kind, width):
    # Loaded once at each width; light and dark are the same page with the other colour
    # scheme emulated (a media feature: only the CSS follows it), checked one after the other.
    context, page, errors = _open(browser, base_url, page_kinds[kind], viewport={"width": width, "height": 900})
    if kind == "article":
        # With a definition showing, so its colours and its place on the page are checked too.
        page.locator(".gloss-term").first.focus()
        assert page.locator(".gloss-tip").first.is_visible()
    found = _in_each_scheme(page)
    context.close()
    assert found == {scheme: [] for scheme in SCHEMES}, f"{kind} at {width}px:\n{found}"
    assert errors == []


def _in_each_scheme(page) -> dict[str, list[str]]:
    """The violations of the loaded page in each colour scheme."""
    found = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        found[scheme] = _violations(page)
    return found


CARDS_ARTICLE = """\
---
title: Every kind of box
summary: Care cards of each level, do and don't lists, inset text and a table.
date: 2026-01-01
---
Before the boxes, a [link](#after).

!!! non-urgent "Ask your care team at your next visit if:"
    - your report uses a word you do not know, such as [lesion](#after)

!!! urgent "Ring your MS nurse today if:"
    - you have a new symptom that lasts more than a day

!!! emergency "Call emergency services if:"
    - you have trouble breathing after contrast; [read more](#after)

!!! do
    - write your questions down

!!! dont
    - stop a medicine on your own

!!! inset
    Most people have a scan every year or two.

!!! warning
    A warning.

## After

| Scan | Shows |
|---|---|
| T1 | Shape |
"""


@pytest.fixture(scope="module")
def boxes_url(tmp_path_factory):
    """A small site whose one article has a care card of each level and the other boxes."""
    from screenshots import serve
    from sitekit import new_site

    boxes = new_site(tmp_path_factory.mktemp("boxes") / "site")
    boxes.set_config(search=False)
    boxes.article("boxes.md", CARDS_ARTICLE)
    result = boxes.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    assert [d.code for d in result.diagnostics] == ["care-card-count"]  # three cards on one page
    server = serve(boxes.public)
    yield f"http://127.0.0.1:{server.server_address[1]}/articles/boxes/"
    server.shutdown()


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violations_in_care_cards_and_other_boxes(browser, boxes_url, width):
    context, page, errors = _open(browser, boxes_url, "", viewport={"width": width, "height": 900})
    assert page.locator(".care-card").count() == 3
    assert page.locator(".callout-emergency .visually-hidden").inner_text() == "Immediate action required:"
    found = _in_each_scheme(page)
    context.close()
    assert found == {scheme: [] for scheme in SCHEMES}, f"care cards at {width}px:\n{found}"
    assert errors == []


def test_axe_really_reports_a_violation(browser, base_url):
    """Guards the test above: the same set-up does find a real problem."""
    context, page, _ = _open(browser, base_url, "")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")  # no alt text
    violations = _violations(page)
    context.close()
    assert any(line.startswith("image-alt") for line in violations), violations


def test_keyboard_reaches_search_every_glossary_term_and_print_in_order(browser, base_url, page_kinds):
    context, page, errors = _open(browser, base_url, ARTICLE, viewport={"width": 1280, "height": 900})
    wanted = page.evaluate("""() => {
        const wanted = [document.getElementById('site-search-q'), ...document.querySelectorAll('.gloss-term'),
                        document.querySelector('[data-print]')];
        // In the order they appear on the page, which is the order the keyboard must follow.
        wanted.sort((a, b) => a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
        wanted.forEach((element, index) => element.dataset.want = index);
        return wanted.length;
    }""")
    assert wanted >= 10, "the article should link several glossary terms"
    reached, focused, shown, unringed = [], set(), [], []
    for _ in range(400):
        page.keyboard.press("Tab")
        state = page.evaluate("""() => {
            const element = document.activeElement;
            if (!element || element === document.body) return null;
            const tip = element.classList.contains('gloss-term') ? element.nextElementSibling : null;
            // Marked when first reached: two links can have the same markup (the menu's and
            // the breadcrumbs' "Home"), so the markup alone cannot tell focus came round again.
            const again = 'visited' in element.dataset;
            element.dataset.visited = '';
            return {want: element.dataset.want ?? null, key: element.outerHTML.slice(0, 120), again,
                    outline: getComputedStyle(element).outlineStyle,
                    tip: tip ? tip.getBoundingClientRect().height > 0 && getComputedStyle(tip).display !== 'none' : null};
        }""")
        if state is None or state["again"]:
            break  # focus left the page or came round again
        focused.add(state["key"])
        if state["outline"] == "none":
            unringed.append(state["key"])
        if state["want"] is not None:
            reached.append(int(state["want"]))
            if state["tip"] is not None:
                shown.append(state["tip"])
    context.close()
    # The order the keyboard reaches them is the order they appear on the page.
    assert reached == list(range(wanted)), f"reached {reached} of {wanted}"
    assert shown and all(shown), "a glossary definition was not shown on keyboard focus"
    assert unringed == [], f"no visible focus indicator on: {unringed}"
    assert errors == []


def test_glossary_definition_shows_on_hover_and_escape_hides_it(browser, base_url):
    context, page, errors = _open(browser, base_url, ARTICLE, viewport={"width": 1280, "height": 900})
    term = page.locator(".gloss-term").first
    tip = page.locator(".gloss-tip").first
    assert not tip.is_visible()
    assert term.get_attribute("aria-describedby") == tip.get_attribute("id")
    term.hover()
    assert tip.is_visible()
    assert tip.inner_text().strip()
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    page.mouse.move(0, 0)
    term.hover()
    assert tip.is_visible()
    context.close()
    assert errors == []


def test_glossary_definitions_stay_on_a_phone_screen(browser, base_url):
    context, page, _ = _open(browser, base_url, ARTICLE, viewport={"width": 390, "height": 800})
    outside = page.evaluate("""() => [...document.querySelectorAll('.gloss-term')].filter(term => {
        term.focus();
        const box = term.nextElementSibling.getBoundingClientRect();
        return box.width === 0 || box.left < 0 || box.right > document.documentElement.clientWidth;
    }).map(term => term.textContent)""")
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert outside == []
    assert width <= 390


@pytest.mark.parametrize("width", WIDTHS)
def test_header_search_finds_articles(browser, base_url, width):
    context, page, errors = _open(browser, base_url, ARTICLE, viewport={"width": width, "height": 800})
    if width < 640:  # on a phone the header has a link to the search page, not the box (issue 34)
        assert not page.locator("#site-search-q").is_visible()
        page.locator(".site-header .search-link").click()
        page.wait_for_url("**/search/")
        page.locator("#search-page-q").fill("gadolinium")
    else:
        page.locator("#site-search-q").fill("gadolinium")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=gadolinium")
    _wait_for_results(page)
    assert page.locator("#search-page-q").input_value() == "gadolinium"
    links = page.locator(".search-result h2 a")
    assert links.count() >= 1
    assert any("/articles/" in links.nth(i).get_attribute("href") for i in range(links.count()))
    assert page.locator(".search-result mark").first.inner_text().lower().startswith("gadolinium")
    assert not page.locator("[data-search-fallback]").is_visible()
    links.first.click()
    assert page.locator("h1").inner_text().strip()
    context.close()
    assert errors == []


def test_search_page_without_javascript_offers_the_topic_index(browser, base_url):
    context, page, _ = _open(
        browser, base_url, "search/?q=lesion", java_script_enabled=False, viewport={"width": 390, "height": 800}
    )
    fallback = page.locator("[data-search-fallback]")
    assert fallback.is_visible()
    assert "JavaScript" in fallback.inner_text()
    page.locator("[data-search-fallback] a[href$='topics/']").click()
    assert page.locator("h1").inner_text().strip() == "Topics"
    context.close()


@pytest.mark.parametrize("motion, expected", [("reduce", "auto"), ("no-preference", "smooth")])
def test_reduced_motion_is_respected(browser, base_url, motion, expected):
    context, page, _ = _open(browser, base_url, ARTICLE, reduced_motion=motion)
    behaviour = page.evaluate("getComputedStyle(document.documentElement).scrollBehavior")
    context.close()
    assert behaviour == expected


def test_print_shows_the_article_without_search_menus_or_definitions(browser, base_url):
    context, page, _ = _open(browser, base_url, ARTICLE, viewport={"width": 1280, "height": 900})
    page.emulate_media(media="print")
    page.locator(".gloss-term").first.focus()  # even a focused term prints as plain text
    hidden = {
        selector: not page.locator(selector).first.is_visible()
        for selector in (".site-search", ".site-header nav", "[data-print]", ".gloss-tip")
    }
    visible = page.locator(".prose").is_visible() and page.locator(".disclaimer").is_visible()
    context.close()
    assert all(hidden.values()), hidden
    assert visible


@pytest.fixture(scope="module")
def spanish_url(tmp_path_factory):
    """The two-language fixture (tests/fixtures/bilingual), built and served."""
    from screenshots import serve
    from sitekit import FIXTURES, copy_site

    site = copy_site(FIXTURES / "bilingual", tmp_path_factory.mktemp("bilingual") / "site")
    assert site.build().ok
    server = serve(site.public)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["es/", "es/articles/lesiones/", "es/search/?q=resonancia", "articles/scan-types/"])
def test_axe_finds_no_wcag_violations_on_spanish_pages(browser, spanish_url, path, width):
    # With the language switcher, the translation note and an English link marked as such.
    context, page, errors = _open(browser, spanish_url, path, viewport={"width": width, "height": 900})
    violations = _violations(page)
    context.close()
    assert violations == [], f"{path} at {width}px:\n" + "\n".join(violations)
    assert errors == []


def test_the_spanish_search_page_finds_spanish_pages_only(browser, spanish_url):
    # pagefind picks its index by the page's <html lang>: "lesión" is on Spanish pages only.
    context, page, errors = _open(browser, spanish_url, "es/search/?q=resonancia")
    _wait_for_results(page)
    links = page.locator(".search-results a").evaluate_all("(links) => links.map((a) => a.href)")
    status = page.locator("[data-search-status]").inner_text()
    context.close()
    assert links and all("/es/" in link for link in links), links
    assert "para «resonancia»" in status and "resultado" in status, status  # said in Spanish
    assert errors == []
