"""The views that record what a template reads (build/tracking.py): the reads of one render
evaluate, on other values, to the same digest exactly when the template reads the same."""

from __future__ import annotations

import dataclasses
from datetime import date

import jinja2
import pytest

from sitegen.build.shapes import Fingerprints
from sitegen.build.tracking import ITEMS, LENGTH, WHOLE, call, get, has, paths_of, shared, tracked
from sitegen.build.values import Values


@dataclasses.dataclass(frozen=True)
class Card:
    title: str
    url: str
    summary: str = ""
    day: date = date(2026, 1, 2)

    def shout(self) -> str:
        return self.title.upper()


@dataclasses.dataclass(frozen=True)
class Shelf:
    name: str
    cards: tuple[Card, ...]
    links: dict[str, str] = dataclasses.field(default_factory=dict)
    seen: frozenset[str] = frozenset()

    def first(self) -> Card:
        return self.cards[0]

    def holds(self, card: Card) -> bool:
        return card in self.cards


ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


def render(source: str, **context: object) -> tuple[str, tuple[tuple[object, ...], ...]]:
    """The output of `source` with views over `context`, and what it read; the output
    must be what the template makes of the plain values."""
    views, recorder = tracked(context)
    out = ENV.from_string(source).render(views)
    assert out == ENV.from_string(source).render(context)
    return out, recorder.reads()


def paths(source: str, **context: object) -> set[tuple[object, ...]]:
    return set(paths_of(render(source, **context)[1]))


A, B, C = Card("Alpha", "/a/", "first"), Card("Beta", "/b/", "second"), Card("Gamma", "/c/", "third")
SHELF = Shelf("MRI", (A, B), {"/a/": "/es/a/"}, frozenset({"/b/"}))


def same(source: str, before: dict[str, object], after: dict[str, object]) -> bool:
    """Whether the reads recorded rendering `before` have the same values in `after`."""
    _, reads = render(source, **before)
    return Values().of(before, reads) == Values().of(after, reads)


def test_each_kind_of_read_is_recorded_as_its_path():
    template = (
        "{{ shelf.name }}{% for c in shelf.cards %}{{ c.title }}{% endfor %}{{ shelf.cards|length }}"
        "{{ shelf.links.get('/a/') }}{{ '/b/' in shelf.seen }}{{ shelf.first().url }}{{ n }}"
    )
    out, _ = render(template, shelf=SHELF, n=3)
    assert out == "MRIAlphaBeta2/es/a/True/a/3"
    assert paths(template, shelf=SHELF, n=3) == {
        ("shelf", "name"),
        ("shelf", "cards", LENGTH),
        ("shelf", "cards", ITEMS, "title"),
        ("shelf", "links", get("/a/")),
        ("shelf", "seen", has("/b/")),
        ("shelf", "first", call(()), "url"),
        ("n",),
    }


@pytest.mark.parametrize(
    ("template", "change", "changes"),
    [
        # A field shown: its change is seen; a field not shown is not.
        (
            "{% for c in s.cards %}{{ c.title }}{% endfor %}",
            Shelf("MRI", (A, dataclasses.replace(B, title="B2"))),
            True,
        ),
        (
            "{% for c in s.cards %}{{ c.title }}{% endfor %}",
            Shelf("MRI", (A, dataclasses.replace(B, summary="x"))),
            False,
        ),
        # A card added: the loop's length and elements differ.
        ("{% for c in s.cards %}{{ c.url }}{% endfor %}", Shelf("MRI", (A, B, C)), True),
        ("{{ s.name }}", Shelf("MRI", (A, B, C)), False),
        # Only the key looked up counts; a key that appears is seen.
        ("{{ s.links.get('/a/') }}", Shelf("MRI", (A, B), {"/a/": "/es/a/", "/b/": "/es/b/"}), False),
        ("{{ s.links.get('/b/') }}", Shelf("MRI", (A, B), {"/a/": "/es/a/", "/b/": "/es/b/"}), True),
        ("{{ '/b/' in s.seen }}", Shelf("MRI", (A, B), seen=frozenset({"/b/", "/c/"})), False),
        ("{{ '/c/' in s.seen }}", Shelf("MRI", (A, B), seen=frozenset({"/b/", "/c/"})), True),
        # A method with plain arguments is called again; with a viewed one, reads all.
        ("{{ s.first().title }}", Shelf("MRI", (A, C)), False),
        ("{{ s.first().title }}", Shelf("MRI", (C, A)), True),
        ("{{ s.holds(s.cards[0]) }}", Shelf("MRI", (A, dataclasses.replace(B, summary="x"))), True),
        # A slice or an index reads every element (an over-approximation, never a miss).
        ("{{ s.cards[0].title }}", Shelf("MRI", (A, dataclasses.replace(B, title="Z"))), True),
        ("{{ s.cards|first|attr('url') }}", Shelf("MRI", (A, dataclasses.replace(B, summary="x"))), False),
        # Printed or compared whole: everything in it.
        ("{{ s.cards[1] }}", Shelf("MRI", (A, dataclasses.replace(B, summary="x"))), True),
        ("{{ s.cards|sort(attribute='title')|map(attribute='url')|join }}", Shelf("MRI", (B, A)), True),
        ("{{ s.cards[0].day.year }}", Shelf("MRI", (dataclasses.replace(A, day=date(2027, 1, 1)), B)), True),
    ],
)
def test_a_change_is_seen_exactly_when_the_template_reads_it(template, change, changes):
    assert same(template, {"s": SHELF}, {"s": change}) is not changes


