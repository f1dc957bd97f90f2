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
import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitegen.core import yamlread
from sitegen.core.config import Config
from sitegen.core.errors import Diagnostic, Severity, did_you_mean
from sitegen.core.files import refusal
from sitegen.images import svgsafe

if TYPE_CHECKING:
    from PIL import Image

IMAGES_FOLDER = "images"  # under content/; also where the output files go
RECORDS_FILE = "images.yaml"
RASTER_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
SUFFIXES = (*RASTER_SUFFIXES, ".svg")
RECORD_KEYS = ("credit", "licence", "long_description", "decorative", "caption")
# What a record may give again in another language, under that language's code (issue 31):
#   credit: Drawn by the editorial team
#   es: {credit: Dibujo del equipo editorial, caption: ..., long_description: ...}
LANGUAGE_KEYS = ("credit", "caption", "long_description")

# The encoder settings. Part of every raster output's key: change one and every image is
# encoded again (and every page showing one re-rendered, since its file names change).
WIDTHS = (480, 800, 1200)  # never wider than the original
QUALITY = {"AVIF": 55, "WEBP": 78, "JPEG": 82}
ENCODER_VERSION = "2"  # 2: metadata left out, colours converted to sRGB
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
    caption: str = ""  # the caption of a figure whose article gives none
    # Each other language's words: (language, credit, caption, long description), "" where
    # the record does not give one. Plain tuples: the cache unpickles only known classes.
    languages: tuple[tuple[str, str, str, str], ...] = ()

    def words(self, language: str) -> tuple[str, str, str]:
        """(credit, caption, long description) in `language`: its own where the record gives
        them, else "" (the caller decides whether the default language's will do)."""
        for code, credit, caption, described in self.languages:
            if code == language:
                return credit, caption, described
        return "", "", ""


def language_variant(path: str, language: str) -> str:
    """The file of a drawing's version in another language: images/x.svg -> images/x.es.svg."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{language}.{suffix}" if dot else f"{path}.{language}"


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
    records, record_problems = _records(
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
    try:
        image = _open(data)
    except Exception as error:  # Pillow's plugins raise many kinds for a file that is not their format
        if data.startswith(SIGNATURES):  # it starts as an image does: the rest is missing or broken
            return None, [_damaged(shown, error)]
        return None, [
            Diagnostic(
                shown,
                None,
                "image-unreadable",
                f"This file is not an image the site can read ({error}).",
                "Save it again as PNG or JPEG (or SVG for a diagram).",
            )
        ]
    with image:
        width, height, kind = image.width, image.height, image.format or ""
        if width * height > PIXEL_LIMIT:  # read from the header: nothing decoded yet
            return None, [
                Diagnostic(
                    shown,
                    None,
                    "image-too-many-pixels",
                    f"The image declares {width:,} x {height:,} pixels ({width * height / 1e6:,.0f} million); "
                    f"the limit is {PIXEL_LIMIT / 1e6:,.0f} million, so it was not opened.",
                    "Export it again at a real size (about 2,400 pixels wide is plenty for the site).",
                )
            ]
        try:
            image.load()  # every byte of the picture decoded once: a cut-short file is found here
            if kind == "PNG":
                with _open(data) as again:
                    again.verify()  # every chunk's checksum, up to the end marker
        except Exception as error:  # as above: the decoders raise OSError, SyntaxError, EOFError, zlib.error...
            return None, [_damaged(shown, error)]
    return Asset(path, sha, "raster", kind.upper(), width, height, len(data)), []


def _damaged(shown: str, error: Exception) -> Diagnostic:
    return Diagnostic(
        shown,
        None,
        "image-damaged",
        f"The file is cut short or damaged ({error}).",
        "Export it again from the program that made it (or copy it again: the copy may be incomplete).",
    )


# How each accepted format begins (PNG, JPEG, GIF, WebP's RIFF container).
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"RIFF")
# A picture declaring more pixels than this is refused before any of it is decoded: 40 million
# covers the largest photos of current phones and most cameras, four times the 8 million of
# the site's own budget warning (config images.max_pixels); decoding one takes ~160 MB.
PIXEL_LIMIT = 40_000_000
_OPEN_LOCK = threading.Lock()


def _open(data: bytes) -> Image.Image:
    """The image, header read, picture not decoded; only the formats the site accepts (so no
    other Pillow plugin, and no Ghostscript, ever sees the bytes). Pillow's own bomb check is
    off here: ours (PIXEL_LIMIT, lower) is made by the caller, on the size in the header."""
    from PIL import Image

    with _OPEN_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            return Image.open(io.BytesIO(data), formats=sorted(set(RASTER_SUFFIXES.values())))
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def _with_record(asset: Asset, record: Record | None) -> Asset:
    from dataclasses import replace

    return replace(asset, record=record)


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _records(
    path: Path, shown: str, roots: tuple[str, ...], languages: tuple[str, ...] = ()
) -> tuple[dict[str, Record], list[Diagnostic]]:
    """images.yaml's records; `languages`: the codes a record may give its words again under."""
    doc, refused = yamlread.read_file(path, roots, shown)
    if doc is None:
        return {}, refused
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
        local: list[tuple[str, str, str, str]] = []
        for key in entry:
            if key in languages and isinstance(entry[key], dict):
                for inner in entry[key]:
                    if inner not in LANGUAGE_KEYS:
                        problems.append(
                            Diagnostic(
                                shown,
                                doc.line(name, key, inner),
                                "image-record-key",
                                f"The record of {name} has an unknown detail '{inner}' under '{key}'.",
                                did_you_mean(str(inner), LANGUAGE_KEYS)
                                + f" Under '{key}:' a record gives only: {', '.join(LANGUAGE_KEYS)}.",
                            )
                        )
                words = entry[key]
                local.append(
                    (
                        str(key),
                        _text(words, "credit"),
                        _text(words, "caption"),
                        " ".join(_text(words, "long_description").split()),
                    )
                )
            elif key not in RECORD_KEYS:
                problems.append(
                    Diagnostic(
                        shown,
                        doc.line(name, key),
                        "image-record-key",
                        f"The record of {name} has an unknown detail '{key}'.",
                        did_you_mean(key, RECORD_KEYS + languages),
                    )
                )

        records[str(name)] = Record(
            _text(entry, "credit"),
            _text(entry, "licence"),
            " ".join(_text(entry, "long_description").split()),
            entry.get("decorative") is True,
            line,
            _text(entry, "caption"),
            tuple(local),
        )
    return records, problems


