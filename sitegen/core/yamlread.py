"""Safe YAML with line numbers: the one YAML reader for front matter, config and glossary.

PyYAML's safe loader builds plain values but forgets where they came from, so we
compose the node tree first (keeping each node's line), check it, and only then
construct values. The checks keep hostile input harmless: no tags beyond the
safe set, no anchors/aliases (the "billion laughs" expansion), no duplicate keys,
a bounded size.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeAlias

import yaml

from sitegen.core.errors import Diagnostic
from sitegen.core.files import read
from sitegen.core.sources import decode
from sitegen.core.yamlhints import CLOSERS, UNCLOSED_HINTS, comment_in_flow, unclosed, yaml_hint

_Loader: type[yaml.CSafeLoader | yaml.SafeLoader]
try:  # libyaml is several times faster; fall back to pure Python when absent.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_YAML_BYTES = 256 * 1024
# A key path such as ("references", 0, "doi"); None stands for a key that is not a scalar.
Path: TypeAlias = tuple[str | int | None, ...]
Excerpt: TypeAlias = Callable[[int | None], str]  # the source line of a line number, or ""


class Plain(NamedTuple):
    """Where a plain scalar is written: file lines (1-based), columns (0-based, the end is
    just after its last character), and the column of the key or `-` that holds it."""

    tag: str
    line: int
    column: int
    end_line: int
    end_column: int
    owner_column: int


@dataclass
class YamlDocument:
    """Constructed data plus the source line of every key and list item."""

    data: Any = None  # whatever the YAML holds: its readers check the shape
    lines: dict[Path, int] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Every plain (unquoted) scalar value: where it is written, for the checks that need the
    # text around it (a `#` after it starts a comment that cut the value short: frontslips.py).
    plain: dict[Path, Plain] = field(default_factory=dict)

    def line(self, *path: str | int | None) -> int | None:
        """The line of the deepest known prefix of `path`."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def load(text: str, file: str, first_line: int = 1, source_lines: list[str] | None = None) -> YamlDocument:
    """Parse `text` (which starts at `first_line` of `file`) into a YamlDocument."""
    doc = YamlDocument()
    source_lines = source_lines if source_lines is not None else text.split("\n")
    offset = first_line - 1

    def excerpt(line: int | None) -> str:
        if line and 0 < line - offset <= len(source_lines):
            return source_lines[line - offset - 1]
        return ""

    if len(text.encode("utf-8")) > MAX_YAML_BYTES:
        doc.diagnostics.append(
            Diagnostic(
                file,
                first_line,
                "yaml-too-large",
                f"The YAML block is larger than {MAX_YAML_BYTES // 1024} KB.",
                "Front matter holds short fields only; move long text into the article body.",
            )
        )
        return doc

    loader = _Loader(text)
    column: int | None
    try:
        node = loader.get_single_node()
        if node is None:
            return doc
        problems = _check_nodes(node, file, offset, doc, excerpt, text)
        if problems:
            doc.diagnostics.extend(problems)
            return doc
        doc.data = loader.construct_document(node)
    except (ValueError, OverflowError) as error:
        # A plain scalar can resolve to a type whose constructor then fails, e.g. an int of more
        # than 4300 digits (Python's int limit); PyYAML raises that as ValueError, not YAMLError.
        doc.diagnostics.append(
            Diagnostic(
                file,
                first_line,
                "yaml-value",
                f"A value cannot be read: {error}.",
                "Put long numbers and unusual values in double quotes, so they are read as text.",
            )
        )
    except yaml.MarkedYAMLError as error:
        opened = unclosed(text, error)
        if opened is not None:
            char, line, column = opened[0], opened[1] + offset, opened[2]
            cut = comment_in_flow(excerpt(line), column, char)
            doc.diagnostics.append(
                Diagnostic(
                    file,
                    line,
                    "yaml-unclosed",
                    f"The {char} opened on this line is never closed, so the lines below it are read as part of this value."
                    if cut is None
                    else f"The {char} opened on this line is never closed: the # on this line starts a comment, "
                    f"so the rest of the line, {CLOSERS[char]} included, is left out.",
                    UNCLOSED_HINTS[char] if cut is None else cut,
                    column=column,
                    excerpt=excerpt(line),
                )
            )
            return doc
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + offset if mark else first_line
        column = mark.column + 1 if mark else None
        problem = (error.problem or error.context or "invalid YAML").strip()
        doc.diagnostics.append(
            Diagnostic(
                file,
                line,
                "yaml-syntax",
                f"YAML syntax error: {problem}.",
                yaml_hint(problem, excerpt(line)),
                column=column,
                excerpt=excerpt(line),
            )
        )
    except yaml.YAMLError as error:
        doc.diagnostics.append(
            Diagnostic(
                file,
                first_line,
                "yaml-syntax",
                f"YAML error: {error}.",
                "Check the front matter against the example in README.md.",
            )
        )
    except RecursionError:
        doc.diagnostics.append(
            Diagnostic(
                file,
                first_line,
                "yaml-too-deep",
                "The YAML is nested too deeply.",
                "Front matter needs at most three levels of nesting.",
            )
        )
    finally:
        loader.dispose()
    return doc


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_constructor = yaml.constructor.SafeConstructor()


