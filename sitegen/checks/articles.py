"""The checks of one article's front matter and structure: review dates, takeaways,
references and citations, headings, and stand-in text left from `build.py new`.

Each reports into `Findings` at its check group's level (policy.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from sitegen.checks.findings import Findings, Rules
from sitegen.core.article import Article
from sitegen.markup import Markup

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")


def template_text(article: Article, body: Markup, found: Findings) -> None:
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


def review(article: Article, rules: Rules, today: date, found: Findings) -> None:
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
        )


def takeaways(article: Article, rules: Rules, found: Findings) -> None:
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


def references(article: Article, found: Findings) -> None:
    file, line_of = article.source.path, article.source.line_of
    if not article.references:
        found.add(
            "references",
            file,
            line_of("title"),
            "references-none",
            "The article cites no references.",
            "Add the sources the article is based on under `references:` (see README.md).",
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


def citations(article: Article, body: Markup, found: Findings) -> None:
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
        )


def headings(article: Article, body: Markup, found: Findings) -> None:
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
