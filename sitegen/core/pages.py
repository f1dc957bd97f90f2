"""The kinds of page a site has and where each lives: declared once, here.

Rendering (build/render.page_jobs) makes one job per page of each kind at the address
declared here; link checking (checks/links.known_urls) knows the same addresses; the
names an article or page may not take as its slug (slugs.RESERVED) include every folder
and file name declared here, so a page can never be written over another; and the pages
every language has (content/site.pair_sites: the language switcher) are the `shared` ones.

An address is relative to a language's folder ("" for the default language, "es/"):
`{slug}` stands for the page's own slug, and an address ending in "/" is a folder whose
index.html is the page.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageKind:
    name: str
    template: str
    address: str  # in a language's folder; "{slug}" for each page's own
    shared: bool = False  # every language has one, at the same address in its folder
    default_only: bool = False  # one for the whole site, in the default language's folder

    def at(self, prefix: str, slug: str = "") -> str:
        """The address of the page: `prefix` (the language's folder) and its slug."""
        return prefix + self.address.replace("{slug}", slug)

    @property
    def folder(self) -> str:
        """What comes before the page's own slug in its address ("articles/")."""
        return self.address.split("{slug}", 1)[0]

    @property
    def file(self) -> str:
        """The file the page is written to, relative to its language's folder."""
        address = self.address
        return address + "index.html" if address == "" or address.endswith("/") else address


HOME = PageKind("home", "index.html", "", shared=True)
ARTICLE = PageKind("article", "article.html", "articles/{slug}/")
MOVED = PageKind("moved", "redirect.html", "articles/{slug}/")  # an article's old address (`aliases:`)
GUIDE = PageKind("guide", "guide.html", "guides/{slug}/")
TOPICS = PageKind("topics", "topics.html", "topics/", shared=True)
TOPIC = PageKind("topic", "topic.html", "topics/{slug}/")
GLOSSARY = PageKind("glossary", "glossary.html", "glossary/", shared=True)  # when the site has terms
PAGE = PageKind("page", "page.html", "{slug}/")  # content/pages/
SEARCH = PageKind("search", "search.html", "search/", shared=True)  # when search is on
NOT_FOUND = PageKind("not-found", "404.html", "404.html")
FEED = PageKind("feed", "feed.xml", "feed.xml")
SITEMAP = PageKind("sitemap", "sitemap.xml", "sitemap.xml", default_only=True)
ROBOTS = PageKind("robots", "robots.txt", "robots.txt", default_only=True)

KINDS = (HOME, ARTICLE, MOVED, GUIDE, TOPICS, TOPIC, GLOSSARY, PAGE, SEARCH, NOT_FOUND, FEED, SITEMAP, ROBOTS)

# Folders the build writes besides pages: the stylesheet and scripts, the search index
# (build/search.py), the browser editor (editor/cms.py), the figures (images/).
OTHER_FOLDERS = ("static", "pagefind", "admin", "images")


def taken_names() -> frozenset[str]:
    """Every first segment of an address a page of some kind has, or a folder the build
    writes, without a file's extension ("404", "feed"...): what a slug may not be."""
    names = {"index"}
    for kind in KINDS:
        first = kind.address.split("/", 1)[0]
        if first and "{" not in first:
            names.add(first.rsplit(".", 1)[0])
    return frozenset(names | set(OTHER_FOLDERS))
