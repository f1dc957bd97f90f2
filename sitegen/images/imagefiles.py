"""An image file's bytes: measured, checked and encoded into its output files.

Raster images use Pillow: it reads width and height from the header without decoding
the picture, resizes with a good filter (LANCZOS), and its wheels ship WebP and AVIF
encoders, so no system library or separate binary is needed (one Python dependency
instead of calling out to cwebp/avifenc or a Node tool). Where a Pillow build has no
AVIF encoder, AVIF is left out (WebP and the original format remain).

SVG is read with the standard library's expat parser (line numbers for every
finding), never executed: it is served as a file through `<img>`, where no script in
it can run, and it is checked anyway, because an SVG opened directly by its address
would run one (svgsafe.py).
"""

from __future__ import annotations

import io
import re
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sitegen.core.errors import Diagnostic

if TYPE_CHECKING:
    from PIL import Image

RASTER_SUFFIXES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
# The encoder settings (part of every raster output's key: assets.Asset.encode_key).
QUALITY = {"AVIF": 55, "WEBP": 78, "JPEG": 82}
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg", "PNG": "image/png", "SVG": "image/svg+xml"}
EXTENSION = {"AVIF": "avif", "WEBP": "webp", "JPEG": "jpg", "PNG": "png", "SVG": "svg"}


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


def measure_raster(data: bytes, shown: str) -> tuple[tuple[int, int, str] | None, list[Diagnostic]]:
    """((width, height, format) of a raster image as it is shown, i.e. after its EXIF
    orientation, or None; its problems): the header read,
    the size checked against PIXEL_LIMIT before anything is decoded, then every byte decoded
    once (and a PNG's checksums verified), so that a cut-short file is found here."""
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
                f"This file is not an image the site can read: {_what_it_is(data)}.",
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
        if _orientation(image) in TURNED:  # a phone photo held upright: shown with its sides swapped
            width, height = height, width
    return (width, height, kind.upper()), []


# EXIF Orientation (tag 0x0112): 1 is as stored; 2-8 say how to turn and flip the stored
# pixels to show the picture upright (Pillow's ImageOps.exif_transpose applies it).
ORIENTATION_TAG = 0x0112
TURNED = {5, 6, 7, 8}  # a quarter turn: the picture as shown is as wide as the stored one is high


def _orientation(image: Image.Image) -> int:
    """The picture's EXIF orientation, 1 (as stored) when it has none or one that is not 1-8.
    The size (measure_raster) and the pixels (encode_raster) both follow this one reading."""
    try:
        value = image.getexif().get(ORIENTATION_TAG, 1)
    except Exception:  # EXIF Pillow cannot parse: the picture is shown as stored, as browsers do
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(image: Image.Image) -> Image.Image:
    """The picture as it is shown: the stored pixels turned and flipped as its orientation says."""
    if _orientation(image) == 1:
        return image
    from PIL import ImageOps

    return ImageOps.exif_transpose(image)


def _what_it_is(data: bytes) -> str:
    """What a file that is not a picture holds, in words (Pillow's own message names its
    internal buffer object, which means nothing to an editor)."""
    if not data:
        return "the file is empty"
    head = data[:512].lstrip()
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:  # cut in the middle of a character, or not text at all
        text = head[:-3].decode("utf-8", "replace")
    if "\ufffd" in text or not all(char.isprintable() or char.isspace() for char in text):
        return "its bytes are not those of a PNG, JPEG, GIF or WebP picture (another format, or not a picture)"
    lower = text.lower()
    kind = "an SVG drawing (name it .svg)" if "<svg" in lower else "a web page" if lower.startswith("<") else "text"
    return f"it holds {kind}, not a PNG, JPEG, GIF or WebP picture"


def _in_words(error: Exception) -> str:
    """A decoder's complaint without Python's names for its objects (`<_io.BytesIO object at
    0x7f...>`), which mean nothing to an editor."""
    from PIL import UnidentifiedImageError

    if isinstance(error, UnidentifiedImageError):
        return "it starts as a picture does, but its header is incomplete or wrong"
    said = re.sub(r"\s*<[\w.]+ object at 0x[0-9a-fA-F]+>", "", str(error)).strip()
    return said or "the picture's data ends early or does not decode"


def _damaged(shown: str, error: Exception) -> Diagnostic:
    return Diagnostic(
        shown,
        None,
        "image-damaged",
        f"The file is cut short or damaged ({_in_words(error)}).",
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


# -- SVG --------------------------------------------------------------------------------


def svg_problems(data: bytes, shown: str) -> list[Diagnostic]:
    """Every problem of an SVG, each with its line (sitegen/images/svgsafe.py: the allow-list)."""
    from sitegen.images import svgsafe  # its allow-lists are compiled only for a site with SVGs

    return svgsafe.sanitise(data, shown)[1]


class _Found(Exception):
    """Ends the parse at the first element: svg_size reads nothing further."""


def _root_attributes(data: bytes) -> dict[str, str]:
    """The attributes of the file's first element, as expat reads them (no DTD, no entity
    expanded: a DOCTYPE ends the read), or {} when there is none before a fault."""
    import xml.parsers.expat

    found: dict[str, str] = {}

    def start(_name: str, attributes: dict[str, str]) -> None:
        found.update(attributes)
        raise _Found

    def refuse(*_: object) -> None:
        raise _Found

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except (_Found, xml.parsers.expat.ExpatError):
        pass
    return found


def _length(value: str | None) -> float | None:
    if value is None:
        return None
    found = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", value)
    return float(found.group(1)) if found else None  # %, em, ...: not a size in pixels


def svg_size(data: bytes) -> tuple[int, int]:
    """(width, height) in CSS pixels: the root's width/height, else its viewBox; 300 x 150
    (the browser's default for a replaced element) when it gives neither. Read by expat up
    to the first element only: linear in the file, whatever it holds."""
    root = _root_attributes(data)
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = root.get("viewBox")
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
    from sitegen.images import svgsafe

    out, _ = svgsafe.sanitise(data, "")
    if out is None:
        raise ValueError("unreadable SVG")
    return out


# -- encoding ---------------------------------------------------------------------------


def encode_raster(data: bytes, outputs: Sequence[Variant]) -> dict[str, bytes]:
    """Output path -> bytes, for each of a raster image's `outputs`: turned as the photo says
    (the outputs' sizes are the upright picture's, from measure_raster), in sRGB, with its
    pixels only (so no orientation tag either: the pixels are upright), resized once per width."""
    from PIL import Image

    files: dict[str, bytes] = {}
    with _open(data) as opened:
        image = _upright(opened)  # a phone photo's rotation, applied once (the outputs' sizes follow it)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        image = _srgb(image.convert("RGBA" if has_alpha else "RGB"), opened.info.get("icc_profile"))
        image = _pixels_only(image)
        resized: dict[int, Image.Image] = {}
        for variant in outputs:
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
