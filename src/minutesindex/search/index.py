"""The only module that knows Whoosh's index: schema, writing items, and keeping it in step with the database."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import pickle
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, Schema
from whoosh.filedb.structfile import BufferFile
from whoosh.index import Index
from whoosh.writing import CLEAR

from minutesindex.errors import MinutesIndexError, SearchIndexError
from minutesindex.model import CANONICAL_SECTIONS
from minutesindex.search.analysis import BandedText, FoldedText, banded_text

# What a segment file's reader buffers ahead (C code serves the reads inside it: pickle's opcodes of a
# postings block header, its ids): at 4 KB warm queries at 100,000 items are as fast as from a copy
# (median 40-43 ms against 38-44 ms, 1 KB 50-54 ms).
READ_AHEAD = 4096


class _ViewFile(io.RawIOBase):
    """A read-only file over a memoryview (a compound segment's file inside the index's mmap): a read
    copies only the bytes it returns."""

    def __init__(self, view: memoryview) -> None:
        super().__init__()
        self._view = view
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._position + size)
        data = bytes(self._view[self._position : end])
        self._position = max(self._position, end)
        return data

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: len(self._view)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position


def _buffer_file_init(self: BufferFile, buf, name: str | None = None, onclose=None) -> None:  # noqa: ANN001
    """BufferFile without its copy: Whoosh wraps each compound segment file in a BytesIO, which copies
    the whole file out of the mmap when a reader opens it (0.5 s and 1.5 GB of a new process's
    memory at 100,000 items, `bench_search.py`); a buffered view of the mmap reads in place."""
    self._buf = buf
    self._name = name
    self.file = io.BufferedReader(_ViewFile(buf), READ_AHEAD) if isinstance(buf, memoryview) else io.BytesIO(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


BufferFile.__init__ = _buffer_file_init

if TYPE_CHECKING:
    from minutesindex.store.tables import ItemRow

SECTION_FIELDS = CANONICAL_SECTIONS + ("other",)
OPEN_RETRIES = 10
# The sections of an item, each a band of the one `text` field (see search.analysis), with the weight
# of its words: decisions and recommendations weigh more than background text; a title most of all.
BAND_BOOSTS = {
    "title": 4.0,
    "presenter": 1.0,
    "body": 1.0,
    "resume": 1.5,
    "baggrund": 1.0,
    "sagsfremstilling": 1.0,
    "indstilling": 1.8,
    "referat": 1.8,
    "beslutning": 1.8,
    "bilag": 1.0,
    "other": 1.0,
}
BANDS = tuple(BAND_BOOSTS)
FOLDED_BOOST = 0.3
NO_OUTCOME = "-"  # the outcome term of an item without one, so a filter can ask for those
# Postings per block of Whoosh's own postings, which plain searches no longer walk (they are ranked
# over search/fastpost.py's arrays); Whoosh reads them for the filters' sets and the queries the
# evaluator leaves to it. At 16 postings, uncompressed, a top-10 search could skip blocks that
# cannot beat its tenth hit (2-word p95 582 -> 61 ms at 100,000 items), but writing a block costs
# per block: Whoosh's 128, uncompressed, writes 3,000 items in one process at 663 items/s against
# 463 at 16 compressed (51 MB against 37 on disk).
POSTINGS_PER_BLOCK = 128


# What each writer process of a rebuild holds of postings before it spills a sorted run: at 512 MB
# the `reindex` of 100,000 items peaked at 1,154 MB for its process tree (scripts/bench_search.py).
REBUILD_POOL_MB = 128


def _writer_options(**options: object) -> dict:
    return {"codec": W3Codec(blocklimit=POSTINGS_PER_BLOCK, compression=0), **options}


def build_schema() -> Schema:
    return Schema(
        item_id=ID(stored=True, unique=True, sortable=True),
        # Shown with a hit, never searched: stored only, no postings.
        document=STORED(),
        path=STORED(),  # the file as ingested, so a hit leads to its source
        committee=STORED(),
        municipality=STORED(),
        number=STORED(),
        page=STORED(),
        title_display=STORED(),
        content=STORED(),  # for snippets: the text of every band
        # Filters.
        committee_key=ID(),
        municipality_key=ID(),
        dated=ID(),  # "0" for an item whose meeting has no date: `--include-undated` keeps it
        day=NUMERIC(sortable=True),  # the meeting's day (ordinal), 0 undated: newest first, undated last
        kind=ID(stored=True),
        closed=ID(),  # "1" for an item its source marks closed (lukket)
        outcome=ID(stored=True),  # the decision's label (godkendt, udsat …), NO_OUTCOME for none
        document_id=STORED(),
        case=KEYWORD(commas=True, scorable=False),  # the case numbers, normalised (segment.cases)
        meeting_date=DATETIME(stored=True),
        # Searched.
        text=BandedText(tuple(BAND_BOOSTS.values())),
        folded=FoldedText(FOLDED_BOOST),
    )


def open_index(index_dir: Path, for_writing: bool = False) -> Index:
    """Open the index; for writing, create it if there is none.

    An index written with another schema (an older version) is emptied when opened for writing,
    and the caller's sync refills it from the database; for reading it is an error that says so.
    Readers never create anything, so a search during the first ingest cannot race its writer.
    """
    try:
        index = _open_current(index_dir)
        if index is not None:
            return index
        if for_writing:
            return clear_index(index_dir)
        if not any(index_dir.glob("*.toc")):
            raise SearchIndexError(f"no search index in {index_dir} yet; ingest documents first")
        raise SearchIndexError(f"search index {index_dir} was built by another version; run `minutesindex reindex`")
    except SearchIndexError:
        raise
    except Exception as exc:  # Whoosh raises many kinds for a damaged index
        raise SearchIndexError(f"cannot open search index {index_dir}: {exc}") from exc


def _open_current(index_dir: Path) -> Index | None:
    """The index if there is one written with this version's schema, else None."""
    try:
        if not whoosh_index.exists_in(str(index_dir)):
            return None
        index, schema = _open_latest(index_dir)
    except (AttributeError, ImportError, pickle.UnpicklingError):
        return None  # its schema names analysis classes this version no longer has
    return index if _signature(schema) == _signature(build_schema()) else None


