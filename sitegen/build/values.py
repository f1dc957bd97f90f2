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
from collections.abc import Callable, Iterable, Mapping, Set, Sized

from sitegen.build.tracking import END, ITEMS, LENGTH, MADE_FROM_ONE_FILE, PLAIN, WHOLE, Branch, Reads

MISSING = "<missing>"  # a path that does not resolve (an attribute gone, a key absent)
Tree = dict[object, "Tree"]
Step = Callable[[object], object]  # a compiled step: a value -> the values its paths lead to
LEAF: Tree = {END: {}}  # the tree below a step where a path ends, one object for all


def _share_leaves(tree: Tree) -> None:
    """Every subtree of `tree` that is only a path's end made LEAF (checked by identity)."""
    for step, below in tree.items():
        if below == LEAF:
            tree[step] = LEAF
        else:
            _share_leaves(below)


def _length(value: object, step: tuple[object, ...]) -> object:
    return len(value) if isinstance(value, Sized) else MISSING


def _get(value: object, step: tuple[object, ...]) -> object:
    return value.get(step[1], MISSING) if isinstance(value, Mapping) else MISSING


def _call(value: object, step: tuple[object, ...]) -> object:
    args = step[1]
    if not callable(value) or not isinstance(args, tuple):
        return MISSING
    try:
        return value(*args)
    except Exception:  # as the template's call would have failed: not the same page
        return MISSING


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


class Values:
    """The values of recorded reads on this build's page contexts, for page keys.

    A page's reads are evaluated as a tree of their paths (`_tree`): each step is taken
    once, however many paths go through it (`article.references[]` once for its title,
    authors, year...). Pages of a kind share one reads tuple (tracking.shared), so its
    tree is made once, and compiled into closures once (`_program`). What a tree reads of
    an object shared by pages (the Site), or of an element many pages list, is
    evaluated once a build and kept by the object's id; the objects are held, so an id
    is never reused while the memo lives."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, int], object] = {}
        self._trees: dict[int, tuple[Branch, Tree]] = {}
        self._shared: dict[Branch, Branch] = {}
        self._held: list[object] = []
        self._fingerprints: dict[int, str] = {}
        self._programs: dict[int, tuple[Branch, Step]] = {}

    def of(self, context: Mapping[str, object], reads: Reads) -> str | None:
        """The digest of the values of `reads` on `context`: equal digests, equal pages.
        None when `reads` is not what tracking.py records (a cache of another shape): the
        page is rendered, and records its reads anew."""
        try:
            return self._of(context, reads)
        except (TypeError, ValueError):
            return None

    def _of(self, context: Mapping[str, object], reads: Reads) -> str:
        values: list[object] = []
        memo = self._memo
        known_whole = None  # the name of the value just known by what it is made from
        for branch in reads:
            name, step, _ = branch
            if name == known_whole:
                continue  # its other branches (branches come by name, in order)
            root = context.get(name, MISSING)  # type: ignore[call-overload]
            if type(root) in MADE_FROM_ONE_FILE:
                # The page's own article or content page: the file it is made from (its
                # path and digest, as the build cache keys it) says all that any read of it
                # can (tracking.MADE_FROM_ONE_FILE); its body is keyed apart.
                values.append((root.source.path, root.source.digest))
                known_whole = name
            elif isinstance(root, PLAIN):
                values.append(root if step == END else self._program(branch)(root))
            else:  # a branch from a shared object (site.pages, site.topics): once a build
                program = self._program(branch)
                slot = (id(root), id(program))
                found = memo.get(slot, memo)
                if found is memo:
                    found = program(root)
                    if type(found) is tuple and len(found) > 4:  # digested once, not in every key
                        found = _digest(found)
                    memo[slot] = found
                    self._held.append(root)
                values.append(found)
        return _digest(values)

    def shared(self, reads: Reads) -> Reads:
        """`reads` (as one render recorded them) with each branch equal to one seen this
        build made that one object, so its tree and values are found again by its id."""
        branches = self._shared
        return tuple(branches.setdefault(branch, branch) for branch in reads)

    def _tree(self, branch: Branch) -> Tree:
        """The paths of `branch` after its first step, as a tree (step -> ... -> END), made
        once for each branch object (pages share them: tracking.shared), so the memo in
        `of` finds its values by its id."""
        known = self._trees.get(id(branch))
        if known is not None and known[0] is branch:
            return known[1]
        # Known from now on by its value too: a render's fresh reads find it (`shared`).
        self._shared.setdefault(branch, branch)
        tree: Tree = {}
        for path in branch[2]:
            node = tree
            for later in path[2:]:
                node = node.setdefault(later, {})
            node[END] = {}
        _share_leaves(tree)
        self._trees[id(branch)] = (branch, tree)
        return tree

    def _program(self, branch: Branch) -> Step:
        """What the paths of `branch` lead to from a root value, as a function compiled once
        per branch object (`_compile`): pages share branches, so each page runs closures
        instead of walking the tree's dicts and testing each step's kind again."""
        known = self._programs.get(id(branch))
        if known is not None and known[0] is branch:
            return known[1]
        program = self._compile(branch[1], self._tree(branch))
        self._programs[id(branch)] = (branch, program)
        return program

    def _compile(self, step: object, below: Tree) -> Step:
        """The function of a value that takes `step` from it and goes on as `below`: a
        plain value is itself, anything else its fingerprint; a path that does not resolve
        gives MISSING."""
        fingerprint = self.fingerprint
        if step == END:
            return lambda value: value if isinstance(value, PLAIN) else fingerprint(value)
        if type(step) is str:
            name = step
            if below is LEAF:  # most reads: one attribute, shown as it is
                return lambda value: (
                    MISSING
                    if value is MISSING
                    else (got if isinstance(got := getattr(value, name, MISSING), PLAIN) else fingerprint(got))
                )
            inner = self._compile_tree(below)
            return lambda value: MISSING if value is MISSING else inner(getattr(value, name, MISSING))
        if step == ITEMS:
            element = self._compile_tree(below)
            memo, held = self._memo, self._held

            def items(value: object) -> object:
                if value is MISSING or not isinstance(value, Iterable) or isinstance(value, (str, Mapping)):
                    return MISSING
                found: list[object] = []
                for item in value:
                    if isinstance(item, PLAIN):
                        found.append(element(item))
                        continue
                    # Kept by its id: most elements (an article in the related lists of many
                    # pages) are read by many pages alike.
                    slot = (id(item), id(element))
                    got = memo.get(slot, memo)
                    if got is memo:
                        got = memo[slot] = element(item)
                        held.append(item)
                    found.append(got)
                return tuple(found)

            return items
        if step == WHOLE:
            return lambda value: MISSING if value is MISSING else fingerprint(value)
        if type(step) is tuple and step and step[0] in _STEPS:
            take, inner = _STEPS[step[0]], self._compile_tree(below)
            arguments = step
            return lambda value: MISSING if value is MISSING else inner(take(value, arguments))
        return lambda value: MISSING

    def _compile_tree(self, tree: Tree) -> Callable[[object], tuple[object, ...]]:
        """The function of a value that gives, in the tree's order, what each of its
        steps leads to."""
        parts = tuple(self._compile(step, below) for step, below in tree.items())
        if len(parts) == 1:
            only = parts[0]
            return lambda value: (only(value),)
        return lambda value: tuple([part(value) for part in parts])

    def fingerprint(self, value: object) -> str:
        """A digest of everything in `value`, stable between processes (sets sorted)."""
        if isinstance(value, PLAIN):
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
