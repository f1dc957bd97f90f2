"""Figures: the files in content/images/ and their records, checked, and their output files.

`load_assets` reads every image file and `content/images/images.yaml` (one record per
file: credit, licence, optional long description, optional `decorative: true`) into
frozen `Asset` values, with a Diagnostic for every problem of a record or a file
(file and line: the images.yaml line for a record, the SVG's line for unsafe markup).
It is the fourth module that touches the site's files, beside content.py.

What an asset becomes is a pure function of its bytes and the settings here
(`Asset.outputs`): names carry a short content hash, so they can be cached for ever
by browsers and a changed image gets new names. `encode` makes the bytes of those
files; the pipeline calls it only for assets whose outputs the previous build did
not already write under the same `Asset.encode_key` (plan.asset_steps).

Reading and encoding an image file's bytes (Pillow for photos, expat for SVG) is in
imagefiles.py; images.yaml's records are read by records.py.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic, Severity, did_you_mean
from sitegen.core.files import refusal
from sitegen.images.imagefiles import (
    EXTENSION,
    QUALITY,
    RASTER_SUFFIXES,
    Variant,
    encode_raster,
    measure_raster,
    minify_svg,
    svg_problems,
    svg_size,
)
from sitegen.images.records import RECORDS_FILE, read_records
from sitegen.images.records import Record as Record  # where the cache, the executor and tests import it from

IMAGES_FOLDER = "images"  # under content/; also where the output files go
SUFFIXES = (*RASTER_SUFFIXES, ".svg")

# The encoder settings. Part of every raster output's key: change one and every image is
# encoded again (and every page showing one re-rendered, since its file names change).
WIDTHS = (480, 800, 1200)  # never wider than the original
ENCODER_VERSION = "3"  # 2: metadata left out, colours converted to sRGB; 3: sizes of the upright photo
# How wide a figure is shown: the text column (site.css `.wrap`, 42rem), or the screen.
SIZES = "(min-width: 46rem) 42rem, 100vw"


def language_variant(path: str, language: str) -> str:
    """The file of a drawing's version in another language: images/x.svg -> images/x.es.svg."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{language}.{suffix}" if dot else f"{path}.{language}"


@dataclass(frozen=True)
class Asset:
    path: str  # as an article writes it: images/t2-lesions.svg
    sha256: str
    kind: str  # "svg" or "raster"
    format: str  # SVG, PNG, JPEG, GIF, WEBP
    width: int
    height: int
    size: int  # bytes
    record: Record | None = None

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    @property
    def encode_key(self) -> str:
        """What its output files depend on: its bytes and the encoder settings."""
        return f"{self.sha256} {ENCODER_VERSION} {WIDTHS} {sorted(QUALITY.items())} {_avif()}"

    @property
    def key(self) -> str:
        """What a page showing it depends on: its output files and its record (caption line)."""
        return hashlib.blake2b(repr((self.encode_key, self.record)).encode(), digest_size=16).hexdigest()

    @property
    def outputs(self) -> tuple[Variant, ...]:
        """Every output file: AVIF and WebP at each width, then the original format (largest last)."""
        stem = self.name.rsplit(".", 1)[0]
        short = self.sha256[:10]
        if self.kind == "svg":
            return (Variant(f"{IMAGES_FOLDER}/{stem}-{short}.svg", "SVG", self.width, self.height),)
        widths = sorted({min(width, self.width) for width in WIDTHS})
        fallback = "JPEG" if self.format == "JPEG" else "PNG"  # GIF and WebP originals: PNG
        formats = [*(["AVIF"] if _avif() else []), "WEBP", fallback]
        return tuple(
            Variant(
                f"{IMAGES_FOLDER}/{stem}-{short}-{width}.{EXTENSION[kind]}",
                kind,
                width,
                max(1, round(self.height * width / self.width)),
            )
            for kind in formats
            for width in widths
        )

    @property
    def fallback(self) -> Variant:
        """The file an `<img src>` (and Open Graph) uses: the largest in the original format."""
        return self.outputs[-1]


_AVIF: bool | None = None


def _avif() -> bool:
    global _AVIF
    if _AVIF is None:
        from PIL import features

        _AVIF = bool(features.check("avif"))
    return _AVIF


def licence_text(record: Record, config: Config) -> str:
    return config.licence if record.licence == "site" and config.licence else record.licence


# -- reading --------------------------------------------------------------------------

# (READ_VERSION, size, mtime_ns, inode, ctime_ns) -> the asset read then, without its record
Memo = dict[str, tuple[tuple[int, ...], Asset]]
# What a file's Asset is read as; a new version makes every image be read again once
# (2: a photo's width and height are those after its EXIF orientation).
READ_VERSION = 2


