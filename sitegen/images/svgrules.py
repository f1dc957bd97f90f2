"""What an SVG figure may contain (svgsafe.py applies it): the elements, attributes and CSS
properties a diagram needs, the CSS functions and at-rules it may use, the names that are
dangerous wherever they appear; and CSS as a browser reads it (`decode_css`), checked
against these lists (`css_value_problems`, `declarations`)."""

from __future__ import annotations

import re

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

FILTERS = {
    "filter",
    "feGaussianBlur",
    "feOffset",
    "feBlend",
    "feColorMatrix",
    "feComposite",
    "feFlood",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feDropShadow",
}
ELEMENTS = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "textPath",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "marker",
    "pattern",
    "symbol",
    "use",
    "style",
    *FILTERS,
}
# Elements whose text is kept (whitespace matters inside text; a style sheet is its text).
TEXT_ELEMENTS = {"text", "tspan", "textPath", "title", "desc", "style"}
# May carry href/xlink:href, and then only "#id".
HREF_ELEMENTS = {"use", "textPath", "linearGradient", "radialGradient", "pattern", "filter"}
SILENTLY_DROPPED = {"metadata"}

# CSS properties, which are also the presentation attributes (with the same value rules).
PROPERTIES = {
    "alignment-baseline",
    "baseline-shift",
    "clip",
    "clip-path",
    "clip-rule",
    "color",
    "color-interpolation",
    "color-interpolation-filters",
    "direction",
    "display",
    "dominant-baseline",
    "fill",
    "fill-opacity",
    "fill-rule",
    "filter",
    "flood-color",
    "flood-opacity",
    "font",
    "font-family",
    "font-size",
    "font-size-adjust",
    "font-stretch",
    "font-style",
    "font-variant",
    "font-weight",
    "image-rendering",
    "isolation",
    "letter-spacing",
    "lighting-color",
    "line-height",
    "marker",
    "marker-end",
    "marker-mid",
    "marker-start",
    "mask",
    "mix-blend-mode",
    "opacity",
    "overflow",
    "paint-order",
    "shape-rendering",
    "stop-color",
    "stop-opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "text-decoration",
    "text-rendering",
    "text-transform",
    "transform",
    "transform-box",
    "transform-origin",
    "unicode-bidi",
    "vector-effect",
    "visibility",
    "white-space",
    "word-spacing",
    "writing-mode",
}
ATTRIBUTES = PROPERTIES | {
    "id",
    "class",
    "style",
    "role",
    "lang",
    "tabindex",
    "focusable",
    "viewBox",
    "preserveAspectRatio",
    "version",
    "baseProfile",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "fr",
    "d",
    "points",
    "pathLength",
    "dx",
    "dy",
    "rotate",
    "textLength",
    "lengthAdjust",
    "startOffset",
    "method",
    "spacing",
    "side",
    "offset",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "markerWidth",
    "markerHeight",
    "markerUnits",
    "refX",
    "refY",
    "orient",
    "patternUnits",
    "patternContentUnits",
    "patternTransform",
    "filterUnits",
    "primitiveUnits",
    "stdDeviation",
    "in",
    "in2",
    "result",
    "mode",
    "type",
    "values",
    "operator",
    "k1",
    "k2",
    "k3",
    "k4",
    "radius",
    "media",
}
# Where "values"/"type" are allowed: on filter primitives and <style type="text/css"> only
# (on <animate> they were the attack; animation elements are refused anyway).
FILTER_ONLY = {"values", "operator", "k1", "k2", "k3", "k4", "radius", "in", "in2", "result", "mode", "stdDeviation"}
XML_ATTRIBUTES = {"space", "lang"}

