"""The only module that knows Whoosh's index: schema, writing items, and keeping it in step with the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import Index

from minutesindex.errors import SearchIndexError
from minutesindex.model import CANONICAL_SECTIONS
from minutesindex.search.analysis import danish_analyzer, folded_analyzer
from minutesindex.store.tables import ItemRow

SECTION_FIELDS = CANONICAL_SECTIONS + ("other",)
# Decisions and recommendations weigh more than background text; a title match most of all.
FIELD_BOOSTS = {
    "title": 4.0,
    "presenter": 1.0,
    "resume": 1.5,
    "baggrund": 1.0,
    "sagsfremstilling": 1.0,
    "indstilling": 1.8,
    "referat": 1.8,
    "beslutning": 1.8,
    "bilag": 1.0,
    "other": 1.0,
    "content": 0.5,
    "folded": 0.3,
}


def build_schema() -> Schema:
    analyzer = danish_analyzer()
    fields = {
        "item_id": ID(stored=True, unique=True),
        "document": ID(stored=True),
        "committee": ID(stored=True),
        "committee_key": ID(),
        "kind": ID(stored=True),
        "meeting_date": DATETIME(stored=True),
        "number": ID(stored=True),
        "page": NUMERIC(stored=True),
        "title_display": STORED(),
        "title": TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"]),
        "presenter": TEXT(analyzer=analyzer),
        "content": TEXT(analyzer=analyzer, stored=True, field_boost=FIELD_BOOSTS["content"]),
        "folded": TEXT(analyzer=folded_analyzer(), field_boost=FIELD_BOOSTS["folded"]),
    }
    for name in SECTION_FIELDS:
        fields[name] = TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS[name])
    return Schema(**fields)


def open_index(index_dir: Path, create: bool = True) -> Index:
    try:
        if whoosh_index.exists_in(str(index_dir)):
            return whoosh_index.open_dir(str(index_dir))
        if not create:
            raise SearchIndexError(f"no search index in {index_dir}; run `minutesindex reindex`")
        index_dir.mkdir(parents=True, exist_ok=True)
        return whoosh_index.create_in(str(index_dir), build_schema())
    except SearchIndexError:
        raise
    except Exception as exc:  # Whoosh raises many kinds for a damaged index
        raise SearchIndexError(f"cannot open search index {index_dir}: {exc}") from exc


def item_document(item: ItemRow) -> dict:
    """The indexed fields of one agenda item."""
    doc = item.document
    sections: dict[str, list[str]] = {}
    for section in item.sections:
        field = section.name if section.name in CANONICAL_SECTIONS else "other"
        sections.setdefault(field, []).append(section.text)
    content = "\n\n".join(
        part for part in [item.title, item.body, *(s.text for s in item.sections)] if part and part.strip()
    )
    fields = {
        "item_id": str(item.id),
        "document": doc.file_name,
        "committee": doc.committee or "",
        "committee_key": (doc.committee or "").lower(),
        "kind": doc.kind or "",
        "number": item.number,
        "page": item.page_start,
        "title_display": item.title,
        "title": item.title,
        "presenter": item.presenter or "",
        "content": content,
        "folded": f"{item.title}\n{content}",
    }
    if doc.meeting_date:
        fields["meeting_date"] = dt.datetime.combine(doc.meeting_date, dt.time())
    for name, texts in sections.items():
        fields[name] = "\n\n".join(texts)
    return fields


def indexed_item_ids(index: Index) -> set[int]:
    with index.searcher() as searcher:
        return {int(fields["item_id"]) for fields in searcher.all_stored_fields()}


def update_index(index: Index, add: Iterable[ItemRow], remove: Iterable[int] = ()) -> int:
    """Remove items by id and add (or replace) items, in one commit."""
    writer = index.writer(limitmb=256)
    added = 0
    try:
        for item_id in remove:
            writer.delete_by_term("item_id", str(item_id))
        for item in add:
            writer.update_document(**item_document(item))
            added += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return added


def clear_index(index_dir: Path) -> Index:
    index_dir.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(index_dir), build_schema())
