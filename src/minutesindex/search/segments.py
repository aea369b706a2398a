"""Writing Whoosh segments with postings grouped by term.

Whoosh's writer puts every posting into one big list as a tuple, sorts the list at the end, spills
it to disk in runs when it grows past its memory limit and merges the runs posting by posting; it
then looks each posting's field length up in the segment's length file. For an item of 300 words
that is some 300 postings, and this bookkeeping cost more than the analysis itself.

Here postings are grouped by term as they arrive: a term's document numbers and weights go into
compact arrays, which arrive in document order already, so only the distinct terms are sorted, a
spilled run is merged term by term, and field lengths are read once per segment. The segment files
are Whoosh's own (same codec), so Whoosh reads them as ever; each segment also gets the searched
fields' postings as flat arrays (search/fastpost.py) inside its compound file, which plain searches
are ranked over (search/evaluate.py).
"""

from __future__ import annotations

import heapq
import marshal
import queue
from array import array
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import Index
from whoosh.system import pack_uint
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from minutesindex.parallel import helper_queue, start_helper
from minutesindex.search import fastpost
from minutesindex.search.analysis import BandedText
from minutesindex.search.evaluate import segment_postings

# What the pool counts for each term and each posting, in bytes of Python memory, to decide when to
# spill a run to disk. Measured with tracemalloc on item documents: 36 bytes a posting (a position
# value is mostly a shared, cached bytes object) and some 400 bytes a term with its arrays.
TERM_BYTES = 400
POSTING_BYTES = 40
# Documents sent to a worker process at a time.
DOCUMENTS_PER_JOB = 200
WORKER_CHECK_S = 1.0

# (fieldname, term bytes, document numbers, weights, values)
TermPostings = tuple[str, bytes, array, array, list[bytes]]


class TermPool:
    """The postings of one segment, grouped by (field, term); spills sorted runs past `limitmb`."""

    def __init__(self, tempstore, limitmb: float = 128) -> None:  # noqa: ANN001 - Whoosh storage
        self.tempstore = tempstore
        self.limit = int(limitmb * 1024 * 1024)
        self._fields: dict[str, dict[bytes, tuple[array, array, list[bytes]]]] = {}
        self._size = 0
        self._runs: list[str] = []

    def add(self, item: tuple) -> None:
        """Whoosh's pool interface, used when a commit merges small segments into the new one."""
        fieldname, tbytes, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(tbytes, 0, weight, value)], scorable=False)

    def add_field(self, fieldname: str, docnum: int, items: Iterable[tuple], scorable: bool) -> int:
        """Add one document's postings of one field (field.index's items); returns the field length."""
        terms = self._fields.setdefault(fieldname, {})
        length = 0
        terms_before = len(terms)
        count = 0
        for tbytes, freq, weight, value in items:
            postings = terms.get(tbytes)
            if postings is None:
                postings = terms[tbytes] = (array("i"), array("f"), [])
            postings[0].append(docnum)
            postings[1].append(weight)
            postings[2].append(value or b"")
            length += freq
            count += 1
        self._size += count * POSTING_BYTES + (len(terms) - terms_before) * TERM_BYTES
        if self._size > self.limit:
            self._spill()
        return length if scorable else 0

    def terms(self) -> Iterator[TermPostings]:
        """Every term's postings, in (field, term) order; runs and memory merged, docnums in order."""
        current = self._sorted_in_memory()
        if not self._runs:
            yield from current
            return
        sources = [self._read_run(name) for name in self._runs] + [current]
        # heapq.merge keeps the sources' order among equal keys: earlier runs hold lower docnums.
        for _, group in groupby(heapq.merge(*sources, key=itemgetter(0, 1)), key=itemgetter(0, 1)):
            (fieldname, tbytes, docnums, weights, values), *later = group
            for _, _, more_docnums, more_weights, more_values in later:
                docnums.extend(more_docnums)
                weights.extend(more_weights)
                values.extend(more_values)
            yield fieldname, tbytes, docnums, weights, values

    def cleanup(self) -> None:
        for name in self._runs:
            if self.tempstore.file_exists(name):
                self.tempstore.delete_file(name)
        self._runs = []
        self._fields = {}

    def _sorted_in_memory(self) -> Iterator[TermPostings]:
        fields, self._fields, self._size = self._fields, {}, 0
        for fieldname in sorted(fields):
            terms = fields.pop(fieldname)
            for tbytes in sorted(terms):
                docnums, weights, values = terms.pop(tbytes)
                yield fieldname, tbytes, docnums, weights, values

    def _spill(self) -> None:
        name = f"{random_name()}.terms"  # the temp folder is shared by the writers of parallel segments
        with self.tempstore.create_file(name).raw_file() as file:
            for fieldname, tbytes, docnums, weights, values in self._sorted_in_memory():
                marshal.dump((fieldname, tbytes, docnums.tobytes(), weights.tobytes(), values), file)
        self._runs.append(name)

    def _read_run(self, name: str) -> Iterator[TermPostings]:
        with self.tempstore.open_file(name).raw_file() as file:
            while True:
                try:
                    fieldname, tbytes, docnums, weights, values = marshal.load(file)
                except EOFError:
                    break
                yield fieldname, tbytes, array("i", docnums), array("f", weights), values
        self.tempstore.delete_file(name)


