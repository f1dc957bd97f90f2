"""The table of diagnostic codes (sitegen/core/codes.py) against the source and the README.

The source is read, not run: every call to a function or class that takes a `code: str`
(`Diagnostic`, `Findings.add`, `Fields.problem`, `MarkupState.report`, ...) names its code as
a literal, a module constant or a choice of literals, or passes on a code it was given. Those
codes and the table must be the same set, and a level a call site writes must be the table's.
The README's tables of codes must name the same codes at the same levels.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.checks.policy import DEFAULTS
from sitegen.core.codes import CODES
from sitegen.core.errors import Diagnostic, Severity

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sitegen"
CODE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
LEVEL_WORD = re.compile(r"\b(error|warning)s?\b")


@dataclass(frozen=True)
class Takes:
    """Where a callable takes its code, its level and its check group: a position and a keyword."""

    code: int
    level: tuple[int, str] | None
    group: int | None


def _params(node: ast.FunctionDef | ast.ClassDef) -> list[tuple[str, ast.expr | None]]:
    if isinstance(node, ast.ClassDef):  # a dataclass: its fields, in order
        return [
            (item.target.id, item.annotation)
            for item in node.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        ]
    names = [(a.arg, a.annotation) for a in node.args.posonlyargs + node.args.args]
    return names[1:] if names and names[0][0] in ("self", "cls") else names


def _takes(node: ast.FunctionDef | ast.ClassDef) -> Takes | None:
    params = _params(node)
    names = [name for name, _ in params]
    if not any(name == "code" and ann is not None and ast.unparse(ann) == "str" for name, ann in params):
        return None
    level = next(((names.index(k), k) for k in ("severity", "warning") if k in names), None)
    return Takes(names.index("code"), level, names.index("group") if "group" in names else None)


@dataclass
class Call:
    where: str
    codes: set[str]
    level: str | None  # "error"/"warning" when written as a constant, "varies" when computed, None when not given
    group: str | None


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return found


def _resolve(expr: ast.expr, constants: dict[str, str], params: set[str], where: str) -> set[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _resolve(expr.body, constants, params, where) | _resolve(expr.orelse, constants, params, where)
    if isinstance(expr, ast.Name) and expr.id in constants:
        return {constants[expr.id]}
    if (isinstance(expr, ast.Name) and expr.id in params) or (isinstance(expr, ast.Attribute) and expr.attr == "code"):
        return set()  # a code passed on: its own call site names it
    raise AssertionError(f"{where}: cannot tell which code {ast.unparse(expr)!r} is; name it as a literal")


def _level(expr: ast.expr | None) -> str | None:
    if expr is None:
        return None
    text = ast.unparse(expr)
    return {"Severity.ERROR": "error", "Severity.WARNING": "warning", "True": "warning"}.get(text, "varies")


def _argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _calls() -> Iterator[Call]:
    modules = _modules()
    everywhere: dict[str, Takes] = {}
    local: dict[Path, dict[str, Takes | None]] = {}
    for path, tree in modules.items():
        local[path] = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                takes = _takes(node)
                local[path][node.name] = takes
                if takes:
                    assert everywhere.get(node.name, takes) == takes, f"two {node.name} take codes differently"
                    everywhere[node.name] = takes
    for path, tree in modules.items():
        constants = _constants(tree)
        for call, params in _calls_in(tree, frozenset()):
            if isinstance(call.func, ast.Name):
                name = call.func.id
                takes = local[path][name] if name in local[path] else everywhere.get(name)
            elif isinstance(call.func, ast.Attribute):
                module = _module_named(call.func.value, tree)
                attr = call.func.attr
                takes = local[module].get(attr) if module in local else everywhere.get(attr)
            else:
                continue
            expr = _argument(call, takes.code, "code") if takes else None
            if takes is None or expr is None:
                continue
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            group = _argument(call, takes.group, "group") if takes.group is not None else None
            yield Call(
                where,
                _resolve(expr, constants, set(params), where),
                _level(_argument(call, *takes.level) if takes.level else None),
                group.value if isinstance(group, ast.Constant) else None,
            )


def _module_named(expr: ast.expr, tree: ast.Module) -> Path | None:
    """The file of the sitegen module `expr` names in `tree` (`translations` of
    `from sitegen.content import translations`), if it names one."""
    if not isinstance(expr, ast.Name):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sitegen"):
            for alias in node.names:
                if (alias.asname or alias.name) == expr.id:
                    path = ROOT.joinpath(*f"{node.module}.{alias.name}".split(".")).with_suffix(".py")
                    return path if path.exists() else None
    return None


def _calls_in(node: ast.AST, params: frozenset[str]) -> Iterator[tuple[ast.Call, frozenset[str]]]:
    """Every call under `node`, with the parameters of the functions around it."""
    for child in ast.iter_child_nodes(node):
        inner = params
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = params | {a.arg for a in child.args.posonlyargs + child.args.args + child.args.kwonlyargs}
        if isinstance(child, ast.Call):
            yield child, params
        yield from _calls_in(child, inner)


CALLS = list(_calls())
EMITTED = {code: [c for c in CALLS if code in c.codes] for call in CALLS for code in call.codes}


def test_the_source_scan_finds_the_codes_of_each_way_of_reporting() -> None:
    """The scan itself: a direct Diagnostic, a helper's code, a module constant and a choice of two."""
    for code in (
        "yaml-syntax",
        "review-missing",
        "callout-kind",
        "link-outside-project",
        "missing-field",
        "empty-field",
    ):
        assert code in EMITTED, code
    assert len(EMITTED) > 100


