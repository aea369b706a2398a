"""Ingest files: extract → repair → segment → store (one transaction per document) → index."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import re
import stat
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from minutesindex.config import DEFAULT_OCR_LANG, Settings
from minutesindex.errors import BusyError, ClusterError, DatabaseError, InputFileError, SearchIndexError
from minutesindex.ingest.archives import unpack_zip
from minutesindex.ingest.exports import (
    ExportedMeeting,
    export_parts,
    export_system,
    item_pages,
    read_export,
)
from minutesindex.ingest.ocr import OcrResult
from minutesindex.ingest.pdf import iter_text_layer, open_pdf, read_outline
from minutesindex.ingest.tesseract import TesseractUnavailable
from minutesindex.ingest.text import TEXT_SUFFIXES, read_text_pages
from minutesindex.model import OCR_FAILED, ExtractedDocument, OutlineEntry, Page, SegmentedDocument, unread_page
from minutesindex.parallel import Pool, ocr_pool
from minutesindex.repair.danish import LetterRepairer
from minutesindex.repair.lexicon import load_lexicon
from minutesindex.repair.text import repair_pages
from minutesindex.search.index import (
    SYNCED_MARK,
    clear_index,
    indexed_item_ids,
    open_index,
    reading_index,
    update_index,
    verify_index,
)
from minutesindex.search.writer import BackgroundIndexWriter
from minutesindex.segment.cases import read_cases
from minutesindex.segment.document import exported_document, segment_pages
from minutesindex.segment.meeting import settle_from_path
from minutesindex.store.db import (
    WRITER,
    add_vocabulary,
    all_item_ids,
    changes_since,
    delete_document,
    find_by_hash,
    find_document,
    item_ids_of,
    last_change,
    load_items,
    load_vocabulary,
    open_database,
    record_changes,
    richness,
    same_meeting,
    save_document,
    session_scope,
)

SUPPORTED_SUFFIXES = {".pdf"} | TEXT_SUFFIXES
UNPACKED_FOLDER = "unpacked"  # in the home: the zips ingested, unpacked, so their files stay to be opened
_FOLDER_EXPORTS = ("edoc", "acadre", "sbsys")  # exports that name their entry file; JSON is one file
DANISH_WORD = re.compile(r"\b[^\W\d_]*[æøåÆØÅ][^\W\d_]*\b")


@dataclass
class FileOutcome:
    path: Path
    status: str  # ingested | skipped (already stored) | failed | ignored (not a supported file, in a folder)
    reason: str = ""
    pages: int = 0
    ocr_pages: int = 0
    items: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    outcomes: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    watches: dict[str, int] = field(default_factory=dict)  # saved searches the new items match, and how many

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes if o.status == "ingested")

    @property
    def ocr_pages(self) -> int:
        return sum(o.ocr_pages for o in self.outcomes if o.status == "ingested")

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def discover(
    paths: Iterable[Path], unpack_into: Path | None = None, follow_links: bool = False
) -> tuple[list[Path], list[FileOutcome]]:
    """Supported files under the given paths (recursive, sorted); missing paths are failures, other
    files in the folders are ignored (with an outcome that says so).

    An agenda system's export is one input by its entry file (`eDocAgendaPublishing.xml`,
    `XML_<id>.xml`, `Publication<N>.xml`, a FirstAgenda `.json`); the files beside it that belong to
    it are not inputs of their own. A zip is unpacked under `unpack_into` and read like a folder. In a
    folder, a link to a file outside it is skipped (said so) unless `follow_links`."""
    found: list[Path] = []
    problems: list[FileOutcome] = []

    def add_file(candidate: Path, explicit: bool) -> None:
        suffix = candidate.suffix.lower()
        if suffix == ".zip" and unpack_into is not None:
            try:
                check_regular_file(candidate)
                folder = unpack_zip(candidate, unpack_into, content_hash(candidate))
            except InputFileError as exc:
                problems.append(FileOutcome(candidate, "failed", exc.reason))
                return
            except OSError as exc:
                problems.append(FileOutcome(candidate, "failed", f"cannot unpack: {exc.strerror or exc}"))
                return
            walk(folder)
        elif suffix in SUPPORTED_SUFFIXES or export_system(candidate) is not None:
            found.append(candidate)
        elif explicit and suffix == ".xml":
            problems.append(FileOutcome(candidate, "failed", "not an agenda system export this version reads"))
        elif explicit:
            found.append(candidate)  # read, and refused with its reason
        else:
            reason = f"unsupported file type {candidate.suffix or '(none)'}"
            if suffix == ".xml":
                reason = "XML that is no agenda system export this version reads"
            problems.append(FileOutcome(candidate, "ignored", reason))

    def outside(candidate: Path, inside: Path) -> bool:
        return not follow_links and candidate.is_symlink() and not candidate.resolve().is_relative_to(inside)

    def walk(folder: Path) -> None:
        inside = folder.resolve()
        for root, dirs, files in os.walk(folder, followlinks=False):
            dirs.sort()
            entries = [Path(root) / name for name in sorted(files) if export_system(Path(name)) in _FOLDER_EXPORTS]
            if any(export_system(e) in ("edoc", "sbsys") for e in entries):
                dirs[:] = []  # the folder is the export: its PDFs and enclosures are its parts
                found.extend(e for e in entries if export_system(e) in ("edoc", "sbsys"))
                continue
            parts = {part.name for entry in entries for part in export_parts(entry)}
            dirs[:] = [d for d in dirs if d not in parts]
            for name in sorted(files):
                candidate = Path(root) / name
                if outside(candidate, inside):
                    target = shown_path(candidate.resolve())
                    reason = f"a link to {target}, outside the folder given (--follow-links reads it)"
                    problems.append(FileOutcome(candidate, "skipped", reason))
                else:
                    add_file(candidate, explicit=False)

    for path in paths:
        if path.is_dir():
            walk(path)
        elif path.exists() or path.is_symlink():
            add_file(path, explicit=True)
        else:
            problems.append(FileOutcome(path, "failed", "no such file or folder"))
    return found, problems


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


NO_ITEMS_WARNING = "no agenda items found; indexed as one document"
NO_DATE_WARNING = "no meeting date found; date filters leave it out (fix with `minutesindex set-date`)"


@dataclass
class _Pending:
    """A file read as far as its text layer, with its pages' OCR running in the pool."""

    path: Path
    digest: str
    pages: list[Page]
    ocr: dict[int, Future[OcrResult]]
    replaces: bool = False  # the file is stored already and is meant to be replaced (--force, OCR retry)
    outline: list[OutlineEntry] = field(default_factory=list)
    export: ExportedMeeting | None = None  # the meeting as an agenda system's export gives it
    pdf: Path | None = None  # the PDF whose pages these are: the file, or the export's PDF of the meeting

    @property
    def read_from(self) -> Path:
        return self.pdf or self.path


