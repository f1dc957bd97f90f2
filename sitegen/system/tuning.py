"""Process-level speed settings, in one place, with one policy.

Three knobs make a build faster without changing what it writes; each is measured in
`benchmarks/` and each is set only here:

- **Garbage-collector thresholds.** A build allocates objects by the hundred thousand
  (the cache it loads, the site, every page's values) that mostly live until it ends;
  Python's default collector runs every 700 allocations and walks them again and again
  (8-10 ms of a 0.24 s one-article rebuild at 2,000 articles on the command line; in the
  preview, which holds every page's state, some 270 collections and 0.3 s of a 0.8 s
  rebuild). `fewer_collections()` collects a hundred times less often while a `build` or
  `check` command runs and while the preview rebuilds, and puts the caller's thresholds
  back afterwards. Cycles are still collected, so memory stays bounded on any size of
  site.
- **Freezing.** `gc.freeze()` moves every live object out of the collector's sight
  for good. That is right for a process that builds once and exits (the command line)
  and wrong for one that runs for hours (the preview), which must be able to free what
  an old build left. So: `Policy(short_lived=True)` freezes what the cache loads;
  `Policy(short_lived=False)` never leaves anything frozen. Around forking worker
  processes both freeze (so the children's collections do not walk, and copy, the
  whole inherited site), and the long-lived one unfreezes as soon as they are done.
- **Parallel thresholds.** Forking workers costs ~20 ms; below these sizes of work the
  build stays in one process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

COMMAND_THRESHOLDS = (100_000, 20, 100)
PARALLEL_MARKDOWN = 64  # article bodies to convert (pages to render count a quarter) before forking pays
PARALLEL_READS = 256  # source files to parse before forking pays


@contextmanager
def fewer_collections() -> Iterator[None]:
    """While a `build` or `check` command runs, or the preview rebuilds: collect garbage
    less often."""
    defaults = gc.get_threshold()
    gc.set_threshold(*COMMAND_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*defaults)  # main() may be called in a longer-lived process (the tests)


class Policy:
    """How a process that builds treats the garbage collector. (A plain class: importing
    dataclasses cost the no-op rebuild, which imports this module, a tenth of its time.)"""

    __slots__ = ("short_lived",)

    def __init__(self, short_lived: bool) -> None:
        self.short_lived = short_lived  # builds once and exits (the command line), as opposed to the preview

    @contextmanager
    def loading(self) -> Iterator[None]:
        """While a large, long-lived structure is unpickled (the cache): no collections
        (they doubled the time it takes); afterwards a short-lived process freezes it."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            yield
            if self.short_lived:
                gc.freeze()
        finally:
            if collecting:
                gc.enable()

    @contextmanager
    def forking(self) -> Iterator[None]:
        """Around forking worker processes: what they inherit is frozen first; the
        preview unfreezes once they are done, so nothing stays frozen there."""
        gc.freeze()
        try:
            yield
        finally:
            if not self.short_lived:
                gc.unfreeze()

    def parallel_articles(self, jobs: int, to_convert: int, to_render: int) -> bool:
        return jobs > 1 and to_convert + to_render // 4 >= PARALLEL_MARKDOWN

    def parallel_reads(self, jobs: int, to_read: int) -> bool:
        return jobs > 1 and to_read >= PARALLEL_READS
