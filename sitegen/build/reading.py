"""Reading aids: reading time and reading level (Flesch-Kincaid grade, or a language's own formula).

Computed from the prose the Markdown pass collected (`Markup.prose`: paragraphs
and list items, not tables, code or references), so the numbers match what the
readability check measures. The results depend on the prose alone. Syllable counts
are memoised per process (a word's count is pyphen's, the same for every build), and the
Builder keeps them in its own build cache with a `SyllableFile`; pyphen's parsed patterns
are kept there too, read from the folder each call names. No module state names a folder.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import math
import re
from pathlib import Path
from typing import Any, Protocol, TypedDict, TypeGuard

# pyphen and textstat ship no type information: what this module uses of them is
# described here (a Pyphen's positions), or typed Any where it is their own object.


class _Hyphenator(Protocol):
    def positions(self, word: str) -> list[int]: ...


class _Level(TypedDict):
    score: float  # on `scale`, one decimal
    scale: str  # its name, as the editors' note and the check write it


class ReadingAids(_Level, total=False):
    minutes: int  # whole minutes, at least 1
    grade: float  # Flesch–Kincaid grade, one decimal, never below 0 (English only)


class _CachedHyphenation:
    """pyphen with a per-word memo. textstat counts syllables by asking pyphen about every
    word of every text; articles share most of their words, so this makes scoring a
    site cheap without changing textstat's algorithm or results."""

    def __init__(self, pyphen: _Hyphenator) -> None:
        self.positions = functools.lru_cache(maxsize=200_000)(pyphen.positions)


@functools.lru_cache(maxsize=1)
def textstats() -> Any:  # Any: textstat's own scorer (untyped)
    """The one textstat scorer used for reading level (meta line) and the readability check."""
    # The class; the package exports an instance. Untyped: see _Hyphenator.
    from textstat.textstat import textstatistics  # type: ignore[import-untyped]

    scorer = textstatistics()
    scorer.pyphen = _CachedHyphenation(scorer.pyphen)
    if _same_textstat():
        scorer.flesch_kincaid_grade = flesch_kincaid_grade  # the same numbers, faster (below)
    return scorer


# --- Flesch–Kincaid grade, as textstat 0.7.4 computes it --------------------------------
#
# textstat's flesch_kincaid_grade counts words, sentences and syllables through a dozen
# cached methods, each running its own regex over the text (one per sentence for the
# sentence count), and importing textstat costs ~0.1 s (it imports pkg_resources). This
# counts the same things the same way, in fewer passes, with pyphen (which textstat
# uses for syllables) loaded directly. It is used only while textstat's source is the
# file it was written from (0.7.4, which pyproject.toml pins), and
# tests/test_markup_fastpaths.py compares the two on many texts.

TEXTSTAT_SHA256 = "78fe6e777e28840e10cc009b411899a0dfa4a64d4aad96cc4f509d6fa27e0dab"


@functools.lru_cache(maxsize=1)
def _same_textstat() -> bool:
    """Whether the installed textstat/textstat.py is the one `flesch_kincaid_grade` reproduces."""
    spec = importlib.util.find_spec("textstat")  # finds the package without importing it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        try:
            return hashlib.sha256((Path(folder) / "textstat.py").read_bytes()).hexdigest() == TEXTSTAT_SHA256
        except OSError:
            return False
    return False


# textstat's remove_punctuation (with its default rm_apostrophe=True): drop what is neither
# a word character nor whitespace. Its sentence_count's sentence pattern.
_PUNCTUATION = re.compile(r"[^\w\s]")
_SENTENCE = re.compile(r"\b[^.!?]+[.!?]*")
# The same deletion for ASCII text as a translate table (far faster than the regex): the
# ASCII characters the regex matches, found with the regex itself.
_ASCII_PUNCTUATION = {code: None for code in range(128) if _PUNCTUATION.fullmatch(chr(code))}


