"""Parse an analyst's query (words, "phrases", OR, -exclusion, field:prefixes) and run it."""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import re
import sys
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from whoosh import qparser
from whoosh.fields import Schema
from whoosh.index import Index
from whoosh.matching import Matcher, NullMatcher
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.query import And, DateRange, NullQuery, Or, Phrase, Query, QueryError, Term, WrappingQuery
from whoosh.query.spans import WrappingSpan
from whoosh.searching import Hit, Searcher

from minutesindex.errors import QuerySyntaxError
from minutesindex.repair.lexicon import load_lexicon, load_stopwords
from minutesindex.search.analysis import (
    BAND_WIDTH,
    MIN_COMPOUND_LEN,
    TOKEN_RE,
    band_start,
    fold,
    index_terms,
    query_parts,
    stem,
)
from minutesindex.search.evaluate import all_matches, top_matches
from minutesindex.search.index import BANDS, FOLDED_BOOST, NO_OUTCOME, SECTION_FIELDS

if TYPE_CHECKING:
    from minutesindex.search.pg import PostgresSearch

MAX_QUERY_LEN = 500
SEARCH_FIELDS = ["text", "folded"]
SNIPPET_CONTEXT = 60
SNIPPET_CHARS = 240
SNIPPET_FRAGMENTS = 2
# A query of words only: no "phrase", field:, -exclusion, (group) or operator. Words are apart by
# spaces, so a word can be matched one way only (no backtracking through its splits).
_PLAIN_WORD = r"(?!(?:AND|OR|NOT)\b)[^\W_][\w.,'&/-]*"
_PLAIN_WORDS = re.compile(rf"\s*{_PLAIN_WORD}(?:\s+{_PLAIN_WORD})*\s*")
# A word typed on its own: not a field name (`title:`), not a field's value, not part of another word.
_BARE_WORD = re.compile(rf"(?<![\w:])[^\W\d_]{{{MIN_COMPOUND_LEN},}}(?![\w:])")
COMMITTEE_SIMILARITY = 0.8  # `DASOS` for `DASSOS` (0.91); `Økonomi` is no `Teknik` at 0.8
FIELD_ALIASES = {"titel": "title", "resumé": "resume", "decision": "beslutning", "bilag": "bilag"}


@dataclass
class SearchHit:
    item_id: int
    document: str
    committee: str
    meeting_date: dt.date | None
    number: str
    title: str
    score: float
    snippet: str
    page: int
    all_words: bool = True  # False: no item had every word of the query, and this one has some
    path: str = ""  # the file as ingested
    municipality: str = ""
    outcome: str = ""  # the decision's label (godkendt, udsat …), "" for none
    document_id: int = 0  # its meeting's document

    def as_json(self) -> dict:
        return {
            "item_id": self.item_id,
            "document": self.document,
            "path": self.path,
            "committee": self.committee,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "number": self.number,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "page": self.page,
            "municipality": self.municipality or None,
            "outcome": self.outcome or None,
        }


class SearchHits(list):
    """The hits shown, best first (or by date), and how many items match in all (`total`): known
    when fewer items matched than were asked for, or when the search was asked to count them; None
    where more match and counting them was not asked for (counting runs the query again over every
    match, which costs more than finding the best ones)."""

    def __init__(self, hits: list[SearchHit], total: int | None, note: str = "") -> None:
        super().__init__(hits)
        self.total = total
        self.note = note  # why nothing matched, where the query itself says (only stop words)
        # With `tallies`: for each asked grouping, how many matching items have each value (tuple).
        self.tallies: dict[tuple[str, ...], Counter[tuple]] = {}


class InSection(WrappingSpan):
    """Its query, matched only in one section (band) of the text field."""

    def __init__(self, q: Query, section: str) -> None:
        self.q = q
        self.section = section

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InSection) and (self.q, self.section) == (other.q, other.section)

    def __hash__(self) -> int:
        return hash((self.q, self.section))

    def __repr__(self) -> str:
        return f"{self.section}:{self.q!r}"

    def apply(self, fn: object) -> InSection:
        return InSection(fn(self.q), self.section)  # type: ignore[operator]

    def children(self) -> object:
        return iter([self.q])

    def estimate_size(self, ixreader: object) -> int:
        return self.q.estimate_size(ixreader)

    def estimate_min_size(self, ixreader: object) -> int:
        return self.q.estimate_min_size(ixreader)

    @property
    def band_bounds(self) -> tuple[int, int]:
        """The positions of its band: from the first to before the last."""
        start = band_start(BANDS.index(self.section))
        return start, start + BAND_WIDTH

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher:
        """Whoosh cannot run it: the positions are in the fast postings (search/evaluate.py runs it)."""
        raise QueryError(f"{self.section}: a section prefix needs the index's fast postings")


