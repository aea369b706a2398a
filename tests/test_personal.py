"""Personal data: CPR numbers printed in minutes are flagged on ingest, counted, shown and masked on
export; dates, case numbers, phone and account numbers that only look like them are not."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from minutesindex.cli import app
from minutesindex.segment.personal import cpr_numbers, mask_cpr
from tests.conftest import home_with_texts

runner = CliRunner()


@pytest.mark.parametrize(
    "text",
    [
        "Borgeren (CPR 010190-1234) klager over afgørelsen.",
        "cpr.nr. 0101901234",
        "født 311299 1234, bosat i kommunen",
        "Ansøger: Jens Hansen, 150875-4321.",
        "erstatnings-cpr 610190-1234",  # a substitute number: day + 60
    ],
)
def test_cpr_numbers_in_many_phrasings(text):
    assert len(cpr_numbers(text)) == 1
    assert "xxxxxx-xxxx" in mask_cpr(text) and not cpr_numbers(mask_cpr(text))


@pytest.mark.parametrize(
    "text",
    [
        "Sagsnr. 010190-1234",  # a case number
        "Sags ID: 0101901234",
        "kontonr. 0101901234 i Danske Bank",
        "Tlf. 12 34 56 78 eller 1234 5678",
        "Mødet den 12-03-2024 kl. 10.00",
        "320190-1234 og 011390-1234",  # no day 32, no month 13
        "Beløbet er 1.010.190-1234 kr.",
        "27.00.00-P20-1-23 og EMN-2025-01234",
        "CVR 12345678, EAN 5790001234567",
        "010190-12345",  # too many digits
    ],
)
def test_look_alikes_are_not_cpr_numbers(text):
    assert cpr_numbers(text) == []


def test_ingest_flags_stats_counts_show_marks_and_export_masks(tmp_path_factory, monkeypatch, tmp_path):
    text = (
        "Referat\nSocialudvalget den 3. marts 2025\n\n"
        "1. Klage over afgørelse\nSagsfremstilling\nBorgeren klager.\n"
        "Beslutning\nAfvist; 010190-1234, klager, orienteres.\n\n"
        "2. Budget\nSagsfremstilling\nSagsnr. 010190-1234 drøftes.\nBeslutning\nGodkendt.\n"
    )
    settings = home_with_texts(tmp_path_factory, {"referat.txt": text})
    monkeypatch.setenv("MINUTESINDEX_HOME", str(settings.home))
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats["cpr_items"] == 1
    hits = json.loads(runner.invoke(app, ["search", "klage", "--json"]).stdout)
    shown = runner.invoke(app, ["show", str(hits[0]["item_id"])]).stdout
    assert "personal data" in shown
    plain, masked = tmp_path / "plain.csv", tmp_path / "masked.csv"
    assert runner.invoke(app, ["export", "decisions", "--out", str(plain)]).exit_code == 0
    assert runner.invoke(app, ["export", "decisions", "--out", str(masked), "--mask-cpr"]).exit_code == 0
    assert "010190-1234, klager" in plain.read_text(encoding="utf-8")
    assert "010190-1234, klager" not in masked.read_text(encoding="utf-8")
    items = tmp_path / "items.jsonl"
    assert runner.invoke(app, ["export", "items", "--out", str(items), "--mask-cpr"]).exit_code == 0
    records = [json.loads(line) for line in items.read_text(encoding="utf-8").splitlines()]
    assert [r["has_cpr"] for r in records] == [True, False]
    assert "xxxxxx-xxxx" in json.dumps(records[0], ensure_ascii=False)
    assert "Sagsnr. 010190-1234" in json.dumps(records[1], ensure_ascii=False)  # a case number stays
