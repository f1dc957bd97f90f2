"""The quality checks' policy: each check group's level (off, warning or error) and thresholds.

DEFAULTS is the shipped policy; config.yaml's `checks:` changes it, and `settings` checks what
it says (a level in LEVELS, numbers elsewhere) and merges it over DEFAULTS.
"""

from __future__ import annotations

from sitegen.build.reading import FORMULAS
from sitegen.checks.findings import Rules
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic, did_you_mean

# One check group's settings: its level (a str) and its thresholds (numbers). Any: they come
# from config.yaml's `checks:`, which `settings` checks (a level in LEVELS, numbers elsewhere).

DEFAULTS: dict[str, Rules] = {
    # overdue: "warning" (the default) keeps an overdue article published, with a line telling
    # readers it is due for review, and never holds up other articles' corrections; "error"
    # stops publishing until it is reviewed. review-future and the like stay errors.
    "review": {"level": "error", "warn_days": 60, "overdue": "warning"},
    # Per language other than English (a section named by its code): a formula made for that
    # language and its threshold, e.g. `es: {formula: szigriszt_pazos, min_score: 55}`.
    # max_sentence_grade: one sentence this hard is named even when the article's average
    # passes (the site's own articles peak at grade 13 on a single short sentence).
    "readability": {"level": "warning", "max_grade": 8.0, "min_words": 100, "max_sentence_grade": 16.0, "es": {}},
    "links": {"level": "error"},
    "images": {"level": "error"},
    "references": {"level": "error"},
    "disclaimer": {"level": "error"},
    "takeaways": {"level": "error", "min_items": 1, "max_items": 6, "max_chars": 200, "max_summary_chars": 300},
    "headings": {"level": "error"},
    "glossary": {"level": "error"},
    "template": {"level": "error"},
    # Words a patient may not know (sitegen/jargon/<language>.yaml), used unexplained: check_jargon.py.
    "jargon": {"level": "warning"},
}
LEVELS = ("off", "warning", "error")

# The readability formulas for a language (textstat's names): higher scores read more easily.
LANGUAGE_FORMULAS = tuple(FORMULAS)
LANGUAGE_FORMULAS_FOR = ("es",)


def _language_readability(value: object) -> str:
    """What is wrong with a language's readability section, or ""."""
    if not isinstance(value, dict):
        return "must be a section, e.g. `{formula: szigriszt_pazos, min_score: 55}`."
    if value.get("formula") not in LANGUAGE_FORMULAS:
        return f"formula must be one of {', '.join(LANGUAGE_FORMULAS)}."
    if not isinstance(value.get("min_score"), (int, float)):
        return "min_score must be a number."
    if not isinstance(value.get("min_sentence_score", 0), (int, float)):
        return "min_sentence_score must be a number."
    return ""


def settings(config: Config) -> tuple[dict[str, Rules], list[Diagnostic]]:
    """DEFAULTS overlaid with config.yaml's `checks:`; unknown names are reported."""
    merged = {name: dict(values) for name, values in DEFAULTS.items()}
    problems: list[Diagnostic] = []
    shown = config.path.name
    for name, given in dict(config.checks).items():
        if name not in DEFAULTS:
            problems.append(
                Diagnostic(
                    shown, None, "config-unknown-key", f"Unknown check 'checks.{name}'.", did_you_mean(name, DEFAULTS)
                )
            )
            continue
        if isinstance(given, bool):  # YAML 1.1 reads a bare `off` as false
            given = "off" if not given else "error"
        if isinstance(given, str):
            given = {"level": given}
        if not isinstance(given, dict):
            problems.append(
                Diagnostic(
                    shown,
                    None,
                    "config-type",
                    f"'checks.{name}' must be a level or a section.",
                    f"For example: `{name}: {{level: warning}}`.",
                )
            )
            continue
        for key, value in given.items():
            if key not in DEFAULTS[name]:
                problems.append(
                    Diagnostic(
                        shown,
                        None,
                        "config-unknown-key",
                        f"Unknown setting 'checks.{name}.{key}'.",
                        did_you_mean(key, DEFAULTS[name]),
                    )
                )
            elif key in ("level", "overdue") and (value := "off" if value is False else value) not in LEVELS:
                problems.append(
                    Diagnostic(
                        shown, None, "config-value", f"checks.{name}.{key} is {value!r}.", "Use off, warning or error."
                    )
                )
            elif name == "readability" and key in LANGUAGE_FORMULAS_FOR:
                problem = _language_readability(value)
                if problem:
                    problems.append(Diagnostic(shown, None, "config-value", f"checks.readability.{key}: {problem}", ""))
                else:
                    merged[name][key] = dict(value)
            elif key not in ("level", "overdue") and not isinstance(value, (int, float)):
                problems.append(Diagnostic(shown, None, "config-type", f"checks.{name}.{key} must be a number.", ""))
            else:
                merged[name][key] = value
    return merged, problems