MAX_SYLLABLE_WORDS = 200_000  # a bound for pathological input; articles share most words


# word -> syllables as textstat counts them: pyphen's hyphenation points + 1. A memo of a
# pure function (pyphen's answer for a word), shared by every build in the process.
_SYLLABLES: dict[str, int] = {}


def _count(words: list[str], folder: Path | None) -> None:
    """Add the words the memo does not have yet. `folder`: a build cache that may hold
    pyphen's parsed patterns, if pyphen is not loaded yet."""
    if len(_SYLLABLES) > MAX_SYLLABLE_WORDS:
        _SYLLABLES.clear()
    for word in words:
        if word not in _SYLLABLES:
            # Pyphen (left=2, right=2, as textstat makes it) drops every point outside
            # [2, len - 2]: a word of three letters or fewer has none, without loading pyphen.
            _SYLLABLES[word] = len(_hyphenation(folder).positions(word)) + 1 if len(word) > 3 else 1


def forget() -> None:
    """Forget the syllable counts in memory, as a new process starts without them."""
    _SYLLABLES.clear()


def prepare(folder: Path | None) -> None:
    """Ready this process to count syllables, for the worker processes it forks later to
    inherit: pyphen, with the patterns kept in the build cache `folder`, when no counts are
    known (a cold build counts every word; a rebuild meets few new ones, and a worker that
    does loads pyphen itself). The Builder's `SyllableFile` has read the kept counts."""
    if not _SYLLABLES:
        _hyphenation(folder)


def _hyphenation(folder: Path | None = None) -> _Hyphenator:
    """pyphen's en_US hyphenator; its patterns are read from the build cache `folder` (or
    stored there) when this process has not loaded them yet."""
    if folder is not None and _pyphen.cache_info().currsize == 0:
        _load_patterns(folder)
    return _pyphen()


@functools.lru_cache(maxsize=1)
def _pyphen() -> _Hyphenator:
    from pyphen import Pyphen  # untyped (pyproject.toml's mypy overrides): see _Hyphenator

    hyphenator: _Hyphenator = Pyphen(
        lang="en_US"
    )  # what textstat's set_lang("en_US") loads (pyphen shares the parsed dictionary)
    return hyphenator


# Parsing pyphen's en_US dictionary takes 0.05 s, in every process that scores a text: a
# tenth of a one-article rebuild. The build cache keeps the parsed patterns (a dict of
# strings to tuples of ints), keyed by the dictionary's bytes, and hands them to pyphen
# through its own cache of parsed dictionaries (`hdcache`). That relies on HyphDict's
# attributes, so it is done only while pyphen's source is the file this was written
# against (0.18.1); otherwise pyphen parses the dictionary itself, as before.

PYPHEN_SHA256 = "9a752f734be350f71da67aa1c2c488982ae4097bb38c7e49a1d48c81ec6570c3"


@functools.lru_cache(maxsize=1)
def _known_dictionary() -> str | None:
    """The SHA-256 of pyphen's en_US dictionary while pyphen's source is the one this module
    was written against (its en_US dictionary is then hyph_en_US.dic beside it), else None.
    Found without importing pyphen."""
    spec = importlib.util.find_spec("pyphen")
    if spec is None or not spec.origin:
        return None
    try:
        if hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest() != PYPHEN_SHA256:
            return None
        return hashlib.sha256((Path(spec.origin).parent / "dictionaries" / "hyph_en_US.dic").read_bytes()).hexdigest()
    except OSError:
        return None


