"""Votes the decisions record (segment.votes), and each item's vote result; filled for the items
stored from their decisions' text.

Revision ID: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.add_column("items", sa.Column("vote_result", sa.String(20)))
    op.create_table(
        "votes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("count", sa.Integer),
        sa.Column("parties", sa.Text),
        sa.Column("names", sa.Text),
    )
    op.create_index("ix_votes_item_id", "votes", ["item_id"])
    _fill(op.get_bind())


def _fill(connection: sa.Connection) -> None:
    from minutesindex.segment.votes import read_votes
    from minutesindex.store.backfill import item_batches

    insert = sa.text(
        "INSERT INTO votes (item_id, position, side, count, parties, names) "
        "VALUES (:item_id, :position, :side, :count, :parties, :names)"
    )
    for items, sections in item_batches(connection):
        for item_id, *_ in items:
            # The item's last decision block: the meeting's own decision.
            decisions = [text for name, _, text in sections.get(item_id, []) if name in ("referat", "beslutning")]
            decisions = [text for text in decisions if text and text.strip()]
            read = read_votes(decisions[-1]) if decisions else None
            if read is None:
                continue
            update = sa.text("UPDATE items SET vote_result = :result WHERE id = :id")
            connection.execute(update, {"result": read.result, "id": item_id})
            rows = [
                {
                    "item_id": item_id,
                    "position": k,
                    "side": vote.side,
                    "count": vote.count,
                    "parties": ", ".join(vote.parties) or None,
                    "names": "\n".join(vote.names) or None,
                }  # fmt: skip
                for k, vote in enumerate(read.votes)
            ]
            connection.execute(insert, rows)


def downgrade() -> None:
    op.drop_index("ix_votes_item_id", "votes")
    op.drop_table("votes")
    with op.batch_alter_table("items") as items:
        items.drop_column("vote_result")
