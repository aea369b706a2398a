"""The one place that decides how many worker processes OCR pages, and starts them."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from minutesindex.ingest.ocr import OcrResult, ocr_pdf_page


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def _init_worker() -> None:
    # One Tesseract thread per process: parallel pages, not threads fighting over cores.
    os.environ["OMP_THREAD_LIMIT"] = "1"


class OcrPool:
    """A process pool over pages, from any number of documents; created only when a page needs OCR."""

    def __init__(self, workers: int, lang: str, timeout_s: float) -> None:
        self.workers = max(1, workers)
        self.lang = lang
        self.timeout_s = timeout_s
        self._executor: ProcessPoolExecutor | None = None

    def submit(self, pdf_path: str, page_index: int) -> Future[OcrResult]:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            # Workers fork from a server that has already imported PyMuPDF and pytesseract.
            context.set_forkserver_preload(["minutesindex.ingest.ocr"])
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_init_worker)
        return self._executor.submit(ocr_pdf_page, pdf_path, page_index, self.lang, self.timeout_s)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
