"""The Site: every article, page, topic and glossary term, gathered before anything renders.

A pure function of the validated content and Config, so every page sees the same
consistent picture (the MkDocs lesson). It holds no Markdown output: bodies are
rendered (in parallel) from the Site, and checked against it afterwards.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from sitegen.core.article import Article, GlossaryTerm, Page
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.core.guides import Guide, resolve
from sitegen.core.pages import GLOSSARY, KINDS, TOPIC
from sitegen.core.slugs import slugify
from sitegen.markup import Markup

if TYPE_CHECKING:
    from sitegen.images.assets import Asset

RELATED_LIMIT = 3

# The slugs of each article's related articles, by article slug.
RelatedSlugs: TypeAlias = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    articles: tuple[Article, ...]
    prefix: str = ""  # as Article.prefix

    @property
    def url(self) -> str:
        return TOPIC.at(self.prefix, self.slug)


@dataclass(frozen=True)
class Site:
    config: Config
    articles: tuple[Article, ...]  # newest first
    pages: tuple[Page, ...]
    topics: tuple[Topic, ...]  # alphabetical
    glossary: tuple[GlossaryTerm, ...]
    related_by_slug: Mapping[str, tuple[Article, ...]]
    topics_by_name: Mapping[str, Topic]
    unpublished: frozenset[str]  # article file names that exist but are not built
    link_targets: Mapping[str, str]  # article file name -> page URL: what link rewriting uses
    # Languages (issue 19): this Site's language and the folder its pages go in ("" for the
    # default language, "es/"); every page address of every language -> {language: the
    # address of the same page in that language}; the site's languages, default first.
    language: str = "en"
    prefix: str = ""
    alternates: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)
    languages: tuple[str, ...] = ("en",)
    fallback: frozenset[str] = frozenset()  # link_targets' URLs that are in the default language
    # A translation's address -> its original's, where the original was reviewed after the
    # revision the translation was made from (the page says so, check_site reports it).
    outdated: Mapping[str, str] = field(default_factory=dict, compare=False)
    # Article URLs past their `next_review`, shown to readers as due for review (check.py's
    # checks.review.overdue: warning, the default).
    overdue: frozenset[str] = field(default_factory=frozenset, compare=False)
    # Articles read in order (guides.py): config.yaml's guides in this language.
    guides: tuple[Guide, ...] = ()

    # The methods whose result is made of the Site's fields alone, never of an article's
    # body: a page that calls them reads nothing a body decides (build/shapes.py;
    # tests/test_shapes.py holds each of them to that).
    FROM_FIELDS: ClassVar[frozenset[str]] = frozenset({"guide_of", "in_language", "topics_of", "start_here", "related"})

    def guide_of(self, article: Article) -> Guide | None:
        """The guide `article` is a page of (check reports an article in two; the first wins)."""
        return next((guide for guide in self.guides if any(a.url == article.url for a in guide.articles)), None)

    def in_language(self, url: str, language: str) -> str | None:
        """The address of the page at `url` in `language`, if it exists."""
        return self.alternates.get(url, {}).get(language)

    # Image path as articles write it (images/t2-lesions.svg) -> its Asset (assets.py).
    assets: Mapping[str, Asset] = field(default_factory=dict)

    @cached_property
    def asset_keys(self) -> Mapping[str, str]:
        """Image path -> Asset.key: what a body showing it depends on (plan.link_dependencies)."""
        return {path: asset.key for path, asset in self.assets.items()}

    def topics_of(self, article: Article) -> tuple[Topic, ...]:
        return tuple(self.topics_by_name[name] for name in article.tags if name in self.topics_by_name)

    def start_here(self) -> tuple[Article, ...]:
        """The home page's "Start here" path: config.yaml's `start_here`, in its order,
        leaving out names that are not published articles (check reports them)."""
        by_name = {article.source.name: article for article in self.articles} if self.config.start_here else {}
        return tuple(by_name[name] for name in self.config.start_here if name in by_name)

    def related(self, article: Article) -> tuple[Article, ...]:
        """Articles sharing most topics with this one, then newest first."""
        return self.related_by_slug.get(article.slug, ())


def make_site(
    config: Config,
    articles: Sequence[Article],
    pages: Iterable[Page],
    glossary: Iterable[GlossaryTerm],
    unpublished: Iterable[str] = frozenset(),
    related_memo: Mapping[str, RelatedSlugs] | None = None,
    prefix: str = "",
    assets: Mapping[str, Asset] | None = None,
) -> tuple[Site, list[Diagnostic], dict[str, RelatedSlugs]]:
    """(the Site, its problems, the related-articles memo for the next build).
    `related_memo`: the related articles an earlier build found (the build cache's); it
    is not changed."""
    by_tag: dict[str, list[Article]] = {}
    for article in articles:
        for tag in article.tags:
            by_tag.setdefault(tag, []).append(article)
    topics: list[Topic] = []
    problems: list[Diagnostic] = []
    slugs: dict[str, str] = {}  # topic slug -> the topic name that has it
    for name in sorted(by_tag, key=str.casefold):
        slug = slugify(name) or "topic"
        if slug in slugs:
            first = by_tag[name][0]
            problems.append(
                Diagnostic(
                    first.source.path,
                    first.source.line_of("tags"),
                    "topic-clash",
                    f"The topics '{name}' and '{slugs[slug]}' would share the page /{prefix}topics/{slug}/.",
                    f"Use one spelling: '{slugs[slug]}'.",
                )
            )
            continue
        slugs[slug] = name
        topics.append(Topic(name, slug, tuple(by_tag[name]), prefix))
    related, memo = _related(articles, related_memo or {})
    problems += _alias_problems(articles)
    site = Site(
        config,
        tuple(articles),
        tuple(pages),
        tuple(topics),
        tuple(glossary),
        related,
        {topic.name: topic for topic in topics},
        frozenset(unpublished),
        {article.source.name: article.url for article in articles},
        assets=dict(assets or {}),
        language=config.language,
        prefix=prefix,
        guides=resolve(config.guides, config.language, articles, prefix),
    )
    return site, problems, memo


# The pages every language has, by their address in the default language.
SHARED_PAGES = tuple(kind.address for kind in KINDS if kind.shared)


def pair_sites(sites: Sequence[Site]) -> tuple[Site, ...]:
    """The Sites of every language (the default first), each knowing the others: the
    address of each page in each language (`alternates`), and, for the other languages,
    links to an article that has no translation resolving to the default language's
    article (`fallback`). Translations name their original by file (`translation_of`)."""
    default = sites[0]
    alternates = _alternates(sites)
    languages = tuple(site.language for site in sites)
    originals = {a.source.name: a.url for a in default.articles}
    by_name = {a.source.name: a for a in default.articles}
    paired = [replace(default, alternates=alternates, languages=languages)]
    for site in sites[1:]:
        targets, fallback = _links_across(site, originals)
        paired.append(
            replace(
                site,
                alternates=alternates,
                languages=languages,
                link_targets=targets,
                fallback=fallback,
                outdated=_outdated(site, default.config, by_name),
            )
        )
    return tuple(paired)


def _alternates(sites: Sequence[Site]) -> dict[str, dict[str, str]]:
    """Each page's address -> its address in each language that has it: the shared pages,
    the guides (by their key), and each translated article or page with its original."""
    default = sites[0]
    alternates: dict[str, dict[str, str]] = {}
    for site in sites:
        for shared in SHARED_PAGES:
            if shared != GLOSSARY.address or site.glossary:
                alternates.setdefault(shared, {})[site.language] = site.prefix + shared
    for declaration in default.config.guides:  # a guide's pages in each language, by its key
        group = {s.language: g.url for s in sites for g in s.guides if g.key == declaration.key}
        for url in group.values():
            alternates[url] = group
    originals = {a.source.name: a.url for a in default.articles}
    original_pages = {p.source.name: p.url for p in default.pages}
    for site in sites[1:]:
        pairs: list[tuple[Article | Page, dict[str, str]]] = [
            *((a, originals) for a in site.articles),
            *((p, original_pages) for p in site.pages),
        ]
        for item, known in pairs:
            if item.translation is not None and item.translation.of in known:
                alternates.setdefault(known[item.translation.of], {default.language: known[item.translation.of]})
                alternates[known[item.translation.of]][site.language] = item.url
    for group in list(alternates.values()):  # every address of a group leads to the whole group
        for url in group.values():
            alternates[url] = group
    return alternates


def _links_across(site: Site, originals: Mapping[str, str]) -> tuple[dict[str, str], frozenset[str]]:
    """(where a link to each article file lands in this language, the default language's
    articles it lands on for want of a translation): within the language first; then the
    original's name, to its translation or to the original."""
    translated = {a.translation.of for a in site.articles if a.translation is not None}
    targets = dict(originals)
    targets.update(
        {a.translation.of: a.url for a in site.articles if a.translation is not None and a.translation.of in originals}
    )
    targets.update(site.link_targets)
    fallback = frozenset(
        originals[name] for name in originals if name not in translated and name not in site.link_targets
    )
    return targets, fallback


def _outdated(site: Site, config: Config, by_name: Mapping[str, Article]) -> dict[str, str]:
    """Each translation whose original changed since -> the original's address: by the
    original's text when the translation records its digest, else by date."""
    outdated: dict[str, str] = {}
    every: tuple[Article | Page, ...] = (*site.articles, *site.pages)
    items = [item for item in every if item.translation is not None]
    if not items:
        return outdated
    from sitegen.content.translations import is_stale  # a site with no translation never imports it

    for item in items:
        made = item.translation
        original = by_name.get(made.of) if made is not None else None
        if made is not None and original is not None and is_stale(config, made, original):
            outdated[item.url] = original.url
    return outdated


def _alias_problems(articles: Sequence[Article]) -> list[Diagnostic]:
    """An old address (alias) must not be an article's address, nor another article's alias."""
    owners = {article.slug: article for article in articles}
    problems = []
    for article in articles:
        for alias in article.aliases:
            other = owners.get(alias)
            if other is None:
                owners[alias] = article
                continue
            what = (
                "is this article's own address"
                if other is article
                else f"is already the address of {other.source.name}"
                if other.slug == alias
                else f"is already an old address of {other.source.name}"
            )
            problems.append(
                Diagnostic(
                    article.source.path,
                    article.source.line_of("aliases"),
                    "alias-clash",
                    f"The alias '{alias}' {what}.",
                    "Remove it from `aliases:`; an address can lead to one article only.",
                )
            )
    return problems


def _related(
    articles: Sequence[Article], memo: Mapping[str, RelatedSlugs]
) -> tuple[dict[str, tuple[Article, ...]], dict[str, RelatedSlugs]]:
    """(related articles, the memo now): memoised on the slugs, topics and order of the
    articles (which is all they depend on), so editing an article's text does not compute
    them again. The memo now holds the latest shape only."""
    shape = hashlib.blake2b(repr([(a.slug, a.tags) for a in articles]).encode("utf-8"), digest_size=16).hexdigest()
    found = memo.get(shape)
    if found is None:
        found = {slug: tuple(r.slug for r in related) for slug, related in _compute_related(articles).items()}
    by_slug = {a.slug: a for a in articles}
    return {slug: tuple(by_slug[r] for r in related) for slug, related in found.items()}, {shape: found}


def _compute_related(articles: Sequence[Article]) -> dict[str, tuple[Article, ...]]:
    """Top RELATED_LIMIT articles by shared topics, then newest first, for every article.

    Articles are grouped by their set of topics; sites have few distinct sets, so the
    candidates are ranked once per set, against each group's newest few (instead of each
    article against every other), and each article takes the first of its set's ranking
    that are not itself. The obvious way is quadratic; this is linear in the articles.
    """
    order = {article.slug: index for index, article in enumerate(articles)}
    groups: dict[frozenset[str], list[Article]] = {}
    for article in articles:
        groups.setdefault(frozenset(article.tags), []).append(article)
    heads = [(tags, members[: RELATED_LIMIT + 1]) for tags, members in groups.items() if tags]
    rankings: dict[
        frozenset[str], list[Article]
    ] = {}  # set of topics -> candidates, most shared topics first, then in site order
    for tags in groups:
        by_shared: dict[int, list[Article]] = {}
        for group, members in heads:
            shared = len(tags & group)
            if shared:
                by_shared.setdefault(shared, []).extend(members)
        rankings[tags] = [
            other
            for shared in sorted(by_shared, reverse=True)
            for other in sorted(by_shared[shared], key=lambda m: order[m.slug])
        ]
    related: dict[str, tuple[Article, ...]] = {}
    for article in articles:
        chosen: list[Article] = []
        for other in rankings[frozenset(article.tags)]:
            if other is not article:
                chosen.append(other)
                if len(chosen) == RELATED_LIMIT:
                    break
        related[article.slug] = tuple(chosen)
    return related


def anchor_problems(
    site: Site, bodies: Mapping[str, Markup], elsewhere: Mapping[str, tuple[str, frozenset[str]]] | None = None
) -> list[Diagnostic]:
    """A link to `other.md#part` must name a heading that exists on the page the link lands on.

    In a translation, `other.md` may land on its translation in this language (whose sections
    have translated names) or, while there is none, on the original: `elsewhere` maps the
    other languages' article URLs to (their file, their section ids)."""
    # The links that name a section, usually few: only their landing pages are looked at.
    linking = [
        (article, written, name)
        for article in site.articles
        for written, name in bodies[article.slug].links
        if name is not None and "#" in written
    ]
    if not linking:
        return []
    here, there = SectionsByUrl(site, bodies), elsewhere or {}
    problems = []
    for article, written, name in linking:
        url = site.link_targets.get(name)
        landing = (here.get(url) or there.get(url)) if url is not None else None
        if landing is None:
            continue  # not a published article: link-broken says so
        fragment = written.split("#", 1)[1]
        shown, anchors = landing
        if fragment not in anchors:
            where = name if shown.rsplit("/", 1)[-1] == name else f"{shown} (the page {name} leads to in this language)"
            close = difflib.get_close_matches(fragment, anchors, n=1)
            line = article.source.line_of_text(written)
            problems.append(
                Diagnostic(
                    article.source.path,
                    line,
                    "link-anchor",
                    f"The link {written} names the section #{fragment}, which {where} does not have.",
                    f"Did you mean #{close[0]}?"
                    if close
                    else f"Sections of {where}: " + (", ".join(sorted(anchors)) or "none") + ".",
                    excerpt=article.source.text_of_line(line),
                )
            )
    return problems


class SectionsByUrl(Mapping[str, tuple[str, frozenset[str]]]):
    """Each article's URL -> (its file, its section ids): for the other languages' anchor
    checks and this language's own. Worked out for the URLs looked up only (the links that
    name a section are few), once each."""

    def __init__(self, site: Site, bodies: Mapping[str, Markup]) -> None:
        self._by_url = {article.url: article for article in site.articles if article.slug in bodies}
        self._bodies = bodies
        self._known: dict[str, tuple[str, frozenset[str]]] = {}

    def __getitem__(self, url: str) -> tuple[str, frozenset[str]]:
        found = self._known.get(url)
        if found is None:
            article = self._by_url[url]
            headings = self._bodies[article.slug].headings
            found = self._known[url] = (str(article.source.path), frozenset(h.id for h in headings))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_url)

    def __len__(self) -> int:
        return len(self._by_url)
