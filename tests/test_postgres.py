"""The same pipeline on PostgreSQL: MINUTESINDEX_DB_URL points the database elsewhere."""

from __future__ import annotations

import datetime as dt
import json

import psycopg
from typer.testing import CliRunner

from minutesindex import pipeline
from minutesindex.cli import app
from minutesindex.config import load_settings
from minutesindex.pipeline import check, ingest_paths
from minutesindex.store.db import head_revision

runner = CliRunner()


def test_ingest_search_export_and_check_on_postgresql(postgres_url, sample_files, tmp_path, monkeypatch):
    """A PostgreSQL home searches in the database: no local index is written, and what one machine
    stores or changes is found at once by another sharing the database, with nothing to sync."""
    from minutesindex import Archive

    monkeypatch.setenv("MINUTESINDEX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MINUTESINDEX_DB_URL", postgres_url)
    settings = load_settings()
    assert settings.db_url.startswith("postgresql+psycopg://") and settings.searches_in_database

    report = ingest_paths(sample_files, settings, workers=2)
    assert report.count("ingested") == 3 and report.outcomes[1].ocr_pages == 2
    assert not (tmp_path / "home" / "processed" / "minutesindex.sqlite").exists()
    assert not list(settings.index_dir.glob("*.toc"))  # no Whoosh index

    other_machine = Archive(tmp_path / "other")
    hits = other_machine.search("ombygning skole")
    assert hits[0].title == "Ombygning af Søndre Skole" and hits[0].page == 2 and "**" in hits[0].snippet
    assert other_machine.sync() == (0, 0)

    again = ingest_paths(sample_files, settings, workers=2, force=True)
    assert again.count("ingested") == 3
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats["documents"] == 3 and stats["items"] == sum(o.items for o in report.outcomes)
    found = json.loads(runner.invoke(app, ["search", "takstmodel", "--json"]).stdout)
    assert [hit["title"] for hit in found] == ["Ny takstmodel for affaldsgebyrer"]

    out = tmp_path / "decisions.csv"
    assert runner.invoke(app, ["export", "decisions", "--query", "takstmodel", "--out", str(out)]).exit_code == 0
    assert "Ny takstmodel for affaldsgebyrer" in out.read_text(encoding="utf-8")
    assert check(settings)["missing_from_index"] == [] and check(settings)["stale_in_index"] == []

    # A meeting dated on one machine is found by its date on the other at once.
    item = other_machine.search("takstmodel")[0]
    Archive(tmp_path / "home").set_date(item.document, dt.date(2031, 1, 2))
    assert [h.title for h in other_machine.search("takstmodel", since="2031")] == ["Ny takstmodel for affaldsgebyrer"]
    other_machine.close()

    # An item without its vector (an earlier version's, or one written by hand) is found by check.
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as connection:
        connection.execute("DELETE FROM item_terms WHERE item_id = %s", (item.item_id,))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 4 and "missing from index: 1" in result.stdout
    assert runner.invoke(app, ["check", "--repair"]).exit_code == 0
    assert [h.item_id for h in Archive(tmp_path / "home").search("takstmodel")] == [item.item_id]
    assert runner.invoke(app, ["reindex"]).stdout.strip() == f"indexed {stats['items']} items"

    # A rebuild in several processes, a few items to each transaction, writes every vector.
    with psycopg.connect(url) as connection:
        connection.execute("DELETE FROM item_terms")
    monkeypatch.setattr(pipeline, "REINDEX_BATCH", 2)
    assert pipeline.reindex(settings) == stats["items"]
    assert check(settings)["missing_from_index"] == []
    assert [h.item_id for h in Archive(tmp_path / "home").search("takstmodel")] == [item.item_id]


def _old_database(url: str) -> None:
    """A database as the versions before migrations left it: the baseline tables, no revision table,
    one document stored."""
    from sqlalchemy import text

    from tests.conftest import database_at_revision

    with database_at_revision(url, "0001") as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO documents (path, file_name, content_hash, page_count, ingested_at) "
                "VALUES ('/a/old.pdf', 'old.pdf', 'abc', 1, CURRENT_TIMESTAMP)"
            )
        )


