"""An earlier commit beside this checkout, for the benchmarks that compare the two
(compare.py, serve_latency.py, search_reader.py)."""

from __future__ import annotations

import compileall
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def base_checkout(rev: str, folder: Path) -> Iterator[Path]:
    """`rev` checked out with `git worktree` at `folder`/base, removed afterwards. Both
    checkouts' generators are compiled first, untimed: where PYTHONDONTWRITEBYTECODE is set,
    Python never caches their bytecode, and every run would compile them anew, which
    measures the sizes of the two checkouts, not what they do."""
    base = folder / "base"
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(base), rev], check=True, capture_output=True
    )
    try:
        for checkout in (base, REPO):
            compileall.compile_dir(checkout / "sitegen", quiet=1)
        yield base
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)], capture_output=True)