def _parse_schema(schema: Schema) -> Schema:
    """The index's fields plus one name per section, so `beslutning:` and `--section` parse."""
    return Schema(
        text=schema["text"], folded=schema["folded"], case=schema["case"], **{band: schema["text"] for band in BANDS}
    )


def _parser(schema: Schema, fields: list[str], any_word: bool = False) -> qparser.QueryParser:
    boosts = {"folded": FOLDED_BOOST}
    group = qparser.OrGroup if any_word else qparser.AndGroup
    parser = qparser.MultifieldParser(fields, _parse_schema(schema), fieldboosts=boosts, group=group)
    for plugin in (qparser.WildcardPlugin, qparser.RangePlugin, qparser.EveryPlugin):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(qparser.FieldAliasPlugin({v: [k] for k, v in FIELD_ALIASES.items() if k != v}))
    return parser


def _in_section(query: Query) -> Query:
    """A term or phrase parsed for a section name becomes that query on the text field, in that band."""
    section = query.field() if query.is_leaf() else None
    if section not in BANDS:
        return query
    if isinstance(query, Term):
        return InSection(Term("text", query.text, boost=query.boost), section)
    if isinstance(query, Phrase):
        return InSection(Phrase("text", query.words, slop=query.slop, boost=query.boost), section)
    raise QuerySyntaxError(f'{section}: takes words or a "phrase"')


def _prepare(query_text: str, indexed: Callable[[str], bool] | None = None) -> str:
    """Make `-word` an exclusion and lower-case `or` an operator, as analysts type them."""
    text = re.sub(r"[\x00-\x1f]", " ", query_text).strip()
    text = re.sub(r"(^|\s)-(?=[\w\"])", r"\1NOT ", text)
    text = re.sub(r"\s+or\s+", " OR ", text)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    text = _CASE_PREFIX.sub(_case_term, text)
    text = _with_danish_spellings(text)
    return _with_compound_parts(text, indexed) if indexed else text


_CASE_PREFIX = re.compile(r"(?i)(?<![\w:])case:(\S+)")


def _case_term(match: re.Match[str]) -> str:
    """`case:27.00.00 p20-01-23`'s number as the index keeps it (segment.cases.normalise)."""
    from minutesindex.segment.cases import normalise

    return f"case:{normalise(match[1]) or match[1].upper()}"


_ASCII_WORD = re.compile(r"(?<![\w:])[^\W\d_]{3,}(?![\w:])")
_ASCII_SPELLINGS = (("ae", "æ"), ("oe", "ø"), ("aa", "å"))


def _with_danish_spellings(text: str) -> str:
    """A word typed without Danish letters that no word is, but one is with them, is looked for both
    ways: `aeldre` → `(aeldre OR ældre)`, so it finds the inflections and compounds `ældre` finds."""
    lexicon = load_lexicon()

    def expand(match: re.Match[str]) -> str:
        word = match.group()
        lower = word.lower()
        if match.string[: match.start()].endswith("NOT ") or lower in lexicon or lower in ("and", "not"):
            return word
        spellings = {lower}
        for ascii_form, letter in _ASCII_SPELLINGS:
            spellings |= {s.replace(ascii_form, letter) for s in spellings}
        danish = sorted(s for s in spellings if s != lower and s in lexicon)
        return f"({word} OR {' OR '.join(danish)})" if danish else word

    pieces = text.split('"')
    pieces[::2] = [_ASCII_WORD.sub(expand, piece) for piece in pieces[::2]]  # outside "phrases"
    return '"'.join(pieces)


def _with_compound_parts(text: str, indexed: Callable[[str], bool]) -> str:
    """A compound typed as one word that no item has is looked for as its parts, written apart:
    `hjerneskadeområdet` → `(hjerneskadeområdet OR (hjerneskade området))`. A compound that items
    have is left alone: those items are what the analyst asked for, and the parts would cost time."""

    def expand(match: re.Match[str]) -> str:
        word = match.group()
        if match.string[: match.start()].endswith("NOT ") or indexed(word.lower()):  # `-x` excludes only x
            return word
        parts = query_parts(word.lower())
        return f"({word} OR ({' '.join(parts)}))" if parts else word

    pieces = text.split('"')
    pieces[::2] = [_BARE_WORD.sub(expand, piece) for piece in pieces[::2]]  # outside "phrases"
    return '"'.join(pieces)


