"""The messages an editor meets for ordinary slips (issue 29, item 10): each names the
file and line and gives the fix that works, copied from what the command line prints."""

from __future__ import annotations

from sitekit import FIXTURE_SITE, copy_site, run_cli

FRONT = "---\ntitle: {title}\nsummary: S.\ndate: {date}\n---\n"


def test_a_utf16_file_is_told_to_be_saved_as_utf8(blank_site):
    for encoding in ("utf-16", "utf-16-le", "utf-32"):
        blank_site.article("a.md", FRONT.format(title="A", date="2026-01-10").encode(encoding))
        (found,) = [d for d in blank_site.check() if d.code == "file-encoding"]
        assert f"saved as {encoding[:6].upper()} text" in found.message
        assert "UTF-8" in found.hint and "retype" not in found.hint


def test_a_date_in_words_gets_the_date_it_means(blank_site):
    for written in ("6 December 2026", "December 6, 2026", "6 de diciembre de 2026"):
        blank_site.article("a.md", FRONT.format(title="A", date=written))
        (found,) = [d for d in blank_site.check() if d.code == "bad-date"]
        assert found.line == 4 and found.hint == "Write 2026-12-06 for 6 December 2026."


def test_a_link_without_md_suggests_the_article_file(blank_site):
    from sitegen.pipeline import check

    blank_site.article("mri-basics-in-ms.md", FRONT.format(title="Basics", date="2026-01-10") + "Text.\n")
    blank_site.article("a.md", FRONT.format(title="A", date="2026-01-10") + "See [basics](mri-basics-in-ms).\n")
    (found,) = [d for d in check(blank_site.config(), use_cache=False).diagnostics if d.code == "link-broken"]
    assert (found.file, found.line) == ("content/articles/a.md", 6)
    assert found.hint.startswith("Did you mean (mri-basics-in-ms.md)?")


def test_a_missing_section_quotes_its_line(blank_site):
    blank_site.article("b.md", FRONT.format(title="B", date="2026-01-10") + "## Part one\n\nText.\n")
    blank_site.article("a.md", FRONT.format(title="A", date="2026-01-10") + "Intro.\n\nSee [b](b.md#part-two).\n")
    (found,) = [d for d in blank_site.check() if d.code == "link-anchor"]
    assert found.line == 8 and found.excerpt == "See [b](b.md#part-two)."
    assert "See [b](b.md#part-two)." in found.format()


def test_new_names_a_person_by_key(blank_site):
    blank_site.write("content/people.yaml", "team:\n  name: Editorial team\n  clinician: false\n  organization: true\n")
    done = run_cli("new", "Spinal cord MRI", cwd=blank_site.root)
    assert done.returncode == 0, done.stderr
    text = (blank_site.content / "articles" / "spinal-cord-mri.md").read_text()
    assert "\nreviewer: team " in text and "\nauthor: team\n" in text


def test_a_failed_build_names_the_folder_it_left_alone(tmp_path):
    site = copy_site(FIXTURE_SITE, tmp_path / "site")
    article = next((site.content / "articles").glob("*.md"))
    article.write_text(article.read_text().replace("date:", "date: someday\nx_date:", 1))
    out = tmp_path / "elsewhere"
    done = run_cli("build", "--out", str(out), cwd=site.root)
    assert done.returncode == 1
    assert f"The previous site in {out}/ was left as it was." in done.stderr


def test_serve_help_says_where_the_preview_builds():
    done = run_cli("serve", "--help", cwd=FIXTURE_SITE)
    shown = " ".join(done.stdout.split())
    assert "default: .preview/site/ beside config.yaml, never public/" in shown


def test_a_translator_named_in_words_is_told_the_key_to_add(blank_site):
    blank_site.set_config(languages=["en", "es"])
    blank_site.article("a.md", FRONT.format(title="A", date="2026-01-10") + "Text.\n")
    blank_site.write(
        "content/es/articles/a.md",
        "---\ntitle: A en español\nsummary: S.\ndate: 2026-01-10\ntranslation_of: a.md\n"
        "translated_from_reviewed: 2026-01-10\ntranslated_by: Ana Ruíz\n---\nTexto.\n",
    )
    (found,) = [d for d in blank_site.check() if d.code == "person-unknown"]
    assert found.line == 7
    assert found.hint == (
        "Add the person to content/people.yaml under a key such as `ana-ruiz:` (with `name: Ana Ruíz` and "
        "`clinician: true` or `false` below it), then write `translated_by: ana-ruiz`."
    )
