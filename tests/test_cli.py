"""The command-line contract, through Typer's test runner."""

from __future__ import annotations

import json

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from minutesindex.cli import app

runner = CliRunner()
SEARCH_KEYS = {
    "item_id",
    "document",
    "committee",
    "meeting_date",
    "number",
    "title",
    "score",
    "snippet",
    "page",
    "municipality",
    "outcome",  # added by the web workbench's round: keys are only ever added
}
ITEM_KEYS = {
    "document",
    "committee",
    "kind",
    "meeting_date",
    "number",
    "title",
    "presenter",
    "category",
    "page_start",
    "page_end",
    "sections",
    "attachments",
}


def test_every_command_has_help_and_is_in_the_readme():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    group = get_command(app)
    for name, command in group.commands.items():
        assert command.help or command.short_help, name
        assert f"minutesindex {name}" in readme, name


def test_ingest_search_show_export_stats(home, sample_files, tmp_path):
    result = runner.invoke(app, ["ingest", *map(str, sample_files), "--workers", "2", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ingested"] == 3 and summary["ocr_pages"] == 2

    hits = json.loads(runner.invoke(app, ["search", "takstmodel", "--json"]).stdout)
    assert set(hits[0]) == SEARCH_KEYS | {"path"} and hits[0]["title"] == "Ny takstmodel for affaldsgebyrer"
    assert hits[0]["path"] == str(sample_files[0])

    table = runner.invoke(app, ["search", "takstmodel"])
    assert table.exit_code == 0 and "takstmodel" in table.stdout

    shown = json.loads(runner.invoke(app, ["show", str(hits[0]["item_id"]), "--json"]).stdout)
    assert shown["sections"]["beslutning"].startswith("Indstillingen godkendt")
    assert runner.invoke(app, ["show", "99999"]).exit_code == 6

    out = tmp_path / "items.jsonl"
    assert runner.invoke(app, ["export", "items", "--out", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == summary["items"] and set(records[0]) >= ITEM_KEYS

    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats["documents"] == 3 and stats["ocr_pages"] == 2

    again = json.loads(runner.invoke(app, ["ingest", *map(str, sample_files), "--json"]).stdout)
    assert again["skipped"] == 3

    assert runner.invoke(app, ["reindex"]).exit_code == 0
    assert runner.invoke(app, ["check", "--json"]).exit_code == 0


def test_failed_files_give_one_line_errors_and_exit_1(home, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj\n<<")
    result = runner.invoke(app, ["ingest", str(bad)])
    assert result.exit_code == 1
    assert f"error: {bad}: " in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1


def test_bad_query_is_a_usage_error_without_traceback(home, sample_files):
    runner.invoke(app, ["ingest", str(sample_files[2])])
    result = runner.invoke(app, ["search", "x" * 600])
    assert result.exit_code == 2 and result.stderr.startswith("error: query too long")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("stdin", ["Vi mgdes pa Radhuset om feelles Igsninger for bgrn.\n"])
def test_repair_is_a_unix_filter(stdin):
    result = runner.invoke(app, ["repair"], input=stdin)
    assert result.stdout == "Vi mødes på Rådhuset om fælles løsninger for børn.\n"


def test_repair_reads_form_feed_separated_pages_as_one_document():
    pages = "Referat af mgdet i udvalget. Naeste mgde holdes i maj.\fUdvalget blev pa made den 17. august orienteret."
    result = runner.invoke(app, ["repair"], input=pages)
    assert result.stdout.split("\f") == [
        "Referat af mødet i udvalget. Næste møde holdes i maj.",
        "Udvalget blev på møde den 17. august orienteret.",
    ]


def test_repair_knows_the_names_read_right_in_the_homes_documents(home, tmp_path):
    mangled = "Udvalget drgftede pa mgdet, hvordan Klevse kan fa feelles Igsninger.\n"
    assert "hvordan Klevse kan" in runner.invoke(app, ["repair"], input=mangled).stdout  # an unknown name
    clean = tmp_path / "clean.txt"
    clean.write_text(
        "Referat\nSocialudvalget den 1. marts 2023\n\n1. Bostedet Kløvse\nSagsfremstilling\n"
        "Bostedet Kløvse er et tilbud til voksne, og Kløvse har 20 pladser.\n",
        encoding="utf-8",
    )
    assert runner.invoke(app, ["ingest", str(clean)]).exit_code == 0
    assert "hvordan Kløvse kan få fælles løsninger" in runner.invoke(app, ["repair"], input=mangled).stdout


def test_search_says_when_no_item_has_all_the_words(home, sample_files):
    runner.invoke(app, ["ingest", *map(str, sample_files)])
    result = runner.invoke(app, ["search", "takstmodel xylofonorkester"])
    assert result.exit_code == 0
    assert result.stderr.startswith("no item has all the words; items with some of them:")
    assert "takstmodel" in result.stdout.lower()
    assert json.loads(runner.invoke(app, ["search", "xylofonorkester zebra", "--json"]).stdout) == []


def test_a_document_without_agenda_items_is_a_warning_and_stays_searchable(home, tmp_path):
    memo = tmp_path / "notat.txt"
    memo.write_text(
        "Notat om vintervedligehold\n\nSaltlageret på Havnevej udvides til næste sæson.\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["ingest", str(memo)])
    assert result.exit_code == 0
    assert f"warning: {memo}: no agenda items found; indexed as one document" in result.output

    found = json.loads(runner.invoke(app, ["search", "Saltlageret", "--json"]).output)
    assert [hit["title"] for hit in found] == ["Notat om vintervedligehold"]
    shown = json.loads(runner.invoke(app, ["show", str(found[0]["item_id"]), "--json"]).output)
    assert shown["segmented"] is False and shown["path"] == str(memo)
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).output)
    assert stats["unsegmented_documents"] == 1
