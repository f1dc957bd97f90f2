"""What a page read while it rendered: the part of its key that cannot go stale.

A template receives its page's values (the Site, the article, its topics...) wrapped in
views that record every path it reads: `site.pages[].title`, `article.summary`,
`site.alternates.get("/articles/x/")`, the length of `related`. The recorded paths are
the page's *reads*. A page's key (render.page_key) is the digest of its template, the
configuration, its body and the values of its reads; the build cache keeps each page's
reads, and the next build evaluates the same paths on its own values. Rendering is
deterministic, so while every path it read has the same value, the page is the same;
when one differs, the page renders again and records its reads anew. No hand-written
list of what a page shows can fall behind its template: a template that starts showing
a field reads it, so the field is in the page's key from that render on.

The views over-approximate where exact tracking would cost more than it saves: an
element read through a slice or an index counts as every element's read, a method call
or a comparison reads its receiver and arguments whole. Over-approximation only ever
renders a page that did not need it; it never keeps a stale one.

Paths are tuples of plain values (the first is the name of the context value), so the
cache stores them as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence, Set
from datetime import date
from pathlib import PurePath
from typing import Any

from markupsafe import Markup

from sitegen.core.article import Article, Page

# The steps of a path besides attribute names (str). Each is a tuple, so that no attribute
# name can be mistaken for one.
ITEMS = ("[]",)  # every element of a sequence (a wildcard: its value is all of theirs)
LENGTH = ("len",)  # how many elements (or whether there are any)
WHOLE = ("all",)  # the value entire: compared, printed, or handed to a function


def call(args: tuple[object, ...]) -> tuple[str, tuple[object, ...]]:
    """The step of a method called with plain arguments (`site.start_here()`)."""
    return ("call", args)


def get(key: object) -> tuple[str, object]:
    """The step of a mapping lookup by `key` (`.get(key)`, `[key]`)."""
    return ("get", key)


def has(key: object) -> tuple[str, object]:
    """The step of a membership test `key in ...` (a mapping's keys, a set)."""
    return ("has", key)


Read = tuple[object, ...]  # a path: (context name, step, step, ...)
# The paths through one context name and its first step (`site` then `pages`), with them:
# (name, first step or END, the paths). Pages share most of their branches.
Branch = tuple[object, object, tuple[Read, ...]]
Reads = tuple[Branch, ...]  # what one render read, branch by branch, in a stable order
END = ("end",)  # a path ends here: the context value itself was read (a plain one)

PLAIN = (str, int, float, bool, type(None), date, PurePath, Markup)


def is_plain(value: object) -> bool:
    return isinstance(value, PLAIN)


def _storable(value: object) -> bool:
    """A value a path may hold as a step (a key looked up, an argument): one the build
    cache stores and reads back (its loader accepts only a few plain types)."""
    return type(value) in (str, int, bool, type(None))


class Recorder:
    """The paths one render read (a set, so each is kept once)."""

    __slots__ = ("paths",)

    def __init__(self) -> None:
        self.paths: set[Read] = set()

    def reads(self) -> Reads:
        """The paths read, in branches, in a stable order (repr: paths mix str and tuples)."""
        branches: dict[tuple[object, object], list[Read]] = {}
        for path in sorted(self.paths, key=repr):
            branches.setdefault((path[0], path[1] if len(path) > 1 else END), []).append(path)
        return tuple((name, step, tuple(paths)) for (name, step), paths in branches.items())


def paths_of(reads: Reads) -> tuple[Read, ...]:
    """Every path of `reads`."""
    return tuple(path for _, _, paths in reads for path in paths)


def shared(reads: Mapping[str, Reads], known: Mapping[str, Reads] | None = None) -> dict[str, Reads]:
    """`reads` with each branch, and each page's reads, one object wherever it is equal:
    most pages of a kind read alike, so the cache stores a shared branch once, and a
    build evaluates it once for the object it starts from (values.py). `known`: the reads
    as last recorded, already shared: a page not rendered again has that very object and
    keeps it without its (nested, uncached) hash being taken, and one rendered again
    takes its branches where they are equal."""
    branches: dict[Branch, Branch] = {}
    whole: dict[Reads, Reads] = {}
    result = {}
    known = known or {}
    for page, read in reads.items():
        previous = known.get(page)
        if previous is read:
            result[page] = read
            continue
        for branch in previous or ():
            branches.setdefault(branch, branch)
        found = whole.get(read)
        if found is None:
            found = whole[read] = tuple(branches.setdefault(branch, branch) for branch in read)
        result[page] = found
    return result


def view(value: object, path: Read, recorder: Recorder) -> Any:
    """`value` as a template may read it: a plain value as it is (its path recorded, a
    leaf), anything else in a view that records what is read of it."""
    kind = _KINDS.get(type(value), _UNKNOWN)
    if kind is _UNKNOWN:
        kind = _KINDS[type(value)] = _kind_of(value)
    if kind is None:  # plain
        recorder.paths.add(path)
        return value
    if kind is _Whole:  # a value of another kind: read whole
        recorder.paths.add((*path, WHOLE))
        return value
    return kind(value, path, recorder)


class _Whole:
    """The kind of a value that is neither plain nor a record or collection."""


_UNKNOWN = object()


def _kind_of(value: object) -> Any:
    """The view a value of this type gets (None: plain). By type, once a type: the ABC
    checks cost a page's render more than what the template does with the value."""
    if is_plain(value):
        return None
    if isinstance(value, Mapping):
        return _MappingView
    if isinstance(value, (Set, frozenset)):
        return _SetView
    if isinstance(value, Sequence):
        return _SequenceView
    if dataclasses.is_dataclass(value):
        return _ObjectView
    return _Whole


def unwrap(value: object) -> object:
    """The value behind a view (for a function that needs the real thing), recording
    that it was read whole."""
    if isinstance(value, _View):
        value._recorder.paths.add((*value._path, WHOLE))
        return value._value
    return value


class _View:
    __slots__ = ("_value", "_path", "_recorder")

    def __init__(self, value: Any, path: Read, recorder: Recorder) -> None:
        self._value = value
        self._path = path
        self._recorder = recorder

    def _whole(self) -> Any:
        self._recorder.paths.add((*self._path, WHOLE))
        return self._value

    # Anything a template does with the value as a whole reads it whole.
    def __str__(self) -> str:
        return str(self._whole())

    def __eq__(self, other: object) -> bool:
        return bool(self._whole() == unwrap(other))

    def __ne__(self, other: object) -> bool:
        return bool(self._whole() != unwrap(other))

    def __hash__(self) -> int:
        return hash(self._whole())

    def __lt__(self, other: object) -> bool:
        return bool(self._whole() < unwrap(other))

    def __repr__(self) -> str:
        return repr(self._whole())


class _ObjectView(_View):
    """A record (a dataclass): its attributes; a method called reads it whole. An attribute
    read once is kept on the view (its path is recorded already), so a template that
    reads `site.prefix` thirty times a page pays for the recording once."""

    __slots__ = ("__dict__",)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # Python's own protocols (__html__, ...): not the record's
            raise AttributeError(name)
        path = (*self._path, name)
        try:
            found = getattr(self._value, name)
        except AttributeError:
            self._recorder.paths.add(path)  # its absence is read: it may appear
            raise
        if callable(found) and not isinstance(found, type):
            shown: Any = _Method(found, self, name)
        else:
            shown = view(found, path, self._recorder)
        self.__dict__[name] = shown
        return shown

    def __bool__(self) -> bool:
        return bool(self._value)  # a record is always true; nothing to record


class _Method:
    """A method of a viewed record. Called with plain arguments, its result is a path of its
    own (the next build calls it again); called with a viewed value, its result depends on
    the record and that value whole, so both are read whole and the result is not tracked."""

    __slots__ = ("_function", "_owner", "_name")

    def __init__(self, function: Any, owner: _View, name: str) -> None:
        self._function = function
        self._owner = owner
        self._name = name

    def __call__(self, *args: object, **kwargs: object) -> Any:
        if not kwargs and all(_storable(a) for a in args):
            owner = self._owner
            return view(self._function(*args), (*owner._path, self._name, call(args)), owner._recorder)
        self._owner._whole()
        return self._function(*(unwrap(a) for a in args), **{k: unwrap(v) for k, v in kwargs.items()})


class _SequenceView(_View):
    """A tuple or list: its length, and each element read as any element (ITEMS). The
    elements' views are made once (a menu is iterated in the header and the footer)."""

    __slots__ = ("_items",)

    def __init__(self, value: Any, path: Read, recorder: Recorder) -> None:
        super().__init__(value, path, recorder)
        self._items: list[Any] | None = None

    def _length(self) -> int:
        self._recorder.paths.add((*self._path, LENGTH))
        return len(self._value)

    def _views(self) -> list[Any]:
        self._length()  # which elements there are, and which one an index picks
        if self._items is None:
            items, recorder = (*self._path, ITEMS), self._recorder
            self._items = [view(item, items, recorder) for item in self._value]
        found: list[Any] = self._items
        return found

    def __len__(self) -> int:
        return self._length()

    def __bool__(self) -> bool:
        return self._length() > 0

    def __iter__(self) -> Iterator[Any]:
        return iter(self._views())

    def __reversed__(self) -> Iterator[Any]:
        return iter(self._views()[::-1])

    def __getitem__(self, index: int | slice) -> Any:
        return self._views()[index]

    def __contains__(self, item: object) -> bool:
        return unwrap(item) in self._whole()

    def index(self, item: object) -> int:
        return int(self._whole().index(unwrap(item)))

    def count(self, item: object) -> int:
        return int(self._whole().count(unwrap(item)))

    def __add__(self, other: object) -> Any:
        return self._whole() + unwrap(other)


class _KeyedView(_View):
    """A set, or a mapping's keys: each membership test by its key, and how many there
    are; anything else reads it whole."""

    __slots__ = ()

    def __contains__(self, key: object) -> bool:
        key = unwrap(key)
        if not _storable(key):
            return key in self._whole()
        self._recorder.paths.add((*self._path, has(key)))
        return key in self._value

    def __len__(self) -> int:
        self._recorder.paths.add((*self._path, LENGTH))
        return len(self._value)

    def __bool__(self) -> bool:
        return len(self) > 0


class _MappingView(_KeyedView):
    """A mapping: each key looked up or tested, by that key; anything else reads it whole."""

    __slots__ = ()

    def get(self, key: object, default: object = None) -> Any:
        key = unwrap(key)
        if not _storable(key):
            return self._whole().get(key, default)
        path = (*self._path, get(key))
        if key not in self._value:
            self._recorder.paths.add(path)
            return default
        return view(self._value[key], path, self._recorder)

    def __getitem__(self, key: object) -> Any:
        key = unwrap(key)
        if not _storable(key):
            return self._whole()[key]
        return view(self._value[key], (*self._path, get(key)), self._recorder)

    def __getattr__(self, name: str) -> Any:
        # Jinja reads `mapping.name` as an attribute first, then as the item `name`: a
        # mapping has no attributes of its own a template uses but these.
        if name in ("keys", "values", "items"):
            return getattr(self._whole(), name)
        raise AttributeError(name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._whole())


class _SetView(_KeyedView):
    """A set: each membership test by its key; anything else reads it whole."""

    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        return iter(sorted(self._whole(), key=repr))


# Records made from one source file alone (an Article, a content Page). Given to a page as
# a value of its own, one is read whole: its key holds the file it is made from (values.py),
# as the build cache knows it (content/read.py), so its fields need no tracking.
MADE_FROM_ONE_FILE = (Article, Page)


def tracked(context: Mapping[str, object]) -> tuple[dict[str, object], Recorder]:
    """(the context with each value in a view, the recorder of what a render reads)."""
    recorder = Recorder()
    shown = {}
    for name, value in context.items():
        if type(value) in MADE_FROM_ONE_FILE:
            recorder.paths.add((name, WHOLE))
            shown[name] = value
        else:
            shown[name] = view(value, (name,), recorder)
    return shown, recorder


# type -> the view its values get (None: plain), a memo of _kind_of.
_KINDS: dict[type, Any] = {}
