"""Callouts: Python-Markdown's admonitions (`!!! key-point "Title"`) made accessible.

The admonition extension parses the syntax; this tree processor gives each
callout a role, a readable default title ("Key point", not "Key-point") and a
class the stylesheet knows, and reports kinds the stylesheet does not style.
"""
from __future__ import annotations

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

KINDS = {"key-point": "Key point", "note": "Note", "warning": "Warning", "tip": "Tip"}


class CalloutProcessor(Treeprocessor):
    def __init__(self, md, report):
        super().__init__(md)
        self.report = report

    def run(self, root):
        for element in root.iter("div"):
            classes = element.get("class", "").split()
            if "admonition" not in classes:
                continue
            kind = next((c for c in classes if c != "admonition"), "note")
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


class CalloutExtension(Extension):
    def __init__(self, report, **kwargs):
        self.report = report
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.treeprocessors.register(CalloutProcessor(md, self.report), "callouts", 16)