def _read_file(path: Path, digest: str, pool: Pool, reuse: dict[int, Page] | None = None) -> _Pending:
    """Read a file's text, sending the pages without a usable text layer to OCR; `reuse` holds pages
    OCR'd before, which are taken as they were. An export is read for its structure, and its PDF of
    the meeting, where it has one, for the pages."""
    exported = None
    if export_system(path) is not None:
        exported = read_export(path)
        if exported.pdf is None:
            return _Pending(path, digest, item_pages(exported.items), {}, export=exported)
        pdf = exported.pdf
    elif path.suffix.lower() in TEXT_SUFFIXES:
        return _Pending(path, digest, read_text_pages(path), {})
    elif path.suffix.lower() != ".pdf":
        raise InputFileError(path, f"unsupported file type {path.suffix or '(none)'}")
    else:
        pdf = path
    with open_pdf(pdf) as doc:
        pages = list(iter_text_layer(pdf, doc))
        outline = read_outline(doc) if exported is None else []
    reuse = reuse or {}
    for k, page in enumerate(pages):
        earlier = reuse.get(page.number)
        if page.method == "ocr" and earlier is not None and earlier.method == "ocr":
            pages[k] = earlier
    ocr = {p.number: pool.submit(str(pdf), p.number - 1) for p in pages if p.method == "ocr" and p.number not in reuse}
    return _Pending(path, digest, pages, ocr, outline=outline, export=exported, pdf=pdf)