FUNCTIONS = {
    "url",
    "rgb",
    "rgba",
    "hsl",
    "hsla",
    "hwb",
    "lab",
    "lch",
    "oklab",
    "oklch",
    "calc",
    "min",
    "max",
    "clamp",
    "var",
    "matrix",
    "translate",
    "translatex",
    "translatey",
    "scale",
    "scalex",
    "scaley",
    "rotate",
    "skewx",
    "skewy",
    # selectors
    "not",
    "is",
    "where",
    "nth-child",
    "nth-last-child",
    "nth-of-type",
    "nth-last-of-type",
}
AT_RULES = {"media"}
# In any namespace, these mean script, other documents or fetching: an error, never just dropped.
DANGEROUS = {
    "script",
    "foreignObject",
    "iframe",
    "object",
    "embed",
    "image",
    "img",
    "a",
    "link",
    "style",
    "animate",
    "set",
    "animateMotion",
    "animateTransform",
    "animateColor",
    "discard",
    "feImage",
    "handler",
    "listener",
    "base",
    "meta",
    "html",
    "body",
    "audio",
    "video",
    "font-face",
    "font-face-uri",
}

LOCAL_ID = re.compile(r"#[A-Za-z_][\w.:-]*")
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(\n)|(.))", re.DOTALL)
# Every pattern here runs in time linear in the text (a style sheet is the editor's, or an
# attacker's): a name is matched only from its first character (the look-behind), so a long
# run of letters is not scanned again from each of its positions; a url( is read only as far
# as URL_WINDOW characters.
_FUNCTION = re.compile(r"(?<![\w-])([\w-]+)\(", re.UNICODE)
_URL_START = re.compile(r"url\(", re.IGNORECASE)
_LOCAL_URL = re.compile(r"\s*(['\"]?)#[A-Za-z_][\w.:-]*\1\s*\)")
URL_WINDOW = 2000
_AT = re.compile(r"@([\w-]*)")
BLOCK = re.compile(r"\{([^{}]*)\}")


def decode_css(text: str) -> str:
    """The CSS as a browser reads it: comments gone, every escape replaced by its character."""

    def one(match: re.Match[str]) -> str:
        hexa, newline, char = match.groups()
        if hexa:
            point = int(hexa, 16)
            return "\ufffd" if point == 0 or point > 0x10FFFF or 0xD800 <= point <= 0xDFFF else chr(point)
        if newline:
            return ""
        return char or ""

    return _ESCAPE.sub(one, _COMMENT.sub(" ", text))


def css_value_problems(text: str) -> list[str]:
    """What is wrong with decoded CSS text (a value, declarations or a whole sheet)."""
    found: list[str] = []
    if "\\" in text:
        found.append("a CSS escape that decodes to a backslash")
    for match in _AT.finditer(text):
        if match.group(1).lower() not in AT_RULES:
            found.append(f"the CSS at-rule @{match.group(1)}")
    for match in _FUNCTION.finditer(text):
        name = match.group(1).lower()
        if name not in FUNCTIONS:
            found.append(f"the CSS function {match.group(1)}()")
    for match in _URL_START.finditer(text):
        if not _LOCAL_URL.match(text, match.end()):
            found.append(_url_problem(text[match.end() : match.end() + URL_WINDOW]))
    if re.search(r"javascript\s*:|expression|-moz-binding|behavior", text, re.IGNORECASE):
        found.append("script in CSS")
    return found


def _url_problem(rest: str) -> str:
    """What a url( whose argument starts `rest` refers to, when it is not a local #id."""
    argument = rest.lstrip()
    quote = argument[:1] if argument[:1] in ("'", '"') else ""
    end = argument.find(quote, 1) if quote else argument.find(")")
    if end < 0:
        return "an unfinished url("
    return f"a reference to {argument[len(quote) : end].strip()!r}"


def declarations(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(kept (property, value) pairs, names of properties left out) of decoded declarations."""
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        name, colon, value = part.partition(":")
        name = name.strip().lower()
        if not colon or name not in PROPERTIES:
            dropped.append(name or part.strip()[:20])
            continue
        kept.append((name, value.strip()))
    return kept, dropped


def declarations_text(pairs: list[tuple[str, str]]) -> str:
    return ";".join(f"{name}:{value}" for name, value in pairs)
