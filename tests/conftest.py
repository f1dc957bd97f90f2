"""Shared fixtures. Site helpers live in sitekit.py."""

from __future__ import annotations

import pytest

from sitekit import FIXTURE_SITE, copy_site, new_site


@pytest.fixture
def blank_site(tmp_path):
    """A fresh, empty site folder: add articles with `site.article(name, text)`."""
    return new_site(tmp_path / "site")


@pytest.fixture
def fixture_site(tmp_path):
    """A private copy of tests/fixtures/site that a test may change."""
    return copy_site(FIXTURE_SITE, tmp_path / "site")
