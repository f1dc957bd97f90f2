"""Pages to disk, all or nothing.

Everything is written into a staging folder beside the output and swapped in
only when the whole build succeeded, so a failed, interrupted or killed build
leaves the previous site as it was. On Linux the swap is one atomic
renameat2(RENAME_EXCHANGE); elsewhere two renames, with recovery on the next run.
Files whose bytes did not change are hard-linked from the previous output, so
their modification time stays and uploads (rsync, CDNs) stay small. The site from
before the swap is kept as the spare and becomes the next build's staging folder,
so a rebuild touches only what changed instead of re-creating a folder per page.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic
from sitegen.core.files import walk
from sitegen.system.swap import discard_tree, fsync_tree, recover, remove_detached, staging_name, swap, trash_name

STAMP = ".sitegen-output"
STAMP_TEXT = b"Made by sitegen (build.py). This folder is replaced on every build.\n"


def output_problems(config: Config) -> list[Diagnostic]:
    """Refuse output folders whose replacement would destroy something of ours or the editor's."""
    out = config.output_dir.resolve()
    protected = {config.root, config.content_dir, config.templates_dir, config.static_dir}
    for folder in protected:
        folder = folder.resolve()
        # Inside content/, templates/ or static/ is refused too: an output inside static/ was
        # copied into the next build's output (static/public/static/public/...), growing each time.
        inside = folder != config.root.resolve() and folder in out.parents
        if out == folder or out in folder.parents or inside:
            return [
                Diagnostic(
                    str(config.path.name),
                    None,
                    "output-unsafe",
                    f"The output folder {out} is, contains or is inside {folder}: building would replace it.",
                    "Set paths.output in config.yaml (or --out) to a folder of its own, such as public.",
                )
            ]
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / STAMP).exists())):
        return [
            Diagnostic(
                str(config.path.name),
                None,
                "output-foreign",
                f"The output folder {out} already holds files that this generator did not make.",
                "Choose an empty or new folder for --out, or move those files away first.",
            )
        ]
    return []


