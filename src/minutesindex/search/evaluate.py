"""A search ranked over whole posting arrays: the plain queries of search/query.py, Whoosh's scores.

Whoosh's matchers walk postings one at a time in Python (some 10 µs a step), so a 2-word search of
100,000 items spends tens of milliseconds leapfrogging two lists and a phrase hundreds checking
positions. Here each segment's postings are numpy views of its fast postings file
(search/fastpost.py): terms are scored as arrays with Whoosh's BM25F (same statistics, same formula,
so the same scores up to the order of a sum), `And` intersects, `Or` unites and sums, a phrase
matches keys of (document, position) shifted by one per word, a section keeps positions in its band,
and the best `limit` are taken from all matches at once, which also counts them.

A query of another form (a term of the `case` field) or a segment without the file (written by
Whoosh's own writer) is left to Whoosh: `top_matches` returns None. Whoosh cannot run phrases or
section prefixes itself: the banded field's positions are kept only in the fast postings.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
from whoosh.query import And, AndNot, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from minutesindex.search.fastpost import EXTENSION, FIELDS, SegmentPostings

_NOT_WEIGHT = 1.0  # what Whoosh's InverseMatcher adds to an And's score for each `NOT x` it holds
# Scores this close (relative) rank as a tie, broken by document number as Whoosh breaks exact ties:
# Whoosh sums a compound's scores in a tree ordered by its parts' sizes, here in the query's order.
_TIE = 1e-9


class Unsupported(Exception):
    """The query has a form this evaluator does not run."""


@dataclass
class Matches:
    """One segment's matching documents (sorted, distinct) and their scores."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def none(cls) -> Matches:
        return cls(np.empty(0, np.int64), np.empty(0, np.float64))


_opened: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def segment_postings(reader: object) -> SegmentPostings | None:
    """The fast postings of a segment's reader, opened once per reader; None where it has none."""
    if reader in _opened:
        return _opened[reader]
    postings = None
    segment = getattr(reader, "_segment", None)
    storage = getattr(reader, "_storage", None)
    if segment is not None and storage is not None:
        name = segment.make_filename(EXTENSION)
        if storage.file_exists(name):
            file = storage.open_file(name)
            buffer = getattr(file, "_buf", None)
            if not isinstance(buffer, memoryview):  # not mapped: read it (once per reader)
                file.seek(0)
                buffer = file.read(storage.file_length(name))
            postings = SegmentPostings(buffer)
    _opened[reader] = postings
    return postings


@dataclass
class _Segment:
    postings: SegmentPostings
    searcher: Searcher  # the top-level searcher: statistics over every segment, as Whoosh scores
    excluded: np.ndarray  # deleted or masked documents

    def live(self) -> np.ndarray:
        """Every document not excluded (what a NOT at the top keeps)."""
        return np.setdiff1d(np.arange(self.postings.doc_count), self.excluded)

    def term_scores(self, term: Term) -> Matches:
        fieldname = term.fieldname
        if fieldname not in FIELDS or not self.postings.has_field(fieldname):
            raise Unsupported(fieldname)
        text = term.text if isinstance(term.text, bytes) else str(term.text).encode("utf-8")
        found = self.postings.postings(fieldname, text)
        if not len(found.docs):
            return Matches.none()
        return Matches(found.docs.astype(np.int64), self._bm25(fieldname, text, found.docs, found.weights) * term.boost)

    def _bm25(self, fieldname: str, text: bytes, docs: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Whoosh's BM25FScorer, with the operations in its order (scoring.bm25)."""
        weighting = self.searcher.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1 = weighting.K1
        idf = self.searcher.idf(fieldname, text.decode("utf-8"))
        average = self.searcher.avg_field_length(fieldname) or 1
        tf = weights.astype(np.float64)
        length = self.postings.lengths(fieldname)[docs].astype(np.float64)
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / average)))


def _intersect(a: Matches, b: Matches) -> Matches:
    docs, in_a, in_b = np.intersect1d(a.docs, b.docs, assume_unique=True, return_indices=True)
    return Matches(docs, a.scores[in_a] + b.scores[in_b])


def _unite(parts: list[Matches]) -> Matches:
    parts = [part for part in parts if len(part.docs)]
    if not parts:
        return Matches.none()
    if len(parts) == 1:
        return parts[0]
    docs, where = np.unique(np.concatenate([part.docs for part in parts]), return_inverse=True)
    return Matches(
        docs, np.bincount(where, weights=np.concatenate([part.scores for part in parts]), minlength=len(docs))
    )


