"""Search inside PostgreSQL: each item's Danish analysis stored as a `tsvector`, matched through a
GIN index and ranked with `ts_rank_cd`, so every machine sharing the database searches one copy that
is always up to date.

The vector holds the same terms the Whoosh index gets (search.analysis: base forms, compound parts,
folded spellings), built here in Python, not by PostgreSQL's own parser and dictionaries:

- every term of the item at its word position, weighted by its section's band (A title, B the
  decision and the recommendation, C the résumé, D the rest: BAND_BOOSTS' four values), one free
  position between sections so a phrase never runs from one into the next;
- the folded spelling of each word that has one as `~term` (`~boernehus`), the folded field;
- in a second vector, each term again as `band:term` (`beslutning:godkendt`), for a query kept to
  one section. It is neither indexed nor ranked on, so the index and the ranking read half as much:
  such a query is found by the GIN index with its sections let go, then checked exactly.

A query is parsed exactly as for Whoosh (search.query.build_query) and its tree written as a
`tsquery` over those lexemes, so both backends read one query language the same way.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Engine, bindparam, text
from whoosh.query import And, AndMaybe, AndNot, Not, NullQuery, Or, Phrase, Query, Term

from minutesindex.errors import QuerySyntaxError
from minutesindex.repair.lexicon import load_stopwords
from minutesindex.search.analysis import TERMS_VERSION, TOKEN_RE, _folded_index_term, index_terms
from minutesindex.search.index import BAND_BOOSTS, item_bands
from minutesindex.search.query import InSection, SearchFilters, SearchHit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from minutesindex.store.tables import ItemRow

TERMS_TABLE = "item_terms"
# tsvector's limits: positions 1..16383 (larger ones are stored as 16383), 256 positions per lexeme,
# and a whole vector under 1 MB.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
MAX_VECTOR_BYTES = 1_000_000
FOLDED_PREFIX = "~"
CASE_PREFIX = "#case:"
SECTION_MARK = ":"
# Ranking reads each matching item's whole vector from TOAST (~12 ms per 1,000 items on the 2-core
# development machine, scripts/bench_search.py at 100,000 items: 2-word p95 114 ms ranking 5,000,
# 78 ms ranking 2,000, 58 ms ranking 1,000), so a query matching more items than this ranks the
# newest this many, and says so.
RANK_POOL = 2_000


def _weight_letters() -> dict[str, str]:
    """Each band's tsvector weight: the four boosts of BAND_BOOSTS, largest A."""
    boosts = sorted(set(BAND_BOOSTS.values()), reverse=True)
    if len(boosts) > 4:
        raise ValueError("tsvector has four weights; BAND_BOOSTS has more distinct boosts")
    return {band: "ABCD"[boosts.index(boost)] for band, boost in BAND_BOOSTS.items()}


BAND_WEIGHTS = _weight_letters()


# ts_rank_cd's weights of D, C, B and A: the bands' boosts, scaled so a title word counts 1.
def _rank_weights() -> str:
    top = max(BAND_BOOSTS.values())
    weights = [max((b for n, b in BAND_BOOSTS.items() if BAND_WEIGHTS[n] == letter), default=1.0) for letter in "DCBA"]
    return "{" + ",".join(f"{weight / top:.3f}" for weight in weights) + "}"


RANK_WEIGHTS = _rank_weights()


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def item_vector(bands: Sequence[tuple[str, str]], cases: Sequence[str] = ()) -> tuple[str, str]:
    """The tsvector literals of an item's (band, text) sections, in band order: its terms (with the
    folded spellings and its case numbers as `#case:NR`), and the same terms by section
    (`beslutning:godkendt`)."""
    stoplist = load_stopwords()
    terms: dict[str, list[str]] = {CASE_PREFIX + case: [] for case in cases}
    by_section: dict[str, list[str]] = {}
    position = 1
    for band, band_text in bands:
        letter = BAND_WEIGHTS[band]
        suffix = "" if letter == "D" else letter
        prefix = band + SECTION_MARK
        for word in TOKEN_RE.findall(band_text):
            word = word.lower()
            if word in stoplist:
                continue
            at = f"{min(position, MAX_POSITION)}{suffix}"
            for term in index_terms(word):
                terms.setdefault(term, []).append(at)
                by_section.setdefault(prefix + term, []).append(at)
            folded = _folded_index_term(word, stoplist)
            if folded:
                terms.setdefault(FOLDED_PREFIX + folded, []).append(at)
            position += 1
        position += 1  # a gap: no phrase runs from one section into the next
    return _literal(terms), _literal(by_section)


