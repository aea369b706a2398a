"""The library API: one archive of minutes (a home), what the command line does, callable from Python.

from minutesindex import Archive

archive = Archive("data")
archive.ingest(["referater/"])
for hit in archive.search("takstmodel", committee="teknik og miljø", since=dt.date(2024, 1, 1)):
    print(hit.meeting_date, hit.title, f"{hit.path}:{hit.page}")
archive.export_decisions("beslutninger.xlsx")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from minutesindex.config import DEFAULT_OCR_LANG, Settings, load_settings
from minutesindex.dates import parse_date
from minutesindex.errors import NoHomeError, NotFoundError, QuerySyntaxError, UnknownCommitteeError
from minutesindex.model import Attachment, Section
from minutesindex.watch import Watch


@dataclass
class ItemRecord:
    """One agenda item as the library gives it: plain values, its meeting's with it."""

    item_id: int
    document: str  # the file's name
    path: str  # the file as ingested
    committee: str | None
    municipality: str | None
    kind: str | None  # referat | dagsorden
    meeting_date: dt.date | None
    number: str
    title: str
    presenter: str | None
    page_start: int
    page_end: int
    body: str
    sections: list[Section]  # in the order printed, each under its canonical name
    attachments: list[Attachment]
    outcome: str | None
    closed: bool
    case_number: str | None
    structure_source: str | None  # export | outline | layout | text
    segmented: bool  # False: no agenda item was found; this is the whole document
    document_id: int = 0  # its meeting's document (Archive.meeting)
    has_cpr: bool = False  # its text prints a CPR number (personal data)
    votes: list[str] = field(default_factory=list)  # `for 20 (A, F, Ø)`, one per side its decision records
    vote_result: str | None = None  # vedtaget | forkastet
    case_numbers: list[str] = field(default_factory=list)  # every case it names, normalised

    def section_text(self, name: str) -> str:
        return "\n\n".join(s.text for s in self.sections if s.name == name)


def _record(row) -> ItemRecord:  # noqa: ANN001 - an ItemRow, sections and document loaded
    from minutesindex.export import vote_text

    doc = row.document
    return ItemRecord(
        item_id=row.id,
        document=doc.file_name,
        path=doc.path,
        committee=doc.committee,
        municipality=doc.municipality,
        kind=doc.kind,
        meeting_date=doc.meeting_date,
        number=row.number,
        title=row.title,
        presenter=row.presenter,
        page_start=row.page_start,
        page_end=row.page_end,
        body=row.body or "",
        sections=[Section(s.name, s.heading, s.text, s.raw_text) for s in row.sections],
        attachments=[Attachment(a.label, a.title, a.url) for a in row.attachments],
        outcome=row.outcome,
        closed=row.closed,
        case_number=row.case_number,
        has_cpr=row.has_cpr,
        votes=[vote_text(vote) for vote in row.votes],
        vote_result=row.vote_result,
        case_numbers=[case.case_number for case in row.cases],
        structure_source=doc.structure_source,
        segmented=doc.segmented,
        document_id=doc.id,
    )


@dataclass
class MeetingRecord:
    """One stored document of a meeting (a referat or dagsorden), as the library gives it."""

    document_id: int
    document: str  # the file's name
    path: str
    committee: str | None
    municipality: str | None
    kind: str | None
    meeting_date: dt.date | None
    items: int
    pages: int
    structure_source: str | None
    pdf: str | None  # the PDF whose pages the items' page numbers count, where there is one


@dataclass
class CaseEntry:
    """One step of a case's history: an item of a stored meeting, or a decision an item's text
    quotes from a meeting the archive does not hold (`item_id` None; `quoted_in` names the item)."""

    meeting_date: dt.date | None
    committee: str | None
    decision: str
    outcome: str | None
    item_id: int | None = None
    number: str = ""
    title: str = ""
    municipality: str | None = None
    document: str = ""
    page: int = 0
    quoted_in: int | None = None

    def as_json(self) -> dict:
        return {
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "committee": self.committee,
            "municipality": self.municipality,
            "item_id": self.item_id,
            "number": self.number,
            "title": self.title,
            "outcome": self.outcome,
            "decision": self.decision,
            "document": self.document,
            "page": self.page,
            "quoted_in": self.quoted_in,
        }