def build_query(
    schema: Schema,
    query_text: str,
    section: str | None = None,
    indexed: Callable[[str], bool] | None = None,
    any_word: bool = False,
) -> Query:
    """The query for `query_text`; `indexed(word)` tells whether items have the word, so that a
    compound no item has is looked for as its parts. Words are ANDed, or ORed with `any_word`."""
    if not query_text.strip():
        raise QuerySyntaxError("empty query")
    if len(query_text) > MAX_QUERY_LEN:
        raise QuerySyntaxError(f"query too long ({len(query_text)} characters; at most {MAX_QUERY_LEN})")
    _check_query(query_text)
    if section:
        section = section.strip().lower()
        section_field = section if section in SECTION_FIELDS or section == "title" else None
        if section_field is None:
            raise QuerySyntaxError(f"unknown section {section!r}; use one of: title, {', '.join(SECTION_FIELDS)}")
        fields = [section_field]
    else:
        fields = SEARCH_FIELDS
    try:
        parsed = _parser(schema, fields, any_word).parse(_prepare(query_text, indexed))
    except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
        raise QuerySyntaxError(f"cannot parse query {query_text!r}: {exc}") from exc
    return parsed.accept(_no_phrase_on_folded).accept(_in_section)


_searchers: weakref.WeakKeyDictionary[Index, Searcher] = weakref.WeakKeyDictionary()


_FIELD_PREFIX = re.compile(r"(?:^|[\s(])([^\W\d_][\w]*):(?=\S)")
_DANGLING_OPERATOR = re.compile(r"(?:^|\s)(?:AND|OR|NOT)\s*$|^\s*(?:AND|OR)\s")


def _check_query(query_text: str) -> None:
    """Queries that would silently match nothing are errors: an unknown `field:` prefix, a bare `*`,
    an operator with nothing after it."""
    outside_phrases = "".join(query_text.split('"')[::2])
    known = {"title", "case", *SECTION_FIELDS, *FIELD_ALIASES}
    for match in _FIELD_PREFIX.finditer(outside_phrases):
        if match.group(1).lower() not in known:
            fields = ", ".join(("title", *SECTION_FIELDS, "case"))
            raise QuerySyntaxError(f"unknown field {match.group(1)!r}; use one of: {fields}")
    if re.fullmatch(r"[\s*?]+", query_text):
        raise QuerySyntaxError("a query needs at least one word (wildcards alone match nothing)")
    if _DANGLING_OPERATOR.search(outside_phrases):
        raise QuerySyntaxError(f"{query_text.strip()!r}: AND, OR and NOT need a word on each side")


def _searcher(index: Index) -> Searcher:
    """One searcher per open index, refreshed when a writer has committed since: opening one reads
    every segment's files, which costs more than a typical query."""
    searcher = _searchers.get(index)
    stale_empty = searcher is not None and searcher.reader().doc_count_all() == 0  # cannot refresh
    searcher = index.searcher() if searcher is None or stale_empty else searcher.refresh()
    _searchers[index] = searcher
    return searcher


# Filters a searcher keeps as sets of its documents, the most recently used ones: an analyst pages
# through one committee or one year, and each set of 100,000 items is about 4 MB.
KEPT_FILTERS = 16
_filter_sets: weakref.WeakKeyDictionary[Searcher, OrderedDict[str, set[int]]] = weakref.WeakKeyDictionary()


def _allowed(searcher: Searcher, filters: list[Query]) -> set[int]:
    """The documents the filters allow, as a set: built once per searcher (not per query), and tested
    per match in constant time (Whoosh's own filter is a bit set whose truth test scans it whole,
    on every match)."""
    kept = _filter_sets.setdefault(searcher, OrderedDict())
    key = repr(filters)
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    allowed = kept[key] = set(searcher.docs_for_query(And(filters)))
    if len(kept) > KEPT_FILTERS:
        kept.popitem(last=False)
    return allowed


