"""Why YAML could not read a line, in words an editor can act on (yamlread.load's messages).

YAML's own messages name what its parser expected ("could not find expected ':'"), often on
the line after the mistake; these helpers find the line where the mistake is and say the fix.
"""

from __future__ import annotations

import re

import yaml

# Quotes a word processor or phone types: YAML reads them as ordinary characters, not quotes.
CURLY_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2018\u2019\u201a\u2039\u203a"
_CURLY_VALUE = re.compile(
    r"^(?P<lead>\s*(?:-\s+)?(?:[\w-]+:\s*)?)[" + CURLY_QUOTES + r"](?P<value>.*?)[" + CURLY_QUOTES + r"]?\s*$"
)


def curly_quote_hint(line_text: str) -> str | None:
    """The fix for a value in typographic quotes (“ ” « » ‘ ’), with the line as it should be typed."""
    found = _CURLY_VALUE.match(line_text)
    if found is None:
        return None
    value = found.group("value").replace("\\", "\\\\").replace('"', '\\"')
    example = f'{found.group("lead").strip()} "{value}"'
    return (
        "This line uses curly quotes (“ ” « » ‘ ’), which YAML reads as ordinary characters, not as quotes. "
        f'Type straight double quotes " around the whole value instead: {example}'
    )


def yaml_hint(problem: str, line_text: str) -> str:
    curly = curly_quote_hint(line_text)
    if curly is not None:
        return curly
    if "\t" in line_text or "tab" in problem:
        return "YAML does not allow tab characters for indentation: use spaces."
    if line_text.lstrip()[:1] in ("*", "•") and line_text.lstrip()[1:2] in (" ", "\t"):
        return f"A list item starts with '- ' (a hyphen and a space), not {line_text.lstrip()[0]!r}."
    if "block sequence entries are not allowed" in problem:
        return "A list item `- ` goes on a line of its own, indented below its key; or write the list in brackets, e.g. tags: [MRI basics, Lesions]."
    if "mapping values are not allowed" in problem:
        return 'A value contains ": " — put the whole value in double quotes, e.g. title: "MRI: the basics".'
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "Each line needs the form `key: value`; check the line above for a missing colon or quote."
    if "found character" in problem and "`" in problem:
        return "Values starting with a special character must be quoted."
    return "Check the indentation and quotes on this line and the one above it."


UNCLOSED_HINTS = {
    '"': 'Add the closing " at the end of the value on this line, e.g. title: "MRI: the basics".',
    "'": "Add the closing ' at the end of the value on this line; an apostrophe inside it is written "
    "twice ('it''s'), or put the whole value in double quotes instead.",
    "[": "Add the closing ] at the end of the list on this line, e.g. tags: [MRI basics, Lesions].",
    "{": "Add the closing } at the end of this line, e.g. {title: A paper, year: 2024}.",
}
CLOSERS = {"[": "]", "{": "}"}


def comment_in_flow(line_text: str, column: int, char: str) -> str | None:
    """The fix when a ` #` inside `[...]` or `{...}` made a comment of the rest of the line
    (`tags: [MRI #1, Lesions]`), or None."""
    if char not in CLOSERS:
        return None
    inside = line_text[column:]
    hashed = re.search(r"\s#", inside)
    if hashed is None or CLOSERS[char] not in inside[hashed.start() :]:
        return None
    item = re.search(r"[^,\[{]*$", inside[: hashed.start()])
    start = (item.group() if item else "").strip()
    rest = re.match(r"[^,\]}]*", inside[hashed.start() :])
    word = (start + (rest.group() if rest else "")).strip()
    return f'Put the item with # in double quotes, so that it is read as text: "{word}".'


# A key or list item at the start of a line: inside a quoted value it means the quote ran on
# past the end of the line it was meant to close on.
_FIELD_START = re.compile(r"\s*(?:-\s+)?[^\s:#'\"][^:]*:(?:\s|$)|\s*-\s")


def unclosed(text: str, error: yaml.MarkedYAMLError) -> tuple[str, int, int] | None:
    """(character, line, column) of a quote, [ or { opened and never closed, or None.

    YAML notices an unclosed quote only where the value it swallowed finally ends (at the
    next quote character, often many fields below, or at the end of the front matter), so
    its own mark points at a line that is fine. Lines and columns are 1-based, in `text`."""
    context = error.context or ""
    mark = error.context_mark
    if mark is not None and context in (
        "while scanning a quoted scalar",
        "while parsing a flow sequence",
        "while parsing a flow mapping",
    ):
        line = text.split("\n")[mark.line] if mark.line < text.count("\n") + 1 else ""
        char = line[mark.column : mark.column + 1]  # libyaml's marks carry no buffer
        closer = CLOSERS.get(char, char)
        rest_of_line = line[mark.column + 1 :]
        if char in CLOSERS:  # a ` #` in the line starts a comment that takes the closer with it
            rest_of_line = re.split(r"\s#", rest_of_line, maxsplit=1)[0]
        if char in UNCLOSED_HINTS and closer not in rest_of_line:
            return char, mark.line + 1, mark.column + 1
    # The quote was closed, but only by a quote on a later line: the last quoted value read
    # before the error that spans lines which look like fields of their own.
    lines = text.split("\n")
    suspect = None
    failed_at = error.problem_mark.line if error.problem_mark else len(lines)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):  # pure Python: stops where it fails
            if token.start_mark.line > failed_at:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ("'", '"')
                and token.end_mark.line > token.start_mark.line
                and any(_FIELD_START.match(line) for line in lines[token.start_mark.line + 1 : token.end_mark.line + 1])
            ):
                suspect = token
    except yaml.YAMLError:
        pass
    if suspect is None:
        return None
    start = suspect.start_mark
    return lines[start.line][start.column], start.line + 1, start.column + 1
