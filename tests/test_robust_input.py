"""Broken and hostile input (issue 7): every case ends in a Diagnostic naming the file, never a traceback."""

from __future__ import annotations

import json

import pytest

from sitekit import run_cli, soup

FRONT = "---\ntitle: MRI basics\nsummary: What an MRI scan is.\ndate: 2026-01-10\n---\n"
LAUGHS = "".join(
    [FRONT[:-4], 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"{x}: &{x} [{', '.join([f'*{p}'] * 9)}]\n" for p, x in zip("abcdefg", "bcdefgh", strict=True)]
    + ["i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n---\n"]
)

# name -> (file bytes, expected code, expected line or None when the file as a whole is meant)
BROKEN = {
    "yaml-syntax": (b"---\ntitle: MRI: the basics\nsummary: S\ndate: 2026-01-10\n---\n", "yaml-syntax", 2),
    "tab-indent": (b"---\ntitle: A\n\tsummary: S\ndate: 2026-01-10\n---\n", "yaml-syntax", 3),
    "duplicate-key": (b"---\ntitle: A\nsummary: S\ntitle: B\ndate: 2026-01-10\n---\n", "yaml-duplicate-key", 4),
    "front-matter-list": (b"---\n- title: A\n- summary: S\n---\nBody.\n", "front-matter-not-mapping", 2),
    "front-matter-string": (b"---\njust some words\n---\nBody.\n", "front-matter-not-mapping", 2),
    "unclosed": (b"---\ntitle: A\nsummary: S\ndate: 2026-01-10\nBody text.\n", "front-matter-unclosed", 1),
    "python-object": (
        b"---\ntitle: !!python/object/apply:os.system ['true']\nsummary: S\ndate: 2026-01-10\n---\n",
        "yaml-tag",
        2,
    ),
    "custom-tag": (b"---\ntitle: !include secrets.yaml\nsummary: S\ndate: 2026-01-10\n---\n", "yaml-tag", 2),
    "binary-tag": (b"---\ntitle: !!binary aGVsbG8=\nsummary: S\ndate: 2026-01-10\n---\n", "yaml-tag", 2),
    "tag-on-a-key": (
        b"---\n? !!python/name:os.system\n: x\ntitle: A\nsummary: S\ndate: 2026-01-10\n---\n",
        "yaml-tag",
        2,
    ),
    "merge-key": (b"---\ntitle: A\nsummary: S\ndate: 2026-01-10\n<<: {author: Someone}\n---\n", "yaml-tag", 5),
    "alias": (b"---\ntitle: &t MRI\nsummary: *t\ndate: 2026-01-10\n---\n", "yaml-alias", 2),
    "billion-laughs": (LAUGHS.encode(), "yaml-alias", 5),
    "oversized-front-matter": (
        b"---\ntitle: A\nsummary: " + b"long " * 60_000 + b"\ndate: 2026-01-10\n---\n",
        "yaml-too-large",
        2,
    ),
    "deep-nesting": (
        b"---\ntitle: " + b"[" * 500 + b"]" * 500 + b"\nsummary: S\ndate: 2026-01-10\n---\n",
        "yaml-too-deep",
        2,
    ),
    "impossible-date": (b"---\ntitle: A\nsummary: S\ndate: 2026-02-30\n---\n", "bad-date", 4),
    "huge-integer": (
        b"---\ntitle: A\nsummary: S\ndate: 2026-01-10\nreferences:\n  - title: T\n    year: "
        + b"9" * 5000
        + b"\n---\n",
        "yaml-value",
        2,
    ),
    "latin-1": (b"---\ntitle: M\xe9ni\xe8re disease\nsummary: S\ndate: 2026-01-10\n---\n", "file-encoding", 2),
    "nul-byte": (b"---\ntitle: A\nsummary: S\x00\ndate: 2026-01-10\n---\n", "file-nul-byte", 3),
    "empty": (b"", "file-empty", 1),
    "only-whitespace": (b"  \n\n\t\n", "file-empty", 1),
    "no-front-matter": (b"# Just a heading\n\nText.\n", "front-matter-missing", 1),
    "slug-with-slash": (FRONT[:-4].encode() + b"slug: a/b\n---\n", "bad-slug", 5),
    "slug-with-dotdot": (FRONT[:-4].encode() + b"slug: ../../etc\n---\n", "bad-slug", 5),
    "slug-with-backslash": (FRONT[:-4].encode() + b"slug: 'a\\b'\n---\n", "bad-slug", 5),
    "slug-leading-dot": (FRONT[:-4].encode() + b"slug: .hidden\n---\n", "bad-slug", 5),
    "slug-reserved-site-path": (FRONT[:-4].encode() + b"slug: static\n---\n", "bad-slug", 5),
    "slug-reserved-windows-name": (FRONT[:-4].encode() + b"slug: con\n---\n", "bad-slug", 5),
    "slug-reserved-search-index": (FRONT[:-4].encode() + b"slug: pagefind\n---\n", "bad-slug", 5),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_input_is_one_clear_diagnostic(blank_site, name):
    data, code, line = BROKEN[name]
    blank_site.article("x.md", data)
    result = blank_site.build()  # an exception escaping here is the bug this guards against
    assert not result.ok and result.files == {}
    found = {(d.code, d.file, d.line) for d in result.diagnostics}
    assert (code, "content/articles/x.md", line) in found, [d.format() for d in result.diagnostics]
    assert all(d.message and d.hint for d in result.diagnostics)
    assert not blank_site.public.exists()


def test_latin1_message_names_the_byte_offset(blank_site):
    data = BROKEN["latin-1"][0]
    blank_site.article("x.md", data)
    (problem,) = blank_site.check()
    assert f"byte offset {data.index(0xE9)}" in problem.message and "0xe9" in problem.message
    assert "UTF-8" in problem.hint


def test_billion_laughs_is_refused_quickly_and_reported_once_per_anchor(blank_site):
    blank_site.article("x.md", LAUGHS)
    diagnostics = blank_site.check()
    assert {d.code for d in diagnostics} == {"yaml-alias"}
    places = [(d.line, d.column) for d in diagnostics]
    assert len(places) == len(set(places)) <= 9  # one per anchor, not one per use (was 72)


@pytest.mark.parametrize(
    "name,data",
    [
        ("bom", b"\xef\xbb\xbf" + FRONT.encode() + b"Body with a BOM.\n"),
        ("crlf", FRONT.replace("\n", "\r\n").encode() + b"Body with CRLF.\r\n"),
        ("cr", FRONT.replace("\n", "\r").encode() + b"Body with CR.\r"),
    ],
)
def test_bom_and_any_line_ending_build(blank_site, name, data):
    blank_site.article("x.md", data)
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    page = soup(blank_site.public / "articles/x/index.html")
    assert page.find("h1").get_text(strip=True) == "MRI basics"
    assert page.select_one(".prose").get_text(strip=True).startswith("Body with")
    assert "\ufeff" not in page.get_text() and "\r" not in (blank_site.public / "articles/x/index.html").read_text()


@pytest.mark.parametrize("data", [FRONT, FRONT.rstrip("\n")], ids=["closing-newline", "no-closing-newline"])
def test_only_front_matter_builds_with_an_empty_body(blank_site, data):
    blank_site.article("x.md", data)
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    page = soup(blank_site.public / "articles/x/index.html")
    assert page.find("h1").get_text(strip=True) == "MRI basics"
    prose = page.select_one(".prose")
    assert prose is None or prose.get_text(strip=True) == ""


def test_impossible_date_in_a_datetime_and_time_of_day(blank_site):
    blank_site.article("x.md", FRONT[:-4] + "reviewed: 2026-01-31 09:30:00\n---\n")
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]  # the day is kept, the time dropped


