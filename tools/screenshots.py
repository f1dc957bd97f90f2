"""Screenshots of the built site in headless Chromium, for people to look at.

`make screenshots` writes PNGs of the home page and an article (and search
results, once search exists) at 1280 and 390 px, light and dark, into screenshots/ (git-ignored).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # noqa: ANN001, ANN201 (the base class's)
        # A browser that moves on to the next page closes the connection mid-answer: not an error.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default="public", type=Path)
    parser.add_argument("--out", default="screenshots", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("pages", nargs="*", default=["", "articles/outside-in-and-inside-out/", "search/?q=lesion"])
    args = parser.parse_args()
    args.out.mkdir(exist_ok=True)
    server = serve(args.site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        # Both colour schemes: the dark theme is a second set of colours to get right.
        for scheme in ("light", "dark"):
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = context.new_page()
                for path in args.pages:
                    if path.startswith("search/") and not (args.site / "search").exists():
                        continue
                    page.goto(base + path)
                    page.wait_for_load_state("networkidle")
                    if path.startswith("search/"):
                        # Results arrive after the index chunks load; wait for the count.
                        page.locator("[data-search-status]", has_text="result").wait_for()
                    name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
                    target = args.out / f"{name}-{width}{'-dark' if scheme == 'dark' else ''}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
