"""The package's layer contract (tools/layers.py, run by `make lint`): no import cycle,
counting imports inside functions and under TYPE_CHECKING, and no import upwards."""

from __future__ import annotations

import sys
from pathlib import Path

from sitekit import REPO

sys.path.insert(0, str(REPO / "tools"))
import layers  # noqa: E402  (tools/ is not a package)


def test_the_package_keeps_its_layers():
    assert layers.violations(REPO / "sitegen") == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "sitegen"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def test_a_cycle_hidden_in_a_function_or_type_checking_is_found(tmp_path):
    folder = _package(
        tmp_path,
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/errors.py": "def f():\n    from .files import x\n",
            "core/files.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sitegen.core.errors import f\n",
        },
    )
    assert "import cycle: sitegen.core.errors -> sitegen.core.files" in layers.violations(folder)


def test_an_import_from_a_higher_layer_is_found(tmp_path):
    files = {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/errors.py": "from .. import pipeline\n",
        "pipeline.py": "",
    }
    assert layers.violations(_package(tmp_path, files)) == [
        "sitegen.core.errors (core) imports sitegen.pipeline (builder), a layer above it"
    ]


def test_a_module_in_no_layer_is_named(tmp_path):
    folder = _package(tmp_path, {"__init__.py": "", "newthing.py": ""})
    assert layers.violations(folder) == ["sitegen.newthing is in no layer: add it to LAYERS in tools/layers.py"]
