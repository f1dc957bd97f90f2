"""The browser editor at /admin/: Decap CMS's configuration, made from the content schema.

Editors who do not use a terminal write articles in a form (docs/editing-in-the-browser.md).
Decap CMS needs a `config.yml` that describes every collection and field; here it is never
written by hand: `form.editor_config` makes it from the validator's own field lists. This
module reads the form's choices from the content (`catalogue`), writes the editor's page
and files, and runs its local backend.

Why Decap rather than Sveltia CMS: Decap has the `test-repo` backend and the `decap-server`
local backend (files written to disk by a small Node server), which let the tests and
`make edit` run without a browser's file-system permission prompt, and its GitHub backend
has `publish_mode: editorial_workflow` (each change a pull request: draft, in review,
ready), which is how a clinical reviewer signs off. Sveltia edits a folder through the
browser's File System Access API (a permission dialog that headless Chromium cannot
answer) and has no editorial workflow.

The JavaScript is the npm package's prebuilt bundle (tools/cms/, pinned in its
package-lock.json, installed by `make edit` or `make test`), served from this project,
never from a CDN.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.editor.form import Catalogue, editor_config

if TYPE_CHECKING:
    from sitegen.content.site import Site

TOOLS = Path(__file__).resolve().parents[2] / "tools" / "cms"
# Decap's prebuilt bundle: decap-cms.js and the chunks it loads next to itself.
BUNDLE = TOOLS / "node_modules" / "decap-cms" / "dist"
LOCAL_SERVER = TOOLS / "node_modules" / "decap-server" / "dist" / "index.js"
ADMIN_ASSETS = Path(__file__).resolve().parent / "admin"  # index.html's own script and styles


def catalogue(config: Config) -> Catalogue:
    """Read the content once (drafts too) for the form's choices."""
    from sitegen.content.read import load_content

    topics: dict[str, tuple[str, ...]] = {}
    articles: dict[str, str] = {}
    pages: dict[str, str] = {}
    for language in config.languages:
        own = "" if language == config.language else language
        if own and not (config.content_dir / own).is_dir():
            continue
        content = load_content(config, drafts=True, language=own)
        tags = {tag: None for article in content.articles for tag in article.tags}
        topics[language] = tuple(sorted(tags, key=str.casefold))
        if not own:
            articles = {a.source.name: a.title for a in content.articles}
            pages = {p.source.name: p.title for p in content.pages}
    return Catalogue(topics, dict(sorted(articles.items())), dict(sorted(pages.items())))


def catalogue_of(sites: Sequence[Site]) -> Catalogue:
    """The same, from the Sites of a build (the preview's latest)."""
    topics = {site.language: tuple(sorted((t.name for t in site.topics), key=str.casefold)) for site in sites}
    default = sites[0] if sites else None
    articles = {a.source.name: a.title for a in default.articles} if default else {}
    pages = {p.source.name: p.title for p in default.pages} if default else {}
    return Catalogue(topics, dict(sorted(articles.items())), dict(sorted(pages.items())))


def config_yaml(settings: Mapping[str, Any]) -> str:
    return "# Made by build.py from the content schema (sitegen/cms.py): do not edit.\n" + yaml.safe_dump(
        dict(settings), sort_keys=False, allow_unicode=True, width=100
    )


def admin_page(title: str, connect: Sequence[str] = (), images: Sequence[str] = ()) -> str:
    """/admin/index.html: Decap's bundle and our script, both from this site.

    Its Content-Security-Policy (a `<meta http-equiv>`, on this page only) is the site's,
    with what Decap cannot run without: styles it injects (emotion, 'unsafe-inline'
    styles), `new Function` in its config validator ('unsafe-eval'), images of the media
    library as blob: addresses, and the backends it talks to (`connect`; `images`: where
    a backend's pictures come from, such as GitHub's avatars). Scripts still come only
    from this site."""
    connect_src = " ".join(["'self'", *connect])
    img_src = " ".join(["'self'", "data:", "blob:", *images])
    csp = (
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        f"img-src {img_src}; connect-src {connect_src}; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-src 'self' blob:"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">\n'
        f"<title>Editor: {html.escape(title)}</title>\n"
        '<link href="config.yml" type="text/yaml" rel="cms-config-url">\n'
        '<link rel="stylesheet" href="admin.css">\n'
        '<link rel="icon" href="../static/favicon.svg" type="image/svg+xml">\n'
        "</head>\n<body>\n"
        "<noscript>The editor needs JavaScript. Without it, edit the files in content/ (README.md).</noscript>\n"
        '<script src="cms/decap-cms.js"></script>\n<script src="admin.js"></script>\n'
        "</body>\n</html>\n"
    )


