"""Parallel OCR: pages come back in order whatever the worker count, digital pages skip OCR."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import select

from minutesindex.config import load_settings
from minutesindex.pipeline import ingest_paths
from minutesindex.samples import long_pdf, scanned_pdf, text_pdf
from minutesindex.store.db import open_database, session_scope
from minutesindex.store.tables import DocumentRow

PAGES = [
    f"{n}. {title}\n\nSagsfremstilling\nForvaltningen beskriver sagen om {title.lower()} på side {n}.\n"
    for n, title in enumerate(["Budget for skolerne", "Ny cykelsti", "Plejecentret Kvisten", "Havnens lokalplan"], 1)
]


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory) -> Path:
    """Digital pages 1 and 3, scanned (image-only) pages 2 and 4."""
    path = tmp_path_factory.mktemp("mixed") / "blandet.pdf"
    with pymupdf.open() as doc:
        for number, text in enumerate(PAGES, start=1):
            maker = scanned_pdf if number % 2 == 0 else text_pdf
            with maker([text], "Referat Teknik- og Miljøudvalget") as single:
                doc.insert_pdf(single)
        doc.save(path)
    return path


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_mixed_document_keeps_page_order_with_any_worker_count(tmp_path, mixed_pdf, workers):
    settings = load_settings(tmp_path / "home")
    report = ingest_paths([mixed_pdf], settings, workers=workers)
    assert report.count("ingested") == 1
    assert report.outcomes[0].ocr_pages == 2
    with session_scope(open_database(settings.db_url)) as session:
        document = session.scalar(select(DocumentRow))
        assert [(p.number, p.method) for p in document.pages] == [(1, "text"), (2, "ocr"), (3, "text"), (4, "ocr")]
        assert [(i.number, i.page_start) for i in document.items] == [("1", 1), ("2", 2), ("3", 3), ("4", 4)]
        assert "Kvisten" in document.items[2].title and "Havnens" in document.items[3].title


@pytest.mark.slow
def test_five_thousand_page_pdf_streams_through(tmp_path):
    path = long_pdf(tmp_path / "langt.pdf", 5000)
    settings = load_settings(tmp_path / "home")
    report = ingest_paths([path], settings, workers=2)
    assert report.count("ingested") == 1 and report.outcomes[0].pages == 5000
    assert report.outcomes[0].ocr_pages == 0 and report.outcomes[0].items == 5000


def test_pages_that_all_look_alike_keep_every_item(tmp_path):
    """One short item per page, each page set like the last: their lines come back at the same place
    on every page, yet they are the items, not running headers."""
    path = long_pdf(tmp_path / "ens.pdf", 60)
    report = ingest_paths([path], load_settings(tmp_path / "home"), workers=1)
    assert report.outcomes[0].items == 60
    assert "no agenda items found; indexed as one document" not in report.outcomes[0].warnings


HELPERS_THAT_WAIT_FOREVER = """
import time
from minutesindex.parallel import helper_queue, start_helper

never = helper_queue()
helpers = [start_helper(never.get, (), name="waits") for _ in range(2)]
print(" ".join(str(helper.pid) for helper in helpers), flush=True)
time.sleep(120)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_helper_processes_die_with_their_parent():
    """A killed `reindex` or `ingest` (SIGKILL: no cleanup runs) leaves no segment or index writer
    behind holding the home's lock: its helpers end with it."""
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", HELPERS_THAT_WAIT_FOREVER], stdout=subprocess.PIPE, text=True)
    helpers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(helpers) == 2 and all(_running(pid) for pid in helpers)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in helpers)


def test_only_the_parallel_module_starts_processes():
    source = Path(__file__).resolve().parents[1] / "src" / "minutesindex"
    starters = ("Process(", "ProcessPoolExecutor(", "get_context(", "subprocess.Popen(", "os.fork(")
    offenders = [
        f"{path.relative_to(source)}: {starter}"
        for path in source.rglob("*.py")
        if path.name != "parallel.py"
        for starter in starters
        if starter in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def worker_pid(path: str, page_index: int, lang: str, timeout_s: float) -> int:
    import os

    return os.getpid()


def test_an_ocr_worker_is_replaced_after_its_share_of_pages(monkeypatch):
    """What Tesseract and MuPDF keep between pages never adds up over a long batch: each worker
    reads PAGES_PER_WORKER pages, then a fresh one takes over."""
    from minutesindex import parallel

    monkeypatch.setattr(parallel, "PAGES_PER_WORKER", 2)
    with parallel.OcrPool(1, "dan", 10, read_page=worker_pid) as pool:
        pids = [pool.submit("x.pdf", page).result() for page in range(6)]
    assert len(set(pids)) == 3 and pids[0] == pids[1] and pids[2] == pids[3]
