"""The jargon check: a word a patient may not know, used unexplained, is a finding with its
line and plainer words; explained in its sentence or defined in the glossary, it is not.

Each test builds a small real site (tests/sitekit.py) and reads what `check` reports.
"""

from __future__ import annotations

from datetime import date

import pytest

from sitekit import REPO, line_of

TODAY = date.today().isoformat()


def article(title: str, body: str) -> str:
    return (
        f"---\ntitle: {title}\nsummary: What the scan shows.\ndate: {TODAY}\nreviewed: {TODAY}\n"
        "reviewer: Editorial team\ntakeaways:\n  - A scan shows the brain.\n---\n" + body
    )


def jargon(site, **overrides):
    from sitegen.pipeline import check

    return [d for d in check(site.config(**overrides), use_cache=False).diagnostics if d.code == "jargon-term"]


def test_an_unexplained_term_is_a_warning_at_its_first_use_with_plainer_words(blank_site):
    text = article(
        "Report words",
        "## What gliosis is\n\nThe scan is clear.\n\nYour report may say gliosis near the lesion.\n\n"
        "Gliosis can stay for years.\n",
    )
    blank_site.article("report.md", text)
    found = jargon(blank_site)
    assert len(found) == 1  # once per article, not once per use
    finding = found[0]
    assert not finding.is_error and finding.file == "content/articles/report.md"
    # The first use in running text: the heading above it is not where a reader meets it.
    assert finding.line == line_of(text, "Your report may say gliosis")
    assert "gliosis" in finding.message
    assert "a kind of scar made by the brain's support cells" in finding.hint
    assert "content/glossary.yaml" in finding.hint
    assert finding.excerpt.startswith("Your report may say gliosis")


@pytest.mark.parametrize(
    "sentence",
    [
        "Your report may say gliosis (a kind of scar) near the lesion.",
        "Your report may say gliosis – a kind of scar – near the lesion.",
        "Your report may say gliosis, which means a kind of scar.",
        "Gliosis is a kind of scar made by support cells.",
        "The brain can make a kind of scar called gliosis.",
        "**Gliosis.** A kind of scar made by support cells.",
    ],
)
def test_a_term_explained_in_its_own_sentence_is_not_reported(blank_site, sentence):
    blank_site.article("explained.md", article("Explained words", sentence + "\n\nLater, gliosis again.\n"))
    assert jargon(blank_site) == []


def test_the_explanation_must_be_where_the_term_is_first_used(blank_site):
    text = article("Explained too late", "Gliosis can stay for years.\n\nGliosis (a kind of scar) is common.\n")
    blank_site.article("late.md", text)
    assert [d.line for d in jargon(blank_site)] == [line_of(text, "Gliosis can stay")]


def test_a_term_the_glossary_defines_is_linked_and_not_reported(blank_site):
    blank_site.write(
        "content/glossary.yaml",
        "- term: gliosis\n  definition: A kind of scar made by the brain's support cells after damage.\n",
    )
    blank_site.article("linked.md", article("Linked words", "Your report may say gliosis near the lesion.\n"))
    assert jargon(blank_site) == []
    assert blank_site.build().ok
    page = (blank_site.public / "articles/linked/index.html").read_text(encoding="utf-8")
    assert 'class="gloss-term"' in page and ">gliosis</a>" in page


def test_a_term_only_in_a_table_or_heading_is_not_reported(blank_site):
    blank_site.article(
        "table.md",
        article(
            "Table words",
            "## Gliosis\n\nA short text.\n\nTable: Words\n| Word | Meaning |\n|---|---|\n| gliosis | a scar |\n",
        ),
    )
    assert jargon(blank_site) == []


def test_the_level_is_configurable(blank_site):
    blank_site.article("level.md", article("Level words", "Your report may say gliosis near the lesion.\n"))
    blank_site.set_config(checks={"jargon": "error"})
    assert [d.is_error for d in jargon(blank_site)] == [True]
    blank_site.set_config(checks={"jargon": "off"})
    assert jargon(blank_site) == []


def test_spanish_articles_use_the_spanish_list_and_rule(blank_site):
    blank_site.set_config(languages=["en", "es"], paths={"locale": str(REPO / "locale")})
    blank_site.article("english.md", article("English words", "A short text.\n"))
    text = article("Palabras del informe", "El informe puede decir gliosis cerca de la lesión.\n")
    blank_site.write("content/es/articles/informe.md", text)
    blank_site.write(
        "content/es/articles/explicada.md",
        article("Palabras explicadas", "El informe habla de gliosis, que quiere decir una especie de cicatriz.\n"),
    )
    found = jargon(blank_site)
    assert [(d.file, d.line) for d in found] == [("content/es/articles/informe.md", line_of(text, "gliosis"))]
    assert "una especie de cicatriz que forman las células de sostén del cerebro" in found[0].hint
    assert "content/es/glossary.yaml" in found[0].hint


def test_each_list_entry_has_plainer_words_and_no_term_is_listed_twice():
    from sitegen.checks.jargon import terms

    for language in ("en", "es"):
        entries = terms(language)
        assert len(entries) >= 40
        names = [name.casefold() for entry in entries for name in (entry.term, *entry.forms)]
        assert len(names) == len(set(names)), language
        assert all(entry.plain.strip() and entry.plain.casefold() != entry.term.casefold() for entry in entries)