# --- file names, slugs and URLs --------------------------------------------------------


@pytest.mark.parametrize(
    "file_name,slug",
    [
        ("Ménière disease.md", "meniere-disease"),  # accented Latin: transliterated
        ("σκλήρυνση κατά πλάκας.md", "σκλήρυνση-κατά-πλάκας"),  # Greek keeps its accents (tonos)
        ("Рассеянный склероз.md", "рассеянный-склероз"),  # Cyrillic й stays й
        ("多发性硬化.md", "多发性硬化"),
        ("ガドリニウム.md", "ガドリニウム"),  # ド keeps its dakuten
        ("हिन्दी पाठ.md", "हिन्दी-पाठ"),  # vowel signs and virama are part of the word
        ("MRI_Basics (2).md", "mri-basics-2"),
        ("a\\b.md", "a-b"),
    ],
)
def test_file_names_give_readable_slugs(blank_site, file_name, slug):
    blank_site.article(file_name, FRONT + "Body.\n")
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    assert (blank_site.public / "articles" / slug / "index.html").is_file()


@pytest.mark.parametrize("file_name", ["--.md", "(!).md", "index.md", "con.md", "___.md"])
def test_file_names_without_a_usable_slug_are_errors(blank_site, file_name):
    blank_site.article(file_name, FRONT)
    result = blank_site.build()
    assert [(d.code, d.file) for d in result.diagnostics] == [("bad-slug", f"content/articles/{file_name}")]
    assert file_name in result.diagnostics[0].message


