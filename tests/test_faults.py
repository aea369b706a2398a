"""Faults a real archive meets, each one line and its exit code, never a traceback or a hang: files
that are not what their names say, names that are not UTF-8, settings that cannot be used, a damaged
index or database file, escape sequences in documents, a database server that never answers."""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from minutesindex.cli import app

runner = CliRunner()


def _ingest_text(tmp_path: Path, name: str, text: str):  # noqa: ANN202
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["ingest", str(path)]), path


def test_bytes_that_only_decode_are_not_a_text_file(home, tmp_path):
    rng = random.Random(3)
    latin = tmp_path / "noter.txt"  # every byte decodes as Windows-1252, none is text
    latin.write_bytes(bytes(rng.choice([*range(33, 127), *range(160, 256)]) for _ in range(4096)))
    raw = tmp_path / "data.txt"
    raw.write_bytes(rng.randbytes(4096))
    result = runner.invoke(app, ["ingest", str(latin), str(raw)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert sorted(errors) == sorted(f"error: {p}: not a text file" for p in (latin, raw))


def test_a_file_name_that_is_not_utf8_is_its_own_error_and_the_batch_goes_on(home, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "godt.txt").write_text("Referat\nByrådet den 1. marts 2024\n\n1. Budget\nBeslutning\nGodkendt.\n")
    bad = os.path.join(os.fsencode(folder), b"referat \xe6ldrer\xe5d.txt")
    with open(bad, "wb") as fh:
        fh.write("Referat\nÆldrerådet den 2. marts 2024\n\n1. Budget\nBeslutning\nGodkendt.\n".encode())
    for _ in range(2):  # a rerun does not stop at it either
        result = runner.invoke(app, ["ingest", str(folder)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"error: {folder}/referat \\xe6ldrer\\xe5d.txt: file name is not valid UTF-8" in result.stderr
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["documents"] == 1


def test_a_nul_byte_deep_in_a_text_export_is_dropped(home, tmp_path):
    text = "Referat\nByrådet den 1. marts 2024\n\n1. Budget\nSagsfremstilling\n" + "Tekst om budgettet. " * 4000
    path = tmp_path / "lang.txt"
    path.write_bytes((text + "\x00Beslutning\nGodkendt.\n").encode())
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["search", "budgettet", "--json"]).stdout.count('"item_id"') == 1


@pytest.mark.parametrize("value", ["abc", "-5", "0", "inf"])
def test_an_ocr_timeout_that_is_no_positive_number_is_a_usage_error(home, monkeypatch, value):
    monkeypatch.setenv("MINUTESINDEX_OCR_TIMEOUT", value)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == f"error: MINUTESINDEX_OCR_TIMEOUT must be a positive number of seconds, not {value!r}"
    )


def _damage(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def test_a_damaged_index_segment_is_exit_4_and_check_repair_rebuilds_it(home, tmp_path, sample_files):
    runner.invoke(app, ["ingest", str(sample_files[0])])
    segment = next((Path(home.home) / "processed" / "index").glob("*.seg"))
    _damage(segment)
    for command in (["search", "takstmodel"], ["check"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 4 and result.stderr.startswith("error: search index"), command
        assert "check --repair" in result.stderr and "Traceback" not in result.output
    repaired = runner.invoke(app, ["check", "--repair"])
    assert repaired.exit_code == 0 and "rebuilt" in repaired.stdout
    assert '"Ny takstmodel for affaldsgebyrer"' in runner.invoke(app, ["search", "takstmodel", "--json"]).stdout


def test_garbage_inside_the_sqlite_file_is_found_by_check(home, sample_files):
    runner.invoke(app, ["ingest", *map(str, sample_files[::2])])
    database = Path(home.db_url.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as connection:  # everything into the file itself
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(database.read_bytes())
    middle = len(data) // 2
    for position in range(middle, min(len(data), middle + 3000)):  # inside b-tree pages
        data[position] = 0x5A
    database.write_bytes(bytes(data))
    for wal in database.parent.glob("*-wal"):
        wal.unlink()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 3 and "damaged" in result.stderr and "Traceback" not in result.output


def test_escape_sequences_in_a_document_never_reach_the_terminal(home, tmp_path):
    body = "Forvaltningen har gennemgået budgettet for de kommende år og foreslår en ny fordeling. " * 20
    _ingest_text(
        tmp_path,
        "ansi.txt",
        "Referat\nByrådet den 1. marts 2024\n\n1. Budget \x1b]0;hacked\x07\x1b[2J\nSagsfremstilling\n"
        f"{body}\nBeslutning\nGodkendt \x1b[31mrødt\x1b[0m.\n",
    )
    for command in (["search", "budget"], ["search", "budget", "--format", "table"], ["show", "1"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0 and "\x1b" not in result.stdout and "\x07" not in result.stdout, command


def test_a_database_server_that_never_answers_is_an_error_not_a_hang(home, monkeypatch):
    """A server that accepts the connection and says nothing: the connect timeout ends it, and the
    password in the URL appears in no message."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True).start()
    port = listener.getsockname()[1]
    monkeypatch.setenv("MINUTESINDEX_DB_URL", f"postgresql+psycopg://analyst:hemmeligt@127.0.0.1:{port}/minutes")
    started = time.monotonic()
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 3 and time.monotonic() - started < 60
    assert "hemmeligt" not in result.output and "analyst:***@" in result.stderr
    listener.close()


def test_a_read_only_home_can_be_read_and_writing_it_is_one_line(home, sample_files, tmp_path):
    """A home on a read-only share: stats, search, show and export work; ingest says it cannot write."""
    import shutil
    import subprocess
    import sys

    runner.invoke(app, ["ingest", *map(str, sample_files[::2])])
    database = home.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:  # closed cleanly, as a copied or shared archive is
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for leftover in Path(database).parent.glob("*.sqlite-*"):
        leftover.unlink()
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv")
    for path in [home.home, *home.home.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"] if os.geteuid() == 0 else []
        env = {**os.environ, "MINUTESINDEX_HOME": str(home.home)}

        def run(*args: str) -> subprocess.CompletedProcess:
            command = [*prefix, sys.executable, "-m", "minutesindex", *args]
            return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

        for args in (
            ["stats"],
            ["search", "takstmodel"],
            ["show", "1"],
            ["export", "items", "--out", str(tmp_path / "i.jsonl")],
        ):
            result = run(*args)
            assert result.returncode == 0, (args, result.stderr)
        written = run("ingest", str(sample_files[1]))
        assert written.returncode == 3 and written.stderr.strip().endswith(
            "cannot be written (Permission denied); only reading works"
        )
    finally:
        for path in [home.home, *home.home.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)


def test_a_text_export_past_the_size_limit_is_one_line(home, tmp_path, monkeypatch):
    from minutesindex.ingest import text

    monkeypatch.setattr(text, "MAX_TEXT_BYTES", 10_000)
    big = tmp_path / "aarsreferat.txt"
    big.write_text("Referat\nByrådet den 1. marts 2024\n\n" + "1. Budget\nBeslutning\nGodkendt.\n" * 1000)
    result = runner.invoke(app, ["ingest", str(big)])
    assert result.exit_code == 1
    assert f"error: {big}: text export too large" in result.stderr and "the limit is 0 MB" not in result.stderr


def _page_of_many_spans(path: Path, spans: int) -> Path:
    """A PDF whose first page draws an agenda item and then `spans` tiny text spans scattered over
    the page, one per position (what a generator gone wrong, or an attacker, writes)."""
    import pymupdf

    with pymupdf.open() as doc:
        page = doc.new_page()
        page.insert_text((60, 60), "1. Budget for plejecentret Kvisten", fontname="helv", fontsize=11)
        page.insert_text((60, 80), "Beslutning: Godkendt.", fontname="helv", fontsize=11)
        xref = page.get_contents()[0]
        scatter = b"".join(
            b"1 0 0 1 %d %d Tm (ab) Tj " % ((i * 7919) % 500 + 40, (i * 104729) % 600 + 120) for i in range(spans)
        )
        doc.update_stream(xref, doc.xref_stream(xref) + b" BT /helv 1 Tf " + scatter + b"ET")
        doc.save(path)
    return path


def test_a_page_of_too_many_drawing_instructions_is_read_without_its_layout(home, tmp_path, monkeypatch):
    from minutesindex.ingest import pdf

    monkeypatch.setattr(pdf, "MAX_LAYOUT_CONTENT_BYTES", 20_000)
    path = _page_of_many_spans(tmp_path / "referat.pdf", 2_000)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert "page 1: 0.1 MB of drawing instructions, read without its layout" in result.output
    assert "Kvisten" in runner.invoke(app, ["search", "Kvisten", "--format", "plain"]).stdout


def test_a_page_of_far_too_many_drawing_instructions_is_ocrd(home, tmp_path, monkeypatch):
    from minutesindex.ingest import pdf

    monkeypatch.setattr(pdf, "MAX_LAYOUT_CONTENT_BYTES", 20_000)
    monkeypatch.setattr(pdf, "MAX_TEXT_CONTENT_BYTES", 40_000)
    path = _page_of_many_spans(tmp_path / "referat.pdf", 2_000)
    result = runner.invoke(app, ["ingest", str(path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "(1 OCR'd)" in result.output and "drawing instructions, read by OCR instead" in result.output
    assert "Kvisten" in runner.invoke(app, ["search", "Kvisten", "--format", "plain"]).stdout


def test_an_unexpected_failure_is_one_line_naming_its_traceback_and_exit_70(home, sample_files, monkeypatch):
    """A bug is no traceback on the terminal and no exit 1 ("some files failed"): one line that
    names the file holding the full traceback, and an exit code of its own."""
    from minutesindex.archive import Archive

    assert runner.invoke(app, ["ingest", str(sample_files[0])]).exit_code == 0

    def broken(self):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    monkeypatch.setattr(Archive, "stats", broken)
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 70
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unexpected failure (RuntimeError: boom); ")
    log = Path(lines[0].rsplit(" ", 1)[1])
    assert "Traceback" in log.read_text() and 'raise RuntimeError("boom")' in log.read_text()
    log.unlink()


def test_an_item_id_past_any_integer_is_not_found_not_an_overflow(home, sample_files):
    assert runner.invoke(app, ["ingest", str(sample_files[0])]).exit_code == 0
    result = runner.invoke(app, ["show", "99999999999999999999"])
    assert result.exit_code == 6
    assert result.stderr.strip() == "error: no item with id 99999999999999999999"


def test_repair_with_a_database_that_cannot_be_opened_is_exit_3(home, sample_files):
    assert runner.invoke(app, ["ingest", str(sample_files[0])]).exit_code == 0
    database = Path(home.db_url.removeprefix("sqlite:///"))
    database.write_bytes(random.Random(3).randbytes(4096))
    for companion in (database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        companion.unlink(missing_ok=True)
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "minutesindex", "repair"],
        input="Udvalget drgftede sagen pa mgdet.\n",
        capture_output=True,
        text=True,
        env={**os.environ, "MINUTESINDEX_HOME": str(home.home)},
    )
    assert result.returncode == 3
    assert result.stderr.startswith("error: cannot open database ") and "Traceback" not in result.stderr
