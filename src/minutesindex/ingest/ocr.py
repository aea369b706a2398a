"""The only module that calls Tesseract: render a PDF page and OCR it."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import functools
import os
import re
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
# Deskewing. Tesseract reads a page turned 2° as well as a level one, 4° with 98.5 % of its words
# right, 7° with 65 % and 10° with 34 %, at a confidence of 93 and 79 that does not tell (generated
# pages of minutes, tests/test_ocr.py). Past MIN_DESKEW_DEGREES the page is rendered turned level.
MIN_DESKEW_DEGREES = 1.5
MAX_SKEW_DEGREES = 15.0
SKEW_COARSE_STEP = 0.5
SKEW_FINE_STEP = 0.1
SKEW_SAMPLE_WIDTH = 600  # pixels across: about 75 dpi on A4
DARK_LEVEL = 128
MIN_DARK_PIXELS = 500
SKEW_MIN_GAIN = 1.1
MIN_ORIENTATION_CONFIDENCE = 2.0  # Tesseract's own threshold for trusting a detected orientation
MAX_MESSAGE_BYTES = 4096  # of Tesseract's own messages per page
# What orientation detection prints of every page handed over as raw pixels (it reads the
# resolution from image metadata such pixels lack, not from the resolution it is given): about
# this program, not the file, so no warning of the file's.
OSD_RESOLUTION_NOTICE = re.compile(r"^Warning\. Invalid resolution 0 dpi\. Using \d+ instead\.$")


@dataclass
class OcrResult:
    text: str
    confidence: float | None
    warning: str | None = None


def render_page(page: pymupdf.Page, dpi: int = OCR_DPI, turn: float = 0.0) -> tuple[pymupdf.Pixmap, int]:
    """Render one page to a greyscale pixmap, at a lower resolution for oversized pages, turned
    `turn` degrees counter-clockwise; returns the dpi used.

    MuPDF subsamples images while decoding, so a page holding a huge image never decodes it whole.
    """
    width, height = page.rect.width * dpi / 72, page.rect.height * dpi / 72
    if width * height > MAX_RENDER_PIXELS:
        dpi = int(dpi * (MAX_RENDER_PIXELS / (width * height)) ** 0.5)
    matrix = pymupdf.Matrix(dpi / 72, dpi / 72).prerotate(turn) if turn else pymupdf.Matrix(dpi / 72, dpi / 72)
    pixmap = page.get_pixmap(matrix=matrix, colorspace=pymupdf.csGRAY, alpha=False)
    return pixmap, dpi


def skew_degrees(pixmap: pymupdf.Pixmap) -> float:
    """How far a scan's text lines slope, in degrees (counter-clockwise turns it level), from the
    projection profile of its dark pixels: the angle whose rows of pixels are sharpest (the sum of
    squared row counts is largest), searched in MAX_SKEW_DEGREES either way. 0 where no angle
    stands out from level by SKEW_MIN_GAIN (a blank page, a drawing, a page set sideways)."""
    import numpy as np

    step = max(1, round(pixmap.width / SKEW_SAMPLE_WIDTH))
    image = np.frombuffer(pixmap.samples, dtype=np.uint8).reshape(pixmap.height, pixmap.stride)
    rows, cols = np.nonzero(image[::step, : pixmap.width : step] < DARK_LEVEL)
    if len(rows) < MIN_DARK_PIXELS:
        return 0.0

    def sharpness(degrees: float) -> float:
        shifted = rows + np.round(cols * np.tan(np.radians(degrees))).astype(np.int64)
        counts = np.bincount(shifted - shifted.min()).astype(np.float64)
        return float(np.dot(counts, counts))

    coarse = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, SKEW_COARSE_STEP)
    best = max(coarse, key=sharpness)
    fine = np.arange(best - SKEW_COARSE_STEP, best + SKEW_COARSE_STEP + 1e-9, SKEW_FINE_STEP)
    best = float(max(fine, key=sharpness))
    return round(best, 1) if sharpness(best) >= SKEW_MIN_GAIN * sharpness(0.0) else 0.0


@functools.cache
def engine_for(lang: str) -> TesseractEngine:
    """This process's Tesseract engine for a language, loaded on first use and kept."""
    engine = TesseractEngine(lang)
    atexit.register(engine.close)
    return engine


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def release_page_memory() -> None:
    """After a page, give back what reading it left behind: MuPDF's store of decoded images and
    fonts (up to 256 MB, kept for pages that never come: each page is its own scan), and the heap
    glibc keeps from the freed pixmaps. Measured on the sample scans: a worker grew from 139 to
    430 MB over its 100 pages without this, and holds 94 MB with it."""
    pymupdf.TOOLS.store_shrink(100)
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


def ocr_pdf_page(path: str | bytes, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    """Render and OCR page `page_index` (0-based) of a PDF, given by its path or its bytes (a cluster
    worker has no access to the file); runs inside a worker process.

    The rendered pixels go to Tesseract as they are: no image file is written or decoded. A page
    read at low confidence is checked for its orientation (a scan fed in upside down or sideways)
    and read again turned upright, where that reads better; a page still read at low confidence
    gets a warning that says so.
    """
    try:
        return _ocr_pdf_page(path, page_index, lang, timeout_s)
    finally:
        release_page_memory()


def _ocr_pdf_page(path: str | bytes, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    started = time.monotonic()
    opened = pymupdf.open(stream=path, filetype="pdf") if isinstance(path, bytes) else pymupdf.open(path)
    with _tesseract_messages() as messages, opened as doc:
        if doc.needs_pass:
            doc.authenticate("")
        page = doc[page_index]
        pixmap, dpi = render_page(page)
        skew = skew_degrees(pixmap)
        deskewed = f"page straightened by {skew:.1f}°" if abs(skew) >= MIN_DESKEW_DEGREES else None
        if deskewed:
            pixmap, dpi = render_page(page, turn=skew)
        reading = engine_for(lang).read(pixmap.samples, pixmap.width, pixmap.height, pixmap.stride, dpi, timeout_s)
        if reading.timed_out:
            return OcrResult("", None, f"{OCR_TIMED_OUT} after {timeout_s:g} s")
        result = OcrResult(reading.text, _mean_confidence(reading.tsv), deskewed)
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
            lines = (line.strip() for line in text.splitlines())
            messages.extend(line for line in lines if line and not OSD_RESOLUTION_NOTICE.match(line))


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
