"""The jargon check: words a patient may not know, used in an article without explanation.

Each language has its own list, `sitegen/jargon/<language>.yaml`: a term, its other forms
and plainer words (written for this site from plain-language practice). The lists live with
the check, not in content/: they are the check's knowledge, as the readability formula's
syllable rules are, reviewed and tested with it; an editor answers a finding in the article
(plain words, an explanation, or a glossary entry), never by editing the list.

A term is reported once per article, at its first use in the running text (paragraphs,
list items and callouts; not headings or tables), unless

- **the glossary defines it**: a glossary term or alias of the article's language holds it
  (as whole words) and appears in the article, so its first use links to the definition
  (markup/glossary.py); or
- **it is explained in the same sentence**, which here means one of:
  right after it, a parenthesis, a dash or a colon ("gliosis (a kind of scar)",
  "gliosis – a kind of scar"); a comma and an explanation ("gliosis, which means …",
  "…, meaning …", "…, that is …", "…, or …", an appositive "…, a kind of scar, …");
  "is a/an/the …", "are …" or "means …" right after it ("Gliosis is a kind of scar");
  "called", "known as", "named" or "call it" right before it ("a scar called gliosis"); or it opens a
  paragraph whose first sentence is a short label of at most five words ("**Gliosis.** A
  kind of scar …", the report-words pattern).
  Spanish has the same rule in Spanish: "(", dashes, ":", ", que significa", ", que quiere
  decir", ", es decir", ", o sea", an appositive "…, un/una …", "es un/una/el/la …",
  "significa", and "llamado", "conocido como", "denominado", "(lo) llaman" before it.
  A closing quotation mark between the term and its explanation is allowed.

The finding is a warning by default (`checks: {jargon: {level: error}}` or `off` in
config.yaml), at the line of that first use, with the plainer words as its fix.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sitegen.checks.findings import Findings
from sitegen.core.article import Article, GlossaryTerm
from sitegen.markup import Markup

LISTS = Path(__file__).resolve().parent / "terms"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9ÁÉÍÓÚÑ¿¡\"'(“«])")
LABEL_WORDS = 5  # a paragraph's first sentence this short is a label ("T1 hypointensity.")


@dataclass(frozen=True)
class Term:
    term: str
    forms: tuple[str, ...]
    plain: str

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        names = sorted({self.term, *self.forms}, key=len, reverse=True)
        return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(name) for name in names) + r")(?![\w-])", re.I)

    @functools.cached_property
    def lowered(self) -> tuple[str, ...]:
        """Its names in lower case: a text holding none of them cannot use the term."""
        return tuple({name.lower() for name in (self.term, *self.forms)})


# How an explanation follows or precedes a term in the same sentence, per language.
_AFTER = {
    "en": re.compile(
        r"^[\"”»']?(?:\s*[(:]|\s*[—–]|\s+-\s|,\s+(?:which|that)\s+(?:means|is)\b|,\s+meaning\b|,\s+that\s+is\b"
        r"|,\s+or\s|,\s+(?:a|an|the)\s|\s+(?:is|are)\s+(?:a|an|the)\s|\s+means\s)",
        re.I,
    ),
    "es": re.compile(
        r"^[\"”»']?(?:\s*[(:]|\s*[—–]|\s+-\s|,\s+que\s+(?:significa|quiere\s+decir)\b|,\s+es\s+decir\b|,\s+o\s+sea\b|,\s+o\s"
        r"|,\s+(?:un|una|el|la|los|las)\s|\s+(?:es|son)\s+(?:un|una|unos|unas|el|la|los|las)\s|\s+significa\s)",
        re.I,
    ),
}
_BEFORE = {
    "en": re.compile(r"\b(?:called|known\s+as|named|call\s+(?:it|this|them))\s+(?:the\s+|an?\s+)?[\"“«']?$", re.I),
    "es": re.compile(
        r"\b(?:llamad[oa]s?|conocid[oa]s?\s+como|denominad[oa]s?|llaman?)\s+(?:el\s+|la\s+|los\s+|las\s+)?[\"“«']?$",
        re.I,
    ),
}


@functools.cache
def terms(language: str) -> tuple[Term, ...]:
    """The language's list; none for a language without one."""
    path = LISTS / f"{language}.yaml"
    if not path.is_file():
        return ()
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return tuple(
        Term(str(entry["term"]), tuple(str(form) for form in entry.get("forms", ())), str(entry["plain"]))
        for entry in entries
    )


def explained(paragraph: str, start: int, end: int, language: str) -> bool:
    """Whether the term at paragraph[start:end] is explained in its own sentence (see above)."""
    sentences = SENTENCE_END.split(paragraph)
    first = sentences[0] if sentences else ""
    if start < len(first) and len(first.split()) <= LABEL_WORDS and len(sentences) > 1:
        return True
    after, before = _AFTER.get(language), _BEFORE.get(language)
    if after is not None and after.match(paragraph[end:]):
        return True
    return before is not None and before.search(paragraph[:start]) is not None


def _covered_by_glossary(term: Term, glossary: tuple[GlossaryTerm, ...], text: str) -> bool:
    """A glossary name that holds the term and appears in the article: its first use links."""
    pattern = term.pattern
    for entry in glossary:
        for name in (entry.term, *entry.aliases):
            if pattern.search(name) and re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text, re.I):
                return True
    return False


def _line_of(article: Article, pattern: re.Pattern[str]) -> int:
    """The file line of the term's first use in running text (not front matter, headings or tables)."""
    source = article.source
    try:
        source.restore()
    except OSError:
        return source.body_line
    for index, line in enumerate((source.body or "").split("\n")):
        stripped = line.strip()
        if stripped.startswith(("#", "|", "![", "Table:", "Tabla:")):
            continue
        if pattern.search(line):
            return source.body_line + index
    return source.body_line


def jargon(
    article: Article, body: Markup, glossary: tuple[GlossaryTerm, ...], glossary_file: str, found: Findings
) -> None:
    """A finding for each listed term the article uses unexplained (see the module's docstring)."""
    listed = terms(article.language)
    if not listed or not body.prose:
        return
    text = "\n".join(body.prose)
    lowered = text.lower()
    # Most of the list's terms are not in an article at all: one substring test each says so
    # (3.8 ms an article with a regular expression per term and paragraph; 2,000 in a check).
    for term in (term for term in listed if any(name in lowered for name in term.lowered)):
        pattern = term.pattern
        first = next(((found_, paragraph) for paragraph in body.prose if (found_ := pattern.search(paragraph))), None)
        if first is None or _covered_by_glossary(term, glossary, text):
            continue
        match, paragraph = first
        if explained(paragraph, match.start(), match.end(), article.language):
            continue
        line = _line_of(article, pattern)
        found.add(
            "jargon",
            article.source.path,
            line,
            "jargon-term",
            f"“{match.group(0)}” may be a word readers do not know, and it is not explained where it is first used.",
            f"Say it in plain words: “{term.plain}”. Or explain it in the same sentence (in brackets, after a "
            f"dash, or with “which means”), or add it to {glossary_file} so it links to its definition.",
            excerpt=article.source.text_of_line(line),
        )
