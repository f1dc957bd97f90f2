"""What a quality check reports into: each finding at the level the site's policy gives its
check (`checks:` in config.yaml: off, warning or error). Shared by check.py and the
check_* modules, below all of them."""

from __future__ import annotations

from typing import Any, TypeAlias

from sitegen.core.errors import Diagnostic, Severity

Rules: TypeAlias = dict[str, Any]


class Findings:
    def __init__(self, policy: dict[str, Rules]) -> None:
        self.policy = policy
        self.items: list[Diagnostic] = []

    def add(
        self,
        group: str,
        file: str,
        line: int | None,
        code: str,
        message: str,
        hint: str,
        warning: bool = False,
        column: int | None = None,
        excerpt: str = "",
    ) -> None:
        level = self.policy[group]["level"]
        if level == "off":
            return
        severity = Severity.WARNING if warning or level == "warning" else Severity.ERROR
        self.items.append(Diagnostic(file, line, code, message, hint, severity, column, excerpt))