def _without(a: Matches, docs: np.ndarray) -> Matches:
    keep = ~np.isin(a.docs, docs, assume_unique=True)
    return Matches(a.docs[keep], a.scores[keep])


def _boosted(matches: Matches, boost: float) -> Matches:
    return matches if boost == 1.0 else Matches(matches.docs, matches.scores * boost)


def _phrase(node: Phrase, segment: _Segment, band: tuple[int, int] | None = None) -> Matches:
    """Documents where each word follows the one before it within the phrase's slop (1: next to
    it), from the first word's position in the band to the last's, if a band is given; the score
    is the words' scores summed, as Whoosh's phrase (an intersection of its terms) scores."""
    if node.fieldname != "text":
        raise Unsupported("a phrase in another field")
    words = [str(word).encode("utf-8") for word in node.words]
    lists = [segment.postings.postings("text", word) for word in words]
    if any(not len(found.docs) for found in lists):
        return Matches.none()
    common = lists[0].docs
    for found in lists[1:]:
        common = np.intersect1d(common, found.docs, assume_unique=True)
    if not len(common):
        return Matches.none()
    # Each way the phrase can run so far, as (document, position of its last word so far) in one key.
    alive = np.empty(0, np.int64)
    for word_number, found in enumerate(lists):
        positions, owner = found.positions_of(np.searchsorted(found.docs, common))
        keys = (owner.astype(np.int64) << 32) | positions.astype(np.int64)
        if word_number:
            moved = [alive + distance for distance in range(1, max(1, node.slop) + 1)]
            alive = np.unique(np.concatenate([step[np.isin(step, keys)] for step in moved]))
        else:
            alive = keys[positions >= band[0]] if band else keys
    if band:
        alive = alive[(alive & 0xFFFFFFFF) < band[1]]
    owners = np.unique(alive >> 32)
    docs = common[owners].astype(np.int64)
    scores = [segment.term_scores(Term("text", word.decode("utf-8"))) for word in words]
    total = _tree_sum([_at(score, docs) for score in scores])
    return Matches(docs, total * node.boost)


def _at(matches: Matches, docs: np.ndarray) -> np.ndarray:
    return matches.scores[np.searchsorted(matches.docs, docs)]


def _tree_sum(values: list[np.ndarray]) -> np.ndarray:
    """Summed as Whoosh's make_binary_tree nests its intersections: halves first."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


def _in_band(node: Query, segment: _Segment, band: tuple[int, int]) -> Matches:
    if isinstance(node, Phrase):
        return _phrase(node, segment, band)
    if not isinstance(node, Term) or node.fieldname != "text":
        raise Unsupported("a section of something other than words or a phrase")
    scored = segment.term_scores(node)
    if not len(scored.docs):
        return scored
    text = node.text if isinstance(node.text, bytes) else str(node.text).encode("utf-8")
    found = segment.postings.postings("text", text)
    positions, owner = found.positions_of(np.arange(len(found.docs)))
    inside = np.unique(owner[(positions >= band[0]) & (positions < band[1])])
    return Matches(scored.docs[inside], scored.scores[inside])


def _evaluate(node: Query, segment: _Segment) -> Matches:
    band = getattr(node, "band_bounds", None)
    if band is not None:
        return _in_band(node.q, segment, band)
    if isinstance(node, Term):
        return segment.term_scores(node)
    if isinstance(node, Phrase):
        return _phrase(node, segment)
    if node is NullQuery or type(node).__name__ == "_NullQuery":
        return Matches.none()
    if isinstance(node, AndNot):
        return _without(_evaluate(node.a, segment), _evaluate(node.b, segment).docs)
    if isinstance(node, Not):
        live = segment.live()
        complement = _without(Matches(live, np.zeros(len(live))), _evaluate(node.query, segment).docs)
        return Matches(complement.docs, np.full(len(complement.docs), _NOT_WEIGHT * node.boost))
    if type(node) is And:
        positive = [child for child in node.subqueries if not isinstance(child, Not)]
        negative = [child for child in node.subqueries if isinstance(child, Not)]
        if not positive:
            raise Unsupported("only NOT")
        found = _evaluate(positive[0], segment)
        for child in positive[1:]:
            if not len(found.docs):
                break
            found = _intersect(found, _evaluate(child, segment))
        for child in negative:
            found = _without(found, _evaluate(child.query, segment).docs)
            found = Matches(found.docs, found.scores + _NOT_WEIGHT * child.boost)
        return _boosted(found, node.boost)
    if isinstance(node, Or) and type(node).__name__ in ("Or", "DefaultOr"):
        if node.minmatch or node.scale:
            raise Unsupported("Or with minmatch or scale")
        return _boosted(_unite([_evaluate(child, segment) for child in node.subqueries]), node.boost)
    raise Unsupported(type(node).__name__)


@dataclass
class TopMatches:
    docnums: list[int]  # the index's document numbers, best first
    scores: list[float]
    total: int  # every match


def all_matches(
    searcher: Searcher,
    query: Query,
    allowed: dict[int, np.ndarray] | None = None,
    masked: dict[int, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every document matching the query (its number in the index) and its score, in number order;
    `allowed` keeps to each segment's allowed documents, `masked` leaves out each segment's masked
    ones (both sorted, numbered in the segment, by id of its searcher). None where this evaluator
    cannot run the query."""
    if not isinstance(searcher.weighting, BM25F):
        return None
    all_docs, all_scores = [np.empty(0, np.int64)], [np.empty(0, np.float64)]
    for subsearcher, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = subsearcher.reader()
        postings = segment_postings(reader)
        if postings is None or postings.doc_count != reader.doc_count_all():
            return None
        kept = None if allowed is None else allowed.get(id(subsearcher), np.empty(0, np.int64))
        if kept is not None and not len(kept):
            continue
        masked_here = None if masked is None else masked.get(id(subsearcher))
        segment = _Segment(postings, searcher, _excluded(reader, masked_here))
        try:
            found = _evaluate(query, segment)
        except Unsupported:
            return None
        if kept is not None:
            keep = np.isin(found.docs, kept, assume_unique=True)
            found = Matches(found.docs[keep], found.scores[keep])
        if len(segment.excluded):
            found = _without(found, segment.excluded)
        all_docs.append(found.docs + offset)
        all_scores.append(found.scores)
    return np.concatenate(all_docs), np.concatenate(all_scores)


