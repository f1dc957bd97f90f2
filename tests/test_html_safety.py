"""No script reaches any page (issue 7): hostile text in every field, under each raw-HTML policy.

Every output file is parsed (HTML with html.parser; the feed's HTML content too) and every
element and attribute is inspected: nothing here greps strings.
"""

from __future__ import annotations

import json
import re
import warnings
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from sitekit import new_site

UNSAFE_TAGS = {"script", "iframe", "style", "form", "object", "embed", "frame", "frameset", "base", "meta-refresh"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "background", "xlink:href"}
HOSTILE = (
    '<script>alert(1)</script><img src=x onerror=alert(2)><iframe src="https://evil.test"></iframe>'
    '<style>body{display:none}</style><form action="https://evil.test"><input></form>'
    '<a href="javascript:alert(3)">j</a><a href="data:text/html,<script>alert(4)</script>">d</a>'
    "<svg onload=alert(5)></svg>"
)
BODY = f"""Intro <b>bold</b> and {HOSTILE} inline.

{HOSTILE}

<div onclick="alert(6)"><script>alert(7)</script></div>

[link](javascript:alert(8)) [entity](&#106;avascript:alert(9)) [data](data:text/html;base64,PHNjcmlwdD4=)
![img](javascript:alert(10)) [attr](https://example.org/){{: onclick="alert(11)" href="javascript:alert(12)" }}

Paragraph with attributes.
{{: onmouseover="alert(13)" style="color:red" }}

## Heading <script>alert(14)</script> {{: onclick="alert(15)" }}

| a | b |
|---|---|
| <script>alert(16)</script> | <iframe></iframe> |

*[HTML]: <script>alert(17)</script>

Footnote[^1].

[^1]: <script>alert(18)</script>
"""


def _hostile_site(root, policy):
    site = new_site(root)
    site.set_config(markdown={"raw_html": policy})
    text = json.dumps  # YAML accepts JSON strings: every field holds the hostile HTML verbatim
    site.article(
        "hostile.md",
        f"""---
title: {text("Title " + HOSTILE)}
summary: {text("Summary " + HOSTILE)}
date: 2026-01-10
reviewed: 2026-01-10
reviewer: {text(HOSTILE)}
author: {text(HOSTILE)}
tags: [{text("Tag " + HOSTILE)}, {text("<script>alert(19)</script>")}]
takeaways: [{text("Takeaway " + HOSTILE)}]
questions: [{text("Question " + HOSTILE)}]
disclaimer: {text("Disclaimer " + HOSTILE)}
references:
  - title: {text("Ref " + HOSTILE)}
    authors: {text(HOSTILE)}
    journal: {text(HOSTILE)}
    url: "javascript:alert(20)"
  - title: Data reference
    url: "data:text/html,<script>alert(21)</script>"
---
"""
        + BODY,
    )
    site.write(
        "content/glossary.yaml",
        f"- term: lesion\n  definition: {text('A scar ' + HOSTILE)}\n"
        f"  aliases: [{text('<script>alert(22)</script>')}]\n",
    )
    site.write("content/pages/about.md", f"---\ntitle: {text('About ' + HOSTILE)}\n---\n{BODY}")
    site.article("plain.md", "---\ntitle: Plain lesion article\nsummary: S\ndate: 2026-01-11\n---\nA lesion.\n")
    return site


def ours(element) -> bool:
    """The site's own elements from templates/: script files in static/, JSON-LD data, the search form."""
    if element.name == "script":
        if element.get("type") == "application/ld+json":
            try:
                json.loads(element.get_text())
                return "<" not in element.get_text()
            except ValueError:
                return False
        return (
            bool(re.fullmatch(r"(?:/(?:[\w.-]+/)*|(?:\.\./)*)static/[\w-]+\.js", element.get("src", "")))
            and not element.contents
        )
    if element.name == "form":
        return (
            element.get("method") == "get"
            and bool(re.fullmatch(r"(?:/(?:[\w.-]+/)*|(?:\.\./)*)(search/|\./)", element.get("action", "")))
            and set(element.get("class", [])) & {"site-search", "search-form"} != set()
        )
    return False


def _documents(public):
    """(name, parsed HTML) for every HTML page, and for the HTML held in the feed's entries."""
    for path in sorted(public.rglob("*")):
        if path.suffix == ".html":
            yield path.relative_to(public).as_posix(), BeautifulSoup(path.read_bytes(), "html.parser")
        elif path.suffix == ".xml":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
                feed = BeautifulSoup(path.read_bytes(), "html.parser")  # keeps unknown tags, decodes entities
            yield path.name, feed
            for node in feed.find_all(["content", "summary", "title"], attrs={"type": "html"}):  # escaped HTML
                yield f"{path.name} <{node.name}>", BeautifulSoup(node.get_text(), "html.parser")


def _problems(document):
    found = []
    for element in document.find_all(True):
        if element.name in UNSAFE_TAGS and not ours(element):
            found.append(f"<{element.name}>")
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name.lower().startswith("on"):
                found.append(f"<{element.name} {name}>")
            if name.lower() in URL_ATTRIBUTES:
                scheme = urlsplit(re.sub(r"[\t\n\r]", "", value).strip().lower()).scheme
                if scheme in ("javascript", "vbscript", "data") and not (
                    element.name == "img" and value.startswith("data:image/svg+xml")
                ):
                    found.append(f"<{element.name} {name}={value[:40]}>")
    return found