@dataclass
class OcrProgress:
    """Pages sent to OCR and read so far in this ingest, told to `on_pages(read, sent, file name)`."""

    on_pages: Callable[[int, int, str], None] | None = None
    sent: int = 0
    read: int = 0

    def queued(self, pages: int, name: str) -> None:
        self.sent += pages
        if pages and self.on_pages:
            self.on_pages(self.read, self.sent, name)

    def page_read(self, name: str) -> None:
        self.read += 1
        if self.on_pages:
            self.on_pages(self.read, self.sent, name)


def _finish_extraction(pending: _Pending, pool: Pool, progress: OcrProgress | None = None) -> ExtractedDocument:
    source = str(pending.read_from)
    try:
        for number, future in pending.ocr.items():
            page = pending.pages[number - 1]
            try:
                result = pool.result(future, source, number - 1)
            except ClusterError:
                raise  # the batch stops: no page of this file can be read, nothing is half-written
            except TesseractUnavailable as exc:  # no page can be read: the file fails, and says why
                raise InputFileError(pending.read_from, f"OCR failed on page {number}: {exc}") from exc
            except Exception as exc:  # this page is lost to OCR for now, not the document
                result = OcrResult("", None, f"{OCR_FAILED}: {one_line(str(exc) or type(exc).__name__)}")
            warning = "; ".join(w for w in (result.warning, page.warning) if w) or None  # unread first
            page.raw_text, page.confidence, page.warning = result.text, result.confidence, warning
            if progress is not None:
                progress.page_read(pending.path.name)
    finally:
        pool.done_with(source)
    return ExtractedDocument(pending.path, pending.digest, pending.pages, pending.outline)


def process_document(
    extracted: ExtractedDocument, repairer: LetterRepairer | None = None, export: ExportedMeeting | None = None
) -> SegmentedDocument:
    """Repair every page (raw text kept) and segment the document: by its outline or its lines, or,
    for an export, as the export gives it, its items placed on the pages of its PDF."""
    results = repair_pages([page.raw_text for page in extracted.pages], repairer)
    for page, result in zip(extracted.pages, results, strict=True):
        page.text, page.repaired_words, page.mangled = result.text, result.repaired_words, result.mangled
    if export is not None:
        segmented = exported_document(export.meeting, export.items, extracted.pages, placed=export.pdf is not None)
    else:
        segmented = segment_pages(extracted.pages, extracted.outline)
    read_cases(segmented.items)
    return segmented


def home_repairer(settings: Settings, engine: Engine | None = None) -> LetterRepairer:
    """A letter repairer that knows the words read right in this home's documents (none if it has none)."""
    repairer = LetterRepairer(load_lexicon())
    if engine is None and not settings.has_database():
        return repairer
    with session_scope(engine or open_database(settings.db_url)) as session:
        repairer.learn(load_vocabulary(session))
    return repairer


def correctly_read_vocabulary(pages: Iterable[Page]) -> Counter[str]:
    """Words with Danish letters on the pages that were read right (not repaired), for repair to learn."""
    return Counter(word for page in pages if not page.mangled for word in DANISH_WORD.findall(page.text))


