"""The Markdown pass alone, in ms per article, over the synthetic corpus (benchmarks/corpus.py).

    python benchmarks/markdown_pass.py [--count 300] [--passes 7] [--raw-html escape]
                                       [--compare /path/to/pkg_copy ...]

Cases, timed in one process, alternating, median of the passes:
  bare          markdown.Markdown() with no extensions, reset() per document (the floor)
  stock         Renderer(fast_paths=False): our configuration on Python-Markdown's stock processors
  render        Renderer(): with the fast paths (sitegen/markup/fastpaths.py)
  aids          reading_aids over each article's prose
  render+aids   both, as the build does per article
  textstat      textstat's flesch_kincaid_grade (memoized hyphenation) over the same prose: what
                reading_aids called before
--compare DIR renders with another copy of the sitegen package (say, saved before a change):
DIR is the copied package folder, under any name; it is imported under that name.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import markdown  # noqa: E402
import yaml  # noqa: E402
from corpus import make_corpus  # noqa: E402

from sitegen.core.article import GlossaryTerm  # noqa: E402
from sitegen.core.slugs import slugify  # noqa: E402


def load(folder: Path):
    """(body, render keyword arguments) per article, and the glossary."""
    paths = sorted((folder / "content" / "articles").glob("*.md"))
    targets = {path.name: f"articles/{path.stem}/" for path in paths}
    articles = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        front, body = text.split("\n---\n", 1)
        articles.append(
            (
                body,
                dict(
                    file=f"content/articles/{path.name}",
                    body_line=front.count("\n") + 3,
                    targets=targets,
                    root="../../",
                ),
            )
        )
    entries = yaml.safe_load((folder / "content" / "glossary.yaml").read_text(encoding="utf-8")) or []
    glossary = tuple(
        GlossaryTerm(e["term"], slugify(e["term"]), e["definition"], tuple(e.get("aliases", ()))) for e in entries
    )
    return articles, glossary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--raw-html", default="escape", choices=["escape", "sanitize", "allow"])
    parser.add_argument("--compare", type=Path, action="append", default=[])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        articles, glossary = load(make_corpus(args.count, Path(tmp) / "corpus"))

    from sitegen.build.reading import reading_aids
    from sitegen.markup import Renderer

    def bare():
        md = markdown.Markdown()
        for body, _ in articles:
            md.reset()
            md.convert(body)

    def renders(renderer, aids=None):
        def run():
            for body, kwargs in articles:
                markup = renderer.render(body, **kwargs)
                if aids:
                    aids(markup.prose)

        return run

    proses = [Renderer(args.raw_html, glossary).render(body, **kwargs).prose for body, kwargs in articles]
    cases = {
        "bare": bare,
        "stock": renders(Renderer(args.raw_html, glossary, fast_paths=False)),
        "render": renders(Renderer(args.raw_html, glossary)),
        "aids": lambda: [reading_aids(prose) for prose in proses],
        "render+aids": renders(Renderer(args.raw_html, glossary), reading_aids),
    }
    try:
        from textstat.textstat import textstatistics

        from sitegen.build.reading import _CachedHyphenation

        scorer = textstatistics()
        scorer.pyphen = _CachedHyphenation(scorer.pyphen)  # as reading_aids used it before
        cases["textstat"] = lambda: [scorer.flesch_kincaid_grade(" ".join(prose)) for prose in proses if prose]
    except ImportError:
        pass
    for folder in args.compare:
        sys.path.insert(0, str(folder.resolve().parent))
        package = folder.resolve().name
        old = importlib.import_module(package + ".markup").Renderer(args.raw_html, glossary)
        old_aids = importlib.import_module(package + ".reading").reading_aids
        cases[f"{package} render"] = renders(old)
        cases[f"{package} render+aids"] = renders(old, old_aids)

    for run in cases.values():
        run()  # warm: imports, memos, the regex cache
    times = {name: [] for name in cases}
    for _ in range(args.passes):
        for name, run in cases.items():
            gc.collect()
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000 / len(articles))
    print(f"{len(articles)} articles, raw_html={args.raw_html}, {args.passes} passes; ms per article:")
    for name, values in times.items():
        print(f"  {name:28s} median {statistics.median(values):6.3f}   min {min(values):6.3f}")


if __name__ == "__main__":
    main()
