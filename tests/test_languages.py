"""The site in two languages (issue 19), on the two-language fixture (tests/fixtures/bilingual):
English at the root, Spanish under es/, each page knowing its pair."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import xml.etree.ElementTree as ET

import feedparser
import pytest

from sitekit import FIXTURES, copy_site, soup

BILINGUAL = FIXTURES / "bilingual"


@pytest.fixture
def two(tmp_path):
    return copy_site(BILINGUAL, tmp_path / "site")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The fixture built once, in memory: output path -> bytes."""
    site = copy_site(BILINGUAL, tmp_path_factory.mktemp("bilingual") / "site")
    result = site.build(write=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.files


def page(files, path):
    return soup(files[path])


def findings(site):
    """Every diagnostic of `check` (the quality checks included)."""
    from sitegen.pipeline import check

    return check(site.config(), use_cache=False).diagnostics


def alternates(html):
    return {link["hreflang"]: link["href"] for link in html.find_all("link", rel="alternate", hreflang=True)}


def test_every_page_says_its_language(files):
    pages = [path for path in files if path.endswith(".html")]
    assert "es/index.html" in pages and "es/404.html" in pages and "es/search/index.html" in pages
    for path in pages:
        expected = "es" if path.startswith("es/") else "en"
        assert page(files, path).html["lang"] == expected, path


def test_hreflang_pairs_point_both_ways_with_an_english_default(files):
    english = alternates(page(files, "articles/lesions/index.html"))
    spanish = alternates(page(files, "es/articles/lesiones/index.html"))
    pair = {
        "en": "https://example.test/articles/lesions/",
        "es": "https://example.test/es/articles/lesiones/",
        "x-default": "https://example.test/articles/lesions/",
    }
    assert english == spanish == pair
    assert (
        alternates(page(files, "index.html"))
        == alternates(page(files, "es/index.html"))
        == {
            "en": "https://example.test/",
            "es": "https://example.test/es/",
            "x-default": "https://example.test/",
        }
    )
    assert alternates(page(files, "es/acerca/index.html"))["en"] == "https://example.test/about/"
    # No pair, no alternates: an untranslated article, a Spanish-only one.
    assert alternates(page(files, "articles/scan-types/index.html")) == {}
    assert alternates(page(files, "es/articles/solo-en-espanol/index.html")) == {}


def test_the_switcher_goes_to_the_same_page_or_to_the_home_page_with_a_note(files):
    paired = page(files, "es/articles/lesiones/index.html").select_one(".language-switcher a")
    assert paired["href"] == "../../../articles/lesions/"
    assert paired["lang"] == paired["hreflang"] == "en" and paired["data-switch"] == "paired"
    back = page(files, "articles/lesions/index.html").select_one(".language-switcher a")
    assert back["href"] == "../../es/articles/lesiones/" and back["lang"] == "es"
    unpaired = page(files, "articles/scan-types/index.html").select_one(".language-switcher li")
    assert unpaired.a["href"] == "../../es/" and unpaired.a["data-switch"] == "home"
    assert "not translated" in unpaired.select_one(".switch-note").get_text()
    only_spanish = page(files, "es/articles/solo-en-espanol/index.html").select_one(".language-switcher li")
    assert only_spanish.a["href"] == "../../../" and "no está traducida" in only_spanish.get_text()
    for path in files:
        if path.endswith(".html") and "404" not in path:
            assert page(files, path).select_one(".language-switcher a"), path


def test_spanish_pages_show_spanish_interface_strings(files):
    article = page(files, "es/articles/lesiones/index.html")
    assert article.select_one(".skip-link").get_text() == "Saltar al contenido principal"
    assert [a.get_text() for a in article.select(".nav-list a")][:3] == ["Inicio", "Temas", "Glosario"]
    assert [a.get_text() for a in article.select(".breadcrumbs a")][:2] == ["Inicio", "Temas"]
    assert article.select_one("#takeaways-title").get_text() == "Puntos clave"
    assert article.select_one("#questions-title").get_text() == "Preguntas para su neurólogo"
    assert article.select_one("#disclaimer-title").get_text() == "Aviso médico"
    review = article.select_one(".review-date").get_text(" ", strip=True)
    assert "Última revisión de la página: 1 de junio de 2026" in review
    assert "Publicado por primera vez: 10 de marzo de 2026" in review
    assert "tiempo de lectura" in article.select_one(".meta").get_text().lower()
    assert article.select_one(".site-footer").get_text(" ", strip=True).startswith("Fuente de artículos nuevos")
    missing = page(files, "es/404.html")
    assert missing.h1.get_text() == "Página no encontrada"
    assert missing.find("a", href="/es/")  # the 404 page's links are absolute, into its language
    search = page(files, "es/search/index.html")
    assert search.h1.get_text() == "Buscar"
    status = search.select_one("[data-search-status]")  # what static/search.js says, in Spanish
    assert status["data-text-none"].startswith("No hay resultados para «{query}»")
    assert status["data-text-many"] == "{n} resultados para «{query}»."
    assert status["data-glossary"] == "../../es/glossary/"
    assert search.select_one("form.site-search")["action"] == "../../es/search/"
    # English pages keep their own words.
    assert page(files, "articles/lesions/index.html").select_one("#takeaways-title").get_text() == "Key takeaways"


def test_a_person_is_named_in_the_language_of_the_page(files, two):
    review = page(files, "es/articles/lesiones/index.html").select_one(".review-note").get_text(" ", strip=True)
    assert review.startswith("Revisado por el equipo editorial;")
    english = page(files, "articles/lesions/index.html").select_one(".review-note").get_text(" ", strip=True)
    assert english.startswith("Reviewed by the editorial team;")
    people = two.content / "people.yaml"
    people.write_text(people.read_text().replace("names: {es: el equipo editorial}", "names: [el equipo]"))
    from sitegen.core.config import load_config

    _, problems = load_config(two.config_path)
    problem = [d for d in problems if d.code == "people-type"]
    assert problem and problem[0].file.endswith("people.yaml") and problem[0].line == 3
    assert "names: {es: el equipo editorial}" in problem[0].hint


def test_translations_say_how_they_were_made(files):
    note = page(files, "es/articles/lesiones/index.html").select_one(".translation-note")
    text = note.get_text(" ", strip=True)
    assert "Traducido del inglés por el equipo editorial." in text  # people.yaml `names: {es: ...}`
    assert "Ningún profesional clínico de lengua materna española ha revisado todavía esta traducción." in text
    assert note.a["href"] == "../../../articles/lesions/" and note.a["hreflang"] == "en"
    assert page(files, "es/acerca/index.html").select_one(".translation-note")
    assert page(files, "es/articles/solo-en-espanol/index.html").select_one(".translation-note") is None


def test_links_and_glossary_resolve_within_the_language(files):
    article = page(files, "es/articles/lesiones/index.html")
    term = article.select_one(".prose a.gloss-term")
    assert term.get_text() == "lesión" and term["href"] == "../../../es/glossary/#lesion"
    # scan-types.md has no translation: the link goes to the English article and says so.
    english = article.select_one(".prose a.link-other-language")
    assert english["href"] == "../../../articles/scan-types/" and english["hreflang"] == "en"
    assert english.select_one(".link-language").get_text() == " (en inglés)"
    # lesiones.md is a Spanish article: a Spanish link to it stays in Spanish.
    other = page(files, "es/articles/solo-en-espanol/index.html").select_one(".prose a[href*=lesiones]")
    assert other["href"] == "../../../es/articles/lesiones/" and not other.get("hreflang")
    # Topics, related articles and the home page hold Spanish articles only.
    home = page(files, "es/index.html")
    assert {a["href"] for a in home.select(".cards .card-title a")} == {
        "../es/articles/lesiones/",
        "../es/articles/solo-en-espanol/",
    }
    assert home.select_one(".start-here a")["href"] == "../es/articles/lesiones/"
    # The header names the site in Spanish; the home page's heading is its Spanish tagline.
    assert home.select_one(".site-name").get_text() == "Guías de salud de prueba"
    assert home.h1.get_text() == "Un sitio pequeño para las pruebas"
    assert "es/topics/conceptos-basicos/index.html" in files


def test_the_sitemap_lists_both_languages_with_alternates(files):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.fromstring(files["sitemap.xml"])
    urls = {url.find("s:loc", ns).text: url for url in root.findall("s:url", ns)}
    assert "https://example.test/es/articles/solo-en-espanol/" in urls and "es/sitemap.xml" not in files
    for loc in ("https://example.test/articles/lesions/", "https://example.test/es/articles/lesiones/"):
        links = {link.get("hreflang"): link.get("href") for link in urls[loc].findall("x:link", ns)}
        assert links == {
            "en": "https://example.test/articles/lesions/",
            "es": "https://example.test/es/articles/lesiones/",
            "x-default": "https://example.test/articles/lesions/",
        }
    assert urls["https://example.test/articles/scan-types/"].findall("x:link", ns) == []


def test_one_feed_per_language(files):
    english, spanish = feedparser.parse(files["feed.xml"]), feedparser.parse(files["es/feed.xml"])
    assert spanish.feed.title == "Guías de salud de prueba" and spanish.feed.language == "es"
    assert {e.link for e in spanish.entries} == {
        "https://example.test/es/articles/lesiones/",
        "https://example.test/es/articles/solo-en-espanol/",
    }
    assert all("/es/" not in e.link for e in english.entries) and len(english.entries) == 2
    head = page(files, "es/index.html").find("link", type="application/atom+xml")
    assert head["href"] == "../es/feed.xml" and head["title"] == "Guías de salud de prueba"


def test_a_translation_older_than_its_original_is_a_finding_and_a_notice(two):
    original = two.content / "articles" / "lesions.md"
    original.write_text(original.read_text().replace("reviewed: 2026-06-01", "reviewed: 2026-09-15"))
    problems = [d for d in findings(two) if d.code == "translation-stale"]
    assert len(problems) == 1
    stale = problems[0]
    assert stale.file == "content/es/articles/lesiones.md" and not stale.is_error
    text = (two.content / "es" / "articles" / "lesiones.md").read_text()
    assert stale.line == text.split("\n").index("translated_from_reviewed: 2026-06-01") + 1
    assert "content/articles/lesions.md" in stale.message and "2026-09-15" in stale.message
    assert "translated_from_reviewed: 2026-09-15" in stale.hint
    notice = soup(two.build(write=False).files["es/articles/lesiones/index.html"]).select_one(".translation-outdated")
    assert "La versión en inglés de esta página se ha actualizado" in notice.get_text()
    assert notice.a["href"] == "../../../articles/lesions/"
    two.set_config(translations={"stale": "error"})
    assert [d.is_error for d in findings(two) if d.code == "translation-stale"] == [True]
    # A missing translation is never a finding; a current one shows no notice.
    (two.content / "es" / "articles" / "lesiones.md").unlink()
    assert not [d for d in findings(two) if d.code.startswith("translation")]


def test_translation_fields_are_checked_with_file_line_and_fix(two):
    path = two.content / "es" / "articles" / "lesiones.md"
    text = path.read_text()
    path.write_text(text.replace("translation_of: lesions.md", "translation_of: lesion.md"))
    found = {d.code: d for d in findings(two)}
    assert found["translation-of-missing"].file == "content/es/articles/lesiones.md"
    assert found["translation-of-missing"].line == text.split("\n").index("translation_of: lesions.md") + 1
    assert "lesions.md" in found["translation-of-missing"].hint
    path.write_text(
        text.replace("translated_by: editorial-team", "translated_by: nobody").replace(
            "translated_from_reviewed: 2026-06-01", "translated_from_reviewed: June"
        )
    )
    codes = {d.code for d in two.build(write=False).diagnostics if d.file.endswith("lesiones.md")}
    assert {"person-unknown", "bad-date"} <= codes
    # English articles may not carry translation fields.
    english = two.content / "articles" / "scan-types.md"
    english.write_text(english.read_text().replace("tags:", "translated_by: editorial-team\ntags:"))
    assert "unknown-key" in {d.code for d in two.build(write=False).diagnostics if d.file.endswith("scan-types.md")}


def test_spanish_readability_uses_szigriszt_pazos(two):
    hard = (
        "La caracterización neurorradiológica multiparamétrica de las lesiones desmielinizantes "
        "periventriculares, yuxtacorticales e infratentoriales constituye, conjuntamente con la "
        "evaluación longitudinal de la diseminación espaciotemporal, el fundamento metodológico "
        "imprescindible para la consolidación diagnóstica contemporánea. "
    ) * 3
    two.write(
        "content/es/articles/dificil.md",
        "---\ntitle: Difícil\nsummary: Un texto difícil.\ndate: 2026-05-01\nreviewed: 2026-05-01\n"
        "reviewer: editorial-team\ntakeaways: [Es difícil.]\n---\n" + hard + "\n",
    )
    found = [d for d in findings(two) if d.code == "readability-score"]
    assert [d.file for d in found] == ["content/es/articles/dificil.md"]
    assert "Szigriszt-Pazos" in found[0].message and "55" in found[0].message and found[0].is_error
    # The plain Spanish articles pass, and no Spanish article gets the English formula.
    assert not [d for d in findings(two) if d.code == "readability-grade"]


def test_the_editors_note_gives_each_language_its_own_reading_scale(two):
    from sitegen.build.reading import language_score

    plain = (
        "La resonancia magnética muestra el cerebro. Su equipo compara cada imagen con las anteriores. "
        "Así ve si hay lesiones nuevas. Pregunte lo que no entienda."
    )
    two.write(
        "content/es/articles/sencillo.md",
        "---\ntitle: Sencillo\nsummary: Un texto sencillo.\ndate: 2026-05-01\nreviewed: 2026-05-01\n"
        "reviewer: editorial-team\ntakeaways: [Es sencillo.]\n---\n" + plain + "\n",
    )
    result = two.build(write=False)
    assert result.ok, [d.format() for d in result.diagnostics]

    def note(path):
        return soup(result.files[path]).find("p", class_="editor-note").get_text(" ", strip=True)

    text = note("es/articles/sencillo/index.html")
    # Spanish pages: the formula the Spanish readability check uses, on the same prose.
    expected = round(language_score(plain, "es", "szigriszt_pazos"), 1)
    assert text == (
        f"Para el equipo editorial (no se muestra en el sitio publicado): nivel de lectura {expected} "
        "(Szigriszt-Pazos)."
    )
    english = [path for path in result.files if path.startswith("articles/") and path.endswith("/index.html")]
    assert english and all("(Flesch–Kincaid grade)" in note(path) for path in english)


def test_the_spanish_search_index_holds_spanish_pages_only(two):
    result = two.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    folder = two.public / "pagefind"
    # One index per language (sitegen/build/search.py), each of its language only.
    assert sorted(p.name for p in folder.iterdir()) == ["en", "es"]
    indexed: dict[str, list[tuple[str, str]]] = {"en": [], "es": []}
    for language in indexed:
        entry = json.loads((folder / language / "pagefind-entry.json").read_text())
        assert set(entry["languages"]) == {language}
        for fragment in (folder / language / "fragment").iterdir():
            data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
            indexed[language].append((data["url"], data["content"]))
    assert all(url.startswith("/es/") for url, _ in indexed["es"])
    assert not any(url.startswith("/es/") for url, _ in indexed["en"])
    assert any(url == "/es/articles/lesiones/" and "zona pequeña" in content for url, content in indexed["es"])


def test_a_changed_translation_re_renders_exactly_the_spanish_pages(two, tmp_path):
    from sitegen.pipeline import Builder

    locale = two.root / "locale"  # the project's own (config.yaml may name no folder outside it)
    shutil.copytree(BILINGUAL / "../../../locale", locale)
    two.set_config(paths={"locale": "locale"})
    builder = Builder(two.config(), use_cache=True)
    assert builder.build(index_search=False).ok
    before = {p.relative_to(two.public).as_posix(): p.read_bytes() for p in two.public.rglob("*.html")}
    po = locale / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Puntos clave"', 'msgstr "Lo más importante"'))
    again = Builder(two.config(), use_cache=True).build(index_search=False)
    assert again.ok
    after = {p.relative_to(two.public).as_posix(): p.read_bytes() for p in two.public.rglob("*.html")}
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert changed == ["es/articles/lesiones/index.html", "es/articles/solo-en-espanol/index.html"]
    assert again.rendered == len([p for p in after if p.startswith("es/")]) + 1  # + es/feed.xml
    assert "Lo más importante" in after["es/articles/lesiones/index.html"].decode()
    assert re.search(r"Key takeaways", after["articles/lesions/index.html"].decode())


def test_a_changed_catalogue_is_not_taken_for_a_no_op_build(two, tmp_path):
    # The no-op check (fingerprint.py) looked at content, templates and static only: a
    # catalogue edited after a build left the next `build` saying nothing had changed.
    from sitekit import run_cli

    locale = two.root / "locale"
    shutil.copytree(BILINGUAL / "../../../locale", locale)
    two.set_config(paths={"locale": "locale"}, search=False)
    assert run_cli("build", cwd=two.root).returncode == 0
    po = locale / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text().replace('msgstr "Puntos clave"', 'msgstr "Lo más importante"'))
    assert run_cli("build", cwd=two.root).returncode == 0
    assert "Lo más importante" in (two.public / "es" / "articles" / "lesiones" / "index.html").read_text()


