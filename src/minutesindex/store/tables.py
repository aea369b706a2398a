"""SQLAlchemy tables with plain, browsable names (open the SQLite file in any tool)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, false, true
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(512), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    committee: Mapped[str | None] = mapped_column(String(200), index=True)
    municipality: Mapped[str | None] = mapped_column(String(100), index=True)
    meeting_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    participants: Mapped[str | None] = mapped_column(Text)  # one name per line
    absentees: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int] = mapped_column(Integer)
    # False: no agenda item was found; the document is stored as one unsegmented unit.
    segmented: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Where the items came from: export, outline, layout or text (model.STRUCTURE_SOURCES).
    structure_source: Mapped[str | None] = mapped_column(String(10))
    # The PDF of the meeting that an export names, whose pages the page numbers count; None: `path`.
    pdf_path: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime)

    pages: Mapped[list[PageRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="PageRow.number"
    )
    items: Mapped[list[ItemRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="ItemRow.position"
    )


class PageRow(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(10))  # text | ocr
    confidence: Mapped[float | None] = mapped_column(Float)
    raw_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)  # repaired
    repaired_words: Mapped[int] = mapped_column(Integer, default=0)
    warning: Mapped[str | None] = mapped_column(Text)

    document: Mapped[DocumentRow] = relationship(back_populates="pages")


class ItemRow(Base):
    __tablename__ = "items"
    # Ids are never reused (SQLite would reuse the highest after a delete): the search index and
    # `check` know items by id, so an id must always mean the same item.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    presenter: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(200))
    page_start: Mapped[int] = mapped_column(Integer)
    page_end: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text, default="")
    preface: Mapped[str | None] = mapped_column(Text)  # text before the item that belongs to no item
    # The decision's label (godkendt, udsat, …; see export.outcome_of), kept for SQL and datasette.
    outcome: Mapped[str | None] = mapped_column(String(40))
    closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # lukket punkt
    # Its text prints a CPR number (segment.personal): personal data, masked by `export --mask-cpr`.
    has_cpr: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    vote_result: Mapped[str | None] = mapped_column(String(20))  # vedtaget | forkastet, from its votes
    case_number: Mapped[str | None] = mapped_column(String(100), index=True)

    document: Mapped[DocumentRow] = relationship(back_populates="items")
    sections: Mapped[list[SectionRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="SectionRow.position"
    )
    attachments: Mapped[list[AttachmentRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="AttachmentRow.position"
    )
    cases: Mapped[list[ItemCaseRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemCaseRow.position"
    )
    votes: Mapped[list[VoteRow]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="VoteRow.position"
    )


class SectionRow(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))  # canonical name or other:<heading>
    heading: Mapped[str] = mapped_column(Text)  # as printed
    text: Mapped[str] = mapped_column(Text)  # repaired
    raw_text: Mapped[str] = mapped_column(Text)

    item: Mapped[ItemRow] = relationship(back_populates="sections")


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)

    item: Mapped[ItemRow] = relationship(back_populates="attachments")


class ItemCaseRow(Base):
    """A case number an item names, normalised (segment.cases): `minutesindex case` follows a case
    through its meetings by it."""

    __tablename__ = "item_cases"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)

    item: Mapped[ItemRow] = relationship(back_populates="cases")


class VoteRow(Base):
    """One side of a vote its decision records (segment.votes): for, imod or undlod, with the count,
    the parties and the names the text gives."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(10))
    count: Mapped[int | None] = mapped_column(Integer)
    parties: Mapped[str | None] = mapped_column(Text)  # `A, F, Ø`
    names: Mapped[str | None] = mapped_column(Text)  # one name per line

    item: Mapped[ItemRow] = relationship(back_populates="votes")


class WatchRow(Base):
    """A saved search (`minutesindex watch`): its query and filters, and the highest item id its
    reader has read up to, so that what is new is the hits above it (ids are never reused)."""

    __tablename__ = "watches"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    filters: Mapped[str] = mapped_column(Text, default="{}")  # JSON: committee, municipality, since, …
    read_upto: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class VocabularyRow(Base):
    """Words with Danish letters as read on correctly read pages, with how often; letter repair learns
    names and words no lexicon has from it (`Sglund` is `Sølund` when `Sølund` has been read right)."""

    __tablename__ = "vocabulary"

    word: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ChangeRow(Base):
    """The change log of items: every item stored, replaced or updated, in the order it happened, in
    the transaction that did it. A search index on any machine follows the database by it (`sync`)."""

    __tablename__ = "changes"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(10))  # add | remove | update
    writer: Mapped[str] = mapped_column(String(80))  # which ingest or command wrote it
