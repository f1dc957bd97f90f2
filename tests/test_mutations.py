"""Mutation test of the syntax the README teaches (issue 29).

Every construct an editor is taught (each callout and care-card kind, with and without a
title; tables with and without a caption and alignment; figures; article links with and
without a section), in English and Spanish, gets each slip an editor makes: curly quotes,
tabs, a missing blank line before or after, a two-space indent, a missing or extra pipe, a
translated keyword, a capitalised kind, spaces after `!!!`. For each: the page shows the
intended element, or the Markdown pass reports a finding at a line of the construct.
None passes silently; none crashes. Then the real articles (drafts too) go through check
and the net finds nothing in them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.images.assets import Asset, Record
from sitegen.markup import Renderer
from sitegen.markup.callouts import KINDS
from sitegen.markup.state import Figures
from sitekit import soup

FILE = "content/articles/x.md"
BODY_LINE = 10
TARGETS = {"other.md": "articles/other/"}
REPO = Path(__file__).resolve().parent.parent
RESULTS: dict[str, int] = {"tried": 0, "intended": 0, "reported": 0, "unchanged": 0}

INTRO = {"en": "An opening paragraph.", "es": "Un párrafo de inicio."}
CLOSING = {"en": "A closing paragraph.", "es": "Un párrafo final."}
TRANSLATED_KINDS = {
    "key-point": "punto-clave",
    "note": "nota",
    "warning": "aviso",
    "tip": "consejo",
    "non-urgent": "no-urgente",
    "urgent": "urgente",
    "emergency": "emergencia",
    "do": "hacer",
    "dont": "no-hacer",
    "inset": "recuadro",
}


def _figures() -> Figures:
    asset = Asset("images/myelin.svg", "0" * 64, "svg", "SVG", 400, 200, 10, Record("Editors", "site"))
    return Figures(
        {asset.path: asset},
        lambda _asset: "Licence",
        lambda context: (
            f'<figure class="figure"><img alt="{context["alt"]}"><figcaption>{context["caption"]}</figcaption></figure>'
        ),
    )


RENDERERS = {
    "en": Renderer("escape", figures=_figures()),
    "es": Renderer("escape", prefix="es/", fallback=("en", "en inglés"), figures=_figures()),
}


@dataclass(frozen=True)
class Construct:
    name: str
    language: str
    text: str
    intended: Callable[[object], bool]  # on the page's soup, the construct's element is right


def _callout(kind: str, title: str | None, words: str) -> Callable[[object], bool]:
    def check(page) -> bool:
        box = page.find("div", class_=f"callout-{kind}")
        if box is None or words not in box.get_text() or "!!!" in page.get_text():
            return False
        shown = box.find("p", class_="callout-title")
        return title is None or (shown is not None and shown.get_text().endswith(title))

    return check


def _table(caption: str | None, aligned: bool, cells: list[str]) -> Callable[[object], bool]:
    def check(page) -> bool:
        table = page.find("table")
        if table is None or [td.get_text() for td in table.find_all("td")] != cells or "|" in page.get_text():
            return False
        if caption is not None and (table.caption is None or table.caption.get_text() != caption):
            return False
        return not aligned or table.find("td", class_="align-center") is not None

    return check


def _figure(caption: str) -> Callable[[object], bool]:
    return lambda page: (figure := page.find("figure")) is not None and figure.figcaption.get_text() == caption


def _link(href: str, words: str) -> Callable[[object], bool]:
    return lambda page: (a := page.find("a", href=href)) is not None and a.get_text() == words


def constructs() -> list[Construct]:
    found = []
    for language in ("en", "es"):
        es = language == "es"
        title = "Llame hoy si:" if es else "Ring your MS nurse today if:"
        point = "tiene síntomas nuevos" if es else "you have new symptoms"
        for kind in KINDS:
            found.append(
                Construct(
                    f"callout-{kind}-titled",
                    language,
                    f'!!! {kind} "{title}"\n    - {point}\n    - {point} again',
                    _callout(kind, title, point),
                )
            )
            found.append(
                Construct(f"callout-{kind}", language, f"!!! {kind}\n    - {point}", _callout(kind, None, point))
            )
        keyword = "Tabla" if es else "Table"
        caption = "Tipos de resonancia" if es else "Common scans"
        rows = "| T1 | Forma |\n| T2 | Lesiones |" if es else "| T1 | Shape |\n| T2 | Lesions |"
        cells = ["T1", "Forma", "T2", "Lesiones"] if es else ["T1", "Shape", "T2", "Lesions"]
        header = "| Resonancia | Muestra |" if es else "| Scan | Shows |"
        for with_caption in (True, False):
            for aligned in (True, False):
                separator = "|:---|:---:|" if aligned else "|---|---|"
                text = (f"{keyword}: {caption}\n" if with_caption else "") + f"{header}\n{separator}\n{rows}"
                found.append(
                    Construct(
                        f"table{'-captioned' if with_caption else ''}{'-aligned' if aligned else ''}",
                        language,
                        text,
                        _table(caption if with_caption else None, aligned, cells),
                    )
                )
        figure_caption = "Mielina y un hueco" if es else "Myelin and a gap"
        found.append(
            Construct(
                "figure",
                language,
                f'![{"Una fibra nerviosa" if es else "A nerve fibre"}](images/myelin.svg "{figure_caption}")',
                _figure(figure_caption),
            )
        )
        words = "el artículo sobre el contraste" if es else "the contrast article"
        for section in ("", "#what-contrast-shows"):
            found.append(
                Construct(
                    f"link{'-section' if section else ''}",
                    language,
                    f"{'Lea' if es else 'Read'} [{words}](other.md{section}).",
                    _link(f"../../articles/other/{section}", words),
                )
            )
    return found


# Each slip: (construct text, language) -> the slipped text, or None when it does not apply.
def _curly(text: str, language: str) -> str | None:
    opening, closing = ("«", "»") if language == "es" else ("“", "”")
    slipped = re.sub(r'"([^"\n]*)"', lambda m: f"{opening}{m[1]}{closing}", text)
    return slipped if slipped != text else None


def _curly_german(text: str, language: str) -> str | None:
    slipped = re.sub(r'"([^"\n]*)"', lambda m: f"„{m[1]}“", text)
    return slipped if slipped != text else None


def _indent(replacement: str) -> Callable[[str, str], str | None]:
    def slip(text: str, language: str) -> str | None:
        slipped = re.sub(r"(?m)^    ", replacement, text)
        return slipped if slipped != text else None

    return slip


def _missing_pipe(text: str, language: str) -> str | None:
    slipped = re.sub(r"(?m)^(\|:?---:?\|:?---:?)\|$", r"\1", text)
    slipped = re.sub(r"(?m)^(\|:?---:?)\|:?---:?\|$", r"\1|", slipped)
    return slipped if slipped != text else None


def _extra_pipe(text: str, language: str) -> str | None:
    slipped = re.sub(r"(?m)^(\|:?---.*\|)$", r"\1---|", text)
    return slipped if slipped != text else None


def _row_pipe(missing: bool) -> Callable[[str, str], str | None]:
    def slip(text: str, language: str) -> str | None:
        rows = text.split("\n")
        last = rows[-1]
        if not last.startswith("| T2 "):
            return None
        rows[-1] = last.replace(" | ", "  ", 1) if missing else last + " extra |"
        return "\n".join(rows)

    return slip


def _translated(text: str, language: str) -> str | None:
    if text.startswith("Table:"):
        return "Tabla:" + text[len("Table:") :]
    if text.startswith("Tabla:"):
        return "Tabelle:" + text[len("Tabla:") :]
    found = re.match(r"!!! ([\w-]+)", text)
    if found:
        return text.replace(found[0], f"!!! {TRANSLATED_KINDS[found[1]]}", 1)
    return None


def _capitalised(text: str, language: str) -> str | None:
    found = re.match(r"!!! ([\w-]+)", text)
    return text.replace(found[0], f"!!! {found[1].capitalize()}", 1) if found else None


def _space_after(text: str, language: str) -> str | None:
    return text.replace("!!! ", "!!!  ", 1) if text.startswith("!!! ") else None


def _trailing_space(text: str, language: str) -> str | None:
    first, _, rest = text.partition("\n")
    return f"{first} \n{rest}" if text.startswith("!!!") else None


def _tab_after(text: str, language: str) -> str | None:
    return text.replace("!!! ", "!!!\t", 1) if text.startswith("!!! ") else None


SLIPS: dict[str, Callable[[str, str], str | None]] = {
    "curly-quotes": _curly,
    "curly-quotes-low": _curly_german,
    "tab-indent": _indent("\t"),
    "two-space-indent": _indent("  "),
    "missing-pipe": _missing_pipe,
    "extra-pipe": _extra_pipe,
    "missing-pipe-in-row": _row_pipe(missing=True),
    "extra-pipe-in-row": _row_pipe(missing=False),
    "translated-keyword": _translated,
    "capitalised-kind": _capitalised,
    "spaces-after-bangs": _space_after,
    "tab-after-bangs": _tab_after,
    "trailing-space": _trailing_space,
    "no-blank-line-before": lambda text, language: text,  # placed by _body
    "no-blank-line-after": lambda text, language: text,
}


def _body(construct: str, slip: str, language: str) -> tuple[str, int]:
    """The article body, and the line (of the body) where the construct starts."""
    before = "\n" if slip == "no-blank-line-before" else "\n\n"
    after = "\n" if slip == "no-blank-line-after" else "\n\n"
    return INTRO[language] + before + construct + after + CLOSING[language] + "\n", 1 + before.count("\n")


CASES = [
    pytest.param(construct, slip, id=f"{construct.language}-{construct.name}-{slip}")
    for construct in constructs()
    for slip in SLIPS
    if SLIPS[slip](construct.text, construct.language) is not None  # the slips that apply to it
]


@pytest.mark.parametrize(("construct", "slip"), CASES)
def test_a_slip_shows_the_intended_element_or_is_reported_at_its_line(construct, slip):
    slipped = SLIPS[slip](construct.text, construct.language)
    assert slipped is not None
    body, start = _body(slipped, slip, construct.language)
    markup = RENDERERS[construct.language].render(body, file=FILE, body_line=BODY_LINE, targets=TARGETS, root="../../")
    RESULTS["tried"] += 1
    page = soup(markup.html)
    end = start + slipped.count("\n") + 1  # the line after the construct, too
    lines = range(BODY_LINE + start - 1, BODY_LINE + end)
    findings = [d for d in markup.diagnostics if d.line in lines]
    paragraphs = [p.get_text() for p in page.find_all("p", recursive=False)]
    # A block (not a link in a sentence) leaves the paragraphs around it as they were.
    inline = construct.name.startswith("link")
    kept_apart = inline or (paragraphs[:1] == [INTRO[construct.language]] and CLOSING[construct.language] in paragraphs)
    if construct.intended(page) and kept_apart:
        RESULTS["intended"] += 1
        return
    RESULTS["reported"] += 1
    assert findings, f"silent slip: {slip} on {construct.name}\n{body}\n{markup.html}"


def test_the_real_articles_get_no_false_finding_from_the_net():
    from sitegen.core.config import load_config
    from sitegen.pipeline import Builder

    config, _ = load_config(REPO / "config.yaml")
    assert config is not None
    result = Builder(config, drafts=True, use_cache=False).build(write=False, check=True)
    new = {"syntax-not-understood", "callout-kind", "table-caption"}
    assert [d.format() for d in result.diagnostics if d.code in new] == []


def test_zz_record_the_number_of_mutations(capsys):
    """Printed with -s, and in the suite's output as a summary line."""
    if RESULTS["tried"]:
        with capsys.disabled():
            print(
                f"\nmutations: {RESULTS['tried']} tried, {RESULTS['intended']} showed the intended element, "
                f"{RESULTS['reported']} were reported at their line"
            )
