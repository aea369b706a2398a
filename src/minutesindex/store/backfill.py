"""What migrations that fill a new column or table from the stored text read: the items in batches."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

BATCH = 5000  # items read at a time: an archive of millions of items is never held whole


def item_batches(connection: sa.Connection) -> Iterator[tuple[list[tuple], dict[int, list[tuple]]]]:
    """The stored items BATCH at a time by id, each batch with its items' sections (heading, text)."""
    last = connection.execute(sa.text("SELECT max(id) FROM items")).scalar() or 0
    for start in range(0, last + 1, BATCH):
        bounds = {"low": start, "high": start + BATCH}
        items = connection.execute(
            sa.text(
                "SELECT id, title, presenter, body, preface, case_number FROM items "
                "WHERE id >= :low AND id < :high ORDER BY id"
            ),
            bounds,
        ).all()
        if not items:
            continue
        sections: dict[int, list[tuple]] = {}
        for item_id, name, heading, text in connection.execute(
            sa.text(
                "SELECT item_id, name, heading, text FROM sections WHERE item_id >= :low AND item_id < :high "
                "ORDER BY item_id, position"
            ),
            bounds,
        ):
            sections.setdefault(item_id, []).append((name, heading, text))
        yield items, sections
