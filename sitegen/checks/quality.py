"""Health-information quality checks over the assembled Site: findings are Diagnostics.

Runs on the values the build already made (front matter and the one Markdown
pass's side outputs: headings, links, images, prose); it renders no templates.
It reads a source file only to find the line of a finding in a body the build did
not need to load (`Source.line_of_text`). `today` is an argument so results are
reproducible.
Each check group's level (off/warning/error) and thresholds come from
config.yaml `checks:`; DEFAULTS below are the shipped policy.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from urllib.parse import urlsplit

from sitegen.build.reading import FORMULAS
from sitegen.checks.findings import Findings, Rules
from sitegen.checks.jargon import jargon
from sitegen.checks.links import known_urls, links_and_images
from sitegen.checks.site import glossary_terms, moved_articles, start_here
from sitegen.content.site import Site
from sitegen.core.article import Article
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic, did_you_mean
from sitegen.core.guides import problems as guide_problems
from sitegen.markup import Markup

# One check group's settings: its level (a str) and its thresholds (numbers). Any: they come
# from config.yaml's `checks:`, which `settings` checks (a level in LEVELS, numbers elsewhere).

DEFAULTS: dict[str, Rules] = {
    # overdue: "warning" (the default) keeps an overdue article published, with a line telling
    # readers it is due for review, and never holds up other articles' corrections; "error"
    # stops publishing until it is reviewed. review-future and the like stay errors.
    "review": {"level": "error", "warn_days": 60, "overdue": "warning"},
    # Per language other than English (a section named by its code): a formula made for that
    # language and its threshold, e.g. `es: {formula: szigriszt_pazos, min_score: 55}`.
    # max_sentence_grade: one sentence this hard is named even when the article's average
    # passes (the site's own articles peak at grade 13 on a single short sentence).
    "readability": {"level": "warning", "max_grade": 8.0, "min_words": 100, "max_sentence_grade": 16.0, "es": {}},
    "links": {"level": "error"},
    "images": {"level": "error"},
    "references": {"level": "error"},
    "disclaimer": {"level": "error"},
    "takeaways": {"level": "error", "min_items": 1, "max_items": 6, "max_chars": 200, "max_summary_chars": 300},
    "headings": {"level": "error"},
    "glossary": {"level": "error"},
    "template": {"level": "error"},
    # Words a patient may not know (sitegen/jargon/<language>.yaml), used unexplained: check_jargon.py.
    "jargon": {"level": "warning"},
}
LEVELS = ("off", "warning", "error")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


# The readability formulas for a language (textstat's names): higher scores read more easily.
LANGUAGE_FORMULAS = tuple(FORMULAS)
LANGUAGE_FORMULAS_FOR = ("es",)


def _language_readability(value: object) -> str:
    """What is wrong with a language's readability section, or ""."""
    if not isinstance(value, dict):
        return "must be a section, e.g. `{formula: szigriszt_pazos, min_score: 55}`."
    if value.get("formula") not in LANGUAGE_FORMULAS:
        return f"formula must be one of {', '.join(LANGUAGE_FORMULAS)}."
    if not isinstance(value.get("min_score"), (int, float)):
        return "min_score must be a number."
    if not isinstance(value.get("min_sentence_score", 0), (int, float)):
        return "min_sentence_score must be a number."
    return ""


