"""SVG by allow-list: parse a figure, keep only what a diagram needs, write that back out.

`sanitise(data, shown)` returns the bytes to publish and the findings. The published file is
always written from the parsed tree by this module (never the editor's text passed through),
so what a browser reads is exactly what was checked here:

- The bytes must be UTF-8 (a UTF-16 or UTF-32 file is a finding: re-save as UTF-8).
- No DOCTYPE, no entity declarations: the parse stops at the first one (a finding), so no
  entity is ever expanded. `<?xml-stylesheet?>` is refused.
- Nesting: at most MAX_DEPTH elements deep (a finding, and the parse stops, past that), so
  nothing here or in a browser walks a tree deeper than that; every walk of the tree here
  is a loop with its own stack anyway, never a recursion.
- Elements: shapes, text, grouping, gradients, clip paths, masks, markers, patterns, symbols,
  `<use>`, a few filter primitives, `<style>`, `<title>` and `<desc>`. Anything else in the SVG
  namespace (script, foreignObject, image, a, animate, set, feImage, ...) is an error;
  `<metadata>`, comments and other processing instructions are left out silently; elements
  and attributes of an editor's own namespace (Inkscape, Illustrator) are left out and
  reported as one warning.
- Attributes: presentation attributes, geometry, id/class/style, viewBox, role and aria-*.
  `on...=` is an error; `href`/`xlink:href` only as a local `#id` on the elements that use it.
  Another attribute not on the list is left out (warning).
- CSS (`<style>` and `style=`): comments removed and escapes decoded before anything is
  checked, and the decoded text is what is published (so `@\\69mport` or `u\\72l(` cannot
  mean one thing here and another in the browser). Only `@media` at-rules; only the
  functions a diagram needs (`url()` of a local `#id`, colours, calc, transforms); no
  backslash left after decoding. A declaration of a property not on the list is left out
  (warning).

The lists themselves, and the CSS decoding and checks, are in svgrules.py.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from sitegen.core.errors import Diagnostic, Severity
from sitegen.images.svgrules import (
    ATTRIBUTES,
    BLOCK,
    DANGEROUS,
    ELEMENTS,
    FILTER_ONLY,
    FILTERS,
    HREF_ELEMENTS,
    LOCAL_ID,
    PROPERTIES,
    SILENTLY_DROPPED,
    SVG_NS,
    TEXT_ELEMENTS,
    XLINK_NS,
    XML_ATTRIBUTES,
    XML_NS,
    css_value_problems,
    declarations,
    declarations_text,
    decode_css,
)


@dataclass
class _Node:
    name: str
    attributes: list[tuple[str, str]]
    line: int
    children: list[_Node | str] = field(default_factory=list)


# How deep elements may nest. The site's own diagrams nest 3 deep; drawing programs' exports
# rarely pass 20. A hostile file nests thousands deep to exhaust a recursive walker.
MAX_DEPTH = 100


class _Stop(Exception):
    """Raised inside a handler to end the parse (a DOCTYPE: nothing after it is read)."""


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")
    return text


HINT = (
    "Remove it (export the drawing again as plain SVG); diagrams may use shapes, text, gradients, "
    "clip paths, masks, markers, <use> and an inline <style>, and link only to #ids inside the same file."
)


def _encoding(shown: str, why: str) -> Diagnostic:
    return Diagnostic(
        shown,
        None,
        "image-svg-encoding",
        f"The SVG is not saved as UTF-8 text ({why}).",
        "Re-save it as UTF-8 (in the drawing program's SVG export, or a text editor's 'Save with encoding').",
    )


# At most this many findings of one kind for one file: a file with 100,000 `onclick=` gets
# this many and a line saying how many more (the first ones show what to fix).
MAX_FINDINGS = 20


def sanitise(data: bytes, shown: str) -> tuple[bytes | None, list[Diagnostic]]:
    """(the bytes to publish, or None when the file cannot be read; its findings, at most
    MAX_FINDINGS of each kind and then one that says how many more there are)."""
    out, problems = _sanitise(data, shown)
    kept: list[Diagnostic] = []
    counted: dict[str, int] = {}
    more: dict[str, list[Diagnostic]] = {}
    for problem in problems:
        counted[problem.code] = counted.get(problem.code, 0) + 1
        if counted[problem.code] <= MAX_FINDINGS:
            kept.append(problem)
        else:
            more.setdefault(problem.code, []).append(problem)
    for left in more.values():  # one more finding of the same kind, at the first left out
        kept.append(
            replace(
                left[0],
                message=f"...and {len(left):,} more findings like the ones above, from this line on.",
                hint="Fix the ones above first; export the drawing again as plain SVG if there are many.",
                excerpt="",
            )
        )
    return out, kept


def _sanitise(data: bytes, shown: str) -> tuple[bytes | None, list[Diagnostic]]:  # noqa: C901 (one handler per kind of node)
    problems: list[Diagnostic] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    wide = data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data
    try:
        source = "" if wide else data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [_encoding(shown, f"byte {error.start} is not UTF-8")]
    if wide:
        return None, [_encoding(shown, "it looks like UTF-16 or UTF-32")]
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    dropped: dict[str, int] = {}
    root: list[_Node] = []
    stack: list[_Node | None] = []  # None: inside an element left out

    def unsafe(what: str) -> None:
        problems.append(
            Diagnostic(
                shown,
                parser.CurrentLineNumber,
                "image-svg-unsafe",
                f"The SVG contains {what}, which the site does not allow in images.",
                HINT,
            )
        )

    def drop(what: str) -> None:
        dropped[what] = dropped.get(what, 0) + 1

    def split(name: str) -> tuple[str, str]:
        namespace, _, local = name.rpartition(" ")
        return namespace, local

    def shown_name(namespace: str, local: str, prefix: str = "") -> str:
        return f"{prefix or namespace.rsplit('/', 1)[-1]}:{local}" if namespace not in ("", SVG_NS) else local

    def check_css(text: str, where: str) -> str:
        decoded = decode_css(text)
        for what in css_value_problems(decoded):
            unsafe(f"{what} in {where}")
        return decoded

    def attribute(element: str, name: str, value: str) -> tuple[str, str] | None:
        namespace, local = split(name)
        where = f"the {shown_name(namespace, local, 'xlink' if namespace == XLINK_NS else '')}= of <{element}>"
        if local.lower().startswith("on"):
            unsafe(f"an event handler ({local}=) on <{element}>")
            return None
        if local == "href" and namespace in ("", XLINK_NS):
            if element not in HREF_ELEMENTS:
                unsafe(f"a link ({where})")
            elif not LOCAL_ID.fullmatch(value):
                unsafe(f"a link to {value!r} ({where})")
            else:
                return ("xlink:href" if namespace else "href", value)
            return None
        if namespace == XML_NS and local in XML_ATTRIBUTES:
            return (f"xml:{local}", value)
        if local.startswith("aria-") and not namespace:
            return (local, value)
        if namespace or local not in ATTRIBUTES or (local in FILTER_ONLY and element not in FILTERS):
            if local == "type" and element == "style":
                pass
            else:
                drop(f"{shown_name(namespace, local)}=")
                return None
        if local == "type" and element == "style":
            if value.strip().lower() != "text/css":
                unsafe(f"a style sheet of type {value!r}")
                return None
            return (local, value)
        if local == "style":
            decoded = check_css(value, where)
            pairs, left_out = declarations(decoded)
            for name_left in left_out:
                drop(f"the CSS property {name_left}")
            return (local, declarations_text(pairs))
        if local in PROPERTIES or local == "media":
            return (local, check_css(value, where))
        if re.search(r"javascript\s*:|url\(", value, re.IGNORECASE):
            unsafe(f"a reference ({where})")
            return None
        return (local, value)

    def start(name: str, attributes: dict[str, str]) -> None:
        if len(stack) >= MAX_DEPTH:
            problems.append(
                Diagnostic(
                    shown,
                    parser.CurrentLineNumber,
                    "image-svg-too-deep",
                    f"The SVG nests its elements more than {MAX_DEPTH} levels deep (at this line), "
                    "so it was not read further.",
                    "Ungroup the drawing in the drawing program (or export it again as plain SVG): "
                    f"a diagram needs a few levels of <g>, never {MAX_DEPTH}.",
                )
            )
            raise _Stop
        namespace, local = split(name)
        if stack and stack[-1] is None:  # inside something left out: checked for danger, not kept
            if local in DANGEROUS:
                unsafe(f"a <{shown_name(namespace, local)}> element")
            stack.append(None)
            return
        if namespace not in ("", SVG_NS):
            if local in DANGEROUS or namespace == "http://www.w3.org/1999/xhtml":
                unsafe(f"a <{shown_name(namespace, local)}> element")
            else:
                drop(f"<{shown_name(namespace, local)}>")
            stack.append(None)
            return
        if not stack and local != "svg":
            unsafe(f"a <{local}> root element where <svg> belongs")
            stack.append(None)
            return
        if local in SILENTLY_DROPPED:
            stack.append(None)
            return
        if local not in ELEMENTS:
            links = [value for key, value in attributes.items() if split(key)[1] in ("href", "src")]
            unsafe(f"a <{local}> element" + (f" (linking to {links[0]!r})" if links else ""))
            stack.append(None)
            return
        kept = [pair for key, value in attributes.items() if (pair := attribute(local, key, value)) is not None]
        node = _Node(local, kept, parser.CurrentLineNumber)
        parent = stack[-1] if stack else None
        if parent is not None:
            parent.children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        node = stack[-1] if stack else None
        if node is None or node.name not in TEXT_ELEMENTS:
            return
        node.children.append(data)  # a style sheet is checked whole, at the end

    def doctype(*_: Any) -> None:
        unsafe("a DOCTYPE declaration (it can define entities)")
        raise _Stop

    def entity(*_: Any) -> None:
        unsafe("an entity declaration")
        raise _Stop

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            unsafe("an external style sheet (<?xml-stylesheet?>)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(source, True)
    except _Stop:
        return None, problems
    except xml.parsers.expat.ExpatError as error:
        problems.append(
            Diagnostic(
                shown,
                error.lineno,
                "image-svg-invalid",
                f"The SVG cannot be read: {xml.parsers.expat.ErrorString(error.code)}.",
                "Export the drawing again as SVG from the drawing program.",
            )
        )
        return None, problems
    if not root:
        problems.append(
            Diagnostic(
                shown, None, "image-svg-invalid", "The file has no <svg> drawing in it.", "Export it again as SVG."
            )
        )
        return None, problems
    for node in _style_blocks(root[0]):
        sheet = "".join(child for child in node.children if isinstance(child, str))
        decoded = decode_css(sheet)
        for what in css_value_problems(decoded):
            problems.append(
                Diagnostic(
                    shown,
                    node.line,
                    "image-svg-unsafe",
                    f"The SVG contains {what} in its <style>, which the site does not allow in images.",
                    HINT,
                )
            )
        node.children = [_clean_sheet(decoded, drop)]
    if dropped:
        listed = ", ".join(f"{what} ({count} times)" if count > 1 else what for what, count in sorted(dropped.items()))
        problems.append(
            Diagnostic(
                shown,
                None,
                "image-svg-dropped",
                f"Left out of the published SVG (not needed to draw it): {listed}.",
                "Nothing to do if the figure looks right; export as plain SVG to silence this.",
                Severity.WARNING,
            )
        )
    return _serialise(root[0]).encode("utf-8"), problems


def _walk(root: _Node) -> Iterator[_Node]:
    """Every element under `root` (itself included), in document order, without recursion."""
    pending = [root]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(reversed([child for child in node.children if isinstance(child, _Node)]))


def _style_blocks(node: _Node) -> list[_Node]:
    return [each for each in _walk(node) if each.name == "style"]


def _clean_sheet(sheet: str, drop: Any) -> str:
    """A decoded sheet with each declaration block reduced to allowed properties."""

    def block(match: re.Match[str]) -> str:
        pairs, left_out = declarations(match.group(1))
        for name in left_out:
            drop(f"the CSS property {name}")
        return "{" + declarations_text(pairs) + "}"

    return BLOCK.sub(block, sheet).strip()


def _uses_xlink(node: _Node) -> bool:
    return any(key.startswith("xlink:") for each in _walk(node) for key, _ in each.attributes)


def _serialise(root: _Node) -> str:
    """The tree as text, written with a stack of what is left to write (never recursing)."""
    out: list[str] = []
    attributes = [("xmlns", SVG_NS), *([("xmlns:xlink", XLINK_NS)] if _uses_xlink(root) else []), *root.attributes]
    pending: list[_Node | str] = [_Node(root.name, attributes, root.line, root.children)]
    while pending:
        item = pending.pop()
        if isinstance(item, str):  # text, or an end tag already escaped
            out.append(item)
            continue
        out.append(f"<{item.name}" + "".join(f' {key}="{_escape(value, True)}"' for key, value in item.attributes))
        if not item.children:
            out.append("/>")
            continue
        out.append(">")
        pending.append(f"</{item.name}>")
        pending.extend(reversed([_escape(child) if isinstance(child, str) else child for child in item.children]))
    return "".join(out)
