"""Full-text search: pagefind indexes the built site, with no server needed to search it.

pagefind (the `pagefind[bin]` package from PyPI ships its binary) reads the
HTML the build wrote and adds a `pagefind/` folder of index chunks that the
search page's script fetches on demand. Only elements marked
`data-pagefind-body` (article text, glossary, stand-alone pages) are indexed,
so navigation and footers never match a search.

It runs over the staging folder, before the swap, so the published site and
its index always belong to the same build.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import Diagnostic

BUNDLE = "pagefind"
# pagefind also writes its ready-made search interfaces. The search page uses the
# plain JS API instead (those interfaces inject styles the site's CSP forbids), so
# they are removed rather than published unused.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 120
HINT_INSTALL = "Install the search indexer: .venv/bin/pip install 'pagefind[bin]' (make build does this)."


def pagefind_executable() -> Path | None:
    """The pagefind binary shipped by the `pagefind_bin` wheel, or None when it is not installed."""
    try:
        # The wheel ships no type information; its get_executable() returns a Path.
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        executable: Path = get_executable()
        return executable
    except (ImportError, FileNotFoundError):
        return None


def index_site(folder: Path) -> list[Diagnostic]:
    """Write the search index into `folder`/pagefind/. Problems come back as Diagnostics, never raised."""
    folder = Path(folder)
    executable = pagefind_executable()
    if executable is None:
        return [
            Diagnostic(
                str(folder), None, "search-missing", "The search indexer pagefind is not installed.", HINT_INSTALL
            )
        ]
    # --silent: only errors reach the output, which becomes the message when it fails.
    command = [str(executable), "--site", str(folder), "--output-subdir", BUNDLE, "--silent"]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError) as error:
        return [
            Diagnostic(str(folder), None, "search-failed", f"The search indexer could not run: {error}.", HINT_INSTALL)
        ]
    if done.returncode != 0:
        output = " ".join((done.stderr or done.stdout or "no output").split())[:500]
        return [
            Diagnostic(
                str(folder),
                None,
                "search-failed",
                f"The search indexer failed (exit code {done.returncode}): {output}",
                "Run the build again; if it keeps failing, reinstall pagefind: .venv/bin/pip install --force-reinstall 'pagefind[bin]'.",
            )
        ]
    bundle = folder / BUNDLE
    if not (bundle / "pagefind.js").is_file():
        return [
            Diagnostic(
                str(folder),
                None,
                "search-empty",
                "The search indexer found no pages to index.",
                "Check that the article, glossary and page templates mark their text with data-pagefind-body.",
            )
        ]
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    return []