def top_matches(  # noqa: PLR0913
    searcher: Searcher,
    query: Query,
    limit: int,
    allowed: dict[int, np.ndarray] | None = None,
    masked: dict[int, np.ndarray] | None = None,
    by_day: bool = False,
) -> TopMatches | None:
    """The best `limit` matches by score (ties: lower number first), or with `by_day` the newest
    meetings' first (undated last; a day's items as Whoosh sorts them, last indexed first), and how
    many match. None where this evaluator cannot run the query (see all_matches)."""
    found = all_matches(searcher, query, allowed, masked)
    if found is None:
        return None
    docs, scores = found
    if by_day:
        days = _days(searcher)[docs]
        best = np.lexsort((-docs, -days))[:limit]
    else:
        if len(docs) > limit:
            # Every candidate for the best `limit`, ties at the edge included, then ordered.
            edge = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            candidates = np.flatnonzero(scores >= edge * (1 - _TIE))
        else:
            candidates = np.arange(len(docs))
        best = candidates[_ranked(scores[candidates])[:limit]]
    return TopMatches(docs[best].tolist(), scores[best].tolist(), len(docs))


_day_columns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _days(searcher: Searcher) -> np.ndarray:
    """Each document's meeting day (an ordinal; 0 undated), by number in the index, read once per
    segment reader from its sortable `day` column."""
    columns = []
    for subsearcher, _ in searcher.subsearchers or [(searcher, 0)]:
        reader = subsearcher.reader()
        if reader not in _day_columns:
            count = reader.doc_count_all()
            if reader.has_column("day"):
                column = reader.column_reader("day")
                _day_columns[reader] = np.fromiter((column[doc] for doc in range(count)), np.int64, count)
            else:
                _day_columns[reader] = np.zeros(count, np.int64)
        columns.append(_day_columns[reader])
    return np.concatenate(columns) if columns else np.empty(0, np.int64)


def _ranked(scores: np.ndarray) -> np.ndarray:
    """Indexes best first; scores within _TIE of the best of each other keep their (document) order."""
    if not len(scores):
        return np.empty(0, np.int64)
    quantum = (float(np.max(np.abs(scores))) or 1.0) * _TIE
    return np.lexsort((np.arange(len(scores)), -np.round(scores / quantum)))


_deleted: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _excluded(reader: object, masked: np.ndarray | None) -> np.ndarray:
    """A segment's deleted documents (read once per reader) and its masked ones, by local number."""
    if reader not in _deleted:
        deleted = reader.segment().deleted_docs() if reader.has_deletions() else ()
        _deleted[reader] = np.array(sorted(deleted), np.int64)
    return _deleted[reader] if masked is None or not len(masked) else np.union1d(_deleted[reader], masked)
