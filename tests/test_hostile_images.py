"""Hostile figures (issue 28): SVG by allow-list, no metadata published, image bombs, damaged files.

A small site built with the real pipeline; raster images made here with Pillow, hostile
SVGs written out by hand. Each rule of docs/safety.md ("Figures") names its test here.
"""

from __future__ import annotations

import io
import random
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, features
from PIL.PngImagePlugin import PngInfo

from sitekit import new_site, run_cli

FRONT = "---\ntitle: {title}\nsummary: S.\ndate: 2026-01-10\ntags: [MRI]\n---\n"
HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">\n<rect/>\n'
)


def make_site(root: Path, files: dict[str, bytes | str]):
    """A site showing each file in one article, each with a full record: its only problems are the files'."""
    site = new_site(root)
    site.set_config(search=False, licence="Test Licence 1.0")
    records = ""
    body = FRONT.format(title="A")
    for name, data in files.items():
        site.write(f"content/images/{name}", data)
        records += f"{name}:\n  credit: Test team\n  licence: site\n"
        body += f"\n![Figure {name}](images/{name})\n"
    site.write("content/images/images.yaml", records)
    site.article("a.md", body)
    return site


def noise(width: int = 160, height: int = 120, mode: str = "RGB") -> Image.Image:
    rng = random.Random(7)
    return Image.frombytes(mode, (width, height), bytes(rng.randrange(256) for _ in range(width * height * len(mode))))


