"""The content model: frozen values made by `content`, read by every later stage."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

from sitegen.core.pages import ARTICLE, PAGE
from sitegen.core.sources import decode  # the very decoding the Source was parsed after

# Where a front matter value is: its key path, e.g. ("references", 0, "doi").
FieldPath: TypeAlias = tuple[str | int, ...]
FieldLines: TypeAlias = tuple[tuple[FieldPath, int], ...]  # (key path, line), ...


@dataclass(frozen=True)
class Reference:
    title: str
    authors: str = ""
    journal: str = ""
    year: int | None = None
    doi: str = ""
    pmid: str = ""
    url: str = ""
    line: int | None = None
    key: str = ""  # written `key:`, for citing it as [@key]; else `cite_key` derives one

    @property
    def cite_key(self) -> str:
        """What the text cites this reference by (`[@rovira2015]`): its `key:` if given, else the
        first author's surname and the year, in lower-case ASCII letters ("Rovira À, ..." and
        2015 give "rovira2015"; "van Minnen J" gives "vanminnen"); "" when it has neither
        `key:` nor authors and a year. Derived, because a reference already names both and an
        editor names a paper that way ("Rovira 2015"); `key:` is for a reference with no
        authors (a guideline, a web page) or two by one first author in one year."""
        if self.key:
            return self.key
        if not self.authors or self.year is None:
            return ""
        first = self.authors.split(",", 1)[0].split()
        if len(first) > 2 and [word.rstrip(".").lower() for word in first[-2:]] == ["et", "al"]:
            first = first[:-2]  # "Filippi M et al." written without a comma
        if len(first) > 1 and first[-1].isupper() and len(first[-1]) <= 4:
            first = first[:-1]  # the initials
        plain = unicodedata.normalize("NFKD", "".join(first)).encode("ascii", "ignore").decode().lower()
        surname = re.sub(r"[^a-z]", "", plain)
        return f"{surname}{self.year}" if surname else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


class Loaded:
    """What a Source loads when first asked, kept beside the frozen value (never part of
    its equality): the body text, the field lines decoded, and the file to read the body
    from. The build cache keeps a Source without these (the body is most of its size): a
    build reads a file again when its stat changed, and otherwise only when something
    needs the body (`Source.restore`), checking that the bytes are still those of the
    digest. So a Source's value never changes; only what it has loaded so far does."""

    __slots__ = ("body", "file", "lines")

    def __init__(self, body: str | None = None, file: str = "") -> None:
        self.body = body
        self.file = file  # the path it was read from, to read the body again
        self.lines: FieldLines | None = None