def test_spanish_articles_are_not_taken_for_moved_english_ones(two):
    # The moved-article check read the English articles/ folder for the Spanish site too,
    # and reported every English article as an address no article had any more.
    assert two.build().ok
    assert not [d for d in findings(two) if d.code == "article-moved"]
    (two.content / "es" / "articles" / "solo-en-espanol.md").rename(two.content / "es" / "articles" / "otro.md")
    moved = [d for d in findings(two) if d.code == "article-moved"]
    assert [d.message for d in moved] == [
        "The published site has /es/articles/solo-en-espanol/, but no article has that address any more."
    ]


def test_the_preview_shows_a_stale_translation_on_its_page(two, tmp_path):
    from sitegen.serve import Preview

    original = two.content / "articles" / "lesions.md"
    original.write_text(original.read_text().replace("reviewed: 2026-06-01", "reviewed: 2026-09-15"))
    preview = Preview(two.config(), drafts=False, jobs=1, port=0, out=tmp_path / "preview")
    preview.rebuild()
    codes = [d.code for d in preview.findings_for("es/articles/lesiones/")]
    assert "translation-stale" in codes
    assert "translation-stale" not in [d.code for d in preview.findings_for("articles/lesions/")]


def test_check_counts_the_articles_of_every_language(two):
    from sitekit import run_cli

    result = run_cli("check", cwd=two.root)
    assert result.returncode == 0, result.stderr
    # Two English articles and one page, two Spanish articles and one page (the fixture's
    # warnings, such as its stale translation, come before the semicolon).
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("check: 0 errors and ")
    assert last.endswith("; 4 articles and 2 pages checked in 2 languages (en, es).")


