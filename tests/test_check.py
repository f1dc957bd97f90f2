"""`build.py check` and `build --strict`: one fixture article per finding kind."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sitegen.core.config import load_config
from sitegen.core.errors import Severity
from sitegen.pipeline import check

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "check"
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def findings():
    config, problems = load_config(FIXTURE / "config.yaml")
    assert not problems
    return check(config, today=TODAY, use_cache=False).diagnostics  # nothing written into the repository


def line_of(file: str, needle: str) -> int:
    for number, line in enumerate((FIXTURE / "content" / "articles" / file).read_text().split("\n"), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {file}")


# (article, expected code, text on the line the finding must point to, severity)
CASES = [
    ("review-missing", "review-missing", "date:", "error"),
    ("review-overdue", "review-overdue", "next_review:", "warning"),
    ("review-due-soon", "review-due-soon", "next_review:", "warning"),
    ("review-future", "review-future", "reviewed:", "error"),
    ("review-before-published", "review-before-published", "reviewed:", "error"),
    ("readability-grade", "readability-grade", "## Background", "warning"),
    ("link-broken", "link-broken", "no-such-article", "error"),
    ("link-anchor", "link-anchor", "no-such-part", "error"),
    ("link-unsafe", "link-unsafe", "javascript:", "error"),
    ("link-malformed", "link-malformed", "https://)", "error"),
    ("image-alt-missing", "image-alt-missing", "![](", "error"),
    ("image-alt-filename", "image-alt-filename", "![favicon.svg]", "error"),
    ("image-missing", "image-missing", "no-such-image", "error"),
    ("reference-unverifiable", "reference-unverifiable", "- title:", "error"),
    ("reference-doi", "reference-doi", "doi:", "error"),
    ("reference-pmid", "reference-pmid", "pmid:", "error"),
    ("references-none", "references-none", "title:", "warning"),
    ("takeaways-count", "takeaways-count", "takeaways:", "error"),
    ("takeaway-long", "takeaway-long", "This takeaway", "error"),
    ("summary-long", "summary-long", "summary:", "error"),
    ("heading-h1", "heading-h1", "# A second title", "error"),
    ("heading-skip", "heading-skip", "#### Too deep", "error"),
]


@pytest.mark.parametrize("article, code, needle, severity", CASES, ids=[c[1] for c in CASES])
def test_each_finding_kind(findings, article, code, needle, severity):
    file = f"content/articles/{article}.md"
    matches = [d for d in findings if d.code == code and d.file.endswith(file)]
    assert matches, f"no {code} for {file}; got {[(d.file, d.code) for d in findings if d.file.endswith(file)]}"
    assert matches[0].line == line_of(f"{article}.md", needle)
    assert matches[0].severity is Severity(severity)
    assert matches[0].hint


def test_the_good_article_has_no_findings(findings):
    assert [d.format() for d in findings if d.file.endswith("articles/good.md")] == []


def test_each_fixture_triggers_only_its_own_kind(findings):
    """A finding of another kind in a fixture would mean a check fires where it should not."""
    for article, code, _, _ in CASES:
        file = f"content/articles/{article}.md"
        others = {d.code for d in findings if d.file.endswith(file)} - {code}
        if code == "link-anchor":
            others.discard("link-broken")
        if code == "readability-grade":
            others.discard("jargon-term")  # its hard sentences are full of jargon, on purpose
        assert not others, f"{file} also triggered {others}"


def test_readability_names_the_hardest_sentences_with_lines(findings):
    finding = next(d for d in findings if d.code == "readability-grade")
    assert "Hardest sentences: line" in finding.message
    assert finding.message.count("line ") >= 3


def test_glossary_see_also_must_be_defined(findings):
    finding = next(d for d in findings if d.code == "glossary-see-also")
    assert "no such term" in finding.message and finding.file.endswith("glossary.yaml")


def check_variant(tmp_path, config_text: str):
    """Check the fixture's content under a changed config, written outside the repository."""
    config_text = config_text.replace("../../../", str(REPO) + "/")
    path = tmp_path / "config.yaml"
    path.write_text(config_text)
    config, problems = load_config(path, content=FIXTURE / "content")
    assert config is not None, [d.format() for d in problems]
    return check(config, today=TODAY, use_cache=False).diagnostics


def test_missing_disclaimer_is_an_error(tmp_path):
    text = (
        (FIXTURE / "config.yaml")
        .read_text()
        .replace("disclaimer: Test disclaimer for the check fixture.", "disclaimer: ''")
    )
    assert any(d.code == "disclaimer-missing" and d.is_error for d in check_variant(tmp_path, text))


