"""Pure parts of the site model, against obviously-correct slow versions of themselves."""

from __future__ import annotations

import random
import unicodedata
from types import SimpleNamespace

import pytest

from sitegen.content.site import RELATED_LIMIT, _compute_related, _related
from sitegen.core import slugs


def brute_force_related(articles):
    result = {}
    for article in articles:
        scored = [(len(set(article.tags) & set(other.tags)), other) for other in articles if other is not article]
        scored = [pair for pair in scored if pair[0]]
        scored.sort(key=lambda pair: -pair[0])  # stable: ties stay newest first
        result[article.slug] = tuple(other for _, other in scored[:RELATED_LIMIT])
    return result


@pytest.mark.parametrize("seed", range(5))
def test_related_matches_the_quadratic_definition(seed):
    rng = random.Random(seed)
    articles = [
        SimpleNamespace(slug=f"s{i}", tags=tuple(rng.sample("abcdefgh", rng.randint(0, 3)))) for i in range(300)
    ]
    assert _compute_related(articles) == brute_force_related(articles)
    found, memo = _related(articles, {})
    assert found == brute_force_related(articles)
    assert len(memo) == 1
    again, kept = _related(articles, memo)
    assert again == brute_force_related(articles) and kept == memo  # memoised answer is the same


def test_related_memo_follows_changes():
    articles = [SimpleNamespace(slug=f"s{i}", tags=("a",)) for i in range(5)]
    first, memo = _related(articles, {})
    articles[0] = SimpleNamespace(slug="s0", tags=("b",))
    changed, memo_now = _related(articles, memo)
    assert changed == brute_force_related(articles) != first
    assert len(memo_now) == 1 and memo_now != memo  # only the latest shape is kept


def general_slugify(text: str) -> str:
    """The general (per-character) path of slugify, which the ASCII fast path must agree with."""
    folded = "".join(slugs._fold(c) for c in unicodedata.normalize("NFC", text))
    folded = unicodedata.normalize("NFC", folded.lower())
    slug = "".join(c if slugs._is_word(c) else "-" for c in folded)
    slug = "-".join(part for part in slug.split("-") if part)
    if len(slug) > slugs.MAX_SLUG:
        slug = slug[: slugs.MAX_SLUG].rsplit("-", 1)[0] or slug[: slugs.MAX_SLUG]
    return slug


def test_ascii_fast_path_agrees_with_the_general_path():
    rng = random.Random(7)
    alphabet = "abcXYZ09 -_./:!?&()[]'\""
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        assert slugs.slugify(text) == general_slugify(text), text
