"""What still tripped an analyst at the shell: a closed pipe, a narrow terminal, usage errors as
panels, piped stats, stop-word queries, undated meetings first by date, an export's unknown suffix or
unwritable --out, counting hits."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minutesindex.cli import app

runner = CliRunner()


def _cli(*args: str, home: Path) -> list[str]:
    return [sys.executable, "-m", "minutesindex", "--home", str(home), *args]


@pytest.mark.parametrize(
    "command",
    [
        ["search", "udvalget", "--limit", "100"],
        ["export", "decisions", "--out", "-"],
        ["export", "items", "--out", "-"],
        ["show", "2"],
    ],
)
def test_a_reader_that_stops_reading_ends_the_command_quietly(sample_home, command, tmp_path):
    settings, _ = sample_home
    before = set(Path("/tmp").glob("minutesindex-error-*"))
    reader = f"{' '.join(_quote(a) for a in _cli(*command, home=settings.home))} | head -c 1 >/dev/null"
    run = subprocess.run(["bash", "-c", reader + "; echo ${PIPESTATUS[0]}"], capture_output=True, text=True)
    assert run.stdout.strip() == "0", run.stderr
    assert "Traceback" not in run.stderr and "error" not in run.stderr
    assert set(Path("/tmp").glob("minutesindex-error-*")) == before


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def test_a_narrow_terminal_gets_the_plain_two_line_layout(use_sample_home):
    wide = runner.invoke(app, ["search", "Kvisten", "--format", "table"], env={"COLUMNS": "160"})
    assert "┃" in wide.stdout
    narrow = subprocess.run(
        ["script", "-qec", f"{sys.executable} -m minutesindex search Kvisten", "/dev/null"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80", "LINES": "40"},
    )
    assert "┃" not in narrow.stdout and "Kvisten" in narrow.stdout
    assert len(narrow.stdout.splitlines()) <= 4


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["search", "x", "--since", "2022-13-01"], "is not a date"),
        (["show", "abc"], "'abc'"),
        (["export", "decisions"], "Missing option '--out'"),
    ],
)
def test_usage_errors_are_one_line_with_the_next_step(use_sample_home, args, said):
    result = runner.invoke(app, args)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1
    assert lines[0].startswith("error: ") and said in lines[0] and "╭" not in lines[0]
    command = "export decisions" if args[0] == "export" else args[0]
    assert f"(see `minutesindex {command} --help`)" in lines[0]


def test_piped_stats_are_plain_lines_counted_in_good_english(use_sample_home):
    result = runner.invoke(app, ["stats"])
    first, *rest = result.stdout.splitlines()
    assert first.startswith("3 documents, 5 pages") and "1 documents" not in first
    assert "┃" not in result.stdout and "committee\tdocuments\tpages\titems" in rest


def test_a_query_of_only_stop_words_says_so(use_sample_home):
    result = runner.invoke(app, ["search", "og i at det"])
    assert result.exit_code == 0 and "every word of the query is a stop word" in result.stderr


def test_newest_first_puts_undated_meetings_last(home, tmp_path):
    undated = tmp_path / "udateret.txt"
    undated.write_text("Referat\n\n1. Cykelsti ved skolen\nBeslutning\nCykelstien blev godkendt.\n", encoding="utf-8")
    dated = tmp_path / "dateret.txt"
    dated.write_text(
        "Referat\nTeknisk Udvalg den 3. marts 2021\n\n1. Cykelsti ved havnen\nBeslutning\nCykelstien blev godkendt.\n",
        encoding="utf-8",
    )
    runner.invoke(app, ["ingest", str(undated), str(dated)])
    result = runner.invoke(app, ["search", "cykelstien", "--sort", "date", "--format", "nl"])
    dates = [line.split('"meeting_date": ')[1].split(",")[0] for line in result.stdout.splitlines()]
    assert dates == ['"2021-03-03"', "null"]


def test_an_export_refuses_a_suffix_it_cannot_write_and_says_when_it_cannot_write(use_sample_home, tmp_path):
    unknown = runner.invoke(app, ["export", "decisions", "--out", str(tmp_path / "beslutninger.ods")])
    assert unknown.exit_code == 2 and ".ods" in unknown.output and not (tmp_path / "beslutninger.ods").exists()
    full = runner.invoke(app, ["export", "decisions", "--out", "/dev/full"])
    assert full.exit_code == 8 and "cannot write /dev/full" in full.output
    assert Path("/dev/full").is_char_device()


def test_count_prints_how_many_items_match(use_sample_home):
    result = runner.invoke(app, ["search", "udvalget", "--count"])
    assert result.exit_code == 0 and int(result.stdout.strip()) > 2


def test_a_committee_part_of_several_names_means_all_of_them_and_says_which(use_sample_home):
    result = runner.invoke(app, ["search", "udvalget", "--committee", "udvalget", "--format", "nl", "--limit", "50"])
    committees = {line.split('"committee": "')[1].split('"')[0] for line in result.stdout.splitlines()}
    assert len(committees) == 3
    said = next(line for line in result.stderr.splitlines() if line.startswith("committee: "))
    assert all(name in said for name in committees)
    exact = runner.invoke(app, ["search", "takstmodel", "--committee", "Teknik- og Miljøudvalget"])
    assert "committee: " not in exact.stderr


@pytest.mark.parametrize("command", [["ingest"], ["search"], ["export", "decisions"], ["export", "items"], ["show"]])
def test_help_names_what_an_option_takes_not_its_python_type(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "160"})
    options = result.stdout.split("Options")[1]
    assert "<bool>" not in result.stdout and "<str>" not in options and "<int range>" not in options


def test_exit_status_is_one_when_nothing_matched_if_asked(use_sample_home):
    assert runner.invoke(app, ["search", "zzzyxq"]).exit_code == 0  # the default stays
    assert runner.invoke(app, ["search", "zzzyxq", "--exit-status"]).exit_code == 1
    assert runner.invoke(app, ["search", "takstmodel", "--exit-status"]).exit_code == 0


def test_the_library_takes_dates_as_typed_and_gives_dates(use_sample_home):
    import datetime as dt

    from minutesindex import Archive
    from minutesindex.errors import QuerySyntaxError

    with Archive() as archive:
        (hit,) = archive.search("takstmodel", since="2024", until="2024-03")
        assert hit.meeting_date == dt.date(2024, 3, 12)
        assert archive.search("takstmodel", since="2024-04") == []
        with pytest.raises(QuerySyntaxError):
            archive.search("takstmodel", since="next week")
        assert archive.item(hit.item_id)["outcome"] == "godkendt"


def test_the_decision_workbook_fits_its_columns_and_links_each_item_to_its_page(use_sample_home, tmp_path):
    from openpyxl import load_workbook

    runner.invoke(app, ["export", "decisions", "--out", str(tmp_path / "d.xlsx")])
    sheet = load_workbook(tmp_path / "d.xlsx").active
    header = [c.value for c in sheet[1]]
    column = {name: sheet.cell(row=1, column=k + 1).column_letter for k, name in enumerate(header)}
    documents = [sheet[f"{column['document']}{r}"].value for r in range(2, sheet.max_row + 1)]
    assert sheet.column_dimensions[column["document"]].width >= max(len(d) for d in documents)
    assert sheet.column_dimensions[column["outcome"]].width >= len("taget til efterretning")
    link = sheet[f"{column['link']}2"]
    assert link.value.startswith("file:///") and "#page=" in link.value and link.hyperlink.target == link.value
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["export", "decisions", "--out", "-"]).stdout)))
    assert all(row["link"].startswith("file:///") for row in rows)
    pdf_rows = [row for row in rows if row["document"].endswith(".pdf")]
    assert all(row["link"].endswith(f"#page={row['page_start']}") for row in pdf_rows)


def test_search_writes_its_hits_as_decision_rows_best_first(use_sample_home, tmp_path):
    from openpyxl import load_workbook

    shown = runner.invoke(app, ["search", "udvalget", "--format", "nl", "--limit", "4"]).stdout.splitlines()
    result = runner.invoke(app, ["search", "udvalget", "--limit", "4", "--out", str(tmp_path / "hits.xlsx")])
    assert result.exit_code == 0 and "wrote 4 hits" in result.stderr
    sheet = load_workbook(tmp_path / "hits.xlsx").active
    header = [c.value for c in sheet[1]]
    ids = [str(sheet.cell(row=r, column=header.index("item_id") + 1).value) for r in range(2, sheet.max_row + 1)]
    assert ids == [line.split('"item_id": ')[1].split(",")[0] for line in shown]
    assert runner.invoke(app, ["search", "udvalget", "--out", str(tmp_path / "hits.ods")]).exit_code == 2


def test_datasette_searches_the_decision_table_as_the_command_line_folds_words(sample_home):
    import asyncio
    import json

    from datasette.app import Datasette

    settings, _ = sample_home
    metadata = json.loads((Path(__file__).resolve().parents[1] / "datasette-metadata.json").read_text())
    database = settings.home / "processed" / "minutesindex.sqlite"

    async def titles(path: str) -> list[str]:
        datasette = Datasette([str(database)], metadata=metadata, immutables=[])
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text
        return sorted(row["title"] for row in response.json())

    decisions = asyncio.run(titles("/minutesindex/decisions.json?_search=takstmodel&_shape=array"))
    assert decisions == ["Ny takstmodel for affaldsgebyrer"]  # no longer every row
    folded = asyncio.run(titles("/minutesindex/items.json?_search=saerlige&_shape=array"))
    assert folded == ["Særlige pladser på plejecentret Kvisten"]
    ascii_spelling = asyncio.run(titles("/minutesindex/items.json?_search=aavej&_shape=array"))
    assert ascii_spelling == ["Cykelsti langs Åvej"]


def test_an_ingest_that_needs_ocr_counts_its_pages(home, tmp_path):
    from minutesindex.pipeline import ingest_paths
    from minutesindex.samples import SCAN_PAGES, scanned_pdf

    with scanned_pdf(SCAN_PAGES * 2, "Dagsorden") as doc:
        doc.save(tmp_path / "scan.pdf")
    seen: list[tuple[int, int, str]] = []
    ingest_paths([tmp_path / "scan.pdf"], home, workers=2, on_pages=lambda *state: seen.append(state))
    assert seen[0] == (0, 4, "scan.pdf") and seen[-1] == (4, 4, "scan.pdf")
    assert [read for read, _, _ in seen] == sorted(read for read, _, _ in seen)


def test_a_word_found_only_as_its_parts_is_said_to_be(home, tmp_path):
    source = tmp_path / "referat.txt"
    source.write_text(
        "Referat\nTeknisk Udvalg den 3. marts 2024\n\n1. Pladser ved skolen\nBeslutning\n"
        "Der etableres parkering til hver cykel ved skolen.\n",
        encoding="utf-8",
    )
    runner.invoke(app, ["ingest", str(source)])
    parts = runner.invoke(app, ["search", "cykelparkering"])
    assert "Pladser ved skolen" in parts.stdout
    assert "no item has the word 'cykelparkering'; these items have its parts (cykel, parkering)" in parts.stderr
    whole = runner.invoke(app, ["search", "parkering"])
    assert "no item has the word" not in whole.stderr


def test_a_name_no_lexicon_knows_finds_the_compounds_it_begins(home, tmp_path):
    source = tmp_path / "referat.txt"
    source.write_text(
        "Referat\nTeknisk Udvalg den 3. marts 2024\n\n1. Trafik\nBeslutning\n"
        "Hastigheden i Kvistrupområdet nedsættes.\n",
        encoding="utf-8",
    )
    runner.invoke(app, ["ingest", str(source)])
    found = runner.invoke(app, ["search", "Kvistrup", "--format", "nl"])
    assert '"title": "Trafik"' in found.stdout
