"""The grouped segment writer writes the index Whoosh's own writer would, faster, in one or more processes."""

from __future__ import annotations

import re

import pytest
from whoosh.writing import SegmentWriter

from minutesindex.errors import QuerySyntaxError
from minutesindex.search.analysis import banded_text
from minutesindex.search.evaluate import top_matches
from minutesindex.search.index import BANDS, _writer_options, clear_index
from minutesindex.search.query import build_query, search
from minutesindex.search.segments import GroupedSegmentWriter, add_in_processes
from tests.conftest import require_seeds

QUERIES = ["møde", "børn aftale", '"særlige pladser"', "beslutning:godkendt", "Bornehus", "samarbejde -budget"]


@pytest.fixture(scope="module")
def documents() -> list[dict]:
    """Item documents of ~120 words each, cut from the seed minutes, with a title and two sections."""
    words = re.findall(r"\S+", " ".join(p.read_text(encoding="utf-8") for p in sorted(require_seeds().glob("*.txt"))))
    chunks = [" ".join(words[start : start + 120]) for start in range(0, min(len(words), 120 * 150), 120)]
    return [
        {
            "item_id": str(n + 1),
            "document": f"meeting{n // 10}.pdf",
            "committee": "DASSOS",
            "number": str(n % 10 + 1),
            "page": n % 10 + 1,
            "title_display": chunk[:40],
            "content": chunk,
            "committee_key": "dassos" if n % 2 else "das",
            "text": banded_text(
                [
                    (BANDS.index("title"), chunk[:40]),
                    (BANDS.index("sagsfremstilling"), chunk),
                    (BANDS.index("beslutning"), chunk[-200:]),
                ]
            ),
            "folded": chunk,
        }
        for n, chunk in enumerate(chunks)
    ]


def _write(tmp_path, writer_class, documents, **options):
    index = clear_index(tmp_path)
    writer = writer_class(index, **_writer_options(**options))
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    return index


def _postings_by_item(index) -> dict:
    """Every term's postings as (item id, weight, value, field length), whatever the docnums are."""
    out = {}
    with index.reader() as reader:
        item_of = {docnum: fields["item_id"] for docnum, fields in reader.iter_docs()}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                docnum = matcher.id()
                length = reader.doc_field_length(docnum, fieldname)
                postings.append((item_of[docnum], round(matcher.weight(), 4), matcher.value(), length))
                matcher.next()
            out[(fieldname, text)] = sorted(postings)
    return out


def test_grouped_writer_writes_the_postings_whoosh_writes(tmp_path, documents):
    ours = _write(tmp_path / "ours", GroupedSegmentWriter, documents)
    whoosh = _write(tmp_path / "whoosh", SegmentWriter, documents)
    assert _postings_by_item(ours) == _postings_by_item(whoosh)
    # Ours is ranked over its fast postings, Whoosh's segment (without them) by Whoosh's matchers,
    # which run no phrase or section: the positions are in the fast postings alone.
    parsed = build_query(ours.schema, "børn aftale")
    assert top_matches(ours.searcher(), parsed, 5) is not None
    assert top_matches(whoosh.searcher(), parsed, 5) is None
    for query in QUERIES:
        if '"' in query or ":" in query:
            assert search(ours, query, limit=20), query
            with pytest.raises(QuerySyntaxError):
                search(whoosh, query, limit=20)
        else:
            assert search(ours, query, limit=20) == search(whoosh, query, limit=20), query


def test_postings_spilled_to_disk_and_merged_back_are_the_same(tmp_path, documents):
    in_memory = _write(tmp_path / "memory", GroupedSegmentWriter, documents)
    spilled = _write(tmp_path / "spilled", GroupedSegmentWriter, documents, limitmb=0.05)  # a run every few items
    assert _postings_by_item(spilled) == _postings_by_item(in_memory)