class _AllowedMatcher(WrappingMatcher):
    """The matches of the wrapped matcher among a segment's allowed documents (sorted numbers): it
    leaps the wrapped matcher to the next allowed document instead of reading every match, and
    keeps its block qualities, so a top-10 search still skips blocks that cannot beat its tenth hit."""

    def __init__(self, child: Matcher, ids: list[int], boost: float = 1.0) -> None:
        super().__init__(child, boost)
        self._ids = ids
        self._align()

    def _replacement(self, newchild: Matcher) -> _AllowedMatcher:
        return _AllowedMatcher(newchild, self._ids, self.boost)

    def copy(self) -> _AllowedMatcher:
        return _AllowedMatcher(self.child.copy(), self._ids, self.boost)

    def _align(self) -> bool:
        """Move the wrapped matcher to an allowed document (or past its end); whether it moved."""
        child, ids = self.child, self._ids
        moved = False
        while child.is_active():
            doc = child.id()
            k = bisect.bisect_left(ids, doc)
            if k == len(ids):
                child.skip_to(sys.maxsize)
                while child.is_active():  # a matcher that does not leave on a far skip
                    child.next()
                return True
            if ids[k] == doc:
                return moved
            child.skip_to(ids[k])
            moved = True
        return moved

    def next(self) -> bool:
        entered_block = self.child.next()
        return self._align() or bool(entered_block)

    def skip_to(self, id: int) -> None:  # noqa: A002 - Whoosh's name
        self.child.skip_to(id)
        self._align()

    def skip_to_quality(self, minquality: float) -> int:
        skipped = self.child.skip_to_quality(minquality / self.boost)
        self._align()
        return skipped

    def reset(self) -> None:
        self.child.reset()
        self._align()

    def all_ids(self) -> Iterator[int]:
        allowed = set(self._ids)
        return (doc for doc in self.child.all_ids() if doc in allowed)


class _AllowedQuery(WrappingQuery):
    """A query kept to the documents a filter allows, per segment (see _AllowedMatcher)."""

    def __init__(self, child: Query, by_segment: dict[int, list[int]]) -> None:
        super().__init__(child)
        self._by_segment = by_segment

    def _rewrap(self, child: Query) -> _AllowedQuery:
        return _AllowedQuery(child, self._by_segment)

    def matcher(self, searcher: Searcher, context: object = None) -> Matcher:
        ids = self._by_segment.get(id(searcher))
        if not ids:
            return NullMatcher()
        return _AllowedMatcher(self.child.matcher(searcher, context), ids)


AllowedIds = tuple[list[int], np.ndarray]  # the same numbers as a list (to bisect) and an array
_segment_ids: weakref.WeakKeyDictionary[Searcher, dict[str, dict[int, AllowedIds]]] = weakref.WeakKeyDictionary()


def _allowed_by_segment(searcher: Searcher, filters: list[Query], allowed: set[int]) -> dict[int, AllowedIds]:
    """The allowed documents of each segment, numbered within it, sorted; once per searcher and filter."""
    kept = _segment_ids.setdefault(searcher, {})
    key = repr(filters)
    if key not in kept:
        if len(kept) >= KEPT_FILTERS:
            kept.clear()
        ordered = sorted(allowed)
        by_segment = {}
        for subsearcher, offset in searcher.subsearchers or [(searcher, 0)]:
            low = bisect.bisect_left(ordered, offset)
            high = bisect.bisect_left(ordered, offset + subsearcher.doc_count_all())
            ids = [doc - offset for doc in ordered[low:high]]
            by_segment[id(subsearcher)] = (ids, np.array(ids, np.int64))
        kept[key] = by_segment
    return kept[key]


def _document_values(searcher: Searcher) -> dict[str, list]:
    """Each document's value of every TALLY_DIMENSION, by document number, from the filter fields'
    postings (not from stored fields: 3 s at 100,000 items); _coded_values keeps them per searcher."""
    size = searcher.doc_count_all()
    names = {committee_key(name): name for name in known_committees_of(searcher)}

    def by_term(field: str, shown: Callable[[str], str] = str, default: str = "") -> list[str]:
        column = [default] * size
        for term in searcher.lexicon(field):
            value = shown(term.decode("utf-8") if isinstance(term, bytes) else term)
            for docnum in searcher.postings(field, term).all_ids():
                column[docnum] = value
        return column

    days = searcher.reader().column_reader("day")
    dates = [dt.date.fromordinal(days[docnum]) if days[docnum] else None for docnum in range(size)]
    values = {
        "committee": by_term("committee_key", lambda key: names.get(committee_key(key), key)),
        "municipality": by_term("municipality_key", _municipality_name),
        "kind": by_term("kind"),
        "outcome": by_term("outcome", lambda term: "" if term == NO_OUTCOME else term),
        "access": ["closed" if flag else "open" for flag in by_term("closed", bool, default="")],
        "year": [date.year if date else None for date in dates],
        "month": [f"{date.year}-{date.month:02d}" if date else None for date in dates],
    }
    return values


def _municipality_name(key: str) -> str:
    from minutesindex.segment.places import resolve_municipality

    return resolve_municipality(key) or key


