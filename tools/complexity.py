"""No function of `sitegen/` rated D or worse by radon (cyclomatic complexity above 20),
checked by `make lint`. Ruff's C901 (at 15) does not count boolean operators, so a function
of many `and`/`or` conditions passes it and not this (issue 30: "no function rated D").

Usage: python tools/complexity.py [PACKAGE_FOLDER]; prints each such function, exits 1 if any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_rank, cc_visit


def too_complex(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            if cc_rank(block.complexity) >= "D":
                found.append(
                    f"{path}:{block.lineno}: {block.fullname} is rated {cc_rank(block.complexity)} "
                    f"({block.complexity}): split it"
                )
    return found


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "sitegen"
    found = too_complex(folder)
    print("\n".join(found) or f"complexity: no function of {folder.name}/ rated D or worse")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