def load_assets(config: Config, memo: Memo | None = None) -> tuple[dict[str, Asset], list[Diagnostic], Memo]:
    """(written path -> Asset, problems, the memo for the next build). An unchanged file
    (same stat signature as when the memo was made) is not read again."""
    folder = config.content_dir / IMAGES_FOLDER
    problems: list[Diagnostic] = []
    memo = memo or {}
    new_memo: Memo = {}
    found: dict[str, Asset] = {}
    present: set[str] = set()  # every image file, read or not (one that fails has its own finding)
    if not folder.is_dir():
        return found, problems, new_memo
    records, record_problems = read_records(
        folder / RECORDS_FILE, _shown(config, folder / RECORDS_FILE), config.roots, tuple(config.languages[1:])
    )
    problems += record_problems
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        suffix = os.path.splitext(entry.name)[1].lower()
        if suffix not in SUFFIXES:
            continue
        path = f"{IMAGES_FOLDER}/{entry.name}"
        shown = _shown(config, Path(entry.path))
        refused = refusal(Path(entry.path), config.roots, shown)
        if refused is not None:  # a link out of the project, a folder named like an image
            problems.append(refused)
            continue
        if not entry.is_file():
            problems.append(
                Diagnostic(
                    shown,
                    None,
                    "image-not-a-file",
                    f"{entry.name} is named like an image but is not a file (a broken link).",
                    "Put the image file itself in its place, or remove the link.",
                )
            )
            continue
        present.add(entry.name)
        stat = entry.stat()
        signature = (READ_VERSION, stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
        known = memo.get(path)
        if known is not None and known[0] == signature:
            asset = known[1]
            new_memo[path] = known
        else:
            read, file_problems = read_asset(path, Path(entry.path).read_bytes(), shown)
            problems += file_problems
            if read is None:
                continue
            asset = read
            if not file_problems:  # a file with problems is read (and reported) again
                new_memo[path] = (signature, asset)
        found[path] = _with_record(asset, records.get(entry.name))
    problems += _record_problems(config, found, records, _shown(config, folder / RECORDS_FILE), present)
    return found, problems, new_memo


def read_asset(path: str, data: bytes, shown: str) -> tuple[Asset | None, list[Diagnostic]]:
    """The Asset of one file's bytes (no record yet), and the file's own problems."""
    sha = hashlib.sha256(data).hexdigest()
    if path.lower().endswith(".svg"):
        problems = svg_problems(data, shown)
        width, height = svg_size(data)
        return Asset(path, sha, "svg", "SVG", width, height, len(data)), problems
    measured, problems = measure_raster(data, shown)
    if measured is None:
        return None, problems
    width, height, kind = measured
    return Asset(path, sha, "raster", kind, width, height, len(data)), []


def _with_record(asset: Asset, record: Record | None) -> Asset:
    from dataclasses import replace

    return replace(asset, record=record)


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _record_problems(
    config: Config, assets: Mapping[str, Asset], records: Mapping[str, Record], shown: str, present: set[str]
) -> list[Diagnostic]:
    """The records' problems; `present`: the names of every image file, also of those that
    could not be read (a record for one of those is not "a record for no file")."""
    problems: list[Diagnostic] = []
    names = {asset.name for asset in assets.values()} | present
    for asset in assets.values():
        record, file = asset.record, f"{_content(config)}/{asset.path}"
        if record is None:
            problems.append(
                Diagnostic(
                    shown,
                    None,
                    "image-record-missing",
                    f"The image {asset.name} has no record in {RECORDS_FILE}: who made it and under which licence.",
                    f"Add to {RECORDS_FILE}:\n{asset.name}:\n  credit: Who drew or took it\n  licence: site",
                )
            )
        else:
            if not record.credit:
                problems.append(
                    Diagnostic(
                        shown,
                        record.line,
                        "image-credit-missing",
                        f"The record of {asset.name} has no credit (who drew, took or owns the image).",
                        "Add a line `credit: ...` under it, e.g. `credit: Drawn by the editorial team`.",
                    )
                )
            if not record.licence:
                problems.append(
                    Diagnostic(
                        shown,
                        record.line,
                        "image-licence-missing",
                        f"The record of {asset.name} has no licence.",
                        "Add `licence: site` for the site's own drawings, or the licence's name (`licence: CC BY 4.0`).",
                    )
                )
        budget_bytes, budget_pixels = config.image_max_bytes, config.image_max_pixels
        if (budget_bytes and asset.size > budget_bytes) or (
            asset.kind == "raster" and budget_pixels and asset.width * asset.height > budget_pixels
        ):
            problems.append(
                Diagnostic(
                    file,
                    None,
                    "image-over-budget",
                    f"The image {asset.name} is {asset.size:,} bytes and {asset.width} x {asset.height} pixels; "
                    f"the site's budget is {budget_bytes:,} bytes and {budget_pixels:,} pixels.",
                    "Save a smaller version (about 2,400 pixels wide is plenty), or simplify the drawing.",
                    Severity.WARNING,
                )
            )
    for name, record in records.items():
        if name not in names:
            problems.append(
                Diagnostic(
                    shown,
                    record.line,
                    "image-record-unknown",
                    f"{RECORDS_FILE} has a record for {name}, but there is no such file in {IMAGES_FOLDER}/.",
                    "Remove the record, or fix its name. " + did_you_mean(name, names, "file names"),
                    Severity.WARNING,
                )
            )
    return problems


def _content(config: Config) -> str:
    return _shown(config, config.content_dir)


def unused_problems(config: Config, assets: Mapping[str, Asset], used: set[str]) -> list[Diagnostic]:
    """A warning for each image no article or page shows."""
    return [
        Diagnostic(
            f"{_content(config)}/{asset.path}",
            None,
            "image-unused",
            f"No article uses the image {asset.name}.",
            f'Show it in an article with ![What it shows]({asset.path} "Caption"), or delete the file and its record.',
            Severity.WARNING,
        )
        for path, asset in sorted(assets.items())
        if path not in used
    ]


def written_path(src: str) -> str | None:
    """The asset path an article's image source names (images/x.svg), or None if it is not one."""
    if "://" in src or src.startswith(("data:", "//")):
        return None
    path = src.split("#", 1)[0].split("?", 1)[0].strip()
    while path.startswith("../"):  # written relative to the article's folder, as on GitHub
        path = path[3:]
    path = path.lstrip("/")
    return path if path.startswith(IMAGES_FOLDER + "/") else None


def encode(asset: Asset, data: bytes) -> dict[str, bytes]:
    """Output path -> bytes, for every output file of the asset."""
    if asset.kind == "svg":
        return {asset.outputs[0].path: minify_svg(data)}
    return encode_raster(data, asset.outputs)
