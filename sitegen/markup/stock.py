"""The stock Python-Markdown functions a fast path relies on, known by a digest of their source.

Each fast path (fastpaths.py, fastinline.py, fastblocks.py) names the stock functions its
argument is about and the digest of their source it was checked against; `unchanged`
says whether this Python-Markdown still has them, to the character.
"""

from __future__ import annotations

import functools
import hashlib
import linecache


@functools.cache
def _digest(*functions: object) -> str | None:
    """A digest of the functions' source lines (from their code objects: inspect.getsource
    tokenizes the module, which costs more than a small build's whole Markdown pass)."""
    lines = []
    for function in functions:
        code = getattr(function, "__code__", None)
        source = linecache.getlines(code.co_filename) if code is not None else []
        numbers = [number for _, _, number in code.co_lines() if number] if code is not None else []
        if code is None or not source or not numbers:
            return None  # no source to check: assume it changed
        lines += source[code.co_firstlineno - 1 : max(numbers)]
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()[:16]


def unchanged(digest: str, *functions: object) -> bool:
    """Whether the stock `functions` are, to the character, the ones a fast path was checked against."""
    return _digest(*functions) == digest