class GroupedSegmentWriter(SegmentWriter):
    """Whoosh's SegmentWriter with a TermPool, writing each term's postings in one loop."""

    def __init__(self, ix: Index, limitmb: float = 128, **options: object) -> None:
        super().__init__(ix, limitmb=limitmb, **options)
        if any(field.vector or field.separate_spelling() for _, field in self.schema.items()):
            raise ValueError("GroupedSegmentWriter writes neither term vectors nor spelling words")
        self.pool = TermPool(self._tempstorage, limitmb=limitmb)

    def add_document(self, **fields: object) -> None:
        """SegmentWriter.add_document, with each field's postings handed to the pool at once.

        Whoosh's per-document `_boost`/`_stored_*` keywords are not supported; field boosts are.
        """
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    postings = field.postings(value) if isinstance(field, BandedText) else field.index(value)
                    length = self.pool.add_field(fieldname, docnum, postings, field.scorable)
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                if field.column_type is not None:
                    perdocwriter.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        except BaseException:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_postings_to_pool(self, reader, startdoc: int, docmap: dict | None) -> None:  # noqa: ANN001
        """A merged segment's postings (Whoosh's, as its writer adds them), the banded field's from
        the segment's fast postings, which alone keep its positions."""
        banded = {name for name, field in self.schema.items() if isinstance(field, BandedText)}
        for item in self._process_posts((p for p in reader.iter_postings() if p[0] not in banded), startdoc, docmap):
            self.pool.add(item)
        if not banded:
            return
        fast = segment_postings(reader)
        if fast is None:
            raise ValueError(f"segment {reader.segment().segment_id()} has no fast postings to merge")
        for fieldname in sorted(banded):
            for tbytes, found in fast.terms(fieldname) if fast.has_field(fieldname) else ():
                values = found.position_bytes()
                for doc, weight, value in zip(found.docs.tolist(), found.weights.tolist(), values, strict=True):
                    if docmap is None:
                        self.pool.add((fieldname, tbytes, startdoc + doc, weight, value))
                    elif doc in docmap:  # not deleted
                        self.pool.add((fieldname, tbytes, docmap[doc], weight, value))

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        fieldwriter = self.fieldwriter
        fast_file = self.newsegment.create_file(self.storage, fastpost.EXTENSION)
        fast = fastpost.FastPostingsWriter(fast_file, self.docnum)
        fast_lengths = {name: _field_lengths(lengths, name, self.docnum) for name in fastpost.FIELDS}
        frequencies = _FrequencyBytes()
        try:
            for fieldname, terms in groupby(self.pool.terms(), key=itemgetter(0)):
                field_lengths = fast_lengths.get(fieldname) or _field_lengths(lengths, fieldname, self.docnum)
                field = self.schema[fieldname]
                positions = isinstance(field, BandedText)  # its pool values are positions
                fieldwriter.start_field(fieldname, field)
                for _, tbytes, docnums, weights, values in terms:
                    fieldwriter.start_term(tbytes)
                    kept = [frequencies[len(value)] for value in values] if positions else values
                    _add_blocks(fieldwriter._postwriter, docnums, weights, kept, field_lengths)
                    fieldwriter.finish_term()
                    if fieldname in fastpost.FIELDS:
                        fast.add_term(fieldname, tbytes, docnums, weights, values, positions)
                fieldwriter.finish_field()
            fieldwriter.close()
            fast.finish(fast_lengths)
        finally:
            fast_file.close()
            lengths.close()


