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

Raster images use Pillow: it reads width and height from the header without decoding
the picture, resizes with a good filter (LANCZOS), and its wheels ship WebP and AVIF
encoders, so no system library or separate binary is needed (one Python dependency
instead of calling out to cwebp/avifenc or a Node tool). Where a Pillow build has no
AVIF encoder, AVIF is left out (WebP and the original format remain).

SVG is read with the standard library's expat parser (line numbers for every
finding), never executed: it is served as a file through `<img>`, where no script in
it can run, and it is checked anyway, because an SVG opened directly by its address
would run one.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import re
import xml.parsers.expat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import yamlread
from .config import Config, did_you_mean
from .errors import Diagnostic, Severity
from .files import read, refusal

IMAGES_FOLDER = "images"  # under content/; also where the output files go
RECORDS_FILE = "images.yaml"
RASTER_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
SUFFIXES = (*RASTER_SUFFIXES, ".svg")
RECORD_KEYS = ("credit", "licence", "long_description", "decorative")

# The encoder settings. Part of every raster output's key: change one and every image is
# encoded again (and every page showing one re-rendered, since its file names change).
WIDTHS = (480, 800, 1200)  # never wider than the original
QUALITY = {"AVIF": 55, "WEBP": 78, "JPEG": 82}
ENCODER_VERSION = "1"
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png", "SVG": "image/svg+xml"}
EXTENSION = {"AVIF": "avif", "WEBP": "webp", "JPEG": "jpg", "PNG": "png", "SVG": "svg"}
# How wide a figure is shown: the text column (site.css `.wrap`, 42rem), or the screen.
SIZES = "(min-width: 46rem) 42rem, 100vw"


@dataclass(frozen=True)
class Record:
    """An image's entry in images.yaml."""

    credit: str = ""
    licence: str = ""  # as written: "site", or the licence's name
    long_description: str = ""
    decorative: bool = False
    line: int | None = None  # of the entry's key in images.yaml


@dataclass(frozen=True)
class Variant:
    """One output file of an asset."""

    path: str  # relative to the output root, e.g. images/scan-1a2b3c4d5e-480.webp
    format: str  # AVIF, WEBP, JPEG, PNG, SVG
    width: int
    height: int

    @property
    def mime(self) -> str:
        return MIME[self.format]


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

# (size, mtime_ns, inode, ctime_ns) -> the asset read then, without its record
Memo = dict[str, tuple[tuple[int, int, int, int], Asset]]


def load_assets(config: Config, memo: Memo | None = None) -> tuple[dict[str, Asset], list[Diagnostic], Memo]:
    """(written path -> Asset, problems, the memo for the next build). An unchanged file
    (same stat signature as when the memo was made) is not read again."""
    folder = config.content_dir / IMAGES_FOLDER
    problems: list[Diagnostic] = []
    memo = memo or {}
    new_memo: Memo = {}
    found: dict[str, Asset] = {}
    if not folder.is_dir():
        return found, problems, new_memo
    records, record_problems = _records(folder / RECORDS_FILE, _shown(config, folder / RECORDS_FILE), config.roots)
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
        stat = entry.stat()
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
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
    problems += _record_problems(config, found, records, _shown(config, folder / RECORDS_FILE))
    return found, problems, new_memo


def read_asset(path: str, data: bytes, shown: str) -> tuple[Asset | None, list[Diagnostic]]:
    """The Asset of one file's bytes (no record yet), and the file's own problems."""
    sha = hashlib.sha256(data).hexdigest()
    if path.lower().endswith(".svg"):
        problems = svg_problems(data, shown)
        width, height = svg_size(data)
        return Asset(path, sha, "svg", "SVG", width, height, len(data)), problems
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height, kind = image.width, image.height, image.format or ""
    except (UnidentifiedImageError, OSError, ValueError) as error:
        return None, [
            Diagnostic(
                shown,
                None,
                "image-unreadable",
                f"This file is not an image the site can read ({error}).",
                "Save it again as PNG or JPEG (or SVG for a diagram).",
            )
        ]
    return Asset(path, sha, "raster", kind.upper(), width, height, len(data)), []