def _open_latest(index_dir: Path) -> tuple[Index, Schema]:
    """Open the newest generation; a writer in another process may replace it while we read, so retry."""
    for attempt in range(OPEN_RETRIES - 1):
        try:
            index = whoosh_index.open_dir(str(index_dir))
            return index, index.schema
        except FileNotFoundError:
            time.sleep(0.02 * (attempt + 1))
    index = whoosh_index.open_dir(str(index_dir))
    return index, index.schema


def _signature(schema: Schema) -> list[tuple]:
    """What must match for an index to be read with this version's schema (Whoosh's own == is too strict)."""
    return [
        (
            name,
            type(field),
            getattr(field, "analyzer", None),
            getattr(field, "fast_postings", None),
            type(field.format),
            getattr(field.format, "field_boost", None),
            field.stored,
            field.column_type is not None,
        )
        for name, field in sorted(schema.items())
    ]


def item_bands(item: ItemRow) -> tuple[list[tuple[str, str]], str]:
    """An item's text as (band, text) sections in band order, and as one text for snippets."""
    sections = [(s.name if s.name in CANONICAL_SECTIONS else "other", s.text) for s in item.sections]
    # A council's own heading (`Klimavurdering`) is searched as it is printed, and so is a category.
    headings = [s.heading for s in item.sections if s.name not in CANONICAL_SECTIONS] + [item.category or ""]
    content = "\n\n".join(
        text
        for text in [item.title, item.body, *(t for _, t in sections), item.preface, *headings]
        if text and text.strip()
    )
    texts: dict[str, list[str]] = {
        "title": [item.title],
        "presenter": [item.presenter or ""],
        "body": [item.body or "", item.preface or ""],
        "other": headings,
    }
    for name, text in sections:
        texts.setdefault(name, []).append(text)
    # Positions must rise, so the bands go in band order, not in the item's order.
    bands = sorted(((name, "\n\n".join(t)) for name, t in texts.items()), key=lambda band: BANDS.index(band[0]))
    return bands, content


def item_document(item: ItemRow) -> dict:
    """The indexed fields of one agenda item."""
    doc = item.document
    bands, content = item_bands(item)
    text = banded_text([(BANDS.index(name), band_text) for name, band_text in bands])
    fields = {
        "item_id": str(item.id),
        "document": doc.file_name,
        "path": doc.path,
        "committee": doc.committee or "",
        "municipality": doc.municipality or "",
        "dated": "1" if doc.meeting_date else "0",
        "day": doc.meeting_date.toordinal() if doc.meeting_date else 0,
        "number": item.number,
        "page": item.page_start,
        "title_display": item.title,
        "content": content,
        "text": text,
        "folded": "\n\n".join(filter(None, [content, item.presenter])),  # every band, as in search.pg
        "outcome": item.outcome or NO_OUTCOME,
        "document_id": doc.id,
    }
    if item.cases:
        fields["case"] = ",".join(case.case_number for case in item.cases)
    # Empty fields are left out: each field a document has costs the writer, even an empty one.
    if doc.committee:
        fields["committee_key"] = doc.committee.lower()
    if doc.municipality:
        fields["municipality_key"] = doc.municipality.lower()
    if doc.kind:
        fields["kind"] = doc.kind
    if item.closed:
        fields["closed"] = "1"
    if doc.meeting_date:
        fields["meeting_date"] = dt.datetime.combine(doc.meeting_date, dt.time())
    return fields


