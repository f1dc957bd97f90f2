"""Shared fixtures, and the order in which test files are handed to the workers.

Site helpers live in sitekit.py; the browser tests' fixtures in browser.py.
"""

from __future__ import annotations

import pytest

from browser import base_url, browser, site  # noqa: F401 (fixtures for every module)
from sitekit import FIXTURE_SITE, copy_site, new_site

# `make test` hands whole files to the workers (--dist loadfile, so that a module's costly
# fixtures are made once), in collection order (--no-loadscope-reorder). The files that take
# longest go first, so that no long file starts last and leaves the other worker idle while
# it runs: seconds of a full `make test` run on this 2-core machine (the sum of each file's
# test times in --junitxml), roughly. A file not listed goes after these, in the usual
# order; a wrong guess costs time, never a result.
LONGEST_FIRST = (
    "test_a11y.py",  # 60
    "test_incremental.py",  # 55
    "test_serve.py",  # 39 (waits on the preview's rebuilds: more on a loaded machine)
    "test_patient_page.py",  # 35
    "test_search.py",  # 28
    "test_bounded_work.py",  # 23
    "test_browser.py",  # 22
    "test_faults.py",  # 20
    "test_robust_input.py",  # 18
    "test_cms.py",  # 18
    "test_figures.py",  # 13
    "test_markup_fastpaths.py",  # 10
    "test_fingerprint.py",  # 10
    "test_languages.py",  # 9
    "test_hostile_images.py",  # 8
    "test_html_valid.py",  # 8
    "test_build.py",  # 8
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    # sorted() is stable: within a file, and among the files not listed, the order stays.
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture
def blank_site(tmp_path):
    """A fresh, empty site folder: add articles with `site.article(name, text)`."""
    return new_site(tmp_path / "site")


@pytest.fixture
def fixture_site(tmp_path):
    """A private copy of tests/fixtures/site that a test may change."""
    return copy_site(FIXTURE_SITE, tmp_path / "site")