def saved(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


# --- SVG: an allow-list, CSS decoded before it is checked -------------------------------

HOSTILE_SVG = {
    "animate-href": ('<animate attributeName="href" values="javascript:alert(1)"/>', "<animate>"),
    "set-xlink-href": ('<a><set attributeName="xlink:href" to="javascript:alert(1)"/></a>', "<a>"),
    "set-alone": ('<set attributeName="xlink:href" to="javascript:alert(1)"/>', "<set>"),
    "import-escaped": ("<style>@\\69mport 'https://evil.test/x.css';</style>", "@import"),
    "url-escaped": ("<style>rect{fill:u\\72l(https://evil.test/x)}</style>", "https://evil.test/x"),
    "image-set": ('<style>rect{fill:image-set("https://evil.test/x.png" 1x)}</style>', "image-set()"),
    "webkit-image-set": ('<rect style="fill:-webkit-image-set(&quot;https://e.test/x&quot; 1x)"/>', "image-set()"),
    "style-attr-escaped": ('<rect style="fill:\\75 rl(//evil.test/x)"/>', "//evil.test/x"),
    "font-face": ("<style>@font-face{font-family:x;src:url(https://evil.test/f.woff)}</style>", "@font-face"),
    "comment-split": ("<style>rect{fill:ur/**/l(https://evil.test/x)}</style>", "the CSS function"),
    "presentation-url": ('<rect fill="url(https://evil.test/x#g)"/>', "https://evil.test/x#g"),
    "use-external": ('<use href="https://evil.test/sprite.svg#a"/>', "https://evil.test/sprite.svg#a"),
    "use-data": ('<use xlink:href="data:image/svg+xml,&lt;svg/&gt;"/>', "data:image/svg+xml"),
    "entity-javascript": ('<use href="&#106;avascript:alert(1)"/>', "javascript:alert(1)"),
    "html-script": ('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>', "script"),
    "html-iframe": ('<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.test"/>', "iframe"),
    "fe-image": ('<filter id="f"><feImage href="https://evil.test/x.png"/></filter>', "<feImage>"),
    "anchor": ('<a href="javascript:alert(1)"><rect/></a>', "<a>"),
    "event-any-namespace": ('<rect xmlns:e="urn:x" e:onload="alert(1)"/>', "event handler"),
    "handler-uppercase": ('<rect ONclick="alert(1)"/>', "event handler"),
    "script-in-metadata": ("<metadata><script>alert(1)</script></metadata>", "<script>"),
    "stylesheet-pi": ('<?xml-stylesheet href="https://evil.test/x.css"?>', "xml-stylesheet"),
    "backslash-left": ("<style>rect{fill:\\\\75rl(x)}</style>", "backslash"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SVG))
def test_hostile_svg_is_refused_naming_file_line_and_what(tmp_path, name):
    markup, what = HOSTILE_SVG[name]
    site = make_site(tmp_path / "site", {"d.svg": HEAD + markup + "\n</svg>\n"})
    result = site.build()
    found = [d for d in result.diagnostics if d.code == "image-svg-unsafe"]
    assert found, [d.format() for d in result.diagnostics]
    assert found[0].file == "content/images/d.svg" and found[0].line == 3 and found[0].is_error
    assert any(what in d.message for d in found), [d.message for d in found]
    assert not result.ok and not site.public.exists()  # nothing published


@pytest.mark.parametrize(
    "prologue",
    [
        '<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>\n',
        '<!DOCTYPE svg SYSTEM "https://evil.test/x.dtd">\n',
        '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n',
    ],
)
def test_doctype_and_entities_are_refused_before_anything_is_expanded(tmp_path, prologue):
    site = make_site(tmp_path / "site", {"d.svg": prologue + HEAD + "<text>&b;</text></svg>\n"})
    found = [d for d in site.check() if d.code.startswith("image-svg")]
    assert [(d.code, d.line) for d in found] == [("image-svg-unsafe", 1)]
    assert "DOCTYPE" in found[0].message


def test_published_svg_is_the_sanitised_one(tmp_path):
    text = (
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10" role="img"'
        ' aria-label="Box" data-name="Layer 1" inkscape:version="1.3">\n'
        "<!-- a comment -->\n<metadata><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/></metadata>\n"
        '<inkscape:grid id="grid1"/>\n'
        "<style>/* x */ .a { fill: red; -inkscape-font-specification: Sans } \n@media (prefers-color-scheme: dark)"
        " { .a { fill: #fff } }</style>\n"
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#000"/></linearGradient>'
        '<marker id="m"><path d="M0 0L1 1"/></marker></defs>\n'
        '<rect class="a" fill="url(#g)" style="stroke:\\23 000;-inkscape-stroke:none" inkscape:label="r"/>\n'
        '<use xlink:href="#g"/><text x="1" y="9" xml:space="preserve">A &amp; <tspan>b</tspan></text>\n</svg>\n'
    )
    site = make_site(tmp_path / "site", {"d.svg": text})
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    (dropped,) = [d for d in result.diagnostics if d.code == "image-svg-dropped"]
    assert not dropped.is_error and "inkscape:label=" in dropped.message and "data-name=" in dropped.message
    assert "-inkscape-font-specification" in dropped.message
    (served,) = (site.public / "images").glob("d-*.svg")
    out = served.read_text(encoding="utf-8")
    for gone in ("inkscape", "data-name", "<!--", "/*", "metadata", "rdf", "<?xml"):
        assert gone not in out
    for kept in (
        'role="img" aria-label="Box"',
        ".a {fill:red}",
        "@media (prefers-color-scheme: dark) { .a {fill:#fff} }",
        'style="stroke:#000"',
        'fill="url(#g)"',
        'xlink:href="#g"',
        '<text x="1" y="9" xml:space="preserve">A &amp; <tspan>b</tspan></text>',
        '<marker id="m"><path d="M0 0L1 1"/></marker>',
    ):
        assert kept in out, (kept, out)


def test_the_sites_own_svgs_pass_unchanged_in_what_they_draw():
    from xml.etree import ElementTree

    from sitegen.images import svgsafe

    folder = Path(__file__).resolve().parent.parent / "content/images"
    svgs = sorted(folder.glob("*.svg"))
    assert svgs
    for path in svgs:
        data = path.read_bytes()
        out, problems = svgsafe.sanitise(data, path.name)
        assert out is not None and not problems, [d.format() for d in problems]

        def shape(xml: bytes) -> list:
            return [
                (e.tag, sorted(e.attrib.items()), (e.text or "").strip(), (e.tail or "").strip())
                for e in ElementTree.fromstring(xml).iter()
            ]

        assert shape(out) == shape(data), path.name


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-16-le", True), ("utf-16-le", False), ("utf-16-be", True), ("utf-32-le", True), ("utf-32-be", False)],
)
def test_svg_not_in_utf8_is_a_finding(tmp_path, encoding, bom):
    text = ("\ufeff" if bom else "") + '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect/></svg>'
    site = make_site(tmp_path / "site", {"d.svg": text.encode(encoding)})
    (found,) = [d for d in site.check() if d.code == "image-svg-encoding"]
    assert found.file == "content/images/d.svg" and found.is_error
    assert "UTF-8" in found.message and "Re-save it as UTF-8" in found.hint