def release_searcher(index: Index) -> None:
    """Close the searcher kept for an index (its open segment files and what they map)."""
    searcher = _searchers.pop(index, None)
    if searcher is not None:
        searcher.close()


def _no_phrase_on_folded(query: Query) -> Query:
    """The folded field has no positions; a phrase is matched on the main fields only."""
    if isinstance(query, Phrase) and query.fieldname == "folded":
        return NullQuery
    return query


@dataclass(frozen=True)
class SearchFilters:
    """What a search keeps to: committees as stored, a municipality, a date range (undated meetings
    left out unless `include_undated`), open or closed items."""

    committees: tuple[str, ...] = ()
    municipality: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    include_undated: bool = False
    access: str | None = None
    kinds: tuple[str, ...] = ()  # dagsorden, referat
    outcomes: tuple[str, ...] = ()  # godkendt, udsat …; "" for items without one


# What matching items are tallied by (facets, a timeline): the meeting's committee, municipality,
# year, month (YYYY-MM) and kind, the item's outcome and whether it is closed ("closed"/"open").
TALLY_DIMENSIONS = ("committee", "municipality", "year", "month", "kind", "outcome", "access")


@dataclass
class _FilterSets:
    allowed: set[int] | None  # by number in the index; None: no filter
    mask: set[int] | None  # left out (access=open: the closed items)
    allowed_ids: dict[int, AllowedIds] | None  # the same per segment (see _allowed_by_segment)
    masked_ids: dict[int, AllowedIds] | None

    @staticmethod
    def arrays(by_segment: dict[int, AllowedIds] | None) -> dict[int, np.ndarray] | None:
        return None if by_segment is None else {key: array for key, (_, array) in by_segment.items()}


class WhooshSearch:
    """One search of a home's Whoosh index (one machine), on its searcher as of now;
    search.pg.PostgresSearch is the other backend."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.searcher = _searcher(index)

    @property
    def schema(self) -> Schema:
        return self.searcher.schema

    def indexed(self, word: str) -> bool:
        return _indexed(self.searcher, word)

    def committees(self) -> list[str]:
        return known_committees(self.index)

    def _conditions(self, filters: SearchFilters) -> list[Query]:
        """The filters as queries on the index's filter fields (access=open is a mask, not here)."""
        conditions: list[Query] = []
        if filters.committees:
            conditions.append(Or([Term("committee_key", name.lower()) for name in filters.committees]))
        if filters.municipality:
            conditions.append(Term("municipality_key", filters.municipality.lower()))
        if filters.since or filters.until:
            start = dt.datetime.combine(filters.since, dt.time()) if filters.since else None
            end = dt.datetime.combine(filters.until, dt.time.max) if filters.until else None
            dated: Query = DateRange("meeting_date", start, end)
            conditions.append(Or([dated, Term("dated", "0")]) if filters.include_undated else dated)
        if filters.access == "closed":
            conditions.append(Term("closed", "1"))
        if filters.kinds:
            conditions.append(Or([Term("kind", kind) for kind in filters.kinds]))
        if filters.outcomes:
            conditions.append(Or([Term("outcome", outcome or NO_OUTCOME) for outcome in filters.outcomes]))
        return conditions

    def _allowed_and_mask(self, filters: SearchFilters) -> _FilterSets:
        """The documents the filters allow and those access=open masks, as sets and per segment."""
        searcher = self.searcher
        conditions = self._conditions(filters)
        allowed = _allowed(searcher, conditions) if conditions else None
        masking = [Term("closed", "1")]
        mask = _allowed(searcher, masking) if filters.access == "open" else None
        return _FilterSets(
            allowed,
            mask,
            None if allowed is None else _allowed_by_segment(searcher, conditions, allowed),
            None if mask is None else _allowed_by_segment(searcher, masking, mask),
        )

    def run(  # noqa: PLR0913
        self, query: Query, limit: int, filters: SearchFilters, sort: str, count: bool, all_words: bool, offset: int = 0
    ) -> tuple[list[SearchHit], int | None, str]:
        """The best `limit` items after `offset` for the query, the number of all matches when
        `count`, and a note."""
        searcher = self.searcher
        # Newest meeting first, undated meetings last.
        options: dict = {"sortedby": "day", "reverse": True} if sort == "date" else {}
        sets = self._allowed_and_mask(filters)
        if sets.mask is not None:
            options["mask"] = sets.mask
        if sets.allowed is not None and not sets.allowed:  # Whoosh takes an empty filter for none at all
            return [], 0, ""
        query_terms = {(field, str(text)) for field, text in query.iter_all_terms()}
        found = top_matches(
            searcher, query, offset + limit, sets.arrays(sets.allowed_ids), sets.arrays(sets.masked_ids), sort == "date"
        )
        if found is not None:
            hits = [
                _hit(_StoredHit(searcher.stored_fields(docnum), score), query_terms, all_words=all_words)
                for docnum, score in zip(found.docnums[offset:], found.scores[offset:], strict=True)
            ]
            return hits, found.total, ""  # every match was ranked: counted
        kept = query
        if sets.allowed_ids is not None:  # inside the matcher: leaps to allowed documents, skips weak blocks
            kept = _AllowedQuery(query, {key: ids for key, (ids, _) in sets.allowed_ids.items()})
        try:
            results = searcher.search(kept, limit=offset + limit, **options)
        except (QueryError, NotImplementedError) as exc:  # a query form Whoosh cannot run
            raise QuerySyntaxError(f"cannot run query: {type(exc).__name__} {exc}".strip()) from exc
        hits = [_hit(hit, query_terms, all_words=all_words) for hit in results[offset:]]
        # `len(results)` (and so `bool(results)`) runs the query again over every match to count
        # them: only when asked. How many were scored is known already.
        scored = results.scored_length()
        total = (len(results) if scored else 0) if count else None
        if total is None and scored < offset + limit:
            total = scored
        return hits, total, ""

    def tally(
        self, query: Query, filters: SearchFilters, groupings: list[tuple[str, ...]]
    ) -> tuple[int, list[Counter[tuple]]]:
        """How many items match, and for each grouping (a tuple of TALLY_DIMENSIONS) how many have
        each combination of values: from per-document values kept per searcher, one pass."""
        sets = self._allowed_and_mask(filters)
        allowed, mask = sets.allowed, sets.mask
        if allowed is not None and not allowed:
            return 0, [Counter() for _ in groupings]
        found = all_matches(self.searcher, query, sets.arrays(sets.allowed_ids), sets.arrays(sets.masked_ids))
        try:
            matched = (
                found[0]
                if found is not None
                else np.array(
                    [
                        docnum
                        for docnum in self.searcher.docs_for_query(query)
                        if (allowed is None or docnum in allowed) and (mask is None or docnum not in mask)
                    ],
                    np.int64,
                )
            )
        except (QueryError, NotImplementedError) as exc:
            raise QuerySyntaxError(f"cannot run query: {type(exc).__name__} {exc}".strip()) from exc
        coded = _coded_values(self.searcher)
        return len(matched), [_tally(matched, [coded[dimension] for dimension in grouping]) for grouping in groupings]


