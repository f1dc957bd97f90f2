"""Links as editors write them on GitHub (`[x](other.md#part)`) become page URLs.

The tree processor rewrites links to other articles, refuses unsafe schemes,
and records every link it saw (a side output of the one Markdown pass, for the
link checker and the incremental build's dependency graph).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..config import did_you_mean

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


class LinkProcessor(Treeprocessor):
    def __init__(self, md, state):
        super().__init__(md)
        self.state = state

    def run(self, root):
        state = self.state
        for element in root.iter():
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute) if attribute else None
            if element.tag == "img":
                state.images.append((target or "", element.get("alt")))
            if target is None:
                continue
            parts = urlsplit(target.strip())
            scheme = parts.scheme.lower()
            if scheme and scheme not in SAFE_SCHEMES:
                state.report("link-unsafe", target, f"The link uses the unsafe scheme '{scheme}:'.",
                             "Link only to web pages (https://...) or to other articles by file name.")
                del element.attrib[attribute]
                continue
            if element.tag == "img":
                continue  # recorded above, checked as an image by `check`
            if scheme or parts.netloc or not parts.path:
                state.links.append((target, None))
                continue
            name = parts.path.rsplit("/", 1)[-1]
            if not name.endswith(".md"):
                state.links.append((target, None))
                continue
            url = state.targets.get(name)
            if url is None:
                hint = (f"{name} exists but is not published (a draft, or it has errors): publish it or remove the link."
                        if name in state.drafts else
                        "Link to an article by its file name in content/articles/. " + did_you_mean(name, state.targets))
                state.report("link-broken", target, f"The link points to {name}, which is not a published article.", hint)
                state.links.append((target, None))
                continue
            resolved = state.root + url + (f"#{parts.fragment}" if parts.fragment else "")
            element.set(attribute, resolved)
            state.links.append((target, name))


class LinkExtension(Extension):
    def __init__(self, state, **kwargs):
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        # After inline patterns (20) have made the <a> elements; before toc (5).
        md.treeprocessors.register(LinkProcessor(md, self.state), "links", 15)