def add_in_processes(  # noqa: PLR0913
    index: Index,
    documents: Iterable[dict],
    procs: int,
    remove: Iterable[tuple[str, str]] = (),
    job_size: int = DOCUMENTS_PER_JOB,
    replace: bool = False,
    **options: object,
) -> int:
    """Delete documents by (field, term), then add documents with `procs` processes, each analysing
    its share into a segment of its own.

    One commit adds all the segments to the index, without merging them (a merge would run on one
    core). The calling process holds the write lock, reads the documents and hands them out in jobs.
    """
    jobs = helper_queue(maxsize=procs * 2)
    results = helper_queue()
    writer = GroupedSegmentWriter(index, **options)
    workers: list = []
    added = 0
    try:
        for fieldname, text in remove:
            writer.delete_by_term(fieldname, text)
        workers = [
            start_helper(_segment_worker, (index, jobs, results, options), name="minutesindex-segment-writer")
            for _ in range(procs)
        ]
        job: list[dict] = []
        for document in documents:
            job.append(document)
            if len(job) == job_size:
                _put(jobs, job, workers)
                added += len(job)
                job = []
        _put(jobs, job, workers)
        added += len(job)
        for _ in workers:
            _put(jobs, None, workers)
        segments = [_result(results, workers) for _ in workers]
        for worker in workers:
            worker.join()
        final = [] if replace else writer._merge_segments(mergetype=None, optimize=False, merge=True)
        final += [segment for segment in segments if segment is not None]
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final)
        writer._finish()
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        writer.cancel()
        raise
    return added


def _segment_worker(index: Index, jobs, results, options: dict) -> None:  # noqa: ANN001 - queues
    try:
        writer = GroupedSegmentWriter(index, _lk=False, **options)
        while (job := jobs.get()) is not None:
            for document in job:
                writer.add_document(**document)
        if writer.docnum:
            results.put(("ok", writer._finalize_segment()))
        else:
            writer._close_segment()
            results.put(("ok", None))
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def _put(jobs, job: list[dict] | None, workers: list) -> None:  # noqa: ANN001 - queue, processes
    while True:
        try:
            jobs.put(job, timeout=WORKER_CHECK_S)
            return
        except queue.Full:
            _check_alive(workers)


def _result(results, workers: list):  # noqa: ANN001, ANN202 - queue, processes, Whoosh segment
    while True:
        try:
            status, value = results.get(timeout=WORKER_CHECK_S)
            break
        except queue.Empty:
            _check_alive(workers)
    if status != "ok":
        raise RuntimeError(f"an index writer process failed: {value}")
    return value


def _check_alive(workers: list) -> None:  # noqa: ANN001 - processes
    for worker in workers:
        if worker.exitcode not in (None, 0):
            raise RuntimeError(f"an index writer process stopped (exit code {worker.exitcode})")


class _FrequencyBytes(dict):
    """Whoosh's Frequency value of a posting by the length of its positions' bytes (4 a position)."""

    def __missing__(self, size: int) -> bytes:
        self[size] = pack_uint(size >> 2)
        return self[size]


def _field_lengths(lengths, fieldname: str, doc_count: int) -> list[int]:  # noqa: ANN001 - per-doc reader
    """Each document's length of one field (0 where it has none), read once."""
    if not lengths.has_column(_lenfield(fieldname)):
        return [0] * doc_count
    column = lengths.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    return [byte_to_length(column[docnum]) for docnum in range(doc_count)]


def _add_blocks(postwriter, docnums: array, weights: array, values: list[bytes], lengths: list[int]) -> None:  # noqa: ANN001
    """Hand a term's postings to Whoosh's W3PostingsWriter a block at a time.

    This does what its add_posting does one posting at a time: it fills the block buffer and its
    statistics, writes each full block when more follow, and leaves the last for finish_postings.
    """
    limit = postwriter._blocklimit
    keeps_values = bool(values[0])
    for start in range(0, len(docnums), limit):
        if start:
            postwriter._write_block()
        ids = docnums[start : start + limit]
        block_weights = weights[start : start + limit]
        counted = [lengths[docnum] for docnum in ids if lengths[docnum]]  # as add_posting: zero is no length
        postwriter._ids = ids
        postwriter._weights = block_weights
        postwriter._values = values[start : start + limit] if keeps_values else []
        postwriter._maxweight = max(0, max(block_weights))
        postwriter._minlength = min(counted) if counted else None
        postwriter._maxlength = max(counted) if counted else 0
