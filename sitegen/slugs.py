"""Readable URL slugs.

Policy (also in README): Latin letters lose their accents (é -> e), other scripts
are kept as Unicode letters (Greek, Cyrillic, CJK stay readable in the address
bar), everything else becomes a single hyphen; lower case; at most 80 characters.
"""
from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 80
_NOT_WORD = re.compile(r"[^\w]+|_+")
VALID_SLUG = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?$")
RESERVED = {"articles", "topics", "glossary", "search", "static", "404", "index", "feed", "sitemap"}


def slugify(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = _NOT_WORD.sub("-", unicodedata.normalize("NFC", stripped).lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(VALID_SLUG.match(slug)) and len(slug) <= MAX_SLUG and "--" not in slug
