"""Digests of values for page keys, whole or with the articles' bodies left out.

`Fingerprints.whole` is a digest of everything in a value (sets sorted, so it is the
same in every process): what a page that reads a value whole (compares it, hands it to a
function) depends on. `Fingerprints.shape` leaves out what a Markdown file's body
decides: a `Source`'s digest of its bytes. An Article or a content Page is made from its
front matter alone (content/validate.py; tests/test_shapes.py holds it to that), so one
whose front matter is known is the digest of its file's path and front matter.

`context_shapes` gives a build two digests of all its pages' contexts: their shape, and
their shape with every source's digest. A page's values (values.py) are a function of
what it read of its context; when its reads name nothing a body decides (`blind`), they
are a function of the context's shape and of the files its own article or page is made
from. So after an
edit of an article's text alone, the shape is unchanged, and the plan (plan.py) takes
every blind page's values from the last build instead of evaluating them again: the
common edit in the preview then costs its own page, not 2,000 evaluations.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Set
from typing import NamedTuple

from sitegen.build.tracking import MADE_FROM_ONE_FILE, PLAIN, WHOLE, Branch, Reads
from sitegen.content.site import Site
from sitegen.core.article import Source

# What a Source tells of its body: a read of one of these is not blind. (Its `front`,
# `field_lines` and `body_line` follow from the front matter.)
BODY_NAMES = frozenset({"digest", "body", "loaded", "restore", "text_of_line", "line_of_text", "located"})


class Shape(NamedTuple):
    """A build's digests of its pages' contexts (`context_shapes`), kept in the cache."""

    site: str  # the contexts (the Sites, mostly) with every body left out
    whole: str  # and with every source's digest


class Fingerprints:
    """Digests of values, kept by the value's id while the value is held (by this object)."""

    def __init__(self) -> None:
        self._whole: dict[int, str] = {}
        self._shape: dict[int, str] = {}
        self._held: list[object] = []
        self.sources: set[str] = set()  # "'path' digest" of every Source `shape` left out
        self.known = self._shape.get  # id -> the shape of a value shaped already (and held)

    def whole(self, value: object) -> str:
        """A digest of everything in `value`, stable between processes (sets sorted)."""
        if isinstance(value, PLAIN):
            return repr(value)
        known = self._whole.get(id(value))
        if known is None:
            known = self._whole[id(value)] = digest_of(self._parts(value, self.whole))
            self._held.append(value)
        return known

    def shape(self, value: object) -> str:
        """As `whole`, with each Source's digest left out (and noted in `sources`)."""
        known = self._shape.get(id(value))
        if known is not None:
            return known
        kind = type(value)
        if kind is tuple or kind is list:  # its elements' shapes, as they are (lists are many and short)
            get = self._shape.get
            known = repr([get(id(item)) or self.shape(item) for item in value])  # type: ignore[attr-defined]
        elif kind in MADE_FROM_ONE_FILE and value.source.front:  # type: ignore[attr-defined]
            source: Source = value.source  # type: ignore[attr-defined]
            self.sources.add(f"{source.path!r} {source.digest}")
            known = source.front  # its path and front matter (tuples of articles are many: kept short)
        elif kind in _PLAIN_TYPES or isinstance(value, PLAIN):
            return repr(value)
        elif kind is Source:
            self.sources.add(f"{value.path!r} {value.digest}")  # type: ignore[attr-defined]
            known = digest_of(("Source", *(getattr(value, name) for name in _SOURCE_SHAPE)))
        else:
            known = digest_of(self._parts(value, self.shape))
        self._shape[id(value)] = known
        self._held.append(value)
        return known

    @staticmethod
    def _parts(value: object, digest: object) -> object:
        of = digest  # the method to take each element's digest with
        assert callable(of)
        if isinstance(value, Mapping):
            items = list(value.items())
            if all(type(key) is str and type(item) is str for key, item in items):
                return sorted(items)  # text to text (link targets): as it is
            # One line a key: no digest or repr of a shape holds a line break or a tab, and
            # a text is digested as it is (repr would escape every quote of every shape).
            return "M\n" + "\n".join(sorted(f"{key!r}\t{of(item)}" for key, item in items))
        if isinstance(value, (Set, frozenset)):
            return sorted(of(item) for item in value)
        if isinstance(value, (tuple, list)):
            return [of(item) for item in value]
        if dataclasses.is_dataclass(value):
            # The fields its repr shows: a record's content (Source.loaded, a memo, is not).
            return [type(value).__name__, *(of(getattr(value, name)) for name in _shown(type(value)))]
        return repr(value)


