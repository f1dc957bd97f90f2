"""The editors' live preview: serve the site, rebuild on save, reload the browser.

The server is tornado with livereload's own handlers (its reload protocol,
`livereload.js` and the websocket); we do not use livereload's `Server.serve`
because its injected snippet is an inline script, which the site's
Content-Security-Policy forbids. What the server answers is in preview_web.py:
each HTML page gets an external `<script src="/livereload.js">`, its findings
panel, and the error box when the latest build could not update the pages.

Watching uses watchdog (inotify on Linux): saves are noticed at once, and a
burst of them (an editor's "save all", a `git checkout`) becomes one rebuild
after a short quiet period. Every rebuild goes through the same Builder as
`build`, which keeps its cache in memory between saves (and loads and saves its
own cache in `.preview/cache/` at start and after its first build: the preview never
touches the command line's `.cache/` or `public/`), so a save re-renders only what it
touches.
A broken save never stops the server: the last good site stays served, with
the problems shown over it, and the terminal prints them once.

A save's rebuild runs in a thread of its own, never on the server's event loop: while it
runs (for seconds, on a large site or a slow article) every request is still answered,
with the last good pages (the new ones are renamed into place only when it ends). Saves
made meanwhile are gathered into one rebuild that starts when it ends.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from livereload.handlers import LiveReloadHandler
from tornado import ioloop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from sitegen.core import errors
from sitegen.core.config import Config, load_config
from sitegen.core.errors import Diagnostic
from sitegen.core.guides import GUIDES_FILE
from sitegen.core.people import PEOPLE_FILE
from sitegen.pipeline import Builder, BuildResult
from sitegen.preview_web import allowed_hosts, make_app
from sitegen.system.tuning import fewer_collections

if TYPE_CHECKING:
    from sitegen.content.site import Site

# Wait this long after the last change before rebuilding, so that a burst of saves is one
# rebuild. inotify reports one save's events (write, or write and rename) within a
# millisecond or two; 15 ms gathers them with room to spare, and every save waits for it
# (30 ms was a third of a save's time on disk at 200 articles). A longer burst (a checkout)
# that outlasts it is gathered into the rebuild after the one it started.
QUIET_SECONDS = 0.015


PREVIEW_FOLDER = ".preview"  # beside config.yaml: the preview's own site and cache


def preview_config(config: Config, out: Path | None = None) -> Config:
    """The preview builds into a folder of its own, with a cache of its own, so that a
    `build` run beside it (which replaces public/) changes nothing it serves. `out`: the
    folder given with --out, if any."""
    folder = config.root / PREVIEW_FOLDER
    return dataclasses.replace(
        config, output_dir=Path(out).resolve() if out else folder / "site", cache_dir=folder / "cache"
    )


class Preview:
    """The state the server shows: the builder, the problems of the latest build, and the
    findings of each page (kept between builds for the pages not checked again)."""

    def __init__(self, config: Config, drafts: bool, jobs: int | None, port: int, out: Path | None = None) -> None:
        self.config_path, self.drafts, self.jobs, self.port = config.path, drafts, jobs, port
        self.content_override: Path | None = None
        self.out_override = out
        self.config = preview_config(config, out)
        self.builder = self._builder(self.config)
        self.problems: list[Diagnostic] = []
        self.blocking: list[Diagnostic] = []  # the latest build's problems, if they kept it from updating the pages
        self._findings: list[Diagnostic] = []  # the Markdown pass's, of every page (each build reports all)
        self._checked: dict[str, list[Diagnostic]] = {}  # source file -> its quality-check findings
        self._files: dict[str, str] = {}  # page path ("articles/x/") -> its source file
        self.generation = 0  # counts finished rebuilds (tests and the benchmark wait on it)
        self.last_seconds = 0.0
        self._pending: tuple[object, str] | None = None  # (the IOLoop's timeout handle, the reason)
        self._shown: list[Diagnostic] = []  # the problems last printed, so each is printed once
        self.config_failed = False
        self.observer: BaseObserver | None = None
        self._handler: _Changes | None = None
        # A rebuild in its thread (see the module's docstring); what the saves made meanwhile need.
        self.building = False
        self._loop: ioloop.IOLoop | None = None  # the server's loop, while a rebuild runs in a thread
        self._waiting: tuple[str, set[Path]] | None = None  # (reason, paths) saved during a rebuild
        self._thread: threading.Thread | None = None
        self.sites: tuple[Site, ...] = ()
        self.editor_url: str | None = None  # the browser editor's local backend, while it runs (cms.py)

    def _builder(self, config: Config) -> Builder:
        builder = Builder(config, drafts=self.drafts, jobs=self.jobs)
        builder.stats = {}  # re-read only sources whose stat changed or that the watcher named
        return builder

    @property
    def output(self) -> Path:
        return self.config.output_dir

    def rebuild(self, reason: str = "") -> None:
        """One rebuild; never raises: every failure becomes a Diagnostic shown in the browser."""
        started = time.perf_counter()
        try:
            if reason == "config" or self.config_failed:
                # A broken config.yaml is read again on every rebuild until it loads, so its
                # problems stay on screen however many other files are saved meanwhile.
                config, problems = load_config(self.config_path, content=self.content_override)
                self.config_failed = config is None
                if config is None:
                    self._finish(problems, started, blocking=True)
                    return
                self.config = config = preview_config(config, self.out_override)
                self.builder.cache.close()
                self.builder = self._builder(config)
                self.rewatch()
            # pagefind re-indexes the whole site (a second or more on a large one): the preview
            # indexes once at start and then keeps that index, so saves stay fast.
            fresh = self.generation == 0 or reason == "config"
            # After the first build, saves are written in place (see write.InPlace): staging a
            # whole tree costs a folder per page on every save.
            # lenient: the checks run on what this save changed, and a page's own
            # problems (a broken link, ten takeaways) do not keep it from being shown.
            with fewer_collections():  # the preview holds every page's state: see tuning.py
                result = self.builder.build(
                    write=True, index_search=fresh, in_place=not fresh, lenient=True, save_cache=self.generation == 0
                )  # saved again on exit
            if result.publishable:
                self._absorb(result)
            self._finish(result.diagnostics, started, blocking=not result.publishable)
        except Exception as error:  # a bug of ours must not end the editor's session
            self._finish(
                [
                    Diagnostic(
                        "(sitegen)",
                        None,
                        "internal-error",
                        f"The preview could not rebuild: {type(error).__name__}: {error}.",
                        "This is a bug in the generator; the last good pages are still shown. "
                        "Details: " + traceback.format_exc(limit=3).replace("\n", " "),
                    )
                ],
                started,
                blocking=True,
            )

    def _absorb(self, result: BuildResult) -> None:
        """Keep what each page shows in its findings panel: the Markdown pass's findings (all
        of this build's) and the quality checks' (of the files checked now; the others keep
        theirs from the build that last checked them)."""
        site = result.site
        assert site is not None  # a publishable build made its site
        # Every language's pages (es/articles/...): a translation's findings show on its page.
        sites = result.sites or (site,)
        self.sites = sites  # the browser editor's choices (topics, originals): cms.catalogue_of
        self._files = {article.url: article.source.path for one in sites for article in one.articles}
        self._files.update((page.url, page.source.path) for one in sites for page in one.pages)
        checks = set(result.check_findings)
        self._findings = [d for d in result.findings if d not in checks]
        for file in result.checked:
            self._checked[file] = []
        for finding in result.check_findings:
            if finding.file in result.checked:
                self._checked[finding.file].append(finding)
        live = set(self._files.values())
        self._checked = {file: found for file, found in self._checked.items() if file in live}

    def findings_for(self, page_path: str) -> list[Diagnostic]:
        """Every finding for the page at `page_path` ("articles/x/"), most severe first."""
        file = self._files.get(page_path)
        if file is None:
            return []
        found = [d for d in self._findings if d.file == file] + self._checked.get(file, [])
        return sorted(found, key=lambda d: (not d.is_error, d.line or 0))

    def _finish(self, problems: list[Diagnostic], started: float, blocking: bool) -> None:
        self.problems = problems
        self.blocking = problems if blocking else []
        self.last_seconds = time.perf_counter() - started
        self.generation += 1
        failed = [d for d in problems if d.is_error] if blocking else []
        shown, self._shown = self._shown, problems
        if failed and problems == shown:
            print(f"Still {errors.summary(problems)} (listed above).", file=sys.stderr, flush=True)
        elif failed:
            print(errors.format_text(problems), file=sys.stderr)
            print(
                f"Preview not updated: {errors.summary(problems)}; the last good pages stay served, "
                f"with these problems shown over them.",
                file=sys.stderr,
                flush=True,
            )
        else:
            already = set(shown)
            new = [d for d in problems if d not in already]
            if new:  # printed once; the page shows them for as long as they last
                print(errors.format_text(new), file=sys.stderr)
            print(
                f"Rebuilt in {self.last_seconds * 1000:.0f} ms"
                + (f" ({errors.summary(problems)}: each page lists its own at its foot)" if problems else "")
                + ".",
                flush=True,
            )
        if self._loop is not None:  # in the rebuild's thread: the websockets belong to the loop
            self._loop.add_callback(LiveReloadHandler.reload_waiters, path="*")
        else:
            LiveReloadHandler.reload_waiters(path="*")

    def rewatch(self) -> None:
        """Watch the current config's folders (again): after a config change of paths, or
        when a watched folder was deleted and made again (a branch switch, a move)."""
        if self.observer is None or self._handler is None:  # set together, by serve()
            return
        self.observer.unschedule_all()
        config = self.config
        for folder in {config.content_dir, config.templates_dir, config.static_dir}:
            if folder.is_dir():
                self.observer.schedule(self._handler, str(folder), recursive=True)
        # The project folder itself, not recursively: config.yaml, and the watched folders
        # appearing or disappearing.
        self.observer.schedule(self._handler, str(self.config_path.parent), recursive=False)

    def schedule(self, reason: str, paths: Iterable[Path] = ()) -> None:
        """Called for every change; rebuilds once after QUIET_SECONDS without further changes."""
        if self.building:  # the builder is the rebuild's until it ends: kept for the next one
            waiting_reason, waiting = self._waiting or (reason, set())
            waiting.update(paths)
            self._waiting = ("config" if "config" in (reason, waiting_reason) else reason, waiting)
            return
        self.builder.changed.update(paths)
        loop = ioloop.IOLoop.current()
        if self._pending is not None:
            loop.remove_timeout(self._pending[0])
            reason = "config" if "config" in (reason, self._pending[1]) else reason
        self._pending = (loop.call_later(QUIET_SECONDS, self._fire), reason)

    def _fire(self) -> None:
        assert self._pending is not None  # _fire is only called as the pending timeout
        _, reason = self._pending
        self._pending = None
        self.building, self._loop = True, ioloop.IOLoop.current()
        self._thread = threading.Thread(
            target=self._rebuild_in_thread, args=(reason,), name="preview-rebuild", daemon=True
        )
        self._thread.start()

    def wait_for_rebuild(self) -> None:
        """Let a rebuild running in its thread end (bounded: each body has its time budget)."""
        if self._thread is not None:
            self._thread.join()

    def _rebuild_in_thread(self, reason: str) -> None:
        try:
            self.rebuild(reason)  # never raises
        finally:
            assert self._loop is not None  # set with `building`, by _fire
            self._loop.add_callback(self._rebuilt)

    def _rebuilt(self) -> None:
        """On the loop, after a rebuild in its thread: start the one the saves made meanwhile need."""
        self.building, self._loop = False, None
        if self._waiting is not None:
            reason, paths = self._waiting
            self._waiting = None
            self.schedule(reason, paths)


class _Changes(FileSystemEventHandler):
    """watchdog runs this in its own thread; it only hands the event to the server's loop."""

    def __init__(self, loop: ioloop.IOLoop, preview: Preview) -> None:
        self.loop, self.preview = loop, preview

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or event.is_directory and event.event_type == "modified":
            return
        # os.fsdecode: watchdog types a path as bytes or str (str here: the folders are watched by str).
        paths = [Path(os.fsdecode(p)) for p in (event.src_path, getattr(event, "dest_path", "") or "") if p]
        # Editors' swap and backup files are not content.
        paths = [p for p in paths if not p.name.startswith(".") and not p.name.endswith("~")]
        config = self.preview.config
        folders = (config.content_dir, config.templates_dir, config.static_dir)
        # The people and guides files are read with config.yaml (part of the Config): reload them all.
        read_with_config = (
            self.preview.config_path,
            config.content_dir / PEOPLE_FILE,
            config.content_dir / GUIDES_FILE,
        )
        if any(p in read_with_config for p in paths):
            self.loop.add_callback(self.preview.schedule, "config")
        elif any(p in folders for p in paths):
            # A watched folder itself was made, removed or moved: watch it again, rebuild.
            self.loop.add_callback(self.preview.rewatch)
            self.loop.add_callback(self.preview.schedule, "content", paths)
        elif any(
            folder in p.parents
            for p in paths
            for folder in (config.content_dir, config.templates_dir, config.static_dir)
        ):
            # Only sources: the output, the cache and the staging folder change on every
            # rebuild, and must never trigger the next one.
            self.loop.add_callback(self.preview.schedule, "content", paths)