def test_segments_merged_by_a_later_commit_keep_their_postings(tmp_path, documents):
    whole = _write(tmp_path / "whole", GroupedSegmentWriter, documents)
    pieces = clear_index(tmp_path / "pieces")
    for start in range(0, len(documents), 40):
        writer = GroupedSegmentWriter(pieces)
        for document in documents[start : start + 40]:
            writer.add_document(**document)
        writer.commit(merge=False)
    assert len(pieces.refresh()._segments()) > 1
    GroupedSegmentWriter(pieces).commit(optimize=True)
    assert len(pieces.refresh()._segments()) == 1
    assert _postings_by_item(pieces) == _postings_by_item(whole)


def test_documents_indexed_in_two_processes_are_found_as_in_one(tmp_path, documents):
    one = _write(tmp_path / "one", GroupedSegmentWriter, documents)
    two = clear_index(tmp_path / "two")
    assert add_in_processes(two, iter(documents), procs=2, job_size=10, **_writer_options()) == len(documents)
    assert two.doc_count() == len(documents)
    assert len(two._segments()) == 2
    assert _postings_by_item(two) == _postings_by_item(one)
    for query in QUERIES:
        assert {hit.item_id for hit in search(two, query, limit=200)} == {
            hit.item_id for hit in search(one, query, limit=200)
        }, query


def test_a_failing_writer_process_is_an_error_and_leaves_the_index_as_it_was(tmp_path, documents):
    index = _write(tmp_path, GroupedSegmentWriter, documents[:5])
    broken = [*documents[5:20], {"item_id": "x", "no_such_field": "text"}]
    with pytest.raises(RuntimeError, match="UnknownFieldError"):
        add_in_processes(index, iter(broken), procs=2, job_size=5, **_writer_options())
    assert index.refresh().doc_count() == 5
    writer = GroupedSegmentWriter(index)  # the write lock was released
    writer.cancel()


@pytest.mark.parametrize("procs", [1, 2])
def test_a_rebuild_that_fails_halfway_leaves_the_old_index_serving(home, sample_files, monkeypatch, procs):
    """`reindex` builds the new index beside the old one: a rebuild that dies (a database error, a
    kill, Ctrl-C) leaves every item searchable, and one that ends replaces the old index whole."""
    import os

    from minutesindex.pipeline import ingest_paths, reindex
    from minutesindex.search import index as search_index
    from minutesindex.search.query import search

    ingest_paths(sample_files, home, workers=1)
    before = {hit.item_id for hit in search(search_index.open_index(home.index_dir), "Kvisten")}
    assert before
    real_document = search_index.item_document
    calls = 0

    def fails_on_the_third(item):  # noqa: ANN001, ANN202
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real_document(item)

    monkeypatch.setattr(os, "cpu_count", lambda: procs)
    monkeypatch.setattr(search_index, "item_document", fails_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        reindex(home)
    assert {hit.item_id for hit in search(search_index.open_index(home.index_dir), "Kvisten")} == before
    monkeypatch.setattr(search_index, "item_document", real_document)
    count = reindex(home)
    index = search_index.open_index(home.index_dir)
    assert {hit.item_id for hit in search(index, "Kvisten")} == before
    assert index.doc_count() == count  # the old segments are gone, not doubled


def test_a_segment_file_inside_the_index_mmap_is_read_in_place_not_copied():
    """Whoosh copied each compound segment file out of its mmap when a reader opened it (a new
    `search` process held 1.5 GB at 100,000 items); the file is now read where it lies."""
    from whoosh.filedb.structfile import BufferFile

    import minutesindex.search.index  # noqa: F401 - installs the in-place reader

    data = bytearray(b"0123456789" * 10_000)
    segment_file = BufferFile(memoryview(data), name="postings")
    segment_file.seek(5)
    assert segment_file.read(3) == b"567"
    data[90_006] = ord("X")  # a copy made when the file was opened would not see this
    segment_file.seek(90_005)
    assert segment_file.read(3) == b"5X7"
    assert segment_file.get(90_005, 3) == b"5X7" and segment_file.read_byte() == ord("8")
    segment_file.seek(-2, 2)
    assert segment_file.read() == b"89" and segment_file.tell() == 100_000
