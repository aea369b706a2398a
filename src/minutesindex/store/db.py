"""Open the database and read and write documents, each document in one transaction."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import socket
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, func, inspect, make_url, or_, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from minutesindex.errors import DatabaseError, NotFoundError, QuerySyntaxError
from minutesindex.model import STRUCTURE_SOURCES, UNREAD_PAGE_WARNINGS, ExtractedDocument, SegmentedDocument
from minutesindex.store.tables import (
    AttachmentRow,
    ChangeRow,
    DocumentRow,
    ItemCaseRow,
    ItemRow,
    PageRow,
    SectionRow,
    VocabularyRow,
    VoteRow,
)

# Who writes this process's changes: the index this process writes to already holds them.
WRITER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

# A server that accepts and never answers must not hang a command: seconds to connect, and to run any
# one statement of ours (a whole document is written in statements far shorter than this).
PG_CONNECT_TIMEOUT_S = 10
SCHEMA_LOCK_KEY = 7_361_206_150  # the advisory lock that serialises creating and upgrading the schema
PG_STATEMENT_TIMEOUT_MS = 300_000


def shown_url(url: str) -> str:
    """The database URL as error messages show it: never with its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL: show only its scheme
        return url.split(":", 1)[0] + "://…"


def _connect_args(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"timeout": 60}
    if url.startswith("postgresql"):
        return {"connect_timeout": PG_CONNECT_TIMEOUT_S, "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}"}
    return {}


def _read_only_sqlite(url: str) -> str | None:
    """For a SQLite file in a folder this process may not write (a home on a read-only share or
    disk) and closed cleanly (no WAL left), the URL that opens it read-only and immutable: opened
    as usual, SQLite would have to create the WAL's -shm file there."""
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    if not path.exists() or os.access(path.parent, os.W_OK):
        return None
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:  # SQLite reads it (with its -shm) read-only by itself
        return None
    return f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"


def open_database(url: str) -> Engine:
    """Create the engine and the tables; SQLite gets WAL so searches read while an ingest writes. A
    home that may not be written is opened read-only: reading commands work, writing ones fail."""
    try:
        read_only = _read_only_sqlite(url)
        if read_only:
            return create_engine(read_only, connect_args={"timeout": 60})
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=_connect_args(url))
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":  # several ingests may open a new database at once
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            migrate(connection)
        if engine.dialect.name == "sqlite":
            _add_sqlite_search(engine)
    except ModuleNotFoundError as exc:  # the URL names a driver that is not installed
        raise DatabaseError(f"cannot open database {shown_url(url)}: driver {exc.name} is not installed") from exc
    except (SQLAlchemyError, OSError) as exc:
        raise DatabaseError(f"cannot open database {shown_url(url)}: {_message(exc, url)}") from exc
    return engine


def _message(exc: Exception, url: str) -> str:
    """A database failure in one line: no password, and a damaged SQLite file called so."""
    message = _without_password(str(exc).splitlines()[0].replace(url, shown_url(url)), url)
    if "malformed" in message or "not a database" in message:
        message = f"the database file is damaged ({message})"
    return message


def _without_password(message: str, url: str) -> str:
    try:
        password = make_url(url).password
    except Exception:
        return message
    return message.replace(password, "***") if password else message


MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The revision of the schema the versions before migrations made (see migrations/versions/0001).
BASELINE = "0001"


def head_revision() -> str:
    """The newest migration's revision: each migration's file name begins with its revision
    (`versions/0004_preface_municipality.py`), as a test holds to Alembic's own reading."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def migrate(connection: Connection) -> None:
    """Bring the schema to this version's (Alembic's head): create it in an empty database, and
    upgrade in place a database an earlier version made, whether or not it has a revision yet. A
    database at the head is left as it is without loading Alembic (a fifth of a 200-page ingest)."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:
        current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if current == head_revision():
            return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    if "alembic_version" not in tables and "documents" in tables:
        command.stamp(config, BASELINE)  # made before migrations: it has the baseline schema
    command.upgrade(config, "head")


