"""Where each document's structure came from (`structure_source`), the export's PDF of the meeting
(`pdf_path`), and per item whether it is closed and its case number.

Columns are added in place (no batch copy of the table): a copy would lose the items table's
AUTOINCREMENT, and with it the promise that an item id never means another item.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("documents", sa.Column("structure_source", sa.String(10)))
    op.add_column("documents", sa.Column("pdf_path", sa.Text))
    op.add_column("items", sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()))
    op.add_column("items", sa.Column("case_number", sa.String(100)))
    op.create_index("ix_items_case_number", "items", ["case_number"])


def downgrade() -> None:
    op.drop_index("ix_items_case_number", "items")
    with op.batch_alter_table("items") as items:
        items.drop_column("case_number")
        items.drop_column("closed")
    with op.batch_alter_table("documents") as documents:
        documents.drop_column("pdf_path")
        documents.drop_column("structure_source")
