"""A source's bytes to its `Source` and its front matter, as a YAML document.

Front matter is required: a first line `---`, the fields, a closing `---` (or `...`).
Used by every reader of a source: the build (sourcefiles.py), translations and the editor.
"""

from __future__ import annotations

import hashlib
import json

from sitegen.content import frontslips
from sitegen.core import yamlread
from sitegen.core.article import Loaded, Source
from sitegen.core.errors import Diagnostic
from sitegen.core.sources import decode


def split_front_matter(
    text: str, shown: str, digest: str, name: str, file: str = ""
) -> tuple[tuple[Source, yamlread.YamlDocument] | None, list[Diagnostic]]:
    """(Source, YamlDocument) or (None, diagnostics). Front matter is required. The slips of
    frontslips.py that are mended are read as meant; the others come with the pair."""
    lines = text.split("\n")
    if not text.strip():
        return None, [
            Diagnostic(
                shown,
                1,
                "file-empty",
                "The file is empty.",
                'Start it with front matter: see the example article in README.md, or run `.venv/bin/python build.py new "Title"`.',
            )
        ]
    if lines[0].strip() != "---":
        return None, [
            Diagnostic(
                shown,
                1,
                "front-matter-missing",
                "The file does not start with front matter.",
                "The first line must be `---`, then the fields (title:, summary:, ...), then a closing `---`.",
                excerpt=lines[0][:120],
            )
        ]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            end = index
            break
    else:
        return None, [
            Diagnostic(
                shown,
                1,
                "front-matter-unclosed",
                "The front matter is never closed.",
                "Add a line with only `---` after the last field, before the article text.",
            )
        ]
    written = lines[1:end]
    front = "\n".join(written)
    mended = frontslips.mend(written)  # no-break spaces and curly quotes that mean YAML's own
    doc = yamlread.load("\n".join(mended), shown, first_line=2, source_lines=written)
    if doc.diagnostics:
        return None, doc.diagnostics
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        return None, [
            Diagnostic(
                shown,
                2,
                "front-matter-not-mapping",
                f"The front matter is a {type(doc.data).__name__}, not a set of `key: value` fields.",
                "Write one field per line, e.g. `title: What MRI shows`.",
            )
        ]
    slips = frontslips.slips(doc, mended, 2, shown)
    field_lines = json.dumps(sorted(((k, v) for k, v in doc.lines.items() if len(k) <= 3), key=repr))
    source = Source(
        path=shown,
        name=name,
        digest=digest,
        body_line=end + 2,
        field_lines=field_lines,
        loaded=Loaded("\n".join(lines[end + 1 :]), file),
        front=hashlib.blake2b(f"{shown}\n{front}".encode("utf-8", "surrogatepass"), digest_size=16).hexdigest(),
    )
    return (source, doc), slips


def read_bytes(
    data: bytes, shown: str, digest: str, name: str, file: str = ""
) -> tuple[tuple[Source, yamlread.YamlDocument] | None, list[Diagnostic]]:
    text, problems = decode(data, shown)
    if text is None:
        return None, problems
    return split_front_matter(text, shown, digest, name, file)