def _text(entry: dict[Any, Any], key: str) -> str:
    value = entry.get(key)
    return str(value).strip() if value is not None and not isinstance(value, (dict, list)) else ""


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


def svg_problems(data: bytes, shown: str) -> list[Diagnostic]:
    """Every problem of an SVG, each with its line (sitegen/images/svgsafe.py: the allow-list)."""
    return svgsafe.sanitise(data, shown)[1]


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


def minify_svg(data: bytes) -> bytes:
    """The published SVG: written back from the parsed file with only the allowed elements,
    attributes and CSS (svgsafe.sanitise); comments, <metadata> and whitespace between tags
    left out. Never called for a file with errors; raises ValueError for one it cannot read."""
    out, _ = svgsafe.sanitise(data, "")
    if out is None:
        raise ValueError("unreadable SVG")
    return out


# -- encoding ---------------------------------------------------------------------------


def encode(asset: Asset, data: bytes) -> dict[str, bytes]:
    """Output path -> bytes, for every output file of the asset."""
    if asset.kind == "svg":
        return {asset.outputs[0].path: minify_svg(data)}
    from PIL import Image, ImageOps

    files: dict[str, bytes] = {}
    with _open(data) as opened:
        image = ImageOps.exif_transpose(opened)  # a phone photo's rotation, applied once
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        image = _srgb(image.convert("RGBA" if has_alpha else "RGB"), opened.info.get("icc_profile"))
        image = _pixels_only(image)
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


def _srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The picture's colours in sRGB, what a browser assumes of an image without a profile
    (the profile itself is not published: it can carry text, and sRGB needs none)."""
    if not icc:
        return image
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken or non-RGB profile: the pixels are taken as sRGB already
    return converted if converted is not None else image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no EXIF, XMP, IPTC, comment, text chunk or profile
    (Pillow copies some of `info` into the files it saves, e.g. a JPEG's comment)."""
    from PIL import Image

    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean
