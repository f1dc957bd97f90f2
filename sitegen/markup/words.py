"""Marking the words the Markdown pass writes into a page for translation.

`N_("Key point")` returns its argument unchanged; it only tells Babel's extractor
(babel.cfg, `make update-po`) that the string belongs in the gettext catalogue. The
extension translates it when it writes the page, with the page language's gettext
(`State.translate`), so a Spanish page's callout labels, care-card prefixes and table
names are in Spanish, for sighted readers and screen readers alike (issue 31).
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802  (the name gettext tools look for)
    return text
