"""The only module that calls Tesseract: render a PDF page and OCR it."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pymupdf

from minutesindex.config import OCR_DPI
from minutesindex.ingest.tesseract import TesseractEngine, TesseractError
from minutesindex.model import OCR_TIMED_OUT

# A page rendered above this many pixels is rendered at a lower resolution instead
# (decompression bombs, posters); 300 dpi A3 is about 17.5 million pixels.
MAX_RENDER_PIXELS = 40_000_000
# Below this mean word confidence a page is checked for its orientation, and past it warned about:
# upright scans read at 85-95, an upside-down one at about 34 (the sample scans, OCRmyPDF's corpus).
LOW_CONFIDENCE = 60.0
OSD_MODEL = "osd"  # Tesseract's orientation and script detection model (Debian: tesseract-ocr-osd)
MIN_ORIENTATION_CONFIDENCE = 2.0
MAX_MESSAGE_BYTES = (
    4096  # of Tesseract's own messages per page  # Tesseract's own threshold for trusting a detected orientation
)


@dataclass
class OcrResult:
    text: str
    confidence: float | None
    warning: str | None = None


def render_page(page: pymupdf.Page, dpi: int = OCR_DPI) -> tuple[pymupdf.Pixmap, int]:
    """Render one page to a greyscale pixmap, at a lower resolution for oversized pages; returns the dpi used.

    MuPDF subsamples images while decoding, so a page holding a huge image never decodes it whole.
    """
    width, height = page.rect.width * dpi / 72, page.rect.height * dpi / 72
    if width * height > MAX_RENDER_PIXELS:
        dpi = int(dpi * (MAX_RENDER_PIXELS / (width * height)) ** 0.5)
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return pixmap, dpi


@functools.cache
def engine_for(lang: str) -> TesseractEngine:
    """This process's Tesseract engine for a language, loaded on first use and kept."""
    engine = TesseractEngine(lang)
    atexit.register(engine.close)
    return engine


def ocr_pdf_page(path: str | bytes, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    """Render and OCR page `page_index` (0-based) of a PDF, given by its path or its bytes (a cluster
    worker has no access to the file); runs inside a worker process.

    The rendered pixels go to Tesseract as they are: no image file is written or decoded. A page
    read at low confidence is checked for its orientation (a scan fed in upside down or sideways)
    and read again turned upright, where that reads better; a page still read at low confidence
    gets a warning that says so.
    """
    started = time.monotonic()
    opened = pymupdf.open(stream=path, filetype="pdf") if isinstance(path, bytes) else pymupdf.open(path)
    with _tesseract_messages() as messages, opened as doc:
        if doc.needs_pass:
            doc.authenticate("")
        page = doc[page_index]
        pixmap, dpi = render_page(page)
        reading = engine_for(lang).read(pixmap.samples, pixmap.width, pixmap.height, pixmap.stride, dpi, timeout_s)
        if reading.timed_out:
            return OcrResult("", None, f"{OCR_TIMED_OUT} after {timeout_s:g} s")
        result = OcrResult(reading.text, _mean_confidence(reading.tsv))
        if (result.confidence or 0.0) < LOW_CONFIDENCE:
            result = _read_upright(page, pixmap, dpi, lang, timeout_s - (time.monotonic() - started), result)
    notes = [result.warning] if result.warning else []
    if result.text.strip() and (result.confidence or 0.0) < LOW_CONFIDENCE:
        notes.append(f"read at low confidence ({result.confidence or 0:.0f} of 100)")
    if messages:
        notes.append("tesseract: " + "; ".join(dict.fromkeys(messages)))
    result.warning = "; ".join(notes) or None
    return result


@contextlib.contextmanager
def _tesseract_messages() -> Iterator[list[str]]:
    """What Tesseract prints to stderr while it reads a page (`Estimating resolution as 489`,
    `Detected 19 diacritics`), caught so that it becomes the page's warning, with its file and
    page, instead of a line without either. Workers read one page at a time, so fd 2 is theirs."""
    messages: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield messages
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            text = caught.read(MAX_MESSAGE_BYTES).decode("utf-8", errors="replace")
            messages.extend(line.strip() for line in text.splitlines() if line.strip())


def _read_upright(
    page: pymupdf.Page, pixmap: pymupdf.Pixmap, dpi: int, lang: str, time_left: float, first: OcrResult
) -> OcrResult:
    """The page read again turned upright, if Tesseract's orientation detection finds it turned and
    that reading is more confident than the first; else the first reading."""
    try:
        turned, sure = engine_for(OSD_MODEL).orientation(
            pixmap.samples, pixmap.width, pixmap.height, pixmap.stride, dpi
        )
    except TesseractError:  # no orientation model installed: the page stays as read
        return first
    if not turned or sure < MIN_ORIENTATION_CONFIDENCE or time_left <= 0:
        return first
    page.set_rotation((page.rotation - turned) % 360)
    upright, dpi = render_page(page)
    reading = engine_for(lang).read(upright.samples, upright.width, upright.height, upright.stride, dpi, time_left)
    confidence = _mean_confidence(reading.tsv)
    if reading.timed_out or (confidence or 0.0) <= (first.confidence or 0.0):
        return first
    return OcrResult(reading.text, confidence, f"page turned {turned}° to read it upright")


def _mean_confidence(tsv: str) -> float | None:
    confidences = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) == 12 and cols[11].strip():
            try:
                conf = float(cols[10])
            except ValueError:
                continue
            if conf >= 0:
                confidences.append(conf)
    return round(sum(confidences) / len(confidences), 2) if confidences else None
