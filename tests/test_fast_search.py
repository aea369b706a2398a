"""Searches ranked over whole posting arrays (search/evaluate.py) give the hits Whoosh's matchers give."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest

from minutesindex.config import load_settings
from minutesindex.pipeline import ingest_paths
from minutesindex.search import evaluate, query
from minutesindex.search.fastpost import EXTENSION
from minutesindex.search.index import _writer_options, open_index
from minutesindex.search.query import search
from minutesindex.search.segments import GroupedSegmentWriter

WORDS = ["budget", "skole", "vej", "plan", "aftale", "takst", "bolig", "havn", "natur", "kultur", "ældrepleje"]
COMMITTEES = ("Teknisk Udvalg", "Kulturudvalget", "Økonomiudvalget")
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")  # fmt: skip


def _minutes(rng: random.Random, committee: str, day: dt.date) -> str:
    items = "".join(
        f"{k}. Sag om {rng.choice(WORDS)} og {rng.choice(WORDS)}\n"
        f"Sagsfremstilling\n{' '.join(rng.choices(WORDS, k=rng.randrange(20, 60)))}\n"
        f"Beslutning\n{' '.join(rng.choices(WORDS, k=rng.randrange(3, 12)))}\n\n"
        for k in range(1, 5)
    )
    return f"Referat\n{committee} den {day.day}. {MONTHS[day.month - 1]} {day.year}\n\n{items}"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory):
    """Three ingests (three segments) of generated minutes, then some items deleted from the index,
    so segments hold deleted documents."""
    root = tmp_path_factory.mktemp("fast")
    rng = random.Random(11)
    settings = load_settings(root / "home")
    for batch in range(3):
        folder = root / f"batch{batch}"
        folder.mkdir()
        for n in range(10):
            day = dt.date(2019 + n % 4, 1 + n % 12, 1 + batch * 9)
            text = _minutes(rng, COMMITTEES[n % 3], day)
            (folder / f"m{batch}_{n}.txt").write_text(text, encoding="utf-8")
        ingest_paths([folder], settings, workers=1)
    index = open_index(settings.index_dir)
    writer = index.writer()
    for item_id in range(1, 120, 9):
        writer.delete_by_term("item_id", str(item_id))
    writer.commit(merge=False)
    readers = [reader for reader, _ in index.reader().leaf_readers()]
    assert len(readers) > 1 and any(reader.has_deletions() for reader in readers)
    return index


@pytest.fixture(scope="module")
def banded(index) -> dict[int, dict[str, list[int]]]:
    """Each indexed item's terms with their positions, as the analysis gives them: the oracle of
    phrases and sections."""
    from minutesindex.pipeline import _items_in_batches
    from minutesindex.search.index import item_document

    with index.searcher() as searcher:
        indexed = sorted(int(fields["item_id"]) for fields in searcher.all_stored_fields())
    settings = load_settings(Path(index.storage.folder).parents[1])
    field = index.schema["text"]
    return {
        item.id: {term: positions for term, (positions, _) in field.analyzer.term_positions(
            item_document(item)["text"]).items()}
        for item in _items_in_batches(settings.db_url, indexed)
    }  # fmt: skip


def _by_whoosh(monkeypatch: pytest.MonkeyPatch, *args: object, **kwargs: object) -> query.SearchHits:
    with monkeypatch.context() as patched:
        patched.setattr(query, "top_matches", lambda *a, **k: None)
        patched.setattr(query, "all_matches", lambda *a, **k: None)
        return search(*args, **kwargs)


def _ranked(hits: list) -> list[tuple[int, float]]:
    return [(hit.item_id, round(hit.score, 6)) for hit in hits]


QUERIES = [
    "budget",
    "skole havn",
    "takst bolig natur",
    "plan OR kultur",
    "aftale -vej",
    "-vej",  # nothing but an exclusion: every item without the word
    "aeldrepleje",  # typed without Danish letters: the folded field
    "ældrepleje budget",
]
# Phrases and sections: (query, its words, the most words apart each may stand, the band or None).
POSITIONAL = [
    ('"budget skole"', ["budget", "skole"], 1, None),
    ('"vej plan aftale"', ["vej", "plan", "aftale"], 1, None),
    ('"skole havn"~3', ["skole", "havn"], 3, None),
    ("beslutning:havn", ["havn"], 1, "beslutning"),
    ('sagsfremstilling:"natur kultur"', ["natur", "kultur"], 1, "sagsfremstilling"),
]
FILTERS = [
    {},
    {"committee": "Kulturudvalget"},
    {"since": dt.date(2020, 1, 1), "until": dt.date(2021, 12, 31)},
    {"access": "open"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=["all", "committee", "dates", "open"])
def test_every_query_form_ranks_as_whoosh_ranks_all_its_matches(index, monkeypatch, filters):
    """The best five and the count, against Whoosh's matchers ranking every match (the fast path off):
    words, OR, NOT, folded spellings (Whoosh runs no phrase: the positions are in the fast postings)."""
    for text in QUERIES:
        fast = search(index, text, limit=5, count=True, **filters)
        every = _by_whoosh(monkeypatch, index, text, limit=1000, count=True, **filters)
        assert fast.total == every.total, text
        assert _ranked(fast) == _ranked(every)[:5], text
        paged = search(index, text, limit=3, offset=2, **filters)
        assert _ranked(paged) == _ranked(every)[2:5], text
        newest = search(index, text, limit=5, sort="date", **filters)
        newest_by_whoosh = _by_whoosh(monkeypatch, index, text, limit=5, sort="date", **filters)
        assert [hit.item_id for hit in newest] == [hit.item_id for hit in newest_by_whoosh], text
        counted = search(index, text, limit=5, tallies=(("committee",), ("year", "outcome")), **filters)
        counted_by_whoosh = _by_whoosh(
            monkeypatch, index, text, limit=5, tallies=(("committee",), ("year", "outcome")), **filters
        )
        assert counted.tallies == counted_by_whoosh.tallies, text


def _runs(terms: dict[str, list[int]], words: list[str], slop: int, band: str | None) -> bool:
    """Whether the words stand in order, each within `slop` of the one before, inside the band."""
    from minutesindex.search.analysis import band_start, stem
    from minutesindex.search.index import BANDS

    low, high = (band_start(BANDS.index(band)), band_start(BANDS.index(band) + 1)) if band else (0, 1 << 62)
    ends = {p for p in terms.get(stem(words[0]), []) if p >= low}
    for word in words[1:]:
        following = set(terms.get(stem(word), []))
        ends = {p + d for p in ends for d in range(1, slop + 1) if p + d in following}
    return any(p < high for p in ends)


@pytest.mark.parametrize("filters", FILTERS, ids=["all", "committee", "dates", "open"])
def test_phrases_and_sections_find_the_items_whose_words_stand_so(index, banded, filters):
    """Every item, and only those, whose analysed text has the words in order (within the slop,
    inside the section), scored as the same words anywhere are (a phrase scores its words)."""
    for text, words, slop, band in POSITIONAL:
        found = search(index, text, limit=1000, count=True, **filters)
        every = {hit.item_id for hit in search(index, " ".join(words), limit=1000, **filters)}
        expected = {item for item in every if _runs(banded[item], words, slop, band)}
        assert 0 < len(expected) < len(every) or filters, text  # the oracle tells items apart
        assert {hit.item_id for hit in found} == expected and found.total == len(expected), text
        words_anywhere = {hit.item_id: hit.score for hit in search(index, " ".join(words), limit=1000, **filters)}
        assert all(hit.score == pytest.approx(words_anywhere[hit.item_id]) for hit in found), text


def test_the_fast_path_runs_these_queries(index):
    """They are not left to Whoosh: the evaluator answers each of them."""
    searcher = query.WhooshSearch(index).searcher
    for text in QUERIES + [text for text, *_ in POSITIONAL]:
        parsed = query.build_query(searcher.schema, text, indexed=lambda word: True)
        assert evaluate.top_matches(searcher, parsed, 5) is not None, text


def test_the_fast_postings_live_and_go_with_their_segment(index, tmp_path, monkeypatch, banded):
    """Each segment keeps its file inside its compound file; a merge writes one for the new segment
    (its positions from the merged segments' files, deleted items left out) and leaves none of the
    old behind."""
    folder = Path(index.storage.folder)
    assert not list(folder.glob(f"*{EXTENSION}"))  # inside the .seg files, not beside them
    for reader, _ in index.reader().leaf_readers():
        assert evaluate.segment_postings(reader) is not None
    phrase_before = {hit.item_id for hit in search(index, '"budget skole"', limit=1000)}
    folder = Path(shutil.copytree(folder, tmp_path / "index"))
    GroupedSegmentWriter(open_index(folder), **_writer_options()).commit(optimize=True)
    merged = open_index(folder)
    readers = [reader for reader, _ in merged.reader().leaf_readers()]
    assert len(readers) == 1 and not readers[0].has_deletions()
    assert evaluate.segment_postings(readers[0]) is not None
    assert not list(folder.glob(f"*{EXTENSION}"))
    every = _by_whoosh(monkeypatch, merged, "skole havn", limit=1000)
    assert _ranked(search(merged, "skole havn", limit=10)) == _ranked(every)[:10]
    assert {hit.item_id for hit in search(merged, '"budget skole"', limit=1000)} == phrase_before