def _meeting(row, items: int) -> MeetingRecord:  # noqa: ANN001 - a DocumentRow
    pdf = row.pdf_path or (row.path if row.path.lower().endswith(".pdf") else None)
    return MeetingRecord(
        document_id=row.id,
        document=row.file_name,
        path=row.path,
        committee=row.committee,
        municipality=row.municipality,
        kind=row.kind,
        meeting_date=row.meeting_date,
        items=items,
        pages=row.page_count,
        structure_source=row.structure_source,
        pdf=pdf,
    )


KINDS = ("dagsorden", "referat")


def _municipality(name: str | None) -> str | None:
    """The official name of a municipality or region a user's spelling means; QuerySyntaxError if none."""
    if name is None:
        return None
    from minutesindex.segment.places import resolve_municipality

    found = resolve_municipality(name)
    if found is None:
        raise QuerySyntaxError(f"no Danish municipality or region is called {name!r}")
    return found


class Archive:
    """A home of minutes: its database (the source of truth) and its search index.

    `home` defaults to $MINUTESINDEX_HOME, else ./data; $MINUTESINDEX_DB_URL points the database
    elsewhere (PostgreSQL). Methods that only read never create a home.
    """

    def __init__(self, home: str | Path | None = None) -> None:
        self.settings: Settings = load_settings(home)
        self._index = None  # the search index, opened once by the first search; see close()
        self._committees: tuple[int, list[str]] | None = None  # (index generation, its committees)
        self._database_search = None  # a PostgreSQL home's search (search.pg), with its engine

    def close(self) -> None:
        """Release what searching opened (the index's searcher and its segment files, or the
        database's connections). The archive stays usable: the next search opens them again."""
        from minutesindex.search.query import release_searcher

        if self._index is not None:
            release_searcher(self._index)
            self._index = None
            self._committees = None
        if self._database_search is not None:
            self._database_search.engine.dispose()
            self._database_search = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _search_index(self):  # noqa: ANN202 - a Whoosh Index
        """The search index, opened once per archive: every search reuses it and its searcher, which
        follows the writers' commits (opening them per search leaked their files and memory)."""
        from minutesindex.search.index import open_index

        if self._index is None:
            self._index = open_index(self._existing().index_dir)
        return self._index

    def _search_source(self):  # noqa: ANN202 - a WhooshSearch or a PostgresSearch
        """What a search runs on: this home's Whoosh index, or its PostgreSQL database."""
        if self._existing().searches_in_database:
            if self._database_search is None:
                from minutesindex.search.pg import PostgresSearch
                from minutesindex.store.db import open_database

                self._database_search = PostgresSearch(open_database(self.settings.db_url))
            return self._database_search
        from minutesindex.search.query import WhooshSearch

        return WhooshSearch(self._search_index())

    def _reading(self):  # noqa: ANN202 - a context manager
        """Failures to read the Whoosh index are a damaged index (exit 4); the database says its own."""
        import contextlib

        from minutesindex.search.index import reading_index

        if self._existing().searches_in_database:
            return contextlib.nullcontext()
        return reading_index(self.settings.index_dir)

    def indexed_committees(self) -> list[str]:
        """The committees of the searchable items, read once per index generation."""
        with self._reading():
            return self._known_committees()

    def _known_committees(self) -> list[str]:
        """The committees of the searchable items, read once per index generation."""
        from minutesindex.search.query import known_committees

        if self._existing().searches_in_database:
            return self._search_source().committees()
        index = self._search_index()
        generation = index.latest_generation()
        if self._committees is None or self._committees[0] != generation:
            self._committees = (generation, known_committees(index))
        return self._committees[1]

    @property
    def home(self) -> Path:
        return self.settings.home

    def exists(self) -> bool:
        return self.settings.has_database() or self.settings.index_dir.exists()

    def _existing(self) -> Settings:
        if not self.exists():
            raise NoHomeError(f"no minutesindex home at {self.settings.home}")
        return self.settings

    # -- writing -----------------------------------------------------------------------------
    def ingest(  # noqa: PLR0913
        self,
        paths: Iterable[str | Path],
        *,
        force: bool = False,
        workers: int | None = None,
        ocr_lang: str = DEFAULT_OCR_LANG,
        meeting_date: dt.date | None = None,
        on_file: Callable | None = None,
        on_wait: Callable[[str], None] | None = None,
        on_total: Callable[[int], None] | None = None,
        scheduler: str | None = None,
        keep_duplicates: bool = False,
        follow_links: bool = False,
        on_pages: Callable[[int, int, str], None] | None = None,
    ):  # noqa: ANN201 - IngestReport
        """Ingest files and folders (see pipeline.ingest_paths); returns the IngestReport. With
        `scheduler` (a Dask scheduler's address), scanned pages are OCR'd on that cluster."""
        from minutesindex.pipeline import ingest_paths

        before = self._last_item_id() if self.exists() else 0
        report = ingest_paths(
            [Path(p) for p in paths],
            self.settings,
            force=force,
            workers=workers,
            ocr_lang=ocr_lang,
            on_file=on_file,
            on_wait=on_wait,
            on_total=on_total,
            meeting_date=meeting_date,
            scheduler=scheduler,
            keep_duplicates=keep_duplicates,
            follow_links=follow_links,
            on_pages=on_pages,
        )
        if report.count("ingested"):
            watches = self._saved_watches()
            report.watches = {w.name: n for w in watches if (n := len(self._watch_hits(w, above=before)))}
        return report

    def sync(self) -> tuple[int, int]:
        """Bring this home's search index up to the database (see pipeline.sync): (added, removed)."""
        from minutesindex.pipeline import sync

        return sync(self.settings)

    def set_date(self, document: str, date: dt.date) -> tuple[str, int]:
        """Date a document's meeting (by id, path or file name); returns its file name and items updated."""
        return self.set_meeting(document, meeting_date=date)

    def set_meeting(self, document: str, **fields: object) -> tuple[str, int]:
        """Set what the text gave wrong or not at all of a document's meeting (by id, path or file
        name): `meeting_date`, `committee`, `municipality` (any spelling of one of the 98
        municipalities or 5 regions) or `kind` (dagsorden or referat). Returns its file name and the
        number of items updated."""
        from minutesindex.pipeline import set_meeting

        if "municipality" in fields:
            fields["municipality"] = _municipality(str(fields["municipality"]))
        if "kind" in fields and fields["kind"] not in KINDS:
            raise QuerySyntaxError(f"unknown kind {fields['kind']!r}; use {' or '.join(KINDS)}")
        return set_meeting(self._existing(), document, **fields)

    # -- reading -----------------------------------------------------------------------------
    def committees(self) -> list[str]:
        from minutesindex.store.db import committees, open_database, session_scope

        with session_scope(open_database(self._existing().db_url)) as session:
            return committees(session)

    def resolve_committee(self, name: str | None, known: list[str] | None = None) -> list[str] | None:
        """The stored committees a user's spelling of one means (see search.query.resolve_committee)."""
        from minutesindex.search.query import resolve_committee

        if name is None:
            return None
        known = self.committees() if known is None else known
        found = resolve_committee(name, known)
        if not found:
            raise UnknownCommitteeError(name, known)
        return found

    def search(  # noqa: PLR0913
        self,
        query: str,
        *,
        limit: int = 10,
        committee: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        section: str | None = None,
        sort: str = "score",
        include_undated: bool = False,
        access: str | None = None,
        count: bool = False,
        municipality: str | None = None,
        offset: int = 0,
        kinds: tuple[str, ...] = (),
        outcomes: tuple[str, ...] = (),
        tallies: tuple[tuple[str, ...], ...] = (),
    ):  # noqa: ANN201 - SearchHits
        """Agenda items matching the query, best first (see search.query.search); `committee` is
        matched forgivingly, and one that matches nothing raises UnknownCommitteeError; `since` and
        `until` are dates or what the command line takes (`2022`, `2022-03`, `10.03.2022`). `hits.total`
        is how many match in all where fewer than `limit` did, or with `count`; else None. `offset`
        pages, `kinds` and `outcomes` filter, and `tallies` counts the matches (`hits.tallies`:
        facets, timelines)."""
        from minutesindex.search.query import search as run_search

        since, until = parse_date(since), parse_date(until, end=True)
        with self._reading():
            return run_search(
                self._search_source(),
                query,
                limit=limit,
                committee=self.resolve_committee(committee, self._known_committees()) if committee else None,
                since=since,
                until=until,
                section=section,
                sort=sort,
                include_undated=include_undated,
                access=access,
                count=count,
                municipality=_municipality(municipality),
                offset=offset,
                kinds=kinds,
                outcomes=outcomes,
                tallies=tallies,
            )

    def item(self, item_id: int) -> dict:
        """One item as `show --json` prints it: meeting, number, title, sections, pages, path."""
        from minutesindex.export import item_record

        return self._with_item(item_id, lambda row: {**item_record(row), "body": row.body})

    def record(self, item_id: int) -> ItemRecord:
        """One item as a plain record, with its sections and attachments."""
        return self._with_item(item_id, _record)

    def _with_item(self, item_id: int, read: Callable):  # noqa: ANN202 - what `read` gives
        """`read(row)` of an item's database row (sections, document … loaded); NotFoundError if none."""
        from minutesindex.store.db import load_items, open_database, session_scope

        if not 0 < item_id < 2**63:
            raise NotFoundError(f"no item with id {item_id}")
        with session_scope(open_database(self._existing().db_url)) as session:
            items = load_items(session, [item_id])
            if not items:
                raise NotFoundError(f"no item with id {item_id}")
            return read(items[0])

    def meetings(self, limit: int = 20, offset: int = 0) -> list[MeetingRecord]:
        """The stored meetings, newest first (undated last)."""
        from minutesindex.store.db import latest_documents, open_database, session_scope

        with session_scope(open_database(self._existing().db_url)) as session:
            return [_meeting(row, items) for row, items in latest_documents(session, limit, offset)]

    def meeting(self, document_id: int) -> tuple[MeetingRecord, list[ItemRecord]]:
        """A stored meeting (by its document's id) and its items in agenda order."""
        from minutesindex.store.db import load_items, open_database, session_scope
        from minutesindex.store.tables import DocumentRow

        if not 0 < document_id < 2**63:
            raise NotFoundError(f"no meeting with id {document_id}")
        with session_scope(open_database(self._existing().db_url)) as session:
            row = session.get(DocumentRow, document_id)
            if row is None:
                raise NotFoundError(f"no meeting with id {document_id}")
            items = sorted(load_items(session, [i.id for i in row.items]), key=lambda item: item.position)
            return _meeting(row, len(items)), [_record(item) for item in items]

    def items_of_case(self, case_number: str) -> list[ItemRecord]:
        """The items that name this case number (any way of writing one of the known forms, see
        segment.cases), in meeting order."""
        from sqlalchemy import select

        from minutesindex.segment.cases import normalise
        from minutesindex.store.db import load_items, open_database, session_scope
        from minutesindex.store.tables import ItemCaseRow

        key = normalise(case_number) or " ".join(case_number.split())
        with session_scope(open_database(self._existing().db_url)) as session:
            ids = list(session.scalars(select(ItemCaseRow.item_id).where(ItemCaseRow.case_number == key)))
            return [_record(item) for item in load_items(session, ids)]

    def case(self, case_number: str, municipality: str | None = None) -> list[CaseEntry]:
        """A case's history in date order: every stored item that names it, with its decision and
        outcome, and the decisions those items quote from meetings the archive does not hold
        (`Beslutning i Økonomiudvalget den 4. juni 2020`)."""
        from minutesindex.export import final_decision
        from minutesindex.segment.cases import decision_history

        place = _municipality(municipality)
        items = [item for item in self.items_of_case(case_number) if place is None or item.municipality == place]
        entries = [
            CaseEntry(
                meeting_date=item.meeting_date,
                committee=item.committee,
                decision=final_decision(item),
                outcome=item.outcome,
                item_id=item.item_id,
                number=item.number,
                title=item.title,
                municipality=item.municipality,
                document=item.document,
                page=item.page_start,
            )
            for item in items
        ]
        held = {(e.meeting_date, (e.committee or "").lower()) for e in entries}
        for item in items:
            text = "\n".join([item.body, *(f"{section.heading}\n{section.text}" for section in item.sections)])
            for quoted in decision_history(text):
                key = (quoted.meeting_date, quoted.body.lower())
                if key in held:
                    continue
                held.add(key)
                entries.append(CaseEntry(quoted.meeting_date, quoted.body, quoted.decision, None,
                                         municipality=item.municipality, quoted_in=item.item_id))  # fmt: skip
        return sorted(entries, key=lambda e: (e.meeting_date or dt.date.max, e.item_id or 0))

    def source_pdf(self, document_id: int) -> Path:
        """The PDF a stored meeting was read from (or its export names), as recorded in the
        database: nothing else is ever served. NotFoundError where there is none or it is gone."""
        meeting, _ = self.meeting(document_id)
        if meeting.pdf is None:
            raise NotFoundError(f"{meeting.document} is no PDF and names none")
        path = Path(meeting.pdf)
        if not path.is_file():
            raise NotFoundError(f"{path} is no longer there")
        return path

    def page_image(self, document_id: int, page: int, width: int = 900) -> bytes:
        """A page of a stored meeting's PDF as a PNG, `width` pixels wide."""
        from minutesindex.errors import InputFileError
        from minutesindex.ingest.pdf import render_page_png

        try:
            return render_page_png(self.source_pdf(document_id), page, width)
        except InputFileError as exc:
            raise NotFoundError(f"{exc.path.name}: {exc.reason}") from exc

    def select_items(  # noqa: PLR0913
        self,
        *,
        query: str | None = None,
        committee: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        kind: str | None = None,
        include_undated: bool = False,
        access: str | None = None,
        municipality: str | None = None,
    ) -> list[ItemRecord]:
        """The items a search returns, or all matching the filters, as plain records in meeting order."""
        rows = self._select_rows(
            query=query,
            committee=committee,
            since=since,
            until=until,
            kind=kind,
            include_undated=include_undated,
            access=access,
            municipality=municipality,
        )
        return [_record(row) for row in rows]

    def _select_rows(  # noqa: PLR0913
        self,
        *,
        query: str | None = None,
        committee: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        kind: str | None = None,
        include_undated: bool = False,
        access: str | None = None,
        municipality: str | None = None,
    ) -> list:
        """The database rows (sections and document loaded) of select_items."""
        from minutesindex.search.query import search as run_search
        from minutesindex.store.db import load_items, open_database, session_scope

        settings = self._existing()
        since, until = parse_date(since), parse_date(until, end=True)
        if since and until and since > until:
            raise QuerySyntaxError(f"the date range is reversed: {since} is after {until}")
        if access not in (None, "open", "closed"):
            raise QuerySyntaxError(f"unknown access {access!r}; use open or closed")
        wanted = self.resolve_committee(committee)
        place = _municipality(municipality)
        ids = None
        if query:
            hits = run_search(
                self._search_source(),
                query,
                limit=100_000,
                committee=wanted,
                since=since,
                until=until,
                include_undated=include_undated,
                access=access,
                municipality=place,
            )
            ids = [h.item_id for h in hits]
        with session_scope(open_database(settings.db_url)) as session:
            items = load_items(session, ids)
        return [
            item
            for item in items
            if (wanted is None or item.document.committee in wanted)
            and (kind is None or item.document.kind == kind)
            and (place is None or item.document.municipality == place)
            and (access is None or item.closed == (access == "closed"))
            and _in_range(item.document.meeting_date, since, until, include_undated)
        ]

    def export_decisions(
        self,
        out: str | Path | None,
        *,
        fmt: str | None = None,
        excel: bool = False,
        mask_cpr: bool = False,
        **filters: object,
    ) -> int:
        """Write the decision table of the selected items (filters as select_items) to a file, or to
        standard output for None; the format follows the suffix (.xlsx) unless `fmt` says csv or xlsx.
        With `mask_cpr`, every CPR number is written as xxxxxx-xxxx."""
        from minutesindex.export import write_decisions_csv, write_decisions_xlsx

        target = None if out is None or str(out) == "-" else Path(out)
        fmt = fmt or ("xlsx" if target is not None and target.suffix.lower() == ".xlsx" else "csv")
        if fmt not in ("csv", "xlsx"):
            raise QuerySyntaxError(f"unknown format {fmt!r}; use csv or xlsx")
        items = self._select_rows(**filters)
        if fmt == "xlsx":
            return write_decisions_xlsx(items, target, mask_cpr=mask_cpr)
        return write_decisions_csv(items, target, excel=excel, mask_cpr=mask_cpr)

    def export_hits(
        self, out: str | Path | None, hits: list, *, fmt: str | None = None, excel: bool = False, mask_cpr: bool = False
    ) -> int:
        """Write search hits as the decision table's rows, in the order of the hits (best first)."""
        from minutesindex.export import write_decisions_csv, write_decisions_xlsx
        from minutesindex.store.db import load_items, open_database, session_scope

        target = None if out is None or str(out) == "-" else Path(out)
        fmt = fmt or ("xlsx" if target is not None and target.suffix.lower() == ".xlsx" else "csv")
        with session_scope(open_database(self._existing().db_url)) as session:
            rows = {item.id: item for item in load_items(session, [hit.item_id for hit in hits])}
            ordered = [rows[hit.item_id] for hit in hits if hit.item_id in rows]
            if fmt == "xlsx":
                return write_decisions_xlsx(ordered, target, keep_order=True, mask_cpr=mask_cpr)
            return write_decisions_csv(ordered, target, excel=excel, keep_order=True, mask_cpr=mask_cpr)

    def export_items(self, out: str | Path | None, *, mask_cpr: bool = False, **filters: object) -> int:
        """Write the selected items as JSON Lines to a file, or to standard output for None."""
        from minutesindex.export import write_items_jsonl

        target = None if out is None or str(out) == "-" else Path(out)
        return write_items_jsonl(self._select_rows(**filters), target, mask_cpr=mask_cpr)

    # -- saved searches ----------------------------------------------------------------------
    WATCH_LIMIT = 10_000  # the most hits a saved search reports as new at once

    def watch_add(self, name: str, query: str, **filters: object) -> Watch:
        """Save a search under a name (filters: committee, municipality, since, until, access,
        include_undated); it is run once to check it. Its present hits count as read."""
        import json

        from minutesindex.store.db import open_database, session_scope
        from minutesindex.store.tables import WatchRow
        from minutesindex.watch import check_filters, check_name

        filters = check_filters({k: (str(v) if isinstance(v, dt.date) else v) for k, v in filters.items()})
        watch = Watch(check_name(name), query, filters)
        self._watch_hits(watch, above=0)  # a bad query or filter fails here, before it is saved
        with session_scope(open_database(self._existing().db_url)) as session:
            if session.get(WatchRow, name) is not None:
                raise QuerySyntaxError(f"a watch named {name!r} exists; remove it first")
            watch.read_upto = self._last_item_id()
            session.add(WatchRow(name=name, query=query, filters=json.dumps(filters), read_upto=watch.read_upto,
                                 created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))  # fmt: skip
        return watch

    def watches(self) -> list[Watch]:
        """The saved searches, each with how many hits are new (above what was last read)."""
        watches = self._saved_watches()
        for watch in watches:
            watch.new = len(self._watch_hits(watch, above=watch.read_upto))
        return watches

    def _saved_watches(self, name: str | None = None) -> list[Watch]:
        """The saved searches as stored (all, or the one named), their new hits not counted."""
        import json

        from sqlalchemy import select

        from minutesindex.store.db import open_database, session_scope
        from minutesindex.store.tables import WatchRow

        query = select(WatchRow).order_by(WatchRow.name)
        if name is not None:
            query = query.where(WatchRow.name == name)
        with session_scope(open_database(self._existing().db_url)) as session:
            return [Watch(r.name, r.query, json.loads(r.filters), r.read_upto) for r in session.scalars(query)]

    def watch_remove(self, name: str) -> None:
        from minutesindex.store.db import open_database, session_scope
        from minutesindex.store.tables import WatchRow

        with session_scope(open_database(self._existing().db_url)) as session:
            row = session.get(WatchRow, name)
            if row is None:
                raise NotFoundError(f"no watch named {name!r}")
            session.delete(row)

    def watch_feed(self, name: str, out: str | Path, fmt: str = "atom") -> int:
        """Write the saved search's new hits (since the last feed) to a file as Atom or CSV, replacing
        it atomically, and mark them read. Returns how many were written."""
        from minutesindex.store.db import open_database, session_scope
        from minutesindex.store.tables import WatchRow
        from minutesindex.watch import write_feed

        found = self._saved_watches(name)
        if not found:
            raise NotFoundError(f"no watch named {name!r}")
        watch = found[0]
        upto = self._last_item_id()
        hits = [hit for hit in self._watch_hits(watch, above=watch.read_upto) if hit.item_id <= upto]
        write_feed(hits, Path(out), fmt, name)
        with session_scope(open_database(self._existing().db_url)) as session:
            session.get(WatchRow, name).read_upto = upto
        return len(hits)

    def _watch_hits(self, watch: Watch, above: int) -> list:
        """The saved search's hits with an id above `above`, newest meeting first."""
        hits = self.search(watch.query, limit=self.WATCH_LIMIT, sort="date", **watch.filters)
        return [hit for hit in hits if hit.item_id > above]

    def _last_item_id(self) -> int:
        from sqlalchemy import func, select

        from minutesindex.store.db import open_database, session_scope
        from minutesindex.store.tables import ItemRow

        with session_scope(open_database(self._existing().db_url)) as session:
            return session.scalar(select(func.max(ItemRow.id))) or 0

    def stats(self) -> dict:
        """Documents, pages, OCR'd pages, items (also per committee), undated and unsegmented documents."""
        from minutesindex.store.db import open_database, session_scope, statistics

        settings = self._existing()
        with session_scope(open_database(settings.db_url)) as session:
            return {**statistics(session), "home": str(settings.home)}


def _in_range(date: dt.date | None, since: dt.date | None, until: dt.date | None, include_undated: bool) -> bool:
    if date is None:
        return include_undated or not (since or until)
    return (since is None or date >= since) and (until is None or date <= until)
