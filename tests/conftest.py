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
# it runs: seconds on a quiet 2-core machine, roughly, from `pytest --durations=0`. A file
# not listed goes after these, in the usual order; a wrong guess costs time, never a result.
LONGEST_FIRST = (
    "test_a11y.py",
    "test_fingerprint.py",
    "test_patient_page.py",
    "test_incremental.py",
    "test_cms.py",
    "test_html_valid.py",
    "test_faults.py",
    "test_bounded_work.py",
    "test_search.py",
    "test_markup_fastpaths.py",
    "test_serve.py",
    "test_guides.py",
    "test_languages.py",
    "test_robust_input.py",
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
