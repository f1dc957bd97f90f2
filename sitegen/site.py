"""The Site: every article, page, topic and glossary term, gathered before anything renders.

A pure function of its inputs (Content, the Markdown results, Config), so every
page sees the same consistent picture (the MkDocs lesson), and so that the
incremental build can tell what a change touches.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from .article import Article, GlossaryTerm, Page
from .config import Config
from .errors import Diagnostic
from .markup import Markup
from .slugs import slugify

RELATED_LIMIT = 3


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return f"topics/{self.slug}/"


@dataclass(frozen=True)
class Site:
    config: Config
    articles: tuple[Article, ...]          # newest first
    bodies: Mapping[str, Markup]           # article slug -> its Markdown result
    pages: tuple[Page, ...]
    page_bodies: Mapping[str, Markup]
    topics: tuple[Topic, ...]              # alphabetical
    glossary: tuple[GlossaryTerm, ...]

    def topic(self, name: str) -> Topic:
        return self._topics_by_name()[name]

    def _topics_by_name(self) -> dict:
        return {topic.name: topic for topic in self.topics}

    def topics_of(self, article: Article) -> tuple[Topic, ...]:
        by_name = self._topics_by_name()
        return tuple(by_name[name] for name in article.tags)

    def related(self, article: Article) -> tuple[Article, ...]:
        """Articles sharing most topics with this one, then newest first."""
        tags = set(article.tags)
        scored = [(len(tags & set(other.tags)), other) for other in self.articles if other is not article]
        scored = [(shared, other) for shared, other in scored if shared]
        scored.sort(key=lambda pair: -pair[0])  # stable: ties keep newest-first order
        return tuple(other for _, other in scored[:RELATED_LIMIT])


def link_targets(articles) -> dict[str, str]:
    """File name -> page URL (relative to the site root), the map link rewriting uses."""
    return {article.source.name: article.url for article in articles}


def make_site(config: Config, articles, bodies: Mapping[str, Markup], pages, page_bodies, glossary) -> tuple[Site, list[Diagnostic]]:
    by_tag: dict[str, list[Article]] = {}
    for article in articles:
        for tag in article.tags:
            by_tag.setdefault(tag, []).append(article)
    topics, problems, slugs = [], [], {}
    for name in sorted(by_tag, key=str.casefold):
        slug = slugify(name) or "topic"
        if slug in slugs:
            first = by_tag[name][0]
            problems.append(Diagnostic(first.source.path, first.source.line_of("tags"), "topic-clash",
                                       f"The topics '{name}' and '{slugs[slug]}' would share the page /topics/{slug}/.",
                                       f"Use one spelling: '{slugs[slug]}'."))
            continue
        slugs[slug] = name
        topics.append(Topic(name, slug, tuple(by_tag[name])))
    site = Site(config, tuple(articles), MappingProxyType(dict(bodies)), tuple(pages),
                MappingProxyType(dict(page_bodies)), tuple(topics), tuple(glossary))
    problems.extend(_anchor_problems(site))
    return site, problems


def _anchor_problems(site: Site) -> list[Diagnostic]:
    """A link to `other.md#part` must name a heading that exists in other.md."""
    by_name = {article.source.name: article for article in site.articles}
    problems = []
    for article in site.articles:
        body = site.bodies[article.slug]
        for written, name in body.links:
            if name is None or "#" not in written:
                continue
            fragment = written.split("#", 1)[1]
            target = by_name[name]
            anchors = {heading.id for heading in site.bodies[target.slug].headings}
            if fragment not in anchors:
                import difflib
                close = difflib.get_close_matches(fragment, anchors, n=1)
                problems.append(Diagnostic(
                    article.source.path, _line(article, written), "link-anchor",
                    f"The link {written} names the section #{fragment}, which {name} does not have.",
                    f"Did you mean #{close[0]}?" if close else
                    f"Sections of {name}: " + (", ".join(sorted(anchors)) or "none") + "."))
    return problems


def _line(article: Article, needle: str) -> int:
    index = article.source.body.find(needle)
    return article.source.body_line + (article.source.body[:index].count("\n") if index >= 0 else 0)