# --- metadata: none survives in any output file ----------------------------------------

SECRETS = [b"SECRET-EXIF-ARTIST", b"SECRET-MAKERNOTE", b"SECRET-XMP", b"SECRET-COMMENT", b"SECRET-IPTC"]


def exif() -> Image.Exif:
    data = Image.Exif()
    data[0x013B] = "SECRET-EXIF-ARTIST"  # Artist
    data[0x010E] = "SECRET-EXIF-ARTIST description"  # ImageDescription
    data[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    data.get_ifd(0x8769)[0x927C] = b"SECRET-MAKERNOTE"  # MakerNote in the Exif IFD
    return data


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>SECRET-XMP</rdf:Description></rdf:RDF></x:xmpmeta>'
)


def icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def with_iptc(jpeg: bytes) -> bytes:
    """An APP13 (Photoshop IRB, IPTC caption) segment spliced in after SOI."""
    caption = b"\x1c\x02\x78" + struct.pack(">H", 11) + b"SECRET-IPTC"
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(caption)) + caption
    body = b"Photoshop 3.0\x00" + block
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(body) + 2) + body + jpeg[2:]


def planted(kind: str) -> bytes:
    image = noise()
    if kind == "JPEG":
        return with_iptc(saved(image, "JPEG", exif=exif(), comment=b"SECRET-COMMENT", xmp=XMP, icc_profile=icc()))
    if kind == "PNG":
        info = PngInfo()
        info.add_text("Author", "SECRET-COMMENT")
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        info.add_text("Comment", "SECRET-IPTC zipped", zip=True)
        return saved(image, "PNG", pnginfo=info, exif=exif(), icc_profile=icc())
    if kind == "GIF":
        return saved(image.convert("P"), "GIF", comment=b"SECRET-COMMENT")
    return saved(image, "WEBP", exif=exif(), xmp=XMP, icc_profile=icc())


