"""What an analyst and an integrator do at the command line: search output that pipes, filters that
say when they match nothing, dates as typed, exports by suffix, undated meetings, the home."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from minutesindex.cli import app

runner = CliRunner()


def test_search_piped_prints_one_plain_line_per_hit_with_file_and_page(use_sample_home, sample_files):
    result = runner.invoke(app, ["search", "Kvisten"])
    assert result.exit_code == 0
    header, snippet = result.stdout.splitlines()[:2]
    assert header.startswith("2024-03-12  Teknik- og Miljøudvalget  3  Særlige pladser på plejecentret Kvisten  ")
    assert header.endswith(f"{sample_files[0]}:2")
    assert snippet.startswith("    ") and "**Kvisten**" in snippet
    assert "showing 1 of 1" in result.stderr and "┃" not in result.stdout


@pytest.mark.parametrize("fmt", ["tsv", "csv"])
def test_search_as_tsv_and_csv_has_a_header_and_one_row_per_hit(use_sample_home, fmt):
    result = runner.invoke(app, ["search", "takstmodel OR Kvisten", "--format", fmt])
    rows = list(csv.reader(io.StringIO(result.stdout), dialect="excel-tab" if fmt == "tsv" else "excel"))
    assert rows[0][:4] == ["item_id", "meeting_date", "committee", "number"]
    assert sorted(row[4] for row in rows[1:]) == [
        "Ny takstmodel for affaldsgebyrer",
        "Særlige pladser på plejecentret Kvisten",
    ]


def test_search_as_newline_delimited_json_sorted_by_date(use_sample_home):
    result = runner.invoke(app, ["search", "udvalget", "--format", "nl", "--sort", "date", "--limit", "50"])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    dates = [r["meeting_date"] for r in records]
    assert len(records) >= 3 and dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "spelling", ["teknik og miljøudvalget", "Teknik og Miljoeudvalget", "TEKNIK-OG-MILJØ", "teknik"]
)
def test_a_committee_is_matched_however_it_is_typed(use_sample_home, spelling):
    hits = json.loads(runner.invoke(app, ["search", "takstmodel", "--committee", spelling, "--json"]).stdout)
    assert [h["committee"] for h in hits] == ["Teknik- og Miljøudvalget"]


def test_a_committee_that_matches_nothing_is_an_error_listing_the_known_ones(use_sample_home, tmp_path):
    for command in (["search", "takstmodel"], ["export", "decisions", "--out", str(tmp_path / "d.csv")]):
        result = runner.invoke(app, [*command, "--committee", "Havneudvalget"])
        assert result.exit_code == 2
        assert "no committee matches 'Havneudvalget'" in result.stderr and "Kultur- og Fritidsudvalget" in result.stderr


@pytest.mark.parametrize(
    ("since", "until", "found"),
    [("2024", None, True), ("2024-03", "2024-03", True), ("12-03-2024", "12.03.2024", True), ("2024-04", None, False)],
)
def test_dates_as_analysts_type_them(use_sample_home, since, until, found):
    args = ["search", "takstmodel", "--json", "--since", since] + (["--until", until] if until else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert bool(json.loads(result.stdout)) is found


@pytest.mark.parametrize(
    "args",
    [
        ["--since", "2024-05-01", "--until", "2024-01-01"],  # reversed
        ["--since", "marts"],
    ],
)
def test_bad_date_ranges_are_usage_errors(use_sample_home, args):
    assert runner.invoke(app, ["search", "takstmodel", *args]).exit_code == 2


@pytest.mark.parametrize("query", ["titel:takstmodel", "title:takstmodel"])
def test_title_and_its_danish_alias_find_the_title(use_sample_home, query):
    hits = json.loads(runner.invoke(app, ["search", query, "--json"]).stdout)
    assert [h["number"] for h in hits] == ["2"]


@pytest.mark.parametrize("query", ["foo:bar", "*", "takstmodel AND", "takstmodel OR"])
def test_queries_that_would_match_nothing_silently_are_usage_errors(use_sample_home, query):
    result = runner.invoke(app, ["search", query])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")


def test_section_names_are_case_insensitive(use_sample_home):
    lower = json.loads(runner.invoke(app, ["search", "takstmodel", "--section", "indstilling", "--json"]).stdout)
    upper = json.loads(runner.invoke(app, ["search", "takstmodel", "--section", "Indstilling", "--json"]).stdout)
    assert lower == upper and lower


def test_the_export_format_follows_the_suffix_and_dashes_write_to_stdout(use_sample_home, tmp_path):
    workbook_path = tmp_path / "decisions.xlsx"
    assert runner.invoke(app, ["export", "decisions", "--out", str(workbook_path)]).exit_code == 0
    assert zipfile.is_zipfile(workbook_path)
    sheet = load_workbook(workbook_path).active
    assert sheet.auto_filter.ref and sheet["A2"].is_date
    result = runner.invoke(app, ["export", "decisions", "--out", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("meeting_date,committee,kind,item_number")
    items = runner.invoke(app, ["export", "items", "--out", "-"])
    assert json.loads(items.stdout.splitlines()[0])["path"]


def test_an_export_into_a_missing_folder_is_one_line(use_sample_home, tmp_path):
    result = runner.invoke(app, ["export", "decisions", "--out", str(tmp_path / "missing" / "x.csv")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'missing' / 'x.csv'}: folder {tmp_path / 'missing'} does not exist"
    ]


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(home, tmp_path):
    text = tmp_path / "formel.txt"
    text.write_text(
        'Referat\nØkonomiudvalget den 3. juni 2024\n\n1. =HYPERLINK("http://x")\nBeslutning\n+Godkendt.\n',
        encoding="utf-8",
    )
    runner.invoke(app, ["ingest", str(text)])
    excel = runner.invoke(app, ["export", "decisions", "--out", "-", "--excel"]).stdout_bytes.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(excel), delimiter=";"))
    assert row["title"] == '\'=HYPERLINK("http://x")' and row["decision"] == "'+Godkendt."
    plain = next(csv.DictReader(io.StringIO(runner.invoke(app, ["export", "decisions", "--out", "-"]).stdout)))
    assert plain["title"] == '=HYPERLINK("http://x")'  # plain CSV keeps the text exactly
    workbook = tmp_path / "d.xlsx"
    runner.invoke(app, ["export", "decisions", "--out", str(workbook)])
    sheet = load_workbook(workbook).active
    assert sheet["E2"].value == '\'=HYPERLINK("http://x")' and sheet["D2"].data_type == "s"


def test_undated_meetings_are_warned_counted_kept_on_request_and_can_be_dated(home, tmp_path):
    undated = tmp_path / "notat_udvalg.txt"
    undated.write_text("Referat\nSocialudvalget\n\n1. Ny plan for bostøtte\nBeslutning\nGodkendt.\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(undated)])
    assert f"warning: {undated}: no meeting date found" in result.stderr
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["undated_documents"] == 1

    in_range = ["search", "bostøtte", "--since", "2024", "--json"]
    assert json.loads(runner.invoke(app, in_range).stdout) == []
    assert len(json.loads(runner.invoke(app, [*in_range, "--include-undated"]).stdout)) == 1

    dated = runner.invoke(app, ["set-date", "notat_udvalg.txt", "10.06.2024"])
    assert dated.exit_code == 0, dated.output
    hits = json.loads(runner.invoke(app, in_range).stdout)
    assert [h["meeting_date"] for h in hits] == ["2024-06-10"]
    assert runner.invoke(app, ["set-date", "findes-ikke.pdf", "2024-06-10"]).exit_code == 6


def test_ingest_can_date_the_meetings_the_documents_do_not(home, tmp_path):
    undated = tmp_path / "uden_dato.txt"
    undated.write_text("Referat\nSocialudvalget\n\n1. Ny plan for bostøtte\nBeslutning\nGodkendt.\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(undated), "--meeting-date", "2023-02-01"])
    assert "no meeting date" not in result.stderr
    hits = json.loads(runner.invoke(app, ["search", "bostøtte", "--json"]).stdout)
    assert hits[0]["meeting_date"] == "2023-02-01"


def test_read_only_commands_never_create_a_home(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINUTESINDEX_HOME", raising=False)
    monkeypatch.delenv("MINUTESINDEX_DB_URL", raising=False)
    for command in (["stats"], ["search", "takst"], ["show", "1"], ["export", "items", "--out", "x.jsonl"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 3 and "no minutesindex home at" in result.stderr, command
    assert list(tmp_path.iterdir()) == []


def test_the_home_option_version_and_short_help(use_sample_home, monkeypatch, tmp_path):
    home = str(use_sample_home.home)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINUTESINDEX_HOME")
    stats = json.loads(runner.invoke(app, ["--home", home, "stats", "--json"]).stdout)
    assert stats["documents"] == 3 and stats["home"] == home
    assert runner.invoke(app, ["--version"]).stdout.startswith("minutesindex ")
    help_text = runner.invoke(app, ["search", "-h"]).stdout
    assert "Examples" in help_text and "--format" in help_text


def test_an_ocr_language_tesseract_lacks_fails_at_once_naming_the_installed_ones(home, sample_files):
    result = runner.invoke(app, ["ingest", str(sample_files[1]), "--ocr-lang", "dan+xyz"])
    assert result.exit_code == 2
    assert "no language xyz" in result.output and "dan" in result.output


def test_ingest_reports_each_file_and_with_verbose_the_files_it_ignores(home, tmp_path, sample_files):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "referat.txt").write_text(sample_files[2].read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bilag.docx").write_bytes(b"PK\x03\x04 not minutes")
    result = runner.invoke(app, ["ingest", str(folder), "-v"])
    assert f"ingested: {folder / 'referat.txt'}: 1 page (0 OCR'd)" in result.stderr
    assert f"ignored: {folder / 'bilag.docx'}: unsupported file type .docx" in result.stderr
    summary = json.loads(runner.invoke(app, ["ingest", str(folder), "--json"]).stdout)
    assert summary["skipped"] == 1 and summary["ignored"] == 1
    assert {(f["path"].rsplit("/", 1)[1], f["status"]) for f in summary["files"]} == {
        ("referat.txt", "skipped"),
        ("bilag.docx", "ignored"),
    }
