"""Figures per language (issue 31): a record's words in Spanish, the Spanish version of a
drawing, and findings on Spanish pages when either is missing."""

from __future__ import annotations

from spanish_fixture import SVG, spanish_site

from sitekit import line_of, soup

PAGE = "content/es/articles/todas-las-partes.md"


def found(diagnostics, code):
    return [d for d in diagnostics if d.code == code]


def test_a_spanish_page_shows_the_records_spanish_words(tmp_path):
    site = spanish_site(tmp_path / "site")
    result = site.build(write=False)
    assert result.ok and not found(result.diagnostics, "image-record-untranslated")
    figure = soup(result.files["es/articles/todas-las-partes/index.html"]).find("figure")
    assert figure.select_one(".figure-credit").get_text().startswith("Autoría: Dibujo del equipo editorial.")
    assert figure.select_one(".figure-description p").get_text() == "Un cuadro pequeño con la palabra lesión."


def test_a_credit_only_in_english_is_a_warning_at_the_image_on_the_spanish_page(tmp_path):
    site = spanish_site(tmp_path / "site")
    site.write("content/images/images.yaml", "dibujo.svg:\n  credit: Drawn by the editorial team\n  licence: site\n")
    result = site.build(write=False)
    [warning] = found(result.diagnostics, "image-record-untranslated")
    text = (site.root / PAGE).read_text(encoding="utf-8")
    assert (warning.file, warning.line) == (PAGE, line_of(text, "images/dibujo.svg"))
    assert warning.severity.name == "WARNING" and "credit" in warning.message
    assert "  es:\n    credit: ..." in warning.hint
    # The page still shows the English credit (better than none) until the record gives one.
    figure = soup(result.files["es/articles/todas-las-partes/index.html"]).find("figure")
    assert "Drawn by the editorial team" in figure.select_one(".figure-credit").get_text()


def test_a_default_caption_per_language(tmp_path):
    site = spanish_site(tmp_path / "site")
    page = (site.root / PAGE).read_text(encoding="utf-8").replace(' "El cuadro")', ")")
    site.write(PAGE, page)
    site.write(
        "content/images/images.yaml",
        "dibujo.svg:\n  credit: Drawn by us\n  licence: site\n  caption: The box\n"
        "  es:\n    credit: Dibujo nuestro\n    caption: La caja\n",
    )
    site.article("box.md", "---\ntitle: A box\nsummary: S.\ndate: 2026-01-10\n---\n![A box](images/dibujo.svg)\n")
    result = site.build(write=False)
    assert result.ok
    spanish = soup(result.files["es/articles/todas-las-partes/index.html"]).find("figure")
    assert spanish.select_one(".figure-caption").get_text() == "La caja"
    english = soup(result.files["articles/box/index.html"]).find("figure")
    assert english.select_one(".figure-caption").get_text() == "The box"


def test_the_spanish_version_of_a_drawing_is_pointed_out(tmp_path):
    site = spanish_site(tmp_path / "site")
    site.set_config(search=False)
    assert not found(site.build().diagnostics, "image-translation-available")
    # The Spanish drawing is added later: the unchanged Spanish page learns of it (its body
    # depends on whether the variant exists), and the finding names the file to use.
    site.write("content/images/dibujo.es.svg", SVG.replace("Lesión", "Lesión (es)"))
    records = (site.root / "content/images/images.yaml").read_text(encoding="utf-8")
    site.write("content/images/images.yaml", records + "dibujo.es.svg:\n  credit: Dibujo\n  licence: site\n")
    [finding] = found(site.build().diagnostics, "image-translation-available")
    text = (site.root / PAGE).read_text(encoding="utf-8")
    assert (finding.file, finding.line) == (PAGE, line_of(text, "images/dibujo.svg"))
    assert finding.hint == "Write images/dibujo.es.svg instead of images/dibujo.svg."
    site.write(PAGE, text.replace("images/dibujo.svg", "images/dibujo.es.svg"))
    result = site.build()
    assert not found(result.diagnostics, "image-translation-available")
    shown = soup(site.public / "es/articles/todas-las-partes/index.html").select_one("figure img")["src"]
    assert "dibujo.es-" in shown


def test_an_unknown_detail_under_a_language_is_reported(tmp_path):
    site = spanish_site(tmp_path / "site")
    site.write(
        "content/images/images.yaml",
        "dibujo.svg:\n  credit: Drawn\n  licence: site\n  es:\n    credito: Dibujo\n",
    )
    [problem] = found(site.build(write=False).diagnostics, "image-record-key")
    assert (problem.file, problem.line) == ("content/images/images.yaml", 5)
    assert "'credito'" in problem.message and "credit" in problem.hint


def test_the_spanish_version_of_a_drawing_has_its_record_in_spanish(tmp_path):
    site = spanish_site(tmp_path / "site")
    site.write("content/images/dibujo.es.svg", SVG)
    site.write(
        "content/images/images.yaml",
        "dibujo.svg:\n  credit: Drawn\n  licence: site\n  es:\n    credit: Dibujo\n"
        "dibujo.es.svg:\n  credit: Dibujo del equipo\n  licence: site\n  long_description: Un cuadro.\n",
    )
    text = (site.root / PAGE).read_text(encoding="utf-8")
    site.write(PAGE, text.replace("images/dibujo.svg", "images/dibujo.es.svg"))
    result = site.build(write=False)
    assert not {"image-record-untranslated", "image-translation-available"} & {d.code for d in result.diagnostics}
    figure = soup(result.files["es/articles/todas-las-partes/index.html"]).find("figure")
    assert figure.select_one(".figure-credit").get_text().startswith("Autoría: Dibujo del equipo.")