def _load_patterns(folder: Path) -> None:
    """Hand pyphen the en_US patterns kept in the build cache `folder`, or keep them there."""
    scope = _known_dictionary()
    if scope is None:
        return
    try:
        import pyphen

        from sitegen.build import cachefile

        path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
        if path in pyphen.hdcache:
            return
        stored = folder / "hyphenation.pickle"
        patterns = cachefile.load(stored, scope)
        if _plain_patterns(patterns):
            parsed = pyphen.HyphDict.__new__(pyphen.HyphDict)
            parsed.patterns, parsed.cache, parsed.maxlen = patterns, {}, max(map(len, patterns))
            pyphen.hdcache[path] = parsed
            return
        parsed = pyphen.HyphDict(path)
        pyphen.hdcache[path] = parsed
        if _plain_patterns(parsed.patterns):
            cachefile.dump(parsed.patterns, stored, scope)
    except (OSError, KeyError, AttributeError, ValueError):
        return  # pyphen parses its dictionary itself


def _plain_patterns(patterns: object) -> TypeGuard[dict[str, tuple[int, tuple[int, ...]]]]:
    return (
        isinstance(patterns, dict)
        and bool(patterns)
        and all(
            type(key) is str
            and type(value) is tuple
            and len(value) == 2
            and type(value[0]) is int
            and type(value[1]) is tuple
            and all(type(number) is int for number in value[1])
            for key, value in patterns.items()
        )
    )


# The syllable count of every word counted so far is kept in the build cache too
# (`syllables.pickle`, a dict of words to ints), so that a rebuild after an edit, whose
# words are nearly all known, neither imports pyphen nor loads its patterns (0.01 s of a
# 0.2 s rebuild). The counts are pyphen's, so they are kept under the SHA-256 of pyphen's
# source and of its en_US dictionary, and only while that source is the one known above
# (its en_US dictionary is then hyph_en_US.dic beside it). A file that does not match, or
# holds anything but words and whole numbers, is not used.


def _syllables_file(folder: Path | None) -> tuple[Path, str] | None:
    """(file, scope) of the syllable counts kept in the build cache `folder`, or None when
    they cannot be kept."""
    dictionary = _known_dictionary() if folder is not None else None
    if folder is None or dictionary is None:
        return None
    return folder / "syllables.pickle", "syllables " + dictionary


class SyllableFile:
    """The syllable counts kept in one build cache folder (None: nowhere), for the Builder
    that owns that cache: read into the memo when made, written back by `save` when words
    were counted since. Two Builders in one process keep their own files."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.kept = _syllables_file(folder)
        self.known = 0  # words in the memo when the file was last read or written
        if self.kept is None:
            return
        from sitegen.build import cachefile

        counts = cachefile.load(*self.kept)
        if (
            isinstance(counts, dict)
            and len(counts) <= MAX_SYLLABLE_WORDS
            and all(type(word) is str and type(count) is int for word, count in counts.items())
        ):
            _SYLLABLES.update(counts)  # the same counts as pyphen's (the scope says so)
        self.known = len(_SYLLABLES)

    def save(self) -> None:
        """Keep the memo's syllable counts in this cache, if it learnt words since read."""
        if self.kept is None or len(_SYLLABLES) == self.known:
            return
        from sitegen.build import cachefile

        cachefile.dump(dict(_SYLLABLES), *self.kept)
        self.known = len(_SYLLABLES)


def _legacy_round(number: float, points: int) -> float:
    """textstat's rounding (half away from zero), with its default settings."""
    scale: int = 10**points  # points >= 0
    return float(math.floor((number * scale) + math.copysign(0.5, number))) / scale


