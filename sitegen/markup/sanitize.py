"""The `sanitize` raw-HTML policy: nh3 (Rust's ammonia) keeps an allow-list.

nh3 is a maintained, fast HTML sanitiser; writing our own would be the kind of
security code nobody should hand-roll. The allow-list covers what Markdown and
our extensions produce plus harmless formatting an editor might paste.
"""

from __future__ import annotations

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


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )
