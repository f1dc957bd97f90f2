"""Citations: `[@key]` in the text becomes a numbered link to the article's reference list.

Each test builds a small real site (tests/sitekit.py) and reads the pages it wrote and the
findings `check` gives.
"""

from __future__ import annotations

from datetime import date

from sitekit import REPO, soup

TODAY = date.today().isoformat()

REFERENCES = """\
references:
  - title: "MAGNIMS consensus guidelines on the use of MRI in multiple sclerosis"
    authors: Rovira À, Wattjes MP, Tintoré M, et al.
    journal: Nature Reviews Neurology
    year: 2015
    doi: 10.1038/nrneurol.2015.106
  - title: "Diagnosis of multiple sclerosis: 2024 revisions of the McDonald criteria"
    authors: Montalban X, Lebrun-Frénay C, Oh J, et al.
    year: 2025
    doi: 10.1016/S1474-4422(25)00270-4
  - title: "Committee Opinion No. 723: Guidelines for diagnostic imaging during pregnancy and lactation"
    key: acog2017
    year: 2017
    doi: 10.1097/AOG.0000000000002355
"""


def article(title: str, body: str, references: str = REFERENCES, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\nsummary: What the scan shows.\ndate: {TODAY}\nreviewed: {TODAY}\n"
        f"reviewer: Editorial team\ntakeaways:\n  - A scan shows the brain.\n{references}{extra}---\n{body}"
    )


def findings(site):
    """Every diagnostic of `check` (the quality checks included)."""
    from sitegen.pipeline import check

    return check(site.config(), use_cache=False).diagnostics


def codes(diagnostics, code):
    return [d for d in diagnostics if d.code == code]


def test_citations_become_links_numbered_in_order_of_first_citation(blank_site):
    blank_site.article(
        "cited.md",
        article(
            "Cited claims",
            "The 2024 criteria add the optic nerve [@montalban2025].\n\n"
            "Scans follow a standard plan [@rovira2015; @montalban2025]. Contrast is avoided "
            "in pregnancy [@acog2017].\n\n"
            "Guidelines say so again [@rovira2015].\n",
        ),
    )
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    page = soup(blank_site.public / "articles/cited/index.html")
    cites = page.select("sup.cite")
    # Montalban is cited first, so it is [1] wherever it is cited; Rovira [2]; the ACOG opinion [3].
    assert [c.get_text() for c in cites] == ["[1]", "[2, 1]", "[3]", "[2]"]
    assert [a["href"] for a in cites[1].find_all("a")] == ["#ref-2", "#ref-1"]
    assert cites[0].a["aria-label"] == "Reference 1"
    listed = page.select(".references ol > li")
    assert [li["id"] for li in listed] == ["ref-1", "ref-2", "ref-3"]
    assert "2024 revisions" in listed[0].cite.get_text()
    assert "MAGNIMS consensus" in listed[1].cite.get_text()
    assert "Committee Opinion" in listed[2].cite.get_text()
    # Every citation's target is on the page.
    ids = {element["id"] for element in page.select("[id]")}
    assert all(a["href"][1:] in ids for a in page.select("sup.cite a"))
    # The structured data still lists every reference.
    assert page.find("script", type="application/ld+json").string.count('"ScholarlyArticle"') == 3


def test_a_citation_with_no_such_reference_is_an_error_with_its_line_and_closest_key(blank_site):
    text = article("Unknown key", "First line.\n\nA claim [@montalbn2025].\n")
    blank_site.article("unknown.md", text)
    found = codes(findings(blank_site), "citation-unknown")
    assert len(found) == 1 and found[0].is_error
    assert found[0].file == "content/articles/unknown.md"
    assert found[0].line == text.split("\n").index("A claim [@montalbn2025].") + 1
    assert "montalban2025" in found[0].hint
    assert "[@montalbn2025]" in found[0].excerpt


def test_a_reference_never_cited_is_a_warning_at_its_line(blank_site):
    text = article("One uncited", "A claim [@montalban2025]. Another [@acog2017].\n")
    blank_site.article("uncited.md", text)
    diagnostics = findings(blank_site)
    found = codes(diagnostics, "reference-uncited")
    assert len(found) == 1 and not found[0].is_error
    assert (
        found[0].line
        == text.split("\n").index('  - title: "MAGNIMS consensus guidelines on the use of MRI in multiple sclerosis"')
        + 1
    )
    assert "[@rovira2015]" in found[0].hint
    assert not codes(diagnostics, "citations-none")


def test_an_article_with_references_and_no_citations_is_one_warning(blank_site):
    blank_site.article("none.md", article("No citations", "A claim with no source named.\n"))
    diagnostics = findings(blank_site)
    found = codes(diagnostics, "citations-none")
    assert len(found) == 1 and not found[0].is_error and "[@rovira2015]" in found[0].hint
    assert not codes(diagnostics, "reference-uncited")  # one finding, not one per reference


