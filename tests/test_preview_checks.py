"""What the preview checks after a save (builder/findings.py, language_checks): the articles
whose Markdown ran again, because what the quality checks read is the article, its body and
the site's settings, never a template. A template edit renders every page and checks none;
an edit of one article checks that one; a new day checks them all (review dates)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sitegen.core.config import load_config
from sitegen.pipeline import Builder
from sitegen.serve import preview_config
from sitekit import ARTICLE, own_site


def preview_builder(tmp_path: Path) -> tuple[Path, Builder]:
    root = own_site(tmp_path / "site")
    articles = root / "content" / "articles"
    for name in ("one", "two", "three"):
        (articles / f"{name}.md").write_text(ARTICLE.format(title=name.title(), text="The scan is quick. " * 10))
    config, _ = load_config(root / "config.yaml")
    builder = Builder(preview_config(config, tmp_path / "preview"), jobs=1)
    builder.stats = {}  # as serve.py makes it
    return root, builder


def rebuild(builder: Builder, today: date, first: bool = False):
    result = builder.build(write=True, index_search=first, in_place=not first, lenient=True, today=today)
    assert result.publishable, result.diagnostics
    return result


def test_the_preview_checks_what_a_save_changed(tmp_path):
    root, builder = preview_builder(tmp_path)
    day = date(2026, 3, 1)
    every = {f"content/articles/{name}.md" for name in ("one", "two", "three")}
    assert rebuild(builder, day, first=True).checked == every

    template = root / "templates" / "article.html"
    template.write_text(template.read_text().replace("</article>", "<!-- edited --></article>", 1))
    result = rebuild(builder, day)
    assert result.rendered >= 3 and result.checked == frozenset()  # every page again, no check

    two = root / "content" / "articles" / "two.md"
    two.write_text(ARTICLE.format(title="Two", text="A new sentence about the scan. " * 10))
    builder.changed.add(two)
    assert rebuild(builder, day).checked == {"content/articles/two.md"}

    assert rebuild(builder, date(2026, 3, 2)).checked == every  # a new day: review dates move on
