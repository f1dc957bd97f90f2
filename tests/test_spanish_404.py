"""A missing /es/... address gets the Spanish not-found page (issue 31). GitHub Pages serves
the one /404.html for every missing address; the server here does the same."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect
from spanish_fixture import spanish_site

from sitekit import soup


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """As GitHub Pages answers: a missing file is /404.html with the status 404."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.directory_path / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    site = spanish_site(tmp_path_factory.mktemp("notfound") / "site")
    assert site.build().ok
    handler = functools.partial(
        type("H", (_PagesHandler,), {"directory_path": site.public}), directory=str(site.public)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site.public, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_the_one_404_page_says_it_in_every_language_without_javascript(base):
    public, _ = base
    html = soup(public / "404.html")
    assert html.h1.get_text() == "Page not found" and html.html["lang"] == "en"
    spanish = html.select_one("section.not-found-other[lang=es]")
    assert spanish.h2.get_text() == "Página no encontrada"
    assert spanish.find("a", href="/es/").get_text() == "Ir a la página de inicio"
    assert spanish.find("form")["action"] == "/es/search/"
    assert spanish.find("button").get_text() == "Buscar"
    assert html.find("form", class_="search-form")["action"] == "/search/"
    # The Spanish page itself is Spanish only; an English-only site's 404 has no other section.
    assert not soup(public / "es/404.html").select("section.not-found-other")


def test_a_missing_spanish_address_shows_the_spanish_page(base, browser):  # noqa: F811
    _, url = base
    page = browser.new_page()
    response = page.goto(url + "es/articles/no-existe/")
    assert response.status == 404
    # A locator, not wait_for_function: a string predicate is eval'd, which the CSP refuses.
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert page.locator("h1").inner_text() == "Página no encontrada"
    assert page.url == url + "es/articles/no-existe/"  # the address the reader typed stays
    assert page.title().startswith("Página no encontrada")
    assert page.locator(".nav-list a").first.inner_text() == "Inicio"  # the header too
    assert page.locator("main form").get_attribute("action") == "/es/search/"
    assert page.get_by_text("Page not found").count() == 0
    page.close()


def test_without_javascript_a_spanish_reader_still_finds_spanish(base, browser):  # noqa: F811
    _, url = base
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url + "es/articles/no-existe/")
    section = page.locator("section[lang=es]")
    assert section.get_by_role("heading").inner_text() == "Página no encontrada"
    assert section.get_by_role("link", name="Ir a la página de inicio").get_attribute("href") == "/es/"
    context.close()


def test_a_missing_english_address_keeps_the_english_page(base, browser):  # noqa: F811
    _, url = base
    page = browser.new_page()
    page.goto(url + "articles/missing/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text() == "Page not found"
    page.close()


def test_the_not_found_page_does_not_call_itself_untranslated(base):
    public, _ = base
    for path in ("404.html", "es/404.html"):
        switcher = soup(public / path).select_one(".language-switcher")
        assert switcher.a["data-switch"] == "home" and not switcher.select(".switch-note"), path