def _tally(matched: np.ndarray, columns: list[tuple[list, np.ndarray]]) -> Counter[tuple]:
    """How many of the matched documents have each combination of the columns' values (each column
    its distinct values and every document's code among them), counted as arrays."""
    combined = np.zeros(len(matched), np.int64)
    for labels, codes in columns:
        combined = combined * len(labels) + codes[matched]
    counts = np.bincount(combined)
    tally: Counter[tuple] = Counter()
    for combination in np.flatnonzero(counts).tolist():
        values, rest = [], combination
        for labels, _ in reversed(columns):
            rest, code = divmod(rest, len(labels))
            values.append(labels[code])
        tally[tuple(reversed(values))] = int(counts[combination])
    return tally


_codes: weakref.WeakKeyDictionary[Searcher, dict[str, tuple[list, np.ndarray]]] = weakref.WeakKeyDictionary()


def _coded_values(searcher: Searcher) -> dict[str, tuple[list, np.ndarray]]:
    """Each TALLY_DIMENSION as its distinct values and every document's code among them, once per
    searcher (from _document_values)."""
    if searcher not in _codes:
        coded = {}
        for dimension, column in _document_values(searcher).items():
            index: dict = {}
            codes = np.fromiter((index.setdefault(value, len(index)) for value in column), np.int64, len(column))
            coded[dimension] = (list(index), codes)
        _codes[searcher] = coded
    return _codes[searcher]