def _with_record(asset: Asset, record: Record | None) -> Asset:
    from dataclasses import replace

    return replace(asset, record=record)


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _records(path: Path, shown: str, roots: tuple[str, ...]) -> tuple[dict[str, Record], list[Diagnostic]]:
    raw, refused = read(path, roots, shown)
    if raw is None:
        return {}, [refused] if refused is not None else []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return {}, [
            Diagnostic(
                shown,
                None,
                "image-records-unreadable",
                f"Cannot read {RECORDS_FILE}: {error}.",
                "Save it as UTF-8 text.",
            )
        ]
    doc = yamlread.load(text, shown)
    if doc.diagnostics:
        return {}, list(doc.diagnostics)
    data = doc.data if doc.data is not None else {}
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        return {}, [
            Diagnostic(
                shown,
                1,
                "image-record-shape",
                f"{RECORDS_FILE} must list each image file by name, with its details indented under it.",
                "For example:\nscan.png:\n  credit: Drawn by the editorial team\n  licence: site",
            )
        ]
    records: dict[str, Record] = {}
    for name, entry in data.items():
        line = doc.line(name)
        if not isinstance(entry, dict):
            problems.append(
                Diagnostic(
                    shown,
                    line,
                    "image-record-shape",
                    f"The record of {name} must be indented `key: value` lines (credit, licence, ...).",
                    "Put `credit:` and `licence:` on their own lines, indented under the file name.",
                )
            )
            continue
        for key in entry:
            if key not in RECORD_KEYS:
                problems.append(
                    Diagnostic(
                        shown,
                        doc.line(name, key),
                        "image-record-key",
                        f"The record of {name} has an unknown detail '{key}'.",
                        did_you_mean(key, RECORD_KEYS),
                    )
                )

        def text_of(key: str, entry: dict[Any, Any] = entry) -> str:
            value = entry.get(key)
            return str(value).strip() if value is not None and not isinstance(value, (dict, list)) else ""

        records[str(name)] = Record(
            text_of("credit"),
            text_of("licence"),
            " ".join(text_of("long_description").split()),
            entry.get("decorative") is True,
            line,
        )
    return records, problems


def _record_problems(
    config: Config, assets: Mapping[str, Asset], records: Mapping[str, Record], shown: str
) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    names = {asset.name for asset in assets.values()}
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


# -- SVG --------------------------------------------------------------------------------

_URL = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"]*)\1\s*\)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)