def test_every_code_reported_is_in_the_table() -> None:
    missing = {code: [c.where for c in calls] for code, calls in EMITTED.items() if code not in CODES}
    assert not missing, f"add these to sitegen/core/codes.py: {missing}"


def test_every_code_in_the_table_is_reported_somewhere() -> None:
    stale = sorted(set(CODES) - set(EMITTED))
    assert not stale, f"nothing reports these codes any more; remove them from sitegen/core/codes.py: {stale}"


def test_call_sites_agree_with_the_table_on_level_and_check() -> None:
    wrong = []
    for code, calls in EMITTED.items():
        entry = CODES.get(code)
        if entry is None:
            continue
        for call in calls:
            if call.level == "varies" and not entry.otherwise:
                wrong.append(f"{call.where}: {code} varies in level, but the table says it is always {entry.level}")
            elif call.level in ("error", "warning") and call.level != entry.level and not entry.otherwise:
                wrong.append(f"{call.where}: {code} reported as {call.level}, the table says {entry.level}")
            if call.group is not None and call.group != entry.check:
                wrong.append(f"{call.where}: {code} is in the check group {call.group}, the table says {entry.check!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_entry_is_whole(code: str) -> None:
    entry = CODES[code]
    assert CODE.fullmatch(code)
    assert entry.level in ("error", "warning")
    assert entry.summary.endswith(".") and entry.fix.endswith(".")
    if entry.check:
        assert entry.check in DEFAULTS
    setting = re.fullmatch(r"checks\.(\w+)\.(\w+)", entry.otherwise)
    if setting:  # the level under the shipped settings is the table's
        assert DEFAULTS[setting[1]][setting[2]] == entry.level


def test_a_diagnostic_takes_its_level_and_missing_fix_from_the_table() -> None:
    always_warning = next(code for code, e in CODES.items() if e.level == "warning" and not e.otherwise)
    assert Diagnostic("a.md", 1, always_warning, "m", "h", Severity.ERROR).severity is Severity.WARNING
    varies = next(code for code, e in CODES.items() if e.level == "error" and e.otherwise)
    assert Diagnostic("a.md", 1, varies, "m", "h", Severity.WARNING).severity is Severity.WARNING
    assert Diagnostic("a.md", 1, "config-value", "m").hint == CODES["config-value"].fix
    assert Diagnostic("a.md", 1, "config-value", "m", "own").hint == "own"


# The README's tables of codes.


def _tables(text: str) -> Iterator[list[list[str]]]:
    rows: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
        elif rows:
            yield rows
            rows = []


def _clauses(cell: str) -> list[str]:
    """A cell cut at each `;` outside brackets."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(cell):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(cell[start:index])
            start = index + 1
    return [*parts, cell[start:]]


def _codes_in(text: str) -> list[str]:
    return [word for word in re.findall(r"`([^`]+)`", text) if CODE.fullmatch(word)]


def _first_level(text: str) -> str:
    found = LEVEL_WORD.search(text)
    assert found, f"no level in {text!r}"
    return found[1]


def readme_levels(text: str) -> dict[str, list[str]]:
    """Code -> the levels the tables give it. A table of codes has a column headed "code"
    or "codes" and one headed "level" or "default": "warning / error" gives one level to each
    code of the row in turn; in a cell of several codes, "(warning...)" in a code's own clause
    gives that clause's level."""
    found: dict[str, list[str]] = {}
    for header, _, *rows in _tables(text):
        names = [h.lower() for h in header]
        column = next((i for i, h in enumerate(names) if h.split()[-1:] in (["code"], ["codes"])), None)
        level = next((i for i, h in enumerate(names) if h in ("level", "default")), None)
        if column is None or level is None:
            continue
        for row in rows:
            default = _first_level(row[level])
            each = [_first_level(part) for part in row[level].split(" / ")]
            codes = _codes_in(row[column])
            for clause in _clauses(row[column]):
                own = re.search(r"\((errors?|warnings?)\b", clause)
                for code in _codes_in(clause):
                    given = each[codes.index(code)] if len(each) == len(codes) > 1 else default
                    found.setdefault(code, []).append(own[1].rstrip("s") if own else given)
    return found


def test_the_readme_parser_reads_levels_per_code() -> None:
    table = (
        "| code | level | meaning |\n|---|---|---|\n| `a-b`, `c-d` | warning / error | x |\n\n"
        "| check | codes | default |\n|---|---|---|\n| x | `e-f` (the fix; more), `g-h`; `i-j` (warning) | error |\n"
    )
    assert readme_levels(table) == {
        "a-b": ["warning"],
        "c-d": ["error"],
        "e-f": ["error"],
        "g-h": ["error"],
        "i-j": ["warning"],
    }


DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_the_readme_tables_name_every_code_at_its_level() -> None:
    levels: dict[str, list[str]] = {}
    for document in DOCUMENTS:
        for code, given in readme_levels(document.read_text(encoding="utf-8")).items():
            levels.setdefault(code, []).extend(given)
    unknown = sorted(set(levels) - set(CODES))
    assert not unknown, f"the README names codes the table does not have: {unknown}"
    missing = sorted(set(CODES) - set(levels))
    assert not missing, f'add these codes to a table in the README ("Fixing errors"): {missing}'
    wrong = {code: given for code, given in levels.items() if set(given) != {CODES[code].level}}
    assert not wrong, f"the README's level differs from sitegen/core/codes.py: {wrong}"
