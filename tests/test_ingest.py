"""Ingest: real PDFs (text layer and Tesseract scans) and text exports land whole, page numbers kept."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import func, select

from minutesindex.pipeline import ingest_paths
from minutesindex.samples import scanned_pdf, write_samples
from minutesindex.search.index import open_index
from minutesindex.search.query import search
from minutesindex.store.db import open_database, session_scope
from minutesindex.store.tables import DocumentRow, ItemRow, PageRow
from tests.conftest import require_seeds


def _counts(settings) -> tuple[int, int, int]:
    with session_scope(open_database(settings.db_url)) as session:
        return (
            session.scalar(select(func.count(DocumentRow.id))),
            session.scalar(select(func.count(PageRow.id))),
            session.scalar(select(func.count(ItemRow.id))),
        )


def test_samples_land_with_ocr_for_the_scan(sample_home):
    _, report = sample_home
    assert report.count("ingested") == 3 and not report.failed
    assert report.ocr_pages == 2  # both pages of the scan, none of the digital PDF


def test_text_layer_pdf_is_found_on_the_right_page(sample_home):
    settings, _ = sample_home
    hits = search(open_index(settings.index_dir), "Kvisten")
    assert hits[0].title == "Særlige pladser på plejecentret Kvisten"
    assert hits[0].document == "teknik-og-miljoe_referat_2024-03-12.pdf"
    assert hits[0].page == 2
    assert str(hits[0].meeting_date) == "2024-03-12"


def test_scanned_pdf_becomes_searchable_through_tesseract(sample_home):
    settings, _ = sample_home
    hits = search(open_index(settings.index_dir), "Søndre Skole")
    assert hits and hits[0].document.endswith("_scan.pdf")
    assert hits[0].page == 2
    assert hits[0].number == "3"
    with session_scope(open_database(settings.db_url)) as session:
        pages = session.scalars(select(PageRow).join(PageRow.document).where(DocumentRow.file_name == hits[0].document))
        pages = list(pages)
    assert [p.method for p in pages] == ["ocr", "ocr"]
    assert all(p.confidence and p.confidence > 50 for p in pages)


def test_a_scan_under_a_gibberish_text_layer_is_ocrd(home, tmp_path: Path):
    """An old PDF whose text layer is not text (a broken font encoding, a bad OCR layer) is read from
    its image: the layer's letters are shifted one along the alphabet, the image is right."""
    text = (
        "Referat\nSocialudvalget den 5. maj 2022\n\n1. Ny plan for bostøtte\nSagsfremstilling\n"
        "Planen beskriver, hvordan kommunen vil styrke indsatsen for borgere med behov for bostøtte "
        "i eget hjem, og hvordan udvalget følger arbejdet i de kommende år.\n"
    )
    shifted = "".join(chr(ord(c) + 1) if c.isascii() and c.isalpha() else c for c in text)
    scan = scanned_pdf([text], "Socialudvalget")
    page = scan[0]
    page.insert_textbox(page.rect + (60, 60, -60, -60), shifted, fontsize=11, render_mode=3)  # invisible
    path = tmp_path / "gibberish-layer.pdf"
    scan.save(path)
    assert "Qmbofo" in pymupdf.open(path)[0].get_text()  # the layer is there, and it is gibberish
    report = ingest_paths([path], home, workers=1)
    assert report.count("ingested") == 1 and report.ocr_pages == 1
    hits = search(open_index(home.index_dir), "bostøtte")
    assert hits and hits[0].title == "Ny plan for bostøtte"


@pytest.mark.parametrize("broken", ["swapped", "utf16"])
def test_a_short_broken_text_layer_is_ocrd_too(broken):
    """A layer of one line (fewer than 20 words) is judged as well: its letters pairwise swapped, or
    UTF-16 read with its bytes swapped (which comes out as CJK)."""
    from minutesindex.ingest.pdf import has_usable_text

    line = "Referat af mødet i Økonomiudvalget den 5. marts 2024"
    if broken == "swapped":
        layer = "".join(line[i + 1 : i + 2] + line[i] for i in range(0, len(line), 2))
    else:
        layer = line.encode("utf-16-be").decode("utf-16-le", errors="replace")
    assert has_usable_text(line) and not has_usable_text(layer)


