"""Reading time and level are worked out once per body conversion and kept with the body
(issue 30, item 5): a page rendered again from a cached body shows the same aids without
counting its words and syllables again."""

from __future__ import annotations

from pathlib import Path

from sitegen.build import execute
from sitegen.core.config import load_config
from sitegen.pipeline import Builder
from sitekit import ARTICLE, own_site, soup


def site(tmp_path: Path) -> Path:
    root = own_site(tmp_path / "site")
    articles = root / "content" / "articles"
    (articles / "short.md").write_text(ARTICLE.format(title="Short", text="The scan is quick. " * 20))
    (articles / "long.md").write_text(ARTICLE.format(title="Long", text="The scan takes some time to finish. " * 300))
    return root


def reading_time(root: Path, slug: str) -> str:
    page = soup(root / "public" / "articles" / slug / "index.html")
    rows = {div.dt.get_text(): div.dd.get_text() for div in page.select_one("dl.meta").find_all("div")}
    return rows["Reading time"]


def test_reading_aids_are_counted_with_the_conversion_and_kept_with_the_body(tmp_path, monkeypatch):
    root = site(tmp_path)
    counted: list[int] = []
    original = execute.reading_aids

    def counting(prose, *args, **kwargs):
        counted.append(len(prose))
        return original(prose, *args, **kwargs)

    monkeypatch.setattr(execute, "reading_aids", counting)
    config, _ = load_config(root / "config.yaml")
    assert Builder(config, jobs=1).build().ok
    assert len(counted) == 2  # one per article converted
    before = {slug: reading_time(root, slug) for slug in ("short", "long")}
    assert before["short"].startswith("about 1 minute") and before["long"].startswith("about 10 minutes")
    kept = {entry[2].reading for entry in Builder(config, jobs=1).cache.bodies.values()}
    assert all(dict(aids)["minutes"] >= 1 for aids in kept) and len(kept) == 2

    # The article template changes: every article page is rendered again, from cached bodies.
    template = root / "templates" / "article.html"
    template.write_text(template.read_text().replace("</article>", "<!-- edited --></article>", 1))
    counted.clear()
    result = Builder(config, jobs=1).build()
    assert result.ok and result.markdown == 0
    assert b"<!-- edited -->" in (root / "public" / "articles" / "long" / "index.html").read_bytes()
    assert counted == []  # nothing counted again
    assert {slug: reading_time(root, slug) for slug in ("short", "long")} == before

    # The body changes: converted again, and counted again, once.
    long = root / "content" / "articles" / "long.md"
    long.write_text(ARTICLE.format(title="Long", text="The scan takes some time to finish. " * 50))
    assert Builder(config, jobs=1).build().ok
    assert len(counted) == 1
    assert reading_time(root, "long").startswith("about 2 minutes")