@pytest.fixture(scope="module", params=["escape", "sanitize"])
def built(request, tmp_path_factory):
    site = _hostile_site(tmp_path_factory.mktemp(request.param) / "site", request.param)
    result = site.build()
    # Unsafe links are refused with an error (link-unsafe), so the build stops there: build the
    # same hostile text again without those lines to get a site on disk.
    codes = {d.code for d in result.diagnostics if d.is_error}
    # syntax-not-understood: footnotes are refused (articles cite with [@key]), hostile or not.
    assert codes <= {"link-unsafe", "attribute-unsafe", "reference-url", "syntax-not-understood"}, [
        d.format() for d in result.diagnostics
    ]
    assert "reference-url" in codes  # the front matter is refused before the text is read
    paths = (site.content / "articles" / "hostile.md", site.content / "pages" / "about.md")

    def without(unwanted):
        for path in paths:
            text = path.read_text(encoding="utf-8")
            path.write_text("\n".join(line for line in text.split("\n") if not unwanted(line)), encoding="utf-8")

    without(lambda line: line.lstrip().startswith("url:"))
    assert "link-unsafe" in {d.code for d in site.build().diagnostics if d.is_error}
    without(lambda line: "](" in line or "{:" in line or "[^" in line)
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    return site, result, request.param


def test_no_unsafe_element_attribute_or_url_in_any_output_file(built):
    site, result, policy = built
    documents = list(_documents(site.public))
    assert len(documents) >= 8
    problems = {name: found for name, document in documents if (found := _problems(document))}
    assert problems == {}, f"{policy}: {problems}"
    # The hostile text still shows as text where it was typed (escape) or is gone (sanitize).
    page = BeautifulSoup((site.public / "articles/hostile/index.html").read_bytes(), "html.parser")
    assert page.find("h1").get_text().startswith("Title <script>alert(1)</script>")


def test_every_page_has_a_csp_that_forbids_inline_scripts(built):
    site, result, policy = built
    pages = [(name, document) for name, document in _documents(site.public) if name.endswith(".html")]
    for name, document in pages:
        metas = document.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
        assert len(metas) == 1, name
        directives = {part.split()[0]: part.split()[1:] for part in metas[0]["content"].split(";") if part.strip()}
        scripts = directives.get("script-src", directives.get("default-src"))
        assert scripts is not None and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, name
        assert "*" not in scripts and "data:" not in scripts, name
        assert directives.get("object-src") == ["'none'"], name
        # Our own script is a file, never inline.
        assert all(ours(tag) for tag in document.find_all("script")), name


def _scan_unsafe_markup(root, policy, body):
    site = new_site(root)
    site.set_config(markdown={"raw_html": policy})
    site.article("x.md", "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\n" + body)
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    return BeautifulSoup((site.public / "articles/x/index.html").read_bytes(), "html.parser")


def test_allow_policy_passes_raw_html_through(tmp_path):
    raw = '<div class="raw-box" onclick="go()"><script src="x.js"></script><iframe src="https://e.test/"></iframe></div>\n'
    allowed = _scan_unsafe_markup(tmp_path / "allow", "allow", raw)
    box = allowed.select_one(".prose div.raw-box")
    assert box is not None and box["onclick"] == "go()"
    assert box.find("script") is not None and box.find("iframe") is not None
    escaped = _scan_unsafe_markup(tmp_path / "escape", "escape", raw)
    assert escaped.select_one(".prose div.raw-box") is None
    assert '<div class="raw-box"' in escaped.select_one(".prose").get_text()  # shown as text
    sanitized = _scan_unsafe_markup(tmp_path / "sanitize", "sanitize", raw)
    assert sanitized.select_one(".prose div.raw-box") is not None  # harmless markup kept
    assert _problems(sanitized.select_one(".prose")) == []


@pytest.mark.parametrize("policy", ["escape", "sanitize"])
@pytest.mark.parametrize("attrs", ['onclick="alert(1)"', 'href="javascript:alert(1)"', 'style="color:red"'])
def test_attr_list_cannot_add_scripts(tmp_path, policy, attrs):
    site = new_site(tmp_path / "site")
    site.set_config(markdown={"raw_html": policy})
    text = "---\ntitle: T\nsummary: S\ndate: 2026-01-10\n---\nIntro.\n\n[a](https://example.org/){: " + attrs + " }\n"
    site.article("x.md", text)
    result = site.build(write=False)
    (problem,) = [d for d in result.diagnostics if d.is_error]
    assert (problem.code, problem.line) == ("attribute-unsafe", 8)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\\tscript:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "www.example.org/paper",
    ],
)
def test_a_reference_url_that_is_not_a_web_address_stops_every_build(tmp_path, url):
    """Issue 28.5: only `check` refused it; a plain build published <a href="javascript:...">."""
    site = new_site(tmp_path / "site")
    text = (
        f'---\ntitle: T\nsummary: S\ndate: 2026-01-10\nreferences:\n  - title: A paper\n    url: "{url}"\n---\nIntro.\n'
    )
    site.article("x.md", text)
    result = site.build()
    (problem,) = [d for d in result.diagnostics if d.is_error]
    assert (problem.code, problem.file, problem.line) == ("reference-url", "content/articles/x.md", 7)
    assert "https://" in problem.hint
    assert not result.ok and not (site.public / "articles/x/index.html").exists()
    for data in result.files.values():
        assert b"javascript:" not in data.lower() and b"data:text" not in data


def test_a_reference_url_on_the_web_is_published(tmp_path):
    site = new_site(tmp_path / "site")
    text = (
        "---\ntitle: T\nsummary: S\ndate: 2026-01-10\nreferences:\n"
        "  - title: A paper\n    url: https://example.org/paper\n---\nIntro.\n"
    )
    site.article("x.md", text)
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    html = BeautifulSoup((site.public / "articles/x/index.html").read_bytes(), "html.parser")
    assert html.select_one('a[href="https://example.org/paper"]') is not None
