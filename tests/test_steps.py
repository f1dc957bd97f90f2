"""The build's steps (issue 30, item 4): one BuildMode value, each step named and timed,
`build --timings`, and a progress line on a terminal that stays out of logs."""

from __future__ import annotations

import io
import os
import threading

import pytest

from sitegen.pipeline import Builder, BuildMode
from sitegen.system.parallel import forking, share_out
from sitegen.system.steps import TerminalProgress, timings_table
from sitekit import run_cli

FRONT = "---\ntitle: {title}\nsummary: S.\ndate: 2026-01-10\n---\nText {title}.\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_options_change_single_fields_of_the_mode(blank_site):
    blank_site.article("a.md", FRONT.format(title="A"))
    builder = Builder(blank_site.config(), use_cache=False)
    mode = BuildMode(write=False)
    assert builder.build(mode).files  # written to memory only
    assert not blank_site.public.exists()
    assert BuildMode(strict=True).checks and BuildMode(lenient=True).checks and not BuildMode().checks
    with pytest.raises(TypeError):
        builder.build(mode, preview=True)  # the old flag is gone, not silently ignored


def test_every_step_is_named_and_timed_in_order(blank_site):
    for number in range(3):
        blank_site.article(f"a{number}.md", FRONT.format(title=f"A{number}"))
    result = Builder(blank_site.config()).build()
    assert result.ok
    names = [name for name, _ in result.timings]
    assert names == [
        "read and validate",
        "plan",
        "open the new site",
        "images",
        "articles and pages (en)",
        "checks across languages",
        "static files",
        "search index",
        "publish",
        "save the cache",
    ]
    assert all(seconds >= 0 for _, seconds in result.timings)
    assert sum(seconds for _, seconds in result.timings) <= result.seconds


def test_a_build_with_nothing_to_do_times_what_it_did(blank_site):
    blank_site.article("a.md", FRONT.format(title="A"))
    builder = Builder(blank_site.config())
    assert builder.build().ok
    again = builder.build()
    assert [name for name, _ in again.timings][:3] == ["read and validate", "plan", "findings kept from the last build"]


def test_build_timings_prints_the_table(blank_site):
    blank_site.article("a.md", FRONT.format(title="A"))
    ran = run_cli("build", "--timings", cwd=blank_site.root)
    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("step ")))
    assert lines[start + 2].startswith("read and validate ") and lines[-1].startswith("the whole build ")
    assert "Building:" not in ran.stderr  # not a terminal: no progress line


def test_the_table_lines_up():
    table = timings_table([("plan", 0.25), ("search index", 1.5)], 2.0).splitlines()
    assert table == [
        "step             seconds",
        "---------------  -------",
        "plan               0.250",
        "search index       1.500",
        "the whole build    2.000",
    ]


def test_progress_waits_a_second_then_updates_one_line_and_clears_it():
    screen = Terminal()
    progress = TerminalProgress(screen)
    progress("plan")
    assert screen.getvalue() == ""  # a quick build shows nothing
    progress.started -= 2
    progress("articles (en)", 40, 1200)
    progress("search index")
    progress("")
    assert screen.getvalue() == ("\r\x1b[KBuilding: articles (en): 40 of 1,200…\r\x1b[KBuilding: search index…\r\x1b[K")


def test_progress_is_only_for_a_terminal_and_never_in_ci_or_when_quiet(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert TerminalProgress.wanted(Terminal(), quiet=False)
    assert not TerminalProgress.wanted(io.StringIO(), quiet=False)  # a log file or a pipe
    assert not TerminalProgress.wanted(Terminal(), quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not TerminalProgress.wanted(Terminal(), quiet=False)


def test_a_build_tells_its_progress_of_each_step_and_its_articles(blank_site):
    for number in range(40):
        blank_site.article(f"a{number:02d}.md", FRONT.format(title=f"A{number}"))
    told: list[tuple[str, int | None, int | None]] = []
    builder = Builder(blank_site.config(), use_cache=False, jobs=2)
    builder.progress = lambda step, done=None, total=None: told.append((step, done, total))
    assert builder.build().ok
    steps = [step for step, done, _ in told if done is None]
    assert steps[:2] == ["read and validate", "plan"] and steps[-1] == ""
    counts = [(done, total) for step, done, total in told if step == "articles (en)"]
    assert all(total == 40 for _, total in counts) and all(0 <= done <= 40 for done, _ in counts)
    assert [done for done, _ in counts] == sorted(done for done, _ in counts)


@pytest.mark.skipif(not forking(), reason="this platform cannot fork")
def test_share_out_tells_how_many_chunks_were_taken():
    parent, seen = os.getpid(), []
    read, write = os.pipe()

    def work(chunk):
        if os.getpid() != parent:
            os.write(write, b"x")
        return chunk[0]

    reported = threading.Event()

    def told(taken: int) -> None:
        seen.append(taken)
        reported.set()

    def first():
        os.read(read, 1)  # a worker has taken a chunk...
        assert reported.wait(10)  # ...and the watcher, every tenth of a second, has said so

    results = share_out([[i] for i in range(200)], work, 2, first=first, progress=told)
    assert sorted(results) == list(range(200))
    assert seen and seen[0] >= 1 and seen == sorted(seen) and all(n <= 200 for n in seen)