def test_interface_strings_render_as_jinjas_own_gettext_renders_them(two):
    """The template's `_()` is our one-call version of Jinja's newstyle gettext
    (render.py): every string of the Spanish catalogue, escaped or not, with its
    placeholders filled, comes out as Jinja's own would give it."""
    import jinja2
    from babel.messages.pofile import read_po

    from sitegen.build.interface import catalogue, catalogue_path
    from sitegen.build.render import make_environment

    config = two.config()
    ours = make_environment(config, "es")
    theirs = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    theirs.install_gettext_translations(catalogue(config, "es")[0], newstyle=True)
    with open(catalogue_path(config, "es"), "rb") as po:
        messages = [m for m in read_po(po) if m.id and isinstance(m.id, str) and m.string]
    assert len(messages) > 20
    # And strings with markup, an entity and "%%", which is where marking safe shows.
    odd = ["Read <em>%(what)s</em> &amp; more: 100%%", "<a href='#x'>Back</a>", "50%% of %(num)s"]
    for message in [*messages, *(type(messages[0])(text) for text in odd)]:
        names = sorted(set(re.findall(r"%\((\w+)\)s", message.id)))
        values = {name: f"<b>{name} & co</b>" for name in names}
        for source in ("{{ _(text, **values) }}", "{% autoescape false %}{{ _(text, **values) }}{% endautoescape %}"):
            expected = theirs.from_string(source).render(text=message.id, values=values)
            assert ours.from_string(source).render(text=message.id, values=values) == expected
    # A translated string really is translated, and its placeholder escaped.
    translated = next(m for m in messages if m.string != m.id and "%(" in m.id)
    out = ours.from_string("{{ _(text, **values) }}").render(
        text=translated.id, values={n: "<x>" for n in re.findall(r"%\((\w+)\)s", translated.id)}
    )
    assert "&lt;x&gt;" in out and out != translated.id


