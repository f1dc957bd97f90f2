"""Readable URL slugs.

Policy (also in README): Latin letters lose their accents (é -> e), other scripts
are kept as Unicode letters (Greek, Cyrillic, CJK stay readable in the address
bar), everything else becomes a single hyphen; lower case; at most 80 characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from sitegen.core.pages import taken_names

MAX_SLUG = 80
# What a slug may not be: a folder or file of another kind of page, or one the build
# writes (pages.py declares them), or a device name that Windows refuses as a folder
# name (a checkout or a copy of public/ on Windows would fail on articles/con/).
RESERVED = taken_names() | {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(1, 10)),
    *(f"lpt{n}" for n in range(1, 10)),
}


_ASCII_NON_WORD = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    # Only Latin letters lose their marks. Stripping every combining mark (as NFKD + filter did)
    # also changed letters of other scripts: Cyrillic й became и, Greek ή became η and Japanese
    # ガ became カ, so the address no longer spelled the word.
    decomposed = unicodedata.normalize("NFKD", char)
    if unicodedata.name(decomposed[0], "").startswith("LATIN"):
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return char


def _is_word(char: str) -> bool:
    # Letters, digits, and combining marks (Devanagari vowel signs, Arabic harakat, Thai vowels),
    # which `\w` does not match: without them a Hindi word broke into hyphen-separated pieces.
    return char.isalnum() or unicodedata.category(char).startswith("M")


def slugify(text: str) -> str:
    if text.isascii():  # the common case, same result as the general path below, far faster
        slug = _ASCII_NON_WORD.sub("-", text.lower()).strip("-")
        if len(slug) > MAX_SLUG:
            slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
        return slug
    folded = "".join(_fold(c) for c in unicodedata.normalize("NFC", text))
    folded = unicodedata.normalize("NFC", folded.lower())
    slug = "".join(c if _is_word(c) else "-" for c in folded)
    slug = "-".join(part for part in slug.split("-") if part)
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    return slug


def is_valid_slug(slug: str) -> bool:
    return bool(slug) and len(slug) <= MAX_SLUG and slug == slugify(slug)
