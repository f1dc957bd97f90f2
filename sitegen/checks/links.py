"""Quality checks of an article's links and images: every internal address must exist
(with its anchor), and external ones must be well formed. Part of `check.run_checks`."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Collection, Iterator, Mapping
from urllib.parse import SplitResult, unquote, urlsplit

from sitegen.checks.findings import Findings
from sitegen.content.site import Site
from sitegen.core.article import Article, Page
from sitegen.core.errors import did_you_mean
from sitegen.core.pages import GLOSSARY, KINDS, SEARCH
from sitegen.images.assets import written_path
from sitegen.markup import Markup

# Ids the article template gives its own sections, so links may point at them.
TEMPLATE_ANCHORS = frozenset(
    {
        "main",
        "takeaways-title",
        "toc-title",
        "questions-title",
        "references-title",
        "disclaimer-title",
        "related-title",
    }
)


class KnownUrls(Mapping[str, "set[str]"]):
    """Every page URL of the site -> the anchors it has, each page's worked out when first
    asked (most links name no section: a check of one article in the preview must not
    gather the sections of 2,000)."""

    def __init__(self, urls: dict[str, set[str]], later: dict[str, tuple[Markup, frozenset[str]]]) -> None:
        self._urls, self._later = urls, later  # url -> (the body whose headings are its anchors, others)

    def __getitem__(self, url: str) -> set[str]:
        found = self._urls.get(url)
        if found is None:
            body, more = self._later[url]  # KeyError: not a page
            found = self._urls[url] = {heading.id for heading in body.headings} | more
        return found

    def __contains__(self, url: object) -> bool:
        return url in self._urls or url in self._later

    def __iter__(self) -> Iterator[str]:
        return iter({**self._urls, **dict.fromkeys(self._later)})

    def __len__(self) -> int:
        return len(self._urls.keys() | self._later.keys())


def known_urls(
    site: Site,
    bodies: Mapping[str, Markup],
    page_bodies: Mapping[str, Markup],
    static_files: frozenset[str],
    addresses: Collection[str],
) -> KnownUrls:
    """Every page URL of the site -> the anchors it has: the pages the build makes
    (`addresses`: their output paths, from the plan's render.page_jobs), and from another
    language's pages, the default language's own."""
    urls: dict[str, set[str]] = {path.removesuffix("index.html"): set() for path in addresses}
    if site.prefix:
        for kind in KINDS:
            if "{" not in kind.address and (kind is not SEARCH or site.config.search):
                urls.setdefault(kind.at(""), set())
    later = {article.url: (bodies[article.slug], TEMPLATE_ANCHORS) for article in site.articles}
    later.update((page.url, (page_bodies[page.slug], frozenset())) for page in site.pages)
    for url in later:
        urls.pop(url, None)
    if site.glossary:
        urls[GLOSSARY.at(site.prefix)] = {term.slug for term in site.glossary}
    for name in static_files:
        later.pop(name, None)
        urls[name] = set()
    return KnownUrls(urls, later)


def links_and_images(
    item: Article | Page, url: str, body: Markup, site: Site, known_urls: Mapping[str, set[str]], found: Findings
) -> None:
    file = item.source.path
    for written, resolved in body.links:
        parts = urlsplit(written)
        if resolved is not None or parts.path.endswith(".md"):
            continue  # article links were resolved (or reported) in the Markdown pass
        if parts.scheme in ("http", "https"):
            if not parts.netloc or " " in written or "." not in parts.netloc:
                found.add(
                    "links",
                    file,
                    item.source.line_of_text(written),
                    "link-malformed",
                    f"The web address {written!r} is not well-formed.",
                    "Copy the full address from the browser's address bar.",
                )
            continue
        if parts.scheme or parts.netloc:
            continue  # mailto:, tel: (unsafe schemes were refused in the Markdown pass)
        _internal(item, url, written, parts, known_urls, found, "link-broken", site.link_targets)
    for src, alt in body.images:
        if written_path(src) is not None:
            continue  # content/images/: checked in the Markdown pass (markup/figures.py)
        name = posixpath.basename(urlsplit(src).path)
        if alt is None or not alt.strip():
            found.add(
                "images",
                file,
                item.source.line_of_text(src),
                "image-alt-missing",
                f"The image {name} has no alt text.",
                "Describe what the image shows in the brackets: ![MRI scan with two bright spots](scan.png).",
            )
        elif alt.strip().lower() in (name.lower(), name.rsplit(".", 1)[0].lower()):
            found.add(
                "images",
                file,
                item.source.line_of_text(src),
                "image-alt-filename",
                f"The alt text of {name} is just its file name.",
                "Describe what the image shows, for people who cannot see it.",
            )
        parts = urlsplit(src)
        if not parts.scheme and not parts.netloc and parts.path:
            _internal(item, url, src, parts, known_urls, found, "image-missing")


def _internal(
    item: Article | Page,
    url: str,
    written: str,
    parts: SplitResult,
    known_urls: Mapping[str, set[str]],
    found: Findings,
    code: str,
    articles: Mapping[str, str] | None = None,
) -> None:
    if not parts.path:  # "#section" on the same page
        target = url
    elif parts.path.startswith("/"):
        target = parts.path.lstrip("/")
    else:
        target = posixpath.normpath(posixpath.join(url, unquote(parts.path)))
        target = "" if target == "." else target
    if target.endswith("index.html"):
        target = target[: -len("index.html")]
    if target and not target.endswith("/") and target + "/" in known_urls:
        target += "/"
    file, line = item.source.path, item.source.line_of_text(written)
    group = "images" if code == "image-missing" else "links"
    if target.startswith("..") or target not in known_urls:
        found.add(
            group,
            file,
            line,
            code,
            f"The {'image' if group == 'images' else 'link'} {written!r} points to a page or file that does not exist.",
            "Show an image from content/images/ as ![what it shows](images/name.png)."
            if group == "images"
            else _article_hint(parts, articles or {}),
        )
    elif parts.fragment and parts.fragment not in known_urls[target]:
        found.add(
            group,
            file,
            line,
            "link-anchor",
            f"The link {written!r} names the section #{parts.fragment}, which does not exist.",
            did_you_mean(parts.fragment, known_urls[target], "sections")
            if known_urls[target]
            else "That page has no sections to link to.",
        )


def _article_hint(parts: SplitResult, articles: Mapping[str, str]) -> str:
    """The fix for a broken link: the article file it most likely meant, if any."""
    stem = posixpath.basename(unquote(parts.path).rstrip("/")).removesuffix(".html")
    for name in (f"{stem}.md", *difflib.get_close_matches(f"{stem}.md", list(articles), n=1, cutoff=0.8)):
        if stem and name in articles:
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            return f"Did you mean ({name}{fragment})? Link to an article by its file name, ending in .md."
    return "Link to another article by its file name: [text](other-article.md), or [text](other-article.md#section)."