def test_hidden_files_beside_articles_are_not_articles(blank_site):
    blank_site.article("scan.md", FRONT)
    blank_site.article("._scan.md", b"\x00\x05\x16\x07Mac OS X resource fork")
    (blank_site.content / "articles" / ".#scan.md").symlink_to("user@host.1234:1700000000")
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    assert sorted(p.name for p in (blank_site.public / "articles").iterdir()) == ["scan"]


def test_hostile_titles_are_text_and_do_not_change_paths(blank_site):
    title = "../../etc/passwd \\ /root .hidden <b>CON</b> " + "Very long title " * 19
    assert len(title) > 300
    blank_site.article(
        "plain.md", f"---\ntitle: {json.dumps(title)}\nsummary: S\ndate: 2026-01-10\ntags: ['..', '.x/y']\n---\n"
    )
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    public = blank_site.public.resolve()
    assert all(public in path.resolve().parents for path in public.rglob("*"))
    page = soup(public / "articles/plain/index.html")
    assert page.find("h1").get_text() == title.strip().replace("  ", " ")
    assert page.find("h1").find("b") is None
    assert {p.name for p in (public / "topics").iterdir() if p.is_dir()} == {"x-y", "topic"}


def test_long_file_name_is_cut_to_80_characters_at_a_word(blank_site):
    blank_site.article("magnetic-resonance " * 12 + ".md", FRONT)
    result = blank_site.build()
    assert result.ok
    (folder,) = (blank_site.public / "articles").iterdir()
    assert len(folder.name) <= 80 and folder.name.endswith("resonance")


def test_two_articles_with_one_url_name_both_files(blank_site):
    blank_site.article("MRI Basics.md", FRONT)
    blank_site.article("mri-basics.md", FRONT)
    blank_site.article("other.md", FRONT[:-4] + "slug: mri-basics\n---\n")
    result = blank_site.build()
    problems = [d for d in result.diagnostics if d.code == "slug-duplicate"]
    assert len(problems) == 2 and not result.ok and not blank_site.public.exists()
    for problem in problems:
        assert "/articles/mri-basics/" in problem.message
        assert {problem.file, problem.message.split("this file and ")[1].rstrip(".")} <= {
            "content/articles/MRI Basics.md",
            "content/articles/mri-basics.md",
            "content/articles/other.md",
        }
    assert {d.file for d in problems} | {d.message.split("this file and ")[1].rstrip(".") for d in problems} == {
        "content/articles/MRI Basics.md",
        "content/articles/mri-basics.md",
        "content/articles/other.md",
    }


def test_two_pages_with_one_url_are_an_error(blank_site):
    blank_site.write("content/pages/about.md", "---\ntitle: About\n---\nOne.\n")
    blank_site.write("content/pages/info.md", "---\ntitle: Info\nslug: about\n---\nTwo.\n")
    blank_site.article("x.md", FRONT)
    (problem,) = [d for d in blank_site.check() if d.code == "slug-duplicate"]
    assert "content/pages/about.md" in problem.message + problem.file
    assert "content/pages/info.md" in problem.message + problem.file


