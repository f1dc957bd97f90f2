"""Trust signals: the editorial policy linked from every page, named people with a
clinical-reviewer policy, and plain language gated in CI (issue 17)."""

from __future__ import annotations

from pathlib import Path

from sitekit import FIXTURE_SITE, REPO, copy_site, soup

POLICY_PAGE = """\
---
title: Editorial policy
summary: How the fixture's articles are written and reviewed.
menu: footer
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
    # Every page a reader sees; an old address's redirect stub (aliases:) has no footer.
    pages = [
        html
        for html in sorted(site.public.rglob("*.html"))
        if soup(html).select_one('meta[http-equiv="refresh"]') is None
    ]
    assert len(pages) > 5
    # Linked from the foot of every page (`menu: footer`), and not from the menu at the top.
    assert not [a for a in soup(pages[0]).select(".site-nav a") if a.get_text() == "Editorial policy"]
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
    for heading in (
        "## Who publishes this site",
        "## How articles are written",
        "## Which evidence we use",
        "## How articles are reviewed",
        "## Funding, advertising and conflicts of interest",
        "## Your privacy",
        "## How to tell us about a mistake",
        "## When this policy was last reviewed",
    ):
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
        if document.select_one('meta[http-equiv="refresh"]') is not None:
            continue  # an old address's redirect stub: no script, no style, nothing loaded
        policy = document.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert "default-src 'self'" in policy, html
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in document.select(f"{tag}[{attribute}]"):
                if tag == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                    continue  # addresses of this site, never fetched as part of the page
                assert "//" not in element[attribute], (html, element)


# --- people: authors and reviewers named by key --------------------------------------

from datetime import date  # noqa: E402

from sitekit import cli_here as run_cli  # noqa: E402
from sitekit import line_of, new_site  # noqa: E402

TODAY = date(2026, 6, 1)
PEOPLE = """\
# who may be named
jane-roe:
  name: Jane Roe
  credentials: MD
  role: Consultant neurologist
  clinician: true
editorial-team:
  name: Editorial team
  role: writes the articles
  clinician: false
  organization: true
"""


def _article(reviewer: str, author: str = "editorial-team") -> str:
    return f"""\
---
title: Lesions on MRI
summary: What lesions are.
date: 2026-05-01
reviewed: 2026-05-01
reviewer: {reviewer}
author: {author}
takeaways:
  - Lesions are areas of damage.
references:
  - title: "A paper"
    doi: 10.1000/abc
    key: paper
