"""Each Builder keeps the syllable counts of the reading aids in its own build cache: two
Builders in one process, with different cache folders, do not write into each other's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.build import cache, reading
from sitegen.core.config import load_config
from sitegen.pipeline import Builder

REPO = Path(__file__).resolve().parent.parent
ARTICLE = """---
title: "{title}"
summary: "What the scan shows."
date: 2026-01-10
reviewed: 2026-01-20
tags: [MRI basics]
takeaways:
  - One point.
references:
  - title: A paper
    doi: 10.1000/x.1
---
The scan shows {word} in the brain. Your neurologist explains what it means for you.
"""


def site(root: Path, word: str) -> Builder:
    """A one-article site (the real templates, no search) whose text has `word`, and its Builder."""
    for name in ("templates", "static"):
        shutil.copytree(REPO / name, root / name)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "config.yaml").write_text("title: T\nurl: https://example.test/\ndisclaimer: D.\nsearch: false\n")
    (root / "content" / "articles" / "scan.md").write_text(ARTICLE.format(title=f"Scan {root.name}", word=word))
    config, problems = load_config(root / "config.yaml")
    assert config is not None and not problems
    return Builder(config, jobs=1)


def kept_words(root: Path) -> set[str]:
    found = reading._syllables_file(root / ".cache")
    assert found is not None
    counts = cache.load(*found)
    return set(counts) if isinstance(counts, dict) else set()


@pytest.mark.skipif(reading._syllables_file(Path(".")) is None, reason="pyphen is not the version counts are kept for")
def test_two_builders_keep_their_own_syllable_files(tmp_path):
    reading.forget()  # as a new process starts
    first = site(tmp_path / "first", "zorblaxitude")
    second = site(tmp_path / "second", "quenthrobulism")  # made after the first: its cache is not the first's
    assert first.build().ok
    assert "zorblaxitude" in kept_words(tmp_path / "first")
    assert not (tmp_path / "second" / ".cache" / "syllables.pickle").exists()  # the second has not built
    assert second.build().ok
    assert "quenthrobulism" in kept_words(tmp_path / "second")
    # The first Builder, building again after an edit, still writes into its own cache.
    article = tmp_path / "first" / "content" / "articles" / "scan.md"
    article.write_text(article.read_text().replace("zorblaxitude", "plimbernacity"))
    assert first.build().ok
    assert "plimbernacity" in kept_words(tmp_path / "first")
    assert "plimbernacity" not in kept_words(tmp_path / "second")
    # A new process reads each file back: the counts kept are the words each site used.
    reading.forget()
    reading.SyllableFile(tmp_path / "second" / ".cache")
    assert "quenthrobulism" in reading._SYLLABLES and "plimbernacity" not in reading._SYLLABLES
    reading.forget()
