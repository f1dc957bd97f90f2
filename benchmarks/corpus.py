"""A seeded synthetic site shaped like ours, for benchmarks: `python benchmarks/corpus.py N DIR`.

Each article has full front matter (takeaways, questions, references), 4-6
sections of ~800 words in all, a captioned table, a list, callouts, links to
other articles and glossary terms. Same seed, same corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = [
    "the",
    "scan",
    "shows",
    "small",
    "areas",
    "of",
    "change",
    "in",
    "the",
    "brain",
    "and",
    "spinal",
    "cord",
    "where",
    "myelin",
    "has",
    "been",
    "damaged",
    "your",
    "care",
    "team",
    "compares",
    "each",
    "new",
    "image",
    "with",
    "earlier",
    "ones",
    "to",
    "see",
    "whether",
    "lesions",
    "are",
    "new",
    "or",
    "larger",
    "inflammation",
    "can",
    "open",
    "the",
    "blood",
    "brain",
    "barrier",
    "and",
    "contrast",
    "helps",
    "show",
    "where",
    "this",
    "is",
    "happening",
    "now",
    "many",
    "lesions",
    "cause",
    "no",
    "symptoms",
    "so",
    "regular",
    "scans",
    "give",
    "information",
    "that",
    "symptoms",
    "alone",
    "cannot",
    "give",
    "people",
    "often",
    "find",
    "it",
    "helpful",
    "to",
    "write",
    "down",
    "questions",
    "before",
    "the",
    "appointment",
    "and",
    "bring",
    "a",
    "friend",
]
TAGS = ["MRI basics", "Lesions", "Disease processes", "Research", "Your care", "Treatment", "Spinal cord", "Eyes"]
TERMS = ["lesion", "myelin", "gadolinium", "atrophy", "FLAIR", "axon"]


def sentence(rng: random.Random, low=8, high=16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = rng.choice(TERMS)
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))


def article(rng: random.Random, index: int, count: int) -> str:
    title = f"Article {index}: " + sentence(rng, 3, 6).rstrip(".")
    others = [rng.randrange(count) for _ in range(2)]
    sections = []
    for number in range(rng.randint(4, 6)):
        parts = [f"## Section {number + 1} {rng.choice(WORDS)}", paragraph(rng), paragraph(rng)]
        if number == 1:
            parts.append(
                "Table: What each scan shows\n| Scan | Shows | Used for |\n|---|---|---|\n"
                + "\n".join(
                    f"| {rng.choice(WORDS)} | {sentence(rng, 2, 4)} | {sentence(rng, 2, 4)} |" for _ in range(4)
                )
            )
        if number == 2:
            parts.append("\n".join(f"- {sentence(rng, 4, 8)}" for _ in range(4)))
            parts.append(f'!!! key-point "The main idea"\n    {sentence(rng)}')
        if number == 3:
            parts.append(
                f"See [a related article](article-{others[0]:05d}.md) and "
                f"[another one](article-{others[1]:05d}.md#section-1-{'x'}).".replace("#section-1-x", "")
            )
            parts.append(f"!!! note\n    {sentence(rng)}")
        sections.append("\n\n".join(parts))
    tags = rng.sample(TAGS, rng.randint(1, 3))
    year = 2020 + index % 6
    return (
        f"""---
title: "{title}"
summary: "{sentence(rng)} {sentence(rng)}"
date: {year}-{index % 12 + 1:02d}-{index % 28 + 1:02d}
reviewed: 2026-{index % 11 + 1:02d}-{index % 28 + 1:02d}
reviewer: Editorial team
author: Editorial team
tags: [{", ".join(tags)}]
takeaways:
  - {sentence(rng, 6, 12)}
  - {sentence(rng, 6, 12)}
  - {sentence(rng, 6, 12)}
questions:
  - {sentence(rng, 6, 10).rstrip(".")}?
  - {sentence(rng, 6, 10).rstrip(".")}?
references:
  - title: "{sentence(rng, 5, 9)}"
    authors: Example A, Example B
    journal: Journal of Examples
    year: {year}
    doi: 10.1000/example.{index}
---
{paragraph(rng)}

"""
        + "\n\n".join(sections)
        + "\n"
    )


def make_corpus(count: int, target: Path, seed: int = 1) -> Path:
    """Write a complete site (config, content, the real templates and static files) into `target`."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    articles = target / "content" / "articles"
    articles.mkdir(parents=True)
    (target / "content" / "pages").mkdir()
    shutil.copy(REPO / "content" / "pages" / "about.md", target / "content" / "pages" / "about.md")
    shutil.copy(REPO / "content" / "glossary.yaml", target / "content" / "glossary.yaml")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "static", target / "static")
    config = (REPO / "config.yaml").read_text(encoding="utf-8")
    (target / "config.yaml").write_text(config, encoding="utf-8")
    for index in range(count):
        (articles / f"article-{index:05d}.md").write_text(article(rng, index, count), encoding="utf-8")
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(make_corpus(args.count, args.target, args.seed))