---
A lesion is an area of damage or scarring in the brain [@paper].
"""


def _site(tmp_path, reviewer: str, author: str = "editorial-team", require: bool | None = None, people: str = PEOPLE):
    site = new_site(tmp_path / "site")
    site.write("content/people.yaml", people)
    site.article("lesions.md", _article(reviewer, author))
    if require is not None:
        site.set_config(review={"require_clinical_reviewer": require})
    return site


def _checked(site):
    from sitegen.pipeline import check

    return check(site.config(), today=TODAY, use_cache=False).diagnostics


def _page(site):
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    return soup(site.public / "articles" / "lesions" / "index.html")


def _json_ld(document) -> dict:
    import json

    return json.loads(document.select_one('script[type="application/ld+json"]').string)


def test_a_clinician_reviewer_passes_the_policy_and_is_shown_with_credentials(tmp_path):
    site = _site(tmp_path, "jane-roe", require=True)
    assert [d.format() for d in _checked(site)] == []
    document = _page(site)
    meta = document.select_one("div.review-date").get_text(" ", strip=True)  # at the article's foot
    assert "by Jane Roe, MD (Consultant neurologist)" in meta
    assert "not yet reviewed by a clinician" not in meta
    assert "Written by Editorial team (writes the articles)" in meta
    data = _json_ld(document)
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": "Jane Roe",
        "jobTitle": "Consultant neurologist",
        "honorificSuffix": "MD",
    }
    assert data["author"] == {"@type": "Organization", "name": "Editorial team", "description": "writes the articles"}


def test_a_reviewer_not_marked_clinician_fails_the_policy_with_file_and_line(tmp_path):
    site = _site(tmp_path, "editorial-team", require=True)
    found = [d for d in _checked(site) if d.code == "reviewer-not-clinician"]
    assert len(found) == 1
    problem = found[0]
    assert problem.file == "content/articles/lesions.md"
    assert problem.line == line_of(_article("editorial-team"), "reviewer:")
    assert problem.severity.value == "error"
    assert "not marked as a clinician" in problem.message and "clinician: true" in problem.hint
    # The strict build and `check` both fail on it; a site without the policy passes.
    strict = run_cli("build", "--strict", cwd=site.root)
    assert strict.returncode == 1 and "reviewer-not-clinician" in strict.stderr
    assert "content/articles/lesions.md:6" in strict.stderr
    site.set_config(review={"require_clinical_reviewer": False})
    assert [d for d in _checked(site) if d.code == "reviewer-not-clinician"] == []


def test_a_plain_text_reviewer_still_works_but_fails_the_policy(tmp_path):
    site = _site(tmp_path, "Dr Someone Else", author="Editorial team")
    assert [d.format() for d in _checked(site)] == []
    document = _page(site)
    assert "by Dr Someone Else" in document.select_one("div.review-date").get_text(" ", strip=True)
    assert _json_ld(document)["reviewedBy"] == {"@type": "Person", "name": "Dr Someone Else"}
    assert _json_ld(document)["author"] == {"@type": "Organization", "name": "Editorial team"}
    site.set_config(review={"require_clinical_reviewer": True})
    found = [d for d in _checked(site) if d.code == "reviewer-not-clinician"]
    assert [(d.file, d.line) for d in found] == [("content/articles/lesions.md", 6)]
    assert "not in content/people.yaml" in found[0].message


def test_an_unknown_person_key_is_an_error_with_file_line_and_fix(tmp_path):
    site = _site(tmp_path, "jane-rowe")
    result = site.build()
    assert not result.ok
    found = [d for d in result.diagnostics if d.code == "person-unknown"]
    assert len(found) == 1
    problem = found[0]
    assert (problem.file, problem.line) == ("content/articles/lesions.md", line_of(_article("jane-rowe"), "reviewer:"))
    assert "jane-rowe" in problem.message
    assert "Did you mean 'jane-roe'?" in problem.hint and "content/people.yaml" in problem.hint


def test_a_non_clinician_reviewer_says_so_plainly_on_the_page(tmp_path):
    site = _site(tmp_path, "editorial-team")
    note = _page(site).select_one("div.review-date .review-note").get_text(strip=True)
    assert note == "Reviewed by the editorial team; not yet reviewed by a clinician."


def test_every_real_article_says_it_is_not_yet_clinically_reviewed():
    from sitegen.core.config import load_config

    config, problems = load_config(REPO / "config.yaml")
    assert not problems and config.require_clinical_reviewer is False
    person = config.people["editorial-team"]
    assert person.clinician is False
    for path in sorted((REPO / "content" / "articles").glob("*.md")):
        assert "\nreviewer: editorial-team\n" in path.read_text(encoding="utf-8"), path.name


def test_people_file_problems_name_file_line_and_fix(tmp_path):
    site = _site(
        tmp_path,
        "Editorial team",
        people="""\
        jane-roe:
          name: Jane Roe
          clinican: true
        Bad Key:
          name: X
          clinician: false
        """,
    )
    from sitegen.core.config import load_config

    config, problems = load_config(site.config_path)
    assert config is None
    by_code = {d.code: d for d in problems}
    assert by_code["people-unknown-key"].file == "content/people.yaml"
    assert by_code["people-unknown-key"].line == 3 and "Did you mean 'clinician'?" in by_code["people-unknown-key"].hint
    assert by_code["people-clinician"].line == 1 and "clinician: true" in by_code["people-clinician"].hint
    assert by_code["people-key"].line == 4


# --- plain language gated in CI --------------------------------------------------------

HARD = (
    """\
---
title: Imaging biomarkers
summary: A hard article.
date: 2026-05-01
reviewed: 2026-05-01
reviewer: Editorial team
takeaways:
  - Scans show lesions.
references:
  - title: "A paper"
    doi: 10.1000/abc
---
"""
    + (
        "Notwithstanding considerable methodological heterogeneity, contemporary neuroimaging investigations "
        "consistently demonstrate that quantitative susceptibility-weighted characterisation of paramagnetic "
        "rim-associated chronically inflamed demyelinating lesions substantially facilitates prognostication. "
    )
    * 8
    + "\n"
)


def test_the_real_config_makes_readability_an_error_at_grade_8():
    from sitegen.checks.policy import settings
    from sitegen.core.config import load_config

    config, _ = load_config(REPO / "config.yaml")
    policy, problems = settings(config)
    assert problems == []
    assert policy["readability"]["level"] == "error" and policy["readability"]["max_grade"] <= 8


def test_an_article_above_the_reading_grade_fails_the_strict_build_with_its_hardest_sentences(tmp_path):
    site = new_site(tmp_path / "site")
    site.article("hard.md", HARD)
    site.set_config(checks={"readability": {"level": "error", "max_grade": 8}})
    strict = run_cli("build", "--strict", cwd=site.root)
    assert strict.returncode == 1
    assert "content/articles/hard.md:13:" in strict.stderr and "error: Reading grade" in strict.stderr
    assert "Hardest sentences: line 13" in strict.stderr
    assert not (site.public / "articles" / "hard" / "index.html").exists()  # not published
    check = run_cli("check", "--format", "github", cwd=site.root)  # the workflow's annotations step
    assert check.returncode == 1 and "::error file=content/articles/hard.md,line=13" in check.stdout + check.stderr
    # Rewritten in plain words, the same article passes.
    site.article(
        "hard.md",
        HARD.split("---\n", 2)[0]
        + "---\n"
        + HARD.split("---\n", 2)[1]
        + "---\n"
        + "Scans show spots in the brain. Each spot is a place where the brain was hurt. " * 12
        + "\n",
    )
    assert run_cli("build", "--strict", cwd=site.root).returncode == 0
