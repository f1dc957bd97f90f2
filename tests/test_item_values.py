"""An article's values as an element of a list (the home page's, the feed's, the sitemap's)
are kept in the build cache by its file (build/values.py `Values._from_file`): a rebuild
evaluates again only the articles whose files changed, what it keeps never hides a
change a list shows, and the values of a tree no page reads any more are forgotten (a
template edit must not grow the cache for every unchanged article)."""

from __future__ import annotations

from pathlib import Path

from sitegen.core.config import load_config
from sitegen.pipeline import Builder
from sitekit import ARTICLE, own_site, soup


def site(tmp_path: Path) -> Path:
    root = own_site(tmp_path / "site")
    for slug in ("alpha", "beta", "gamma"):
        text = f"What {slug} says about the scan. " * 5
        (root / "content" / "articles" / f"{slug}.md").write_text(ARTICLE.format(title=slug.title(), text=text))
    return root


def home_titles(root: Path) -> list[str]:
    return [a.get_text(strip=True) for a in soup(root / "public" / "index.html").select("main li h3 a, main li a")]


def test_unchanged_articles_are_not_evaluated_again_and_changes_still_show(tmp_path):
    root = site(tmp_path)
    config, _ = load_config(root / "config.yaml")
    builder = Builder(config, jobs=1)  # one process, as the preview: the cache is the same object
    assert builder.build().ok
    items = builder.cache.items
    paths = {path.rpartition("/")[2]: path for path in items}
    assert set(paths) == {"alpha.md", "beta.md", "gamma.md"}
    before = dict(items)

    # A sentence added to alpha's body: no list shows it, and the Sites keep their shape
    # (build/shapes.py), so no list is evaluated at all: the pages' values are the last
    # build's.
    alpha = root / "content" / "articles" / "alpha.md"
    alpha.write_text(alpha.read_text() + "\nOne more sentence.\n")
    result = builder.build()
    assert result.ok and result.rendered == 1  # alpha's page alone
    assert items == before and all(items[path] is before[path] for path in items)

    # Beta's title changes: every list that shows it shows the new one. The lists are
    # evaluated: beta's values are new, alpha's are kept under its new digest (the same
    # values), gamma's are taken as they were.
    beta = root / "content" / "articles" / "beta.md"
    beta.write_text(beta.read_text().replace("title: Beta", "title: Beta renamed"))
    assert builder.build().ok
    assert "Beta renamed" in home_titles(root)
    assert b"Beta renamed" in (root / "public" / "feed.xml").read_bytes()
    assert items[paths["beta.md"]][1] != before[paths["beta.md"]][1]
    assert items[paths["gamma.md"]] is before[paths["gamma.md"]]
    assert items[paths["alpha.md"]][0] != before[paths["alpha.md"]][0]  # under its new digest
    assert items[paths["alpha.md"]][1] == before[paths["alpha.md"]][1]  # the same values

    # Gamma is deleted: its values are forgotten with it.
    (root / "content" / "articles" / "gamma.md").unlink()
    assert builder.build().ok
    assert paths["gamma.md"] not in items


def test_kept_values_survive_a_new_process_and_are_used(tmp_path):
    """A new command-line build loads them from .cache/ and keys the home page with them:
    an edit of one article's body re-renders its page alone."""
    root = site(tmp_path)
    config, _ = load_config(root / "config.yaml")
    assert Builder(config, jobs=1).build().ok
    saved = Builder(config, jobs=1).cache.items
    assert len(saved) == 3 and all(len(trees) >= 2 for _, trees in saved.values())  # listed twice or more
    gamma = root / "content" / "articles" / "gamma.md"
    gamma.write_text(gamma.read_text() + "\nOne more sentence.\n")
    result = Builder(config, jobs=1).build()
    assert result.ok and result.rendered == 1


def test_values_of_trees_no_page_reads_are_forgotten(tmp_path: Path) -> None:
    root = own_site(tmp_path / "site")
    for slug in ("alpha", "beta"):
        text = f"What {slug} says about the scan. " * 5
        (root / "content" / "articles" / f"{slug}.md").write_text(ARTICLE.format(title=slug.title(), text=text))
    config, _ = load_config(root / "config.yaml")
    builder = Builder(config, jobs=1)  # one process, as the preview: its cache is the one saved
    assert builder.build().ok
    before = {path: len(trees) for path, (_, trees) in builder.cache.items.items()}

    card = root / "templates" / "partials" / "card.html"
    original = card.read_text()
    for field in ("reviewed", "published", "updated"):  # edits of what a card shows
        card.write_text(original.replace("{{ item.summary }}", "{{ item.summary }} {{ item." + field + " }}"))
        assert builder.build().ok

        # At most the trees of the last two renders: a build forgets those its plan did not
        # look up (the pages' reads as last recorded), and adds those its renders read.
        assert all(len(trees) <= 2 * before[path] for path, (_, trees) in builder.cache.items.items())
    # An edit of a title: the plan evaluates every page's reads (the Sites' shape changed,
    # build/shapes.py) and looks up the current trees only.
    alpha = root / "content" / "articles" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("title: Alpha", "title: Alpha again"))
    assert builder.build().ok
    after = {path: len(trees) for path, (_, trees) in builder.cache.items.items()}
    assert after == before  # as many trees as lists read of each article: the old ones gone