def test_a_database_made_before_migrations_is_upgraded_in_place(postgres_url, tmp_path):
    """Homes created by earlier versions (SQLite and PostgreSQL) are upgraded to this version's
    schema when opened, their rows kept, and the schema then is exactly the one the code maps."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import text

    from minutesindex.store.db import open_database
    from minutesindex.store.tables import Base

    for url in (f"sqlite:///{tmp_path / 'old.sqlite'}", postgres_url):
        _old_database(url)
        engine = open_database(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT file_name, segmented FROM documents")).one() == ("old.pdf", True)
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
            assert connection.execute(text("SELECT count(*) FROM changes")).scalar() == 0
            differences = [
                difference
                for difference in compare_metadata(MigrationContext.configure(connection), Base.metadata)
                if not (
                    difference[0] in ("remove_table", "remove_index")
                    and getattr(difference[1], "table", difference[1]).name.startswith(("items_fts", "item_terms"))
                )
            ]  # SQLite's FTS5 tables (datasette) and PostgreSQL's vectors are made beside the mapped schema
        assert differences == [], (url, differences)
        engine.dispose()
        open_database(url).dispose()  # opening again changes nothing


def test_two_ingests_at_once_on_one_postgresql_store_every_file_once(postgres_url, tmp_path):
    """Two machines (two homes, one database) ingesting the same folder at the same time."""
    import os
    import subprocess
    import sys

    import psycopg

    folder = tmp_path / "shared"
    folder.mkdir()
    for k in range(24):
        (folder / f"referat_{k:02d}.txt").write_text(
            f"Referat\nByrådet den {k % 28 + 1}. marts 2024\n\n1. Sag nummer {k}\nBeslutning\nGodkendt.\n",
            encoding="utf-8",
        )
    processes = []
    for machine in ("a", "b"):
        env = {**os.environ, "MINUTESINDEX_HOME": str(tmp_path / machine), "MINUTESINDEX_DB_URL": postgres_url}
        command = [sys.executable, "-m", "minutesindex", "ingest", str(folder), "--json"]
        processes.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    summaries = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr
        summaries.append(json.loads(stdout))
    assert sum(s["ingested"] for s in summaries) == 24 and sum(s["skipped"] for s in summaries) == 24
    url = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as connection:
        rows = connection.execute("SELECT count(*), count(DISTINCT content_hash) FROM documents").fetchone()
    assert rows == (24, 24)


def test_sync_brings_one_machines_index_up_to_what_another_stored(postgres_url, sample_files, tmp_path, monkeypatch):
    from minutesindex import Archive

    monkeypatch.setenv("MINUTESINDEX_DB_URL", postgres_url)
    monkeypatch.setenv("MINUTESINDEX_SEARCH", "whoosh")  # each machine keeps its own index
    first, second = Archive(tmp_path / "a"), Archive(tmp_path / "b")
    first.ingest(sample_files[2:])
    second.ingest(sample_files[:1])  # b's ingest syncs a's items into b's index first
    assert first.sync() == (5, 0)  # a's index gets b's five items
    assert [h.title for h in first.search("takstmodel")] == ["Ny takstmodel for affaldsgebyrer"]
    assert first.sync() == (0, 0)
    result = runner.invoke(app, ["--home", str(tmp_path / "b"), "sync"])
    assert result.exit_code == 0 and "0 items added" in result.stdout

    # A change made in place on one machine (a meeting dated) reaches the other's index by the log.
    undated = tmp_path / "uden_dato.txt"
    undated.write_text("Referat\nSocialudvalget\n\n1. Ny plan for bostøtte\nBeslutning\nGodkendt.\n", encoding="utf-8")
    first.ingest([undated])
    assert second.sync() == (1, 0)
    first.set_date("uden_dato.txt", dt.date(2024, 6, 10))
    assert second.sync() == (1, 0)
    hits = second.search("bostøtte", since=dt.date(2024, 6, 1))
    assert [h.meeting_date for h in hits] == [dt.date(2024, 6, 10)]


def test_the_head_revision_is_alembics_own():
    """`migrate` skips Alembic for a database at the head it reads from the migrations' file names."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from minutesindex.store.db import MIGRATIONS, head_revision

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == head_revision()