def flesch_kincaid_grade(text: str, tokens: int | None = None, folder: Path | None = None) -> float:
    """textstat.flesch_kincaid_grade(text), the same float. `tokens`: len(text.split()), if
    known. `folder`: the build cache, where pyphen's parsed patterns may be kept."""
    if not _same_textstat():
        grade: float = textstats().flesch_kincaid_grade(text)
        return grade
    if text.isascii():
        cleaned = text.translate(_ASCII_PUNCTUATION)
        # Lower-casing ASCII neither adds nor removes punctuation or spaces, so textstat's
        # "lower-case, then remove punctuation" words for syllables are these, lower-cased.
        syllable_words = cleaned.lower().split()
        words = len(syllable_words)

        def lexicon(sentence: str) -> int:
            return len(sentence.translate(_ASCII_PUNCTUATION).split())
    else:
        words = len(_PUNCTUATION.sub("", text).split())
        syllable_words = _PUNCTUATION.sub("", text.lower()).split()

        def lexicon(sentence: str) -> int:
            return len(_PUNCTUATION.sub("", sentence).split())

    # sentence_count: the sentences, less those of two words or fewer (by lexicon), but at
    # least one. Removing punctuation deletes the tokens that are all punctuation and keeps
    # the others, so the text has `bare` such tokens. A sentence starts with a word character
    # (see _SENTENCE), and only its last token can be part of a longer one, so at most
    # bare + 1 of its tokens are all punctuation: a sentence of bare + 4 tokens or more has
    # three words or more without counting them one by one.
    bare = (len(text.split()) if tokens is None else tokens) - words
    sure = bare + 4
    sentences = _SENTENCE.findall(text)
    short = 0
    for sentence in sentences:
        count = len(sentence.split())
        if count < sure and (count <= 2 or lexicon(sentence) <= 2):
            short += 1
    sentence_count = max(1, len(sentences) - short)
    try:
        syllables = sum(map(_SYLLABLES.__getitem__, syllable_words))
    except KeyError:  # a word not counted before
        _count(syllable_words, folder)
        syllables = sum(map(_SYLLABLES.__getitem__, syllable_words))
    sentence_length = _legacy_round(float(words / sentence_count), 1)
    syllables_per_word = _legacy_round(float(syllables) / float(words), 1) if words else 0.0
    return _legacy_round(float(0.39 * sentence_length) + float(11.8 * syllables_per_word) - 15.59, 1)


# Slower than the ~240 words a minute often quoted for adults: the readers are
# patients meeting medical words for the first time, sometimes on a phone.
WORDS_PER_MINUTE = 200


# A language's own readability formula (config.yaml, checks: readability: <language>:
# formula:): textstat's method, and the name editors read.
FORMULAS = {"szigriszt_pazos": "Szigriszt-Pazos", "fernandez_huerta": "Fernández-Huerta"}
# The scale the preview's reading-level line uses for a language whose `checks.readability`
# section names none: a grade made for English says nothing about a Spanish text (issue 31).
LANGUAGE_FORMULAS = {"es": "szigriszt_pazos"}


@functools.lru_cache(maxsize=4)
def language_scorer(language: str) -> Any:  # Any: textstat's own scorer (untyped)
    """A textstat scorer for `language` (its own instance: set_lang would change the shared
    English one), for the formulas in FORMULAS."""
    from textstat.textstat import textstatistics

    scorer = textstatistics()
    scorer.set_lang(language)
    return scorer


def language_score(text: str, language: str, formula: str) -> float:
    """`formula` (a key of FORMULAS) of `text` in `language`: higher is easier."""
    return float(getattr(language_scorer(language), formula)(text))


def reading_aids(
    prose: tuple[str, ...], language: str = "en", formula: str | None = None, folder: Path | None = None
) -> ReadingAids:
    """Reading time and the reading level editors see in the preview: "minutes", whole
    minutes, at least 1; "score" on "scale", the measure the readability check uses for
    the page's language (Flesch–Kincaid grade in English, also as "grade"; `formula`, a
    key of FORMULAS, for a language that has its own). `folder`: the build cache."""
    text = " ".join(prose)
    words = len(text.split())
    minutes = max(1, round(words / WORDS_PER_MINUTE))
    if formula is not None:
        score = round(language_score(text, language, formula), 1) if words else 0.0
        return {"minutes": minutes, "score": score, "scale": FORMULAS[formula]}
    grade = max(0.0, round(float(flesch_kincaid_grade(text, words, folder)), 1)) if words else 0.0
    return {"minutes": minutes, "grade": grade, "score": grade, "scale": "Flesch–Kincaid grade"}