@pytest.mark.parametrize("kind, suffix", [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")])
def test_no_metadata_survives_in_any_output(tmp_path, kind, suffix):
    data = planted(kind)
    assert any(secret in data for secret in SECRETS)  # planted where the format keeps it
    site = make_site(tmp_path / "site", {f"photo.{suffix}": data})
    result = site.build()
    assert result.ok, [d.format() for d in result.diagnostics]
    outputs = sorted((site.public / "images").glob("photo-*"))
    kinds = {path.suffix for path in outputs}
    assert {".webp", ".jpg" if kind == "JPEG" else ".png"} <= kinds
    if features.check("avif"):
        assert ".avif" in kinds
    for path in outputs:
        out = path.read_bytes()
        for trace in [*SECRETS, b"SECRET", b"Exif\x00\x00", b"http://ns.adobe.com", b"adobe:ns:meta", b"acsp"]:
            assert trace not in out, (path.name, trace)
        assert b"Photoshop 3.0" not in out and b"8BIM" not in out  # IPTC (APP13)
        if path.suffix == ".jpg":
            assert b"\xff\xfe" not in out[:400] and b"\xff\xed" not in out[:400]  # COM and APP13 markers
        if path.suffix == ".png":
            for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"):
                assert chunk not in out, (path.name, chunk)
        if path.suffix == ".webp":
            for chunk in (b"EXIF", b"XMP ", b"ICCP"):
                assert chunk not in out, (path.name, chunk)
        with Image.open(path) as back:
            assert not back.getexif() and "icc_profile" not in back.info and "comment" not in back.info


# --- image bombs: refused from the header, before decoding -----------------------------


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(saved(noise(16, 16), "JPEG"))
    at = data.index(b"\xff\xc0")  # baseline SOF: length, precision, then height and width
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def gif_declaring(width: int, height: int) -> bytes:
    data = bytearray(saved(noise(16, 16).convert("P"), "GIF"))
    data[6:10] = struct.pack("<HH", width, height)  # the logical screen
    at = data.index(b"\x2c")  # the first image descriptor
    data[at + 5 : at + 9] = struct.pack("<HH", width, height)
    return bytes(data)


@pytest.mark.parametrize(
    "name, data, declared",
    [
        ("huge.png", png_declaring(30000, 30000), "30,000 x 30,000"),
        ("big.png", png_declaring(12000, 12000), "12,000 x 12,000"),
        ("big.jpg", jpeg_declaring(12000, 12000), "12,000 x 12,000"),
        ("big.gif", gif_declaring(9000, 6000), "9,000 x 6,000"),
    ],
)
def test_image_bomb_is_refused_from_its_header(tmp_path, name, data, declared):
    site = make_site(tmp_path / "site", {name: data})
    started = time.perf_counter()
    done = run_cli("build", cwd=site.root)
    assert time.perf_counter() - started < 10
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "DecompressionBomb" not in done.stderr + done.stdout
    assert f"content/images/{name}: error: The image declares {declared} pixels" in done.stderr
    assert "the limit is 40 million" in done.stderr and "[image-too-many-pixels]" in done.stderr


# --- damaged files, and the fuzz cases through the command line --------------------------


def cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


FUZZ = {
    "empty.png": (b"", "image-unreadable"),
    "random.jpg": (bytes(random.Random(3).randrange(256) for _ in range(4096)), "image-unreadable"),
    "text.gif": (b"This is not a picture, only words.\n", "image-unreadable"),
    "cut.jpg": (cut(saved(noise(), "JPEG")), "image-damaged"),
    "cut.png": (cut(saved(noise(), "PNG")), "image-damaged"),
    "cut.gif": (cut(saved(noise().convert("P"), "GIF")), "image-damaged"),
    "cut.webp": (cut(saved(noise(), "WEBP")), "image-damaged"),
    "cut-header.png": (saved(noise(), "PNG")[:30], "image-damaged"),
    "utf16-bom.svg": ('\ufeff<svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-16-le"), "image-svg-encoding"),
    "utf16.svg": ('<svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-16-be"), "image-svg-encoding"),
    "utf32-bom.svg": ('<svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-32"), "image-svg-encoding"),
    "utf32.svg": ('<svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-32-le"), "image-svg-encoding"),
    "binary.svg": (bytes(random.Random(5).randrange(256) for _ in range(512)), "image-svg"),
}


@pytest.mark.parametrize("name", sorted(FUZZ))
def test_fuzz_file_is_a_finding_against_it_not_a_traceback(tmp_path, name):
    data, code = FUZZ[name]
    site = make_site(tmp_path / "site", {name: data})
    done = run_cli("build", cwd=site.root)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert f"content/images/{name}: error:" in done.stderr and f"[{code}" in done.stderr, done.stderr
    assert "write-failed" not in done.stderr and not site.public.exists()


def test_damaged_image_names_the_file_and_how_to_fix_it(tmp_path):
    site = make_site(tmp_path / "site", {"cut.jpg": FUZZ["cut.jpg"][0]})
    (found,) = [d for d in site.check() if d.code == "image-damaged"]
    assert found.file == "content/images/cut.jpg" and found.is_error
    assert "cut short or damaged" in found.message and "Export it again" in found.hint


def test_folder_named_like_an_image_is_a_finding(tmp_path):
    site = make_site(tmp_path / "site", {})
    (site.content / "images/photo.png").mkdir()
    site.article("a.md", FRONT.format(title="A") + "Text.\n")
    done = run_cli("build", cwd=site.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert "content/images/photo.png: error:" in done.stderr and "[file-not-regular]" in done.stderr


def test_a_broken_link_named_like_an_image_is_a_finding(tmp_path):
    site = make_site(tmp_path / "site", {})
    (site.content / "images/photo.png").symlink_to(site.content / "images/gone.png")
    site.article("a.md", FRONT.format(title="A") + "Text.\n")
    done = run_cli("build", cwd=site.root)
    assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
    assert "content/images/photo.png: error:" in done.stderr and "[link-dangling]" in done.stderr