def serve(
    config: Config,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    drafts: bool = True,
    jobs: int | None = None,
    ready: Callable[[Preview, int], object] | None = None,
    out: Path | None = None,
    editor: bool = False,
) -> int:
    """Run the preview until interrupted. `ready(preview, port)` is called once it listens (for tests).
    `editor`: also run the browser editor's local backend (cms.LocalServer), for /admin/."""
    preview = Preview(config, drafts, jobs, port, out)
    local = None
    if editor:
        from sitegen.editor.cms import LocalServer

        try:
            local = LocalServer(config.root)
        except FileNotFoundError as missing:
            print(missing, file=sys.stderr)
            return 1
        if not local.wait():
            local.stop()
            print("The browser editor's local server (decap-server) did not start; see above.", file=sys.stderr)
            return 1
        preview.editor_url = local.url
    # tornado logs each request and refused path; editors need only our messages.
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    logging.getLogger("tornado.general").setLevel(logging.ERROR)
    preview.rebuild()
    loop = ioloop.IOLoop.current()
    app = make_app(preview, allowed_hosts(host))
    try:
        server = app.listen(port, address=host)
    except OSError as error:
        print(f"Cannot listen on {host}:{port}: {error.strerror}. Try another port: --port 8001", file=sys.stderr)
        if local is not None:
            local.stop()
        return 1
    if port == 0:
        port = preview.port = next(iter(server._sockets.values())).getsockname()[1]
    LiveReloadHandler._last_reload_time = time.time()
    observer = Observer()
    preview.observer, preview._handler = observer, _Changes(loop, preview)
    preview.rewatch()
    observer.start()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    print(
        f"Previewing at {address} (drafts "
        f"{'shown' if drafts else 'hidden'}). Save a file to see it update; Ctrl+C to stop.",
        flush=True,
    )
    from sitegen.content.scaffold import remember_preview

    forget_preview = remember_preview(config, address)  # `new` prints this address, with this port
    if local is not None:
        print(f"Browser editor at {address}admin/ (saves into {config.content_dir}/).", flush=True)
    if not loopback:
        print(f"Note: listening on {host}, so other computers on the network can open this preview.", flush=True)
    if ready is not None:
        ready(preview, port)
    try:
        loop.start()
    except KeyboardInterrupt:
        print("Stopped.")
    finally:
        forget_preview()
        if local is not None:
            local.stop()
        observer.stop()
        observer.join(timeout=5)
        preview.wait_for_rebuild()  # the cache is the rebuild's until it ends
        preview.builder.save()
    return 0