def copy_tree_files(static_dir: Path, roots: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """(output path, bytes) of every static file that may be read (files.py), in a stable
    order. Those that may not are left out here and reported by the load (`static_files`)."""
    if not static_dir.is_dir():
        return []
    return [
        ("static/" + source.relative_to(static_dir).as_posix(), source.read_bytes())
        for source, refused in walk(static_dir, roots, static_dir)
        if refused is None
    ]


def _spare_name(out: Path) -> Path:
    """The site from before the last swap, kept to become the next build's staging folder."""
    return out.parent / f".{out.name}.spare"


def discard_spare(out: Path) -> None:
    """`build --clean`: the next build starts from an empty staging folder."""
    out = out.resolve()
    spare = _spare_name(out)
    if spare.exists() or spare.is_symlink():
        discard_tree(spare, out)


def _clear(path: Path) -> None:
    """Remove a file, link or folder of the staging tree (never of the live output)."""
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        pass  # already gone with a folder it was in
    except (IsADirectoryError, PermissionError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            raise


class Staging:
    """A new site being written beside the output; `commit` swaps it in, `abort` drops it.

    The staging folder starts as the spare: the site from before the last swap, kept
    (as `.<out>.spare`) instead of deleted. Bringing it up to date costs a file
    operation per page that changed in the last two builds, where a fresh tree costs a
    folder per page: that is most of a rebuild after a one-article edit. What the spare
    holds is never trusted: every file of the new site is either hard-linked from the
    current output (the same bytes, checked by the caller's keys or compared here) or
    written anew, and every other file is removed at commit. A spare left half-updated
    by a killed build is a staging folder, which the next build deletes (`recover`).

    Plain paths only, so worker processes forked during the build can write into it too.
    """

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        recover(self.out)
        self.folder = staging_name(self.out, "staging")
        spare = _spare_name(self.out)
        # What the staging folder holds, as relative path -> inode; folders that exist.
        self.existing: dict[str, int] = {}
        self.folders: set[str] = {""}
        # Every file of the new site. Worker processes' writes are not seen here: the
        # pipeline adds its pages' paths before `commit`.
        self.expected: set[str] = {STAMP}
        self._trash: Path | None = None  # folders of the spare put out of the way (`_discard`)
        if spare.is_dir() and not spare.is_symlink():
            os.rename(spare, self.folder)
            self._survey()
        else:
            if spare.exists() or spare.is_symlink():
                discard_tree(spare, self.out)
            self.folder.mkdir()

    def _survey(self) -> None:
        """Record what the spare holds: one directory listing per folder. The inode of each
        file comes with the listing (d_ino) on file systems where that is the file's
        st_ino (ext4, XFS, btrfs, tmpfs...); elsewhere (overlay mounts, network file
        systems, other systems) each file is stat'ed."""
        trust_listing = _listing_inodes_are_real(self.folder)
        folders = [("", str(self.folder))]
        while folders:
            relative, path = folders.pop()
            self.folders.add(relative.rstrip("/"))
            try:
                entries = list(os.scandir(path))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((relative + entry.name + "/", entry.path))
                        continue
                    inode = entry.inode() if trust_listing else os.lstat(entry.path).st_ino
                except OSError:
                    continue
                self.existing[relative + entry.name] = inode

    def _target(self, relative: str) -> Path:
        """The staging path for `relative`, with its folder made (what stands in its way removed)."""
        target = self.folder / relative
        parent = relative.rpartition("/")[0]
        if parent not in self.folders:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                # A file of an older site where a folder goes now (static/x became static/x/).
                current = self.folder
                for part in parent.split("/"):
                    current = current / part
                    if current.is_symlink() or current.is_file():
                        current.unlink()
                        self.existing.pop(current.relative_to(self.folder).as_posix(), None)
                target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(parent)
        if relative in self.existing or relative in self.folders:
            _clear(target)
        return target

    def write(self, relative: str, data: bytes) -> int:
        """Write one file; 1 if its bytes differ from the previous site's, else 0 (then it is linked)."""
        self.expected.add(relative)
        previous = self.out / relative
        try:
            stat = previous.stat()
            if stat.st_size == len(data) and previous.read_bytes() == data:
                self._link(relative, stat.st_ino)
                return 0
        except OSError:
            pass
        with open(self._target(relative), "wb") as handle:
            handle.write(data)
        return 1

    def reuse(self, relative: str, inode: int | None = None) -> None:
        """Take the previous site's file unchanged (same inode: its mtime stays). `inode`: the
        file's, if the caller has just stat'ed it."""
        self.expected.add(relative)
        self._link(relative, (self.out / relative).stat().st_ino if inode is None else inode)

    def _link(self, relative: str, inode: int) -> None:
        """Hard-link the live file `relative` (whose inode is `inode`) into the staging folder."""
        if self.existing.get(relative) == inode:
            return  # the spare already has this very file (most pages of a rebuild: no path made)
        os.link(self.out / relative, self._target(relative))

    def fresh_tree(self, relative: str) -> Path:
        """An empty folder for a tool that writes a whole tree itself (the search index)."""
        target = self.folder / relative
        if target.exists() or target.is_symlink():
            if target.is_dir() and not target.is_symlink():
                self._discard(target)
            else:
                _clear(target)
            # Nothing to forget where the spare had nothing (a pass over every file it has).
            prefix = relative.rstrip("/") + "/"
            self.existing = {path: inode for path, inode in self.existing.items() if not path.startswith(prefix)}
            self.folders = {folder for folder in self.folders if not (folder + "/").startswith(prefix)}
        return target

    def _discard(self, folder: Path) -> None:
        """Put a folder of the spare out of the way (an older search index: thousands of
        files), into one trash folder beside the output that a detached `rm` removes once
        the build is over, like a discarded spare (`discard_tree`)."""
        if self._trash is None:
            self._trash = trash_name(self.out)
            self._trash.mkdir()
        try:
            os.rename(folder, self._trash / str(len(os.listdir(self._trash))))
        except OSError:
            shutil.rmtree(folder)

    def _empty_trash(self) -> None:
        trash, self._trash = self._trash, None
        if trash is not None:
            try:
                remove_detached(trash)
            except OSError:
                pass  # left for the next build (`recover`)

    def prune(self) -> None:
        """Remove what the spare holds that the new site does not (pages of deleted articles,
        renamed static files). Before the search index is made, which reads every page."""
        emptied = set()
        for relative in self.existing.keys() - self.expected:
            path = self.folder / relative
            self.existing.pop(relative)
            # Not a path of the new site, so nothing of this build is there, unless a folder
            # of it now stands where the spare had a file (static/x became static/x/).
            try:
                if stat.S_ISDIR(os.lstat(path).st_mode):
                    continue
            except OSError:
                continue  # gone with a folder it was in
            path.unlink()
            emptied.add(relative.rpartition("/")[0])
        for folder in sorted(emptied, key=lambda f: -f.count("/")):  # deepest first
            while folder:
                try:
                    os.rmdir(self.folder / folder)
                except OSError:
                    break  # not empty: still used
                folder = folder.rpartition("/")[0]

    def commit(self) -> None:
        """Swap the staging folder in."""
        self.prune()
        (self.folder / STAMP).write_bytes(STAMP_TEXT)
        fsync_tree(self.folder)
        swap(self.folder, self.out)
        self._empty_trash()
        # After the exchange the staging folder holds the previous site (if there was one):
        # it is the next spare.
        if (self.folder / STAMP).exists():
            try:
                os.rename(self.folder, _spare_name(self.out))
                return
            except OSError:
                pass
        if self.folder.exists():
            discard_tree(self.folder, self.out)

    def abort(self) -> None:
        """Drop the new site. The staging folder becomes the spare again: what it holds is
        never trusted (see the class), so a half-updated one is as good as any."""
        self._empty_trash()
        try:
            os.rename(self.folder, _spare_name(self.out))
        except OSError:
            shutil.rmtree(self.folder, ignore_errors=True)


# File systems whose directory listings give each file's inode number as stat() does.
_REAL_LISTING_INODES = {"ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "f2fs", "jfs", "reiserfs"}


def _listing_inodes_are_real(folder: Path) -> bool:
    """Whether `folder` is on a file system of _REAL_LISTING_INODES (Linux: /proc/self/mounts)."""
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    target, best, kind = os.path.realpath(folder), "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind in _REAL_LISTING_INODES
