"""The persistent build cache in `.cache/`: small, checked, and never trusted blindly.

What it keeps between runs:
- `parsed`: source digest -> the validated Article (or Page) and its diagnostics,
  without the body text (a Source pickles without it; the file is read anyway and
  content.py puts the body back from the bytes the digest was made from);
- `bodies`: source digest -> the Markdown pass's side outputs (headings, links,
  diagnostics, digest), plus the link targets it resolved, so a cached body is used
  only while those targets still resolve the same way; the HTML and prose live in
  one file per body under `bodies/`, read only when a page must be re-rendered or
  the readability check runs;
- `pages`: output path -> (page key, size, mtime) of the file last written, so an
  unchanged page is neither rendered nor rewritten;
- `related`: the related articles, kept while no article's slug, topics or order changed.

The state stays small (about 1 KB an article) because loading and saving it is most of
what a rebuild after a one-article edit costs; between whole saves, a save only appends
what changed to `state.journal` (see `Cache.save`).

Every file starts with a header naming the format, the generator version and the
project, and a SHA-256 of the payload; anything that does not match, fails to
unpickle, or names a class outside our value types is ignored (and rebuilt), so a
corrupt or foreign cache costs a cold build, never a wrong site. The cache is data
in the project folder: it is never executed, but like the templates it is only as
trustworthy as whoever can write to that folder.
"""
from __future__ import annotations

import gc
import hashlib
import io
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

MAGIC = b"sitegen-cache\n"
STATE = ("parsed", "bodies", "pages", "related")
JOURNAL_SLACK = 256 * 1024
# Only our own value types and a few plain builtins: no callable that reaches other code
# (getattr, copyreg helpers, object), so a crafted cache cannot run anything on load.
_ALLOWED = {
    ("builtins", name) for name in ("tuple", "frozenset", "set", "dict", "list", "str", "int")
} | {("datetime", "date"), ("sitegen.errors", "Severity"), ("sitegen.errors", "Diagnostic"),
     ("sitegen.article", "Source"), ("sitegen.article", "Article"), ("sitegen.article", "Page"),
     ("sitegen.article", "Reference"), ("sitegen.article", "GlossaryTerm"),
     ("sitegen.markup", "Markup"), ("sitegen.markup", "Heading")}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"unexpected {module}.{name} in the cache")
        return super().find_class(module, name)


def _header(scope: str) -> bytes:
    return MAGIC + f"{__version__}\n{scope}\n".encode("utf-8")


def dump(value, path: Path, scope: str) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    data = _header(scope) + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.parent.mkdir(parents=True, exist_ok=True)
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)  # readers see the old file or the new one, never half of one


