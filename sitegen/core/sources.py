"""Source files as text: decoding (UTF-8, NFC, LF) and names to show.

The lowest layer of reading, shared by `content` (every source of a build), `article`
(a Source's text read again for a message) and the commands that edit sources. It
reads no file itself.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from sitegen.core.errors import Diagnostic

MAX_SOURCE_BYTES = 8 * 1024 * 1024


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))  # the usual case, without a system call
    except ValueError:
        pass
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def decode(data: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text with LF line endings, or a Diagnostic naming the byte offset."""
    if len(data) > MAX_SOURCE_BYTES:
        return None, [
            Diagnostic(
                shown,
                None,
                "file-too-large",
                f"The file is {len(data) // 1024 // 1024} MB; the limit is {MAX_SOURCE_BYTES // 1024 // 1024} MB.",
                "Split it into several articles.",
            )
        ]
    wide = _wide_encoding(data)
    if wide:
        return None, [
            Diagnostic(
                shown,
                None,
                "file-encoding",
                f"The file is saved as {wide} text; the site reads UTF-8 only.",
                "Re-save it as UTF-8 (in most editors: Save As > Encoding > UTF-8). Nothing needs retyping.",
            )
        ]
    if b"\x00" in data:
        offset = data.index(b"\x00")
        return None, [
            Diagnostic(
                shown,
                data[:offset].count(b"\n") + 1,
                "file-nul-byte",
                f"The file contains a NUL byte at byte offset {offset}; it is not a text file.",
                "Re-save it as plain UTF-8 text; if it was pasted from another program, retype that line.",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Diagnostic(
                shown,
                line,
                "file-encoding",
                f"The file is not valid UTF-8: byte 0x{data[error.start]:02x} at byte offset {error.start}.",
                "Re-save the file as UTF-8 (in most editors: Save As > Encoding > UTF-8). "
                "Text pasted from Word or an old file is the usual cause.",
            )
        ]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # One spelling of each accented letter (NFC): macOS and copy-paste often give "e" plus a
    # combining accent, which looks the same but made two topics 'Lésions' that clashed.
    return (text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)), []


def _wide_encoding(data: bytes) -> str:
    """ "UTF-16" or "UTF-32" when the bytes look like text saved in one of them (a byte-order
    mark, or a NUL next to every ASCII letter), else "". Word and Notepad offer both."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:400]
    if len(head) >= 8 and head.count(b"\x00") * 4 >= len(head) * 3 - 8:
        return "UTF-32"
    if len(head) >= 4 and (
        head[1::2].count(0) * 10 >= len(head[1::2]) * 9 or head[0::2].count(0) * 10 >= len(head[0::2]) * 9
    ):
        return "UTF-16"
    return ""


def file_name(path: Path) -> str:
    """The name other articles link to, in the spelling `decode` gives their text (NFC)."""
    return unicodedata.normalize("NFC", path.name)