def search(
    source: Index | WhooshSearch | PostgresSearch,
    query_text: str,
    limit: int = 10,
    committee: str | list[str] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    section: str | None = None,
    sort: str = "score",
    include_undated: bool = False,
    access: str | None = None,
    count: bool = False,
    municipality: str | None = None,
    offset: int = 0,
    kinds: tuple[str, ...] = (),
    outcomes: tuple[str, ...] = (),
    tallies: tuple[tuple[str, ...], ...] = (),
) -> SearchHits:
    """Items with every word of the query, best first (or newest meeting first with sort="date");
    where no item has them all and the query is plain words, the items with some of them (their
    hits say `all_words=False`). `source` is a Whoosh index (or its WhooshSearch) or a PostgreSQL
    home's PostgresSearch: one query language, the same hits. `committee` is one committee or
    several, as stored (see `resolve_committee`); a date range leaves out undated meetings unless
    `include_undated`. `offset` skips the best that many (paging). With `tallies` (groupings of
    TALLY_DIMENSIONS, e.g. `("committee",)` or `("month", "outcome")`), `hits.tallies` counts the
    matching items by them and `hits.total` is exact."""
    if sort not in ("score", "date"):
        raise QuerySyntaxError(f"unknown sort {sort!r}; use score or date")
    if since and until and since > until:
        raise QuerySyntaxError(f"the date range is reversed: {since} is after {until}")
    if access not in (None, "open", "closed"):
        raise QuerySyntaxError(f"unknown access {access!r}; use open or closed")
    backend = WhooshSearch(source) if isinstance(source, Index) else source
    committees = [committee] if isinstance(committee, str) else committee
    filters = SearchFilters(
        tuple(committees or ()), municipality, since, until, include_undated, access, tuple(kinds), tuple(outcomes)
    )
    for grouping in tallies:
        if unknown := set(grouping) - set(TALLY_DIMENSIONS):
            raise QuerySyntaxError(f"cannot tally by {', '.join(sorted(unknown))}; use {', '.join(TALLY_DIMENSIONS)}")
    indexed = functools.lru_cache(maxsize=None)(backend.indexed)

    def run(any_word: bool) -> SearchHits:
        query = build_query(backend.schema, query_text, section, indexed, any_word)
        hits, total, note = backend.run(query, limit, filters, sort, count, not any_word, offset)
        found = SearchHits(hits, total, note)
        if tallies and (hits or offset):
            found.total, counted = backend.tally(query, filters, list(tallies))
            found.tallies = dict(zip(tallies, counted, strict=True))
        return found

    hits = run(any_word=False)
    if not hits and _PLAIN_WORDS.fullmatch(query_text) and len(query_text.split()) > 1:
        hits = run(any_word=True)
    stopwords = load_stopwords()
    if not hits and _PLAIN_WORDS.fullmatch(query_text) and all(w.lower() in stopwords for w in query_text.split()):
        hits.note = "every word of the query is a stop word, which the index leaves out; search for other words"
    elif hits:
        hits.note = "; ".join(filter(None, [hits.note, _found_only_as_parts(query_text, indexed)]))
    return hits


def _found_only_as_parts(query_text: str, indexed: Callable[[str], bool]) -> str:
    """Say so where a word of the query is in no item and was looked for as its parts (`hjemløse`
    as `hjem` and `løse`): the hits have the parts, not the word."""
    unquoted = " ".join(query_text.split('"')[::2])
    notes = [
        f"no item has the word {word!r}; these items have its parts ({', '.join(parts)})"
        for word in dict.fromkeys(w.lower() for w in _BARE_WORD.findall(unquoted))
        if (parts := query_parts(word)) and not indexed(word)
    ]
    return "; ".join(notes)


def known_committees(index: Index) -> list[str]:
    """The committees of the indexed items, as stored."""
    return known_committees_of(_searcher(index))


def known_committees_of(searcher: Searcher) -> list[str]:
    """The committees of a searcher's items, as stored: one item's stored name for each committee
    key (reading every item's stored fields took 3 s at 100,000 items)."""
    names: set[str] = set()
    for reader, _ in searcher.reader().leaf_readers():
        for key in reader.lexicon("committee_key"):
            for docnum in reader.postings("committee_key", key).all_ids():
                if not reader.is_deleted(docnum):
                    names.add(reader.stored_fields(docnum).get("committee") or "")
                    break
    names.discard("")
    return sorted(names)


def resolve_committee(name: str, known: list[str]) -> list[str]:
    """The stored committees a user's spelling means, by one rule: the same name with case, hyphens,
    spaces and æøå folded away (`Teknik og Miljøudvalget`, `teknik- og miljoeudvalget`), else every
    committee whose name it begins or is a part of (`udvalget` is all the udvalg), else the one it
    nearly spells (`DASOS` for `DASSOS`). Empty when none matches."""
    wanted = committee_key(name)
    if not wanted:
        return []
    keys = {known_name: committee_key(known_name) for known_name in known}
    exact = [n for n, key in keys.items() if key == wanted]
    if exact:
        return exact
    parts = [n for n, key in keys.items() if wanted in key]
    if parts:
        return parts
    close = difflib.get_close_matches(wanted, list(keys.values()), n=2, cutoff=COMMITTEE_SIMILARITY)
    return [n for n, key in keys.items() if key in close[:1]]


