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


# Fixtures registered for every test module by conftest.py (a module that imported them by
# name would get private copies again): the real site, built once per test worker and served
# on loopback (the browser tests only read it), and one headless Chromium per module. The
# browser is not shared further: Playwright's sync API refuses to start while another
# instance runs, and test_search.py and test_cms.py start their own.


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    from sitegen.core.config import load_config
    from sitegen.pipeline import build

    out = tmp_path_factory.mktemp("site") / "public"
    config, problems = load_config(REPO / "config.yaml", output=out)
    assert not problems
    result = build(config, use_cache=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    return out


@pytest.fixture(scope="session")
def base_url(site):
    from screenshots import serve

    server = serve(site)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    from screenshots import CHROMIUM_ARGS

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