def test_keys_that_clash_or_cannot_be_cited_are_reported(blank_site):
    twice = REFERENCES + (
        "  - title: Another paper by the same first author that year\n"
        "    authors: Rovira A, Auger C\n    year: 2015\n    doi: 10.1000/xyz123\n"
        "  - title: A bad key\n    key: 'bad key!'\n    doi: 10.1000/xyz124\n"
    )
    blank_site.article("clash.md", article("Clashing keys", "A claim [@rovira2015].\n", references=twice))
    diagnostics = findings(blank_site)
    assert codes(diagnostics, "reference-key-duplicate") and codes(diagnostics, "reference-key")


def test_a_citation_in_code_is_left_as_written(blank_site):
    blank_site.article(
        "code.md", article("Code stays", "Write `[@rovira2015]` to cite [@rovira2015] [@montalban2025] [@acog2017].\n")
    )
    assert blank_site.build().ok
    page = soup(blank_site.public / "articles/code/index.html")
    assert page.find("code").get_text() == "[@rovira2015]"
    assert len(page.select("sup.cite")) == 3


def test_spanish_citations_are_labelled_in_spanish(blank_site):
    blank_site.set_config(languages=["en", "es"], paths={"locale": str(REPO / "locale")})
    blank_site.write(
        "content/es/articles/citado.md",
        article("Afirmaciones citadas", "Los criterios de 2024 añaden el nervio óptico [@montalban2025].\n"),
    )
    blank_site.article("english.md", article("English original", "A claim [@montalban2025].\n"))
    assert blank_site.build().ok
    page = soup(blank_site.public / "es/articles/citado/index.html")
    assert page.select_one("sup.cite a")["aria-label"] == "Referencia 1"
    assert page.select_one("#references-title").get_text() == "Referencias"


def test_citation_numbers_are_not_counted_as_words_to_read():
    from sitegen.markup import Renderer

    markup = Renderer().render(
        "Scans help [@rovira2015].\n",
        file="x.md",
        body_line=1,
        targets={},
        root="",
        cite_keys=frozenset({"rovira2015"}),
    )
    assert "sup" in markup.html and markup.citations == ("rovira2015",)
    assert markup.prose == ("Scans help .",)


def _render(body: str, translate=str):
    from sitegen.markup import Renderer

    return Renderer(translate=translate).render(
        body, file="x.md", body_line=10, targets={}, root="", cite_keys=frozenset({"rovira2015", "montalban2025"})
    )


def test_an_unknown_citation_after_a_known_one_is_marked_and_the_body_converted():
    # A typo of a known key after a known one once recursed without end (a false
    # nesting-too-deep and an empty body). Everywhere a citation may stand: text, heading, after bold.
    markup = _render(
        "## Scans [@rovra2015]\n\n"
        "Scans help [@rovira2015]. More [@rovra2015] here.\n\n"
        "A **bold** claim [@montalbn2025] and [@rovira2015; @montalbn2025] end [@montalban2025].\n"
    )
    assert [(d.code, d.line) for d in markup.diagnostics] == [
        ("citation-unknown", 10),
        ("citation-unknown", 12),
        ("citation-unknown", 14),
        ("citation-unknown", 14),
    ]
    assert "Did you mean 'rovira2015'" in markup.diagnostics[0].hint
    problem = '<span class="link-problem">'
    assert markup.html.count(problem) == 4
    assert f"Scans {problem}[@rovra2015]</span></h2>" in markup.html
    assert f"More {problem}[@rovra2015]</span> here.</p>" in markup.html
    assert f"and {problem}[@rovira2015; @montalbn2025]</span> end" in markup.html
    assert markup.html.count('<sup class="cite">') == 2
    assert markup.citations == ("rovira2015", "montalban2025")


def test_an_unknown_citation_gives_no_other_finding_in_either_language(blank_site):
    blank_site.set_config(languages=["en", "es"], paths={"locale": str(REPO / "locale")})
    blank_site.article(
        "typo.md", article("A typo in a key", "A claim [@rovira2015].\n\n## A part\n\nAnother [@rovra2015].\n")
    )
    blank_site.write(
        "content/es/articles/errata.md",
        article("Una errata en la clave", "Una afirmación [@rovira2015].\n\nOtra [@montalbn2025] más.\n"),
    )
    diagnostics = [d for d in findings(blank_site) if d.file.endswith(("typo.md", "errata.md"))]
    assert sorted((d.file, d.code) for d in diagnostics if d.code != "reference-uncited") == [
        ("content/articles/typo.md", "citation-unknown"),
        ("content/es/articles/errata.md", "citation-unknown"),
    ]