def bundle_files() -> list[Path]:
    """Decap's own files to serve (its bundle and the chunks and WebAssembly it loads), not the
    source maps or the second copy of the bundle (cms.js)."""
    if not (BUNDLE / "decap-cms.js").is_file():
        return []
    return sorted(
        p
        for p in BUNDLE.iterdir()
        if p.is_file() and (p.name.endswith("decap-cms.js") or p.suffix == ".wasm" or p.suffix == ".svg")
    )


MISSING_BUNDLE = (
    "The browser editor is not installed: run `make edit` (or `npm ci --prefix tools/cms`) once; "
    "it needs Node.js with npm."
)


GITHUB_API = "https://api.github.com"
GITHUB_AVATARS = "https://avatars.githubusercontent.com"
ADMIN = "admin"  # the editor's folder in the published site


def github_backend(config: Config) -> dict[str, Any]:
    """Decap's `backend:` in the published site: the repository config.yaml names."""
    backend: dict[str, Any] = {"name": "github", "repo": config.editor_repo, "branch": config.editor_branch}
    if config.editor_auth_url:
        backend["base_url"] = config.editor_auth_url.rstrip("/")
    return backend


def admin_files(config: Config, catalogue: Catalogue) -> dict[str, bytes]:
    """The editor's files (output path -> bytes) to publish with the site under admin/:
    index.html, config.yml, our script and styles, Decap's bundle under cms/. Nothing
    unless config.yaml says `editor: {publish: true}`. FileNotFoundError when the bundle
    is not installed (`publish_problems` says so first)."""
    if not config.editor_publish:
        return {}
    files = bundle_files()
    if not files:
        raise FileNotFoundError(MISSING_BUNDLE)
    settings = editor_config(config, catalogue, github_backend(config), config.url)
    page = admin_page(config.title, (GITHUB_API,), (GITHUB_AVATARS,))
    out = {
        f"{ADMIN}/index.html": page.encode("utf-8"),
        f"{ADMIN}/config.yml": config_yaml(settings).encode("utf-8"),
    }
    for name in ("admin.js", "admin.css"):
        out[f"{ADMIN}/{name}"] = (ADMIN_ASSETS / name).read_bytes()
    for path in files:
        out[f"{ADMIN}/cms/{path.name}"] = path.read_bytes()
    return out


def publish_problems(config: Config) -> list[Diagnostic]:
    """Before a build that writes the site: the editor it is to publish is installed."""
    if not config.editor_publish or bundle_files():
        return []
    return [
        Diagnostic(
            config.path.name,
            None,
            "editor-not-installed",
            "config.yaml has `editor: {publish: true}`, but the browser editor is not installed, "
            "so the site cannot include it.",
            "Run `npm ci --prefix tools/cms` once (it needs Node.js with npm; `make edit` does it too), "
            "or set `publish: false` under `editor:`.",
        )
    ]


class LocalServer:
    """decap-server, the editor's local backend: it reads and writes the project's files for
    the form (`make edit`). Listens on this computer only, on a free port; stopped with the
    preview."""

    def __init__(self, root: Path) -> None:
        import os
        import shutil as which
        import socket
        import subprocess

        node = which.which("node")
        if node is None or not LOCAL_SERVER.is_file():
            raise FileNotFoundError(MISSING_BUNDLE)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = dict(
            os.environ,
            PORT=str(self.port),
            BIND_HOST="127.0.0.1",
            MODE="fs",
            GIT_REPO_DIRECTORY=str(root),
            LOG_LEVEL="warn",
        )
        # Its own folder as the working directory: decap-server reads a .env file from there.
        self.process = subprocess.Popen([node, str(LOCAL_SERVER)], cwd=TOOLS, env=env, preexec_fn=_die_with_parent)
        self.url = f"http://127.0.0.1:{self.port}/api/v1"

    def wait(self, timeout: float = 20.0) -> bool:
        """True once it answers (it takes about a second to start)."""
        import socket
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except Exception:  # noqa: BLE001  # subprocess.TimeoutExpired: it did not stop in time
            self.process.kill()


def _die_with_parent() -> None:
    """In the local server's process, before it starts: on Linux, stop when the preview stops,
    however it stops (a SIGTERM ends the preview without running its clean-up)."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def backend(local_url: str | None) -> dict[str, Any]:
    """Decap's `backend:` in the preview: the local server when it runs."""
    if local_url:
        return {"name": "proxy", "proxy_url": local_url, "branch": "main"}
    return {"name": "test-repo"}
