"""An item's preface (the text before it that belongs to no item: the meeting's title block,
attendance and contents, carried by the first item) and each meeting's municipality or region.

Columns are added in place, as in 0003 (a batch copy would lose the items table's AUTOINCREMENT).

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.add_column("items", sa.Column("preface", sa.Text))
    op.add_column("documents", sa.Column("municipality", sa.String(100)))
    op.create_index("ix_documents_municipality", "documents", ["municipality"])


def downgrade() -> None:
    op.drop_index("ix_documents_municipality", "documents")
    with op.batch_alter_table("documents") as documents:
        documents.drop_column("municipality")
    with op.batch_alter_table("items") as items:
        items.drop_column("preface")
