"""Callouts: Python-Markdown's admonitions (`!!! key-point "Title"`) made accessible.

The admonition extension parses the syntax; this tree processor gives each
callout a role, a readable default title ("Key point", not "Key-point") and a
class the stylesheet knows, and reports kinds the stylesheet does not style, and
callouts left empty (their text indented by fewer than four spaces ends up below the box).
"""
from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

KINDS = {"key-point": "Key point", "note": "Note", "warning": "Warning", "tip": "Tip"}


# A callout's first line, as the admonition extension reads it; group 1 is its kind.
_OPENER = re.compile(r"^[ \t]*!!![ \t]+([\w-]+)", re.MULTILINE)


class CalloutProcessor(Treeprocessor):
    def __init__(self, md, state):
        super().__init__(md)
        self.state = state
        self.report = state.report

    def run(self, root):
        seen: dict[str, int] = {}
        for element in root.iter("div"):
            classes = element.get("class", "").split()
            if "admonition" not in classes:
                continue
            kind = next((c for c in classes if c != "admonition"), "note")
            seen[kind] = seen.get(kind, 0) + 1
            if len(element) == 1 and not (element.text or "").strip():
                self._empty(kind, seen[kind])
            if kind not in KINDS:
                self.report("callout-kind", f"!!! {kind}", f"Unknown callout kind '{kind}'.",
                            "Use one of: " + ", ".join(f"!!! {k}" for k in KINDS) + ".", warning=True)
                kind = "note"
            element.set("class", f"callout callout-{kind}")
            element.set("role", "note")
            title = element.find("p")
            if title is not None and "admonition-title" in title.get("class", ""):
                title.set("class", "callout-title")
                if (title.text or "").strip().lower() == kind.replace("-", " ").lower() or title.text == kind.capitalize():
                    title.text = KINDS[kind]
                element.set("aria-label", title.text or KINDS[kind])


    def _empty(self, kind: str, occurrence: int) -> None:
        """Report the `occurrence`-th `!!! kind` callout, which holds only its title."""
        state = self.state
        openers = [m for m in _OPENER.finditer(state.body) if m.group(1).lower() == kind.lower()]
        if len(openers) < occurrence:
            return  # inside something we cannot place (e.g. HTML): no line to name
        opener = openers[occurrence - 1]
        line = state.body_line + state.body.count("\n", 0, opener.start())
        written = state.body[opener.start():].split("\n", 1)[0].strip()
        following = [text for text in state.body[opener.end():].split("\n")[1:] if text.strip()][:1]
        indent = len(following[0]) - len(following[0].lstrip(" ")) if following else 0
        opener_indent = len(opener.group(0)) - len(opener.group(0).lstrip())
        if following and opener_indent < indent < opener_indent + 4:
            self.report("callout-indent", written,
                        f"The text under `{written}` is indented by {indent - opener_indent} spaces, not 4, "
                        "so the callout box is empty and its text shows below it as an ordinary paragraph.",
                        "Indent every line of the callout's text by four spaces under the `!!!` line.", line=line)
        else:
            self.report("callout-empty", written, f"The callout `{written}` has no text, so it shows as an empty box.",
                        "Write its text on the lines below it, each indented by four spaces; or remove the `!!!` line.",
                        warning=True, line=line)


class CalloutExtension(Extension):
    def __init__(self, state, **kwargs):
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.treeprocessors.register(CalloutProcessor(md, self.state), "callouts", 16)
