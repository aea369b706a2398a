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
# Every column but the key, as migration 0005 made them.
COLUMN_TYPES = (
    "meeting_date date, committee varchar(200), municipality varchar(100), kind varchar(20), closed boolean NOT NULL,"
    " outcome varchar(40), terms tsvector NOT NULL, sections tsvector NOT NULL, version smallint NOT NULL"
)
ITEM_KEY = "item_id integer NOT NULL REFERENCES items (id) ON DELETE CASCADE"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    years = [(year, year, year + 1) for year in range(FIRST_YEAR, LAST_YEAR + 1)]
    bounds = [("before", "MINVALUE", FIRST_YEAR), *years, ("after", LAST_YEAR + 1, "MAXVALUE")]
    partitions = [
        f"CREATE TABLE item_terms_{name} PARTITION OF item_terms FOR VALUES FROM ({low}) TO ({high})"
        for name, low, high in bounds
    ]
    _rebuild(
        # year: the meeting's, 0 undated
        f"({ITEM_KEY}, year smallint NOT NULL, {COLUMN_TYPES}, PRIMARY KEY (item_id, year)) PARTITION BY RANGE (year)",
        partitions,
        f"(year, {COLUMNS}) SELECT coalesce(CAST(extract(year FROM meeting_date) AS smallint), 0), {COLUMNS}",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _rebuild(f"({ITEM_KEY} PRIMARY KEY, {COLUMN_TYPES})", [], f"({COLUMNS}) SELECT {COLUMNS}")


def _rebuild(definition: str, partitions: list[str], copy: str) -> None:
    """item_terms made anew as `CREATE TABLE item_terms definition` with these partitions and its
    GIN index, and its rows copied over (`INSERT INTO item_terms copy FROM` the old table)."""
    op.execute("ALTER TABLE item_terms RENAME TO item_terms_old")
    op.execute("ALTER INDEX ix_item_terms_terms RENAME TO ix_item_terms_old_terms")
    op.execute("ALTER INDEX item_terms_pkey RENAME TO item_terms_old_pkey")
    op.execute(f"CREATE TABLE item_terms {definition}")
    for partition in partitions:
        op.execute(partition)
    op.execute("CREATE INDEX ix_item_terms_terms ON item_terms USING gin (terms)")
    op.execute(f"INSERT INTO item_terms {copy} FROM item_terms_old")
    op.execute("DROP TABLE item_terms_old")
