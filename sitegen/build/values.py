"""The values of what pages read (tracking.py), on this build's values: the part of a
page's key that says whether what it showed changed.

`Values.of(context, reads)` evaluates each recorded path on a page's context as it is
now and digests the results; equal digests mean the template would read the very same
values. What cannot be resolved any more (an attribute gone, a key absent) is MISSING,
which differs from anything it was.

An article (or content page) in a list is made from its file alone (tracking.py
MADE_FROM_ONE_FILE), so its values under one tree of reads are a function of that file:
they are kept in the build cache by the file's path and digest (`items`), and a list of
2,000 articles (the home page, the feed, the sitemap) costs a lookup an article, not an
evaluation, until that article's file changes. The cache holds them under the generator's
version and the configuration key, as it holds the parsed articles themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set, Sized
from operator import attrgetter
from typing import NamedTuple

from sitegen.build.shapes import Fingerprints, digest_of
from sitegen.build.tracking import END, ITEMS, LENGTH, MADE_FROM_ONE_FILE, PLAIN, WHOLE, Branch, Reads

# (the file's digest, {the digest of a tree of reads -> the digest of their values})
ItemValues = tuple[str, dict[str, str]]

MISSING = "<missing>"  # a path that does not resolve (an attribute gone, a key absent)
Tree = dict[object, "Tree"]
LEAF: Tree = {END: {}}  # the tree below a step where a path ends, one object for all


class _Plan(NamedTuple):
    """How `Values._evaluate` takes the steps of one tree."""

    names: tuple[str, ...]  # the steps that are one attribute shown as it is (most reads)
    getter: Callable[[object], object] | None  # attrgetter(*names): them all in one call
    others: tuple[tuple[object, Tree], ...]  # the other steps, with what follows each


def _plan(tree: Tree) -> _Plan:
    # Not a name with a dot (`item["a.b"]`): attrgetter would read it as a.b.
    names = tuple(step for step, below in tree.items() if below is LEAF and type(step) is str and "." not in step)
    others = tuple((step, below) for step, below in tree.items() if step not in names)
    return _Plan(names, attrgetter(*names) if names else None, others)


_ABSENT = object()


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
    tree is made once. What a tree reads of an object shared by pages (the Site) is
    evaluated once a build and kept by the object's id; the objects are held, so an id
    is never reused while the memo lives."""

    def __init__(self, items: dict[str, ItemValues] | None = None) -> None:
        self._items = {} if items is None else items  # source path -> ItemValues, updated in place
        self._tree_keys: dict[int, str] = {}  # id(tree) -> its digest, for `_items`
        self._memo: dict[tuple[int, int], object] = {}
        self._trees: dict[int, tuple[Branch, Tree]] = {}
        self._shared: dict[Branch, Branch] = {}
        self._held: list[object] = []
        self._prints = Fingerprints()  # a value read whole; one read as a plain one, by its shape
        self._plans: dict[int, _Plan] = {}  # id(tree) -> its plan (trees are held in _trees)

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
        memo, trees = self._memo, self._trees
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
                values.append(root if step == END else self._step(root, step, self._tree(branch)))
            elif len(branch[2]) == 1 and ITEMS not in branch[2][0]:
                # One path through no list (whether the Site has this page among the overdue,
                # how many related articles): walked, without a tree. Many name the page, so
                # each page has its own, and a tree and a memo entry each cost more.
                values.append(self._walk(root, branch[2][0]))
            else:  # a branch from a shared object (site.pages, site.topics): once a build
                known = trees.get(id(branch))
                below = known[1] if known is not None and known[0] is branch else self._tree(branch)
                slot = (id(root), id(below))
                found = memo.get(slot, memo)
                if found is memo:
                    found = self._step(root, step, below)
                    if type(found) is tuple and len(found) > 4:  # digested once, not in every key
                        found = digest_of(found)
                    memo[slot] = found
                    self._held.append(root)
                values.append(found)
        return digest_of(values)

    @property
    def tree_keys(self) -> Set[str]:
        """The digests of the trees `_from_file` looked up (for `keep_items`)."""
        return set(self._tree_keys.values())

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

    def _evaluate(self, value: object, tree: Tree) -> tuple[object, ...]:
        """The values the paths of `tree` lead to from `value`: its plain attributes first,
        then its other steps, each in the tree's order."""
        plan = self._plans.get(id(tree))
        if plan is None:
            plan = self._plans[id(tree)] = _plan(tree)
        found: list[object] = []
        if plan.getter is not None:
            got: object = _ABSENT
            if value is not MISSING:
                try:  # all in one call, ten times faster than a getattr each
                    got = plan.getter(value)
                except AttributeError:
                    pass  # one is absent: MISSING in its place, below
            if got is _ABSENT:
                got = tuple(MISSING if value is MISSING else getattr(value, name, MISSING) for name in plan.names)
            elif len(plan.names) == 1:
                got = (got,)
            found.extend(item if isinstance(item, PLAIN) else self._prints.shape(item) for item in got)  # type: ignore[attr-defined]
        for step, below in plan.others:
            found.append(self._step(value, step, below))
        return tuple(found)

    def _walk(self, value: object, path: tuple[object, ...]) -> object:
        """The value one path leads to from `value` (its first step names the context value)."""
        for step in path[1:]:
            if value is MISSING:
                return MISSING
            if type(step) is str:
                value = getattr(value, step, MISSING)
            elif step == END:
                break
            elif step == WHOLE:
                return self._prints.whole(value)
            elif type(step) is tuple and step and step[0] in _STEPS:
                value = _STEPS[step[0]](value, step)
            else:
                return MISSING
        return value if isinstance(value, PLAIN) else self._prints.shape(value)

    def _step(self, value: object, step: object, below: Tree) -> object:
        """The values of the paths that take `step` from `value` and go on as `below`."""
        if step == END:
            return value if isinstance(value, PLAIN) else self._prints.shape(value)
        if value is MISSING:
            return MISSING
        if type(step) is str:
            return self._evaluate(getattr(value, step, MISSING), below)
        if step == ITEMS:
            if type(value) is tuple or (isinstance(value, Iterable) and not isinstance(value, (str, Mapping))):
                if below is LEAF:  # the elements themselves (an article's tags)
                    return tuple(item if isinstance(item, PLAIN) else self._prints.shape(item) for item in value)
                return tuple(self._item(item, below) for item in value)
            return MISSING
        if step == WHOLE:
            return self._prints.whole(value)
        if type(step) is tuple and step and step[0] in _STEPS:
            return self._evaluate(_STEPS[step[0]](value, step), below)
        return MISSING

    def _item(self, item: object, below: Tree) -> object:
        """An element's values: kept by its id, as most elements (an article in the related
        lists of many pages) are read by many pages alike."""
        if isinstance(item, PLAIN):
            return self._evaluate(item, below)
        slot = (id(item), id(below))
        found = self._memo.get(slot, self._memo)
        if found is self._memo:
            if type(item) in MADE_FROM_ONE_FILE:
                found = self._from_file(item, below)
            else:
                found = self._evaluate(item, below)
            self._memo[slot] = found
            self._held.append(item)
        return found

    def _from_file(self, item: object, below: Tree) -> str:
        """The digest of an article's values under `below`, from `_items` while its file
        is the same, else evaluated and kept there."""
        source = item.source  # type: ignore[attr-defined]
        tree = self._tree_keys.get(id(below))
        if tree is None:
            tree = self._tree_keys[id(below)] = digest_of(below)
        known = self._items.get(source.path)
        if known is not None and known[0] == source.digest:
            found = known[1].get(tree)
            if found is not None:
                return found
            trees = dict(known[1])  # a new dict: the cache saves what changed by comparing
        else:
            trees = {}
        trees[tree] = found = digest_of(self._evaluate(item, below))
        self._items[source.path] = (source.digest, trees)
        return found


def keep_items(items: dict[str, ItemValues], live: Set[str], plans: Iterable[Values], every_tree: bool = True) -> None:
    """Forget, in place, the values of files that are no longer articles or pages, and of
    trees no page read in the last build (a template that stopped showing a field): a
    plan that evaluated every page's last reads (`every_tree`) looked up every tree still
    in use (`tree_keys`). The plans' Values go on updating the same dict."""
    used = set().union(*(values.tree_keys for values in plans))
    for path in items.keys() - live:
        del items[path]
    if not every_tree:
        return
    for path, (digest, trees) in list(items.items()):
        if not used.issuperset(trees):
            items[path] = (digest, {tree: found for tree, found in trees.items() if tree in used})
