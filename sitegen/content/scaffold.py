"""`build.py new "Title"`: a new article with complete front matter, ready to fill in."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.core.config import Config
from sitegen.core.slugs import slugify

# The template's stand-in text: `check` reports any of it still in an article (template-text),
# so these are named once, here, and written into TEMPLATE below.
SUMMARY = "One or two plain sentences saying what the reader will learn (under 300 characters)."
OPENING = "A short opening paragraph: what this article is about and who it is for."
ADVICE = "Write in short sentences and everyday words. Explain each medical word the first time."
CALLOUT = "The one thing a reader should remember."
LINK_EXAMPLE = "Link to other articles by their file name, like this: `[what an MRI shows](mri-basics-in-ms.md)`."
PLACEHOLDER_TEXT = (OPENING, ADVICE, CALLOUT, LINK_EXAMPLE)
PLACEHOLDER_HEADINGS = ("First section", "Second section")

TEMPLATE = """---
title: {title}
summary: {summary}
date: {today}
reviewed: {today}
# next_review: YYYY-MM-DD   (optional; default: reviewed + {months} months)
reviewer: {person}          # a key of content/people.yaml{people}
author: {person}
tags: [{tags}]
draft: true
takeaways:
  # 1 to 6 short sentences, each under 200 characters:
  # - MRI is the main test used to diagnose and follow MS.
questions:
  # Questions a reader could take to their neurologist:
  # - What does my latest scan show?
references:
  # Copy ids only from the paper's own record (journal or PubMed page):
  # - title: "Title of the paper"
  #   authors: Surname A, Surname B, et al.
  #   journal: Journal name
  #   year: 2024
  #   doi: 10.xxxx/xxxxx
  #   pmid: "12345678"
---
{opening}

## {first}

{advice}

!!! key-point "The main idea"
    {callout}

## {second}

{link_example}
"""


def new_article(config: Config, title: str, tags: str) -> int:
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        print("The title needs at least one letter or digit.", file=sys.stderr)
        return 1
    path = config.content_dir / "articles" / f"{slug}.md"
    if path.exists():
        print(f"{path} already exists; nothing was written. Choose another title, or edit that file.", file=sys.stderr)
        return 1
    tag_list = ", ".join(t.strip() for t in tags.split(",") if t.strip())
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(
            TEMPLATE.format(
                title=quoted,
                today=date.today().isoformat(),
                tags=tag_list,
                months=config.review_interval_months,
                person=_default_person(config),
                people=f" ({', '.join(sorted(config.people))})" if config.people else "",
                summary=SUMMARY,
                opening=OPENING,
                advice=ADVICE,
                callout=CALLOUT,
                link_example=LINK_EXAMPLE,
                first=PLACEHOLDER_HEADINGS[0],
                second=PLACEHOLDER_HEADINGS[1],
            )
        )
    print(f"Created {path}")
    running = running_preview(config)
    if running:
        print(f"The preview is running: open {running}articles/{slug}/")
    else:
        print(f"Preview it with `make serve`, then open {DEFAULT_PREVIEW}articles/{slug}/")
    return 0


# The preview records its address while it runs, so `new` can name the page at the port the
# preview really uses (it always said 8000).
PREVIEW_FILE = "preview.json"
DEFAULT_PREVIEW = "http://127.0.0.1:8000/"  # what `make serve` gives


def remember_preview(config: Config, address: str) -> Callable[[], None]:
    """Record the running preview's address; returns the function that forgets it."""
    path = config.cache_dir / PREVIEW_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"address": address, "pid": os.getpid()}), encoding="utf-8")
    except OSError:
        return lambda: None  # only a convenience: `new` then names the default address

    def forget() -> None:
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass

    return forget