# SQLite only, for datasette and any SQL tool: full-text search over each item's title and text
# (rowid = items.id, written in the transaction that writes the item), and a decision table view.
_FTS_TABLE = "CREATE VIRTUAL TABLE items_fts USING fts5(title, text, terms, tokenize = 'unicode61 remove_diacritics 0')"
_DECISIONS_VIEW = """
CREATE VIEW IF NOT EXISTS decisions AS
SELECT d.meeting_date, d.committee, d.kind, i.number, i.title,
       (SELECT group_concat(s.text, char(10) || char(10)) FROM sections s
         WHERE s.item_id = i.id AND s.name = 'indstilling') AS indstilling,
       (SELECT group_concat(s.text, char(10) || char(10)) FROM sections s
         WHERE s.item_id = i.id AND s.name IN ('beslutning', 'referat')) AS decision,
       i.outcome, i.page_start AS page, d.path, i.id AS item_id
FROM items i JOIN documents d ON d.id = i.document_id
ORDER BY d.meeting_date, d.id, i.position
"""


def _add_sqlite_search(engine: Engine) -> None:
    """The FTS5 table (filled from the items already stored when it is new, or made by a version
    without its `terms` column) and the decisions view."""
    with engine.begin() as connection:
        columns = [row[1] for row in connection.execute(text("PRAGMA table_info(items_fts)"))]
        if columns and "terms" not in columns:
            connection.execute(text("DROP TABLE items_fts"))
        if "terms" not in columns:
            connection.execute(text(_FTS_TABLE))
            rows = connection.execute(
                text(
                    "SELECT i.id, i.title, i.body || char(10) || coalesce((SELECT group_concat(s.text, char(10)) "
                    "FROM sections s WHERE s.item_id = i.id), '') FROM items i"
                )
            ).all()
            for item_id, title, body in rows:
                connection.execute(text(_FTS_INSERT), {"id": item_id, "title": title, "text": body,
                                                       "terms": search_terms(f"{title}\n{body}")})  # fmt: skip
        connection.execute(text(_DECISIONS_VIEW))


_FTS_INSERT = "INSERT INTO items_fts(rowid, title, text, terms) VALUES (:id, :title, :text, :terms)"


def search_terms(text: str) -> str:
    """What SQL's full-text search (datasette, any SQLite tool) needs besides the text to match as
    `minutesindex search` does: each word's spellings without Danish letters (`boernehus` and
    `bornehus` for `børnehus`, `aarhus` and `arhus` for `århus`), its base form (`takst` for
    `taksterne`) and its compound parts (`aftale` in `samarbejdsaftalen`), once each."""
    from minutesindex.repair.lexicon import load_lexicon
    from minutesindex.search.analysis import compound_parts, fold

    lexicon = load_lexicon()
    terms: dict[str, None] = {}
    for word in re.findall(r"[^\W\d_]{2,}", text.lower()):
        for form in (word, lexicon.base_form(word), *compound_parts(word)):
            for term in (form, form.replace("æ", "ae").replace("ø", "oe").replace("å", "aa"), fold(form)):
                if term != word:
                    terms[term] = None
    return " ".join(terms)


def item_text(item: ItemRow) -> str:
    """Every word an item holds: title, body, sections (with their headings), attachments, preface."""
    parts = [item.title, item.presenter or "", item.body or "", item.preface or ""]
    parts += [f"{section.heading}\n{section.text}" for section in item.sections]
    parts += [f"{attachment.label} {attachment.title}" for attachment in item.attachments]
    return "\n".join(parts)


def set_votes(item: ItemRow) -> None:
    """The votes the item's decision records (segment.votes), and their result."""
    from minutesindex.export import final_decision
    from minutesindex.segment.votes import read_votes

    read = read_votes(final_decision(item))
    item.votes = [
        VoteRow(
            position=k,
            side=v.side,
            count=v.count,
            parties=", ".join(v.parties) or None,
            names="\n".join(v.names) or None,
        )  # fmt: skip
        for k, v in enumerate(read.votes if read else [])
    ]
    item.vote_result = read.result if read else None


