"""The `sanitize` raw-HTML policy: nh3 (Rust's ammonia) keeps an allow-list.

nh3 is a maintained, fast HTML sanitiser; writing our own would be the kind of
security code nobody should hand-roll. The allow-list covers what Markdown and
our extensions produce plus harmless formatting an editor might paste. Pictures load only
from the site's own files (as for `![...](...)`, markup/figures.py): an `<img>` or `<source>`
naming another site loses its address and the caller reports `image-external`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",  # figures (markup/figures.py)
    "pre",
    "q",
    "s",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
COMMON = {"class", "id", "role", "aria-label", "aria-hidden", "tabindex", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": COMMON,
    "a": {"href", "aria-describedby"},  # aria-describedby: glossary links name their definition
    "span": {"data-pagefind-ignore"},  # glossary definitions stay out of the search index
    # The figure partial's attributes (templates/partials/figure.html).
    "img": {
        "src",
        "alt",
        "width",
        "height",
        "srcset",
        "sizes",
        "loading",
        "decoding",
        "aria-describedby",
        "data-pagefind-meta",
    },
    "source": {"type", "srcset", "sizes"},
    "th": {"scope", "colspan", "rowspan", "style"},
    "td": {"colspan", "rowspan", "style", "data-label"},  # data-label: the phone layout's cell labels
    "ol": {"start"},
    "abbr": {"title"},
}


# Attributes that make a browser load a picture: on the site, only its own files.
PICTURE_SOURCES = {("img", "src"), ("img", "srcset"), ("source", "srcset")}


def from_elsewhere(address: str) -> bool:
    """Whether an address names another site or a scheme (http:, https:, //host/, data:...)."""
    parts = urlsplit(address.strip())
    return bool(parts.scheme or parts.netloc or address.strip().startswith("//"))


def sanitize(html: str, external: list[str] | None = None) -> str:
    """The HTML with only the allowed tags and attributes; a picture from another site (an
    `<img src>` or a `srcset` candidate) loses that attribute, and its address is added to
    `external` for the caller to report (figures.py `report_external`)."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) not in PICTURE_SOURCES:
            return value
        candidates = (
            [part.split()[0] for part in value.split(",") if part.split()] if "srcset" in attribute else [value]
        )
        elsewhere = [candidate for candidate in candidates if from_elsewhere(candidate)]
        if not elsewhere:
            return value
        if external is not None:
            external.append(elsewhere[0])
        return None

    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
        attribute_filter=keep,
    )