def test_a_search_ranks_the_newest_matches_reading_year_by_year(postgres_url, tmp_path_factory, monkeypatch):
    """The vectors are kept by the meeting's year and read newest year first: the ranked matches
    are the newest, whatever years they fall in (undated last), a date filter reads only its years,
    the total is given where every match was seen or a count was asked for, and a meeting moved to
    another year is found under that year alone."""
    from minutesindex.search import pg
    from minutesindex.search.query import search
    from minutesindex.store.db import open_database
    from tests.conftest import home_with_texts

    dated = {"1998": "3. marts 1998", "2003": "4. april 2003", "2021": "5. maj 2021", "2022a": "6. juni 2022",
             "2022b": "7. september 2022", "2051": "8. oktober 2051"}  # fmt: skip
    texts = {
        f"{name}.txt": f"Referat\nByrådet den {date}\n\n1. Sag {name}\nSagsfremstilling\nOm vandløbet.\n"
        for name, date in dated.items()
    }
    texts["udateret.txt"] = "Referat\nByrådet\n\n1. Sag udateret\nSagsfremstilling\nOm vandløbet.\n"
    # The best match of all, in the oldest meeting: left out where only the newest are ranked.
    texts["1998.txt"] = texts["1998.txt"].replace("Sag 1998", "Vandløb, vandløbet og vandløbene 1998")
    settings = home_with_texts(tmp_path_factory, texts, db_url=postgres_url)
    engine = open_database(settings.db_url)
    source = pg.PostgresSearch(engine)

    def titles(**options):
        return [hit.title.split()[-1] for hit in search(source, "vandløb", **options)]

    newest_first = ["2051", "2022b", "2022a", "2021", "2003", "1998", "udateret"]
    assert titles(sort="date") == newest_first
    assert titles()[0] == "1998" and search(source, "vandløb").total == 7

    monkeypatch.setattr(pg, "RANK_POOL", 3)
    hits = search(source, "vandløb", limit=2)  # the best 2 of the newest 3
    assert len(hits) == 2 and {hit.title.split()[-1] for hit in hits} < set(newest_first[:3])
    assert hits.total is None and hits.note.startswith("ranked among the newest 3 matching items")
    counted = search(source, "vandløb", limit=2, count=True)
    assert counted.total == 7 and counted.note.startswith("ranked among the newest 3 of the 7 matching items")
    assert titles(sort="date", limit=2, offset=2) == ["2022a", "2021"]
    assert titles(since=dt.date(2003, 1, 1), until=dt.date(2021, 12, 31), sort="date") == ["2021", "2003"]
    assert titles(until=dt.date(2003, 12, 31), include_undated=True, sort="date") == ["2003", "1998", "udateret"]

    pipeline.set_meeting(settings, "2022a.txt", meeting_date=dt.date(1999, 1, 2))
    assert titles(since=dt.date(1999, 1, 1), until=dt.date(1999, 12, 31)) == ["2022a"]
    assert "2022a" not in titles(since=dt.date(2022, 1, 1), until=dt.date(2022, 12, 31))
    engine.dispose()


def test_the_vectors_of_a_database_before_the_years_move_into_them(postgres_url, tmp_path_factory):
    """Migration 0010 partitions item_terms by year: a database whose vectors were written before it
    (here: taken back to 0009) keeps every one of them and finds the same items once opened."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from minutesindex.search.pg import PostgresSearch
    from minutesindex.search.query import search
    from minutesindex.store.db import MIGRATIONS, open_database
    from tests.conftest import home_with_texts

    texts = {
        "a.txt": "Referat\nByrådet den 5. maj 2021\n\n1. Vandløb\nSagsfremstilling\nOm vandløbet.\n",
        "b.txt": "Referat\nByrådet\n\n1. Vandløb uden dato\nSagsfremstilling\nOm vandløbet.\n",
    }
    settings = home_with_texts(tmp_path_factory, texts, db_url=postgres_url)

    def partitioned(connection) -> bool:
        return connection.execute(text("SELECT relkind FROM pg_class WHERE relname = 'item_terms'")).scalar() == "p"

    engine = create_engine(settings.db_url)
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.downgrade(config, "0009")
        assert not partitioned(connection)
        assert connection.execute(text("SELECT count(*) FROM item_terms")).scalar() == 2
    engine.dispose()

    engine = open_database(settings.db_url)
    with engine.connect() as connection:
        assert partitioned(connection)
        years = connection.execute(text("SELECT year FROM item_terms ORDER BY year")).scalars().all()
    assert years == [0, 2021]
    hits = search(PostgresSearch(engine), "vandløb", sort="date")
    assert [hit.title for hit in hits] == ["Vandløb", "Vandløb uden dato"] and hits.total == 2
    engine.dispose()