def load(path: Path, scope: str):
    """The cached value, or None when absent, corrupt, foreign or from another version."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = _header(scope)
    if not data.startswith(header):
        return None
    checksum, _, payload = data[len(header):].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != checksum:
        return None
    try:
        return _SafeUnpickler(io.BytesIO(payload)).load()
    except Exception:  # any unpickling failure means: do not trust, rebuild
        return None


@dataclass
class Cache:
    folder: Path | None          # None: in memory only (tests, --no-cache)
    scope: str                   # the project and settings the entries belong to
    parsed: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
    pages: dict = field(default_factory=dict)
    related: dict = field(default_factory=dict)  # digest of the articles' slugs and topics -> related slugs
    # Markup digest -> (html, prose): stored under the digest of the HTML itself, so a stored
    # body can never be taken for another version of the same article (content-addressed).
    _html: dict = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path | None, scope: str) -> "Cache":
        cache = cls(folder, scope)
        if folder is not None:
            # Unpickling allocates some hundred thousand objects that all live on: the cyclic
            # garbage collector, run again and again meanwhile, doubled the time this takes.
            collecting = gc.isenabled()
            gc.disable()
            try:
                cache._load(folder)
            finally:
                if collecting:
                    gc.enable()
        cache._saved = cache._snapshot()
        return cache

    def _load(self, folder: Path) -> None:
        """The whole state, then the journal of what changed since (nothing if either is not ours)."""
        state = load(folder / "state.pickle", self.scope)
        if isinstance(state, dict) and set(state) == {*STATE, "id"}:
            self.parsed, self.bodies, self.pages, self.related = (state[name] for name in STATE)
            self._id = state["id"]
            self._base_size = (folder / "state.pickle").stat().st_size
            self._replay()

    # -- saving: a whole state now and then, and in between a journal of what changed ------
    #
    # Writing the whole state after a one-article edit cost more than the rest of that
    # rebuild (0.3 s at 4,000 articles). So a save appends only what changed since the last
    # one to state.journal, a record at a time, each with its length and SHA-256; the whole
    # state is written again (and the journal emptied) when the journal passes half its
    # size (plus JOURNAL_SLACK, so that a small site is not rewritten on every other save).
    # Loading replays the records in order and stops at the first that is incomplete or
    # corrupt (a build killed while appending): an older state is always a safe one,
    # because every entry is either keyed by content or checked against the file it
    # describes. The journal names the state it extends (`id`); one left over from an
    # earlier state is ignored.

    _id: str | None = None
    _base_size: int = 0
    _saved: dict = field(default_factory=dict)

    def _snapshot(self) -> dict:
        return {name: dict(getattr(self, name)) for name in STATE}

    def _changes(self) -> dict:
        changes = {}
        for name in STATE:
            current, saved = getattr(self, name), self._saved.get(name, {})
            if name == "parsed":  # keyed by the bytes' digest: a key never changes its value
                changed = {key: current[key] for key in current.keys() - saved.keys()}
            else:
                changed = {key: value for key, value in current.items() if key not in saved or saved[key] != value}
            removed = list(saved.keys() - current.keys())
            if changed or removed:
                changes[name] = (changed, removed)
        return changes

    def _journal_header(self) -> bytes:
        return _header(self.scope) + f"journal of {self._id}\n".encode()

    def _replay(self) -> None:
        try:
            data = (self.folder / "state.journal").read_bytes()
        except OSError:
            return
        header = self._journal_header()
        if not data.startswith(header):
            return
        position = len(header)
        while position < len(data):
            line_end = data.find(b"\n", position)
            try:
                length, checksum = data[position:line_end].split(b" ")
                payload = data[line_end + 1:line_end + 1 + int(length)]
            except ValueError:
                break
            if line_end < 0 or len(payload) != int(length) or hashlib.sha256(payload).hexdigest().encode() != checksum:
                break
            try:
                changes = _SafeUnpickler(io.BytesIO(payload)).load()
                for name, (changed, removed) in changes.items():
                    if name not in STATE or not isinstance(changed, dict) or not isinstance(removed, list):
                        raise ValueError(name)
                    target = getattr(self, name)
                    target.update(changed)
                    for key in removed:
                        target.pop(key, None)
            except Exception:  # any doubt: stop here, keep the older (safe) state
                break
            position = line_end + 1 + int(length)
        if position < len(data):
            self._id = None  # a damaged journal is not appended to: the next save starts afresh

    def save(self) -> None:
        if self.folder is None:
            return
        changes = self._changes()
        if not changes and self._id is not None:
            return
        journal = self.folder / "state.journal"
        try:
            size = journal.stat().st_size
        except OSError:
            size = 0
        if self._id is None or size > self._base_size // 2 + JOURNAL_SLACK:
            self._save_whole()
        else:
            payload = pickle.dumps(changes, protocol=pickle.HIGHEST_PROTOCOL)
            record = f"{len(payload)} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload
            with open(journal, "ab") as handle:
                handle.write((self._journal_header() if size == 0 else b"") + record)
        self._saved = self._snapshot()

    def _save_whole(self) -> None:
        self._id = os.urandom(8).hex()
        path = self.folder / "state.pickle"
        dump({"id": self._id, **{name: getattr(self, name) for name in STATE}}, path, self.scope)
        self._base_size = path.stat().st_size
        (self.folder / "state.journal").unlink(missing_ok=True)  # it extended the previous state
        live = {entry[2].digest for entry in self.bodies.values()}
        folder = self.folder / "bodies"
        if folder.is_dir():
            for body in folder.iterdir():
                if body.stem not in live:
                    body.unlink(missing_ok=True)  # bodies of deleted or changed articles

    def store_body(self, key: str, html: str, prose: tuple) -> None:
        self._html[key] = (html, prose)
        if self.folder is not None:
            dump((html, prose), self.folder / "bodies" / f"{key}.pickle", self.scope)

    def load_body(self, key: str):
        """(html, prose) for a cached body, or None."""
        if key in self._html:
            return self._html[key]
        if self.folder is None:
            return None
        value = load(self.folder / "bodies" / f"{key}.pickle", self.scope)
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            return value
        return None


def discard(folder: Path) -> None:
    """Forget the cache (`build --clean`). It is renamed away at once and deleted in the
    background (one file per body: thousands at a large site), like a replaced site."""
    from .write import discard_tree, remove_detached
    for leftover in folder.parent.glob(f".{folder.name}.trash-*"):  # an earlier one, cut short
        remove_detached(leftover)
    if folder.exists():
        discard_tree(folder, folder)
