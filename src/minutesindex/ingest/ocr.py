"""The only module that calls Tesseract: render a PDF page and OCR it."""

from __future__ import annotations

import atexit
import functools
from dataclasses import dataclass

import pymupdf

from minutesindex.config import OCR_DPI
from minutesindex.ingest.tesseract import TesseractEngine
from minutesindex.model import OCR_TIMED_OUT

# A page rendered above this many pixels is rendered at a lower resolution instead
# (decompression bombs, posters); 300 dpi A3 is about 17.5 million pixels.
MAX_RENDER_PIXELS = 40_000_000


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


def ocr_pdf_page(path: str, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    """Render and OCR page `page_index` (0-based) of a PDF; runs inside a worker process.

    The rendered pixels go to Tesseract as they are: no image file is written or decoded.
    """
    with pymupdf.open(path) as doc:
        if doc.needs_pass:
            doc.authenticate("")
        pixmap, dpi = render_page(doc[page_index])
    reading = engine_for(lang).read(pixmap.samples, pixmap.width, pixmap.height, pixmap.stride, dpi, timeout_s)
    if reading.timed_out:
        return OcrResult("", None, f"{OCR_TIMED_OUT} after {timeout_s:g} s")
    return OcrResult(reading.text, _mean_confidence(reading.tsv))


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