def committee_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", fold(name.lower())).replace("aa", "a").replace("oe", "o")


def _indexed(searcher: Searcher, word: str) -> bool:
    return searcher.doc_frequency("text", stem(word)) > 0 or searcher.doc_frequency("folded", fold(word)) > 0


class _StoredHit(dict):
    """A document's stored fields and its score, as a Whoosh Hit gives them to _hit."""

    def __init__(self, fields: dict, score: float) -> None:
        super().__init__(fields)
        self.score = score


def _hit(hit: Hit | _StoredHit, query_terms: set[tuple[str, str]], all_words: bool) -> SearchHit:
    date = hit.get("meeting_date")
    return SearchHit(
        item_id=int(hit["item_id"]),
        document=hit["document"],
        committee=hit["committee"],
        meeting_date=date.date() if date else None,
        number=hit["number"],
        title=hit["title_display"],
        score=float(hit.score),
        snippet=snippet(hit["content"], query_terms),
        page=int(hit["page"]),
        all_words=all_words,
        path=hit.get("path") or "",
        municipality=hit.get("municipality") or "",
        outcome="" if hit.get("outcome") in (None, NO_OUTCOME) else hit["outcome"],
        document_id=int(hit.get("document_id") or 0),
    )


MIN_STEM_IN_COMPOUND = 3  # the shortest stem of a compound part (MIN_INDEX_PART letters, one stemmed off)


_DANISH_LETTER = re.compile("[æøå]")
_CONFUSED_LETTERS = re.compile("[aeoøæåg]+")


def _consonants(word: str) -> str:
    """A word less the letters OCR confusions print or stand for (`bgrnehaveomradet`: `brnhvmrdt`)."""
    return _CONFUSED_LETTERS.sub("", word)


def snippet(text: str, query_terms: set[tuple[str, str]]) -> str:
    """Up to two passages of the text around the words the query looks for, between ** marks.

    A word is marked when one of its index terms (stem or compound part) is a query term, or its
    folded form is a term of the query on the folded field.
    """
    terms = {term for field, term in query_terms if field != "folded"}
    folded_terms = {term for field, term in query_terms if field == "folded"}
    inside = [term for term in terms if len(term) >= MIN_STEM_IN_COMPOUND]
    # A word the OCR misread (`bgrnehaveomradet`) holds a term's consonants, not its letters.
    misread_inside = [_consonants(term) for term in inside if _DANISH_LETTER.search(term)]

    def matched(word: str) -> bool:
        if stem(word) in terms or fold(word) in folded_terms:
            return True
        # Only a word a query term may be inside is split into its index terms (compound parts, a
        # misread word's reading): that is the slow part.
        if len(word) < MIN_COMPOUND_LEN:
            return False
        if not any(term in word for term in inside):
            consonants = _consonants(word)
            if not any(term in consonants for term in misread_inside):
                return False
        return not terms.isdisjoint(index_terms(word))

    marked = {word for word in set(TOKEN_RE.findall(text.lower())) if matched(word)}
    if not marked:
        return _one_line(text[:200])
    spans = [(m.start(), m.end()) for m in TOKEN_RE.finditer(text) if m.group().lower() in marked]
    windows: list[list[tuple[int, int]]] = []
    for span in spans:
        if windows and span[1] - windows[-1][0][0] + 2 * SNIPPET_CONTEXT <= SNIPPET_CHARS:
            windows[-1].append(span)
        else:
            windows.append([span])
    best = sorted(sorted(windows, key=len, reverse=True)[:SNIPPET_FRAGMENTS], key=lambda w: w[0][0])
    return " … ".join(_one_line(_mark(text, window)) for window in best)


def _mark(text: str, spans: list[tuple[int, int]]) -> str:
    start = _word_boundary(text, max(0, spans[0][0] - SNIPPET_CONTEXT), backwards=True)
    end = _word_boundary(text, min(len(text), spans[-1][1] + SNIPPET_CONTEXT), backwards=False)
    out, position = [], start
    for span_start, span_end in spans:
        out += [text[position:span_start], "**", text[span_start:span_end], "**"]
        position = span_end
    out.append(text[position:end])
    return "".join(out)


def _word_boundary(text: str, position: int, backwards: bool) -> int:
    step = -1 if backwards else 1
    while 0 < position < len(text) and not text[position - 1].isspace() and not text[position].isspace():
        position += step
    return position


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