def test_a_path_that_no_longer_resolves_differs():
    template = "{% if s.links.get('/a/') %}{{ s.links['/a/'] }}{% endif %}"
    assert not same(template, {"s": SHELF}, {"s": Shelf("MRI", (A,), {})})
    assert not same("{{ s }}", {"s": SHELF}, {"s": None})


def test_a_reused_object_is_evaluated_once_and_values_are_stable_between_instances():
    context = {"s": SHELF}
    _, reads = render("{% for c in s.cards %}{{ c.title }}{% endfor %}", **context)
    values = Values()
    assert values.of(context, reads) == values.of(context, reads) == Values().of({"s": Shelf("MRI", (A, B))}, reads)
    # A set's fingerprint does not depend on its iteration order (hash seeds differ by process).
    assert Fingerprints().whole(frozenset({"x", "y"})) == Fingerprints().whole(frozenset({"y", "x"}))
    assert ("s", "seen", WHOLE) in paths("{{ s.seen|list }}", s=SHELF)


def test_pages_that_read_alike_share_branches_and_their_values_are_evaluated_once():
    """The Site's branches read by every page are one object once shared, so a build
    evaluates them once, however many pages read them."""
    template = "{% for c in s.cards %}{{ c.title }}{% endfor %}{{ s.links.get(own) }}"
    first = render(template, s=SHELF, own="/a/")[1]
    second = render(template, s=SHELF, own="/b/")[1]
    kept = shared({"a": first, "b": second})
    cards = [branch for branch in kept["a"] if branch[1] == "cards"]
    assert cards and cards[0] is next(branch for branch in kept["b"] if branch[1] == "cards")

    class Counting(Shelf):
        """A shelf that counts how often its cards are looked up."""

        looked_up = 0

        def __getattribute__(self, name):
            if name == "cards":
                Counting.looked_up += 1
            return super().__getattribute__(name)

    shelf = Counting(SHELF.name, SHELF.cards, SHELF.links, SHELF.seen)
    values = Values()
    values.of({"s": shelf, "own": "/a/"}, kept["a"])
    assert Counting.looked_up == 1
    values.of({"s": shelf, "own": "/b/"}, kept["b"])
    assert Counting.looked_up == 1  # the cards branch was not evaluated again


def test_reads_kept_from_the_last_build_stay_shared_and_a_new_render_joins_them():
    """records.py shares each build's reads with the last build's: a page not rendered again
    keeps its very object, and a page rendered again finds its equal branches among its
    last reads, so the next build still evaluates a shared branch once."""
    template = "{% for c in s.cards %}{{ c.title }}{% endfor %}{{ s.links.get(own) }}"
    last = shared({"a": render(template, s=SHELF, own="/a/")[1], "b": render(template, s=SHELF, own="/b/")[1]})
    again = render(template, s=SHELF, own="/b/")[1]  # page b rendered again: equal, not the same objects
    assert again == last["b"] and again is not last["b"]
    now = shared({"a": last["a"], "b": again}, known=last)
    assert now["a"] is last["a"]
    cards = [branch for branch in now["b"] if branch[1] == "cards"]
    assert cards and cards[0] is next(branch for branch in now["a"] if branch[1] == "cards")