@contextmanager
def ingest_lock(settings: Settings, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """One writer per home: a second writer (ingest, reindex, set-date, check --repair) waits for the
    first, and says so (on stderr unless `on_wait` takes the message)."""
    try:
        settings.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = settings.lock_path.open("w")
    except OSError as exc:
        raise DatabaseError(f"the home {settings.home} cannot be written ({exc.strerror}); only reading works") from exc
    with lock_file as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = "another minutesindex process is writing to this home; waiting for it to finish"
            if on_wait:
                on_wait(message)
            else:
                print(message, file=sys.stderr, flush=True)
            try:
                fcntl.flock(fh, fcntl.LOCK_EX)
            except OSError as exc:
                raise BusyError(f"cannot lock {settings.lock_path}: {exc}") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ingest_paths(
    paths: Iterable[Path],
    settings: Settings,
    *,
    force: bool = False,
    workers: int | None = None,
    ocr_lang: str = DEFAULT_OCR_LANG,
    on_file: Callable[[FileOutcome], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    meeting_date: dt.date | None = None,
    scheduler: str | None = None,
    keep_duplicates: bool = False,
    follow_links: bool = False,
    on_pages: Callable[[int, int, str], None] | None = None,
) -> IngestReport:
    """Ingest files and folders; each file lands whole or not at all, and a bad file never stops the batch.
    `meeting_date` dates the meetings whose documents do not give their date; `scheduler` (a Dask
    scheduler's address) sends the scanned pages' OCR to that cluster's workers. A meeting already
    stored from another file is kept once, from the file with more structure, unless `keep_duplicates`.
    Links in folders to files outside them are read only with `follow_links`. `on_pages(read, sent,
    file name)` follows the OCR: pages read and pages sent to it so far."""
    started = time.perf_counter()
    report = IngestReport()
    files, problems = discover(paths, settings.home / "processed" / UNPACKED_FOLDER, follow_links)
    for outcome in problems:
        report.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    if on_total:
        on_total(len(files))
    engine = open_database(settings.db_url)
    with ExitStack() as stack:
        stack.enter_context(ingest_lock(settings, on_wait))
        finished = False
        # Last, once the index writer has committed: what other machines stored meanwhile. A home
        # that searches in its PostgreSQL database has no index: the items' vectors are stored with them.
        if not settings.searches_in_database:
            stack.callback(lambda: finished and _catch_up(engine, settings))
        pool = stack.enter_context(ocr_pool(workers, ocr_lang, settings.ocr_timeout_s, scheduler))
        lookahead = max(2, pool.workers * 2)
        ocr_progress = OcrProgress(on_pages)
        queue: deque[tuple[Path, _Pending | FileOutcome]] = deque()
        remaining = iter(files)

        def fill() -> None:
            while len(queue) < lookahead:
                path = next(remaining, None)
                if path is None:
                    return
                prepared = _prepare(path, engine, pool, force)
                if isinstance(prepared, _Pending):
                    ocr_progress.queued(len(prepared.ocr), path.name)
                queue.append((path, prepared))

        index_writer = None
        load_lexicon()  # before the writer forks, so it inherits the lexicon its analysis needs
        if not settings.searches_in_database:
            index = open_index(settings.index_dir, for_writing=True)
            sync_index(engine, index)
            del index  # from here on, only the writer process writes to it
            index_writer = stack.enter_context(BackgroundIndexWriter(settings.index_dir))
        fill()  # the first pages' OCR runs while the home's vocabulary loads
        repairer = home_repairer(settings, engine)
        while queue:
            path, prepared = queue.popleft()
            if isinstance(prepared, FileOutcome):
                outcome = prepared
            else:
                landing = (index_writer, repairer, meeting_date, keep_duplicates, ocr_progress)
                outcome = _land(prepared, engine, pool, *landing)
            fill()
            report.outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        finished = True
    report.seconds = time.perf_counter() - started
    return report


def _catch_up(engine: Engine, settings: Settings) -> None:
    """After an ingest: the changes other ingests sharing the database made meanwhile, not its own."""
    sync_index(engine, open_index(settings.index_dir, for_writing=True), skip_own=True)


def _prepare(path: Path, engine, pool: Pool, force: bool) -> _Pending | FileOutcome:  # noqa: ANN001
    try:
        if not _utf8_name(path):
            raise InputFileError(path, "file name is not valid UTF-8 (rename the file)")
        if not os.access(path, os.R_OK):
            raise InputFileError(path, "permission denied")
        check_regular_file(path)
        digest = content_hash(path)
        reuse: dict[int, Page] = {}
        with session_scope(engine) as session:
            existing = find_by_hash(session, digest)
            if existing is not None and not force:
                if not any(unread_page(p.warning) for p in existing.pages):
                    return FileOutcome(path, "skipped", f"already ingested as {existing.file_name}")
                # Stored with pages whose OCR timed out: those pages are read again, the others kept.
                reuse = {
                    p.number: Page(p.number, p.raw_text, p.method, p.confidence, warning=p.warning)
                    for p in existing.pages
                    if not unread_page(p.warning)
                }
        pending = _read_file(path, digest, pool, reuse)
        pending.replaces = existing is not None
        return pending
    except InputFileError as exc:
        return FileOutcome(path, "failed", exc.reason)
    except OSError as exc:
        return FileOutcome(path, "failed", exc.strerror or str(exc))
    except ClusterError:
        raise
    except Exception as exc:  # whatever a damaged file makes a library raise, it is that file's failure
        return FileOutcome(path, "failed", f"cannot be read ({type(exc).__name__}: {one_line(str(exc))})")


def one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# The largest input read: a year of a council's scanned minutes is under 1 GB.
MAX_FILE_BYTES = 4_000_000_000


def check_regular_file(path: Path) -> None:
    """Only regular files are read, and only up to MAX_FILE_BYTES: a FIFO, a device (a link to
    /dev/zero) or a socket would block or never end."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(path, "not a regular file (a FIFO, device or socket); only regular files are read")
    if info.st_size > MAX_FILE_BYTES:
        raise InputFileError(path, f"file larger than {MAX_FILE_BYTES // 1_000_000_000} GB")


def _claim(session, digest: str) -> None:  # noqa: ANN001 - Session
    """On a database several ingests share (PostgreSQL), hold the file's content hash for this
    transaction, so that two machines that see the same file store it once: the second waits, then
    finds it stored. (On SQLite one ingest writes at a time anyway.)"""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:digest))"), {"digest": digest})


def _utf8_name(path: Path) -> bool:
    """Whether the path can be stored and shown as text (a name in Latin-1 from an old export is not)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown_path(path: Path) -> str:
    """A path as text that any terminal or log can show on one line: bytes that are not UTF-8 as
    `\xff`, control characters escaped (`\n`), so a file name cannot forge a line of the output."""
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return _PATH_CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _land(  # noqa: ANN001, PLR0913 - Engine
    pending: _Pending,
    engine,
    pool: Pool,
    index_writer: BackgroundIndexWriter | None,
    repairer: LetterRepairer,
    meeting_date: dt.date | None = None,
    keep_duplicates: bool = False,
    progress: OcrProgress | None = None,
) -> FileOutcome:
    path = pending.path
    try:
        extracted = _finish_extraction(pending, pool, progress)
        segmented = process_document(extracted, repairer, pending.export)
        path_notes = settle_from_path(segmented.meeting, pending.path)
        if segmented.meeting.meeting_date is None:
            segmented.meeting.meeting_date = meeting_date
    except InputFileError as exc:
        return FileOutcome(path, "failed", exc.reason)
    except ClusterError:
        raise
    except Exception as exc:  # an unexpected failure in one file must not stop the batch
        return FileOutcome(path, "failed", f"{type(exc).__name__}: {exc}")
    with session_scope(engine) as session:
        replaced: list[int] = []
        _claim(session, pending.digest)
        existing = find_by_hash(session, pending.digest)
        if existing is not None and not pending.replaces:  # another ingest stored it in the meantime
            return FileOutcome(path, "skipped", f"already ingested as {existing.file_name} (by another ingest)")
        if existing is not None:
            replaced = delete_document(session, existing)
        notes: list[str] = path_notes
        twin = None if keep_duplicates else same_meeting(session, segmented, exclude=existing.id if existing else None)
        if twin is not None:
            if richness(twin.structure_source, len(twin.items), twin.page_count) >= richness(
                segmented.source, len(segmented.items), len(extracted.pages)
            ):
                session.rollback()
                reason = f"same meeting as {twin.file_name} (id {twin.id}), which has as much structure or more"
                return FileOutcome(path, "skipped", reason)
            notes.append(f"replaces {twin.file_name}, the same meeting with less structure")
            replaced += delete_document(session, twin)
        items = save_document(session, extracted, segmented, pdf_path=pending.pdf if pending.export else None).items
        learned = correctly_read_vocabulary(extracted.pages)
        add_vocabulary(session, learned)
    repairer.learn(learned)
    # Committed; the rows stay loaded (no expiry on commit), so the index gets them without a re-query.
    if index_writer is not None:
        index_writer.add(items, remove=replaced)
    warnings = [f"page {p.number}: {p.warning}" for p in extracted.pages if p.warning]
    warnings += (pending.export.warnings if pending.export else []) + notes
    if not segmented.segmented:
        warnings.append(NO_ITEMS_WARNING)
    if segmented.meeting.meeting_date is None:
        warnings.append(NO_DATE_WARNING)
    return FileOutcome(
        path,
        "ingested",
        pages=len(extracted.pages),
        ocr_pages=sum(1 for p in extracted.pages if p.method == "ocr"),
        items=len(segmented.items),
        warnings=warnings,
    )


def sync_index(engine, index, skip_own: bool = False, full: bool = False) -> tuple[int, int]:  # noqa: ANN001
    """Bring the index in line with the database: apply the change log since the index's mark
    (items added, replaced or updated there, by this machine or another sharing the database), or,
    for an index without a mark (after a crash, or made by an earlier version), add the items it
    lacks and drop the ones it should not hold (also with `full`, as `check --repair` does). With
    skip_own, this process's own changes, which it indexed as it wrote them, are not applied again.
    Returns (added, removed)."""
    mark = Path(index.storage.folder) / SYNCED_MARK
    with session_scope(engine) as session:
        last = last_change(session)
        since = None if full else _read_mark(mark)
        if since is None:
            in_db, in_index = all_item_ids(session), indexed_item_ids(index)
            missing, stale = in_db - in_index, in_index - in_db
            if missing or stale:
                update_index(index, load_items(session, sorted(missing)), remove=sorted(stale))
            _write_mark(mark, last)
            return len(missing), len(stale)
        changed: dict[int, str] = {}
        for change in changes_since(session, since):
            if not (skip_own and change.writer == WRITER):
                changed[change.item_id] = change.action
        current = {item.id: item for item in load_items(session, sorted(changed))} if changed else {}
        removed = sorted(item_id for item_id in changed if item_id not in current)
        if changed:
            update_index(index, current.values(), remove=sorted(changed))
        _write_mark(mark, last)
    return len(current), len(removed)


def _read_mark(mark: Path) -> int | None:
    try:
        return int(mark.read_text().strip())
    except (OSError, ValueError):
        return None


def _write_mark(mark: Path, seq: int) -> None:
    temporary = mark.with_suffix(".tmp")
    temporary.write_text(f"{seq}\n")
    os.replace(temporary, mark)


def sync(settings: Settings) -> tuple[int, int]:
    """Bring this home's search index up to the database: add the items other ingests (machines
    sharing a PostgreSQL database) stored, drop the ones they replaced. Returns (added, removed)."""
    if settings.searches_in_database:
        return 0, 0  # no index to bring up: the search runs in the database
    engine = open_database(settings.db_url)
    with ingest_lock(settings), reading_index(settings.index_dir):
        return sync_index(engine, open_index(settings.index_dir, for_writing=True))


MEETING_FIELDS = ("meeting_date", "committee", "municipality", "kind")


def set_meeting(settings: Settings, document: str, **fields: object) -> tuple[str, int]:
    """Set fields of a document's meeting (MEETING_FIELDS: what the text did not give, or gave
    wrong), in the database and the search index. `document` is its id, its file name or its path.
    Returns the file name and the number of items updated."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValueError(f"not a meeting field: {', '.join(sorted(unknown))}")
    engine = open_database(settings.db_url)
    with ingest_lock(settings), session_scope(engine) as session:
        row = find_document(session, document)
        for name, value in fields.items():
            setattr(row, name, value)
        items = load_items(session, item_ids_of(session, row.id))
        record_changes(session, [item.id for item in items], "update")
        if settings.searches_in_database:
            from minutesindex.search.pg import copy_meeting

            session.flush()
            copy_meeting(session, row.id)
        else:
            update_index(open_index(settings.index_dir, for_writing=True), items, remove=[item.id for item in items])
        return row.file_name, len(items)


# Items a rebuild loads from the database at a time: what it holds is bounded by this, not by the
# archive (all 100,000 items with their sections as objects took 1.6 GB, held while the writers forked).
REINDEX_BATCH = 2000


def reindex(settings: Settings) -> int:
    """Rebuild the search index from the database, reading the items REINDEX_BATCH at a time (in a
    home that searches in its database: every item's vector)."""
    engine = open_database(settings.db_url)
    if settings.searches_in_database:
        with ingest_lock(settings):
            with session_scope(engine) as session:
                ids = sorted(all_item_ids(session))
            engine.dispose()
            return _write_vectors(settings.db_url, ids, procs=os.cpu_count() or 1)
    with ingest_lock(settings):
        with session_scope(engine) as session:
            last = last_change(session)  # read first: later changes are applied again by the next sync
            ids = sorted(all_item_ids(session))
        engine.dispose()
        try:
            index = open_index(settings.index_dir, for_writing=True)
        except SearchIndexError:  # damaged beyond opening: nothing of it is worth serving meanwhile
            index = clear_index(settings.index_dir)
        count = update_index(index, _items_in_batches(settings.db_url, ids), procs=os.cpu_count() or 1, replace=True)
        _write_mark(settings.index_dir / SYNCED_MARK, last)
        return count


def _items_in_batches(db_url: str, ids: list[int]) -> Iterator:
    """The items by id, REINDEX_BATCH at a time, each batch in a session of its own. The database is
    opened on the first item asked for: after the rebuild's writer processes have forked, so nothing
    of it crosses a fork."""
    engine = open_database(db_url)
    try:
        for start in range(0, len(ids), REINDEX_BATCH):
            with session_scope(engine) as session:
                yield from load_items(session, ids[start : start + REINDEX_BATCH])
    finally:
        engine.dispose()


def _write_vectors(db_url: str, ids: list[int], procs: int = 1) -> int:
    """Write the search vectors of these items (a home that searches in its database): in `procs`
    processes, each its share of the items REINDEX_BATCH at a time, a transaction per batch."""
    from minutesindex.parallel import start_helper

    if procs <= 1 or len(ids) <= REINDEX_BATCH:
        _vector_writer(db_url, ids)
        return len(ids)
    writers = [
        start_helper(_vector_writer, (db_url, ids[k::procs]), name="minutesindex-vector-writer") for k in range(procs)
    ]
    try:
        for writer in writers:
            writer.join()
    finally:
        for writer in writers:
            if writer.is_alive():
                writer.terminate()
    stopped = [writer.exitcode for writer in writers if writer.exitcode != 0]
    if stopped:
        raise DatabaseError(f"a search vector writer process stopped (exit code {stopped[0]}); run reindex again")
    return len(ids)


def _vector_writer(db_url: str, ids: list[int]) -> None:
    from minutesindex.search.pg import write_terms

    engine = open_database(db_url)
    try:
        for start in range(0, len(ids), REINDEX_BATCH):
            with session_scope(engine) as session:
                write_terms(session, load_items(session, ids[start : start + REINDEX_BATCH]))
    finally:
        engine.dispose()


def _check_vectors(engine: Engine, db_url: str, repair: bool) -> dict:
    """check for a home that searches in its database: every item has a vector of this version."""
    from minutesindex.search.pg import term_ids

    with session_scope(engine) as session:
        in_db = all_item_ids(session)
        with_vector, outdated = term_ids(session)
    missing = sorted((in_db - with_vector) | (outdated & in_db))
    result = {
        "items_in_database": len(in_db),
        "items_in_index": len(with_vector & in_db) - len(outdated & in_db),
        "missing_from_index": missing,
        "stale_in_index": [],
    }
    if repair and missing:
        _write_vectors(db_url, missing)
        result["repaired"] = True
    return result


def check(settings: Settings, repair: bool = False) -> dict:
    """Compare the index with the database; with repair, fix the differences from the database.

    The SQLite file passes SQLite's own quick_check first (garbage inside it is exit 3), and every
    segment of the index is read through (a damaged one is exit 4, or with repair, rebuilt)."""
    engine = open_database(settings.db_url)
    _check_database_file(engine)
    if settings.searches_in_database:
        with ingest_lock(settings) if repair else nullcontext():
            return _check_vectors(engine, settings.db_url, repair)
    try:
        with reading_index(settings.index_dir):
            index = open_index(settings.index_dir, for_writing=repair)
            verify_index(index)
            with session_scope(engine) as session:
                in_db, in_index = all_item_ids(session), indexed_item_ids(index)
    except SearchIndexError:
        if not repair:
            raise
        count = reindex(settings)
        return {"items_in_database": count, "items_in_index": count, "missing_from_index": [],
                "stale_in_index": [], "repaired": True, "rebuilt": True}  # fmt: skip
    result = {
        "items_in_database": len(in_db),
        "items_in_index": len(in_index),
        "missing_from_index": sorted(in_db - in_index),
        "stale_in_index": sorted(in_index - in_db),
    }
    if repair and (result["missing_from_index"] or result["stale_in_index"]):
        with ingest_lock(settings):
            sync_index(engine, index, full=True)
        result["repaired"] = True
    return result


def _check_database_file(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with session_scope(engine) as session:
        problems = [row for (row,) in session.execute(text("PRAGMA quick_check"))]
    if problems != ["ok"]:
        raise DatabaseError(f"the database file is damaged (SQLite quick_check: {'; '.join(problems[:3])})")
