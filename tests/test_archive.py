"""The library API the command line is built on: an archive of minutes, called from Python."""

from __future__ import annotations

import datetime as dt

import pytest

from minutesindex import Archive
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
