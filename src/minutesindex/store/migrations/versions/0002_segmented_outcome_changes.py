"""Documents without agenda items (`segmented`), each item's decision label (`outcome`), and the
change log a search index on any machine follows (`changes`).

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("documents") as documents:
        documents.add_column(sa.Column("segmented", sa.Boolean, nullable=False, server_default=sa.true()))
    with op.batch_alter_table("items") as items:
        items.add_column(sa.Column("outcome", sa.String(40)))
    op.create_table(
        "changes",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("writer", sa.String(80), nullable=False),
        sqlite_autoincrement=True,  # a change's number is never used again: indexes remember the last
    )
    op.create_index("ix_changes_item_id", "changes", ["item_id"])


def downgrade() -> None:
    op.drop_table("changes")
    with op.batch_alter_table("items") as items:
        items.drop_column("outcome")
    with op.batch_alter_table("documents") as documents:
        documents.drop_column("segmented")
