"""The Markdown pass's fast paths (sitegen/markup/fastpaths.py, the glossary's one scan, the
Flesch–Kincaid count in reading.py) give exactly what the stock code gives, on real articles,
test fixtures and random mixes of awkward Markdown, under every raw-HTML policy."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
import yaml

from sitegen.build.reading import _same_textstat, flesch_kincaid_grade, reading_aids
from sitegen.core.article import GlossaryTerm
from sitegen.core.slugs import slugify
from sitegen.markup import Renderer
from sitegen.markup.glossary import BLOCK_TAGS, GlossaryProcessor, _pattern

REPO = Path(__file__).resolve().parent.parent
POLICIES = ["escape", "sanitize", "allow"]
TARGETS = {"other.md": "articles/other-article/", "x.md": "articles/x/"}


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[1] if text.startswith("---\n") and "\n---\n" in text else text


def _glossary(path: Path) -> tuple:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return tuple(
        GlossaryTerm(entry["term"], slugify(entry["term"]), entry["definition"], tuple(entry.get("aliases", ())))
        for entry in entries
    )


GLOSSARY = _glossary(REPO / "content" / "glossary.yaml")

# Snippets that exercise every inline pattern, block processor and tree processor the fast
# paths guard, plus raw HTML for the three policies.
SNIPPETS = [
    "## Heading with [a link](other.md) and `code`",
    "### Sub *em* **strong** _u_ __uu__ ***both***",
    "# H1",
    "Setext\n======",
    "Setext two\n----------",
    "- item\n- item with lesion\n    - nested MRI",
    "1. one\n2. two\n\n3. three",
    "1) paren",
    "> quote with lesion\n> - list in quote",
    "    indented code lesion",
    "```\nfenced <b>\n```",
    "| a | `b|c` |\n|---|:-:|\n| 1 | lesion |",
    "Table: Caption *em*\n| a | b |\n|---|---|\n| 1 | 2 |",
    "Table: lonely",
    "Table:\n| a |\n|---|\n| 1 |",
    '!!! warning "Careful lesion"\n    Callout text.\n\n    More.',
    "!!! key-point\n    Point.",
    "!!! danger\n    Unknown kind.",
    "- item\n\n    !!! note\n        Callout in a list.",
    "Term\n:   Definition lesion",
    "Foot[^1] and [^2]\n\n[^1]: Note one.\n[^2]: Note two lesion.",
    "*[MRI]: Magnetic resonance imaging\n\nMRI shows it.",
    '[ref][r] and [r]\n\n[r]: other.md#part "Title"',
    '![alt text](static/x.png "t") ![](y.png)',
    "<https://example.org/a_b> <team@example.org>",
    "Line with break  \nnext line",
    "&amp; &copy; &#169; &#x3C; a < b > c & d",
    "Escapes \\* \\_ \\` \\[ \\] \\\\ \\{ \\# \\! 1986\\. ok",
    "Para {: .cls #pid }",
    "## Head {: #custom }",
    '[x](other.md){: onclick="x" }',
    "[j](javascript:alert(1)) [e](&#106;avascript:x) [gone](gone.md)",
    "---",
    "* * *",
    "___",
    "[TOC]",
    "Text [TOC] text",
    '<b>bold</b> <span onclick="x">s</span> <script>alert(1)</script>',
    '<div markdown="1">\n*md* lesion\n</div>',
    "<div>\nraw block\n</div>",
    "<!-- comment -->",
    "<?php x ?>",
    "a\tb\tc\n\t- tab",
    "trailing spaces   \n   \nnext",
    "Unicode café İstanbul ſ \u212a lesıon Lesion",
    "contrast agent, blood-brain barrier",
    "non-lesion lesion-load lesions lesion load",
    "{not attrs}",
    "{: .x }",
    "x\x02y\x03z",
]


def _random_bodies(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "ab lesion<>&*_`[]()!#|:\\\n-{}.\"'=~\t" + "é€\u00a0"
    bodies = []
    for _ in range(count):
        parts = [
            rng.choice(SNIPPETS)
            if rng.random() < 0.8
            else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
            for _ in range(rng.randint(1, 10))
        ]
        body = rng.choice(["\n\n", "\n"]).join(parts)
        if rng.random() < 0.25:  # all of it inside a list item, a callout or a quote
            body = rng.choice(["- ", "!!! note\n    ", "> "]) + body.replace("\n", "\n    ")
        bodies.append(body)
    return bodies


def _documents() -> list[str]:
    files = [*sorted((REPO / "content").rglob("*.md")), *sorted((REPO / "tests" / "fixtures").rglob("*.md"))]
    return [_body(path) for path in files] + SNIPPETS + _random_bodies(250, seed=11)


def _result(renderer: Renderer, body: str):
    try:
        markup = renderer.render(
            body,
            file="content/articles/x.md",
            body_line=5,
            targets=TARGETS,
            root="../../",
            drafts=frozenset({"future.md"}),
        )
    except Exception as error:  # the stock code's failures must be the same failures
        return type(error).__name__
    return (markup.html, markup.headings, markup.links, markup.diagnostics, markup.images, markup.prose, markup.digest)


@pytest.mark.parametrize("policy", POLICIES)
def test_every_fast_path_is_installed(policy):
    # Fails after a Python-Markdown upgrade that changed code a fast path relies on: re-check
    # that fast path's argument against the new code, then update its digest in fastpaths.py.
    assert Renderer(policy, GLOSSARY).fast_paths == [
        "inline",
        "blocks",
        "normalize_whitespace",
        "unescape",
        "attr_list",
        "toc",
        "is_block_level",
    ]


@pytest.mark.parametrize("policy", POLICIES)
def test_fast_paths_give_the_stock_output(policy):
    fast, stock = Renderer(policy, GLOSSARY), Renderer(policy, GLOSSARY, fast_paths=False)
    assert stock.fast_paths == []
    for body in _documents():  # one warm renderer each, as the build uses them
        assert _result(fast, body) == _result(stock, body), body


# --- the glossary's one scan -----------------------------------------------------------


class PerTextGlossary(GlossaryProcessor):
    """The glossary as it was written first: one regex scan per text node, the original
    alternation pattern, and one link a block (p, li, td, ...: issue 34). The one-scan
    processor must link exactly the same places."""

    def run(self, root):
        self.linked, self.full = set(), set()
        self._walk(root, root)

    def _walk(self, element, block):
        children = list(element)
        if element.text:
            pieces = self._split_text(element.text, block)
            if pieces:
                element.text = pieces[0]
                for offset, node in enumerate(pieces[1:]):
                    element.insert(offset, node)
        for child in children:
            if child.tag not in {
                "a",
                "code",
                "pre",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "caption",
                "abbr",
                "script",
                "style",
                "sup",
            } and not {"callout-title", "gloss", "toc"} & set(child.get("class", "").split()):
                self._walk(child, child if child.tag in BLOCK_TAGS else block)
            if child.tail:
                pieces = self._split_text(child.tail, block)
                if pieces:
                    child.tail = pieces[0]
                    index = list(element).index(child)
                    for offset, node in enumerate(pieces[1:], 1):
                        element.insert(index + offset, node)

    def _split_text(self, text, block):
        pieces, position, nodes = [], 0, []
        for match in self.pattern.finditer(text):
            term = self.by_name.get(match.group(1).casefold())
            if term is None or term.slug in self.linked or id(block) in self.full:
                continue
            self.linked.add(term.slug)
            self.full.add(id(block))
            node = self._link(term, match.group(1))
            if nodes:
                nodes[-1].tail = text[position : match.start()]
            else:
                pieces.append(text[: match.start()])
            nodes.append(node)
            position = match.end()
        if not nodes:
            return None
        nodes[-1].tail = text[position:]
        return pieces + nodes


ODD_TERMS = [
    "lesion",
    "lesions",
    "lesion load",
    "Lesion Load Index",
    "T1",
    "T2*",
    "café",
    "Straße",
    "ſtar",
    "kelvin",
    "İstanbul",
    "blood-brain barrier",
    "C++",
    "a.b",
    "x",
    "naïve",
    "ÆON",
    "σίγμα",
    "end-",
    "-start",
]


def _variants(rng):
    words = ["the", "and", "non-", "-", "a", "_", "x1", "é", "\n", "  ", "ı", "İ", "ſ", "\u212a"]
    for name in ODD_TERMS:
        words += [name, name.upper(), name.title(), name.replace("s", "ſ"), name.replace("k", "\u212a")]
    return words


@pytest.mark.parametrize("seed", range(6))
def test_one_scan_links_what_scanning_each_text_links(seed):
    rng = random.Random(seed)
    words = _variants(rng)
    names = rng.sample(ODD_TERMS, rng.randint(1, len(ODD_TERMS)))
    terms = [
        GlossaryTerm(name, f"s{i}", f"about {name}", tuple(rng.sample(ODD_TERMS, rng.randint(0, 2))))
        for i, name in enumerate(names)
    ]
    ascii_terms = [GlossaryTerm(t.term, t.slug, t.definition) for t in terms if t.term.isascii()] or terms[:1]

    class State:
        root = "../../"
        prefix = ""  # the language folder of the page (markup/state.py State)

    for chosen in (terms, ascii_terms):
        one, per_text = GlossaryProcessor(None, State, chosen), PerTextGlossary(None, State, chosen)
        for _ in range(60):
            root = etree.Element("div")
            for _ in range(rng.randint(1, 6)):
                tag = rng.choice(["p", "li", "h2", "code", "td", "a", "em", "span"])
                element = etree.SubElement(root, tag, {"class": rng.choice(["", "callout-title", "x"])})
                element.text = "".join(rng.choice(words) + rng.choice(" ,.-\n") for _ in range(rng.randint(0, 12)))
                if rng.random() < 0.5:
                    inner = etree.SubElement(element, rng.choice(["em", "code", "strong"]))
                    inner.text, inner.tail = rng.choice(words), " " + rng.choice(words) + " lesion"
                element.tail = rng.choice(["", " lesions ", "\n"])
            copy = etree.fromstring(etree.tostring(root))
            one.run(root)
            per_text.run(copy)
            assert etree.tostring(root) == etree.tostring(copy)


@pytest.mark.parametrize("word_ends", [False, True])
def test_the_trie_matches_like_the_alternation(word_ends):
    rng = random.Random(5)
    names = [name.casefold() for name in ODD_TERMS if name.isascii()]
    if word_ends:  # names that start and end with a word character: the consuming pattern
        names = [name for name in names if re.fullmatch(r"\w(.*\w)?", name)]
    processor = GlossaryProcessor(None, None, [GlossaryTerm(name, f"s{i}", "d") for i, name in enumerate(names)])
    assert (processor.consuming is not None) == word_ends
    words = _variants(rng)
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(" ,.-+\n\x00") for _ in range(rng.randint(0, 20)))
        expected = [match.span() for match in _pattern(names).finditer(text)]
        assert list(processor._matches(text)) == expected, text
        assert [match.span() for match in processor.trie.finditer(text)] == expected, text


def test_a_spelling_that_only_regex_case_folding_matches_is_not_a_term():
    # re.IGNORECASE matches "ı" (dotless i) to "i", str.casefold() does not: this raised KeyError.
    markup = Renderer("escape", GLOSSARY).render(
        "The lesıon and the lesion.\n", file="x.md", body_line=1, targets={}, root="../../"
    )
    assert markup.html.count('class="gloss-term"') == 1
    assert ">lesion</a>" in markup.html


# --- Flesch–Kincaid ----------------------------------------------------------------------


def _texts(seed: int, count: int, ascii_only: bool) -> list[str]:
    rng = random.Random(seed)
    words = [
        "the",
        "scan",
        "shows",
        "lesions",
        "myelin",
        "it's",
        "don't",
        "e.g.",
        "i.e.",
        "Dr.",
        "U.S.A.",
        "3.5",
        "10,000",
        "--",
        "-",
        "&",
        "a",
        "b",
        "x",
        "T1",
        "T2*",
        "_x_",
        "well-known",
        "2nd",
        "?!",
        "!!",
        "...",
        ".",
        ",",
        ";",
        ":",
        "'",
        '"',
        "(",
        ")",
        "[",
        "]",
        "#",
        "$5",
        "50%",
        "a/b",
    ]
    separators = [" ", " ", " ", "  ", ". ", "! ", "? ", "\n", "\t", ", ", "...", "\x0b", "\x1f"]
    if not ascii_only:
        words += ["—", "…", "’s", "“quoted”", "İstanbul", "Straße", "naïve", "ﬁne", "ΣΊΓΜΑ", "中文", "ǅ"]
        separators += ["\u00a0", "\u2003", "\u2028"]
    return [
        "".join(rng.choice(words) + rng.choice(separators) for _ in range(rng.randint(0, 90))) for _ in range(count)
    ]


@pytest.mark.skipif(
    not _same_textstat(), reason="installed textstat is not the version flesch_kincaid_grade reproduces"
)
@pytest.mark.parametrize("ascii_only", [True, False])
def test_flesch_kincaid_grade_is_textstats(ascii_only):
    from textstat.textstat import textstatistics

    scorer = textstatistics()  # a plain scorer: reading.textstats() uses our function
    texts = _texts(7, 3000, ascii_only) + ["", " ", ".", "...", "a", "A b.", "Hello world. This is it!", "\x1c", "İ"]
    texts += [
        " ".join(Renderer("escape", GLOSSARY).render(_body(path), file="x.md", body_line=1, targets={}, root="").prose)
        for path in sorted(REPO.glob("content/*/*.md"))
    ]
    for text in texts:
        expected = scorer.flesch_kincaid_grade(text)
        assert flesch_kincaid_grade(text) == expected, text
        assert flesch_kincaid_grade(text, len(text.split())) == expected, text


def test_reading_aids_values():
    assert reading_aids(()) == {"minutes": 1, "grade": 0.0, "score": 0.0, "scale": "Flesch–Kincaid grade"}
    aids = reading_aids(("The scan shows small areas of change in the brain.", "Your care team compares each image."))
    assert aids["minutes"] == 1 and isinstance(aids["grade"], float)
    # A language with its own formula gets that scale, and no Flesch–Kincaid grade.
    spanish = reading_aids(("La prueba es rápida. No duele.",), "es", "szigriszt_pazos")
    assert spanish["scale"] == "Szigriszt-Pazos" and "grade" not in spanish and spanish["score"] > 55


def test_the_ascii_punctuation_table_is_the_regex():
    from sitegen.build.reading import _ASCII_PUNCTUATION, _PUNCTUATION

    for code in range(128):
        assert (code in _ASCII_PUNCTUATION) == bool(re.fullmatch(_PUNCTUATION, chr(code)))


def test_hyphenation_patterns_kept_in_the_cache_hyphenate_as_pyphen_does(tmp_path, monkeypatch):
    """The parsed en_US patterns are stored in the build cache and handed back to pyphen;
    syllable positions are the ones pyphen finds parsing its dictionary itself."""
    import pyphen

    from sitegen.build import reading

    path = pyphen.LANGUAGES["en_US"]
    fresh = pyphen.HyphDict(path)
    words = sorted(
        {
            w.lower()
            for w in re.findall(r"[A-Za-z]+", Path(pyphen.__file__).read_text() + Path(reading.__file__).read_text())
        }
    )
    words += ["demyelination", "gadolinium", "neurologist", "sclerosis", "hyperintensity", "oligoclonal"]
    monkeypatch.setattr(pyphen, "hdcache", {})
    reading._load_patterns(tmp_path)  # parses, and stores the patterns
    assert (tmp_path / "hyphenation.pickle").exists()
    monkeypatch.setattr(pyphen, "hdcache", {})
    reading._load_patterns(tmp_path)  # from the cache
    loaded = pyphen.hdcache[path]
    assert loaded.patterns == fresh.patterns and loaded.maxlen == fresh.maxlen
    assert [loaded.positions(w) for w in words] == [fresh.positions(w) for w in words]
    # A damaged file is not used: pyphen parses its dictionary again.
    stored = tmp_path / "hyphenation.pickle"
    stored.write_bytes(stored.read_bytes()[:-20])
    monkeypatch.setattr(pyphen, "hdcache", {})
    reading._load_patterns(tmp_path)
    assert pyphen.hdcache[path].patterns == fresh.patterns


def test_short_words_count_one_syllable_as_pyphen_says():
    """Words of three letters or fewer are counted without pyphen: it drops every point
    outside [2, len - 2], so they have none."""
    from sitegen.build.reading import _hyphenation

    short = ["a", "an", "the", "MRI", "ms", "2026", "é", "übe", "x1", "oui", "lés"]
    hyphenation = _hyphenation()
    assert all(hyphenation.positions(word) == [] for word in short)
    # ...while a word of four letters can have one: the bound is as tight as it can be.
    assert hyphenation.positions("into") == [2]


def test_syllable_counts_are_kept_in_the_cache_and_trusted_only_when_sound(tmp_path, monkeypatch):
    """A rebuild whose words were all counted before loads neither pyphen nor its patterns;
    a damaged or wrongly typed file of counts is not used."""
    from sitegen.build import reading

    text = "Gadolinium enhancement shows active inflammation. Neurologists compare scans over time."
    reading.forget()  # as a new process would start
    kept = reading.SyllableFile(tmp_path)
    expected = reading.flesch_kincaid_grade(text)
    kept.save()
    stored = tmp_path / "syllables.pickle"
    assert stored.exists()

    def no_pyphen(folder=None):
        raise AssertionError("pyphen was needed for words counted before")

    # A new process: an empty memo, the counts read from the cache.
    monkeypatch.setattr(reading, "_hyphenation", no_pyphen)
    reading.forget()
    kept = reading.SyllableFile(tmp_path)
    assert reading.flesch_kincaid_grade(text) == expected
    # Nothing learnt: nothing written.
    before = stored.stat().st_mtime_ns
    kept.save()
    assert stored.stat().st_mtime_ns == before

    # Damaged, or of the wrong types: not used (pyphen is asked again).
    from sitegen.build import cachefile

    _, scope = reading._syllables_file(tmp_path)
    for bad in (stored.read_bytes()[:-10], None):
        if bad is None:
            cachefile.dump({"gadolinium": "four"}, stored, scope)
        else:
            stored.write_bytes(bad)
        reading.forget()
        reading.SyllableFile(tmp_path)
        with pytest.raises(AssertionError, match="pyphen was needed"):
            reading.flesch_kincaid_grade(text)
    reading.forget()