_PLAIN_TYPES = frozenset({str, int, bool, type(None)})
_SOURCE_SHAPE = tuple(f.name for f in dataclasses.fields(Source) if f.repr and f.name != "digest")
_SHOWN: dict[type, tuple[str, ...]] = {}


def _shown(kind: type) -> tuple[str, ...]:
    names = _SHOWN.get(kind)
    if names is None:
        names = _SHOWN[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.repr)
    return names


def context_shapes(contexts: Iterable[tuple[str, Mapping[str, object]]], templates: Mapping[str, str]) -> Shape:
    """The shape of every page's context (output path, context) and of the templates, and
    that with every source's digest. A page's values are read from its context alone, so
    whatever a context comes to hold (the Sites, the 404 page's words of the other
    languages) is in it without anyone listing it; the Sites are shaped once, by their id.
    The templates are part of it because a page whose template changed reads anew, and
    values.keep_items forgets the trees of reads no page makes only after a plan that
    evaluated every page's."""
    fingerprints = Fingerprints()
    shape, known = fingerprints.shape, fingerprints.known
    # A line a page: its path, then each name and value's shape, apart by tabs (no shape
    # holds a raw tab or line break: texts are in their repr).
    parts = [repr(sorted(templates.items()))]
    add = parts.append
    for path, context in contexts:
        add(f"\n{path!r}")
        for name, value in context.items():
            add(name)
            add(known(id(value)) or shape(value))
    site = digest_of("\t".join(parts))
    return Shape(site, digest_of("\n".join((site, *sorted(fingerprints.sources)))))


def own_files(context: Mapping[str, object]) -> tuple[str, tuple[str, ...]]:
    """(the digests of the files a page's own article or content page is made from, the
    names they have in its context)."""
    own = [(name, value) for name, value in context.items() if type(value) in MADE_FROM_ONE_FILE]
    if not own:
        return "", ()
    if len(own) == 1:  # an article's page, or a content page's
        return own[0][1].source.digest, (own[0][0],)  # type: ignore[attr-defined]
    return " ".join(value.source.digest for _, value in own), tuple(name for name, _ in own)  # type: ignore[attr-defined]


# id(reads) -> (the reads, the names of the page's own files, whether they are blind)
BlindMemo = dict[int, tuple[Reads, tuple[str, ...], bool]]


def blind(reads: Reads, own: tuple[str, ...], memo: BlindMemo, now: BlindMemo, branches: dict[int, bool]) -> bool:
    """Whether `reads` read nothing a body decides: no source's digest or text, no value
    whole, no call (a function may read anything) but of the Site's methods that read its
    fields alone (`Site.FROM_FIELDS`). A page's own article or content page (`own`: their
    names) is known by its file (values.py) and needs no look. `memo`: what the last
    build found, with the reads it found it of (so an id is not taken for another's; the
    preview's cache keeps it, as it keeps the reads); `now`: this build's, filled in;
    `branches`: by branch id, this build's."""
    known = memo.get(id(reads))
    if known is None or known[0] is not reads or known[1] != own:
        found = True
        for branch in reads:
            if branch[0] in own:
                continue
            seen = branches.get(id(branch))
            if seen is None:
                seen = branches[id(branch)] = _blind_branch(branch)
            if not seen:
                found = False
                break
        known = (reads, own, found)
    now[id(reads)] = known
    return known[2]


def _blind_branch(branch: Branch) -> bool:
    for path in branch[2]:
        before: object = None
        for step in path[1:]:
            if type(step) is str:
                if step in BODY_NAMES:
                    return False
            elif step == WHOLE or (_is_call(step) and before not in Site.FROM_FIELDS):
                return False
            before = step
    return True


def _is_call(step: object) -> bool:
    return type(step) is tuple and bool(step) and step[0] == "call"


def digest_of(parts: object) -> str:
    """A digest of `parts`: of a text as it is, of anything else by its repr."""
    text = parts if type(parts) is str else repr(parts)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
