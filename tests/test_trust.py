"""Trust signals: the editorial policy linked from every page, named people with a
clinical-reviewer policy, and plain language gated in CI (issue 17)."""
from __future__ import annotations

from pathlib import Path

from sitekit import FIXTURE_SITE, REPO, copy_site, soup

POLICY_PAGE = """\
---
title: Editorial policy
summary: How the fixture's articles are written and reviewed.
---
## Who publishes this site

The fixture's editorial team.
"""


def _footer_links(html: Path) -> dict[str, str]:
    footer = soup(html).select_one("footer.site-footer")
    assert footer is not None, html
    return {a.get_text(strip=True): a["href"] for a in footer.select("a")}


def test_every_page_links_the_editorial_policy_from_its_footer(tmp_path):
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    site.write("content/pages/editorial-policy.md", POLICY_PAGE)
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    pages = sorted(site.public.rglob("*.html"))
    assert len(pages) > 5
    target = site.public / "editorial-policy" / "index.html"
    assert soup(target).select_one("main h1").get_text() == "Editorial policy"
    for html in pages:
        href = _footer_links(html).get("Editorial policy")
        assert href, f"{html.relative_to(site.public)} has no footer link to the policy"
        if html.name == "404.html":  # served at any depth: its links are root-absolute
            assert href == "/editorial-policy/"
        else:
            assert (html.parent / href / "index.html").resolve() == target.resolve(), html


def test_footer_has_no_policy_link_when_the_site_has_no_policy_page(tmp_path):
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    assert site.build().ok
    assert "Editorial policy" not in _footer_links(site.public / "index.html")


def test_the_real_site_has_an_editorial_policy_that_states_its_review_interval():
    text = (REPO / "content" / "pages" / "editorial-policy.md").read_text(encoding="utf-8")
    import yaml
    interval = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["review"]["interval_months"]
    assert f"at least once every {interval} months" in text
    for heading in ("## Who publishes this site", "## How articles are written", "## Which evidence we use",
                    "## How articles are reviewed", "## Funding, advertising and conflicts of interest",
                    "## Your privacy", "## How to tell us about a mistake", "## When this policy was last reviewed"):
        assert heading in text


def test_what_the_privacy_section_states_holds_for_the_templates_and_scripts(tmp_path):
    # The policy says: no cookies, no tracking, nothing loaded from other websites.
    for script in sorted((REPO / "static").glob("*.js")):
        code = script.read_text(encoding="utf-8")
        for api in ("document.cookie", "localStorage", "sessionStorage", "sendBeacon", "http://", "https://"):
            assert api not in code, f"{script.name} uses {api}"
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    assert site.build().ok
    for html in sorted(site.public.rglob("*.html")):
        document = soup(html)
        policy = document.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert "default-src 'self'" in policy, html
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in document.select(f"{tag}[{attribute}]"):
                if tag == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                    continue  # addresses of this site, never fetched as part of the page
                assert "//" not in element[attribute], (html, element)
