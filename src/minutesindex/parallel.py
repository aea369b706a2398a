"""The one place that decides how many worker processes OCR pages, and starts them."""

from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.forkserver
import os
from concurrent.futures import Future, ProcessPoolExecutor

from minutesindex.ingest.ocr import OcrResult, ocr_pdf_pages

# Pages OCR'd by one Tesseract run (see OcrPool.submit).
PAGES_PER_RUN = 4


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
        self._runs: list[Future[list[OcrResult]]] = []  # runs submitted and maybe not done

    def warm_up(self) -> None:
        """Start the server the workers fork from, without waiting for it.

        It imports PyMuPDF and pytesseract (about half a second) while the ingest opens its
        database, index and lexicon, instead of after, when the first page needs OCR. It starts no
        thread in this process, so the ingest may still fork its index writer afterwards.
        """
        self._context()
        multiprocessing.forkserver.ensure_running()

    def submit(self, pdf_path: str, page_indexes: list[int]) -> dict[int, Future[OcrResult]]:
        """OCR pages (0-based) of one PDF; a future for each page.

        Pages go to the workers in runs of up to PAGES_PER_RUN, each run one Tesseract process,
        so its language model loads once a run, not once a page. While workers are idle a document
        is spread over them instead, so a lone short document is not OCR'd on one core.
        """
        if not page_indexes:
            return {}
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=self._context(), initializer=_init_worker
            )
        self._runs = [run for run in self._runs if not run.done()]
        idle = self.workers - len(self._runs)
        per_run = PAGES_PER_RUN if idle <= 1 else min(PAGES_PER_RUN, -(-len(page_indexes) // idle))
        futures: dict[int, Future[OcrResult]] = {}
        for start in range(0, len(page_indexes), per_run):
            run = page_indexes[start : start + per_run]
            pages = {index: Future() for index in run}
            done = self._executor.submit(ocr_pdf_pages, pdf_path, run, self.lang, self.timeout_s)
            done.add_done_callback(functools.partial(_hand_out, pages))
            self._runs.append(done)
            futures.update(pages)
        return futures

    @staticmethod
    def _context() -> multiprocessing.context.BaseContext:
        context = multiprocessing.get_context("forkserver")
        # Workers fork from a server that has already imported PyMuPDF and pytesseract.
        context.set_forkserver_preload(["minutesindex.ingest.ocr"])
        return context

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _hand_out(pages: dict[int, Future[OcrResult]], run: Future[list[OcrResult]]) -> None:
    """Give each page of a finished run its result (or the run's exception)."""
    if run.cancelled():
        for future in pages.values():
            future.cancel()
        return
    error = run.exception()
    for position, future in enumerate(pages.values()):
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(run.result()[position])