def svg_problems(data: bytes, shown: str) -> list[Diagnostic]:  # noqa: C901 (one handler per kind of node)
    """Every unsafe thing in an SVG (script, event handler, foreignObject, external reference,
    entity declarations), each with its line; or why it cannot be parsed."""
    problems: list[Diagnostic] = []
    parser = xml.parsers.expat.ParserCreate()
    in_style = [0]

    def unsafe(what: str) -> None:
        problems.append(
            Diagnostic(
                shown,
                parser.CurrentLineNumber,
                "image-svg-unsafe",
                f"The SVG contains {what}, which the site does not allow in images.",
                "Remove it (export the drawing again as plain SVG); diagrams may use shapes, text and an "
                "inline <style>, and link only to #ids inside the same file.",
            )
        )

    def css(text: str, where: str) -> None:
        for match in _URL.finditer(text):
            if not match.group(2).startswith("#"):
                unsafe(f"a reference to {match.group(2)!r} in {where}")
        if _IMPORT.search(text):
            unsafe(f"an @import in {where}")

    def start(name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "script":
            unsafe("a <script> element")
        elif local == "foreignObject":
            unsafe("a <foreignObject> element")
        if local == "style":
            in_style[0] += 1
        for attribute, value in attributes.items():
            bare = attribute.rsplit(":", 1)[-1].lower()
            if bare.startswith("on"):
                unsafe(f"an event handler ({attribute}=) on <{local}>")
            elif bare == "href" and not value.strip().startswith("#"):
                unsafe(f"a link to {value!r} ({attribute}=) on <{local}>")
            else:
                css(value, f"the {attribute}= of <{local}>")

    def end(name: str) -> None:
        if name.rsplit(":", 1)[-1] == "style":
            in_style[0] -= 1

    def text(data: str) -> None:
        if in_style[0]:
            css(data, "its <style>")

    def doctype(*_: Any) -> None:
        unsafe("a DOCTYPE declaration (it can define entities)")

    def entity(*_: Any) -> None:
        unsafe("an entity declaration")

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            unsafe("an external style sheet (<?xml-stylesheet?>)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        problems.append(
            Diagnostic(
                shown,
                error.lineno,
                "image-svg-invalid",
                f"The SVG cannot be read: {xml.parsers.expat.ErrorString(error.code)}.",
                "Export the drawing again as SVG from the drawing program.",
            )
        )
    return problems


_ROOT = re.compile(rb"<svg\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.IGNORECASE)


def _attribute(tag: bytes, name: str) -> str | None:
    found = re.search(rb"\s" + name.encode() + rb"\s*=\s*(\"[^\"]*\"|'[^']*')", tag)
    return found.group(1)[1:-1].decode("utf-8", "replace") if found else None


def _length(value: str | None) -> float | None:
    if value is None:
        return None
    found = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", value)
    return float(found.group(1)) if found else None  # %, em, ...: not a size in pixels


def svg_size(data: bytes) -> tuple[int, int]:
    """(width, height) in CSS pixels: the root's width/height, else its viewBox; 300 x 150
    (the browser's default for a replaced element) when it gives neither."""
    found = _ROOT.search(data)
    tag = found.group(1) if found else b""
    width, height = _length(_attribute(tag, "width")), _length(_attribute(tag, "height"))
    box = _attribute(tag, "viewBox")
    box_size = None
    if box:
        parts = re.split(r"[\s,]+", box.strip())
        try:
            box_size = (float(parts[2]), float(parts[3])) if len(parts) == 4 else None
        except ValueError:
            box_size = None
    if width and height:
        return round(width), round(height)
    if box_size and box_size[0] > 0 and box_size[1] > 0:
        if width:
            return round(width), round(width * box_size[1] / box_size[0])
        if height:
            return round(height * box_size[0] / box_size[1]), round(height)
        return round(box_size[0]), round(box_size[1])
    return 300, 150


# A tag (quoted attribute values may hold ">"), a comment, CDATA, or the text between.
_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>|[^<]+",
    re.DOTALL,
)
_NAME = re.compile(r"</?\s*([A-Za-z_][\w:.-]*)")
# Whitespace is meaningful inside these (text and its spans; style sheets are kept as written).
_KEEP = {"text", "tspan", "textPath", "style", "title", "desc"}


def minify_svg(data: bytes) -> bytes:
    """Comments, <metadata> and whitespace-only text between tags removed; attribute values,
    text and style sheets untouched."""
    source = data.decode("utf-8")
    out: list[str] = []
    keep = 0  # depth inside elements whose whitespace matters
    skip = 0  # depth inside <metadata>
    for match in _TOKEN.finditer(source):
        token = match.group(0)
        if token.startswith("<!--"):
            continue
        if token.startswith("<") and not token.startswith("<![CDATA["):
            found = _NAME.match(token)
            name = found.group(1).rsplit(":", 1)[-1] if found else ""
            closing, empty = token.startswith("</"), token.endswith("/>")
            if name == "metadata":
                if not closing and not empty:
                    skip += 1
                elif closing:
                    skip -= 1
                continue
            if skip:
                continue
            if name in _KEEP and not empty:
                keep += -1 if closing else 1
            out.append(token)
            continue
        if skip:
            continue
        if not keep and not token.startswith("<![CDATA[") and not token.strip():
            continue
        out.append(token)
    return "".join(out).strip().encode("utf-8")


# -- encoding ---------------------------------------------------------------------------


def encode(asset: Asset, data: bytes) -> dict[str, bytes]:
    """Output path -> bytes, for every output file of the asset."""
    if asset.kind == "svg":
        return {asset.outputs[0].path: minify_svg(data)}
    from PIL import Image, ImageOps

    files: dict[str, bytes] = {}
    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)  # a phone photo's rotation, applied once
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        image = image.convert("RGBA" if has_alpha else "RGB")
        resized: dict[int, Image.Image] = {}
        for variant in asset.outputs:
            if variant.width not in resized:
                resized[variant.width] = (
                    image
                    if variant.width == image.width
                    else image.resize((variant.width, variant.height), Image.Resampling.LANCZOS)
                )
            picture = resized[variant.width]
            buffer = io.BytesIO()
            if variant.format == "JPEG":
                picture.convert("RGB").save(buffer, "JPEG", quality=QUALITY["JPEG"], optimize=True, progressive=True)
            elif variant.format == "PNG":
                picture.save(buffer, "PNG", optimize=True)
            elif variant.format == "WEBP":
                picture.save(buffer, "WEBP", quality=QUALITY["WEBP"], method=4)
            else:
                picture.save(buffer, "AVIF", quality=QUALITY["AVIF"])
            files[variant.path] = buffer.getvalue()
    return files