def _keep_impossible_dates_as_text(node: yaml.Node) -> None:
    # `date: 2026-02-30` resolves to a timestamp whose constructor raises ValueError (not a
    # YAMLError), which crashed the build. As text it reaches validation, which reports a
    # bad-date on the key's line.
    try:
        # Not only scalars carry the tag (`!!timestamp [1]`): the constructor then raises a
        # ConstructorError, which load() reports as a syntax error.
        _constructor.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        node.tag = "tag:yaml.org,2002:str"


_SAFE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


def _check_nodes(
    root: yaml.Node, file: str, offset: int, doc: YamlDocument, excerpt: Excerpt, root_text: str = ""
) -> list[Diagnostic]:
    """Record lines; reject aliases, unsafe tags and duplicate keys (all of them, not the first)."""
    problems: list[Diagnostic] = []
    seen: set[int] = set()
    aliases = False
    lines = doc.lines
    # (path, node, depth, the column of the key or `-` that holds the node)
    stack: list[tuple[Path, yaml.Node, int, int]] = [((), root, 0, -1)]
    while stack:
        path, node, depth, owner = stack.pop()
        start = node.start_mark
        line = start.line + 1 + offset
        lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode) and not node.style:  # plain: style None, or "" from libyaml
            end = node.end_mark
            doc.plain[path] = Plain(node.tag, line, start.column, end.line + 1 + offset, end.column, owner)
        if id(node) in seen:
            aliases = True  # reported below, once at each & and * where it is written
            continue
        seen.add(id(node))
        if node.tag not in _SAFE_TAGS:
            problems.append(
                Diagnostic(
                    file,
                    line,
                    "yaml-tag",
                    f"The YAML tag {node.tag!r} is not allowed.",
                    "Remove the `!`-tag; write a plain value (text, number, date, list or mapping).",
                    column=node.start_mark.column + 1,
                    excerpt=excerpt(line),
                )
            )
            continue
        if depth > 20:
            problems.append(
                Diagnostic(
                    file,
                    line,
                    "yaml-too-deep",
                    "The YAML is nested too deeply.",
                    "Front matter needs at most three levels of nesting.",
                )
            )
            continue
        if node.tag == _TIMESTAMP:
            _keep_impossible_dates_as_text(node)
        if isinstance(node, yaml.MappingNode):
            keys: dict[str | None, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag not in _SAFE_TAGS:
                    # Keys were never checked: `? !!python/...` or the merge key `<<` (which copies
                    # a mapping into this one, silently adding or replacing fields) got through.
                    key_line = key_node.start_mark.line + 1 + offset
                    problems.append(
                        Diagnostic(
                            file,
                            key_line,
                            "yaml-tag",
                            f"The YAML key {key_node.value!r} ({key_node.tag}) is not allowed.",
                            "Use plain field names such as `title:`; YAML tags and merge keys (<<) are not supported.",
                            column=key_node.start_mark.column + 1,
                            excerpt=excerpt(key_line),
                        )
                    )
                    continue
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                key_line = key_node.start_mark.line + 1 + offset
                if key in keys:
                    problems.append(
                        Diagnostic(
                            file,
                            key_line,
                            "yaml-duplicate-key",
                            f"The key {key!r} appears twice (first on line {keys[key]}).",
                            "Keep one of them; YAML would silently use the last one.",
                            column=key_node.start_mark.column + 1,
                            excerpt=excerpt(key_line),
                        )
                    )
                    continue
                keys[key] = key_line
                lines[path + (key,)] = key_line
                stack.append((path + (key,), value_node, depth + 1, key_node.start_mark.column))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((path + (index,), item, depth + 1, start.column))
    if aliases:
        problems.extend(_alias_problems(root_text, file, offset, excerpt))
    return problems


def _alias_problems(text: str, file: str, offset: int, excerpt: Excerpt) -> list[Diagnostic]:
    """One Diagnostic for each line with an anchor (&) or alias (*), at the first of them,
    from the event stream (a composed node knows where the anchored value is, not where
    an alias uses it). One per line, not per use: a list of twenty aliases is one fix."""
    places: dict[int, int] = {}
    for event in yaml.parse(text, Loader=_Loader):
        mark = event.start_mark  # the parser marks every event; the stubs allow None
        if mark is not None and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)):
            places.setdefault(mark.line + 1 + offset, mark.column + 1)
    return [
        Diagnostic(
            file,
            line,
            "yaml-alias",
            "YAML anchors and aliases (& and *) are not allowed.",
            "Write the value out in full.",
            column=column,
            excerpt=excerpt(line),
        )
        for line, column in places.items()
    ]


def read_file(path: pathlib.Path, roots: tuple[str, ...], shown: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """A YAML file of the project (people.yaml, guides.yaml, images.yaml, site.yaml, the
    glossary), read the one way every such file is: through the one rule for reading
    (`files.read`), decoded as every source is (UTF-8, NFC, LF: `sources.decode`), and
    parsed with the line of every key. None, with the problems, when it is missing (no
    problem), refused, not UTF-8 text or not YAML; an empty file is a document of None."""
    data, refused = read(path, roots, shown)
    if data is None:
        return None, [refused] if refused is not None else []
    text, problems = decode(data, shown)
    if text is None:
        return None, problems
    doc = load(text, shown)
    return (None if doc.diagnostics else doc), list(doc.diagnostics)