@dataclass(frozen=True)
class Source:
    """A Markdown file as read from disk: where it is, its bytes' digest, and where its body starts."""

    path: str  # as shown to editors, relative to the project (e.g. content/articles/x.md)
    name: str  # the file name, which is how other articles link to it
    digest: str  # sha256 of the bytes on disk; the cache key of everything derived from it
    body_line: int  # the line of the file on which the body starts
    # ((key path, line), ...) as one JSON string, for messages from later stages (see
    # `lines`): some twenty small tuples per article were a third of the time it took to
    # load the cache. Not compared: it follows from the bytes, and `digest` is.
    field_lines: str = field(default="[]", compare=False)
    # A digest of the file's path and its front matter's text, "" where it is not known (a
    # Source made by hand): what an Article or Page is made of but its body (build/shapes.py).
    # Not compared: it follows from the path and the bytes, as `field_lines` does.
    front: str = field(default="", compare=False)
    loaded: Loaded = field(default_factory=Loaded, compare=False, repr=False)

    def __reduce__(self) -> tuple[type[Source], tuple[str, str, str, int, str, str]]:
        # Pickled without what it loaded: see Loaded.
        return (Source, (self.path, self.name, self.digest, self.body_line, self.field_lines, self.front))

    @property
    def body(self) -> str | None:
        """The Markdown text after the front matter; None until loaded (see `restore`)."""
        return self.loaded.body

    def located(self, file: str, body: str | None = None) -> None:
        """The file this Source's bytes are in now (a cached Source does not know it), and
        its body if that is at hand (read by a worker process)."""
        self.loaded.file = file
        if body is not None:
            self.loaded.body = body

    @property
    def lines(self) -> FieldLines:
        """field_lines, as tuples."""
        if self.loaded.lines is None:
            try:
                self.loaded.lines = tuple((tuple(key), line) for key, line in json.loads(self.field_lines))
            except (ValueError, TypeError):
                self.loaded.lines = ()
        return self.loaded.lines

    def restore(self, data: bytes | None = None) -> bool:
        """Load the body, from `data` or the file, if those are the very bytes `digest` was
        made of; False if not (the file changed or went since this Source was made).
        Raises OSError when the file is there but cannot be read."""
        if self.loaded.body is not None:
            return True
        if data is None:
            if not self.loaded.file:
                return False
            try:
                with open(self.loaded.file, "rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, NotADirectoryError):
                return False  # gone since it was parsed; any other error is the caller's to report
            if hashlib.sha256(data).hexdigest() != self.digest:
                return False

        text, _ = decode(data, self.path)
        if text is None:
            return False
        start = 0
        for _ in range(self.body_line - 1):  # the body starts after the closing `---` line
            found = text.find("\n", start)
            if found < 0:  # the file ends with its closing `---`: no body
                start = len(text)
                break
            start = found + 1
        self.loaded.body = text[start:]
        return True

    def text_of_line(self, line: int) -> str:
        """The body's text on file line `line` (stripped, at most 120 characters), or ""."""
        try:
            if not self.restore():
                return ""
        except OSError:
            return ""
        lines = (self.loaded.body or "").split("\n")
        index = line - self.body_line
        return lines[index].strip()[:120] if 0 <= index < len(lines) else ""

    def line_of_text(self, needle: str) -> int:
        """The file line of the first occurrence of `needle` in the body (its first line if absent)."""
        try:
            if not self.restore():
                return self.body_line
        except OSError:
            return self.body_line
        body = self.loaded.body or ""
        index = body.find(needle) if needle else -1
        return self.body_line + (body.count("\n", 0, index) if index >= 0 else 0)

    def line_of(self, *path: str | int) -> int | None:
        lines = dict(self.lines)
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return 1


@dataclass(frozen=True)
class Translation:
    """What a translated article or page says of its making (front matter, issue 19)."""

    of: str  # the original's file name, in the default language's folder
    from_reviewed: date | None  # the original's `reviewed:` date the translation was made from
    by: str  # a key of content/people.yaml
    clinical_review: bool = False  # a native-speaking clinician reviewed it
    # The digest of the original's text it was made from (translations.py); "" if not recorded.
    from_text: str = ""


@dataclass(frozen=True)
class Article:
    source: Source
    slug: str
    title: str
    summary: str
    published: date
    reviewed: date | None
    next_review: date | None
    reviewer: str
    author: str
    tags: tuple[str, ...]
    takeaways: tuple[str, ...]
    references: tuple[Reference, ...]
    questions: tuple[str, ...]
    disclaimer: str
    draft: bool
    aliases: tuple[str, ...] = ()  # old slugs: each gets a page that redirects here
    language: str = "en"
    prefix: str = ""  # "es/" for every language but the site's default one: where its pages go
    translation: Translation | None = None

    @property
    def url(self) -> str:
        """Path of the page relative to the site root (pretty URL)."""
        return ARTICLE.at(self.prefix, self.slug)

    @property
    def updated(self) -> date:
        """The date the content last changed for readers: its review, else its publication."""
        return self.reviewed or self.published


@dataclass(frozen=True)
class Page:
    """A stand-alone page such as About, from content/pages/*.md."""

    source: Source
    slug: str
    title: str
    summary: str
    draft: bool = False
    language: str = "en"
    prefix: str = ""  # as Article.prefix
    translation: Translation | None = None
    menu: str = "main"  # where it is linked from: "main" (the header's menu) or "footer"

    @property
    def url(self) -> str:
        return PAGE.at(self.prefix, self.slug)


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    slug: str
    definition: str
    aliases: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    line: int | None = None
