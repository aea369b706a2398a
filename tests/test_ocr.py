"""Tesseract in-process: the same reading as the `tesseract` command, and failures that stay with their page."""

from __future__ import annotations

import os
from pathlib import Path

import pymupdf
import pytesseract
import pytest
from conftest import BENCH

from minutesindex.config import OCR_DPI
from minutesindex.ingest.ocr import OcrResult, ocr_pdf_page, render_page
from minutesindex.parallel import OcrPool
from minutesindex.pipeline import ingest_paths
from minutesindex.samples import SCAN_PAGES, scanned_pdf

CRASHING_PAGE = 1


@pytest.fixture(scope="module")
def scan_with_three_pages(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    with scanned_pdf((SCAN_PAGES * 3)[:3], "Dagsorden Børne- og Skoleudvalget") as doc:
        doc.save(path)
    return path


def _first_pages_to_compare(scan: Path) -> list[Path]:
    """A generated scan, and a real one from the repair bench."""
    return [scan, *sorted((BENCH / "repair" / "dev").glob("*.scan.pdf"))[:1]]


def test_engine_reads_a_page_exactly_as_the_tesseract_command(scan_with_three_pages, tmp_path):
    for pdf in _first_pages_to_compare(scan_with_three_pages):
        with pymupdf.open(pdf) as doc:
            pixmap, dpi = render_page(doc[0])
        image = tmp_path / f"{pdf.stem}.png"
        pixmap.save(image)
        expected = pytesseract.image_to_string(str(image), lang="dan", config=f"--dpi {dpi}")
        result = ocr_pdf_page(str(pdf), 0, "dan", timeout_s=120)
        assert result.text == expected, pdf.name
        assert result.confidence is not None and 50 < result.confidence <= 100
    assert dpi == OCR_DPI


def crash_on_second_page(path: str, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    """A worker that dies the way a crash in Tesseract or MuPDF kills it."""
    if page_index == CRASHING_PAGE:
        os._exit(139)
    return ocr_pdf_page(path, page_index, lang, timeout_s)


def test_a_page_that_kills_its_worker_fails_alone(scan_with_three_pages):
    with OcrPool(2, "dan", 120, read_page=crash_on_second_page) as pool:
        futures = [pool.submit(str(scan_with_three_pages), index) for index in range(3)]
        results = {}
        for index, future in enumerate(futures):
            try:
                results[index] = pool.result(future, str(scan_with_three_pages), index).text
            except RuntimeError as exc:
                results[index] = str(exc)
        later = pool.result(pool.submit(str(scan_with_three_pages), 2), str(scan_with_three_pages), 2)
    assert results[CRASHING_PAGE] == "the OCR worker crashed on this page"
    assert "Skoleudvalget" in results[0] and "Skoleudvalget" in results[2]
    assert later.text == results[2]


def test_missing_language_model_fails_the_file_with_a_clear_reason(home, scan_with_three_pages):
    report = ingest_paths([scan_with_three_pages], home, workers=1, ocr_lang="xyz")
    [outcome] = report.outcomes
    assert outcome.status == "failed"
    assert outcome.reason.startswith("OCR failed on page 1: Tesseract cannot load language 'xyz'")


def _turned_scan(tmp_path: Path, image_turn: int) -> Path:
    """A scan fed in turned: the page's image is upside down or sideways, as the scanner saw it."""
    upright = tmp_path / "upright.pdf"
    with scanned_pdf(SCAN_PAGES[:1], "Dagsorden Børne- og Skoleudvalget") as doc:
        doc.save(upright)
    with pymupdf.open(upright) as doc:
        pixmap = doc[0].get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
    turned = pymupdf.open()
    page = (
        turned.new_page(width=pixmap.width, height=pixmap.height)
        if image_turn % 180 == 0
        else turned.new_page(width=pixmap.height, height=pixmap.width)
    )
    page.insert_image(page.rect, pixmap=pixmap, rotate=image_turn)
    path = tmp_path / f"turned-{image_turn}.pdf"
    turned.save(path)
    return path


@pytest.mark.parametrize("image_turn", [180, 90])
def test_a_scan_fed_in_upside_down_or_sideways_is_read_upright(tmp_path, image_turn):
    path = _turned_scan(tmp_path, image_turn)
    result = ocr_pdf_page(str(path), 0, "dan", 180)
    assert result.warning and "to read it upright" in result.warning
    assert "Tilsyn med dagtilbud" in result.text and result.confidence > 70


def test_an_upright_scan_is_read_once_without_warnings(tmp_path):
    with scanned_pdf(SCAN_PAGES[:1], "Dagsorden Børne- og Skoleudvalget") as doc:
        doc.save(tmp_path / "upright.pdf")
    result = ocr_pdf_page(str(tmp_path / "upright.pdf"), 0, "dan", 180)
    assert result.warning is None and result.confidence > 80


def test_tesseracts_own_messages_become_the_pages_warning_not_stray_lines(tmp_path, capfd):
    """A poster-sized page is rendered below 70 dpi; Tesseract says so on stderr. That line belongs
    to the page: it is its warning, and nothing reaches the terminal without a file name."""
    doc = pymupdf.open()
    page = doc.new_page(width=7000, height=7000)
    page.insert_text((500, 1500), "Referat af mødet i Byrådet", fontsize=300)
    pixmap = page.get_pixmap(dpi=20)  # the page as a scan: an image only
    scan = pymupdf.open()
    scan.new_page(width=7000, height=7000).insert_image(pymupdf.Rect(0, 0, 7000, 7000), pixmap=pixmap)
    scan.save(tmp_path / "plakat.pdf")
    result = ocr_pdf_page(str(tmp_path / "plakat.pdf"), 0, "dan", 180)
    assert result.warning and "tesseract: " in result.warning and "resolution" in result.warning.lower()
    assert "resolution" not in capfd.readouterr().err.lower()


def _skewed_scan(tmp_path: Path, degrees: float) -> Path:
    """A one-page scan of the sample minutes fed in at a slant: the page image turned `degrees`."""
    with scanned_pdf(SCAN_PAGES[:1], "Dagsorden Børne- og Skoleudvalget") as doc:
        pixmap = doc[0].get_pixmap(
            matrix=pymupdf.Matrix(200 / 72, 200 / 72).prerotate(degrees), colorspace=pymupdf.csGRAY
        )
    skewed = pymupdf.open()
    skewed.new_page(width=pixmap.width * 72 / 200, height=pixmap.height * 72 / 200).insert_image(
        pymupdf.Rect(0, 0, pixmap.width * 72 / 200, pixmap.height * 72 / 200), pixmap=pixmap
    )
    path = tmp_path / f"skewed-{degrees}.pdf"
    skewed.save(path)
    return path


@pytest.mark.parametrize("degrees", [-8.0, 10.0])
def test_a_scan_fed_in_at_a_slant_is_straightened_before_it_is_read(tmp_path, degrees):
    from minutesindex.ingest.ocr import skew_degrees

    path = _skewed_scan(tmp_path, degrees)
    with pymupdf.open(path) as doc:
        assert abs(abs(skew_degrees(render_page(doc[0])[0])) - abs(degrees)) <= 0.5
    result = ocr_pdf_page(str(path), 0, "dan", 180)
    assert result.warning and "page straightened by" in result.warning
    words = result.text.split()
    for phrase in ("Tilsyn med dagtilbud", "Børne- og Skoleudvalget"):
        assert phrase in " ".join(words), phrase