@contextlib.contextmanager
def reading_index(index_dir: Path) -> Iterator[None]:
    """Any failure to read the index's files is a damaged index: one line and exit code 4."""
    try:
        yield
    except MinutesIndexError:
        raise
    except Exception as exc:  # Whoosh raises EOFError, struct.error, zlib.error … on a damaged file
        raise SearchIndexError(
            f"search index {index_dir} is damaged ({type(exc).__name__}: {str(exc)[:120]}); "
            "run `minutesindex check --repair` to rebuild it from the database"
        ) from exc


def verify_index(index: Index) -> None:
    """Read every segment's stored fields and terms (a damaged file fails here, not in a search)."""
    with index.searcher() as searcher:
        for reader, _ in searcher.reader().leaf_readers():
            for _ in reader.all_stored_fields():
                pass
            for fieldname, text in reader.all_terms():
                reader.doc_frequency(fieldname, text)


def indexed_item_ids(index: Index) -> set[int]:
    """The item ids of the live documents, read from the item_id column (no stored fields loaded)."""
    ids: set[int] = set()
    with index.searcher() as searcher:
        for reader, _ in searcher.reader().leaf_readers():
            if reader.doc_count():
                column = reader.column_reader("item_id")
                ids.update(int(column[docnum]) for docnum in reader.all_doc_ids())
    return ids


def update_index(
    index: Index, add: Iterable[ItemRow], remove: Iterable[int] = (), procs: int = 1, replace: bool = False
) -> int:
    """Remove items by id and add items the index does not hold, in one commit; with `replace`, the
    commit drops every segment the index had (a rebuild).

    Callers add only items missing from the index (sync) or all of them (reindex), so items are
    added, not updated: an update looks each id up in every segment first.
    With procs > 1 (a rebuild of a large index) analysis runs in that many processes, each writing
    its own segment, so the commit does not end in one long single-core merge.

    A rebuild writes its segments beside the old ones, and only its commit, one atomic write of the
    index's table of contents, puts them in place of the old: until then searches read the old
    index, and a rebuild that fails or is killed leaves it as it was.
    """
    from minutesindex.search.segments import GroupedSegmentWriter, add_in_processes  # writing only

    options = _writer_options(limitmb=REBUILD_POOL_MB)
    documents = (item_document(item) for item in add)
    remove_terms = [("item_id", str(item_id)) for item_id in remove]
    if procs > 1:
        return add_in_processes(index, documents, procs, remove=remove_terms, replace=replace, **options)
    writer = GroupedSegmentWriter(index, **options)
    added = 0
    try:
        for fieldname, text in remove_terms:
            writer.delete_by_term(fieldname, text)
        for document in documents:
            writer.add_document(**document)
            added += 1
        writer.commit(mergetype=CLEAR if replace else None)
    except BaseException:
        writer.cancel()
        raise
    return added


class IndexBatch:
    """One Whoosh writer across many documents, committed every `max_items` items or `max_seconds`.

    A commit costs tens of milliseconds whatever its size, so committing per document would cap a
    batch of short digital PDFs at a few documents a second. Searches see a document once its batch
    commits; after a crash, the next ingest adds what the database has and the index lacks.
    """

    def __init__(self, index: Index, max_items: int = 2000, max_seconds: float = 5.0) -> None:
        self.index = index
        self.max_items = max_items
        self.max_seconds = max_seconds
        self._writer = None
        self._pending = 0
        self._opened_at = 0.0

    def add_documents(self, documents: Iterable[dict], remove: Iterable[int] = ()) -> None:
        """Remove items by id, then add item documents (from item_document) of new items.

        New items have ids never used before, so they are added, not updated: an update looks the
        id up in every segment first, which costs more the larger the index grows.
        """
        if self._writer is None:
            from minutesindex.search.segments import GroupedSegmentWriter  # writing only

            self._writer = GroupedSegmentWriter(self.index, **_writer_options(limitmb=256))
            self._opened_at = time.monotonic()
        try:
            for item_id in remove:
                self._writer.delete_by_term("item_id", str(item_id))
            for document in documents:
                self._writer.add_document(**document)
                self._pending += 1
        except BaseException:
            self.cancel()
            raise
        if self._pending >= self.max_items:
            self.commit()
        self.commit_if_due()

    def commit_if_due(self) -> None:
        if self._writer is not None and time.monotonic() - self._opened_at >= self.max_seconds:
            self.commit()

    def commit(self) -> None:
        if self._writer is not None:
            writer, self._writer, self._pending = self._writer, None, 0
            writer.commit()

    def cancel(self) -> None:
        if self._writer is not None:
            writer, self._writer, self._pending = self._writer, None, 0
            writer.cancel()

    def __enter__(self) -> IndexBatch:
        return self

    def __exit__(self, exc_type: type | None, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.cancel()


# Beside the index: the last change of the database's change log the index holds (pipeline.sync_index).
SYNCED_MARK = "synced_change"


def clear_index(index_dir: Path) -> Index:
    """An empty index with this version's schema; it holds no change of the database's log yet."""
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / SYNCED_MARK).unlink(missing_ok=True)
    return whoosh_index.create_in(str(index_dir), build_schema())