def test_levels_are_configurable(tmp_path):
    text = (FIXTURE / "config.yaml").read_text() + "checks:\n  review: off\n  headings: {level: warning}\n"
    findings = check_variant(tmp_path, text)
    assert not any(d.code.startswith("review-") for d in findings)
    heading = [d for d in findings if d.code.startswith("heading-")]
    assert heading and all(d.severity is Severity.WARNING for d in heading)


def run_cli(*args):
    # --no-cache: the fixture lives in the repository, and a test must not leave a .cache/ there.
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), *args, "--no-cache"], capture_output=True, text=True, cwd=FIXTURE
    )


def test_check_exit_codes_and_formats():
    text = run_cli("check")
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert "review-overdue" in text.stderr and "fix:" in text.stderr
    as_json = run_cli("check", "--format", "json")
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert {"file", "line", "column", "code", "severity", "message", "hint"} <= rows[0].keys()
    assert any(r["code"] == "link-unsafe" for r in rows)
    github = run_cli("check", "--format", "github")
    annotations = github.stdout.splitlines()
    assert annotations and all(a.startswith(("::error file=", "::warning file=")) for a in annotations)
    assert any("file=content/articles/link-broken.md,line=" in a for a in annotations)


def test_strict_build_fails_and_writes_nothing(tmp_path):
    from sitekit import cli_here

    out = tmp_path / "public"
    result = cli_here("build", "--strict", "--out", str(out), "--no-cache", cwd=FIXTURE)
    assert result.returncode == 1
    assert not out.exists()


def test_warnings_alone_pass_unless_strict(tmp_path):
    """Only review-due-soon (a warning) in a site: exit 0, and 1 with --strict."""
    site = tmp_path / "site"
    (site / "content" / "articles").mkdir(parents=True)
    (site / "config.yaml").write_text((FIXTURE / "config.yaml").read_text().replace("../../../", str(REPO) + "/"))
    text = (FIXTURE / "content" / "articles" / "good.md").read_text().split("\n## Third part")[0]
    soon = date.today().replace(day=1).isoformat()
    text = text.replace("reviewer:", f"next_review: {date.fromordinal(date.today().toordinal() + 20)}\nreviewer:")
    del soon
    (site / "content" / "articles" / "good.md").write_text(text)
    from sitekit import cli_here

    plain, strict = cli_here("check", cwd=site), cli_here("check", "--strict", cwd=site)
    assert "review-due-soon" in plain.stderr
    assert plain.returncode == 0 and strict.returncode == 1


def test_real_content_passes_check_with_no_findings():
    config, _ = load_config(REPO / "config.yaml")
    result = check(config, use_cache=False)  # leave the repository's .cache/ alone
    assert [d.format() for d in result.diagnostics] == []


def clean_article(title: str, extra: str = "") -> str:
    today = date.today().isoformat()
    return (
        f"---\ntitle: {title}\nsummary: What the scan shows.\ndate: {today}\nreviewed: {today}\n"
        f"reviewer: Editorial team\ntakeaways:\n  - A scan shows the brain.\n"
        f"references:\n  - title: A paper\n    doi: 10.1000/xyz123\n    key: paper\n{extra}---\nA short text [@paper].\n"
    )


def test_check_says_what_it_checked_and_which_drafts_it_left_out(blank_site):
    from sitekit import cli_here as run

    blank_site.article("published.md", clean_article("Published"))
    result = run("check", cwd=blank_site.root)
    assert result.returncode == 0, result.stderr
    # Not "0 errors and 0 warnings in 0 files", which read as if nothing had been looked at.
    assert result.stderr.strip().splitlines()[-1] == "check: 0 errors and 0 warnings; 1 article and 0 pages checked."
    blank_site.article(
        "draft.md",
        clean_article("Draft", "draft: true\n").replace(
            "  - A scan shows the brain.\n", "  - " + "Very long. " * 30 + "\n"
        ),
    )
    skipped = run("check", cwd=blank_site.root)
    assert skipped.returncode == 0 and "takeaway-long" not in skipped.stderr
    assert skipped.stderr.strip().splitlines()[-1] == (
        "check: 0 errors and 0 warnings; 1 article and 0 pages checked; 1 draft not checked (add --drafts to check it)."
    )
    drafts = run("check", "--drafts", cwd=blank_site.root)
    assert drafts.returncode == 1
    assert "content/articles/draft.md:8: error:" in drafts.stderr and "[takeaway-long]" in drafts.stderr
    assert drafts.stderr.strip().splitlines()[-1] == (
        "check: 1 error and 0 warnings in 1 file; 2 articles and 0 pages checked, drafts included."
    )


