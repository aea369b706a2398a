"""The only module that calls Tesseract: render a PDF page and OCR it."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pymupdf
import pytesseract
from PIL import Image

from minutesindex.config import OCR_DPI

# A page rendered above this many pixels is rendered at a lower resolution instead
# (decompression bombs, posters); 300 dpi A3 is about 17.5 million pixels.
MAX_RENDER_PIXELS = 40_000_000


@dataclass
class OcrResult:
    text: str
    confidence: float | None
    warning: str | None = None


def render_page(page: pymupdf.Page, dpi: int = OCR_DPI) -> Image.Image:
    """Render one page to a greyscale image, lowering the resolution for oversized pages."""
    zoom = dpi / 72
    width, height = page.rect.width * zoom, page.rect.height * zoom
    if width * height > MAX_RENDER_PIXELS:
        zoom *= (MAX_RENDER_PIXELS / (width * height)) ** 0.5
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY, alpha=False)
    return Image.frombytes("L", (pix.width, pix.height), pix.samples)


def ocr_image(image: Image.Image, lang: str, timeout_s: float) -> OcrResult:
    """OCR an image once, returning Tesseract's plain text and its mean word confidence."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        text, tsv = pytesseract.run_and_get_multiple_output(
            image, extensions=["txt", "tsv"], lang=lang, timeout=timeout_s
        )
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" in str(exc).lower():
            return OcrResult("", None, f"OCR timed out after {timeout_s:g} s")
        raise
    return OcrResult(text, _mean_confidence(tsv))


def ocr_pdf_page(path: str, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    """Render and OCR page `page_index` (0-based) of a PDF; runs inside a worker process."""
    with pymupdf.open(path) as doc:
        if doc.needs_pass:
            doc.authenticate("")
        image = render_page(doc[page_index])
    return ocr_image(image, lang, timeout_s)


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
