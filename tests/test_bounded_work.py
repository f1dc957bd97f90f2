"""Hostile article bodies (issue 28): the Markdown pass takes bounded time and memory, and
whatever still goes wrong is a finding naming the file, never a traceback or a hang."""

from __future__ import annotations

import random
import time

import pytest

from sitegen.markup import Renderer

FRONT = "---\ntitle: MRI basics\nsummary: What an MRI scan is.\ndate: 2026-01-10\n---\n"


def _render(renderer: Renderer, body: str) -> tuple[object, ...]:
    markup = renderer.render(body, file="content/articles/x.md", body_line=6, targets={"other.md": "other/"}, root="")
    return (markup.html, markup.links, markup.images, markup.diagnostics)


# --- link-like text: linear in the number of brackets ------------------------------------


@pytest.mark.parametrize("unit", ["[a ", "![a ", "[a]( ", "[a]( ( ", "![a](b "])
def test_many_unclosed_brackets_convert_in_linear_time(unit):
    # 50,000 of them took over 120 s (each `[` scanned to the end of the text); now well
    # under a second. Stated as a bound on the time of 50,000 against 5,000: quadratic would be 100x.
    renderer = Renderer()
    _render(renderer, "x")

    def seconds(count: int) -> float:
        start = time.perf_counter()
        _render(renderer, "Intro.\n\n" + unit * count + ")\n")
        return time.perf_counter() - start

    small, large = seconds(5_000), seconds(50_000)
    assert large < 5.0
    assert large < 30 * max(small, 0.005)


BRACKETY = "[]()!\"' ab<>\n"


@pytest.mark.parametrize("seed", range(4))
def test_bracket_fast_paths_give_the_stock_output(seed):
    rng = random.Random(seed)
    fast, stock = Renderer(), Renderer(fast_paths=False)
    pieces = ["[a](other.md)", "[b](x 'y')", '![i](p.png "t")', "[r][]", "[r]", "(", ")", "[", "]", '"', "'"]
    for _ in range(150):
        body = "".join(
            rng.choice(pieces) if rng.random() < 0.5 else rng.choice(BRACKETY) for _ in range(rng.randint(1, 40))
        )
        body += "\n\n[r]: https://example.org/r"
        assert _render(fast, body) == _render(stock, body), body
