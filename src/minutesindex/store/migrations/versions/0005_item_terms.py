"""PostgreSQL only: each item's Danish analysis as a tsvector with a GIN index, for search inside the
database (search.pg). The vectors are written from Python when items are stored; for the items an
earlier version stored, the first `reindex` (or `check --repair`) writes them.

SQLite homes search with Whoosh and get nothing here.

Revision ID: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The item's meeting is copied beside its vectors (kept in step by set-date and the other
    # set- commands), so a search finds, filters and orders its matches from this table alone.
    op.execute(
        "CREATE TABLE item_terms ("
        " item_id integer PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,"
        " meeting_date date,"
        " committee varchar(200),"
        " municipality varchar(100),"
        " kind varchar(20),"
        " closed boolean NOT NULL,"
        " outcome varchar(40),"
        " terms tsvector NOT NULL,"
        " sections tsvector NOT NULL,"
        " version smallint NOT NULL)"
    )
    op.execute("CREATE INDEX ix_item_terms_terms ON item_terms USING gin (terms)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE item_terms")
