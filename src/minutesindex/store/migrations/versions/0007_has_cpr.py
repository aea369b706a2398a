"""Whether an item's text prints a CPR number (segment.personal), filled for the items stored.

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    op.add_column("items", sa.Column("has_cpr", sa.Boolean, nullable=False, server_default=sa.false()))
    from minutesindex.segment.personal import cpr_numbers
    from minutesindex.store.backfill import item_batches

    connection = op.get_bind()
    for items, sections in item_batches(connection):
        attachments: dict[int, list[str]] = {}
        low, high = items[0][0], items[-1][0] + 1
        for item_id, label, title in connection.execute(
            sa.text("SELECT item_id, label, title FROM attachments WHERE item_id >= :low AND item_id < :high"),
            {"low": low, "high": high},
        ):
            attachments.setdefault(item_id, []).append(f"{label} {title}")
        flagged = []
        for item_id, title, presenter, body, preface, _ in items:
            parts = [title or "", presenter or "", body or "", preface or ""]
            parts += [f"{heading}\n{text}" for _, heading, text in sections.get(item_id, [])]
            if cpr_numbers("\n".join(parts + attachments.get(item_id, []))):
                flagged.append({"id": item_id})
        if flagged:
            update = sa.text("UPDATE items SET has_cpr = :flag WHERE id = :id").bindparams(flag=True)
            connection.execute(update, flagged)


def downgrade() -> None:
    with op.batch_alter_table("items") as items:
        items.drop_column("has_cpr")
