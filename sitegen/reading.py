"""Reading aids shown in an article's meta line: reading time and reading level.

A pure function of the prose the Markdown pass collected (`Markup.prose`:
paragraphs and list items, not tables, code or references), so the numbers
match what the readability check measures.
"""
from __future__ import annotations

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
    import textstat  # only when there is text; it loads a hyphenation dictionary
    return {"minutes": minutes, "grade": max(0.0, round(float(textstat.flesch_kincaid_grade(text)), 1))}
