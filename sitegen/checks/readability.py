"""The readability check: an article's reading grade (Flesch–Kincaid, English) or its
language's own score (Szigriszt-Pazos, Spanish), and any one very hard sentence.

The numbers come from sitegen/build/reading.py, as the preview shows them."""

from __future__ import annotations

import re

from sitegen.checks.findings import Findings, Rules
from sitegen.core.article import Article
from sitegen.markup import Markup

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def _hard_sentences(article: Article, hard: list[tuple[str, float]], how: str, found: Findings) -> None:
    """A finding for each very hard sentence of an article whose average reads easily: one
    such sentence is the one a reader stops at, and an average hides it."""
    for sentence, value in hard:
        line = article.source.line_of_text(sentence[:40])
        found.add(
            "readability",
            article.source.path,
            line,
            "readability-sentence",
            f'This sentence {how.format(value)}: "{sentence[:100]}{"…" if len(sentence) > 100 else ""}"',
            "Split it into short sentences and use everyday words; explain each medical term the first time.",
            excerpt=article.source.text_of_line(line),
        )


def language_readability(article: Article, body: Markup, rules: Rules, found: Findings) -> None:
    """A language's own formula (Spanish: Szigriszt-Pazos on the INFLESZ scale, made for
    Spanish health texts): a score below the threshold is a finding, at the English check's level."""
    from sitegen.build.reading import FORMULAS, language_score

    assert body.prose is not None
    text = " ".join(body.prose)
    if len(text.split()) < rules["min_words"]:
        return
    own = rules[article.language]
    score = language_score(text, article.language, own["formula"])
    sentences = [s for paragraph in body.prose for s in SENTENCE_END.split(paragraph) if len(s.split()) >= 4]
    if score >= own["min_score"]:
        floor = own.get("min_sentence_score", -40)
        _hard_sentences(
            article,
            [(s, v) for s in sentences if (v := language_score(s, article.language, own["formula"])) < floor],
            f"scores {{:.0f}} ({FORMULAS[own['formula']]}), far below the target of {own['min_score']:g}",
            found,
        )
        return
    hardest = sorted(sentences, key=lambda s: language_score(s, article.language, own["formula"]))[:3]
    listed = "; ".join(
        f'line {article.source.line_of_text(s[:40])}: "{s[:80]}{"…" if len(s) > 80 else ""}"' for s in hardest
    )
    name = FORMULAS[own["formula"]]
    found.add(
        "readability",
        article.source.path,
        article.source.body_line,
        "readability-score",
        f"Readability score {score:.1f} ({name}) is below the target of {own['min_score']:g}: the text is hard "
        f"to read in {article.language}. Hardest sentences: {listed}.",
        "Use shorter sentences and everyday words; explain medical terms or move them to the glossary.",
    )


def readability(article: Article, body: Markup, rules: Rules, found: Findings) -> None:
    from sitegen.build.reading import textstats

    # The build loads the prose of the articles it checks (builder/findings.py quality_checks).
    assert body.prose is not None
    textstat = textstats()
    text = " ".join(body.prose)
    if len(text.split()) < rules["min_words"]:
        return
    grade = textstat.flesch_kincaid_grade(text)
    sentences = [s for paragraph in body.prose for s in SENTENCE_END.split(paragraph) if len(s.split()) >= 4]
    if grade <= rules["max_grade"]:
        _hard_sentences(
            article,
            [(s, g) for s in sentences if (g := textstat.flesch_kincaid_grade(s)) > rules["max_sentence_grade"]],
            f"reads at grade {{:.0f}} (Flesch–Kincaid), far above the target of {rules['max_grade']:g}",
            found,
        )
        return
    hardest = sorted(sentences, key=textstat.flesch_kincaid_grade, reverse=True)[:3]
    listed = "; ".join(
        f'line {article.source.line_of_text(s[:40])}: "{s[:80]}{"…" if len(s) > 80 else ""}"' for s in hardest
    )
    found.add(
        "readability",
        article.source.path,
        article.source.body_line,
        "readability-grade",
        f"Reading grade {grade:.1f} (Flesch–Kincaid) is above the target of {rules['max_grade']:g}. Hardest sentences: {listed}.",
        "Use shorter sentences and everyday words; explain medical terms or move them to the glossary.",
    )
