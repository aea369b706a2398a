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

    texts: dict[int, list[str]] = {}
    for item_id, text in connection.execute(sa.text("SELECT item_id, text FROM sections ORDER BY item_id, position")):
        texts.setdefault(item_id, []).append(text)
    rows = []
    for item_id, title, body, case_number in connection.execute(
        sa.text("SELECT id, title, body, case_number FROM items")
    ):
        item = Item(number="", title=title or "", page_start=1, page_end=1, body=body or "", case_number=case_number)
        item.sections = [Section("other", "", text) for text in texts.get(item_id, [])]
        read_cases([item])
        rows += [{"item_id": item_id, "case_number": n, "position": k} for k, n in enumerate(item.case_numbers)]
        if case_number is None and item.case_number:
            update = sa.text("UPDATE items SET case_number = :case WHERE id = :id")
            connection.execute(update, {"case": item.case_number, "id": item_id})
    if rows:
        insert = "INSERT INTO item_cases (item_id, case_number, position) VALUES (:item_id, :case_number, :position)"
        connection.execute(sa.text(insert), rows)


def downgrade() -> None:
    op.drop_index("ix_item_cases_case_number", "item_cases")
    op.drop_table("item_cases")
