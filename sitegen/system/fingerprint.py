"""The no-op rebuild: answer "nothing changed" before loading anything else.

A rebuild where nothing changed is the commonest build of all (CI re-runs, an
editor typing `make build` twice), and most of its cost was starting up: importing
Jinja, Markdown and YAML, loading the cache, planning every page. After every
successful command-line build we record, in `.cache/fingerprint.json`, a
fingerprint of everything that build read and wrote:

- the generator's version and the size and mtime of each of its own source files;
- the command's options, today's date (checks and review dates depend on it) and
  the bytes of config.yaml;
- the size, mtime, ctime and inode of every file under content/, templates/ and
  static/ (ctime cannot be set back by tools that restore mtimes, and any write,
  rename or chmod changes it; a file added or removed changes the listing);
- the size and mtime of every file the build wrote into the output;
- what the build printed (its warnings), to print again.

The next `build` with the same options compares the fingerprint first, using only
the standard library; if all of it matches, the output is exactly what a full
build would write, so it reports that and stops. Anything else, including a
missing, unreadable or foreign fingerprint, means a normal build, which checks
everything by content (pipeline.py). The preview and every build that writes
delete the fingerprint before they touch the output. Not covered: an upgrade of a
library (Markdown, Jinja) with no change to the content; `build --clean` after one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from stat import S_ISREG

from sitegen import __version__

# typing.TYPE_CHECKING without importing typing: this module is on the no-op rebuild's
# path, which answers in about 0.1 s, and importing typing cost it 3 ms. Everything below
# the `if` exists for the type checker only (annotations are strings here).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeAlias, TypedDict

    from sitegen.core.config import Config  # importing config would load YAML before the check

    Signature: TypeAlias = tuple[int, int, int, int]  # a file's (mtime, size, inode, ctime)
    # A file's (folder relative to the tree, name, size, mtime, ctime, inode), or (folder,
    # name, None) when it could not be stat'ed.
    _Entry: TypeAlias = tuple[str, str, None] | tuple[str, str, int, int, int, int]
    Options: TypeAlias = Mapping[str, object]  # a command's options, as JSON can write them
    # What before_build took: (options, their key, the inputs' digest, the signatures seen).
    Before: TypeAlias = tuple[Options, str, str, dict[str, Signature]]

    class Fingerprint(TypedDict):
        """What fingerprint.json holds."""

        format: int
        options: str
        folders: list[str]
        output: str
        inputs: str
        outputs: list[list[Any]]  # [path, size, mtime]: as a JSON list, of mixed types
        report: str
        summary: str


NAME = "fingerprint.json"
SECONDS = "@seconds@"  # stands for the time taken in the recorded summary line
FORMAT = 1
PACKAGE = Path(__file__).resolve().parent.parent  # the whole sitegen package: its code is an input too


def location(config_path: Path) -> Path:
    """Where the fingerprint lives: the default cache folder beside config.yaml. (With
    `paths.cache` set elsewhere there is no fingerprint, and no fast path.)"""
    return config_path.resolve().parent / ".cache" / NAME


def _tree(folder: Path, suffix: str = "", signatures: dict[str, Signature] | None = None) -> list[_Entry]:
    """(relative path, size, mtime, ctime, inode) of every file below `folder` (whose name
    ends with `suffix`), sorted. Symbolic links to folders are followed, as the build
    follows them (a content folder linked in from another checkout), each folder once.
    `signatures`, if given, gets each file's path -> (mtime, size, inode, ctime)."""
    entries: list[_Entry] = []
    root = str(folder)
    seen: set[tuple[int, int]] = set()  # (device, inode) of each folder walked
    for current, folders, files in os.walk(root, followlinks=True):
        try:
            stat = os.stat(current)
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen:  # a link back up the tree
            folders[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        relative = os.path.relpath(current, root)
        for name in sorted(files):
            if not name.endswith(suffix):
                continue
            path = os.path.join(current, name)
            try:
                stat = os.stat(path)
            except OSError:
                entries.append((relative, name, None))
                continue
            entries.append((relative, name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
            if signatures is not None:
                signatures[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
    return entries


def _code(package: Path) -> list[_Entry]:
    return _tree(package, ".py")  # not __pycache__: another Python writes other .pyc files


def inputs_digest(
    folders: Iterable[Path], config_path: Path, seen: dict[str, Signature] | None = None, *, package: Path = PACKAGE
) -> str:
    """One digest of the stat signatures of every input file, the bytes of config.yaml and
    the generator's code (`package`; `seen`: as for _tree)."""
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(_config_bytes(Path(config_path)))
    for folder in folders:
        hasher.update(
            repr((str(folder), folder.is_dir() and _tree(folder, signatures=seen))).encode("utf-8", "surrogateescape")
        )
    hasher.update(repr(_code(package)).encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


_CONFIG_LIMIT = 8 * 1024 * 1024  # core.sources.MAX_SOURCE_BYTES, not imported: this path imports little


def _config_bytes(path: Path) -> bytes:
    """config.yaml's bytes, or a marker when it is not a regular file of a sensible size
    (a link to /dev/zero would never end): the build after this reports why (config.py)."""
    try:
        info = os.stat(path)
    except OSError:
        return b"<missing>"
    if not S_ISREG(info.st_mode) or info.st_size > _CONFIG_LIMIT:
        return b"<not read>"
    return path.read_bytes()


def _outputs_match(out: Path, outputs: Iterable[Sequence[Any]]) -> bool:  # as read from JSON
    for relative, size, mtime in outputs:
        try:
            stat = os.stat(out / relative)
        except OSError:
            return False
        if stat.st_size != size or stat.st_mtime_ns != mtime:
            return False
    return True


def options_key(options: Options, today: date | None = None) -> str:
    """The build's options, the generator's and Python's versions and the date (`today`,
    by default the real one: a review date can fall due overnight)."""
    return json.dumps(
        {**options, "version": __version__, "python": sys.version, "today": (today or date.today()).isoformat()},
        sort_keys=True,
        default=str,
    )


def before_build(config: Config, options: Options, looked: Look | None = None) -> Before:
    """What the fingerprint will say about the inputs, taken before the build reads them (a
    file saved while the build runs must not be recorded as built), and the stat signature
    of each input file seen on the way: the build's own check of which sources changed
    (content.py, StatMemo) uses them instead of asking again. `looked`: what `unchanged`
    saw of the same files a moment ago (also before anything was read), used if it looked
    at the same folders."""
    folders = _folders(config)
    if looked is not None and looked.inputs is not None and looked.folders == tuple(map(str, folders)):
        return options, options_key(options), looked.inputs, looked.seen
    seen: dict[str, Signature] = {}
    return options, options_key(options), inputs_digest(folders, config.path, seen), seen


def _folders(config: Config) -> list[Path]:
    """The input folders: content (every language's), templates, static, and the interface
    strings of the other languages (locale/), when the site has any."""
    folders = [config.content_dir, config.templates_dir, config.static_dir]
    if len(config.languages) > 1 and config.locale_dir is not None:
        folders.append(config.locale_dir)
    return folders


def record(config: Config, before: Before, outputs: list[list[Any]], report: str, summary: str) -> None:
    """Write the fingerprint of a build that just succeeded (only with the default cache
    folder), unless the day ended while it ran.

    The inputs recorded are those taken before the build read anything. A file saved
    while the build ran (after it was stat'ed there) has another signature now, so the
    next build does not match and builds: the inputs need no second look here (at
    4,000 articles that look cost every build 0.02 s)."""
    path = location(config.path)
    if config.cache_dir.resolve() != path.parent:
        return
    folders = _folders(config)
    options, key, inputs, _ = before
    if key != options_key(options):
        return  # another day: the review dates shown may differ
    data: Fingerprint = {
        "format": FORMAT,
        "options": key,
        "folders": [str(folder) for folder in folders],
        "output": str(config.output_dir),
        "inputs": inputs,
        "outputs": outputs,
        "report": report,
        "summary": summary,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{NAME}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


def forget(config_path: Path) -> None:
    """Called before any build writes output: until it succeeds, nothing is known."""
    try:
        location(config_path).unlink()
    except OSError:
        pass


class Look:
    """What `unchanged` found: the last build's fingerprint if nothing changed since, and
    what it saw of the inputs on the way (for `before_build`). A plain class, not a
    dataclass: importing dataclasses cost the no-op rebuild a tenth of its time."""

    __slots__ = ("match", "folders", "inputs", "seen")

    def __init__(
        self,
        match: Fingerprint | None = None,
        folders: tuple[str, ...] = (),
        inputs: str | None = None,
        seen: dict[str, Signature] | None = None,
    ) -> None:
        self.match, self.folders, self.inputs = match, folders, inputs
        self.seen: dict[str, Signature] = seen if seen is not None else {}


def unchanged(config_path: Path, options: Options) -> Look:
    """A Look whose `match` is the fingerprint of the last build if this build would write
    exactly the same, else None."""
    try:
        data: Fingerprint = json.loads(location(config_path).read_text(encoding="utf-8"))  # checked below
        if data.get("format") != FORMAT or data.get("options") != options_key(options):
            return Look()
        folders = [Path(folder) for folder in data["folders"]]
        seen: dict[str, Signature] = {}
        inputs = inputs_digest(folders, config_path, seen)
        looked = Look(None, tuple(map(str, folders)), inputs, seen)
        if data["inputs"] != inputs or not _outputs_match(Path(data["output"]), data["outputs"]):
            return looked
        return Look(data, looked.folders, inputs, seen)
    except (OSError, ValueError, KeyError, TypeError):
        return Look()  # absent, unreadable or not ours: build normally
