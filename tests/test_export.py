"""Decision tables: CSV and xlsx an analyst can open in a spreadsheet, with normalised outcomes."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from minutesindex.cli import app
from minutesindex.export import DECISION_COLUMNS, number_key, outcome_of
from tests.conftest import home_with_texts

runner = CliRunner()


@pytest.fixture(scope="module")
def tricky_home(tmp_path_factory):
    """A referat whose texts hold newlines, quotes, semicolons and æøå, and numbers 2.9 / 2.10."""
    text = (
        "Referat\nByrådet den 3. juni 2021\n\n2. Sager til beslutning\n\n"
        '2.9 Vejnavne; "Åløkken" og Ærøvej\nIndstilling\n'
        'Det indstilles, at navnene godkendes;\nbåde "Åløkken" og Ærøvej.\n'
        "Beslutning\nIndstillingen godkendt.\n\n"
        "2.10 Ny skole i Øster Ørum\nIndstilling\nAt sagen sendes videre.\nBeslutning\nUdsat til næste møde.\n"
    )
    return home_with_texts(tmp_path_factory, {"referat.txt": text})


@pytest.fixture
def env_home(tricky_home, monkeypatch):
    monkeypatch.setenv("MINUTESINDEX_HOME", str(tricky_home.home))
    return tricky_home


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("DASSOS tog orienteringen til efterretning.", "taget til efterretning"),
        ("Der var enighed om, at Forretningsudvalget nedlægges.", "besluttet"),
        ("Det indstilles, at Den Administrative Styregruppe godkender dagsordenen", "godkendt"),
        ("Godkendt", "godkendt"),
        ("Udsat", "udsat"),
        ("Indstillingen godkendt.", "godkendt"),
        ("Anbefales.", "godkendt"),
        ("Oversendes til Byrådet.", "oversendt"),
        ("Taget til efterretning.", "taget til efterretning"),
        ("Udsættes til næste møde.", "udsat"),
        ("Udvalget drøftede sagen.", "drøftet"),
        ("Forslaget blev afvist.", "afvist"),
        # Decisions that record a discussion, as councils write them.
        ("Formanden fremhævede, at ventelisterne er vokset.", "drøftet"),
        ("Udvalget gav udtryk for bekymring over udgifterne.", "drøftet"),
        ("Efter drøftelsen meldte tre kommuner sig.", "drøftet"),
        ("Kommunalbestyrelsen opfordrede forvaltningen til at se på sagen igen.", "drøftet"),
        # Decisions that settle an arrangement.
        ("Mødet den 11. februar afkortes til to timer.", "besluttet"),
        ("Det blev aftalt, at sekretariatet indkalder.", "besluttet"),
        ("Næste møde flyttes til den 3. juni.", "besluttet"),
        ("Anne Holm udpeges som ny suppleant.", "besluttet"),
        ("", ""),
    ],
)
def test_outcome_labels(text, label):
    assert outcome_of(text) == label


def test_numeric_item_order():
    assert sorted(["2.10", "2.9", "10", "2", "1.1"], key=number_key) == ["1.1", "2", "2.9", "2.10", "10"]


def test_csv_round_trips_through_csv_and_pandas(env_home, tmp_path):
    out = tmp_path / "decisions.csv"
    assert runner.invoke(app, ["export", "decisions", "--out", str(out)]).exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == DECISION_COLUMNS
    assert [r["item_number"] for r in rows] == ["2.9", "2.10"]
    assert rows[0]["title"] == 'Vejnavne; "Åløkken" og Ærøvej'
    assert rows[0]["indstilling"] == 'Det indstilles, at navnene godkendes;\nbåde "Åløkken" og Ærøvej.'
    assert (rows[0]["outcome"], rows[0]["outcome_basis"]) == ("godkendt", "decision")
    assert (rows[1]["outcome"], rows[1]["meeting_date"]) == ("udsat", "2021-06-03")
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert frame.to_dict("records") == rows


def test_excel_flavour_has_bom_and_semicolons(env_home, tmp_path):
    out = tmp_path / "excel.csv"
    assert runner.invoke(app, ["export", "decisions", "--excel", "--out", str(out)]).exit_code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == DECISION_COLUMNS
    assert frame.loc[1, "title"] == "Ny skole i Øster Ørum"


def test_xlsx_has_frozen_header_and_widths(env_home, tmp_path):
    out = tmp_path / "decisions.xlsx"
    assert runner.invoke(app, ["export", "decisions", "--format", "xlsx", "--out", str(out)]).exit_code == 0
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == DECISION_COLUMNS
    assert sheet["E2"].value == 'Vejnavne; "Åløkken" og Ærøvej'
    assert sheet.column_dimensions["E"].width == 50


def test_query_exports_exactly_what_search_returns(env_home, tmp_path):
    out = tmp_path / "q.csv"
    searched = json.loads(runner.invoke(app, ["search", "Ørum", "--json"]).stdout)
    assert runner.invoke(app, ["export", "decisions", "--query", "Ørum", "--out", str(out)]).exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        exported = [int(r["item_id"]) for r in csv.DictReader(fh)]
    assert exported == [h["item_id"] for h in searched] and len(exported) == 1


def test_decisions_of_several_bodies_are_named_and_the_last_one_is_the_outcome(tmp_path_factory, monkeypatch):
    text = (
        "Referat\nByrådet den 21. juni 2023\n\nPunkt 4: Lokalplan for boliger ved Søndergade\n"
        "Indstilling\nDirektøren indstiller, at lokalplanen vedtages.\n\n"
        "Økonomiudvalget den 12. juni 2023\nAnbefales ikke; sagen bør udsættes.\n\n"
        "Byrådet den 21. juni 2023\nForslaget blev afvist.\n"
    )
    settings = home_with_texts(tmp_path_factory, {"byraad.txt": text})
    monkeypatch.setenv("MINUTESINDEX_HOME", str(settings.home))
    out = tmp_path_factory.mktemp("export") / "decisions.csv"
    assert runner.invoke(app, ["export", "decisions", "--out", str(out)]).exit_code == 0
    [row] = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["indstilling"] == "Direktøren indstiller, at lokalplanen vedtages."
    assert row["decision"] == (
        "Økonomiudvalget den 12. juni 2023: Anbefales ikke; sagen bør udsættes.\n\n"
        "Byrådet den 21. juni 2023: Forslaget blev afvist."
    )
    assert (row["outcome"], row["outcome_basis"]) == ("afvist", "decision")


def test_sqlite_full_text_search_and_the_decisions_view_for_datasette(home, sample_files, tmp_path):
    """datasette's `?_search=` runs an FTS5 MATCH on items_fts (see datasette-metadata.json); the
    decisions view is the decision table in SQL. Both stay in step when a file is ingested again."""
    import sqlite3
    from pathlib import Path

    from minutesindex.config import load_settings
    from minutesindex.pipeline import ingest_paths

    settings = load_settings()
    ingest_paths(sample_files, settings, workers=2)
    ingest_paths(sample_files[:1], settings, workers=1, force=True)
    db = sqlite3.connect(settings.db_url.removeprefix("sqlite:///"))
    matches = db.execute(
        "SELECT i.title FROM items_fts JOIN items i ON i.id = items_fts.rowid WHERE items_fts MATCH 'takstmodel'"
    ).fetchall()
    assert matches == [("Ny takstmodel for affaldsgebyrer",)]
    assert (
        db.execute("SELECT count(*) FROM items_fts").fetchone() == db.execute("SELECT count(*) FROM items").fetchone()
    )
    row = db.execute(
        "SELECT meeting_date, committee, number, outcome, page, path FROM decisions WHERE title LIKE 'Cykelsti%'"
    ).fetchone()
    assert row == ("2024-03-12", "Teknik- og Miljøudvalget", "4", "udsat", 2, str(sample_files[0]))

    metadata = json.loads((Path(__file__).resolve().parents[1] / "datasette-metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["minutesindex"]["tables"]
    known = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert set(tables) <= known and tables["items"]["fts_table"] == "items_fts"
