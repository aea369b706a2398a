"""Where each document's structure came from (`structure_source`), the export's PDF of the meeting
(`pdf_path`), and per item whether it is closed and its case number.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("documents") as documents:
        documents.add_column(sa.Column("structure_source", sa.String(10)))
        documents.add_column(sa.Column("pdf_path", sa.Text))
    with op.batch_alter_table("items") as items:
        items.add_column(sa.Column("closed", sa.Boolean, nullable=False, server_default=sa.false()))
        items.add_column(sa.Column("case_number", sa.String(100)))
        items.create_index("ix_items_case_number", ["case_number"])


def downgrade() -> None:
    with op.batch_alter_table("items") as items:
        items.drop_index("ix_items_case_number")
        items.drop_column("case_number")
        items.drop_column("closed")
    with op.batch_alter_table("documents") as documents:
        documents.drop_column("pdf_path")
        documents.drop_column("structure_source")