def settings(config: Config) -> tuple[dict[str, Rules], list[Diagnostic]]:
    """DEFAULTS overlaid with config.yaml's `checks:`; unknown names are reported."""
    merged = {name: dict(values) for name, values in DEFAULTS.items()}
    problems: list[Diagnostic] = []
    shown = config.path.name
    for name, given in dict(config.checks).items():
        if name not in DEFAULTS:
            problems.append(
                Diagnostic(
                    shown, None, "config-unknown-key", f"Unknown check 'checks.{name}'.", did_you_mean(name, DEFAULTS)
                )
            )
            continue
        if isinstance(given, bool):  # YAML 1.1 reads a bare `off` as false
            given = "off" if not given else "error"
        if isinstance(given, str):
            given = {"level": given}
        if not isinstance(given, dict):
            problems.append(
                Diagnostic(
                    shown,
                    None,
                    "config-type",
                    f"'checks.{name}' must be a level or a section.",
                    f"For example: `{name}: {{level: warning}}`.",
                )
            )
            continue
        for key, value in given.items():
            if key not in DEFAULTS[name]:
                problems.append(
                    Diagnostic(
                        shown,
                        None,
                        "config-unknown-key",
                        f"Unknown setting 'checks.{name}.{key}'.",
                        did_you_mean(key, DEFAULTS[name]),
                    )
                )
            elif key in ("level", "overdue") and (value := "off" if value is False else value) not in LEVELS:
                problems.append(
                    Diagnostic(
                        shown, None, "config-value", f"checks.{name}.{key} is {value!r}.", "Use off, warning or error."
                    )
                )
            elif name == "readability" and key in LANGUAGE_FORMULAS_FOR:
                problem = _language_readability(value)
                if problem:
                    problems.append(Diagnostic(shown, None, "config-value", f"checks.readability.{key}: {problem}", ""))
                else:
                    merged[name][key] = dict(value)
            elif key not in ("level", "overdue") and not isinstance(value, (int, float)):
                problems.append(Diagnostic(shown, None, "config-type", f"checks.{name}.{key} must be a number.", ""))
            else:
                merged[name][key] = value
    return merged, problems


def run_checks(
    site: Site,
    bodies: Mapping[str, Markup],
    page_bodies: Mapping[str, Markup],
    static_files: frozenset[str] = frozenset(),
    today: date | None = None,
    only: Collection[str] | None = None,
) -> list[Diagnostic]:
    """Every finding for the site. `bodies`/`page_bodies`: slug -> the Markdown pass's Markup
    (of every article: links are checked against all their headings). `only`: the slugs
    of the articles to check (the preview's, after a save), if not all."""
    policy, problems = settings(site.config)
    today = today or date.today()
    found = Findings(policy)
    if not site.config.disclaimer.strip():
        found.add(
            "disclaimer",
            site.config.path.name,
            None,
            "disclaimer-missing",
            "No site-wide medical disclaimer is configured.",
            "Set `disclaimer:` in config.yaml; it is shown on every article page.",
        )
    start_here(site, found)
    if site.config.publisher and site.config.publisher not in site.config.people and not site.prefix:
        found.add(
            "links",
            site.config.path.name,
            site.config.publisher_line,
            "publisher-unknown",
            f"publisher names '{site.config.publisher}', which is not a key of content/people.yaml; "
            "no page names a publisher.",
            did_you_mean(site.config.publisher, site.config.people, "people")
            if site.config.people
            else "Add the team or body that publishes the site to content/people.yaml.",
        )
    for problem in guide_problems(site.config.guides, site.language, site.articles, site.unpublished):
        found.add("links", problem.file, problem.line, problem.code, problem.message, problem.hint)
    moved_articles(site, found)
    urls = known_urls(site, bodies, page_bodies, static_files)
    from sitegen.core.sources import display_path

    glossary_file = display_path(site.config.content_dir / site.prefix / "glossary.yaml", site.config.root)
    for article in site.articles:
        if only is not None and article.slug not in only:
            continue
        _review(article, policy["review"], today, found)
        _takeaways(article, policy["takeaways"], found)
        _references(article, found)
        _citations(article, bodies[article.slug], found)
        _headings(article, bodies[article.slug], found)
        _template_text(article, bodies[article.slug], found)
        links_and_images(article, article.url, bodies[article.slug], site, urls, found)
        if policy["jargon"]["level"] != "off":
            jargon(article, bodies[article.slug], site.glossary, glossary_file, found)
        if policy["readability"]["level"] != "off":
            if article.language == "en":
                _readability(article, bodies[article.slug], policy["readability"], found)
            elif policy["readability"].get(article.language):
                _language_readability_check(article, bodies[article.slug], policy["readability"], found)
    for page in site.pages:
        links_and_images(page, page.url, page_bodies[page.slug], site, urls, found)
    glossary_terms(site, found)
    from sitegen.content.validate import reviewer_policy

    return problems + found.items + reviewer_policy(site.articles, site.config)


