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

from sitegen.markup.calloutlines import CalloutLinePreprocessor, Outside, outside_lines
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
# The names a Spanish editor may write for a kind: the fix's "Did you mean", and, for those
# with one certain meaning (slips.SPANISH_KINDS), the kind they are read as.
SPANISH = {
    "nota": "note",
    "advertencia": "warning",
    "aviso": "warning",
    "atencion": "warning",
    "precaucion": "warning",
    "cuidado": "warning",
    "consejo": "tip",
    "sugerencia": "tip",
    "clave": "key-point",
    "punto-clave": "key-point",
    "idea-clave": "key-point",
    "importante": "key-point",
    "no-urgente": "non-urgent",
    "urgente": "urgent",
    "emergencia": "emergency",
    "urgencia": "emergency",
    "hacer": "do",
    "haga": "do",
    "si": "do",
    "no-hacer": "dont",
    "no-haga": "dont",
    "no": "dont",
    "recuadro": "inset",
    "informacion": "inset",
}
# As the slips are read (leftovers.py): any case, any spaces; `!!! urgent:` is not a card.
_CARE_LINE = re.compile(
    r"^[ \t]*!!![ \t\u00a0\u202f]*(" + "|".join(CARE_CARDS) + r")(?=[ \t\u00a0\u202f]|$)",
    re.MULTILINE | re.IGNORECASE,
)


# A callout's first line, as the admonition extension reads it; group 1 is its kind.
_OPENER = re.compile(r"^[ \t]*!!![ \t\u00a0\u202f]+([\w-]+)", re.MULTILINE)


class CalloutProcessor(Treeprocessor):
    def __init__(self, md: Markdown, state: State) -> None:
        super().__init__(md)
        self.state = state
        self.report = state.report

    def run(self, root: etree.Element) -> None:
        translate = self.state.translate
        cards, third = 0, None
        seen: dict[str, int] = {}
        outside = self._outside()
        for element in root.iter("div"):
            classes = element.get("class", "").split()
            if "admonition" not in classes:
                continue
            kind = next((c for c in classes if c != "admonition"), "note")
            seen[kind] = seen.get(kind, 0) + 1
            if not (element.text or "").strip() and all(_is_title(child) for child in element):
                self._empty(kind, seen[kind], outside)
            if kind not in KINDS:
                self._unknown(kind, seen[kind])
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

    def _unknown(self, kind: str, occurrence: int) -> None:
        """An unknown kind shows as a note box, which the editor did not ask for: an error."""
        plain = kind.lower().translate(_UNACCENTED)
        close = [SPANISH[plain]] if plain in SPANISH else difflib.get_close_matches(plain, list(KINDS), n=1, cutoff=0.6)
        self.report(
            "callout-kind",
            f"!!! {kind}",
            f"Unknown callout kind '{kind}', so it shows as a plain note box, not the box you meant.",
            (f"Did you mean `!!! {close[0]}`? " if close else "")
            + "Write the kind in English (a few Spanish names are read too, such as `advertencia`). Use one of: "
            + ", ".join(f"!!! {k}" for k in KINDS)
            + ".",
            line=self._opener(kind, occurrence)[0],
        )

    def _opener(self, kind: str, occurrence: int) -> tuple[int | None, str]:
        """(the line of the `occurrence`-th `!!! kind` line, that line as written), or (None, the
        kind) when it cannot be placed (inside something else, such as HTML)."""
        state = self.state
        openers = [m for m in _OPENER.finditer(state.body) if m.group(1).lower() == kind.lower()]
        if len(openers) < occurrence:
            return None, f"!!! {kind}"
        opener = openers[occurrence - 1]
        line = state.body_line + state.body.count("\n", 0, opener.start())
        return line, state.body[opener.start() :].split("\n", 1)[0].strip()

    def _outside(self) -> dict[int, Outside]:
        """The lines outside boxes (calloutlines.py), by their `!!!` line; those after a box
        with text reported here (an empty box is reported by `_empty`)."""
        state = self.state
        if state.body is None or "!!!" not in state.body:
            return {}
        found = {}
        lines = state.body.split("\n")
        for out in outside_lines(state.body):
            found[out.opener] = out
            if out.empty:
                continue
            written = lines[out.opener].strip()
            line = state.body_line + out.line
            gap = out.indent - out.opener_indent
            if gap > 0:
                self.report(
                    "callout-indent",
                    lines[out.line].strip()[:40],
                    f"This line is indented by {gap} space{'s' if gap > 1 else ''}, not 4, so it is not in the box "
                    f"`{written}` above it: it shows below the box as ordinary text.",
                    "Indent it by four spaces, like the box's other lines, to put it in the box.",
                    line=line,
                )
            elif not out.blank_before:
                self.report(
                    "callout-indent",
                    lines[out.line].strip()[:40],
                    f"This line is not indented, so it is not in the box `{written}` above it: "
                    "it shows below the box as ordinary text.",
                    "Indent it by four spaces, like the box's other lines, to put it in the box; "
                    "to put it after the box, leave a blank line before it.",
                    line=line,
                )
            elif out.ends_in_list and out.is_item:
                self.report(
                    "callout-outside",
                    lines[out.line].strip()[:40],
                    f"This list comes right after the list in the box `{written}`, but it is not indented, "
                    "so it shows below the box, not as more of its points.",
                    "Indent it by four spaces to put it in the box; if it belongs after the box, "
                    "write a sentence between the box and the list.",
                    line=line,
                )
        return found

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

    def _empty(self, kind: str, occurrence: int, outside: dict[int, Outside]) -> None:
        """Report the `occurrence`-th `!!! kind` callout, which holds only its title."""
        line, written = self._opener(kind, occurrence)
        if line is None:
            return  # inside something we cannot place (e.g. HTML): no line to name
        out = outside.get(line - self.state.body_line)
        if out is not None and out.indent > out.opener_indent:
            indent = out.indent - out.opener_indent
            self.report(
                "callout-indent",
                written,
                f"The text under `{written}` is indented by {indent} space{'s' if indent > 1 else ''}, not 4, "
                "so the callout box is empty and its text shows below it as an ordinary paragraph.",
                "Indent every line of the callout's text by four spaces under the `!!!` line.",
                line=line,
            )
        elif out is not None and (not out.blank_before or out.is_item or written.rstrip("\"'”»").endswith(":")):
            # Its text right below it, or a list or what its title announces after a blank line.
            self.report(
                "callout-indent",
                written,
                f"The text under `{written}` is not indented, so the box is empty and its text "
                "shows below it as ordinary text.",
                "Indent every line of the box's text by four spaces under the `!!!` line.",
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
        # After whitespace is normalised (30), before slips.py's mends (29), which read the kind.
        md.preprocessors.register(CalloutLinePreprocessor(md, self.state, KINDS), "callout_lines", 29.5)


def _is_title(element: etree.Element) -> bool:
    return element.tag == "p" and "admonition-title" in element.get("class", "")


_UNACCENTED = str.maketrans("áéíóúüñ", "aeiouun")
