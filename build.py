#!/usr/bin/env python3
"""Build the site: `python build.py [build|check|serve|new] --help`. The work is done in sitegen/."""

import sys

# The libraries live in .venv/ (made by `make build`). Run with another Python (`python
# build.py check` on a fresh clone), a command ended in a ModuleNotFoundError traceback one
# step after `new` had worked. Say once, in one line, what to run instead.
NEEDED = ("jinja2", "markdown", "yaml", "livereload", "nh3", "watchdog", "textstat", "pyphen", "tornado", "markupsafe")


def _without_libraries(missing: str) -> int:
    import shlex
    from pathlib import Path

    here = Path(__file__).resolve().parent
    prefix = "" if Path.cwd().resolve() == here else f"{here}/"  # the commands as they work from here
    command = shlex.join([f"{prefix}.venv/bin/python", f"{prefix}build.py", *sys.argv[1:]])
    first = "" if (here / ".venv" / "bin" / "python").exists() else "run `make build` once (it sets up .venv/), then "
    print(
        f"This Python ({sys.executable}) does not have the libraries the site needs (no {missing!r}): "
        f"{first}run `{command}`, or use `make build`, `make serve`, `make check`.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    from importlib.util import find_spec

    missing = next((name for name in NEEDED[:3] if find_spec(name) is None), None)
    if missing and not {"-h", "--help"} & set(sys.argv[1:]):  # help needs only the standard library
        sys.exit(_without_libraries(missing))
    from sitegen.cli import main

    try:
        sys.exit(main())
    except ModuleNotFoundError as error:  # a library needed only by some commands (serve: watchdog)
        if error.name and error.name.split(".")[0] in NEEDED:
            sys.exit(_without_libraries(error.name))
        raise
