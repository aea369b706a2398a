"""Each item's case numbers, normalised (segment.cases), for following a case through its meetings;
filled for the items already stored from their text and the case number their source gave.

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "item_cases",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("case_number", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_item_cases_case_number", "item_cases", ["case_number"])
    _fill(op.get_bind())


def _fill(connection: sa.Connection) -> None:
    from minutesindex.model import Item, Section
    from minutesindex.segment.cases import read_cases
    from minutesindex.store.backfill import item_batches

    for items, sections in item_batches(connection):
        rows = []
        for item_id, title, _, body, _, case_number in items:
            item = Item("", title or "", 1, 1, body=body or "", case_number=case_number)
            item.sections = [Section(name, heading, text) for name, heading, text in sections.get(item_id, [])]
            read_cases([item])
            rows += [{"item_id": item_id, "case_number": n, "k": k} for k, n in enumerate(item.case_numbers)]
            if case_number is None and item.case_number:
                update = sa.text("UPDATE items SET case_number = :case WHERE id = :id")
                connection.execute(update, {"case": item.case_number, "id": item_id})
        if rows:
            insert = "INSERT INTO item_cases (item_id, case_number, position) VALUES (:item_id, :case_number, :k)"
            connection.execute(sa.text(insert), rows)


def downgrade() -> None:
    op.drop_index("ix_item_cases_case_number", "item_cases")
    op.drop_table("item_cases")
