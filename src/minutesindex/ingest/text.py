"""Read plain-text exports (.txt, .md): a form feed separates pages."""

from __future__ import annotations

import codecs
from pathlib import Path

from minutesindex.errors import InputFileError
from minutesindex.model import Page

TEXT_SUFFIXES = {".txt", ".md", ".text"}


def decode_text(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with its BOM (Windows' "Unicode text"),
    falling back to Windows-1252 for old exports."""
    if not data:
        raise InputFileError(path, "empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputFileError(path, "unreadable UTF-16 text") from None
    if b"\x00" in data[:65536]:
        raise InputFileError(path, "binary data, not a text export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        if text.count("\ufffd") > max(3, len(text) // 1000):
            raise InputFileError(path, "unreadable text encoding (neither UTF-8 nor Windows-1252)") from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text[:65536]) * 0.01:
        raise InputFileError(path, "binary data, not a text export")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_pages(path: Path) -> list[Page]:
    text = decode_text(path.read_bytes(), path)
    return [Page(number=i + 1, raw_text=chunk) for i, chunk in enumerate(text.split("\f"))]
