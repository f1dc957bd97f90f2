"""The editors' command `build.py translations [--done FILE] [FILE ...]`: every translation's
state against its original's text (translations.py), with what changed; and `--done`,
which records that a translation matches its original now."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.content.translations import (
    DIGEST_KEY,
    Change,
    changes,
    current,
    describe,
    digest,
    is_stale,
    keep,
    kept_path,
    paragraphs,
    recorded,
    set_fields,
    shown_path,
)
from sitegen.content.validate import is_file_name
from sitegen.core.config import Config
from sitegen.core.files import read


@dataclass(frozen=True)
class Entry:
    """One translation (or one original with none in a language) and its state."""

    language: str
    state: str  # "current", "stale", "unchecked" (no digest: dates only), "missing" (no translation)
    original: str  # the original's path: content/articles/x.md
    translation: str = ""  # the translation's path, "" when missing
    note: str = ""  # for an editor: why this state, where the old text was found
    changes: tuple[Change, ...] = ()


def survey(config: Config) -> list[Entry]:
    """Every translation of every language, and every original that has none, with its state.
    Reads the content only (no Markdown pass), drafts included: a translation under way is one."""
    from sitegen.content.read import load_content

    default = load_content(config, drafts=True)
    originals: dict[tuple[str, str], Any] = {("articles", a.source.name): a for a in default.articles}
    originals.update({("pages", p.source.name): p for p in default.pages})
    entries: list[Entry] = []
    for language in config.languages[1:]:
        if not (config.content_dir / language).is_dir():
            continue
        content = load_content(config, drafts=True, language=language)
        translated: set[tuple[str, str]] = set()
        for folder, items in (("articles", content.articles), ("pages", content.pages)):
            for item in items:
                made = item.translation
                if made is None:
                    continue
                original = originals.get((folder, made.of))
                if original is None:
                    entries.append(
                        Entry(
                            language,
                            "stale",
                            f"content/{folder}/{made.of}",
                            item.source.path,
                            f"translation_of: {made.of} names no file in content/{folder}/",
                        )
                    )
                    continue
                translated.add((folder, made.of))
                entries.append(_entry(config, language, folder, item, original))
        for (folder, name), original in sorted(originals.items()):
            if (folder, name) not in translated and folder == "articles":
                entries.append(Entry(language, "missing", original.source.path))
    return sorted(entries, key=lambda e: (e.language, e.state == "missing", e.translation or e.original))


def _entry(config: Config, language: str, folder: str, item: Any, original: Any) -> Entry:
    made, shown = item.translation, original.source.path
    if not made.from_text:
        stale = is_stale(config, made, original)
        return Entry(
            language,
            "stale" if stale else "unchecked",
            shown,
            item.source.path,
            "its original was reviewed after the date it was made from (translated_from_reviewed:)" if stale else "",
        )
    now = current(config, shown, original.source.digest)
    if now is None:
        return Entry(language, "stale", shown, item.source.path, f"{shown} cannot be read")
    if digest(now) == made.from_text:
        return Entry(language, "current", shown, item.source.path)
    old = recorded(config, language, folder, original.source.name, shown, made.from_text)
    if old is None:
        return Entry(
            language,
            "stale",
            shown,
            item.source.path,
            f"the English text it was made from ({made.from_text}) is neither kept in "
            f"{shown_path(config, kept_path(config, language, folder, original.source.name))} nor in git, "
            "so the changes cannot be shown: compare the two files",
        )
    return Entry(language, "stale", shown, item.source.path, f"earlier text from {old[1]}", tuple(changes(old[0], now)))


def report(entries: Sequence[Entry], wanted: Sequence[str] = ()) -> str:
    """The listing `build.py translations` prints: every entry, and each stale one's changes
    (only those of the files in `wanted`, when given)."""
    lines: list[str] = []
    for entry in entries:
        if wanted and entry.translation not in wanted and entry.original not in wanted:
            continue
        if entry.state == "missing":
            lines.append(f"missing  {entry.language}  {entry.original} has no translation")
            continue
        lines.append(f"{entry.state:<8} {entry.language}  {entry.translation}  (from {entry.original})")
        if entry.note:
            lines.append(f"    {entry.note}")
        for change in entry.changes:
            lines.extend("    " + line for line in describe(change, entry.original))
    counts = {state: sum(e.state == state for e in entries) for state in ("current", "stale", "unchecked", "missing")}
    lines.append(", ".join(f"{count} {state}" for state, count in counts.items()) + ".")
    if counts["unchecked"]:
        lines.append(
            "unchecked: the translation does not record the English text it was made from, so only the "
            "English `reviewed:` date is compared. Once it matches the English text, run "
            "`.venv/bin/python build.py translations --done FILE`: from then on any change to the English "
            "text is noticed, and shown here."
        )
    return "\n".join(lines)


def _original(config: Config, folder: str, name: str, shown: str) -> tuple[Path, str, str] | str:
    """(the file, its shown path, its text) of the original a translation names, read by the
    one rule as the build reads it; else what to tell the editor. A name only: a path
    (`../../x.md`) would have the command read and write outside the project."""
    original_file = config.content_dir / folder / name
    if not is_file_name(name) or not original_file.is_file():
        return f"{shown}: `translation_of:` does not name a file in content/{folder}/; fix that first."
    original_shown = shown_path(config, original_file)
    raw, refused = read(original_file, config.roots, original_shown)
    if raw is None:
        return refused.message if refused is not None else f"{original_shown} cannot be read."
    return original_file, original_shown, raw.decode("utf-8-sig", errors="replace")


def mark_done(config: Config, path: str) -> tuple[bool, str]:
    """Record in the translation at `path` that it matches its original's text now:
    `translated_from_text:` (and `translated_from_reviewed:`, the original's date), and keep
    that text for the next diff. (done, what to tell the editor)."""
    target = Path(path)
    file = target if target.is_absolute() else Path.cwd() / target
    try:
        shown = file.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        shown = path
    parts = shown.split("/")
    content = shown_path(config, config.content_dir)
    inside = parts[: len(content.split("/"))] == content.split("/") and len(parts) >= 4
    language, folder = (parts[-3], parts[-2]) if inside else ("", "")
    if not inside or language not in config.languages[1:] or folder not in ("articles", "pages"):
        return False, f"{path} is not a translation: give a file in content/<language>/articles/ or pages/."
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        return False, f"{path} cannot be read: {error.strerror}."
    from sitegen.content.frontmatter import split_front_matter

    split, _ = split_front_matter(text, shown, "", file.name)
    data = split[1].data if split is not None and isinstance(split[1].data, dict) else {}
    name = str(data.get("translation_of") or "")
    original = _original(config, folder, name, shown)
    if isinstance(original, str):
        return False, original
    original_file, original_shown, original_text = original
    now = paragraphs(original_text, original_shown)
    if now is None:
        return False, f"{original_shown}: its front matter cannot be read; run `build.py check`."
    values = {DIGEST_KEY: f'"{digest(now)}"'}  # quoted: all digits would read as a number
    original_data = split_front_matter(original_text, original_shown, "", original_file.name)[0]
    reviewed = (
        original_data[1].data.get("reviewed") if original_data and isinstance(original_data[1].data, dict) else None
    )
    if reviewed:
        values["translated_from_reviewed"] = str(reviewed)
    file.write_text(set_fields(text, values, "translation_of"), encoding="utf-8")
    kept = keep(config, language, folder, name, now)
    return True, (
        f"{shown}: recorded that it matches the text of {original_shown} now ({DIGEST_KEY}: {digest(now)}"
        + (f", translated_from_reviewed: {reviewed}" if reviewed else "")
        + f"); kept that text in {shown_path(config, kept)} to show later changes. Commit both files."
    )
