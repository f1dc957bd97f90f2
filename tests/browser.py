"""Shared set-up for browser tests: the real site, served on loopback, in headless Chromium."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """The browser's path; skip where none exists, but never in CI (CI=true fails instead)."""
    if CHROMIUM:
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail("Chromium is required in CI (apt-get install chromium); .ci/run installs it.")
    pytest.skip("no Chromium on this machine: install Debian's `chromium` package to run browser tests")
