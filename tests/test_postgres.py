"""The same pipeline on PostgreSQL: MINUTESINDEX_DB_URL points the database elsewhere."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from minutesindex.cli import app
from minutesindex.config import load_settings
from minutesindex.pipeline import check, ingest_paths
from minutesindex.search.index import open_index
from minutesindex.search.query import search

runner = CliRunner()


def test_ingest_search_export_and_check_on_postgresql(postgres_url, sample_files, tmp_path, monkeypatch):
    monkeypatch.setenv("MINUTESINDEX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MINUTESINDEX_DB_URL", postgres_url)
    settings = load_settings()
    assert settings.db_url.startswith("postgresql+psycopg://")

    report = ingest_paths(sample_files, settings, workers=2)
    assert report.count("ingested") == 3 and report.outcomes[1].ocr_pages == 2
    assert not (tmp_path / "home" / "processed" / "minutesindex.sqlite").exists()

    hits = search(open_index(settings.index_dir), "ombygning skole")
    assert hits[0].title == "Ombygning af Søndre Skole" and hits[0].page == 2

    again = ingest_paths(sample_files, settings, workers=2, force=True)
    assert again.count("ingested") == 3
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats["documents"] == 3 and stats["items"] == sum(o.items for o in report.outcomes)

    out = tmp_path / "decisions.csv"
    assert runner.invoke(app, ["export", "decisions", "--out", str(out)]).exit_code == 0
    assert "Ny takstmodel for affaldsgebyrer" in out.read_text(encoding="utf-8")
    assert check(settings)["missing_from_index"] == [] and check(settings)["stale_in_index"] == []


def test_a_database_made_before_the_segmented_column_is_upgraded_in_place(postgres_url, tmp_path):
    """Homes created by earlier versions lack `documents.segmented`: opening them adds it, rows kept."""
    import sqlite3

    from sqlalchemy import text

    from minutesindex.store.db import open_database

    sqlite_path = tmp_path / "old.sqlite"
    for url in (f"sqlite:///{sqlite_path}", postgres_url):
        engine = open_database(url)
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM documents"))
            connection.execute(text("ALTER TABLE documents DROP COLUMN segmented"))
            connection.execute(
                text(
                    "INSERT INTO documents (path, file_name, content_hash, page_count, ingested_at) "
                    "VALUES ('/a/old.pdf', 'old.pdf', 'abc', 1, CURRENT_TIMESTAMP)"
                )
            )
        engine.dispose()
        engine = open_database(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT file_name, segmented FROM documents")).one() == ("old.pdf", True)
        engine.dispose()
    assert sqlite3.connect(sqlite_path).execute("PRAGMA quick_check").fetchone() == ("ok",)
