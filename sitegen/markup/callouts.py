"""Callouts: Python-Markdown's admonitions (`!!! key-point "Title"`) made accessible.

The admonition extension parses the syntax; this tree processor gives each
callout a role, a readable default title ("Key point", not "Key-point") and a
class the stylesheet knows, and reports kinds the stylesheet does not style.

Besides the plain callouts it makes the NHS design system's patterns (our own
markup and styles, written from their published rules):

- care cards, for advice to seek help, in three levels of urgency: `non-urgent`,
  `urgent` and `emergency`. The title gets a visually hidden prefix ("Urgent
  advice: ") so a screen reader says how urgent the card is, which sighted
  readers see from its colour.
  Every label this module writes (kinds, prefixes) is translated into the page's language
  (`State.translate`, gettext; the strings are marked with `N_` for the catalogue). More than two on one page dilutes them, so a third
  is reported (a warning).
- do and don't lists (`do`, `dont`): a list under "Do" or "Don't".
- inset text (`inset`): a passage set apart, without a title unless one is given
  (its role and label, "Information", mark it for screen readers).
It also reports callouts left empty (their text indented by fewer than four
spaces ends up below the box).
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.markup.state import State
from sitegen.markup.words import N_

KINDS = {
    "key-point": N_("Key point"),
    "note": N_("Note"),
    "warning": N_("Warning"),
    "tip": N_("Tip"),
    "non-urgent": N_("Non-urgent advice"),
    "urgent": N_("Urgent advice"),
    "emergency": N_("Immediate action required"),
    "do": N_("Do"),
    "dont": N_("Don't"),
    "inset": N_("Information"),
}
# A screen reader says a care card's level ("Urgent advice: ") before its own title.
CARE_CARDS = ("non-urgent", "urgent", "emergency")
MAX_CARE_CARDS = 2
LISTS = {"do": "do-list", "dont": "dont-list"}
# As the slips are read (leftovers.py): any case, any spaces; `!!! urgent:` is not a card.
_CARE_LINE = re.compile(
    r"^[ \t]*!!![ \t\u00a0\u202f]*(" + "|".join(CARE_CARDS) + r")(?=[ \t\u00a0\u202f]|$)",
    re.MULTILINE | re.IGNORECASE,
)


# A callout's first line, as the admonition extension reads it; group 1 is its kind.
_OPENER = re.compile(r"^[ \t]*!!![ \t]+([\w-]+)", re.MULTILINE)


class CalloutProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state
        self.report = state.report

    def run(self, root: etree.Element) -> None:
        translate = self.state.translate
        cards, third = 0, None
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
                # A near miss (`urgnet`, `nota`) was meant as that kind: the page shows the wrong box.
                close = difflib.get_close_matches(kind, list(KINDS), n=1, cutoff=0.6)
                self.report(
                    "callout-kind",
                    f"!!! {kind}",
                    f"Unknown callout kind '{kind}'" + (", so it shows as a plain note box." if close else "."),
                    (f"Did you mean `!!! {close[0]}`? " if close else "")
                    + "Use one of: "
                    + ", ".join(f"!!! {k}" for k in KINDS)
                    + ".",
                    warning=not close,
                )
                kind = "note"
            element.set("class", f"callout callout-{kind}" + (" care-card" if kind in CARE_CARDS else ""))
            element.set("role", "note")
            title, label = self._title(element, kind, translate(KINDS[kind]))
            if kind in CARE_CARDS:
                cards += 1
                if cards == MAX_CARE_CARDS + 1:
                    third = kind
                if title is not None and label != translate(KINDS[kind]):
                    prefix = etree.Element("span", {"class": "visually-hidden"})
                    said = translate(KINDS[kind]) + ": "
                    prefix.text, prefix.tail, title.text = said, title.text, None
                    title.insert(0, prefix)
                    label = said + label
            if kind in LISTS:
                self._lists(element, kind)
            element.set("aria-label", label)
        if third:
            self._too_many_cards(third, cards)

    @staticmethod
    def _title(element: etree.Element, kind: str, name: str) -> tuple[etree.Element | None, str]:
        """(the title paragraph or None, the callout's accessible label); `name`: the kind's
        label in the page's language, for a callout written without a title."""
        title = element.find("p")
        if title is not None and "admonition-title" not in title.get("class", ""):
            title = None
        if title is not None and (
            (title.text or "").strip().lower() == kind.replace("-", " ").lower() or title.text == kind.capitalize()
        ):
            title.text = name  # the admonition's default title: make it readable, in the page's language
        if kind == "inset" and title is not None and title.text == name and len(title) == 0:
            element.remove(title)  # inset text has no title unless the editor gives one
            title = None
        label = " ".join("".join(title.itertext()).split()) if title is not None else name
        if title is not None:
            title.set("class", "callout-title")
        return title, label

    def _lists(self, element: etree.Element, kind: str) -> None:
        """A do or don't box: its list gets the class that draws ticks or crosses."""
        lists = [child for child in element if child.tag == "ul"]
        for found in lists:
            found.set("class", LISTS[kind])
        if not lists:
            self.report(
                "callout-list",
                f"!!! {kind}",
                f"The `!!! {kind}` box has no list.",
                f"Write each point on its own line starting with `- `, indented by four spaces under `!!! {kind}`.",
                warning=True,
            )

    def _too_many_cards(self, kind: str, count: int) -> None:
        """Reported at the third care card's line (line_of would find the first of its kind)."""
        line = None
        if self.state.body is not None:
            starts = [match.start() for match in _CARE_LINE.finditer(self.state.body)]
            if len(starts) > MAX_CARE_CARDS:
                line = self.state.body_line + self.state.body.count("\n", 0, starts[MAX_CARE_CARDS])
        self.report(
            "care-card-count",
            f"!!! {kind}",
            f"This page has {count} care cards (!!! non-urgent, !!! urgent, !!! emergency); "
            f"more than {MAX_CARE_CARDS} is too many.",
            "Keep the one or two that matter most; with more, readers stop noticing them. "
            "Use `!!! note` or plain text for the rest.",
            warning=True,
            line=line,
        )

    def _empty(self, kind: str, occurrence: int) -> None:
        """Report the `occurrence`-th `!!! kind` callout, which holds only its title."""
        state = self.state
        openers = [m for m in _OPENER.finditer(state.body) if m.group(1).lower() == kind.lower()]
        if len(openers) < occurrence:
            return  # inside something we cannot place (e.g. HTML): no line to name
        opener = openers[occurrence - 1]
        line = state.body_line + state.body.count("\n", 0, opener.start())
        written = state.body[opener.start() :].split("\n", 1)[0].strip()
        following = [text for text in state.body[opener.end() :].split("\n")[1:] if text.strip()][:1]
        indent = len(following[0]) - len(following[0].lstrip(" ")) if following else 0
        opener_indent = len(opener.group(0)) - len(opener.group(0).lstrip())
        if following and opener_indent < indent < opener_indent + 4:
            self.report(
                "callout-indent",
                written,
                f"The text under `{written}` is indented by {indent - opener_indent} spaces, not 4, "
                "so the callout box is empty and its text shows below it as an ordinary paragraph.",
                "Indent every line of the callout's text by four spaces under the `!!!` line.",
                line=line,
            )
        else:
            self.report(
                "callout-empty",
                written,
                f"The callout `{written}` has no text, so it shows as an empty box.",
                "Write its text on the lines below it, each indented by four spaces; or remove the `!!!` line.",
                warning=True,
                line=line,
            )


class CalloutExtension(Extension):
    def __init__(self, state: State, **kwargs: Any) -> None:
        self.state = state
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(CalloutProcessor(md, self.state), "callouts", 16)