def running_preview(config: Config) -> str | None:
    """The address of the preview running for this site, or None."""
    try:
        record = json.loads((config.cache_dir / PREVIEW_FILE).read_text(encoding="utf-8"))
        address, pid = str(record["address"]), int(record["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)  # signal 0: is that process still there? (a preview that was killed left its record)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # it exists, run by another user
    if not (address.startswith("http://") and address.endswith("/")):
        return None
    try:  # and it still listens there (the process number may have been given to another program)
        parts = urlsplit(address)
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=0.5):
            return address
    except (OSError, ValueError):
        return None


def _default_person(config: Config) -> str:
    """Who a new article names as reviewer and author: the team's key in content/people.yaml
    (an organization), else its first person, else plain text (allowed, shown as written)."""
    teams = [key for key, person in config.people.items() if person.organization]
    return (teams or list(config.people) or ["Editorial team"])[0]


def new_translation(config: Config, original: str, title: str, language: str | None) -> int:
    """`build.py new --translate content/articles/x.md "Título"`: the translation's file in
    content/<language>/articles/, named from its title, holding the original's front matter
    (its title replaced, `draft: true`, the translation fields filled in, the digest of the
    original's text recorded: translations.py) and the original's body, to translate in place."""
    from sitegen.content import translations

    others = [code for code in config.languages if code != config.language]
    if language is None and len(others) == 1:
        language = others[0]
    if language not in others:
        choices = ", ".join(others) or "none: add `languages:` to config.yaml"
        print(f"Say which language to translate into with --language ({choices}).", file=sys.stderr)
        return 1
    source = Path(original)
    source = source if source.is_absolute() else Path.cwd() / source
    folder = source.parent.name
    if folder not in ("articles", "pages") or source.parent.parent.resolve() != config.content_dir.resolve():
        print(
            f"{original} is not an article or page of the site's own language: give a file in "
            "content/articles/ or content/pages/.",
            file=sys.stderr,
        )
        return 1
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        print(f"{original} cannot be read: {error.strerror}.", file=sys.stderr)
        return 1
    shown = f"content/{folder}/{source.name}"
    found = translations.paragraphs(text, shown)
    if found is None:
        print(f"{shown}: its front matter cannot be read; run `build.py check` and fix it first.", file=sys.stderr)
        return 1
    title = " ".join(title.split())
    slug = slugify(title)
    if not slug:
        print(
            'Give the title in the new language, in quotes: new --translate FILE "Qué muestra una resonancia".',
            file=sys.stderr,
        )
        return 1
    path = config.content_dir / language / folder / f"{slug}.md"
    if path.exists():
        print(f"{path} already exists; nothing was written. Choose another title, or edit that file.", file=sys.stderr)
        return 1
    today = date.today().isoformat()
    reviewed = _field(text, "reviewed")
    quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    made = _drop_fields(text, ("slug", "aliases", "draft", *_TRANSLATION_FIELDS))
    made = translations.set_fields(made, {"title": quoted, "date": today, "reviewed": today}, "title")
    made = translations.set_fields(
        made,
        {
            "draft": "true                 # until the translation is finished and checked",
            "translation_of": source.name,
            "translated_from_reviewed": reviewed or today,
            "translated_by": _default_person(config),
            "translation_clinical_review": "false",
            translations.DIGEST_KEY: f'"{translations.digest(found)}"',  # quoted: digits alone read as a number
        },
        "reviewed",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(made)
    kept = translations.keep(config, language, folder, source.name, found)
    print(
        f"Created {path.relative_to(config.root) if path.is_relative_to(config.root) else path}, "
        f"a translation of {shown} to translate in place (the title is yours already)."
    )
    print(
        f"Kept the English text it starts from in {kept.relative_to(config.root) if kept.is_relative_to(config.root) else kept}, "
        "to show what changes in the English later (`build.py translations`). Commit it with the translation."
    )
    print("Translate the summary, takeaways, questions, tags and text; remove `draft: true` when it is ready.")
    return 0


_TRANSLATION_FIELDS = (
    "translation_of",
    "translated_from_reviewed",
    "translated_by",
    "translation_clinical_review",
    "translated_from_text",
)


def _field(text: str, key: str) -> str:
    """A one-line front matter value as written (for dates), or ""."""
    for line in text.split("\n")[1:]:
        if line.rstrip() in ("---", "..."):
            break
        if line.startswith(f"{key}:"):
            return line.split(":", 1)[1].split("#", 1)[0].strip().strip("\"'")
    return ""


def _drop_fields(text: str, keys: tuple[str, ...]) -> str:
    """The file without these front matter fields (each with its indented lines)."""
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), len(lines))
    kept, dropping = [lines[0]], False
    for line in lines[1:end]:
        if line and not line[0].isspace() and not line.startswith(("#", "- ")):
            dropping = line.split(":", 1)[0].strip() in keys
        elif line.startswith("#"):
            dropping = False
        if not dropping:
            kept.append(line)
    return "\n".join(kept + lines[end:])
