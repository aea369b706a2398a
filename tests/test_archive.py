"""The library API the command line is built on: an archive of minutes, called from Python."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from minutesindex import Archive
from minutesindex.config import load_settings
from minutesindex.errors import NoHomeError, UnknownCommitteeError


def test_an_archive_ingests_searches_shows_and_exports(tmp_path, sample_files):
    archive = Archive(tmp_path / "home")
    report = archive.ingest(sample_files, workers=2)
    assert report.count("ingested") == 3

    hits = archive.search("takstmodel", committee="teknik og miljø", since=dt.date(2024, 1, 1))
    assert [(h.title, h.page, h.path) for h in hits] == [("Ny takstmodel for affaldsgebyrer", 1, str(sample_files[0]))]
    assert hits.total == 1

    item = archive.item(hits[0].item_id)
    assert item["sections"]["beslutning"].startswith("Indstillingen godkendt") and item["segmented"] is True

    rows = archive.export_decisions(tmp_path / "beslutninger.xlsx", kind="referat")
    assert rows == len(archive.select_items(kind="referat")) > 0
    assert (tmp_path / "beslutninger.xlsx").read_bytes()[:2] == b"PK"
    assert archive.stats()["documents"] == 3
    assert "Kultur- og Fritidsudvalget" in archive.committees()

    with pytest.raises(UnknownCommitteeError, match="known committees: .*Teknik- og Miljøudvalget"):
        archive.search("takstmodel", committee="Havneudvalget")


def test_reading_an_archive_that_does_not_exist_creates_nothing(tmp_path):
    archive = Archive(tmp_path / "nowhere")
    for read in (archive.stats, archive.committees, lambda: archive.search("takst"), lambda: archive.item(1)):
        with pytest.raises(NoHomeError):
            read()
    assert not (tmp_path / "nowhere").exists()


def _mapped_index_files(index_dir: Path) -> int:
    return sum(1 for line in Path("/proc/self/maps").read_text().splitlines() if str(index_dir) in line)


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


def test_searching_in_a_loop_holds_its_memory_and_files_flat(sample_home, tmp_path):
    home = shutil.copytree(sample_home[0].home, tmp_path / "home")  # a home no other test holds open
    settings = load_settings(home)
    queries = ["takstmodel", "særlige pladser", "budget", "cykelsti", "tilsyn"]
    with Archive(settings.home) as archive:
        archive.search("takstmodel", committee="teknik")
        mapped, rss = _mapped_index_files(settings.index_dir), _rss_mb()
        for k in range(300):
            archive.search(queries[k % len(queries)], committee="teknik" if k % 2 else None)
        assert _mapped_index_files(settings.index_dir) <= mapped
        assert _rss_mb() - rss < 50
    assert _mapped_index_files(settings.index_dir) == 0  # closed: nothing of the index stays mapped


def test_the_total_comes_with_the_best_hits_or_is_counted_when_asked(sample_home, monkeypatch):
    """Ranked over every match's postings, the best hits come with how many match; where Whoosh's
    matchers run the query (a form the evaluator leaves to them), counting is asked for."""
    from minutesindex.search import query

    settings, _ = sample_home
    with Archive(settings.home) as archive:
        every = archive.search("udvalget", limit=100)
        assert every.total == len(every) > 2
        best = archive.search("udvalget", limit=2)
        assert len(best) == 2 and best.total == every.total
        monkeypatch.setattr(query, "top_matches", lambda *args, **kwargs: None)
        assert archive.search("udvalget", limit=100).total == every.total  # all shown: known without counting
        assert archive.search("udvalget", limit=2).total is None  # more match; not counted
        assert archive.search("udvalget", limit=2, count=True).total == every.total


def test_select_items_gives_plain_records_with_their_meeting(sample_home):
    from dataclasses import fields

    from minutesindex.archive import ItemRecord

    settings, _ = sample_home
    records = Archive(settings.home).select_items(query="takstmodel")
    (record,) = records
    assert isinstance(record, ItemRecord) and {f.name for f in fields(record)} >= {"committee", "meeting_date"}
    assert record.meeting_date == dt.date(2024, 3, 12) and record.committee == "Teknik- og Miljøudvalget"
    assert record.outcome == "godkendt" and record.section_text("indstilling").startswith("Forvaltningen indstiller")
    assert not [name for name in dir(record) if name.startswith("_sa_")]


def test_reindex_reads_the_items_in_batches_and_finds_them_all(sample_home, tmp_path, monkeypatch):
    from minutesindex import pipeline

    home = shutil.copytree(sample_home[0].home, tmp_path / "home")
    settings = load_settings(home)
    batches: list[int] = []
    load = pipeline.load_items

    def counted(session, ids=None):  # noqa: ANN001
        batches.append(len(ids))
        return load(session, ids)

    monkeypatch.setattr(pipeline, "REINDEX_BATCH", 3)
    monkeypatch.setattr(pipeline, "load_items", counted)
    assert pipeline.reindex(settings) == 10
    assert batches == [3, 3, 3, 1]
    with Archive(home) as archive:
        assert [h.title for h in archive.search("takstmodel")] == ["Ny takstmodel for affaldsgebyrer"]
