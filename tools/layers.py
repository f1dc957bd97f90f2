"""The layer contract of the `sitegen` package, checked by `make lint` (and tests/test_layers.py).

Each layer is a package of `sitegen/` (docs/architecture.md). Every import counts, wherever it is written: at the top of a module, inside a function,
or under `if TYPE_CHECKING:` (a cycle hidden there is still a cycle for the reader).
Two rules:

1. **No cycles**: no module imports, through any chain, a module that imports it.
2. **Layers**: each module belongs to one layer of LAYERS, and imports only modules of
   its own layer or of layers below it. The order is the flow of a build: from the
   core (messages, files, the model, configuration) to images, Markdown, content, the
   build, the quality checks, the builder, and the commands on top.

Usage: python tools/layers.py [PACKAGE_FOLDER]; prints each violation and exits 1 if any.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

# Bottom to top. A module not listed is a violation too: a new module takes its place here.
LAYERS: list[tuple[str, list[str]]] = [
    ("core", ["sitegen", "sitegen.core*"]),
    ("system", ["sitegen.system*"]),
    ("images", ["sitegen.images*"]),
    ("markup", ["sitegen.markup*"]),
    ("content", ["sitegen.content*"]),
    ("build", ["sitegen.build", "sitegen.build.*"]),  # exact: "sitegen.build*" would take in sitegen.builder
    ("checks", ["sitegen.checks*"]),
    ("editor", ["sitegen.editor*"]),
    ("builder", ["sitegen.pipeline", "sitegen.builder*"]),
    ("commands", ["sitegen.preview_web", "sitegen.serve", "sitegen.cli_build", "sitegen.cli"]),
]


def modules(folder: Path) -> dict[str, Path]:
    found = {}
    for path in sorted(folder.rglob("*.py")):
        name = ".".join(path.relative_to(folder.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(found: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in its text."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1])
                    module = f"{base}.{node.module}" if node.module else base
                else:
                    module = node.module or ""
                targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            for target in targets:
                if target in found and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]], names: list[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(1000, 10 * len(names)))
    for name in names:
        if name not in index:
            visit(name)
    return found


def layer_of(name: str) -> int | None:
    for number, (_, members) in enumerate(LAYERS):
        for member in members:
            if name == member or (member.endswith("*") and name.startswith(member[:-1])):
                return number
    return None


def violations(folder: Path) -> list[str]:
    found = modules(folder)
    graph = imports(found)
    problems = [f"import cycle: {' -> '.join(component)}" for component in cycles(graph, sorted(found))]
    for name in sorted(found):
        mine = layer_of(name)
        if mine is None:
            problems.append(f"{name} is in no layer: add it to LAYERS in tools/layers.py")
            continue
        for target in sorted(graph.get(name, ())):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                problems.append(f"{name} ({LAYERS[mine][0]}) imports {target} ({LAYERS[theirs][0]}), a layer above it")
    return problems


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "sitegen"
    problems = violations(folder)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