def test_reingest_is_a_noop_and_force_replaces_without_duplicates(home, sample_files):
    first = ingest_paths(sample_files[:1], home, workers=1)
    before = _counts(home)
    again = ingest_paths(sample_files[:1], home, workers=1)
    assert again.count("skipped") == 1 and _counts(home) == before
    old_hit = search(open_index(home.index_dir), "takstmodel affaldsgebyrer")[0]
    forced = ingest_paths(sample_files[:1], home, workers=1, force=True)
    assert forced.count("ingested") == 1 and _counts(home) == before
    hits = search(open_index(home.index_dir), "takstmodel affaldsgebyrer")
    assert len({h.item_id for h in hits}) == len(hits) == 1
    assert hits[0].item_id > old_hit.item_id  # replaced items get new ids; an id never changes meaning
    assert first.count("ingested") == 1


def test_writing_the_samples_again_gives_the_same_files(tmp_path: Path, sample_files):
    again = write_samples(tmp_path)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in sample_files]


def test_bad_files_fail_alone_and_leave_nothing_behind(home, sample_files, tmp_path: Path):
    batch = tmp_path / "batch"
    batch.mkdir()
    good = batch / "good.pdf"
    good.write_bytes(sample_files[0].read_bytes())
    (batch / "empty.pdf").write_bytes(b"")
    (batch / "notes.pdf").write_text("Dette er ikke en PDF, bare tekst.", encoding="utf-8")
    (batch / "truncated.pdf").write_bytes(sample_files[1].read_bytes()[:900])
    report = ingest_paths([batch], home, workers=1)
    reasons = {o.path.name: o.reason for o in report.failed}
    assert set(reasons) == {"empty.pdf", "notes.pdf", "truncated.pdf"}
    assert reasons["empty.pdf"] == "empty file"
    assert "not a PDF" in reasons["notes.pdf"]
    assert report.count("ingested") == 1
    docs, _, _ = _counts(home)
    assert docs == 1


def test_windows_1252_text_export_is_decoded(home, tmp_path: Path):
    path = tmp_path / "gammel eksport æøå.txt"
    path.write_bytes(
        "Referat\nØkonomiudvalget den 2. februar 2010\n\n1. Budget for året\nBeslutning\nGodkendt på mødet.\n".encode(
            "cp1252"
        )
    )
    report = ingest_paths([path], home, workers=1)
    assert report.count("ingested") == 1
    hits = search(open_index(home.index_dir), "budget")
    assert hits[0].title == "Budget for året" and hits[0].committee == "Økonomiudvalget"


def test_windows_unicode_text_export_is_decoded(home, tmp_path: Path):
    path = tmp_path / "unicode eksport.txt"
    text = "Referat\r\nØkonomiudvalget den 2. februar 2010\r\n\r\n1. Særlige pladser\r\nBeslutning\r\nGodkendt.\r\n"
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Windows writes it
    report = ingest_paths([path], home, workers=1)
    assert report.count("ingested") == 1
    assert search(open_index(home.index_dir), "pladser")[0].title == "Særlige pladser"


def test_encrypted_pdf_needs_no_password_only_when_the_user_password_is_empty(home, tmp_path: Path, sample_files):
    with pymupdf.open(sample_files[0]) as doc:
        doc.save(tmp_path / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="hemmelig", owner_pw="ejer")
        doc.save(tmp_path / "open.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="", owner_pw="ejer")
    report = ingest_paths([tmp_path / "locked.pdf", tmp_path / "open.pdf"], home, workers=1)
    assert {o.path.name: o.status for o in report.outcomes} == {"locked.pdf": "failed", "open.pdf": "ingested"}
    assert "encrypted" in report.failed[0].reason


def test_the_five_seed_documents_ingest(seeds_home):
    docs, pages, items = _counts(seeds_home)
    assert docs == 5 and pages == 5 and items >= 50


def test_seed_001_is_segmented_with_indstilling(seeds_home):
    require_seeds()
    with session_scope(open_database(seeds_home.db_url)) as session:
        items = list(
            session.scalars(select(ItemRow).join(ItemRow.document).where(DocumentRow.file_name.startswith("001_")))
        )
        numbers = [i.number for i in items]
        with_indstilling = [i.number for i in items if any(s.name == "indstilling" for s in i.sections)]
    assert numbers == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2"]
    assert set(with_indstilling) >= {"1.1", "1.2", "1.3", "1.4", "2.1", "2.5"}
