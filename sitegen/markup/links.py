"""Links as editors write them on GitHub (`[x](other.md#part)`) become page URLs.

The tree processor rewrites links to other articles, refuses unsafe schemes,
and records every link it saw (a side output of the one Markdown pass, for the
link checker and the incremental build's dependency graph).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from typing import Any
from urllib.parse import SplitResult, urlsplit

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.core.errors import did_you_mean
from sitegen.markup.state import State

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
# Attributes that hold a URL a browser may follow or load.
URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "poster", "background", "cite", "data", "xlink:href")
# A browser drops ASCII tab and newline anywhere in a URL and C0 controls and spaces at its ends
# (WHATWG URL), so "java\tscript:" is javascript: too.
_URL_IGNORED = re.compile(r"[\t\n\r]")


def scheme_of(url: str) -> str:
    """The scheme a browser will see: after decoding character references (&#106; is "j")."""
    # Python-Markdown writes character references in a link target into href unchanged, and the
    # browser decodes them: [x](&#106;avascript:...) is a javascript: link (test_markup.py).
    decoded = _URL_IGNORED.sub("", html.unescape(url)).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
        "\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    return urlsplit(decoded).scheme.lower()


class LinkProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        state = self.state
        for element in root.iter():
            tag = element.tag
            if tag == "a":
                attribute = "href"
            elif tag == "img":
                attribute = "src"
            else:
                continue
            target = element.get(attribute)
            if tag == "img":
                state.images.append((target or "", element.get("alt")))
            if target is None:
                continue
            parts = urlsplit(target.strip())
            scheme = scheme_of(target)
            if scheme and scheme not in SAFE_SCHEMES:
                self._refuse(element, attribute, target, scheme)
                continue
            if not scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
                # Site-absolute (/articles/x/): made relative to this page, so that it still
                # works when the site is published under a sub-path (https://host/repo/).
                # `check` looks the address up among the site's pages (check_links.py).
                element.set(attribute, state.root + target.lstrip("/"))
            if tag == "a" and target.startswith("#fn") and element.get("class", "").startswith("footnote-"):
                continue  # a footnote's mark or its way back, which the footnotes extension anchored itself
            if tag == "a":  # an image was recorded above, and is checked as an image by `check`
                self._follow(element, target, scheme, parts)

    def _refuse(self, element: etree.Element, attribute: str, target: str, scheme: str) -> None:
        """A link or image with an unsafe scheme (javascript:) loses its target."""
        self.state.report(
            "link-unsafe",
            target,
            f"The link uses the unsafe scheme '{scheme}:'.",
            "Link only to web pages (https://...) or to other articles by file name.",
        )
        del element.attrib[attribute]
        if element.tag == "a":
            element.set("class", "link-problem")  # plain text, marked (the preview shows why)

    def _follow(self, element: etree.Element, target: str, scheme: str, parts: SplitResult) -> None:
        """Record the link; one to an article's file (x.md) goes to that article's page."""
        state = self.state
        name = parts.path.rsplit("/", 1)[-1]
        if scheme or parts.netloc or not name.endswith(".md"):
            state.links.append((target, None))
            return
        url = state.targets.get(name)
        if url is None:
            self._broken(element, target, name)
            return
        element.set("href", state.root + url + (f"#{parts.fragment}" if parts.fragment else ""))
        if url in state.other_language:
            # An article with no translation: the link goes to the original, and says so.
            element.set("hreflang", state.fallback[0])
            element.set("class", "link-other-language")
            note = etree.SubElement(element, "span")
            note.set("class", "link-language")
            note.text = f" ({state.fallback[1]})"
        state.links.append((target, name))

    def _broken(self, element: etree.Element, target: str, name: str) -> None:
        """A link to an article file that is not published: reported, and left as marked text."""
        state = self.state
        hint = (
            f"{name} exists but is not published (a draft, or it has errors): publish it or remove the link."
            if name in state.drafts
            else "Link to an article by its file name in content/articles/. "
            + did_you_mean(name, state.targets, "article files")
        )
        state.report("link-broken", target, f"The link points to {name}, which is not a published article.", hint)
        state.links.append((target, None))
        # Plain text, marked: the page stays readable in the preview, which says why;
        # a published build stops at the error.
        del element.attrib["href"]
        element.set("class", "link-problem")


class AttributeScrubber(Treeprocessor):
    """Drop event handlers, inline styles and unsafe URLs that attr_list lets an editor write.

    `{: onclick="..." }` or `[x](https://ok){: href="javascript:..." }` would otherwise put script
    into the page even under the `escape` policy: attr_list runs after LinkProcessor and copies any
    attribute it is given. Markdown-made elements never need these, whatever the raw-HTML policy.
    """

    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if not element.keys():
                continue  # most elements have no attributes
            for name in list(element.attrib):
                lowered = name.lower()
                unsafe_url = lowered in URL_ATTRIBUTES and scheme_of(element.attrib[name]) not in ("", *SAFE_SCHEMES)
                if lowered.startswith("on") or lowered in ("style", "srcdoc", "formaction") or unsafe_url:
                    self.state.report(
                        "attribute-unsafe",
                        name,
                        f"The attribute '{name}' is not allowed in an article.",
                        "Remove the `{: ... }` attribute; articles cannot run scripts or set styles.",
                    )
                    del element.attrib[name]


class LinkExtension(Extension):
    def __init__(self, state: State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After inline patterns (20) have made the <a> elements; before toc (5).
        md.treeprocessors.register(LinkProcessor(md, self.state), "links", 15)
        # After attr_list (8), which sets attributes from `{: ... }`; before the tree is serialised.
        md.treeprocessors.register(AttributeScrubber(md, self.state), "attribute-scrubber", 2)