def _literal(lexemes: dict[str, list[str]]) -> str:
    """A vector's text, within tsvector's size: a very long item (a whole unsegmented document)
    keeps fewer positions per word, then none, before any word is left out."""
    for per_lexeme in (MAX_POSITIONS_PER_LEXEME, 16, 1, 0):
        size = sum(len(lexeme.encode()) + 8 + 2 * min(per_lexeme, len(at)) for lexeme, at in lexemes.items())
        if size <= MAX_VECTOR_BYTES:
            break
    entries = []
    for lexeme, positions in lexemes.items():
        kept = list(dict.fromkeys(positions))[:per_lexeme]
        entries.append(_quoted(lexeme) + (":" + ",".join(kept) if kept else ""))
        size -= len(lexeme.encode()) + 8 + 2 * len(kept)
        if size > MAX_VECTOR_BYTES and per_lexeme == 0:  # beyond what any vector holds: the rest is cut
            break
    return " ".join(entries)


def item_vector_of(item: ItemRow) -> tuple[str, str]:
    return item_vector(item_bands(item)[0], [case.case_number for case in item.cases])


# -- writing ---------------------------------------------------------------------------------------
MEETING_COLUMNS = ("meeting_date", "committee", "municipality", "kind")
# The table is partitioned by `year`, the meeting's (0 undated; migration 0010), so a search reads
# the newest years first and stops when it has enough; a row moves when its meeting's year changes.
_UPSERT = (
    f"INSERT INTO {TERMS_TABLE} (item_id, year, {', '.join(MEETING_COLUMNS)}, closed, outcome, terms, "
    "sections, version) "
    f"VALUES (:item_id, :year, {', '.join(':' + c for c in MEETING_COLUMNS)}, :closed, :outcome, "
    "CAST(:terms AS tsvector), CAST(:sections AS tsvector), :version) "
    "ON CONFLICT (item_id, year) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in (*MEETING_COLUMNS, "closed", "outcome", "terms", "sections", "version"))
)
# An item's row under another year than its meeting's now (none where every date change went
# through copy_meeting; cheap to make sure of).
_DELETE_OTHER_YEARS = (
    f"DELETE FROM {TERMS_TABLE} t USING unnest(CAST(:ids AS integer[]), CAST(:years AS smallint[])) AS v(id, year) "
    "WHERE t.item_id = v.id AND t.year <> v.year"
)


def write_terms(session: Session, items: Iterable[ItemRow]) -> None:
    """Store the items' vectors, with their meetings, in the caller's transaction (the rows of
    removed items go with them)."""
    rows = []
    for item in items:
        terms, sections = item_vector_of(item)
        meeting = {column: getattr(item.document, column) for column in MEETING_COLUMNS}
        year = meeting["meeting_date"].year if meeting["meeting_date"] else 0
        rows.append({"item_id": item.id, "year": year, **meeting, "closed": item.closed, "outcome": item.outcome,
                     "terms": terms, "sections": sections, "version": TERMS_VERSION})  # fmt: skip
    if rows:
        ids, years = [row["item_id"] for row in rows], [row["year"] for row in rows]
        session.execute(text(_DELETE_OTHER_YEARS), {"ids": ids, "years": years})
        session.execute(text(_UPSERT), rows)


def copy_meeting(session: Session, document_id: int) -> None:
    """Bring the meeting beside a document's items' vectors up to the document (after set-date …)."""
    assignments = ", ".join(f"{column} = d.{column}" for column in MEETING_COLUMNS)
    session.execute(
        text(
            f"UPDATE {TERMS_TABLE} t SET {assignments}, "
            "year = coalesce(CAST(extract(year FROM d.meeting_date) AS smallint), 0) "
            "FROM items i JOIN documents d ON d.id = i.document_id WHERE t.item_id = i.id AND d.id = :document_id"
        ),
        {"document_id": document_id},
    )


def term_ids(session: Session) -> tuple[set[int], set[int]]:
    """The items that have a vector, and those whose vector an older analysis made."""
    rows = session.execute(text(f"SELECT item_id, version FROM {TERMS_TABLE}")).all()
    return {item_id for item_id, _ in rows}, {item_id for item_id, version in rows if version != TERMS_VERSION}


# -- querying --------------------------------------------------------------------------------------
class _Everything:
    """What a query matches that keeps nothing out (`NOT x` of a query that matches nothing)."""


EVERYTHING = _Everything()
Translated = str | _Everything | None  # None: matches nothing


