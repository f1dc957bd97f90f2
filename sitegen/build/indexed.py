"""What pagefind reads of a page, digested (search.py): the search index of a language is
made again only when the digest of one of its pages changed.

`indexed_digest` reads the `data-pagefind-body` element without its
`data-pagefind-ignore` parts, every `data-pagefind-*` attribute anywhere, the `<h1>`
pagefind takes as the title and `<html lang>`. A template edit outside the indexed
text, or a new review date (shown in an ignored box), changes no digest.
"""

from __future__ import annotations

import hashlib
import re

_BODY = "data-pagefind-body"
_IGNORE = "data-pagefind-ignore"
_ATTRIBUTE = "data-pagefind-"
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]*)\"")
_TAGS: dict[str, re.Pattern[str]] = {}


def _element_end(html: str, start: int) -> int:
    """The index just past the end of the element whose start tag begins at `start`
    (templates own the HTML, so tags are well formed; an unclosed one runs to the end)."""
    match = _TAG_NAME.match(html, start)
    if match is None:
        return start + 1
    name = match.group(1).lower()
    tags = _TAGS.get(name)
    if tags is None:
        tags = _TAGS[name] = re.compile(rf"<(/?){re.escape(name)}[\s/>]", re.IGNORECASE)
    depth, position = 0, start
    while (found := tags.search(html, position)) is not None:
        depth += -1 if found.group(1) else 1
        position = found.end()
        if depth == 0:
            close = html.find(">", found.start())
            return len(html) if close < 0 else close + 1
    return len(html)


def _attribute_tags(html: str) -> list[str]:
    """Every tag with a pagefind attribute other than body and ignore (meta, filter, sort,
    weight, index-attrs, default-meta...), wherever it is: pagefind reads them all."""
    tags, position = [], 0
    while (found := html.find(_ATTRIBUTE, position)) >= 0:
        position = found + len(_ATTRIBUTE)
        if not html.startswith(("body", "ignore"), position):
            tags.append(html[html.rfind("<", 0, found) : html.find(">", found) + 1])
    return tags


def indexed_digest(data: bytes) -> tuple[str, str] | None:
    """(language, digest of what pagefind indexes) of a page, or None when it has no
    `data-pagefind-body` and so is not indexed. Errs on the side of a change: anything
    pagefind might read is in the digest, ignored parts aside."""
    html = data.decode("utf-8", "replace")
    marker = html.find(_BODY)
    if marker < 0:
        return None
    start = html.rfind("<", 0, marker)
    body = html[start : _element_end(html, start)]
    # Cut each ignored element whole; what is kept is joined once.
    kept, position = [], 0
    while (found := body.find(_IGNORE, position)) >= 0:
        tag = body.rfind("<", 0, found)
        kept.append(body[position:tag])
        position = max(_element_end(body, tag), found + 1)
    kept.append(body[position:])
    lang = _LANG.search(html)
    language = lang.group(1).lower() if lang else "unknown"
    # The title pagefind shows is the page's first <h1>, wherever it is.
    h1 = html.find("<h1")
    title = html[h1 : html.find("</h1>", h1)] if h1 >= 0 else ""
    text = "\0".join((language, title, "".join(kept), *_attribute_tags(html)))
    return language, hashlib.sha256(text.encode("utf-8")).hexdigest()
