"""Images placed where they cannot become figures (the safety net, leftovers.py).

An image alone in its paragraph becomes a figure, with its caption and its credit (figures.py).
One alone in a list item, or starting a paragraph that goes on with text (`Source: us.` after
it), stays a bare image: no caption, no credit, no description. An image inside a sentence
stays inline by design, and is not reported.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Iterator

Finding = tuple[str, str, str]  # (the image's address, message, fix)


def misplaced(root: etree.Element) -> Iterator[Finding]:
    for element in root.iter():
        if element.tag not in ("p", "li") or not len(element) or element[0].tag != "img":
            continue
        image = element[0]
        if (element.text or "").strip():
            continue  # inside a sentence: inline, as meant
        after = (image.tail or "").strip() + "".join("".join(child.itertext()) for child in element[1:]).strip()
        source = image.get("src", "")
        if element.tag == "li" and not after and len(element) == 1:
            yield (
                source,
                f"The image `{source}` is alone in a list item, so it is shown without its caption and credit.",
                "Put the image on its own line outside the list, with a blank line before and after it.",
            )
        elif element.tag == "p" and after:
            yield (
                source,
                f"The image `{source}` starts a paragraph that goes on with `{after[:30]}`, so it is shown small "
                "inside the text, without its caption and credit.",
                "Put the image alone on its line, with a blank line before and after it; its credit comes "
                "from images.yaml.",
            )
