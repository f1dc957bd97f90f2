"""Reading aids shown in an article's meta line: reading time and reading level.

A pure function of the prose the Markdown pass collected (`Markup.prose`:
paragraphs and list items, not tables, code or references), so the numbers
match what the readability check measures.
"""
from __future__ import annotations

import functools


class _CachedHyphenation:
    """pyphen with a per-word memo. textstat counts syllables by asking pyphen about every
    word of every text; articles share most of their words, so this makes scoring a
    site cheap without changing textstat's algorithm or results."""

    def __init__(self, pyphen):
        self.positions = functools.lru_cache(maxsize=200_000)(pyphen.positions)


@functools.lru_cache(maxsize=1)
def textstats():
    """The one textstat scorer used for reading level (meta line) and the readability check."""
    from textstat.textstat import textstatistics  # the class; the package exports an instance
    scorer = textstatistics()
    scorer.pyphen = _CachedHyphenation(scorer.pyphen)
    return scorer


# Slower than the ~240 words a minute often quoted for adults: the readers are
# patients meeting medical words for the first time, sometimes on a phone.
WORDS_PER_MINUTE = 200


def reading_aids(prose: tuple[str, ...]) -> dict:
    """{"minutes": whole minutes, at least 1; "grade": Flesch–Kincaid grade, one decimal, never below 0}."""
    text = " ".join(prose)
    words = len(text.split())
    minutes = max(1, round(words / WORDS_PER_MINUTE))
    if not words:
        return {"minutes": minutes, "grade": 0.0}
    return {"minutes": minutes, "grade": max(0.0, round(float(textstats().flesch_kincaid_grade(text)), 1))}
