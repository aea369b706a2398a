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

    connection = op.get_bind()
    texts: dict[int, list[str]] = {}
    for item_id, *parts in connection.execute(sa.text("SELECT id, title, presenter, body, preface FROM items")):
        texts[item_id] = [part or "" for part in parts]
    for item_id, heading, text in connection.execute(sa.text("SELECT item_id, heading, text FROM sections")):
        texts.setdefault(item_id, []).append(f"{heading}\n{text}")
    for item_id, label, title in connection.execute(sa.text("SELECT item_id, label, title FROM attachments")):
        texts.setdefault(item_id, []).append(f"{label} {title}")
    flagged = [{"id": item_id} for item_id, parts in texts.items() if cpr_numbers("\n".join(parts))]
    if flagged:
        connection.execute(sa.text("UPDATE items SET has_cpr = :flag WHERE id = :id").bindparams(flag=True), flagged)


def downgrade() -> None:
    with op.batch_alter_table("items") as items:
        items.drop_column("has_cpr")
