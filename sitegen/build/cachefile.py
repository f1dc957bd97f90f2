"""The files of the build cache (cache.py): each one checked before anything in it is trusted.

Every file in `.cache/` starts with a header naming the format, the generator version
and the project (`file_header`); a whole pickled value (`dump`, `load`) follows it with
the SHA-256 of its payload, a pack of bodies with records that each carry theirs
(`pack_record`). Unpickling takes only our own value types and a few plain builtins
(`SafeUnpickler`), so a crafted cache cannot run anything on load.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sitegen import __version__
from sitegen.core.article import Article, GlossaryTerm, Page, Reference, Source, Translation
from sitegen.core.errors import Diagnostic, Severity
from sitegen.images.assets import Asset
from sitegen.images.assets import Record as ImageRecord
from sitegen.markup import Heading, Markup

MAGIC = b"sitegen-cache\n"
# Only our own value types and a few plain builtins: no callable that reaches other code
# (getattr, copyreg helpers, object), so a crafted cache cannot run anything on load.
_ALLOWED = (
    {("builtins", name) for name in ("tuple", "frozenset", "set", "dict", "list", "str", "int")}
    | {("datetime", "date")}
    | {
        (kind.__module__, kind.__qualname__)  # where they live now: a module moved is followed
        for kind in (Severity, Diagnostic, Source, Article, Page, Reference, Translation, GlossaryTerm)
        + (Markup, Heading, Asset, ImageRecord)
    }
)


class SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:  # Any: what pickle's own returns
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"unexpected {module}.{name} in the cache")
        return super().find_class(module, name)


def file_header(scope: str) -> bytes:
    return MAGIC + f"{__version__}\n{scope}\n".encode()


def dump(value: object, path: Path, scope: str) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    data = file_header(scope) + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.parent.mkdir(parents=True, exist_ok=True)
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)  # readers see the old file or the new one, never half of one


def load(path: Path, scope: str) -> object:  # whatever was pickled: the caller checks it
    """The cached value, or None when absent, corrupt, foreign or from another version."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = file_header(scope)
    if not data.startswith(header):
        return None
    checksum, _, payload = data[len(header) :].partition(b"\n")
    if hashlib.sha256(payload).hexdigest().encode() != checksum:
        return None
    try:
        return SafeUnpickler(io.BytesIO(payload)).load()
    except Exception:  # any unpickling failure means: do not trust, rebuild
        return None


def journal_record(payload: bytes) -> bytes:
    """A record appended to the journal (cache.py `Cache.save`): the payload's length and
    SHA-256 on one line, then the payload."""
    return f"{len(payload)} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload


def journal_payloads(data: bytes, position: int) -> Iterator[tuple[bytes, int]]:
    """(payload, where the next record starts) of each record of `data` from `position`
    on, in order, up to the first that is incomplete or corrupt (a build killed while
    appending)."""
    while position < len(data):
        line_end = data.find(b"\n", position)
        try:
            length, checksum = data[position:line_end].split(b" ")
            payload = data[line_end + 1 : line_end + 1 + int(length)]
        except ValueError:
            return
        if line_end < 0 or len(payload) != int(length) or hashlib.sha256(payload).hexdigest().encode() != checksum:
            return
        position = line_end + 1 + int(length)
        yield payload, position


def pack_record(key: str, payload: bytes) -> bytes:
    """A body's record in a pack: its digest, length and checksum on one line, then the payload (see `Cache._read`)."""
    return f"{key} {len(payload)} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
