"""The content model: frozen values made by `content`, read by every later stage."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date


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

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""


@dataclass(frozen=True)
class Source:
    """A Markdown file as read from disk: where it is, its text, and where its body starts."""

    path: str          # as shown to editors, relative to the project (e.g. content/articles/x.md)
    name: str          # the file name, which is how other articles link to it
    digest: str        # sha256 of the bytes on disk; the cache key of everything derived from it
    body: str | None   # None: not read in this build (the file is unchanged; see `restore`)
    body_line: int     # the line of the file on which `body` starts
    # ((key path, line), ...) for messages from later stages (see `lines`). Not compared:
    # it follows from the bytes, and `digest` is.
    field_lines: tuple | str = field(default=(), compare=False)
    file: str = ""     # the path it was read from, to read the body again

    def __reduce__(self):
        # The build cache keeps a Source without its body (most of its size): a build reads
        # a file again when its stat changed, and otherwise only when something needs the
        # body (`restore`), checking that the bytes are still the ones of `digest`. The field
        # lines travel as one JSON string (some twenty small tuples per article were a third
        # of the time it took to load the cache), turned back into tuples when first asked.
        return (Source, (self.path, self.name, self.digest, None, self.body_line, self.packed_lines(), self.file))

    def packed_lines(self) -> str:
        """field_lines as the one JSON string the cache keeps, from now on. Readers that parse
        many files call this as they go, so that the cache's save at the end of a build
        (in one process, after the parallel work) has none left to encode."""
        if not isinstance(self.field_lines, str):
            object.__setattr__(self, "field_lines", json.dumps(self.field_lines))
        return self.field_lines

    @property
    def lines(self) -> tuple:
        """field_lines, as tuples."""
        if isinstance(self.field_lines, str):
            try:
                decoded = tuple((tuple(key), line) for key, line in json.loads(self.field_lines))
            except (ValueError, TypeError):
                decoded = ()
            object.__setattr__(self, "field_lines", decoded)
        return self.field_lines

    def restore(self, data: bytes | None = None) -> bool:
        """Put the body back, from `data` or the file, if those are the very bytes `digest`
        was made of; False if not (the file changed or went since this Source was made).
        Raises OSError when the file is there but cannot be read."""
        if self.body is not None:
            return True
        if data is None:
            try:
                with open(self.file, "rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, NotADirectoryError):
                return False  # gone since it was parsed; any other error is the caller's to report
            if hashlib.sha256(data).hexdigest() != self.digest:
                return False
        from .content import decode  # the very decoding the Source was parsed after
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
        # A body is the same whoever restores it first: completing the frozen value in place
        # (rather than copying it and everything that holds it) is what makes this cheap.
        object.__setattr__(self, "body", text[start:])
        return True

    def line_of_text(self, needle: str) -> int:
        """The file line of the first occurrence of `needle` in the body (its first line if absent)."""
        try:
            if not self.restore():
                return self.body_line
        except OSError:
            return self.body_line
        index = self.body.find(needle) if needle else -1
        return self.body_line + (self.body.count("\n", 0, index) if index >= 0 else 0)

    def line_of(self, *path) -> int | None:
        lines = dict(self.lines)
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return 1


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

    @property
    def url(self) -> str:
        """Path of the page relative to the site root (pretty URL)."""
        return f"articles/{self.slug}/"

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

    @property
    def url(self) -> str:
        return f"{self.slug}/"


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    slug: str
    definition: str
    aliases: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    line: int | None = None
