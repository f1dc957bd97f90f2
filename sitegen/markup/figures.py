"""Images from content/images/: a Markdown image alone in its paragraph becomes a figure.

`![Alt text](images/t2-lesions.svg "Caption")` on its own line: a `<figure>` drawn by
templates/partials/figure.html (a `<picture>` with AVIF and WebP sources for a photo,
an `<img>` for an SVG diagram; the caption with the credit and licence line under it;
the long description of the record, if any, in a `<details>` the image names with
aria-describedby). An image inside a sentence stays inline (its served file, with its
width and height); an image marked `decorative: true` in its record is never put in a
figure and keeps alt="".

The alt text rules are checked here, during the one Markdown pass, with the line of
the image: missing or empty alt, alt that says "image of", alt that repeats the caption,
a reference to a file that does not exist, an image from another site (`image-external`:
the site shows only its own files, and its CSP would block the picture anyway). The record's own problems (no credit, no
licence) are reported against images.yaml by assets.py.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.core.errors import did_you_mean
from sitegen.core.slugs import slugify
from sitegen.images.assets import SIZES, Asset, language_variant, written_path
from sitegen.images.records import Record
from sitegen.markup.sanitize import from_elsewhere
from sitegen.markup.state import Figures, State

# Alt text that starts by saying it is an image: a screen reader has already said so.
REDUNDANT = re.compile(r"^\s*(?:an?\s+)?(?:image|picture|photo|photograph|graphic)\s+of\b", re.IGNORECASE)


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _alone_in_paragraph(root: etree.Element) -> dict[int, etree.Element]:
    """Each image with the paragraph it is alone in, if it is (by the image's id)."""
    alone: dict[int, etree.Element] = {}
    for paragraph in root.iter("p"):
        only = len(paragraph) == 1 and paragraph[0].tag == "img"
        if only and not (paragraph.text or "").strip() and not (paragraph[0].tail or "").strip():
            alone[id(paragraph[0])] = paragraph
    return alone


def report_external(state: State, src: str) -> None:
    """The finding for an image from another site (a Markdown image here, or raw HTML that the
    sanitize policy took the address out of: markup/sanitize.py)."""
    state.report(
        "image-external",
        src,
        f"The image {src} is on another site: images must be files in content/images/ (with their "
        "record in images.yaml); the site never loads pictures from other sites.",
        "Download the picture (if its licence allows it), save it in content/images/, add its record "
        "(credit and licence) to content/images/images.yaml, and write ![What it shows](images/name.png).",
    )


def _own_version(asset: Asset, language: str) -> bool:
    """Whether the asset is a drawing's version in `language` (x.es.svg)."""
    return asset.name.split(".")[1:-1][-1:] == [language]


def _record_words(record: Record | None, language: str, translated: bool) -> tuple[str, str, str]:
    """The credit, default caption and long description the page shows: from the record's
    words in the page's language when `translated`, the default language's where it has none
    (but never the default language's caption, which would be a sentence in English)."""
    if record is None:
        return "", "", ""
    if not translated:
        return record.credit, record.caption, record.long_description
    own = record.words(language)
    return own[0] or record.credit, own[1], own[2] or record.long_description


def _show_inline(image: etree.Element, root: str, asset: Asset, caption: str, decorative: bool) -> None:
    """An image inside a sentence (or a decorative one): its served file, with its size."""
    served = asset.fallback
    image.set("src", root + served.path)
    image.set("width", str(served.width))
    image.set("height", str(served.height))
    image.set("loading", "lazy")
    image.set("decoding", "async")
    image.attrib.pop("title", None)
    if decorative:
        image.set("alt", "")
    elif caption:
        image.set("title", caption)


def _sources(asset: Asset, root: str) -> list[dict[str, str]]:
    """A photo's `<source>`s, one per format (the last, the original format's, is the `<img>`'s own)."""
    if asset.kind != "raster":
        return []
    by_type: dict[str, list[str]] = {}
    for variant in asset.outputs:
        by_type.setdefault(variant.mime, []).append(f"{root}{variant.path} {variant.width}w")
    return [{"type": kind, "srcset": ", ".join(items)} for kind, items in by_type.items()]


class FigureProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        state = self.state
        figures = state.figures_source
        alone = _alone_in_paragraph(root)
        count = 0
        seen: dict[str, int] = {}  # src -> how many times it was met so far
        for image in list(root.iter("img")):
            src = image.get("src") or ""
            seen[src] = seen.get(src, 0) + 1
            path = written_path(src)
            if path is None:
                if from_elsewhere(src):
                    self._external(image, src)
                continue  # static/ or the site's own address: check_links.py checks those
            asset = self._find(src, path, figures)
            if asset is None:
                continue
            assert figures is not None
            alt, caption = image.get("alt"), (image.get("title") or "").strip()
            decorative = asset.record is not None and asset.record.decorative
            self._check_alt(src, alt, caption, decorative, asset)
            # A drawing's version in the page's language (x.es.svg) has its record in that language.
            translated = bool(figures.language) and not decorative and not _own_version(asset, figures.language)
            if translated:
                self._check_language(src, path, asset, figures)
            credit, default_caption, long_description = _record_words(asset.record, figures.language, translated)
            caption = caption or default_caption
            alone_in = alone.get(id(image))
            if alone_in is None and not decorative:
                self._run_in(src, seen[src])
            if alone_in is None or decorative:
                _show_inline(image, state.root, asset, caption, decorative)
                continue
            count += 1
            html = self._draw(figures, asset, alt or "", caption, credit, long_description, count)
            state.figures.append((asset.fallback.path, asset.fallback.format))
            # Raw HTML the postprocessor puts back in place of the paragraph (a block of its own).
            alone_in.remove(image)
            alone_in.text = self.md.htmlStash.store(html.strip())

    def _external(self, image: etree.Element, src: str) -> None:
        """An image from another site (or any address with a scheme): reported, and left out of
        the page (its alt text shows), since the site's CSP would block it anyway. (Unsafe
        schemes such as javascript: and data: were refused, and the address removed, by the
        link processor before this runs.)"""
        report_external(self.state, src)
        del image.attrib["src"]

    def _find(self, src: str, path: str, figures: Figures | None) -> Asset | None:
        """The asset `src` names, or None after reporting that it does not exist."""
        assets = figures.assets if figures is not None else {}
        asset = assets.get(path)
        if asset is None:
            names = {posixpath.basename(p): p for p in assets}
            guess = did_you_mean(posixpath.basename(path), names, "image files")
            self.state.report(
                "image-missing",
                src,
                f"The image {src} does not exist in content/images/.",
                "Put the file in content/images/ and write its path as images/name.svg. "
                + (guess.replace("'", "'images/", 1) if guess.startswith("Did") else guess),
            )
        return asset

    def _draw(
        self,
        figures: Figures,
        asset: Asset,
        alt: str,
        caption: str,
        credit: str,
        long_description: str,
        count: int,
    ) -> str:
        """The figure's HTML, drawn by the figure partial: the `count`th figure of the page."""
        state = self.state
        served = asset.fallback
        describe = f"figure-{slugify(asset.name.rsplit('.', 1)[0])}-{count}-description"
        sources = _sources(asset, state.root)
        return figures.draw(
            {
                "asset": asset,
                "alt": alt,
                "caption": caption,
                "credit": credit,
                "licence": figures.licence(asset) if asset.record else "",
                "long_description": long_description,
                "describe_id": describe if long_description else "",
                "figure_id": describe.removesuffix("-description"),  # unique on the page
                "sources": sources[:-1],  # the last (the original format) is the <img>'s own srcset
                "fallback_srcset": sources[-1]["srcset"] if sources else "",
                "sizes": SIZES,
                "src": state.root + served.path,
                "served": served,
                "first": not state.figures,
                "root": state.root,
            }
        )

    def _check_language(self, src: str, path: str, asset: Asset, figures: Figures) -> None:
        """On a page in another language: the drawing's version in that language, if there is
        one, and the record's words (credit, long description) in that language."""
        language, state = figures.language, self.state
        variant = language_variant(path, language)
        if variant in figures.assets and variant != path:
            state.report(
                "image-translation-available",
                src,
                f"This page shows {asset.name}, but {posixpath.basename(variant)} is its version "
                f"in this page's language ({language}).",
                f"Write {variant} instead of {path}.",
                warning=True,
            )
        record = asset.record
        if record is None:
            return
        own = record.words(language)
        missing = [
            label
            for label, theirs, ours in (
                ("credit", record.credit, own[0]),
                ("long_description", record.long_description, own[2]),
            )
            if theirs and not ours
        ]
        if missing:
            state.report(
                "image-record-untranslated",
                src,
                f"The record of {asset.name} in images.yaml gives its {' and '.join(missing)} only in the "
                f"site's default language, so this page shows {'them' if len(missing) > 1 else 'it'} untranslated.",
                f"Add them under the record in content/images/images.yaml:\n{asset.name}:\n  {language}:\n"
                + "\n".join(f"    {label}: ..." for label in missing),
                warning=True,
            )

    def _run_in(self, src: str, occurrence: int) -> None:
        """An image written alone on its line but read as part of a paragraph (no blank line
        between it and the text above or below) is drawn small in the text, without its caption
        and credit: report it, where the editor meant a figure (issue 29)."""
        state = self.state
        written = list(re.finditer(r"\]\(\s*<?" + re.escape(src), state.body))
        if len(written) < occurrence:
            return
        at = written[occurrence - 1].start()
        start = state.body.rfind("\n", 0, at) + 1
        end = state.body.find("\n", at)
        text = state.body[start : end if end >= 0 else len(state.body)]
        alone = re.compile(r"^\s*!\[[^\]\n]*\]\(\s*<?" + re.escape(src) + r">?(?:\s[^\n]*)?\)\s*$")
        if alone.match(text):
            state.report(
                "syntax-not-understood",
                src,
                f"The image {src} is alone on its line but was read as part of the paragraph next to it, "
                "so it shows small in the text, without its caption and credit.",
                "Leave a blank line before and after the image's line to make it a figure.",
                line=state.body_line + state.body.count("\n", 0, at),
            )

    def _check_alt(self, src: str, alt: str | None, caption: str, decorative: bool, asset: Asset) -> None:
        state = self.state
        name = asset.name
        if alt is None or (alt and not alt.strip()):
            state.report(
                "image-alt-missing",
                src,
                f"The image {name} has no alt text.",
                f"Describe what the image shows in the brackets: ![What it shows]({src}).",
            )
        elif not alt and not decorative:
            state.report(
                "image-alt-empty",
                src,
                f"The image {name} has empty alt text, but its record does not say it is decorative.",
                "Describe what it shows in the brackets; only if it shows nothing a reader needs, add "
                "`decorative: true` to its record in content/images/images.yaml.",
            )
        elif alt and decorative:
            state.report(
                "image-decorative-alt",
                src,
                f"The image {name} is marked decorative in images.yaml but has alt text here.",
                f"Write ![]({src}) for a decorative image, or remove `decorative: true` from its record.",
            )
        if alt and REDUNDANT.match(alt):
            state.report(
                "image-alt-redundant",
                src,
                f"The alt text of {name} starts by saying it is an image ('{alt.split()[0]} {alt.split()[1]}...').",
                "Screen readers already say it is an image: start with what it shows, e.g. 'A nerve fibre with...'.",
                warning=True,
            )
        if alt and caption and _plain(alt) == _plain(caption):
            state.report(
                "image-alt-caption",
                src,
                f"The alt text of {name} repeats its caption, so screen reader users hear it twice.",
                "Let the alt text say what the image shows, and the caption what it means.",
                warning=True,
            )


class FigureExtension(Extension):
    def __init__(self, state: State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After the link processor (15) has recorded every image; before attr_list (8).
        md.treeprocessors.register(FigureProcessor(md, self.state), "figures", 14)
