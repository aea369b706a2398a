"""The search index writer of an ingest, in a process of its own.

Analysing text and writing postings is about half of what ingesting a digital PDF costs; in a
second process it runs beside the extraction, repair, segmentation and database writes of the next
documents. The ingest sends each landed document's indexed fields; the writer commits in batches
(see IndexBatch) and when the ingest closes it. It stops when its parent dies, so a killed ingest
never leaves a process holding the index's write lock.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from minutesindex.errors import NO_SPACE, SearchIndexError, storage_error
from minutesindex.parallel import helper_queue, start_helper
from minutesindex.search.index import IndexBatch, item_document
from minutesindex.store.tables import ItemRow

# Documents waiting for the writer; a full queue makes the ingest wait (bounded memory).
QUEUE_DOCUMENTS = 64
PARENT_CHECK_S = 1.0


class BackgroundIndexWriter:
    def __init__(self, index_dir: Path, max_items: int = 2000, max_seconds: float = 5.0) -> None:
        self._index_dir = index_dir
        self._requests = helper_queue(maxsize=QUEUE_DOCUMENTS)
        self._replies = helper_queue()
        self._process = start_helper(
            _run,
            (str(index_dir), self._requests, self._replies, os.getpid(), max_items, max_seconds),
            name="minutesindex-index-writer",
        )

    def add(self, items: Iterable[ItemRow], remove: Iterable[int] = ()) -> None:
        self._send(("add", [item_document(item) for item in items], list(remove)))

    def close(self) -> None:
        """Commit what was sent and wait for the writer; raise SearchIndexError if it failed."""
        self._send(("close",))
        while True:
            try:
                status, message = self._replies.get(timeout=PARENT_CHECK_S)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    status, message = "error", f"the index writer stopped (exit code {self._process.exitcode})"
                    break
        self._process.join()
        if status != "ok":
            if NO_SPACE in message:
                raise storage_error(f"the search index {self._index_dir}")
            raise SearchIndexError(f"search index not updated: {message}; `minutesindex check --repair` fixes it")

    def cancel(self) -> None:
        """Stop without committing (the database is the source of truth; the next ingest syncs)."""
        self._process.terminate()
        self._process.join()

    def _send(self, request: tuple) -> None:
        while True:
            try:
                self._requests.put(request, timeout=PARENT_CHECK_S)
                return
            except queue.Full:
                if not self._process.is_alive():
                    return  # close() reports the failure

    def __enter__(self) -> BackgroundIndexWriter:
        return self

    def __exit__(self, exc_type: type | None, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.cancel()


def _run(index_dir: str, requests, replies, parent_pid: int, max_items: int, max_seconds: float) -> None:  # noqa: ANN001 - queues
    batch = None
    try:
        batch = IndexBatch(whoosh_index.open_dir(index_dir), max_items, max_seconds)
        while True:
            try:
                request = requests.get(timeout=PARENT_CHECK_S)
            except queue.Empty:
                if os.getppid() != parent_pid:  # the ingest died: leave the index as its last commit
                    batch.cancel()
                    return
                batch.commit_if_due()
                continue
            if request[0] == "close":
                batch.commit()
                replies.put(("ok", ""))
                return
            _, documents, remove = request
            batch.add_documents(documents, remove)
    except Exception as exc:  # reported to the ingest, which raises it as a one-line error
        if batch is not None:
            batch.cancel()
        replies.put(("error", f"{type(exc).__name__}: {exc}"))
