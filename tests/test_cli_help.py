"""The command line as a newcomer meets it: help texts, `new`, and first contact."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from sitegen.cli import make_parser
from sitekit import run_cli


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", ["build", "check", "serve", "new"])
def test_every_option_has_a_description_and_its_default(name):
    parser = subcommands()[name]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or not action.option_strings:
            continue
        assert action.help and "default" in action.help, (name, action.option_strings, action.help)


@pytest.mark.parametrize("name", ["build", "check", "serve", "new"])
def test_every_command_has_a_one_line_description_and_examples(name):
    parser = subcommands()[name]
    choices = next(a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    summary = next(c.help for c in choices._choices_actions if c.dest == name)
    assert summary and "\n" not in summary
    assert parser.description and parser.epilog.startswith("examples:")
    examples = [line.strip() for line in parser.epilog.splitlines()[1:]]
    assert examples and all(line.startswith(f".venv/bin/python build.py {name}") for line in examples)
    text = parser.format_help()
    assert "examples:\n  .venv/bin/python build.py" in text  # kept as written, one per line


def test_new_lists_only_what_it_uses():
    options = {s for a in subcommands()["new"]._actions for s in a.option_strings}
    assert "--jobs" not in options and "--no-cache" not in options
    assert "--no-cache" not in {s for a in subcommands()["serve"]._actions for s in a.option_strings}


def test_new_without_a_running_preview_names_make_serve_and_the_default_port(blank_site):
    result = run_cli("new", "Spinal cord MRI", "--tags", "MRI basics", cwd=blank_site.root)
    assert result.returncode == 0, result.stderr
    assert "content/articles/spinal-cord-mri.md" in result.stdout
    assert "Preview it with `make serve`, then open http://127.0.0.1:8000/articles/spinal-cord-mri/" in result.stdout


def test_a_python_without_the_libraries_gets_one_line_saying_what_to_run(tmp_path):
    import subprocess
    import sys

    from sitekit import BUILD_PY, REPO

    # -S: no site-packages, as the system Python of a fresh clone has none of the libraries.
    result = subprocess.run(
        [sys.executable, "-S", str(BUILD_PY), "check", "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "`.venv/bin/python build.py check --format json`" in lines[0] and "make build" in lines[0]
    # Help needs only the standard library, so it still works.
    helped = subprocess.run(
        [sys.executable, "-S", str(BUILD_PY), "new", "--help"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert helped.returncode == 0 and "examples:" in helped.stdout


def test_a_library_missing_for_one_command_is_the_same_one_line(tmp_path, blank_site):
    import os
    import subprocess
    import sys

    from sitekit import BUILD_PY

    # As if watchdog (only `serve` imports it) were not installed.
    (tmp_path / "fake" / "watchdog").mkdir(parents=True)
    (tmp_path / "fake" / "watchdog" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'watchdog'\", name='watchdog')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "fake"))
    result = subprocess.run(
        [sys.executable, str(BUILD_PY), "serve", "--port", "0"],
        cwd=blank_site.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "(no 'watchdog')" in result.stderr and "build.py serve --port 0`" in result.stderr


def test_every_folder_of_the_package_is_configured():
    # setuptools printed a 50-line warning on the first `make build` for sitegen/preview/.
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    from sitekit import REPO

    settings = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {
        ".".join(path.relative_to(REPO).parts)
        for path in (REPO / "sitegen").rglob("*")
        if path.is_dir() and path.name != "__pycache__"
    } | {"sitegen"}
    assert folders == set(settings["packages"])
    for folder in folders:
        data = [
            p.name
            for p in (REPO / folder.replace(".", "/")).iterdir()
            if p.is_file() and p.suffix not in (".py", ".pyc")
        ]
        if data:
            patterns = settings["package-data"][folder]
            assert all(any(Path(name).match(pattern) for pattern in patterns) for name in data), (folder, data)
