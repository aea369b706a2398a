"""The one place that decides how many worker processes OCR pages, and starts them."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from minutesindex.ingest.ocr import OcrResult, ocr_pdf_page


def worker_signals() -> None:
    """In a worker process: Ctrl-C at the terminal is the parent's to handle (it stops the workers),
    and SIGTERM ends the worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class OcrPool:
    """A process pool over pages, from any number of documents; created only when a page needs OCR."""

    def __init__(
        self,
        workers: int,
        lang: str,
        timeout_s: float,
        read_page: Callable[[str, int, str, float], OcrResult] = ocr_pdf_page,
    ) -> None:
        self.workers = max(1, workers)
        self.lang = lang
        self.timeout_s = timeout_s
        self._read_page = read_page
        self._executor: ProcessPoolExecutor | None = None

    def submit(self, pdf_path: str, page_index: int) -> Future[OcrResult]:
        """Queue a page; a pool that a crashed worker broke is replaced first."""
        task = (self._read_page, pdf_path, page_index, self.lang, self.timeout_s)
        if self._executor is not None:
            try:
                return self._executor.submit(*task)
            except BrokenProcessPool:
                self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = self._start_executor()
        return self._executor.submit(*task)

    def _start_executor(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported PyMuPDF and this module's code;
        # each loads its own Tesseract engine, one thread, on its first page.
        context.set_forkserver_preload(["minutesindex.ingest.ocr"])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=worker_signals)

    def result(self, future: Future[OcrResult], pdf_path: str, page_index: int) -> OcrResult:
        """A page's OCR; when a worker died (a crash in Tesseract or MuPDF takes the whole pool with
        it), the page is read once more in a fresh pool, so only a page that crashes twice fails."""
        try:
            return future.result()
        except BrokenProcessPool:
            pass
        try:
            return self.submit(pdf_path, page_index).result()
        except BrokenProcessPool:
            raise RuntimeError("the OCR worker crashed on this page") from None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