def test_text_left_from_the_new_template_is_a_finding(blank_site):
    from sitekit import cli_here as run
    from sitekit import line_of as line_in

    assert run("new", "Spinal cord MRI", cwd=blank_site.root).returncode == 0
    path = blank_site.content / "articles" / "spinal-cord-mri.md"
    text = path.read_text()
    result = run("check", "--drafts", cwd=blank_site.root)
    assert result.returncode == 1
    found = [line.split(": error: ", 1) for line in result.stderr.splitlines() if "[template-text]" in line]
    where = {int(place.rsplit(":", 1)[1]): message for place, message in found}
    expected = [
        "summary: One or two plain sentences",
        "A short opening paragraph",
        "## First section",
        "Write in short sentences",
        "The one thing a reader should remember",
        "## Second section",
        "Link to other articles by their file name",
    ]
    assert sorted(where) == sorted(line_in(text, needle) for needle in expected), result.stderr
    assert "stand-in text that `build.py new` wrote" in where[line_in(text, "## First section")]
    # Replaced, the findings go.
    for needle, own in [
        (
            "One or two plain sentences saying what the reader will learn (under 300 characters).",
            "How MRI shows the spinal cord.",
        ),
        ("A short opening paragraph: what this article is about and who it is for.", "MRI shows it."),
        ("## First section", "## What it shows"),
        ("## Second section", "## After the scan"),
        ("Write in short sentences and everyday words. Explain each medical word the first time.", "Text."),
        ("The one thing a reader should remember.", "It shows lesions."),
        (
            "Link to other articles by their file name, like this: `[what an MRI shows](mri-basics-in-ms.md)`.",
            "More text.",
        ),
    ]:
        assert needle in text
        text = text.replace(needle, own)
    path.write_text(text)
    assert "[template-text]" not in run("check", "--drafts", cwd=blank_site.root).stderr


def test_an_overdue_review_never_holds_up_the_other_articles(tmp_path):
    """Issue 29.8: CI runs build --strict, and one overdue article stopped every correction.
    By default it stays published with a line for readers and a warning for editors;
    `checks.review.overdue: error` makes it stop publishing."""
    from sitekit import cli_here as run_cli
    from sitekit import new_site, snapshot, soup

    site = new_site(tmp_path / "site")
    head = (
        "---\ntitle: {}\nsummary: S\ndate: 2019-01-01\nreviewed: 2019-01-01\nnext_review: {}\n"
        "takeaways: [Scans help.]\nreferences:\n  - title: A paper\n    doi: 10.1000/xyz123\n---\nText.\n"
    )
    site.article("old.md", head.format("Old", "2020-01-01"))
    site.article("fixed.md", head.format("Fixed", "2999-01-01"))
    done = run_cli("build", "--strict", cwd=site.root)
    assert done.returncode == 0, done.stderr
    assert "content/articles/old.md:6: warning: The medical review was due on 2020-01-01" in done.stderr
    assert "[review-overdue]" in done.stderr
    notice = soup(site.public / "articles/old/index.html").select_one(".review-overdue")
    assert notice is not None and "due for a medical review" in notice.get_text()
    assert soup(site.public / "articles/fixed/index.html").select_one(".review-overdue") is None
    github = run_cli("check", "--format", "github", cwd=site.root)
    assert "::warning file=content/articles/old.md,line=6" in github.stdout
    site.set_config(checks={"review": {"overdue": "error"}})
    before = snapshot(site.public)
    done = run_cli("build", "--strict", cwd=site.root)
    assert done.returncode == 1 and "content/articles/old.md:6: error:" in done.stderr
    assert snapshot(site.public) == before


def test_one_very_hard_sentence_is_named_when_the_average_reads_easily(blank_site):
    """Issue 29.6: the article's average stayed under grade 8, so the sentence was not named."""
    easy = "MRI takes pictures of the brain. It does not hurt. The scan is loud. " * 12
    hard = (
        "Clinicians commonly characterise hyperintense periventricular abnormalities utilising "
        "sophisticated multiparametric neuroimaging methodologies."
    )
    head = "---\ntitle: A\nsummary: S\ndate: 2026-01-10\n---\n"
    blank_site.article("a.md", head + easy + "\n\n" + hard + "\n\n" + easy + "\n")
    found = [d for d in check(blank_site.config(), use_cache=False).diagnostics if d.code.startswith("readability")]
    assert [(d.code, d.line) for d in found] == [("readability-sentence", 8)]
    assert "Clinicians commonly" in found[0].message and found[0].excerpt.startswith("Clinicians")
    blank_site.article("a.md", head + easy + "\n")
    assert not [d for d in check(blank_site.config(), use_cache=False).diagnostics if d.code.startswith("readab")]
