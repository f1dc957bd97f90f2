"""Lets tests import the benchmark corpus generator (benchmarks/ is not a package)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpus import make_corpus  # noqa: E402,F401
