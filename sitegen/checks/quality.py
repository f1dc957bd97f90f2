"""Health-information quality checks over the assembled Site: findings are Diagnostics.

Runs on the values the build already made (front matter and the one Markdown
pass's side outputs: headings, links, images, prose); it renders no templates.
It reads a source file only to find the line of a finding in a body the build did
not need to load (`Source.line_of_text`). `today` is an argument so results are
reproducible.
Each check group's level (off/warning/error) and thresholds come from
config.yaml `checks:` (policy.py holds the shipped policy, DEFAULTS).
The checks themselves: policy.py (levels and thresholds), articles.py (front matter and
structure), readability.py, links.py, jargon.py and site.py (over the whole site).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from sitegen.checks.articles import citations, headings, references, review, takeaways, template_text
from sitegen.checks.findings import Findings
from sitegen.checks.jargon import jargon
from sitegen.checks.links import known_urls, links_and_images
from sitegen.checks.policy import settings
from sitegen.checks.readability import language_readability, readability
from sitegen.checks.site import glossary_terms, moved_articles, start_here
from sitegen.content.site import Site
from sitegen.core.errors import Diagnostic, did_you_mean
from sitegen.core.guides import problems as guide_problems
from sitegen.markup import Markup

__all__ = ["run_checks", "settings"]


def run_checks(
    site: Site,
    bodies: Mapping[str, Markup],
    page_bodies: Mapping[str, Markup],
    static_files: frozenset[str] = frozenset(),
    today: date | None = None,
    *,
    addresses: Collection[str],
    only: Collection[str] | None = None,
) -> list[Diagnostic]:
    """Every finding for the site. `bodies`/`page_bodies`: slug -> the Markdown pass's Markup
    (of every article: links are checked against all their headings). `only`: the slugs
    of the articles to check (the preview's, after a save), if not all. `addresses`: the
    output path of every page, as the build's plan has them."""
    policy, problems = settings(site.config)
    today = today or date.today()
    found = Findings(policy)
    if not site.config.disclaimer.strip():
        found.add(
            "disclaimer",
            site.config.path.name,
            None,
            "disclaimer-missing",
            "No site-wide medical disclaimer is configured.",
            "Set `disclaimer:` in config.yaml; it is shown on every article page.",
        )
    start_here(site, found)
    if site.config.publisher and site.config.publisher not in site.config.people and not site.prefix:
        found.add(
            "links",
            site.config.path.name,
            site.config.publisher_line,
            "publisher-unknown",
            f"publisher names '{site.config.publisher}', which is not a key of content/people.yaml; "
            "no page names a publisher.",
            did_you_mean(site.config.publisher, site.config.people, "people")
            if site.config.people
            else "Add the team or body that publishes the site to content/people.yaml.",
        )
    for problem in guide_problems(site.config.guides, site.language, site.articles, site.unpublished):
        found.add("links", problem.file, problem.line, problem.code, problem.message, problem.hint)
    moved_articles(site, found)
    urls = known_urls(site, bodies, page_bodies, static_files, addresses)
    from sitegen.core.sources import display_path

    glossary_file = display_path(site.config.content_dir / site.prefix / "glossary.yaml", site.config.root)
    for article in site.articles:
        if only is not None and article.slug not in only:
            continue
        review(article, policy["review"], today, found)
        takeaways(article, policy["takeaways"], found)
        references(article, found)
        citations(article, bodies[article.slug], found)
        headings(article, bodies[article.slug], found)
        template_text(article, bodies[article.slug], found)
        links_and_images(article, article.url, bodies[article.slug], site, urls, found)
        if policy["jargon"]["level"] != "off":
            jargon(article, bodies[article.slug], site.glossary, glossary_file, found)
        if policy["readability"]["level"] != "off":
            if article.language == "en":
                readability(article, bodies[article.slug], policy["readability"], found)
            elif policy["readability"].get(article.language):
                language_readability(article, bodies[article.slug], policy["readability"], found)
    for page in site.pages:
        links_and_images(page, page.url, page_bodies[page.slug], site, urls, found)
    glossary_terms(site, found)
    from sitegen.content.validate import reviewer_policy

    return problems + found.items + reviewer_policy(site.articles, site.config)
