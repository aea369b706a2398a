"""Cases: case numbers read in the forms agenda systems print, normalised so one case written two ways
is one, never linked in a form not known; a case followed through its meetings."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from minutesindex import Archive
from minutesindex.cli import app
from minutesindex.segment.cases import case_numbers, decision_history, normalise
from tests.conftest import home_with_texts

runner = CliRunner()

KLE = "27.00.00-P20-1-23"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Sagsnr.: {KLE}", [KLE]),
        ("Sags nr. 27.00.00 – P20 – 1 – 23", [KLE]),
        ("Journalnr. 27.00.00-p20-01-23", [KLE]),
        (f"J.nr.:{KLE} (tidligere 27.00.00-P20-4-21)", [KLE, "27.00.00-P20-4-21"]),
        ("Sags ID: EMN-2025-01234", ["EMN-2025-01234"]),
        ("Sagen (emn-2025-1234) genoptages", ["EMN-2025-01234"]),
        ("Sagsnummer: 20/12345", ["20/12345"]),
        ("Sagsnr. 2020/012345", ["20/12345"]),
        (f"{KLE} og igen {KLE}", [KLE]),
    ],
)
def test_case_numbers_in_the_ways_minutes_print_them(text, expected):
    assert case_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mødet holdes 12/10 kl. 10.00-12.00",  # a date, a time
        "Tlf. 27 00 00 23, CVR 12345678",
        "Budgettet hæves fra 1.000.000-2.000.000 kr.",
        "Se § 27.00.00 i loven",
        "27.00.2020-A20-1-20x",  # not a KLE number: year in the middle
        "Sagen fra 20/12 2024 om 3/4 af udgifterne",  # fractions and dates without a case label
        "Version 12.03.2024-B12-7",  # the last part missing
    ],
)
def test_look_alikes_are_no_case_numbers(text):
    assert case_numbers(text) == []


def test_a_form_never_seen_is_not_normalised_so_never_linked_wrongly():
    assert normalise("27.00.00 – p20-01-23") == KLE
    assert normalise("ABC-77/XYZ") is None
    assert normalise("123456") is None


def test_a_decision_history_printed_in_an_item_is_read():
    text = (
        "Sagsfremstilling\nSagen har været behandlet før.\n\n"
        "Beslutning i Økonomiudvalget den 4. juni 2020\nAnbefales.\n\n"
        "Beslutning i Byrådet den 17.06.2020:\nGodkendt.\n"
    )
    entries = decision_history(text)
    assert [(e.body, e.meeting_date, e.decision) for e in entries] == [
        ("Økonomiudvalget", dt.date(2020, 6, 4), "Anbefales."),
        ("Byrådet", dt.date(2020, 6, 17), "Godkendt."),
    ]
    assert decision_history("Beslutningen i udvalget den gang var klar.") == []


@pytest.fixture(scope="module")
def case_home(tmp_path_factory):
    """Two meetings of one case, its number written two ways; a third item on another case."""
    texts = {
        "udvalg.txt": (
            "Referat\nTeknik- og Miljøudvalget den 3. februar 2024\n\n"
            "1. Ny busplan for landdistrikterne\nSagsnr.: 27.00.00-P20-1-23\nSagsfremstilling\n"
            "Planen sendes videre.\n\n"
            "Beslutning i Økonomiudvalget den 10. januar 2024\nSagen blev drøftet.\n\n"
            "Beslutning\nAnbefales over for Byrådet.\n\n"
            "2. Vejbelysning\nSagsnr.: EMN-2024-00077\nSagsfremstilling\nLamper skiftes.\nBeslutning\nGodkendt.\n"
        ),
        "byraad.txt": (
            "Referat\nByrådet den 28. februar 2024\n\n"
            "1. Busplan for landdistrikter\nSags nr. 27.00.00 – p20 – 01 – 23\nSagsfremstilling\n"
            "Teknik- og Miljøudvalget har anbefalet planen.\nBeslutning\nGodkendt.\n"
        ),
    }
    return home_with_texts(tmp_path_factory, texts)


def test_a_case_is_followed_through_its_meetings_in_date_order(case_home):
    entries = Archive(case_home.home).case("27.00.00-p20-01-23")
    assert [(e.meeting_date, e.committee, e.item_id is not None) for e in entries] == [
        (dt.date(2024, 1, 10), "Økonomiudvalget", False),  # quoted: the archive does not hold it
        (dt.date(2024, 2, 3), "Teknik- og Miljøudvalget", True),
        (dt.date(2024, 2, 28), "Byrådet", True),
    ]
    assert entries[-1].outcome == "godkendt" and entries[1].decision.startswith("Anbefales")
    assert Archive(case_home.home).case("EMN-2024-77")[0].title == "Vejbelysning"
    assert Archive(case_home.home).case("27.00.00-P20-9-23") == []


def test_case_command_search_and_exports_carry_the_case(case_home, monkeypatch, tmp_path):
    monkeypatch.setenv("MINUTESINDEX_HOME", str(case_home.home))
    result = runner.invoke(app, ["case", KLE, "--json"])
    assert result.exit_code == 0
    assert [entry["committee"] for entry in json.loads(result.stdout)] == [
        "Økonomiudvalget",
        "Teknik- og Miljøudvalget",
        "Byrådet",
    ]
    found = json.loads(runner.invoke(app, ["search", f"case:{KLE}", "--json"]).stdout)
    assert {hit["title"] for hit in found} == {"Ny busplan for landdistrikterne", "Busplan for landdistrikter"}
    out = tmp_path / "decisions.csv"
    assert runner.invoke(app, ["export", "decisions", "--out", str(out)]).exit_code == 0
    rows = {row["title"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows["Busplan for landdistrikter"]["case_numbers"] == KLE
    assert rows["Vejbelysning"]["case_numbers"] == "EMN-2024-00077"
    items = tmp_path / "items.jsonl"
    assert runner.invoke(app, ["export", "items", "--out", str(items)]).exit_code == 0
    assert any(json.loads(line)["case_numbers"] == [KLE] for line in items.read_text(encoding="utf-8").splitlines())


def test_a_home_made_before_cases_votes_and_cpr_gets_them_filled_when_opened(tmp_path):
    """Migrations 0006, 0007 and 0009 read the stored text, a batch of items at a time."""
    from sqlalchemy import text

    from minutesindex.store.db import open_database
    from tests.conftest import database_at_revision

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    with database_at_revision(url, "0005") as connection:
        connection.execute(
            text(
                "INSERT INTO documents (id, path, file_name, content_hash, page_count, ingested_at, segmented) "
                "VALUES (1, '/a/r.pdf', 'r.pdf', 'h', 1, CURRENT_TIMESTAMP, 1)"
            )
        )
        for item_id, body, decision in (
            (1, "Sagsnr.: 27.00.00-P20-1-23", "Godkendt. For stemte 20 (A, F). Imod stemte 5 (V)."),
            (2, "Borgeren 010190-1234 klager.", "Afvist."),
        ):
            connection.execute(
                text(
                    "INSERT INTO items (id, document_id, position, number, title, page_start, page_end, body, closed) "
                    "VALUES (:id, 1, :id, :id, 'Punkt', 1, 1, :body, 0)"
                ),
                {"id": item_id, "body": body},
            )
            connection.execute(
                text(
                    "INSERT INTO sections (item_id, position, name, heading, text, raw_text) "
                    "VALUES (:id, 0, 'beslutning', 'Beslutning', :text, :text)"
                ),
                {"id": item_id, "text": decision},
            )
    upgraded = open_database(url)
    with upgraded.connect() as connection:
        assert connection.execute(text("SELECT item_id, case_number FROM item_cases")).all() == [(1, KLE)]
        assert connection.execute(text("SELECT case_number FROM items WHERE id = 1")).scalar() == KLE
        assert connection.execute(text("SELECT id FROM items WHERE has_cpr")).all() == [(2,)]
        votes = connection.execute(text("SELECT item_id, side, count, parties FROM votes ORDER BY position")).all()
        assert votes == [(1, "for", 20, "A, F"), (1, "imod", 5, "V")]
        assert connection.execute(text("SELECT vote_result FROM items WHERE id = 1")).scalar() == "vedtaget"
    upgraded.dispose()
