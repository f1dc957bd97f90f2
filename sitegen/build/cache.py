"""The persistent build cache in `.cache/`: small, checked, and never trusted blindly.

What it keeps between runs (every path in it is relative to the project's folder or
to the output, so a project moved elsewhere, or a `.cache/` restored by CI at another
path, is still used):
- `parsed`: (source path, SHA-256 of its bytes) -> the validated Article (or Page) and
  its diagnostics, without the body text (a Source pickles without it: article.py
  `Loaded`; the body is read again only when a later stage needs it);
- `bodies`: (source path, page depth) -> (body key, link dependencies, the Markdown
  pass's side outputs without HTML or prose): plan.py uses the side outputs while the
  key is unchanged and every article link still resolves as it did; the HTML and prose
  are records in pack files under `bodies/` (`stored` says where), read only when a
  page must be re-rendered or the readability check runs;
- `pages`: output path -> (page key, size, mtime) of the file last written, so an
  unchanged page is neither rendered nor rewritten;
- `related`: the related articles, kept while no article's slug, topics or order changed;
- `stats`: source path -> the stat signature of the file when it was read and its
  `parsed` key, so that an unchanged file is not read again (content.py `StatMemo`
  says why that is safe);
- `templates`: what each template source (by its SHA-256) extends or includes (render.py);
- `assets`: image path -> its stat signature and the Asset read then (assets.py), so an
  unchanged image is not read again; what its files were encoded from is in `pages`;
- `search`: output path -> (language, digest of what the index reads of it), or None for
  a page it does not index (build/search.py);
- `reads` and `items`: what each page read when last rendered, and what lists read of
  each article, by its file (build/tracking.py, build/values.py); `values` and `shape`:
  each page's values, and the shape of the Sites they held for (build/shapes.py).

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

import hashlib
import io
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from sitegen.build.cachefile import (
    SafeUnpickler,
    dump,
    file_header,
    journal_payloads,
    journal_record,
    load,
    pack_record,
    write_all,
)
from sitegen.content.read import Parsed, ParsedKey
from sitegen.system.swap import discard_tree, remove_detached
from sitegen.system.tuning import Policy

if TYPE_CHECKING:  # for the types of the entries only
    from sitegen.build.output import Record as OutputRecord
    from sitegen.build.plan import BodyEntry
    from sitegen.build.shapes import BlindMemo
    from sitegen.build.tracking import Reads
    from sitegen.build.values import ItemValues
    from sitegen.content.site import RelatedSlugs
    from sitegen.system.fingerprint import Signature

Location: TypeAlias = tuple[str, int, int]  # (pack file name, offset, length) of a body's record
StoredBody: TypeAlias = tuple[str, tuple[str, ...]]  # (html, prose)

STATE: tuple[str, ...] = ("parsed", "bodies", "pages", "related", "stored", "stats", "templates", "search")
STATE += ("assets", "reads", "items", "values", "shape")
JOURNAL_SLACK = 256 * 1024
MAX_PACKS, SMALL_PACK = 8, 1024 * 1024  # beyond 8 packs, those under 1 MB are merged at a whole save
MAX_READERS = 8  # pack files kept open for reading
MAX_RECORD = 64 * 1024 * 1024  # larger than any body record can be (a source is at most 8 MB)


@dataclass
class Cache:
    folder: Path | None  # None: in memory only (tests, --no-cache)
    scope: str  # the project and settings the entries belong to
    # The tables the module's docstring describes, each keyed as its type says:
    parsed: dict[ParsedKey, Parsed] = field(default_factory=dict)
    bodies: dict[tuple[str, str], BodyEntry] = field(default_factory=dict)
    pages: dict[str, OutputRecord] = field(default_factory=dict)
    related: dict[str, RelatedSlugs] = field(default_factory=dict)  # by a digest of slugs and topics
    stored: dict[str, Location] = field(default_factory=dict)  # body digest -> (pack file, offset, length) in bodies/
    stats: dict[str, tuple[Signature, ParsedKey]] = field(default_factory=dict)
    templates: dict[str, tuple[str | None, ...]] = field(default_factory=dict)  # by a source's SHA-256
    search: dict[str, tuple[str, str] | None] = field(default_factory=dict)
    assets: dict[str, Any] = field(default_factory=dict)  # image path -> (stat signature, Asset)
    reads: dict[str, Reads] = field(default_factory=dict)
    items: dict[str, ItemValues] = field(default_factory=dict)
    values: dict[str, tuple[str, str]] = field(default_factory=dict)  # (own files' digests, values' digest)
    shape: dict[str, str] = field(default_factory=dict)  # "site" and "whole" (shapes.Shape)
    # Without a folder: Markup digest -> (html, prose), stored under the digest of the HTML
    # itself, so a stored body can never be taken for another version of the same article.
    # (With a folder, the packs are keyed the same way.)
    _html: dict[str, StoredBody] = field(default_factory=dict)
    # Language -> the day its articles were last all quality-checked in this process (not
    # saved): the preview checks again only what changed, and everything on a new day.
    checked_on: dict[str, date] = field(default_factory=dict)
    # What the last plan found of each page's reads (build/shapes.py `blind`; not saved).
    blind: BlindMemo = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path | None, scope: str, policy: Policy | None = None) -> Cache:
        """The cache in `folder` (None: an empty one, in memory only). Unpickling allocates
        some hundred thousand objects that all live on, so it is done as `policy` says
        (tuning.py: without collections, and frozen afterwards in a short-lived process)."""
        cache = cls(folder, scope)
        with (policy or Policy(short_lived=False)).loading():
            if folder is not None:
                cache._load(folder)
            cache._saved = cache._snapshot()
        return cache

    def _load(self, folder: Path) -> None:
        """The whole state, then the journal of what changed since (nothing if either is not ours)."""
        state = load(folder / "state.pickle", self.scope)
        if isinstance(state, dict) and set(state) == {*STATE, "id"}:
            for name in STATE:
                setattr(self, name, state[name])
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
    _saved: dict[str, dict[Any, object]] = field(default_factory=dict)  # Any: the keys of every kind of entry

    def _snapshot(self) -> dict[str, dict[Any, object]]:
        return {name: dict(getattr(self, name)) for name in STATE}

    def _changes(self) -> dict[str, tuple[dict[Any, object], list[Any]]]:
        changes: dict[str, tuple[dict[Any, object], list[Any]]] = {}  # name -> (changed, removed keys)
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
        return file_header(self.scope) + f"journal of {self._id}\n".encode()

    def _replay(self) -> None:
        assert self.folder is not None  # called by _load(folder)
        try:
            data = (self.folder / "state.journal").read_bytes()
        except OSError:
            return
        header = self._journal_header()
        if not data.startswith(header):
            return
        position = len(header)
        for payload, end in journal_payloads(data, position):
            try:
                changes = SafeUnpickler(io.BytesIO(payload)).load()
                for name, (changed, removed) in changes.items():
                    if name not in STATE or not isinstance(changed, dict) or not isinstance(removed, list):
                        raise ValueError(name)
                    target = getattr(self, name)
                    target.update(changed)
                    for key in removed:
                        target.pop(key, None)
            except Exception:  # any doubt: stop here, keep the older (safe) state
                break
            position = end
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
        # Each command-line build that converts a body writes a pack of its own; packs are
        # merged at whole saves, so there is one when they become many.
        packs = len({location[0] for location in self.stored.values()})
        if self._id is None or size > self._base_size // 2 + JOURNAL_SLACK or packs > 4 * MAX_PACKS:
            self._save_whole()
        else:
            payload = pickle.dumps(changes, protocol=pickle.HIGHEST_PROTOCOL)
            with open(journal, "ab") as handle:
                handle.write((self._journal_header() if size == 0 else b"") + journal_record(payload))
        self._saved = self._snapshot()

    def _save_whole(self) -> None:
        assert self.folder is not None  # called by save, with a folder only
        self._id = os.urandom(8).hex()
        dead = self._tidy_bodies()
        path = self.folder / "state.pickle"
        dump({"id": self._id, **{name: getattr(self, name) for name in STATE}}, path, self.scope)
        self._base_size = path.stat().st_size
        (self.folder / "state.journal").unlink(missing_ok=True)  # it extended the previous state
        for pack in dead:  # packs of deleted or changed articles only, or moved out above
            pack.unlink(missing_ok=True)
            fd = self._readers.pop(pack.name, None)
            if fd is not None:
                os.close(fd)

    # -- bodies: records appended to pack files ------------------------------------------
    #
    # One file per body made a cold build create as many files in the cache as in the
    # site; creating a file is the slowest thing a build does on a file system that has
    # just deleted thousands (ext4 searches past the recently deleted inodes). So each
    # process appends its bodies to one pack file of its own, `bodies/<pid>-<random>.pack`,
    # with one write() per record, and `stored` maps a body's digest to (pack, offset,
    # length). A record repeats its digest and carries the SHA-256 of its payload; a pack
    # starts with the same header as every cache file. Whatever does not match is a miss
    # (the body is rendered again), never a wrong page. Worker processes report where they
    # stored their bodies (`take_stored`); the parent records it in the state.

    _pack: tuple[int, int, str, int] | None = None  # (pid, fd, file name, size) of the pack this process appends to
    _readers: dict[str, int] = field(default_factory=dict)  # pack name -> read fd, once its header checked out
    _new_stored: dict[str, Location] = field(default_factory=dict)  # locations stored by this process, not yet taken
    _owner: int = field(default_factory=os.getpid)  # the process whose state this is

    def store_body(self, key: str, html: str, prose: tuple[str, ...]) -> None:
        if self.folder is None:
            self._html[key] = (html, prose)
            return
        # With a folder, the body is in its pack only: kept in memory too, every body of a
        # long preview session (or half of a cold build's, in the parent) would stay there.
        payload = pickle.dumps((html, prose), protocol=pickle.HIGHEST_PROTOCOL)
        self.stored[key] = location = self._append(pack_record(key, payload))
        if os.getpid() != self._owner:  # a forked worker: the parent must learn of it
            self._new_stored[key] = location

    def _append(self, record: bytes) -> Location:
        pid = os.getpid()
        if self._pack is None or self._pack[0] != pid:  # none yet, or inherited by a forked worker
            assert self.folder is not None  # store_body and _tidy_bodies append with a folder only
            folder = self.folder / "bodies"
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{pid}-{os.urandom(4).hex()}.pack"
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o644)
            header = file_header(self.scope)
            try:
                write_all(fd, header)
            except OSError:
                os.close(fd)  # the file, referenced by nothing, goes at the next whole save
                raise
            self._pack = (pid, fd, name, len(header))
        pid, fd, name, offset = self._pack
        try:
            write_all(fd, record)
        except OSError:
            # Part of the record may be in the file: later offsets would be wrong. A new pack next time.
            self._pack = None
            os.close(fd)
            raise
        self._pack = (pid, fd, name, offset + len(record))
        return (name, offset, len(record))

    def close(self) -> None:
        """Close the files this cache keeps open (a Builder replaced by the preview)."""
        for fd in self._readers.values():
            os.close(fd)
        self._readers.clear()
        if self._pack is not None and self._pack[0] == os.getpid():
            os.close(self._pack[1])
        self._pack = None

    def take_stored(self) -> dict[str, Location]:
        """The bodies this process stored since the last call: digest -> location (a worker
        hands them to the parent, whose state they belong in)."""
        taken, self._new_stored = self._new_stored, {}
        return taken

    def adopt_stored(self, locations: Mapping[str, Location]) -> None:
        self.stored.update(locations)

    def load_body(self, key: str) -> StoredBody | None:
        """(html, prose) for a cached body, or None."""
        if key in self._html:
            return self._html[key]
        record = self._read(key)
        if record is None:
            return None
        try:
            value = SafeUnpickler(io.BytesIO(record)).load()
        except Exception:
            return None
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            return value
        return None

    def _read(self, key: str) -> bytes | None:
        """The payload of a body's record, if it is where the state says and intact."""
        location = self.stored.get(key)
        if self.folder is None or not (isinstance(location, tuple) and len(location) == 3):
            return None
        name, offset, length = location
        if not (
            isinstance(name, str)
            and type(offset) is int
            and type(length) is int
            and offset >= 0
            and 0 < length <= MAX_RECORD
        ):
            return None
        try:
            fd = self._reader(name)
            if fd is None:
                return None
            data = os.pread(fd, length, offset)
        except (OSError, TypeError, ValueError):
            return None
        head, _, payload = data.partition(b"\n")
        try:
            digest, size, checksum = head.decode("ascii").split(" ")
        except (UnicodeDecodeError, ValueError):
            return None
        if digest != key or size != str(len(payload)) or hashlib.sha256(payload).hexdigest() != checksum:
            return None
        return payload

    def _reader(self, name: str) -> int | None:
        if name not in self._readers:
            if "/" in name or name.startswith("."):
                return None
            if len(self._readers) >= MAX_READERS:  # a few open at a time, however many packs
                os.close(self._readers.pop(next(iter(self._readers))))
            assert self.folder is not None  # _read reads with a folder only
            fd = os.open(self.folder / "bodies" / name, os.O_RDONLY | os.O_CLOEXEC)
            header = file_header(self.scope)
            if os.pread(fd, len(header), 0) != header:
                os.close(fd)
                return None
            self._readers[name] = fd
        return self._readers[name]

    def _tidy_bodies(self) -> list[Path]:
        """Before a whole save: forget the bodies no entry uses, and move the live bodies out
        of packs that are mostly dead, or small once there are many (each command-line rebuild
        writes a pack of its own, of one body after a one-article edit), into this
        process's pack. Returns the pack files to delete once the new state is on disk."""
        live = {entry[2].digest for entry in self.bodies.values()}
        self.stored = {key: location for key, location in self.stored.items() if key in live}
        assert self.folder is not None  # called by _save_whole
        folder = self.folder / "bodies"
        try:
            files = {entry.name: entry.stat().st_size for entry in os.scandir(folder) if entry.is_file()}
        except OSError:
            return []
        for name in self._packs_to_empty(files):
            self._move_bodies_out_of(name)
        kept = {location[0] for location in self.stored.values()}
        own = self._pack[2] if self._pack is not None else None
        return [folder / name for name in files if name not in kept and name != own]

    def _packs_to_empty(self, files: Mapping[str, int]) -> list[str]:
        """Of the pack files (name -> size), those whose live bodies are to move: mostly dead
        ones, and small ones once there are more than MAX_PACKS; never this process's own."""
        own = self._pack[2] if self._pack is not None and self._pack[0] == os.getpid() else None
        live_bytes: dict[str, int] = {}  # pack name -> bytes of the bodies still used in it
        for name, _, length in self.stored.values():
            live_bytes[name] = live_bytes.get(name, 0) + length
        many = len(files) > MAX_PACKS
        return [
            name
            for name, size in files.items()
            if name != own and name in live_bytes and (live_bytes[name] * 2 < size or (many and size < SMALL_PACK))
        ]

    def _move_bodies_out_of(self, name: str) -> None:
        """Append the live bodies of the pack `name` to this process's pack."""
        for key in [key for key, location in self.stored.items() if location[0] == name]:
            payload = self._read(key)
            if payload is None:
                del self.stored[key]  # lost: that body is rendered again when needed
                continue
            self.stored[key] = self._append(pack_record(key, payload))


def discard(folder: Path) -> None:
    """Forget the cache (`build --clean`). It is renamed away at once and deleted in the
    background, like a replaced site."""

    for leftover in folder.parent.glob(f".{folder.name}.trash-*"):  # an earlier one, cut short
        remove_detached(leftover)
    if folder.exists():
        discard_tree(folder, folder)
