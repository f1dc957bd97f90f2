"""The preview's web side: the pages of the preview's folder with the preview's additions
(livereload's script, the findings panel, the "could not update" box), its status, and
the host and origin checks that keep other web pages from reading drafts.

`serve.py` holds the preview's state and rebuilds; this module only answers requests.
"""

from __future__ import annotations

import gc
import html
import ipaddress
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import jinja2
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from tornado import web

from sitegen.content.site import Site
from sitegen.core import errors
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.editor.cms import BUNDLE

if TYPE_CHECKING:
    from tornado import httputil
    from tornado.routing import _RuleList


class Preview(Protocol):
    """What the web side reads of the running preview (serve.Preview has it all)."""

    port: int
    generation: int  # finished rebuilds
    problems: list[Diagnostic]  # the latest build's
    blocking: list[Diagnostic]  # the latest build's problems, if they kept it from updating the pages
    sites: tuple[Site, ...]
    editor_url: str | None
    config: Config

    @property
    def output(self) -> Path: ...

    building: bool  # a rebuild is running

    def findings_for(self, page_path: str) -> list[Diagnostic]: ...


PREVIEW_ASSETS = Path(__file__).parent / "preview"


class PageHandler(web.StaticFileHandler):
    """Serves the built site from its folder only, never cached, with the preview additions."""

    # tornado passes each handler the keyword arguments of its route: this one takes the
    # preview and gives the static handler its folder itself.
    def initialize(self, preview: Preview) -> None:  # type: ignore[override]
        self.preview = preview
        super().initialize(path=str(preview.output), default_filename="index.html")

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> str | None:
        return None  # the overlay changes without the file changing: never answer 304

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        page = self.preview.output / "404.html"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        if status_code == 404 and page.is_file():
            self.finish(self._decorate(page.read_bytes()))
        elif status_code == 404:  # no site yet: the first build failed
            self.finish(
                self._decorate(
                    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                    b"<title>Preview</title></head><body><h1>No preview yet</h1></body></html>"
                )
            )
        else:
            super().write_error(status_code, **kwargs)

    # An instance method returning bytes where tornado declares a classmethod yielding bytes:
    # the page's overlay depends on the preview's state, and tornado's get() accepts bytes.
    def get_content(  # type: ignore[override]
        self, abspath: str, start: int | None = None, end: int | None = None
    ) -> bytes:
        data = b"".join(super().get_content(abspath, start, end))
        if abspath.endswith(".html") and start is None and end is None:
            return self._decorate(data)
        return data

    def get_content_size(self) -> int:
        # The decorated page is longer than the file; let tornado measure what we send.
        assert self.absolute_path is not None  # set by get() before it asks (as tornado's own asserts)
        if self.absolute_path.endswith(".html"):
            return len(self.get_content(self.absolute_path))
        return super().get_content_size()

    def _decorate(self, data: bytes) -> bytes:
        script = f'<script src="/livereload.js?port={self.preview.port}"></script>'.encode()
        head = (
            b'<link rel="stylesheet" href="/__preview__/preview.css">'
            b'<script src="/__preview__/preview.js" defer></script>' + script
        )
        data = data.replace(b"</head>", head + b"</head>", 1)
        page = self.request.path.lstrip("/")
        panel = findings_panel(self.preview.findings_for(page)) if not self.preview.blocking else ""
        return data.replace(b"</body>", (panel + overlay(self.preview.blocking)).encode("utf-8") + b"</body>", 1)


def overlay(problems: list[Diagnostic]) -> str:
    """The problems of the latest build, shown over the last good page (HTML built from escaped text)."""
    failed = [d for d in problems if d.is_error]
    if not failed:
        return ""
    items = "".join(
        f'<li><p class="preview-where">{html.escape(d.location())}</p>'
        f'<p class="preview-what">{html.escape(d.message)}</p>'
        + (f'<pre class="preview-line">{html.escape(d.excerpt)}</pre>' if d.excerpt else "")
        + (f'<p class="preview-fix">How to fix it: {html.escape(d.hint)}</p>' if d.hint else "")
        + "</li>"
        for d in failed[:20]
    )
    more = f"<p>…and {len(failed) - 20} more: see the terminal.</p>" if len(failed) > 20 else ""
    return (
        f'<div class="preview-overlay" role="alert" id="preview-errors"><h2>The preview could not update: '
        f"{html.escape(errors.summary(problems))}</h2><p>Below this box is the page as it was before your last "
        f"save. Fix the problem and save; this page reloads by itself.</p><ol>{items}</ol>{more}</div>"
    )


