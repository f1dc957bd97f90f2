"""Spanish all the way down (issue 31): a Spanish page with every component says nothing in
English, neither on screen nor to a screen reader (Chromium's accessibility tree)."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from spanish_fixture import spanish_site

from sitekit import REPO, soup

PO = REPO / "locale" / "es" / "LC_MESSAGES" / "messages.po"
PAGES = ("es/articles/todas-las-partes/", "es/404.html", "es/search/", "es/glossary/")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
# English words no Spanish sentence uses: a label written in English outside the catalogue
# (as the callouts' were) is caught by these, not by the catalogue's msgids.
ENGLISH = re.compile(
    r"(?<!\w)(?:the|and|of|to|is|this|your|with|for|not|page|read|see|more|advice|required|point|note|"
    r"table|figure|credit|licence|reviewed|review|next|due|home|topics?|search|contents|do|don't|tip|warning)(?!\w)",
    re.IGNORECASE,
)


def catalogue():
    with PO.open("rb") as file:
        return read_po(file, locale="es")


def english_phrases() -> dict[str, re.Pattern[str]]:
    """Each interface string whose Spanish differs, as a pattern for its English words: the
    parts between placeholders, whole words, case as written (msgid -> pattern)."""
    found = {}
    for message in catalogue():
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue
        parts = [part.strip(" .,:;") for part in PLACEHOLDER.split(message.id)]
        parts = [part for part in parts if re.search(r"[A-Za-z]{2}", part)]
        if parts:
            found[message.id] = re.compile("|".join(r"(?<!\w)" + re.escape(part) + r"(?!\w)" for part in parts))
    return found


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    site = spanish_site(tmp_path_factory.mktemp("spanish") / "site")
    site.set_config(licence="CC BY 4.0")
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics if d.severity.name == "ERROR"]
    return site.public


@pytest.fixture(scope="module")
def heard(public, browser):  # noqa: F811
    """page -> every name, description and text of its accessibility tree (what is shown and said)."""
    from screenshots import serve

    server = serve(public)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    said: dict[str, list[str]] = {}
    page = browser.new_page()
    try:
        for path in PAGES:
            page.goto(base + path)
            session = page.context.new_cdp_session(page)
            nodes = session.send("Accessibility.getFullAXTree")["nodes"]
            said[path] = [
                node[key]["value"]
                for node in nodes
                if not node.get("ignored")
                for key in ("name", "description", "value")
                if isinstance(node.get(key, {}).get("value"), str) and node[key]["value"].strip()
            ]
            session.detach()
    finally:
        page.close()
        server.shutdown()
    return said


def test_the_fixture_page_has_every_component(public):
    html = soup(public / "es/articles/todas-las-partes/index.html")
    kinds = {"key-point", "note", "warning", "tip", "inset", "non-urgent", "urgent", "emergency", "do", "dont"}
    assert {
        c.split("-", 1)[1] for box in html.select(".callout") for c in box["class"] if c.startswith("callout-")
    } >= kinds
    assert html.select_one("table") and html.select_one("figure") and html.select_one(".gloss-tip")
    assert html.select_one("#toc, nav.toc, .toc") and html.select_one(".references, #references-title")
    assert html.select_one(".translation-note") and html.select_one(".review-date")


def test_no_english_interface_string_is_shown_or_heard_on_spanish_pages(heard):
    phrases = english_phrases()
    assert {"Key point", "Urgent advice", "Don't", "Table"} <= set(phrases)  # the callouts' labels are there
    english = {
        path: sorted(
            {f"{msgid!r} in {text!r}" for text in texts for msgid, pattern in phrases.items() if pattern.search(text)}
        )
        for path, texts in heard.items()
    }
    assert english == {path: [] for path in PAGES}
    words = {
        path: sorted({text for text in texts if ENGLISH.search(text) and text != "English"})
        for path, texts in heard.items()
    }
    assert words == {path: [] for path in PAGES}  # "English": the language switcher's link to it (lang="en")


def test_care_cards_announce_their_level_in_spanish(heard):
    said = heard["es/articles/todas-las-partes/"]
    assert "Consejo urgente: Llame hoy a su enfermera si:" in said
    assert "Se necesita actuar de inmediato: Llame a emergencias si:" in said
    assert {"Idea clave", "Nota", "Qué hacer", "Qué no hacer", "Información", "Tabla"} <= set(said)


def test_spanish_words_are_not_marked_as_english(public):
    """A link that leads to the English page but says so in Spanish is not lang="en" (a screen
    reader would read Spanish with an English voice); hreflang says where it leads."""
    spanish = {message.string for message in catalogue() if message.id and isinstance(message.string, str)}
    for path in PAGES:
        file = public / path / "index.html" if path.endswith("/") else public / path
        for element in soup(file).select("[lang]:not(html)"):
            if element["lang"] != "es":
                assert element.get_text(" ", strip=True) not in spanish, (path, str(element))


def test_the_reading_level_line_uses_the_spanish_scale_without_a_spanish_section(tmp_path):
    """The editors' line in the preview: Szigriszt-Pazos on a Spanish page even when config.yaml
    names no Spanish formula (it gave a Flesch–Kincaid grade, an English scale)."""
    site = spanish_site(tmp_path / "site")
    site.set_config(checks={"readability": {"level": "warning", "max_grade": 12, "min_words": 20}})
    files = site.build(write=False).files
    spanish = soup(files["es/articles/lesiones/index.html"]).select_one(".editor-note").get_text()
    english = soup(files["articles/lesions/index.html"]).select_one(".editor-note").get_text()
    assert "(Szigriszt-Pazos)" in spanish and "Flesch" not in spanish and spanish.startswith("Para el equipo")
    assert "(Flesch–Kincaid grade)" in english
