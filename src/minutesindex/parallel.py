"""The one place that starts worker processes.

- OCR: how many workers read pages, and their pool: a local process pool by default, or the workers
  of a Dask cluster (`--scheduler`). Both run the same function on a page and give its result back
  per page, in the order the pipeline asks for them.
- Helpers forked beside the main process (the ingest's index writer, a rebuild's segment writers):
  `start_helper`, whose children die with their parent and never outlive it holding a lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.queues
import os
import signal
import warnings
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess

from minutesindex.errors import ClusterError
from minutesindex.ingest.ocr import OcrResult, ocr_pdf_page


def worker_signals() -> None:
    """In a worker process: Ctrl-C at the terminal is the parent's to handle (it stops the workers),
    and SIGTERM ends the worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


# prctl(2): have the kernel signal this process when the thread that forked it ends.
PR_SET_PDEATHSIG = 1
_FORK = multiprocessing.get_context("fork")


def helper_queue(maxsize: int = 0) -> multiprocessing.queues.Queue:
    """A queue to or from a helper. Nothing waits at exit to flush it into a helper that died."""
    helper_queue = _FORK.Queue(maxsize)
    helper_queue.cancel_join_thread()
    return helper_queue


def start_helper(target: Callable[..., None], args: tuple, name: str) -> BaseProcess:
    """Fork a helper process running `target(*args)` (fork, not spawn: it needs no fresh imports, and
    its parent starts it before any thread). The helper dies with its parent: the kernel sends it
    SIGTERM when the parent ends (PR_SET_PDEATHSIG), so a killed `reindex` or `ingest` never leaves a
    helper holding the home's or the index's lock."""
    process = _FORK.Process(target=_helper_main, args=(os.getpid(), target, args), name=name, daemon=True)
    process.start()
    return process


def _helper_main(parent_pid: int, target: Callable[..., None], args: tuple) -> None:
    worker_signals()
    die_with_parent()
    if os.getppid() != parent_pid:  # the parent ended before the kernel was told
        return
    target(*args)


def die_with_parent() -> None:
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(libc_name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# The process that owns an OCR pool, as its fork server reads it from the environment (pool_server).
POOL_OWNER_VARIABLE = "MINUTESINDEX_POOL_OWNER"


def _ocr_worker_init() -> None:
    """In an OCR worker: signals as every worker's, and the worker ends with the fork server that
    forked it (which ends with the ingest); one whose server ended already ends at once."""
    from minutesindex.pool_server import SERVER_PID

    worker_signals()
    die_with_parent()
    if os.getppid() != SERVER_PID:
        os._exit(0)


# A worker is replaced by a fresh one after this many pages: what Tesseract and MuPDF keep between
# pages (caches, fragmented heap) never adds up over a long batch. A fresh worker loads its engine
# again, about 0.2 s, so 0.1 % of a hundred pages' OCR. (What one page may take is bounded by
# ocr.MAX_RENDER_PIXELS.)
PAGES_PER_WORKER = 100


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
        context.set_forkserver_preload(["minutesindex.ingest.ocr", "minutesindex.pool_server"])
        os.environ[POOL_OWNER_VARIABLE] = str(os.getpid())  # the fork server, started now, inherits it
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_ocr_worker_init,
            max_tasks_per_child=PAGES_PER_WORKER,
        )

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

    def done_with(self, pdf_path: str) -> None:
        """Nothing to release: local workers read the file themselves."""

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Dask re-runs a page whose worker died; a page that kills workers this many times fails its file.
CLUSTER_ALLOWED_FAILURES = 1
CLUSTER_CONNECT_TIMEOUT_S = 20
# A page's result is awaited its OCR time limit and this much more (rendering, transfer, queueing
# behind other pages): past it, the cluster is taken as lost.
RESULT_GRACE_S = 600


class ClusterOcrPool:
    """Page OCR on a Dask cluster: each PDF's bytes travel to the workers once (no shared file
    system), every page is a task that runs `read_page` there, and results come back per page.

    A worker that dies has its pages re-run by Dask; a page that kills workers twice fails its file
    with one line; a scheduler that cannot be reached, or is lost, is a ClusterError.
    """

    def __init__(
        self,
        scheduler: str,
        lang: str,
        timeout_s: float,
        read_page: Callable[[str | bytes, int, str, float], OcrResult] = ocr_pdf_page,
        connect_timeout_s: float | None = None,
    ) -> None:
        try:
            import dask
            from distributed import Client
        except ImportError as exc:
            raise ClusterError("a --scheduler needs Dask: pip install 'minutesindex[cluster]'") from exc
        dask.config.set({"distributed.scheduler.allowed-failures": CLUSTER_ALLOWED_FAILURES})
        try:
            timeout = connect_timeout_s or CLUSTER_CONNECT_TIMEOUT_S
            self._client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        self.scheduler = scheduler
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))
        self.lang = lang
        self.timeout_s = timeout_s
        self._read_page = read_page
        self._documents: dict[str, object] = {}  # path -> the future of its bytes on the cluster

    def submit(self, pdf_path: str, page_index: int) -> Future[OcrResult]:
        try:
            document = self._documents.get(pdf_path)
            if document is None:
                # A task that holds the bytes, not scattered data: if the worker keeping them dies,
                # the scheduler computes them again on another, and the pages that need them run.
                # Dask advises against large tasks with a warning on stderr, a stray line without a
                # file name; here the size is the point, and it is sent once per file.
                with open(pdf_path, "rb") as fh, warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="Sending large graph", category=UserWarning)
                    document = self._documents[pdf_path] = self._client.submit(_document, fh.read(), pure=False)
            return self._client.submit(
                self._read_page, document, page_index, self.lang, self.timeout_s, pure=False, retries=0
            )
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"lost the Dask scheduler at {self.scheduler}: {exc}") from exc

    def result(self, future, pdf_path: str, page_index: int) -> OcrResult:  # noqa: ANN001 - a Dask future
        from concurrent.futures import CancelledError

        from distributed import KilledWorker

        try:
            return future.result(timeout=self.timeout_s + RESULT_GRACE_S)
        except KilledWorker:
            raise RuntimeError("the OCR worker crashed on this page (twice, on the cluster)") from None
        except (OSError, TimeoutError, CancelledError) as exc:
            raise ClusterError(f"lost the Dask scheduler at {self.scheduler}: {type(exc).__name__} {exc}") from exc
        finally:
            future.release()

    def done_with(self, pdf_path: str) -> None:
        """Let the cluster drop a document's bytes once its pages are read."""
        document = self._documents.pop(pdf_path, None)
        if document is not None:
            document.release()

    def close(self) -> None:
        self._documents.clear()
        self._client.close()

    def __enter__(self) -> ClusterOcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _document(data: bytes) -> bytes:
    return data


Pool = OcrPool | ClusterOcrPool


def ocr_pool(workers: int | None, lang: str, timeout_s: float, scheduler: str | None = None) -> Pool:
    """The pool an ingest reads its scanned pages with: the cluster's when a scheduler is given."""
    if scheduler:
        return ClusterOcrPool(scheduler, lang, timeout_s)
    return OcrPool(workers or default_workers(), lang, timeout_s)
