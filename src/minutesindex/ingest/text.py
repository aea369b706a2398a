"""Read plain-text exports (.txt, .md): a form feed separates pages."""

from __future__ import annotations

import codecs
from pathlib import Path

from minutesindex.errors import InputFileError
from minutesindex.model import Page

TEXT_SUFFIXES = {".txt", ".md", ".text"}
NOT_TEXT = "not a text file"
# A meeting's text export is well under 1 MB, a year of a council's minutes under 20 MB; past this a
# file is refused rather than held in memory whole (200 MB took 5.7 GB).
MAX_TEXT_BYTES = 50 * 10**6
# What text is made of (Danish minutes: 14-17 % whitespace, 75-80 % letters; random bytes decoded as
# Windows-1252: under 1 % whitespace): judged on the first 64 KiB, once there are 200 characters.
MAX_CONTROL_SHARE = 0.01
MIN_JUDGED_CHARS = 200
MIN_SPACE_SHARE = 0.03
MIN_LETTER_SHARE = 0.4


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
        raise InputFileError(path, NOT_TEXT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        if text.count("\ufffd") > max(3, len(text) // 1000):
            raise InputFileError(path, NOT_TEXT) from None
    if not _reads_as_text(text[:65536]):
        raise InputFileError(path, NOT_TEXT)
    return text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")


def _reads_as_text(sample: str) -> bool:
    """Text has few control characters, and enough spaces and letters to be words: bytes that only
    decode (random data, an image named .txt) have spaces once in a few hundred characters."""
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(sample) * MAX_CONTROL_SHARE:
        return False
    if len(sample) < MIN_JUDGED_CHARS:
        return True
    spaces = sum(1 for ch in sample if ch.isspace())
    letters = sum(1 for ch in sample if ch.isalpha())
    return spaces >= MIN_SPACE_SHARE * len(sample) and letters >= MIN_LETTER_SHARE * len(sample)


def read_text_pages(path: Path) -> list[Page]:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputFileError(
            path, f"text export too large ({size / 1e6:.3g} MB; the limit is {MAX_TEXT_BYTES / 1e6:.3g} MB, split it)"
        )
    text = decode_text(path.read_bytes(), path)
    return [Page(number=i + 1, raw_text=chunk) for i, chunk in enumerate(text.split("\f"))]