def tsquery_text(query: Query, exact: bool = True, section: str | None = None) -> Translated:
    """The `tsquery` of a parsed query (search.query.build_query) over an item's terms and, for a
    part kept to one section, its section terms; None where it matches nothing, EVERYTHING where it
    keeps nothing out. Not `exact`: the query with its sections let go, over the terms alone, which
    matches every item the exact one does (a GIN index can find them; the exact query then sorts)."""
    if query is NullQuery:
        return None
    if isinstance(query, InSection):
        return tsquery_text(query.q, exact, query.section if exact else None)
    prefix = section + SECTION_MARK if section else ""
    if isinstance(query, Term):
        if query.fieldname == "folded":
            return _quoted(FOLDED_PREFIX + str(query.text))
        if query.fieldname == "case":
            return _quoted(CASE_PREFIX + str(query.text))
        return _quoted(prefix + str(query.text))
    if isinstance(query, Phrase):
        if query.fieldname == "folded":
            return None
        joint = " <-> " if query.slop <= 1 else " & "
        return "(" + joint.join(_quoted(prefix + str(word)) for word in query.words) + ")"
    if isinstance(query, And | Or):
        parts = [tsquery_text(child, exact, section) for child in query.subqueries]
        return _all_of(parts) if isinstance(query, And) else _any_of(parts)
    if isinstance(query, AndNot):
        return _all_of([tsquery_text(query.a, exact, section), _negated(query.b, exact, section)])
    if isinstance(query, AndMaybe):
        return tsquery_text(query.a, exact, section)
    if isinstance(query, Not):
        return _negated(query.query, exact, section)
    raise QuerySyntaxError(f"this query cannot be searched in the database ({type(query).__name__})")


def _negated(query: Query, exact: bool, section: str | None) -> Translated:
    if not exact and _has_section(query):
        return EVERYTHING  # letting go of its section would keep out more than the exact query does
    inner = tsquery_text(query, exact, section)
    if inner is None:
        return EVERYTHING
    return None if inner is EVERYTHING else f"!{inner}"


def _all_of(parts: list[Translated]) -> Translated:
    if any(part is None for part in parts):
        return None
    kept = [part for part in parts if isinstance(part, str)]
    return "(" + " & ".join(kept) + ")" if kept else EVERYTHING


def _any_of(parts: list[Translated]) -> Translated:
    if any(part is EVERYTHING for part in parts):
        return EVERYTHING
    kept = [part for part in parts if isinstance(part, str)]
    return "(" + " | ".join(kept) + ")" if kept else None


def _has_section(query: Query) -> bool:
    return isinstance(query, InSection) or any(_has_section(child) for child in query.children())


