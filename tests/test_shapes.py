"""A page's values are taken from the last build, without evaluating its reads, where they
must be the same (build/shapes.py): the Sites keep their shape, and the page reads nothing
an article's body decides. These tests hold the rules that make that sound: an Article is
made of its front matter alone, the Site's methods a page may call read its fields alone,
and a page that does read something of a body (a digest, a value whole) or a Site field
made from bodies (a stale translation) is still rebuilt when only a body changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build.shapes import Fingerprints, blind, context_shapes
from sitegen.build.tracking import WHOLE, call
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.site import Site
from sitegen.content.validate import validate_article
from sitegen.core.config import load_config
from sitegen.pipeline import Builder
from sitekit import ARTICLE, FIXTURES, cli_here, copy_site, own_site, soup


def article_from(text: str, config):
    found, problems = split_front_matter(text, "content/articles/a.md", "digest-" + str(hash(text)), "a.md")
    assert found is not None, problems
    source, doc = found
    article, problems = validate_article(source, doc, config)
    assert article is not None, problems
    return article


def test_an_article_is_made_of_its_front_matter_alone(tmp_path):
    config, _ = load_config(own_site(tmp_path / "site") / "config.yaml")
    one = article_from(ARTICLE.format(title="Lesions", text="First text."), config)
    two = article_from(ARTICLE.format(title="Lesions", text="Another text\n\nin two paragraphs."), config)
    assert one.source.digest != two.source.digest and one.source.front == two.source.front
    assert Fingerprints().shape(one) == Fingerprints().shape(two)
    for name in one.__dataclass_fields__:  # every field but the source is the same value
        if name != "source":
            assert getattr(one, name) == getattr(two, name), name
    # Its front matter is part of its shape, and so is the file it is in.
    retitled = article_from(ARTICLE.format(title="Lesions again", text="First text."), config)
    assert Fingerprints().shape(retitled) != Fingerprints().shape(one)
    found, _ = split_front_matter(
        ARTICLE.format(title="Lesions", text="First text."), "content/articles/b.md", "d", "b.md"
    )
    assert found is not None and found[0].front != one.source.front


def site_with(tmp_path: Path, bodies: dict[str, str], guides: bool = False) -> Path:
    root = own_site(tmp_path / "site")
    for slug, body in bodies.items():
        (root / "content" / "articles" / f"{slug}.md").write_text(ARTICLE.format(title=slug.title(), text=body))
    (root / "config.yaml").write_text((root / "config.yaml").read_text() + "start_here: [alpha.md, beta.md]\n")
    if guides:
        (root / "content" / "guides.yaml").write_text(
            "first-steps:\n  en:\n    title: First steps\n    summary: Read these first.\n"
            "    articles: [alpha.md, beta.md]\n"
        )
    return root


def sites_of(root: Path) -> tuple[Site, ...]:
    config, problems = load_config(root / "config.yaml")
    assert config is not None, problems
    result = Builder(config, jobs=1).build(write=False, save_cache=False)
    assert result.sites
    return result.sites


def test_the_site_methods_a_blind_page_may_call_read_no_body(tmp_path):
    """Each of Site.FROM_FIELDS gives the same shape on Sites whose articles differ in
    their bodies alone; a method added to the list must be added here."""
    texts = {"alpha": "Alpha text.", "beta": "Beta text.", "gamma": "Gamma text."}
    root = site_with(tmp_path, texts, guides=True)
    before = sites_of(root)[0]
    for slug in texts:
        path = root / "content" / "articles" / f"{slug}.md"
        path.write_text(path.read_text() + "\nA new paragraph, and [a link](https://example.org/).\n")
    after = sites_of(root)[0]
    shapes = [context_shapes([("index.html", {"site": site})], {}) for site in (before, after)]
    assert shapes[0].site == shapes[1].site and shapes[0].whole != shapes[1].whole
    calls = {
        "guide_of": lambda site: [site.guide_of(a) for a in site.articles],
        "in_language": lambda site: [site.in_language(a.url, "en") for a in site.articles],
        "topics_of": lambda site: [site.topics_of(a) for a in site.articles],
        "start_here": lambda site: site.start_here(),
        "related": lambda site: [site.related(a) for a in site.articles],
    }
    assert set(calls) == Site.FROM_FIELDS
    for name, made in calls.items():
        assert Fingerprints().shape(made(before)) == Fingerprints().shape(made(after)), name
    assert before.guides and before.start_here()  # the methods had something to find


def test_what_a_body_decides_is_never_read_blind():
    site_read = ("site", "articles", (("site", "articles", ("[]",), "title"),))
    assert blind((site_read,), (), {}, {}, {})
    for step in ("digest", "body", "text_of_line"):
        branch = ("site", "articles", (("site", "articles", ("[]",), "source", step),))
        assert not blind((branch,), (), {}, {}, {}), step
    whole = ("site", "articles", (("site", "articles", ("[]",), WHOLE),))
    assert not blind((whole,), (), {}, {}, {})
    other_call = ("site", "pages", (("site", "pages", call(())),))
    assert not blind((other_call,), (), {}, {}, {})
    site_call = ("site", "start_here", (("site", "start_here", call(())),))
    assert blind((site_call,), (), {}, {}, {})
    # The page's own article is known by its file: read whole, it is still blind.
    own = ("article", WHOLE, (("article", WHOLE),))
    assert blind((own, site_read), ("article",), {}, {}, {})
    assert not blind((own, site_read), (), {}, {}, {})


@pytest.mark.parametrize("shown", ["{{ item.source.digest }}", "{{ item }}"])
def test_a_list_that_shows_a_body_digest_or_a_whole_article_follows_a_body_edit(tmp_path, shown):
    root = site_with(tmp_path, {"alpha": "Alpha text.", "beta": "Beta text."})
    card = root / "templates" / "partials" / "card.html"
    card.write_text(
        card.read_text().replace("{{ item.summary }}", "{{ item.summary }} <i class=shown>" + shown + "</i>")
    )
    config, _ = load_config(root / "config.yaml")
    builder = Builder(config, jobs=1)
    assert builder.build().ok
    home = root / "public" / "index.html"
    before = [i.get_text() for i in soup(home).select("i.shown")]
    alpha = root / "content" / "articles" / "alpha.md"
    alpha.write_text(alpha.read_text() + "\nOne more sentence.\n")
    assert builder.build().ok
    after = [i.get_text() for i in soup(home).select("i.shown")]
    assert len(before) == len(after) == 2 and before != after
    assert Builder(config, jobs=1).build().ok  # and from the saved cache, in a new process's way
    assert [i.get_text() for i in soup(home).select("i.shown")] == after


def test_a_translation_goes_stale_when_its_original_text_alone_changes(tmp_path):
    """`outdated` is made from the original's body: a Site field, so part of the shape."""
    from test_spanish_translations import ES, revise_english

    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    assert cli_here("translations", "--done", ES, cwd=site.root).returncode == 0
    builder = Builder(site.config(), jobs=1)
    assert builder.build().ok
    page = site.root / "public" / "es" / "articles" / "lesiones" / "index.html"
    assert not soup(page).select_one(".translation-outdated")
    revise_english(site)
    assert builder.build().ok
    assert soup(page).select_one(".translation-outdated")


def test_the_404_page_follows_another_languages_interface_strings(tmp_path):
    """The default language's 404 page shows every other language's not-found words, from
    its catalogue (build/interface.py), not from any Site: the shape is taken of the pages'
    contexts, which hold them, so an edit of one such string reaches that page, though no
    Site and no source changed."""
    import re
    import shutil

    import yaml

    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    shutil.copytree(Path(__file__).resolve().parent.parent / "locale", site.root / "locale")
    settings = yaml.safe_load(site.config_path.read_text())
    settings["paths"]["locale"] = "locale"
    site.config_path.write_text(yaml.safe_dump(settings, sort_keys=False))
    builder = Builder(site.config(), jobs=1)
    assert builder.build().ok
    page = site.root / "public" / "404.html"
    po = site.root / "locale" / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    found = re.search(r'msgid "Page not found"\nmsgstr "([^"]*)"', text)
    assert found and found.group(1) in page.read_text(encoding="utf-8")
    po.write_text(
        text.replace(found.group(0), 'msgid "Page not found"\nmsgstr "Esta página no está"'), encoding="utf-8"
    )
    assert builder.build().ok
    assert "Esta página no está" in page.read_text(encoding="utf-8")