class StatusHandler(web.RequestHandler):
    """How many rebuilds have finished, and with how many errors: what tests (and the
    benchmark) wait on, instead of sleeping for a guessed time."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def get(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.write(
            {
                "generation": self.preview.generation,
                "building": self.preview.building,  # a rebuild is running (in its own thread)
                "errors": sum(1 for d in self.preview.problems if d.is_error),
                # The preview runs for hours: nothing may stay out of the collector's sight (tuning.py).
                "frozen": gc.get_freeze_count(),
            }
        )


class EditorHandler(web.RequestHandler):
    """/admin/: the browser editor (cms.py): its page, and its configuration made from the
    content schema at each request (so a new topic or person is offered at once). Without
    its local backend (`build.py serve --editor`, `make edit`) the page says how to start it."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def get(self, name: str) -> None:
        from sitegen.editor import cms, form

        self.set_header("Cache-Control", "no-store")
        url = self.preview.editor_url
        if name == "config.yml" and url:
            settings = form.editor_config(
                self.preview.config, cms.catalogue_of(self.preview.sites), cms.backend(url), self._site_url()
            )
            self.set_header("Content-Type", "text/yaml; charset=utf-8")
            self.finish(cms.config_yaml(settings))
        elif name in ("", "index.html") and url and cms.bundle_files():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(cms.admin_page(self.preview.config.title, (url.removesuffix("/api/v1"),)))
        elif name in ("admin.js", "admin.css"):
            self.set_header("Content-Type", "text/javascript" if name.endswith("js") else "text/css")
            self.finish((cms.ADMIN_ASSETS / name).read_bytes())
        elif name in ("", "index.html"):
            self.set_status(503)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            why = cms.MISSING_BUNDLE if not cms.bundle_files() else "Start the preview with `make edit` to use it."
            self.finish(
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">'
                f"<title>Editor</title></head><body><h1>The browser editor is not running</h1><p>{html.escape(why)}"
                "</p></body></html>"
            )
        else:
            raise web.HTTPError(404)

    def _site_url(self) -> str:
        return f"{self.request.protocol}://{self.request.host}/"


_PANEL = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(PREVIEW_ASSETS)),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def findings_panel(findings: list[Diagnostic]) -> str:
    """The page's findings, in a panel at its foot that the editor can fold away
    (sitegen/preview/panel.html); nothing when there are none."""
    if not findings:
        return ""
    return _PANEL.get_template("panel.html").render(findings=findings, summary=errors.summary(findings))


# The preview serves unpublished drafts. A web page the editor visits can point a name it
# controls at 127.0.0.1 (DNS rebinding) and then read the preview as "its own" site; the
# request still carries that name in its Host header. So only names that are this computer
# are answered: loopback names, the --host given and, when listening on every interface,
# this computer's own names. An address typed as numbers cannot be rebound, so any is fine.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def allowed_hosts(host: str) -> frozenset[str]:
    names = set(LOOPBACK_NAMES)
    if host in ("", "0.0.0.0", "::"):
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(host.lower())
    return frozenset(names)


def host_allowed(name: str, allowed: frozenset[str]) -> bool:
    name = name.lower().rstrip(".").strip("[]")
    if name in allowed:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class ForeignHostHandler(web.RequestHandler):
    """The answer to every request for a name that is not this computer's."""

    application: PreviewApp  # make_app's: it routes every request here

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(
            f"This preview answers only at its own address, e.g. http://127.0.0.1:{self.application.port}/, "
            f"not at {self.request.host_name!r}.\n"
        )


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]  # livereload has no type information
    """livereload's websocket, for pages of this preview only (livereload accepts any Origin)."""

    def check_origin(self, origin: str) -> bool:
        parts = urlsplit(origin)
        try:
            port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
        except ValueError:
            return False
        return (
            parts.scheme in ("http", "https")
            and host_allowed(parts.hostname or "", self.application.allowed)
            and port == self.application.port
        )


class PreviewApp(web.Application):
    def __init__(self, handlers: _RuleList, preview: Preview, allowed: frozenset[str]) -> None:
        super().__init__(handlers)
        self.preview, self.allowed = preview, allowed

    @property
    def port(self) -> int:
        return self.preview.port

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> web._HandlerDelegate:
        if not host_allowed(request.host_name, self.allowed):
            return self.get_handler_delegate(request, ForeignHostHandler)
        return super().find_handler(request, **kwargs)


def make_app(preview: Preview, allowed: frozenset[str] = allowed_hosts("127.0.0.1")) -> web.Application:
    return PreviewApp(
        [
            (r"/livereload", ReloadSocket),
            (r"/forcereload", ForceReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            (r"/__preview__/status\.json", StatusHandler, {"preview": preview}),
            (r"/__preview__/(.*)", web.StaticFileHandler, {"path": str(PREVIEW_ASSETS)}),
            (r"/admin", web.RedirectHandler, {"url": "/admin/"}),
            (r"/admin/cms/(.*)", web.StaticFileHandler, {"path": str(BUNDLE)}),
            (r"/admin/(|index\.html|config\.yml|admin\.js|admin\.css)", EditorHandler, {"preview": preview}),
            (r"/(.*)", PageHandler, {"preview": preview}),
        ],
        preview,
        allowed,
    )


class _Watching:
    """livereload's handler logs its watcher's last path; our watching happens elsewhere."""

    filepath = None


LiveReloadHandler.watcher = _Watching()