def _template_text(article: Article, body: Markup, found: Findings) -> None:
    """Stand-in text that `new` wrote and the editor has not replaced yet."""
    from sitegen.content import scaffold

    file, source = article.source.path, article.source
    message = "This is still the stand-in text that `build.py new` wrote: "
    if article.summary == scaffold.SUMMARY:
        found.add(
            "template",
            file,
            source.line_of("summary"),
            "template-text",
            message + "the summary.",
            "Write one or two plain sentences saying what the reader will learn.",
        )
    for text in scaffold.PLACEHOLDER_TEXT:
        needle = text.split("`", 1)[0].strip()  # prose has no backticks; the source line has them
        if any(needle in paragraph for paragraph in body.prose or ()):
            found.add(
                "template",
                file,
                source.line_of_text(needle),
                "template-text",
                message + f"“{needle}”",
                "Replace it with the article's own text, or delete it.",
            )
    for heading in body.headings:
        if heading.text in scaffold.PLACEHOLDER_HEADINGS:
            found.add(
                "template",
                file,
                source.line_of_text(f"## {heading.text}"),
                "template-text",
                message + f"the heading “{heading.text}”.",
                "Give the section a heading that says what it is about.",
            )


def _review(article: Article, rules: Rules, today: date, found: Findings) -> None:
    file, line_of = article.source.path, article.source.line_of
    if article.reviewed is None:
        found.add(
            "review",
            file,
            line_of("date"),
            "review-missing",
            "The article has no `reviewed:` date.",
            "Add `reviewed: YYYY-MM-DD`, the date of its last medical review.",
        )
        return
    if article.reviewed > today:
        found.add(
            "review",
            file,
            line_of("reviewed"),
            "review-future",
            f"`reviewed` is {article.reviewed}, which is in the future.",
            "Use the date the review actually happened.",
        )
    if article.reviewed < article.published:
        found.add(
            "review",
            file,
            line_of("reviewed"),
            "review-before-published",
            f"`reviewed` ({article.reviewed}) is before `date` ({article.published}).",
            "A review can only happen after first publication: check both dates.",
        )
    due = article.next_review
    line = line_of("next_review") if ("next_review",) in dict(article.source.lines) else line_of("reviewed")
    if due and due < today and rules["overdue"] != "off":
        blocks = rules["overdue"] == "error"
        found.add(
            "review",
            file,
            line,
            "review-overdue",
            f"The medical review was due on {due} ({(today - due).days} days ago). "
            + (
                "Publishing stops until it is reviewed (checks.review.overdue: error)."
                if blocks
                else "It stays published, with a line telling readers it is due for review."
            ),
            "Have the article reviewed, then update `reviewed:` (and `next_review:` if set).",
            warning=not blocks,
        )
    elif due and due <= today + timedelta(days=int(rules["warn_days"])):
        found.add(
            "review",
            file,
            line,
            "review-due-soon",
            f"The next medical review is due on {due}.",
            "Plan the review now so the article does not become overdue.",
            warning=True,
        )


def _takeaways(article: Article, rules: Rules, found: Findings) -> None:
    file, line_of = article.source.path, article.source.line_of
    count = len(article.takeaways)
    if not rules["min_items"] <= count <= rules["max_items"]:
        found.add(
            "takeaways",
            file,
            line_of("takeaways") if count else line_of("title"),
            "takeaways-count",
            f"The article has {count} key takeaways.",
            f"Give {rules['min_items']} to {rules['max_items']} short takeaways under `takeaways:`.",
        )
    for index, text in enumerate(article.takeaways):
        if len(text) > rules["max_chars"]:
            found.add(
                "takeaways",
                file,
                line_of("takeaways", index),
                "takeaway-long",
                f"Takeaway {index + 1} is {len(text)} characters long.",
                f"Keep each takeaway under {rules['max_chars']} characters: one short sentence.",
            )
    if len(article.summary) > rules["max_summary_chars"]:
        found.add(
            "takeaways",
            file,
            line_of("summary"),
            "summary-long",
            f"The summary is {len(article.summary)} characters long.",
            f"Keep it under {rules['max_summary_chars']} characters: it is shown in search results and cards.",
        )


