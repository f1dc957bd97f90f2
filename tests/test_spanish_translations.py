"""Translations that track their original by content (issue 31): a digest of the original's
text recorded by a command, staleness on any change to that text, and the changes shown."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from test_serve import previewed_site, server  # noqa: F401  (the running preview)

from sitekit import FIXTURES, copy_site, line_of, soup
from sitekit import cli_here as run_cli

ES = "content/es/articles/lesiones.md"
EN = "content/articles/lesions.md"
OLD = "A lesion is a small area of damage. See"
NEW = "A lesion is a small area of damage or swelling. See"


@pytest.fixture
def site(tmp_path):
    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    done = run_cli("translations", "--done", ES, cwd=site.root)
    assert done.returncode == 0, done.stderr
    return site


def stale(site):
    from sitegen.pipeline import check

    return [d for d in check(site.config(), use_cache=False).diagnostics if d.code == "translation-stale"]


def revise_english(site):
    english = (site.root / EN).read_text(encoding="utf-8")
    assert OLD in english
    (site.root / EN).write_text(english.replace(OLD, NEW), encoding="utf-8")  # dates untouched


def test_done_records_the_digest_and_keeps_the_english_text(site):
    text = (site.root / ES).read_text(encoding="utf-8")
    digest = text.split("translated_from_text: ", 1)[1].split("\n", 1)[0].strip('"')
    assert len(digest) == 16 and int(digest, 16) >= 0
    assert "translated_from_reviewed: 2026-06-01" in text
    kept = (site.root / "content/es/originals/articles/lesions.txt").read_text(encoding="utf-8")
    assert "title: What a lesion is" in kept and OLD in kept
    listing = run_cli("translations", cwd=site.root).stdout
    assert f"current  es  {ES}  (from {EN})" in listing
    assert "missing  es  content/articles/scan-types.md has no translation" in listing
    assert not stale(site)


def test_a_change_to_the_english_text_alone_makes_the_translation_stale(site):
    revise_english(site)
    [finding] = stale(site)
    text = (site.root / ES).read_text(encoding="utf-8")
    assert (finding.file, finding.line) == (ES, line_of(text, "translated_from_text:"))
    assert finding.severity.name == "WARNING"
    english_line = line_of((site.root / EN).read_text(encoding="utf-8"), NEW)
    assert f"1 paragraph changed: changed at line {english_line}." in finding.message
    assert "now: A lesion is a small area of damage[+ or swelling.+]" not in finding.hint
    assert "now: A lesion is a small area of [+damage or swelling.+]" in finding.hint
    # The reader of the Spanish page is told too.
    built = site.build(write=False)
    assert soup(built.files["es/articles/lesiones/index.html"]).select_one(".translation-outdated")
    listing = run_cli("translations", cwd=site.root).stdout
    assert f"stale    es  {ES}  (from {EN})" in listing
    assert f"changed at {EN}:{english_line}:" in listing
    assert "was: A lesion is a small area of [-damage.-]" in listing
    # Brought up to date: current again, nothing reported, the notice gone.
    assert run_cli("translations", "--done", ES, cwd=site.root).returncode == 0
    assert not stale(site)
    assert "current  es" in run_cli("translations", ES, cwd=site.root).stdout


def test_a_new_review_date_with_the_same_text_is_not_stale(site):
    english = (site.root / EN).read_text(encoding="utf-8")
    (site.root / EN).write_text(english.replace("reviewed: 2026-06-01", "reviewed: 2026-09-01"), encoding="utf-8")
    assert not stale(site)


def test_stale_error_still_makes_it_an_error(site):
    site.set_config(translations={"stale": "error"})
    revise_english(site)
    [finding] = stale(site)
    assert finding.severity.name == "ERROR"


def test_without_the_kept_copy_the_old_text_comes_from_git(site):
    if not shutil.which("git"):
        pytest.skip("no git on this machine")

    def git(*args):
        subprocess.run(["git", *args], cwd=site.root, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-qm", "first")
    (site.root / "content/es/originals/articles/lesions.txt").unlink()
    revise_english(site)
    listing = run_cli("translations", cwd=site.root).stdout
    assert "earlier text from git commit" in listing
    assert "was: A lesion is a small area of [-damage.-]" in listing
    [finding] = stale(site)
    assert "1 paragraph changed" in finding.message


def test_a_digest_written_by_hand_is_reported(site):
    text = (site.root / ES).read_text(encoding="utf-8")
    digest = text.split("translated_from_text: ", 1)[1].split("\n", 1)[0]
    (site.root / ES).write_text(text.replace(digest, "2026-06-01"), encoding="utf-8")
    from sitegen.pipeline import check

    [problem] = [d for d in check(site.config(), use_cache=False).diagnostics if d.code == "translation-digest"]
    assert problem.file == ES and "translations --done" in problem.hint


def test_new_translate_starts_a_translation(tmp_path):
    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    made = run_cli("new", "--translate", "content/articles/scan-types.md", "Tipos de resonancia", cwd=site.root)
    assert made.returncode == 0, made.stderr
    path = site.root / "content/es/articles/tipos-de-resonancia.md"
    text = path.read_text(encoding="utf-8")
    english = (site.root / "content/articles/scan-types.md").read_text(encoding="utf-8")
    assert 'title: "Tipos de resonancia"' in text and "draft: true" in text
    assert "translation_of: scan-types.md" in text and "translated_by: editorial-team" in text
    assert "translation_clinical_review: false" in text and "translated_from_text: " in text
    assert text.split("\n---\n", 1)[1] == english.split("\n---\n", 1)[1]  # the body, to translate in place
    assert (site.root / "content/es/originals/articles/scan-types.txt").is_file()
    listing = run_cli("translations", cwd=site.root).stdout
    assert "current  es  content/es/articles/tipos-de-resonancia.md" in listing
    again = run_cli("new", "--translate", "content/articles/scan-types.md", "Tipos de resonancia", cwd=site.root)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_the_translation_fields_come_in_their_usual_order(tmp_path):
    site = copy_site(FIXTURES / "bilingual", tmp_path / "site")
    assert run_cli("new", "--translate", "content/articles/scan-types.md", "Tipos", cwd=site.root).returncode == 0
    lines = (site.root / "content/es/articles/tipos.md").read_text(encoding="utf-8").split("\n")
    keys = [line.split(":", 1)[0] for line in lines[1:12]]
    start = keys.index("reviewed")
    assert keys[start : start + 7] == [
        "reviewed",
        "draft",
        "translation_of",
        "translated_from_reviewed",
        "translated_by",
        "translation_clinical_review",
        "translated_from_text",
    ]


def test_the_preview_panel_of_the_translation_shows_what_changed(server):  # noqa: F811
    """Saving a change to the English text shows, on the Spanish page being previewed, that the
    translation is stale and what changed."""
    from test_serve import ARTICLE, generation, get, rebuilt_since

    site, base, _ = server
    spanish = "content/es/articles/que-muestra-la-resonancia-en-la-em.md"
    page = "es/articles/que-muestra-la-resonancia-en-la-em/"
    before = generation(base)
    assert run_cli("translations", "--done", spanish, cwd=site).returncode == 0
    rebuilt_since(base, before)
    assert soup(get(base + page)[1].encode()).select_one("#preview-findings") is None
    english = (site / ARTICLE).read_text(encoding="utf-8")
    old = "It does not use X-rays."
    assert old in english
    before = generation(base)
    (site / ARTICLE).write_text(english.replace(old, "It does not use X-rays or other radiation."), encoding="utf-8")
    rebuilt_since(base, before)
    panel = soup(get(base + page)[1].encode()).select_one("#preview-findings").get_text(" ", strip=True)
    assert "has changed since this translation was made from it" in panel
    assert "[+X-rays or other radiation.+]" in panel


def test_translation_of_is_a_file_name_never_a_path_out_of_the_project(site, tmp_path):
    """`translation_of: ../../../x.md` was accepted: `translations --done` read that file and
    wrote its text to content/es/originals/articles/../../../x.txt, outside the project."""
    outside = site.root.parent / "outside.md"
    outside.write_text("---\ntitle: Secret\n---\nsitegen-secret-text\n", encoding="utf-8")
    es = site.root / ES
    text = es.read_text(encoding="utf-8")
    old = text.split("translation_of: ", 1)[1].split("\n", 1)[0]
    es.write_text(text.replace(f"translation_of: {old}", "translation_of: ../../../outside.md"), encoding="utf-8")
    done = run_cli("translations", "--done", ES, cwd=site.root)
    assert done.returncode != 0 and "does not name a file" in done.stdout + done.stderr
    assert not list(site.root.parent.rglob("outside.txt"))
    assert "sitegen-secret-text" not in (site.root / ES).read_text(encoding="utf-8")
    checked = run_cli("check", cwd=site.root)
    assert checked.returncode == 1 and "[translation-of-file]" in checked.stdout + checked.stderr
    assert "with no folder or `..` in it" in checked.stdout + checked.stderr