def test_composed_and_decomposed_accents_are_one_spelling(blank_site):
    # "é" as one character (NFC) and as "e" plus a combining accent (NFD: macOS file names,
    # copy-paste) look the same; two topics 'Lésions' clashed and the fix could not be followed.
    import unicodedata

    composed, decomposed = "L\u00e9sions", "Le\u0301sions"
    assert unicodedata.normalize("NFC", decomposed) == composed != decomposed
    blank_site.article(
        "a.md",
        f"---\ntitle: A\nsummary: S\ndate: 2026-01-10\ntags: [{composed}]\n---\n"
        f"See [the other one](me\u0301nie\u0300re.md).\n",
    )
    # The second article's file name, title and tag are decomposed, as a Mac writes them.
    blank_site.article(
        "me\u0301nie\u0300re.md",
        f"---\ntitle: Me\u0301nie\u0300re and {decomposed}\nsummary: S\n"
        f"date: 2026-01-11\ntags: [{decomposed}]\n---\nText.\n",
    )
    result = blank_site.build(write=False)
    assert result.diagnostics == [], [d.format() for d in result.diagnostics]
    topics = [path for path in result.files if path.startswith("topics/") and path != "topics/index.html"]
    assert topics == ["topics/lesions/index.html"]
    cards = soup(result.files["topics/lesions/index.html"]).select("main h2, main h3")
    assert len(cards) == 2
    article = soup(result.files["articles/meniere/index.html"])
    assert article.h1.get_text() == "M\u00e9ni\u00e8re and L\u00e9sions"  # NFC in the page
    link = soup(result.files["articles/a/index.html"]).select_one(".prose a")
    assert link["href"].endswith("articles/meniere/")


# --- the command line: messages, never a traceback --------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "python-object",
        "billion-laughs",
        "latin-1",
        "nul-byte",
        "impossible-date",
        "huge-integer",
        "front-matter-string",
    ],
)
def test_cli_reports_and_exits_1_without_a_traceback(blank_site, name):
    data, code, line = BROKEN[name]
    blank_site.article("x.md", data)
    done = run_cli("build", cwd=blank_site.root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert f"content/articles/x.md:{line}" in done.stderr and f"[{code}]" in done.stderr
    assert "Build failed" in done.stderr and not blank_site.public.exists()


# --- size: big inputs build (how time grows is measured in benchmarks/sizes.py) ---------


@pytest.mark.slow
def test_a_5_mb_article_builds(blank_site):
    paragraph = (
        "The scan shows small areas of change where myelin has been damaged; see "
        "[the other article](other.md) and [a source](https://example.org/). **Bold** words.\n\n"
    )
    sections = [f"## Section {n}\n\n" + paragraph * 20 for n in range(5 * 1024 * 1024 // (len(paragraph) * 20) + 1)]
    text = FRONT + "".join(sections)
    assert len(text.encode()) >= 5 * 1024 * 1024
    blank_site.article("big.md", text)
    blank_site.article("other.md", FRONT.replace("title: MRI basics", "title: Other"))
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics][:3]
    assert len((blank_site.public / "articles/big/index.html").read_bytes()) > 5 * 1024 * 1024


def test_a_10000_row_table_builds(blank_site):
    rows = "\n".join(f"| T{n % 3 + 1} scan {n} | Lesion count {n} |" for n in range(10_000))
    blank_site.article("table.md", FRONT + "Table: Many rows\n| Scan | Finding |\n|---|---|\n" + rows + "\n")
    result = blank_site.build()
    assert result.ok, [d.format() for d in result.diagnostics][:3]
    table = soup(blank_site.public / "articles/table/index.html").find("table")
    assert len(table.find_all("tr")) == 10_001
    assert table.find("caption").get_text(strip=True) == "Many rows"


@pytest.mark.parametrize(
    "name", ["content/people.yaml", "content/guides.yaml", "content/images/images.yaml", "content/glossary.yaml"]
)
def test_every_yaml_record_file_is_read_one_way(blank_site, name):
    """people, guides, image records and the glossary go through yamlread.read_file: a file
    saved as UTF-16 gets the same finding, naming it, as an article would."""
    blank_site.article("a.md", "---\ntitle: A\nsummary: S.\ndate: 2026-01-10\n---\nText.\n")
    from sitegen.core.config import load_config

    blank_site.write(name, "key:\n  name: x\n".encode("utf-16"))
    config, problems = load_config(blank_site.config_path)  # people and guides are read with it
    if config is not None:
        problems += blank_site.build(write=False).diagnostics
    found = [d for d in problems if d.code == "file-encoding"]
    assert [d.file for d in found] == [name], [d.format() for d in problems]
