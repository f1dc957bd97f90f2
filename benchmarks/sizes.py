"""Does build time grow in proportion to input size? `python benchmarks/sizes.py [--profile]`.

Builds one site holding a single large article at 1x, 2x and 4x size, for two shapes:
prose (4x = a 5 MB article) and one pipe table (4x = 10,000 rows), and prints the seconds
and the ratio to 1x side by side. Linear work gives ratios near 2 and 4; a quadratic step
shows as ratios near 4 and 16. `--profile` prints the top functions of the 4x builds
(cProfile), to find the step that grows.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FRONT = (
    "---\ntitle: A very long article\nsummary: Built to measure how build time grows with size.\n"
    "date: 2026-01-10\nreviewed: 2026-01-10\ntags: [Size]\n---\n"
)
PARAGRAPH = (
    "The scan shows small areas of change in the brain where myelin has been damaged, and your "
    "care team compares each new image with earlier ones. See [the other article](other.md) "
    "and [a source](https://example.org/page). **Bold** and *italic* words, `code`.\n\n"
)


def prose(target_bytes: int) -> str:
    """About `target_bytes` of Markdown: sections of paragraphs, lists and links."""
    parts, size, section = [FRONT], len(FRONT), 0
    while size < target_bytes:
        section += 1
        block = f"## Section {section}\n\n" + PARAGRAPH * 8 + "- one point\n- another point\n\n"
        parts.append(block)
        size += len(block.encode("utf-8"))
    return "".join(parts)


def table(rows: int) -> str:
    lines = [FRONT, "Table: A long table\n", "| Scan | What it shows | When |", "|---|---|---|"]
    lines += [
        f"| T{row % 3 + 1} scan {row} | Lesions and **changes** number {row} | Year {2000 + row % 25} |"
        for row in range(rows)
    ]
    return "\n".join(lines) + "\n"


def build_once(text: str, profile: bool) -> float:
    from sitegen.core.config import load_config
    from sitegen.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "content" / "articles").mkdir(parents=True)
        (root / "content" / "articles" / "big.md").write_text(text, encoding="utf-8")
        (root / "content" / "articles" / "other.md").write_text(
            "---\ntitle: Other\nsummary: S.\ndate: 2026-01-10\n---\nShort.\n", encoding="utf-8"
        )
        (root / "config.yaml").write_text(
            f"title: Size\ndisclaimer: Test.\npaths:\n  templates: {REPO / 'templates'}\n  static: {REPO / 'static'}\n",
            encoding="utf-8",
        )
        config, problems = load_config(root / "config.yaml")
        assert config is not None, problems
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = build(config)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        assert result.ok, [d.format() for d in result.diagnostics][:5]
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", action="store_true", help="cProfile the 4x builds")
    args = parser.parse_args()
    shapes = {
        "prose (4x = 5 MB)": lambda factor: prose(5 * 1024 * 1024 * factor // 4),
        "table (4x = 10,000 rows)": lambda factor: table(10_000 * factor // 4),
    }
    for name, make in shapes.items():
        timings = {}
        for factor in (1, 2, 4):
            text = make(factor)
            timings[factor] = build_once(text, args.profile and factor == 4)
            print(
                f"{name:26} {factor}x {len(text.encode('utf-8')) / 1e6:6.2f} MB  {timings[factor]:7.2f} s  "
                f"ratio to 1x {timings[factor] / timings[1]:5.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
