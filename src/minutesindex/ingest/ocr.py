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
    try:
        text, tsv = _run_tesseract(path, dpi, lang, timeout_s)
    except TimeoutError:
        return OcrResult("", None, f"OCR timed out after {timeout_s:g} s")
    return OcrResult(text, _mean_confidence(tsv.splitlines()[1:]))


def ocr_image_files(paths: list[str], dpi: int, lang: str, timeout_s: float) -> list[OcrResult]:
    """OCR several page images in one Tesseract run, which loads its model once, not once a page.

    Tesseract reads a list file of images and separates their texts by form feeds; its TSV rows
    carry the page number. Should the run fail or time out (timeout_s a page), each image is OCR'd
    on its own, so one bad page costs only itself.
    """
    if len(paths) == 1:
        return [ocr_image_file(paths[0], dpi, lang, timeout_s)]
    listing = Path(paths[0]).with_name("pages.txt")
    listing.write_text("".join(f"{path}\n" for path in paths), encoding="utf-8")
    try:
        text, tsv = _run_tesseract(str(listing), dpi, lang, timeout_s * len(paths))
    except (TimeoutError, pytesseract.TesseractError):
        return [ocr_image_file(path, dpi, lang, timeout_s) for path in paths]
    texts = text.split("\f")
    if len(texts) != len(paths):
        return [ocr_image_file(path, dpi, lang, timeout_s) for path in paths]
    rows_by_page: dict[str, list[str]] = {}
    for row in tsv.splitlines()[1:]:
        rows_by_page.setdefault(row.split("\t", 2)[1], []).append(row)
    return [
        OcrResult(page_text, _mean_confidence(rows_by_page.get(str(number), [])))
        for number, page_text in enumerate(texts, start=1)
    ]


def _run_tesseract(path: str, dpi: int, lang: str, timeout_s: float) -> tuple[str, str]:
    """Tesseract's text and TSV output for an image (or a list file of images); TimeoutError on timeout."""
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
            raise TimeoutError from exc
        raise
    return (
        Path(f"{output_base}.txt").read_text(encoding="utf-8"),
        Path(f"{output_base}.tsv").read_text(encoding="utf-8"),
    )


def ocr_pdf_pages(path: str, page_indexes: list[int], lang: str, timeout_s: float) -> list[OcrResult]:
    """Render and OCR pages (0-based indexes) of a PDF, in one Tesseract run; runs in a worker process.

    The pages go to Tesseract as uncompressed PGM files: writing PNGs would cost a tenth of the OCR
    time, and the images never leave this process. One page's pixels are held at a time.
    """
    with tempfile.TemporaryDirectory(prefix="minutesindex-ocr-") as tmp:
        images: list[tuple[str, int]] = []
        with pymupdf.open(path) as doc:
            if doc.needs_pass:
                doc.authenticate("")
            for page_index in page_indexes:
                pixmap, dpi = render_page(doc[page_index])
                images.append((f"{tmp}/page{page_index}.pgm", dpi))
                pixmap.save(images[-1][0])
                del pixmap
        resolutions = {dpi for _, dpi in images}
        if len(resolutions) > 1:  # an oversized page was rendered at a lower resolution: one run each
            return [ocr_image_file(image, dpi, lang, timeout_s) for image, dpi in images]
        return ocr_image_files([image for image, _ in images], resolutions.pop(), lang, timeout_s)


def _mean_confidence(rows: list[str]) -> float | None:
    confidences = []
    for row in rows:
        cols = row.split("\t")
        if len(cols) == 12 and cols[11].strip():
            try:
                conf = float(cols[10])
            except ValueError:
                continue
            if conf >= 0:
                confidences.append(conf)
    return round(sum(confidences) / len(confidences), 2) if confidences else None
