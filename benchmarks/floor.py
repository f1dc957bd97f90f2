"""The floor: a bare loop of Python-Markdown (one reused instance, reset()) and one Jinja
template, no features at all, over the same corpus with the same number of processes.
`python benchmarks/floor.py CONTENT_DIR OUT_DIR JOBS`."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

import jinja2
import markdown

TEMPLATE = jinja2.Template("<!DOCTYPE html><html><head><title>{{ title }}</title></head><body>{{ body }}</body></html>")
_md = None


def convert(paths: list[str]) -> int:
    global _md
    _md = _md or markdown.Markdown()
    out = Path(sys.argv[2])
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[-1]
        _md.reset()
        html = TEMPLATE.render(title=Path(path).stem, body=_md.convert(body))
        target = out / Path(path).stem
        target.mkdir(parents=True, exist_ok=True)
        (target / "index.html").write_text(html, encoding="utf-8")
    return len(paths)


def main() -> None:
    content, jobs = Path(sys.argv[1]), int(sys.argv[3])
    paths = sorted(str(p) for p in (content / "articles").glob("*.md"))
    if jobs == 1:
        convert(paths)
        return
    size = max(8, len(paths) // (jobs * 4))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        sum(pool.imap_unordered(convert, [paths[i : i + size] for i in range(0, len(paths), size)]))


if __name__ == "__main__":
    main()
