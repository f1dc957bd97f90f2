"""The command line as a newcomer meets it: help texts, `new`, and first contact."""
from __future__ import annotations

import argparse

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
