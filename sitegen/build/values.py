"""The values of what pages read (tracking.py), on this build's values: the part of a
page's key that says whether what it showed changed.

`Values.of(context, reads)` evaluates each recorded path on a page's context as it is
now and digests the results; equal digests mean the template would read the very same
values. What cannot be resolved any more (an attribute gone, a key absent) is MISSING,
which differs from anything it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence, Set, Sized

from sitegen.build.tracking import ITEMS, LENGTH, WHOLE, Read, is_plain

MISSING = "<missing>"  # a path that does not resolve (an attribute gone, a key absent)


def _length(value: object, step: tuple[object, ...]) -> object:
    return len(value) if isinstance(value, Sized) else MISSING


def _get(value: object, step: tuple[object, ...]) -> object:
    return value.get(step[1], MISSING) if isinstance(value, Mapping) else MISSING


def _call(value: object, step: tuple[object, ...]) -> object:
    args = step[1]
    return value(*args) if callable(value) and isinstance(args, tuple) else MISSING


def _has(value: object, step: tuple[object, ...]) -> object:
    return step[1] in value if isinstance(value, (Mapping, Set, frozenset)) else MISSING


# The steps that are tuples (tracking.py), by their name: each takes the value so far.
# LENGTH and a membership test give a plain value (nothing follows them in a path).
_STEPS: dict[object, Callable[[object, tuple[object, ...]], object]] = {
    LENGTH[0]: _length,
    "get": _get,
    "call": _call,
    "has": _has,
}


MISSING = "<missing>"  # a path that does not resolve (an attribute gone, a key absent)


class Values:
    """The values of paths on this build's page contexts, for page keys.

    Evaluations are memoised by the object a path starts from and the path, so a path
    every page reads of the Site (`site.pages[].title`) is evaluated once a build; the
    objects are held, so an id is never reused while the memo lives."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, Read], object] = {}
        self._held: list[object] = []
        self._fingerprints: dict[int, str] = {}

    def of(self, context: Mapping[str, object], reads: Sequence[Read]) -> str:
        """The digest of the values of `reads` on `context`: equal digests, equal pages."""
        values = []
        memo = self._memo
        for path in reads:
            root = context.get(path[0], MISSING)  # type: ignore[call-overload]
            if is_plain(root):
                values.append(self._plain_value(self._resolve(root, path, 1)))
                continue
            slot = (id(root), path)
            found = memo.get(slot, memo)
            if found is memo:
                found = self._plain_value(self._resolve(root, path, 1))
                memo[slot] = found
                self._held.append(root)
            values.append(found)
        return _digest(values)

    def _resolve(self, value: object, path: Read, at: int) -> object:
        """The value at `path` from `at` on, starting from `value`: each attribute, lookup
        or call steps further in; ITEMS, LENGTH, WHOLE and a membership test end the path."""
        for position in range(at, len(path)):
            if value is MISSING:
                return MISSING
            step = path[position]
            if type(step) is str:
                value = getattr(value, step, MISSING)
            elif step == ITEMS:
                if not isinstance(value, Iterable) or isinstance(value, (str, Mapping)):
                    return MISSING
                return tuple(self._resolve(item, path, position + 1) for item in value)
            elif step == WHOLE:
                return self.fingerprint(value)
            elif type(step) is tuple and step and step[0] in _STEPS:
                value = _STEPS[step[0]](value, step)
            else:
                return MISSING
        return value

    def _plain_value(self, value: object) -> object:
        """A path's value as it goes into a digest: plain values and tuples of them as they
        are (a large tuple digested first, so it is not repeated in every page's key)."""
        if is_plain(value):
            return value
        if type(value) is tuple and len(value) > 8:
            return _digest([self._plain_value(item) for item in value])
        if type(value) is tuple:
            return tuple(self._plain_value(item) for item in value)
        return self.fingerprint(value)

    def fingerprint(self, value: object) -> str:
        """A digest of everything in `value`, stable between processes (sets sorted)."""
        if is_plain(value):
            return repr(value)
        known = self._fingerprints.get(id(value))
        if known is not None:
            return known
        parts: object
        if isinstance(value, Mapping):
            parts = sorted((repr(k), self.fingerprint(v)) for k, v in value.items())
        elif isinstance(value, (Set, frozenset)):
            parts = sorted(self.fingerprint(item) for item in value)
        elif isinstance(value, (tuple, list)):
            parts = [self.fingerprint(item) for item in value]
        elif dataclasses.is_dataclass(value):
            # The fields its repr shows: a record's content (Source.loaded, a memo, is not).
            parts = [type(value).__name__]
            parts.extend(self.fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr)
        else:
            parts = repr(value)
        found = _digest(parts)
        self._fingerprints[id(value)] = found
        self._held.append(value)
        return found


def _digest(parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()
