"""Translations that know what changed in their original, by content (issue 31).

A translation records the digest of its original's text as it was translated
(`translated_from_text:`, written by `build.py translations --done` and by
`build.py new --translate`, never by hand). Any change to that text makes the translation
stale, whether or not the original's `reviewed:` date moved; a new date alone, with the
same text, does not.

*The original's text* is what a translator translates, as paragraphs: the title, summary,
takeaways, questions, reference titles and disclaimer of the front matter (one paragraph
each), then each block of the body between blank lines. Dates, people and tags are not
text. The digest is over the paragraphs with their spaces collapsed, so re-wrapping a
paragraph changes nothing.

To show *what* changed, the text the digest was made of is needed again. The command that
records a digest keeps that text beside the translations, in
`content/<language>/originals/<articles|pages>/<original>.txt` (one file a translation,
replaced at each `--done`; it is plain paragraphs, and the build reads nothing else there).
When that copy is gone or does not match, the project's git history is searched for a
version of the original whose text has the recorded digest. `changes` compares the old
paragraphs with the current ones (difflib, paragraph by paragraph; words within a changed
paragraph).

The editors' command that lists translations and records one as done is
translation_status.py.
"""

from __future__ import annotations

import difflib
import hashlib
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.core.config import Config

DIGEST_KEY = "translated_from_text"
DIGEST_LENGTH = 16  # hex digits: 64 bits, far beyond any chance of two versions colliding
KEPT_FOLDER = "originals"
GIT_VERSIONS = 200  # how many commits of an original's history are searched for its old text
# One paragraph a front matter field (in this order); lists give one per item.
TEXT_FIELDS = ("title", "summary", "takeaways", "questions", "references", "disclaimer")
SINGULAR = {"takeaways": "takeaway", "questions": "question", "references": "reference"}

Paragraph = tuple[int, str]  # (its first line in the file, its text)


def paragraphs(text: str, shown: str = "") -> list[Paragraph] | None:
    """The translatable text of an article or page file, as (line, paragraph); None when
    its front matter cannot be read (the build reports why)."""
    from sitegen.content.frontmatter import split_front_matter

    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    split, _ = split_front_matter(text, shown, "", Path(shown).name)
    if split is None:
        return None
    source, doc = split
    data: dict[Any, Any] = doc.data if isinstance(doc.data, dict) else {}
    found: list[Paragraph] = []
    for key in TEXT_FIELDS:
        value = data.get(key)
        label = SINGULAR.get(key, key)
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, dict):  # a reference: its title is what a reader reads
                item = item.get("title")
            if item is None or isinstance(item, (dict, list)) or not str(item).strip():
                continue
            at = doc.line(key, index) if isinstance(value, list) else doc.line(key)
            found.append((at or 1, f"{label}: {' '.join(str(item).split())}"))
    block: list[str] = []
    start = source.body_line
    for offset, line in enumerate((source.body or "").split("\n")):
        if line.strip():
            if not block:
                start = source.body_line + offset
            block.append(line.rstrip())
        elif block:
            found.append((start, "\n".join(block)))
            block = []
    if block:
        found.append((start, "\n".join(block)))
    return found


def digest(found: Sequence[Paragraph] | Sequence[str]) -> str:
    """The digest of a text's paragraphs, spaces collapsed (re-wrapping changes nothing)."""
    texts = [item if isinstance(item, str) else item[1] for item in found]
    joined = "\n\n".join(" ".join(text.split()) for text in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


_MEMO: dict[tuple[str, str], list[Paragraph] | None] = {}


def current(config: Config, path: str, key: str = "") -> list[Paragraph] | None:
    """The paragraphs of the project file `path` (as shown: content/articles/x.md) now; with
    `key` (the bytes' sha256, Source.digest) memoised, so the preview reads it once a version."""
    from sitegen.core.files import read

    if key and (path, key) in _MEMO:
        return _MEMO[(path, key)]
    raw, _ = read(config.root / path, config.roots, path)
    found = paragraphs(raw.decode("utf-8-sig", errors="replace"), path) if raw is not None else None
    if key:
        if len(_MEMO) > 4096:
            _MEMO.clear()
        _MEMO[(path, key)] = found
    return found


def kept_path(config: Config, language: str, folder: str, original: str) -> Path:
    """Where the text a translation was made from is kept: content/es/originals/articles/x.txt."""
    return config.content_dir / language / KEPT_FOLDER / folder / (original.removesuffix(".md") + ".txt")


def keep(config: Config, language: str, folder: str, original: str, found: Sequence[Paragraph]) -> Path:
    path = kept_path(config, language, folder, original)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(text for _, text in found) + "\n", encoding="utf-8")
    return path


