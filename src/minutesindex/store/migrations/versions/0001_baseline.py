"""The schema as the versions before migrations made it: documents, pages, items, sections,
attachments and the vocabulary letter repair learns from.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("file_name", sa.String(512), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("committee", sa.String(200)),
        sa.Column("meeting_date", sa.Date),
        sa.Column("kind", sa.String(20)),
        sa.Column("participants", sa.Text),
        sa.Column("absentees", sa.Text),
        sa.Column("page_count", sa.Integer, nullable=False),
        sa.Column("ingested_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_documents_file_name", "documents", ["file_name"])
    op.create_index("ix_documents_committee", "documents", ["committee"])
    op.create_index("ix_documents_meeting_date", "documents", ["meeting_date"])
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("confidence", sa.Float),
        sa.Column("raw_text", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("repaired_words", sa.Integer, nullable=False),
        sa.Column("warning", sa.Text),
    )
    op.create_index("ix_pages_document_id", "pages", ["document_id"])
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("presenter", sa.Text),
        sa.Column("category", sa.String(200)),
        sa.Column("page_start", sa.Integer, nullable=False),
        sa.Column("page_end", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sqlite_autoincrement=True,  # an item id is never used again: the search index keys on it
    )
    op.create_index("ix_items_document_id", "items", ["document_id"])
    op.create_table(
        "sections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("heading", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("raw_text", sa.Text, nullable=False),
    )
    op.create_index("ix_sections_item_id", "sections", ["item_id"])
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("label", sa.String(50), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
    )
    op.create_index("ix_attachments_item_id", "attachments", ["item_id"])
    op.create_table(
        "vocabulary",
        sa.Column("word", sa.String(200), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("vocabulary", "attachments", "sections", "items", "pages", "documents"):
        op.drop_table(table)
