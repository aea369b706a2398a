"""PostgreSQL only: item_terms partitioned by the year of the item's meeting, so a search ranks the
newest matches by reading the newest years' GIN indexes and rows only (search.pg), not every match
in the archive. One partition per year from 2000 to 2049, one before (with the undated items, year
0) and one after; the rows the table held are moved over.

Revision ID: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"

FIRST_YEAR, LAST_YEAR = 2000, 2049
COLUMNS = "item_id, meeting_date, committee, municipality, kind, closed, outcome, terms, sections, version"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE item_terms RENAME TO item_terms_0005")
    op.execute("ALTER INDEX ix_item_terms_terms RENAME TO ix_item_terms_0005_terms")
    op.execute("ALTER INDEX item_terms_pkey RENAME TO item_terms_0005_pkey")
    op.execute(
        "CREATE TABLE item_terms ("
        " item_id integer NOT NULL REFERENCES items (id) ON DELETE CASCADE,"
        " year smallint NOT NULL,"  # the meeting's year, 0 undated
        " meeting_date date,"
        " committee varchar(200),"
        " municipality varchar(100),"
        " kind varchar(20),"
        " closed boolean NOT NULL,"
        " outcome varchar(40),"
        " terms tsvector NOT NULL,"
        " sections tsvector NOT NULL,"
        " version smallint NOT NULL,"
        " PRIMARY KEY (item_id, year)"
        ") PARTITION BY RANGE (year)"
    )
    op.execute(f"CREATE TABLE item_terms_before PARTITION OF item_terms FOR VALUES FROM (MINVALUE) TO ({FIRST_YEAR})")
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        op.execute(f"CREATE TABLE item_terms_{year} PARTITION OF item_terms FOR VALUES FROM ({year}) TO ({year + 1})")
    op.execute(f"CREATE TABLE item_terms_after PARTITION OF item_terms FOR VALUES FROM ({LAST_YEAR + 1}) TO (MAXVALUE)")
    op.execute("CREATE INDEX ix_item_terms_terms ON item_terms USING gin (terms)")
    op.execute(
        f"INSERT INTO item_terms (year, {COLUMNS}) "
        f"SELECT coalesce(CAST(extract(year FROM meeting_date) AS smallint), 0), {COLUMNS} FROM item_terms_0005"
    )
    op.execute("DROP TABLE item_terms_0005")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE item_terms RENAME TO item_terms_by_year")
    op.execute("ALTER INDEX ix_item_terms_terms RENAME TO ix_item_terms_by_year_terms")
    op.execute("ALTER INDEX item_terms_pkey RENAME TO item_terms_by_year_pkey")
    op.execute(
        "CREATE TABLE item_terms ("
        " item_id integer PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,"
        " meeting_date date, committee varchar(200), municipality varchar(100), kind varchar(20),"
        " closed boolean NOT NULL, outcome varchar(40), terms tsvector NOT NULL, sections tsvector NOT NULL,"
        " version smallint NOT NULL)"
    )
    op.execute("CREATE INDEX ix_item_terms_terms ON item_terms USING gin (terms)")
    op.execute(f"INSERT INTO item_terms ({COLUMNS}) SELECT {COLUMNS} FROM item_terms_by_year")
    op.execute("DROP TABLE item_terms_by_year")