def _references(article: Article, found: Findings) -> None:
    file, line_of = article.source.path, article.source.line_of
    if not article.references:
        found.add(
            "references",
            file,
            line_of("title"),
            "references-none",
            "The article cites no references.",
            "Add the sources the article is based on under `references:` (see README.md).",
            warning=True,
        )
    for index, ref in enumerate(article.references):
        if not (ref.doi or ref.pmid or ref.url):
            found.add(
                "references",
                file,
                ref.line,
                "reference-unverifiable",
                f"Reference {index + 1} has no doi, pmid or url.",
                "Add one, copied from the paper's own record, so readers can find it.",
            )
        if ref.doi and not DOI.match(ref.doi):
            found.add(
                "references",
                file,
                line_of("references", index, "doi"),
                "reference-doi",
                f"The DOI {ref.doi!r} is not well-formed.",
                "A DOI looks like 10.1038/nrn3275 (no https://doi.org/ prefix).",
            )
        if ref.pmid and not PMID.match(ref.pmid):
            found.add(
                "references",
                file,
                line_of("references", index, "pmid"),
                "reference-pmid",
                f"The PMID {ref.pmid!r} is not well-formed.",
                'A PMID is a number of up to 9 digits, e.g. "39444702".',
            )
        if ref.url and urlsplit(ref.url).scheme not in ("http", "https"):
            found.add(
                "references",
                file,
                line_of("references", index, "url"),
                "reference-url",
                f"The reference URL {ref.url!r} is not a web address.",
                "Use a full https:// address.",
            )


def _citations(article: Article, body: Markup, found: Findings) -> None:
    """Every reference is cited where the text relies on it (`[@key]`, markup/citations.py);
    a citation naming no reference is reported by the Markdown pass (`citation-unknown`)."""
    if not article.references:
        return
    file, cited = article.source.path, set(body.citations)
    if not cited:
        example = next((ref.cite_key for ref in article.references if ref.cite_key), "")
        found.add(
            "references",
            file,
            article.source.line_of("references"),
            "citations-none",
            "The article lists references but its text cites none of them, so a reader cannot tell "
            "which claim rests on which source.",
            f"After each claim, cite the reference that supports it, e.g. [@{example or 'key'}]"
            + ("." if example else ", giving the reference a `key:`."),
            warning=True,
        )
        return
    for index, ref in enumerate(article.references):
        if ref.cite_key in cited:
            continue
        found.add(
            "references",
            file,
            ref.line,
            "reference-uncited",
            f"Reference {index + 1} ({ref.title[:60]}{'…' if len(ref.title) > 60 else ''}) is never cited in the text.",
            (
                f"Cite it as [@{ref.cite_key}] after the claims it supports, or remove it if nothing relies on it."
                if ref.cite_key
                else "Give it a `key:` (it has no authors and year to make one from), cite it as [@key] "
                "after the claims it supports, or remove it."
            ),
            warning=True,
        )


def _headings(article: Article, body: Markup, found: Findings) -> None:
    file = article.source.path
    previous = 1  # the page title is the h1
    for heading in body.headings:
        if heading.level == 1:
            found.add(
                "headings",
                file,
                article.source.line_of_text("# " + heading.text[:20]),
                "heading-h1",
                f"The heading '{heading.text}' is a second top-level heading; the title is the page's only one.",
                "Start sections with `##`.",
            )
        elif heading.level > previous + 1:
            found.add(
                "headings",
                file,
                article.source.line_of_text("#" * heading.level + " " + heading.text[:20]),
                "heading-skip",
                f"The heading '{heading.text}' jumps from level {previous} to level {heading.level}.",
                f"Use {'#' * (previous + 1)} here, so screen-reader users can follow the outline.",
            )
        previous = heading.level


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


def _language_readability_check(article: Article, body: Markup, rules: Rules, found: Findings) -> None:
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


def _readability(article: Article, body: Markup, rules: Rules, found: Findings) -> None:
    from sitegen.build.reading import textstats

    # The build loads the prose of the articles it checks (Builder's checks step, pipeline.py).
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