def recorded(
    config: Config, language: str, folder: str, original: str, original_path: str, wanted: str
) -> tuple[list[str], str] | None:
    """(the original's paragraphs whose digest is `wanted`, where they were found), or None."""
    from sitegen.core.files import read

    kept = kept_path(config, language, folder, original)
    raw, _ = read(kept, config.roots, str(kept))
    if raw is not None:
        texts = [text for text in raw.decode("utf-8", errors="replace").strip("\n").split("\n\n") if text]
        if digest(texts) == wanted:
            return texts, shown_path(config, kept)
    return _from_git(config.root, original_path, wanted)


def shown_path(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", errors="replace") if done.returncode == 0 else None


def _from_git(root: Path, path: str, wanted: str) -> tuple[list[str], str] | None:
    """The text of the newest committed version of `path` whose digest is `wanted`."""
    commits = _git(root, "log", f"--max-count={GIT_VERSIONS}", "--format=%H", "--", path)
    for commit in (commits or "").split():
        text = _git(root, "show", f"{commit}:./{path}")
        found = paragraphs(text, path) if text is not None else None
        if found is not None and digest(found) == wanted:
            return [paragraph for _, paragraph in found], f"git commit {commit[:10]}"
    return None


@dataclass(frozen=True)
class Change:
    """One paragraph of the original that changed since the translation was made."""

    kind: str  # "changed", "added" or "removed"
    line: int  # of the paragraph in the original now (removed: of the paragraph now in its place)
    old: str = ""
    new: str = ""


def changes(old: Sequence[str], new: Sequence[Paragraph]) -> list[Change]:
    """What changed from the old paragraphs to the new, paragraph by paragraph."""
    plain = [" ".join(text.split()) for text in old]
    now = [" ".join(text.split()) for _, text in new]
    end = (new[-1][0] + new[-1][1].count("\n") + 1) if new else 1
    found: list[Change] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, plain, now, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(pairs):
            found.append(Change("changed", new[j1 + k][0], old[i1 + k], new[j1 + k][1]))
        for k in range(j1 + pairs, j2):
            found.append(Change("added", new[k][0], "", new[k][1]))
        for k in range(i1 + pairs, i2):
            found.append(Change("removed", new[j2][0] if j2 < len(new) else end, old[k], ""))
    return found


def marked(old: str, new: str) -> tuple[str, str]:
    """The two versions of a changed paragraph, with the words that differ marked:
    [-removed words-] in the old, [+added words+] in the new."""
    before, after = old.split(), new.split()
    was: list[str] = []
    now: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            was += before[i1:i2]
            now += after[j1:j2]
            continue
        if i2 > i1:
            was.append("[-" + " ".join(before[i1:i2]) + "-]")
        if j2 > j1:
            now.append("[+" + " ".join(after[j1:j2]) + "+]")
    return " ".join(was), " ".join(now)


def describe(change: Change, original: str, width: int = 0) -> list[str]:
    """Lines that show one change to an editor (`width`: shorten each version to about that)."""

    def cut(text: str) -> str:
        """About `width` characters around the first marked change, so the change stays in view."""
        if not width or len(text) <= width:
            return text
        marks = [at for at in (text.find("[-"), text.find("[+")) if at >= 0]
        start = max(0, min(min(marks, default=0) - width // 3, len(text) - width))
        shown = text[start : start + width]
        return ("…" if start else "") + shown + ("…" if start + width < len(text) else "")

    if change.kind == "changed":
        was, now = marked(change.old, change.new)
        return [f"changed at {original}:{change.line}:", f"    was: {cut(was)}", f"    now: {cut(now)}"]
    if change.kind == "added":
        return [f"added at {original}:{change.line}:", f"    now: {cut(' '.join(change.new.split()))}"]
    return [f"removed before {original}:{change.line}:", f"    was: {cut(' '.join(change.old.split()))}"]


def set_fields(text: str, values: dict[str, str], after: str) -> str:
    """The file `text` with front matter fields set to `values` (each replaced on its own line,
    or added after the `after` field's line), everything else as it was."""
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines))
    anchor = next((i for i in range(1, end) if lines[i].startswith(f"{after}:")), end - 1)
    for key, value in values.items():
        at = next((i for i in range(1, end) if lines[i].startswith(f"{key}:")), None)
        if at is not None:
            lines[at] = f"{key}: {value}"
            continue
        anchor += 1  # the new fields in the order given, after `after`
        lines.insert(anchor, f"{key}: {value}")
        end += 1
    return "\n".join(lines)


def is_stale(config: Config, made: Any, original: Any) -> bool | None:
    """Whether translation `made` (a Translation) lags its `original` (an Article or Page):
    by content when it records a digest, else by the original's `reviewed:` date; None when
    the original's text cannot be read."""
    if made.from_text:
        now = current(config, original.source.path, original.source.digest)
        return None if now is None else digest(now) != made.from_text
    revised = getattr(original, "reviewed", None)
    return bool(revised is not None and made.from_reviewed is not None and revised > made.from_reviewed)