def write_search_rows(session: Session, items: Sequence[ItemRow], remove: Sequence[int] = ()) -> None:
    """What the database searches by, in the transaction that writes the items: SQLite's FTS5 table
    (datasette), PostgreSQL's vectors (search.pg; a removed item's row goes with it)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from minutesindex.search.pg import write_terms

        write_terms(session, items)
        return
    if dialect != "sqlite":
        return
    for item_id in remove:
        session.execute(text("DELETE FROM items_fts WHERE rowid = :id"), {"id": item_id})
    for item in items:
        body = "\n".join([item.body or "", *(s.text for s in item.sections)])
        terms = search_terms(f"{item.title}\n{body}")
        session.execute(text(_FTS_INSERT), {"id": item.id, "title": item.title, "text": body, "terms": terms})


def record_changes(session: Session, item_ids: Iterable[int], action: str) -> None:
    session.add_all(ChangeRow(item_id=item_id, action=action, writer=WRITER) for item_id in item_ids)


def changes_since(session: Session, seq: int) -> list[ChangeRow]:
    return list(session.scalars(select(ChangeRow).where(ChangeRow.seq > seq).order_by(ChangeRow.seq)))


def last_change(session: Session) -> int:
    return session.scalar(select(func.max(ChangeRow.seq))) or 0


def delete_document(session: Session, row: DocumentRow) -> list[int]:
    """Delete a document with everything it holds; returns the ids its items had."""
    ids = item_ids_of(session, row.id)
    record_changes(session, ids, "remove")
    write_search_rows(session, [], remove=ids)
    session.delete(row)
    session.flush()
    return ids


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API connection
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            url = session.get_bind().url.render_as_string(False)
            raise DatabaseError(f"database error: {_message(exc, url)}") from exc
        except BaseException:
            session.rollback()
            raise


def find_by_hash(session: Session, content_hash: str) -> DocumentRow | None:
    return session.scalar(select(DocumentRow).where(DocumentRow.content_hash == content_hash))


def find_document(session: Session, document: str) -> DocumentRow:
    """A document by its id, its path as ingested, or its file name (which must name one only)."""
    if document.isdigit():
        row = session.get(DocumentRow, int(document)) if int(document) < 2**63 else None
        if row is not None:
            return row
    path = str(Path(document).resolve())
    rows = list(session.scalars(select(DocumentRow).where(DocumentRow.path.in_([document, path]))))
    rows = rows or list(session.scalars(select(DocumentRow).where(DocumentRow.file_name == Path(document).name)))
    if not rows:
        raise NotFoundError(f"no document {document!r} (give its id, path or file name)")
    if len(rows) > 1:
        raise QuerySyntaxError(
            f"{document!r} names {len(rows)} documents; give one of: {', '.join(r.path for r in rows)}"
        )
    return rows[0]


def item_ids_of(session: Session, document_id: int) -> list[int]:
    return list(session.scalars(select(ItemRow.id).where(ItemRow.document_id == document_id)))


def save_document(
    session: Session, extracted: ExtractedDocument, segmented: SegmentedDocument, pdf_path: Path | None = None
) -> DocumentRow:
    """Add a document with its pages, items, sections and attachments (the caller commits once);
    `pdf_path` is the PDF an export names whose pages these are."""
    meeting = segmented.meeting
    row = DocumentRow(
        path=str(extracted.path),
        file_name=extracted.file_name,
        content_hash=extracted.content_hash,
        committee=meeting.committee,
        meeting_date=meeting.meeting_date,
        kind=meeting.kind,
        municipality=meeting.municipality,
        participants="\n".join(meeting.participants) or None,
        absentees="\n".join(meeting.absentees) or None,
        page_count=len(extracted.pages),
        segmented=segmented.segmented,
        structure_source=segmented.source,
        pdf_path=str(pdf_path) if pdf_path else None,
        ingested_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
    )
    row.pages = [
        PageRow(
            number=p.number,
            method=p.method,
            confidence=p.confidence,
            raw_text=p.raw_text,
            text=p.text,
            repaired_words=p.repaired_words,
            warning=p.warning,
        )
        for p in extracted.pages
    ]
    row.items = []
    for position, item in enumerate(segmented.items):
        item_row = ItemRow(
            position=position,
            number=item.number,
            title=item.title,
            presenter=item.presenter,
            category=item.category,
            page_start=item.page_start,
            page_end=item.page_end,
            body=item.body,
            preface=item.preface or None,
            closed=item.closed,
            case_number=item.case_number,
        )
        item_row.sections = [
            SectionRow(position=k, name=s.name, heading=s.heading, text=s.text, raw_text=s.raw_text)
            for k, s in enumerate(item.sections)
        ]
        item_row.attachments = [
            AttachmentRow(position=k, label=a.label, title=a.title, url=a.url) for k, a in enumerate(item.attachments)
        ]
        item_row.cases = [ItemCaseRow(case_number=number, position=k) for k, number in enumerate(item.case_numbers)]
        row.items.append(item_row)
    session.add(row)
    session.flush()
    from minutesindex.export import item_outcome
    from minutesindex.segment.personal import cpr_numbers

    for item_row in row.items:
        item_row.outcome = item_outcome(item_row) or None
        item_row.has_cpr = bool(cpr_numbers(item_text(item_row)))
        set_votes(item_row)
    write_search_rows(session, row.items)
    record_changes(session, [item.id for item in row.items], "add")
    return row


def richness(source: str | None, items: int, pages: int) -> tuple:
    """How much structure a stored meeting has, to keep the richer of two copies: where its items
    came from (an export over an outline over a text layer's layout over plain or OCR'd text), then
    how many items it has (a full referat over one item's extract), then its pages."""
    rank = STRUCTURE_SOURCES[::-1].index(source) if source in STRUCTURE_SOURCES else -1
    return rank, items, pages


# Two documents are one meeting when, besides committee, date and kind, this share of the items of
# the one with fewer items have a title the other has (a per-item extract has one item; the same
# referat read twice has all).
SAME_MEETING_TITLES = 0.6


def same_meeting(session: Session, segmented: SegmentedDocument, exclude: int | None = None) -> DocumentRow | None:
    """A stored document of the same meeting (committee, date and kind agree, and the item titles),
    as an export and its PDF, a referat and an extract of its items, a PDF and its scan are."""
    meeting = segmented.meeting
    if meeting.meeting_date is None or not segmented.segmented:
        return None
    from minutesindex.segment.items import words_of

    committee = words_of(meeting.committee or "")
    titles = {words_of(item.title)[:40] for item in segmented.items if item.title}
    query = select(DocumentRow).where(DocumentRow.meeting_date == meeting.meeting_date, DocumentRow.segmented.is_(True))
    for row in session.scalars(query.options(selectinload(DocumentRow.items))):
        if row.id == exclude or (meeting.kind and row.kind and meeting.kind != row.kind):
            continue
        other = words_of(row.committee or "")
        if not (committee and other and (committee in other or other in committee)):
            continue
        stored = {words_of(item.title)[:40] for item in row.items if item.title}
        fewer = min(len(titles), len(stored))
        if fewer and _shared_titles(titles, stored) >= SAME_MEETING_TITLES * fewer:
            return row
    return None


# Two titles are the same where they differ in no more than this share of their letters: a scan's
# OCR of a title against the text layer's (`Særlige pladser på plejecentret` read as `Saerlige
# pladser pa plejecentret` differs in 3 of 32).
SAME_TITLE_RATIO = 0.85


def _shared_titles(titles: set[str], stored: set[str]) -> int:
    exact = titles & stored
    rest = titles - exact
    others = list(stored - exact)
    near = sum(1 for t in rest if any(difflib.SequenceMatcher(None, t, o).ratio() >= SAME_TITLE_RATIO for o in others))
    return len(exact) + near


def load_items(session: Session, item_ids: Sequence[int] | None = None) -> list[ItemRow]:
    """Items with their document, sections and attachments, in meeting and agenda order."""
    query = (
        select(ItemRow)
        .join(ItemRow.document)
        .options(
            selectinload(ItemRow.sections),
            selectinload(ItemRow.attachments),
            selectinload(ItemRow.cases),
            selectinload(ItemRow.votes),
            selectinload(ItemRow.document),
        )
        .order_by(DocumentRow.meeting_date, DocumentRow.file_name, ItemRow.position)
    )
    if item_ids is not None:
        query = query.where(ItemRow.id.in_(list(item_ids)))
    return list(session.scalars(query))


def latest_documents(session: Session, limit: int, offset: int = 0) -> list[tuple[DocumentRow, int]]:
    """Documents with their item counts, newest meeting first (undated last)."""
    item_count = func.count(ItemRow.id).label("item_count")
    counts = select(ItemRow.document_id, item_count).group_by(ItemRow.document_id).subquery()
    query = (
        select(DocumentRow, func.coalesce(counts.c.item_count, 0))
        .outerjoin(counts, counts.c.document_id == DocumentRow.id)
        .order_by(DocumentRow.meeting_date.desc().nulls_last(), DocumentRow.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(row, items) for row, items in session.execute(query).all()]


def all_item_ids(session: Session) -> set[int]:
    return set(session.scalars(select(ItemRow.id)))


def add_vocabulary(session: Session, counts: Mapping[str, int]) -> None:
    """Add word counts to the vocabulary (in the caller's transaction)."""
    words = sorted(counts)
    for start in range(0, len(words), 500):
        chunk = words[start : start + 500]
        rows = session.scalars(select(VocabularyRow).where(VocabularyRow.word.in_(chunk)))
        existing = {row.word: row for row in rows}
        for word in chunk:
            if word in existing:
                existing[word].count += counts[word]
            else:
                session.add(VocabularyRow(word=word, count=counts[word]))


def load_vocabulary(session: Session, min_count: int = 1) -> dict[str, int]:
    rows = session.execute(select(VocabularyRow.word, VocabularyRow.count).where(VocabularyRow.count >= min_count))
    return dict(rows.all())


def committees(session: Session) -> list[str]:
    """The committees of the stored documents, as stored."""
    return sorted(c for (c,) in session.execute(select(DocumentRow.committee).distinct()) if c)


def statistics(session: Session) -> dict:
    def count(column) -> int:  # noqa: ANN001 - a SQLAlchemy column
        return session.scalar(select(func.count(column))) or 0

    per_committee = session.execute(
        select(DocumentRow.committee, func.count(DocumentRow.id), func.sum(DocumentRow.page_count))
        .group_by(DocumentRow.committee)
        .order_by(DocumentRow.committee)
    ).all()
    items_per_committee = dict(
        session.execute(
            select(DocumentRow.committee, func.count(ItemRow.id)).join(ItemRow.document).group_by(DocumentRow.committee)
        ).all()
    )
    return {
        "documents": count(DocumentRow.id),
        "pages": count(PageRow.id),
        "ocr_pages": session.scalar(select(func.count(PageRow.id)).where(PageRow.method == "ocr")) or 0,
        # Pages whose OCR timed out: empty until the next ingest reads them again.
        "ocr_failed_pages": session.scalar(
            select(func.count(PageRow.id)).where(
                or_(*(PageRow.warning.like(f"{prefix}%") for prefix in UNREAD_PAGE_WARNINGS))
            )
        )
        or 0,
        "repaired_words": session.scalar(select(func.coalesce(func.sum(PageRow.repaired_words), 0))) or 0,
        "items": count(ItemRow.id),
        "undated_documents": session.scalar(
            select(func.count(DocumentRow.id)).where(DocumentRow.meeting_date.is_(None))
        )
        or 0,
        "unsegmented_documents": session.scalar(
            select(func.count(DocumentRow.id)).where(DocumentRow.segmented.is_(False))
        )
        or 0,
        "structure_sources": dict(
            session.execute(
                select(func.coalesce(DocumentRow.structure_source, ""), func.count(DocumentRow.id)).group_by(
                    DocumentRow.structure_source
                )
            ).all()
        ),
        "closed_items": session.scalar(select(func.count(ItemRow.id)).where(ItemRow.closed.is_(True))) or 0,
        "cpr_items": session.scalar(select(func.count(ItemRow.id)).where(ItemRow.has_cpr.is_(True))) or 0,
        "committees": [
            {"committee": c or "", "documents": d, "pages": int(p or 0), "items": items_per_committee.get(c, 0)}
            for c, d, p in per_committee
        ],
    }
