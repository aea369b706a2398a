"""The only module that calls Tesseract: render a PDF page and OCR it."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytesseract

from minutesindex.config import OCR_DPI

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


def ocr_image_file(path: str, dpi: int, lang: str, timeout_s: float) -> OcrResult:
    """OCR an image file once, returning Tesseract's plain text and its mean word confidence."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    output_base = str(Path(path).with_suffix(""))
    try:
        pytesseract.pytesseract.run_tesseract(
            path,
            output_base,
            extension="txt tsv",
            lang=lang,
            config=f"--dpi {dpi} -c tessedit_create_tsv=1",
            timeout=timeout_s,
        )
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" in str(exc).lower():
            return OcrResult("", None, f"OCR timed out after {timeout_s:g} s")
        raise
    text = Path(f"{output_base}.txt").read_text(encoding="utf-8")
    tsv = Path(f"{output_base}.tsv").read_text(encoding="utf-8")
    return OcrResult(text, _mean_confidence(tsv))


def ocr_pdf_page(path: str, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    """Render and OCR page `page_index` (0-based) of a PDF; runs inside a worker process.

    The page goes to Tesseract as an uncompressed PGM file: writing a PNG would cost a tenth of
    the OCR time, and the image never leaves this process.
    """
    with pymupdf.open(path) as doc:
        if doc.needs_pass:
            doc.authenticate("")
        pixmap, dpi = render_page(doc[page_index])
    with tempfile.TemporaryDirectory(prefix="minutesindex-ocr-") as tmp:
        image = f"{tmp}/page.pgm"
        pixmap.save(image)
        del pixmap
        return ocr_image_file(image, dpi, lang, timeout_s)


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