def test_a_spanish_link_with_a_section_is_checked_on_the_page_it_lands_on(two):
    """Issue 29.1: an English file name with a section, in a Spanish article, crashed the build.
    It lands on the Spanish translation (whose sections have Spanish names) or, with none, on
    the English article; either way a missing section is a finding and nothing crashes."""
    path = two.content / "es" / "articles" / "solo-en-espanol.md"
    text = path.read_text()
    # lesions.md has a translation: an English section name is not on the Spanish page.
    path.write_text(text.replace("[lesión](lesiones.md)", "[lesión](lesions.md#what-a-lesion-is)"))
    anchors = [d for d in findings(two) if d.code == "link-anchor"]
    assert [(d.file, d.line) for d in anchors] == [("content/es/articles/solo-en-espanol.md", 13)]
    assert "content/es/articles/lesiones.md" in anchors[0].message
    assert "que-es-una-lesion" in anchors[0].hint
    # The Spanish section name is right, and the link goes to it.
    path.write_text(text.replace("[lesión](lesiones.md)", "[lesión](lesions.md#que-es-una-lesion)"))
    result = two.build(write=False)
    assert result.ok and not [d for d in findings(two) if d.code == "link-anchor"]
    link = page(result.files, "es/articles/solo-en-espanol/index.html").select_one("main a[href*=lesion]")
    assert link["href"].endswith("es/articles/lesiones/#que-es-una-lesion")
    # An English-only article: the section is checked against the English page.
    path.write_text(text.replace("[lesión](lesiones.md)", "[tipos](scan-types.md#scan-types)"))
    assert not [d for d in findings(two) if d.code == "link-anchor"]
    path.write_text(text.replace("[lesión](lesiones.md)", "[tipos](scan-types.md#nope)"))
    (anchor,) = [d for d in findings(two) if d.code == "link-anchor"]
    assert "scan-types.md" in anchor.message and anchor.line == 13
    assert two.build(write=False).diagnostics  # the build reports it too, with no traceback


def test_a_spanish_page_may_link_to_the_spanish_pages_every_language_has(two):
    """The link check knows the addresses of the pages the build makes (render.page_jobs),
    in each language's folder: the Spanish topics, glossary and home pages are pages."""
    path = two.content / "es" / "articles" / "solo-en-espanol.md"
    links = " ".join(f"[{n}](../../{target})" for n, target in enumerate(["topics/", "", "feed.xml", "404.html"]))
    path.write_text(path.read_text() + f"\n\nVea también: {links}.\n")
    assert not [d for d in findings(two) if d.code == "link-broken"]
    path.write_text(path.read_text() + "\n\n[no existe](../../temas-que-no-existen/)\n")
    (broken,) = [d for d in findings(two) if d.code == "link-broken"]
    assert "temas-que-no-existen" in broken.message