class PostgresSearch:
    """The search of a PostgreSQL home, over its engine (see search.query.search)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @functools.cached_property
    def schema(self):  # noqa: ANN201 - the Whoosh schema the query parser reads the fields of
        from minutesindex.search.index import build_schema

        return build_schema()

    def indexed(self, word: str) -> bool:
        from minutesindex.search.analysis import fold, stem

        lexemes = f"{_quoted(stem(word))} | {_quoted(FOLDED_PREFIX + fold(word))}"
        sql = f"SELECT EXISTS (SELECT 1 FROM {TERMS_TABLE} WHERE terms @@ CAST(:q AS tsquery))"
        with self.engine.connect() as connection:
            # For a word no item has, the planner hopes a scan finds one soon and reads every row's
            # vector (370 ms at 100,000 items); the GIN index answers at once.
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            return bool(connection.execute(text(sql), {"q": lexemes}).scalar())

    def committees(self) -> list[str]:
        return self._stored_names("committee")

    def _stored_names(self, column: str) -> list[str]:
        """The committees or municipalities as stored: a filter names them as the Whoosh index's keys
        do, in lower case, and PostgreSQL's lower() of `Ø` depends on the server's locale."""
        with self.engine.connect() as connection:
            rows = connection.execute(text(f"SELECT DISTINCT {column} FROM documents WHERE {column} IS NOT NULL"))
            return sorted(name for (name,) in rows if name)

    def _matching(self, query: Query, filters: SearchFilters) -> tuple[str, dict] | None:
        """The SQL condition on `t` (item_terms) an item matching the query and the filters meets,
        with its parameters; None where nothing can match."""
        exact = tsquery_text(query)
        loose = tsquery_text(query, exact=False) if _has_section(query) else exact
        if exact is None or loose is None:
            return None
        where, params = _filter_sql(filters, self._stored_names)
        conditions = []
        if isinstance(loose, str):
            conditions.append("t.terms @@ CAST(:q AS tsquery)")
            params["q"] = loose
        if exact != loose and isinstance(exact, str):
            conditions.append("(t.terms || t.sections) @@ CAST(:exact AS tsquery)")
            params["exact"] = exact
        return f"{' AND '.join(conditions) or 'TRUE'}{where}", params

    def _rows(self, sql: str, params: dict) -> list:
        with self.engine.connect() as connection:
            # A scan would test `@@` on every row's vector, read from TOAST (448 ms at 100,000 items
            # for a word in a tenth of them); the GIN index finds the same rows without reading one.
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            # A Parallel Append would interleave the years a search reads newest first.
            connection.execute(text("SET LOCAL enable_parallel_append = off"))
            return connection.execute(_expanding(sql, params), params).all()

    def run(  # noqa: PLR0913
        self, query: Query, limit: int, filters: SearchFilters, sort: str, count: bool, all_words: bool, offset: int = 0
    ) -> tuple[list[SearchHit], int | None, str]:
        """The best `limit` items after `offset`; the number of all matches where fewer than the
        ranked pool match or `count` asks for it (None otherwise); a note where the ranking left
        some out."""
        from minutesindex.search.query import snippet

        matching = self._matching(query, filters)
        if matching is None:
            return [], 0, ""
        condition, params = matching
        pool = offset + limit if sort == "date" else max(RANK_POOL, offset + limit)
        # The newest pool + 1 matches (the one more says whether more match), read a year at a time
        # from the newest: each year's partition is searched through its own GIN index, and the
        # years past the pool are never read (at 1,000,000 items a 2-word query matching a third of
        # them took 152 ms over the whole table, 40 over its newest years). PostgreSQL's Append
        # runs the parts of a UNION ALL in order and stops at the LIMIT.
        years = " UNION ALL ".join(
            f"(SELECT t.item_id, t.meeting_date, t.terms FROM {TERMS_TABLE} t WHERE {part} AND {condition} "
            "ORDER BY t.meeting_date DESC NULLS LAST, t.item_id DESC LIMIT :pool + 1)"
            for part in _year_parts(filters)
        )
        candidates = (
            "SELECT u.*, row_number() OVER () AS n, count(*) OVER () AS found "
            f"FROM (SELECT * FROM ({years}) y LIMIT :pool + 1) u"
        )
        # Ranked from the vector each candidate carries (a join on the key read the whole table to
        # hash it; a lookup per candidate reads the key's index as well).
        score = f"ts_rank_cd('{RANK_WEIGHTS}', c.terms, CAST(:q AS tsquery), 1)" if "q" in params else "0"
        order = "c.meeting_date DESC NULLS LAST, score DESC, c.item_id" if sort == "date" else "score DESC, c.item_id"
        best = (
            f"SELECT c.item_id, c.found, {score} AS score, c.meeting_date FROM ({candidates}) c WHERE c.n <= :pool "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
        sql = (
            "SELECT i.id, d.file_name, d.path, d.committee, d.municipality, d.meeting_date, i.number, i.title, "
            f"i.page_start, b.score, b.found, i.outcome, d.id FROM ({best}) b JOIN items i ON i.id = b.item_id "
            f"JOIN documents d ON d.id = i.document_id ORDER BY {order.replace('c.', 'b.')}"
        )
        rows = self._rows(sql, {**params, "limit": limit, "offset": offset, "pool": pool})
        found = rows[0][10] if rows else None
        if found is not None and found <= pool:
            total: int | None = found
        elif rows or offset:
            total = self._count(condition, params) if count else None
        else:
            total = 0
        note = ""
        if sort == "score" and found and found > pool:
            among = f"of the {total:,} matching items" if total else "matching items (more match)"
            note = f"ranked among the newest {pool:,} {among}"
        contents = self._contents([row[0] for row in rows])
        query_terms = {(field, str(term)) for field, term in query.iter_all_terms()}
        hits = [
            SearchHit(
                item_id=row[0],
                document=row[1],
                path=row[2] or "",
                committee=row[3] or "",
                municipality=row[4] or "",
                meeting_date=row[5],
                number=row[6],
                title=row[7],
                page=row[8],
                score=float(row[9]),
                outcome=row[11] or "",
                document_id=row[12],
                snippet=snippet(contents.get(row[0], ""), query_terms),
                all_words=all_words,
            )
            for row in rows
        ]
        return hits, total, note

    def tally(
        self, query: Query, filters: SearchFilters, groupings: list[tuple[str, ...]]
    ) -> tuple[int, list[Counter[tuple]]]:
        """How many items match, and for each grouping how many have each combination of values."""
        matching = self._matching(query, filters)
        if matching is None:
            return 0, [Counter() for _ in groupings]
        condition, params = matching
        total = self._count(condition, params)
        tallies = []
        for grouping in groupings:
            columns = ", ".join(TALLY_SQL[dimension] for dimension in grouping)
            rows = self._rows(
                f"SELECT {columns}, count(*) FROM {TERMS_TABLE} t WHERE {condition} GROUP BY {columns}", params
            )
            tallies.append(Counter({tuple(row[:-1]): row[-1] for row in rows}))
        return total, tallies

    def _count(self, condition: str, params: dict) -> int:
        return self._rows(f"SELECT count(*) FROM {TERMS_TABLE} t WHERE {condition}", params)[0][0]

    def _contents(self, item_ids: list[int]) -> dict[int, str]:
        """The text of each item as the snippets read it (search.index.item_bands)."""
        if not item_ids:
            return {}
        from minutesindex.store.db import load_items, session_scope

        with session_scope(self.engine) as session:
            return {item.id: item_bands(item)[1] for item in load_items(session, item_ids)}


# Each tally dimension (search.query.TALLY_DIMENSIONS) as SQL on item_terms, valued as the Whoosh
# path values it ("" for none; a year or month None for an undated meeting).
TALLY_SQL = {
    "committee": "coalesce(t.committee, '')",
    "municipality": "coalesce(t.municipality, '')",
    "kind": "coalesce(t.kind, '')",
    "outcome": "coalesce(t.outcome, '')",
    "access": "CASE WHEN t.closed THEN 'closed' ELSE 'open' END",
    "year": "CAST(extract(year FROM t.meeting_date) AS integer)",
    "month": "to_char(t.meeting_date, 'YYYY-MM')",
}


def _expanding(sql: str, params: dict) -> object:
    statement = text(sql)
    for name in ("committees", "municipalities", "kinds", "outcomes"):
        if name in params:
            statement = statement.bindparams(bindparam(name, expanding=True))
    return statement


def _filter_sql(filters: SearchFilters, stored_names: Callable[[str], list[str]]) -> tuple[str, dict]:
    """The filters as SQL conditions on the item's row of vectors and meeting (t); committees and
    municipalities are matched regardless of case, as stored (`stored_names(column)`)."""
    conditions: list[str] = []
    params: dict[str, object] = {}
    if filters.committees:
        wanted = {name.lower() for name in filters.committees}
        conditions.append("t.committee IN :committees")
        params["committees"] = [name for name in stored_names("committee") if name.lower() in wanted] or [""]
    if filters.municipality:
        names = [name for name in stored_names("municipality") if name.lower() == filters.municipality.lower()]
        conditions.append("t.municipality IN :municipalities")
        params["municipalities"] = names or [""]
    if filters.since or filters.until:
        dated = []
        if filters.since:
            dated.append("t.meeting_date >= :since")
            params["since"] = filters.since
        if filters.until:
            dated.append("t.meeting_date <= :until")
            params["until"] = filters.until
        condition = " AND ".join(dated)
        conditions.append(f"(({condition}) OR t.meeting_date IS NULL)" if filters.include_undated else condition)
    if filters.kinds:
        conditions.append("t.kind IN :kinds")
        params["kinds"] = list(filters.kinds)
    if filters.outcomes:
        conditions.append("coalesce(t.outcome, '') IN :outcomes")
        params["outcomes"] = list(filters.outcomes)
    if filters.access == "closed":
        conditions.append("t.closed")
    elif filters.access == "open":
        conditions.append("NOT t.closed")
    return "".join(f" AND {condition}" for condition in conditions), params


# Migration 0010's partitions of item_terms: one a year of these, one before (with the undated
# items, year 0) and one after. A search reads them one at a time, newest first.
PARTITION_YEARS = range(2000, 2050)


def _year_parts(filters: SearchFilters) -> list[str]:
    """Conditions on `t.year`, newest first, one for each partition the filters' dates may reach."""
    low = filters.since.year if filters.since else None
    high = filters.until.year if filters.until else None

    def reached(first: float, last: float) -> bool:
        return (low is None or last >= low) and (high is None or first <= high)

    after, before = PARTITION_YEARS.stop, PARTITION_YEARS.start
    parts = [f"t.year >= {after}"] if reached(after, float("inf")) else []
    parts += [f"t.year = {year}" for year in reversed(PARTITION_YEARS) if reached(year, year)]
    if reached(float("-inf"), before - 1) or filters.include_undated:
        parts.append(f"t.year < {before}")
    return parts
