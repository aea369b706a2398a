"""Nothing lost: hostile files, a crash at any moment, and concurrent use of one home."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pymupdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minutesindex.config import Settings, load_settings
from minutesindex.errors import QuerySyntaxError
from minutesindex.pipeline import check, ingest_paths
from minutesindex.samples import SCAN_PAGES, decompression_bomb_pdf, numbered_meetings, scanned_pdf
from minutesindex.search.index import open_index, update_index
from minutesindex.search.query import search
from minutesindex.store.db import load_items, open_database, session_scope
from tests.conftest import require_seeds

KILL_SEED = 20261122


def _cli(*args: str, home: Settings, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "MINUTESINDEX_HOME": str(home.home)}
    env.pop("MINUTESINDEX_DB_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "minutesindex", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its OCR workers die with it when the test kills the group
        **kwargs,
    )


def _rows(home: Settings, sql: str) -> list[tuple]:
    with sqlite3.connect(home.home / "processed" / "minutesindex.sqlite") as db:
        return db.execute(sql).fetchall()


def _assert_consistent(home: Settings, expected_files: set[str], blank: frozenset[str] = frozenset()) -> None:
    """Every expected file exactly once, every document whole (all pages; items, or for a blank one the
    whole text as one unsegmented unit), and the index agreeing with the database."""
    names = [name for (name,) in _rows(home, "SELECT file_name FROM documents")]
    assert sorted(names) == sorted(expected_files)
    partial = _rows(
        home,
        "SELECT d.file_name FROM documents d WHERE d.page_count != (SELECT count(*) FROM pages p "
        "WHERE p.document_id = d.id)",
    )
    without_items = _rows(
        home, "SELECT file_name FROM documents d WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.document_id = d.id)"
    )
    unsegmented = _rows(home, "SELECT file_name FROM documents WHERE NOT segmented")
    assert partial == [] and without_items == [] and {name for (name,) in unsegmented} == blank
    report = check(home)
    assert report["missing_from_index"] == [] and report["stale_in_index"] == []


def _broken_xref(source: Path, target: Path) -> Path:
    """A PDF whose cross-reference offsets all point to the wrong place (MuPDF can rebuild it)."""
    data = bytearray(source.read_bytes())
    start = data.rindex(b"startxref")
    data[start:] = b"startxref\n12\n%%EOF\n"
    target.write_bytes(bytes(data))
    return target


def test_hostile_batch_lands_the_good_files_and_names_each_bad_one(home, sample_files, tmp_path: Path):
    batch = tmp_path / "batch med æøå"
    (batch / "under mappe").mkdir(parents=True)
    good_pdf = batch / "under mappe" / "referat møde 1.pdf"
    shutil.copy(sample_files[0], good_pdf)
    _broken_xref(sample_files[0], batch / "broken xref.pdf")
    with pymupdf.open(sample_files[1]) as doc:
        doc.save(batch / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="hemmelig", owner_pw="ejer")
        doc.save(batch / "open.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="", owner_pw="ejer")
    (batch / "truncated.pdf").write_bytes(sample_files[0].read_bytes()[:1500])
    (batch / "empty.pdf").write_bytes(b"")
    (batch / "notes.pdf").write_text("Bare tekst med en forkert endelse.", encoding="utf-8")
    decompression_bomb_pdf(batch / "bomb.pdf")
    export = (
        "Referat\nKulturudvalget den 3. marts 2009\n\n1. Tilskud til Ærø Spillemænd\nBeslutning\nGodkendt på mødet.\n"
    )
    (batch / "cp1252.txt").write_bytes(export.encode("cp1252"))
    (batch / "latin1.txt").write_bytes(export.replace("2009", "2008").encode("latin-1"))
    (batch / "binary.txt").write_bytes(bytes(range(256)) * 20)
    os.symlink(batch, batch / "under mappe" / "loop")
    os.symlink(batch / "gone.pdf", batch / "dangling.pdf")

    report = ingest_paths([batch], home, workers=2)

    status = {o.path.name: (o.status, o.reason) for o in report.outcomes}
    landed = {name for name, (state, _) in status.items() if state == "ingested"}
    assert landed == {"broken xref.pdf", "open.pdf", "bomb.pdf", "cp1252.txt", "latin1.txt"}
    # The same meeting as the repaired copy read before it: stored once, and said so.
    assert (
        status["referat møde 1.pdf"][0] == "skipped"
        and "same meeting as broken xref.pdf" in status["referat møde 1.pdf"][1]
    )
    reasons = {name: reason for name, (state, reason) in status.items() if state == "failed"}
    assert set(reasons) == {"locked.pdf", "truncated.pdf", "empty.pdf", "notes.pdf", "binary.txt", "dangling.pdf"}
    assert "password" in reasons["locked.pdf"] and "truncated" in reasons["truncated.pdf"]
    assert all(reason and "\n" not in reason for reason in reasons.values())
    hits = search(open_index(home.index_dir), "Spillemænd")
    assert {str(h.meeting_date) for h in hits} == {"2009-03-03", "2008-03-03"}
    _assert_consistent(home, landed, blank=frozenset({"bomb.pdf"}))


def test_unreadable_file_is_one_error_line_and_exit_code_1(home, sample_files, tmp_path: Path):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(sample_files[0], batch / "good.pdf")
    secret = batch / "secret.pdf"
    shutil.copy(sample_files[1], secret)
    secret.chmod(0)
    command = [sys.executable, "-m", "minutesindex", "ingest", str(batch)]
    if os.geteuid() == 0:  # root reads anything; drop the capabilities that let it
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    env = {**os.environ, "MINUTESINDEX_HOME": str(home.home)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 1, result.stderr
    assert errors == [f"error: {secret}: permission denied"]
    _assert_consistent(home, {"good.pdf"})


def test_ocr_timeout_is_a_page_warning_not_a_failed_batch(home, sample_files, monkeypatch):
    monkeypatch.setenv("MINUTESINDEX_OCR_TIMEOUT", "0.05")
    report = ingest_paths(sample_files[1:2], load_settings(), workers=1)
    [outcome] = report.outcomes
    assert outcome.status == "ingested"
    page_warnings = [w for w in outcome.warnings if w.startswith("page ")]
    assert len(page_warnings) == 2 and all("OCR timed out after 0.05 s" in w for w in page_warnings)
    assert "no agenda items found; indexed as one document" in outcome.warnings  # empty pages: no items


def test_pages_whose_ocr_timed_out_are_read_again_by_the_next_ingest(home, sample_files, monkeypatch):
    monkeypatch.setenv("MINUTESINDEX_OCR_TIMEOUT", "0.05")
    ingest_paths(sample_files[1:2], load_settings(), workers=1)
    rows = _rows(home, "SELECT count(*) FROM pages WHERE warning LIKE 'OCR timed out%'")
    assert rows == [(2,)]
    monkeypatch.setenv("MINUTESINDEX_OCR_TIMEOUT", "180")
    again = ingest_paths(sample_files[1:2], load_settings(), workers=1)  # no --force
    assert again.count("ingested") == 1 and again.ocr_pages == 2
    assert _rows(home, "SELECT count(*) FROM pages WHERE warning LIKE 'OCR timed out%'") == [(0,)]
    assert search(open_index(home.index_dir), "Søndre Skole")
    assert ingest_paths(sample_files[1:2], load_settings(), workers=1).count("skipped") == 1


def _documents_landed(home: Settings) -> int:
    try:
        return _rows(home, "SELECT count(*) FROM documents")[0][0]
    except sqlite3.Error:  # not created yet
        return 0


def _kill_and_resume(tmp_path: Path, batch: list[Path], seed: int) -> None:
    """Kill an ingest at a random moment (after a random number of files landed, plus a random delay),
    then run the same ingest again."""
    rng = random.Random(seed)
    home = load_settings(tmp_path / f"home-{seed}")
    after_files, delay = rng.randint(0, len(batch) - 2), rng.uniform(0.0, 0.5)
    process = _cli("ingest", *map(str, batch), "--workers", "1", home=home)
    while _documents_landed(home) < after_files and process.poll() is None:
        time.sleep(0.01)
    time.sleep(delay)
    assert process.poll() is None, "the batch finished before the kill"
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    resumed = _cli("ingest", *map(str, batch), home=home)
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    _assert_consistent(home, {p.name for p in batch})


@pytest.fixture(scope="module")
def kill_batch(tmp_path_factory, sample_files) -> list[Path]:
    folder = tmp_path_factory.mktemp("kill-batch")
    meetings = numbered_meetings(folder, 10)
    last_scan = folder / "scan_til_sidst.pdf"
    with scanned_pdf(SCAN_PAGES, "Dagsorden Børne- og Skoleudvalget 2. maj 2024") as doc:
        doc.save(last_scan)
    # Scans in the middle and at the end keep the batch running for seconds after the kill point.
    return [*meetings[:5], sample_files[1], *meetings[5:], last_scan]


@pytest.mark.parametrize("run", range(3))
def test_sigkill_mid_batch_then_resume_loses_and_duplicates_nothing(tmp_path, kill_batch, run):
    _kill_and_resume(tmp_path, kill_batch, KILL_SEED + run)


@pytest.mark.slow
@pytest.mark.parametrize("run", range(3, 20))
def test_sigkill_mid_batch_many_more_times(tmp_path, kill_batch, run):
    _kill_and_resume(tmp_path, kill_batch, KILL_SEED + run)


def test_search_while_ingest_runs_sees_committed_items_without_errors(home, kill_batch):
    first = ingest_paths(kill_batch[:1], home, workers=1)
    assert first.count("ingested") == 1
    process = _cli("ingest", *map(str, kill_batch[1:]), "--workers", "1", home=home)
    searches = 0
    while process.poll() is None:
        hits = search(open_index(home.index_dir), "takstmodel")
        assert hits and all(h.title == "Ny takstmodel for affaldsgebyrer" for h in hits)
        searches += 1
    assert process.returncode == 0, process.stderr.read()
    assert searches > 3
    assert len(search(open_index(home.index_dir), "takstmodel", limit=100)) == 10  # the ten referater
    _assert_consistent(home, {p.name for p in kill_batch})


def test_second_ingest_on_the_same_home_waits_for_the_first(home, kill_batch):
    first = _cli("ingest", *map(str, kill_batch), "--workers", "1", home=home)
    time.sleep(2.0)
    second = _cli("ingest", *map(str, kill_batch[:3]), home=home)
    _, second_err = second.communicate(timeout=300)
    first.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0
    assert "waiting" in second_err
    _assert_consistent(home, {p.name for p in kill_batch})


def test_check_finds_missing_and_stale_items_and_repair_fixes_them(home, sample_files):
    ingest_paths(sample_files, home, workers=2)
    engine = open_database(home.db_url)
    with session_scope(engine) as session:
        items = load_items(session)
        first_id = items[0].id
        update_index(open_index(home.index_dir), [], remove=[first_id])
    report = check(home)
    assert report["missing_from_index"] == [first_id] and report["stale_in_index"] == []
    with session_scope(engine) as session:
        session.delete(load_items(session, [items[1].id])[0])
    report = check(home)
    assert report["stale_in_index"] == [items[1].id]
    repaired = check(home, repair=True)
    assert repaired["repaired"] is True
    assert check(home)["missing_from_index"] == [] and check(home)["stale_in_index"] == []


@pytest.fixture(scope="module")
def sample_index(sample_home):
    settings, _ = sample_home
    return open_index(settings.index_dir)


QUERY_PIECES = st.sampled_from(
    [
        '"',
        "(",
        ")",
        "-",
        "title:",
        "beslutning:",
        "indstilling:",
        "beslutning:takstmodel",
        "title:pladser",
        "indstilling:(",
        'resume:"',
        "nope:",
        "OR",
        "AND",
        "NOT",
        "*",
        "?",
        "~",
        "^",
        "{",
        "}",
        "[",
        "]",
        "TO",
        "takstmodel",
        "særlige",
        "pladser",
        "på",
        ":",
        "\\",
        "'",
        "\x00",
        "ø",
        " ",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.one_of(st.text(max_size=80), st.lists(QUERY_PIECES, max_size=12).map(" ".join)))
def test_any_query_gives_results_or_one_clear_error(sample_index, query):
    try:
        hits = search(sample_index, query, limit=5)
    except QuerySyntaxError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert all(h.item_id > 0 and h.page >= 1 for h in hits)


def test_reindex_in_several_processes_survives_the_debug_allocator(tmp_path):
    """The index writer processes were forked while the parent held its database session and
    connection pool; the parent then crashed (exit 139) closing that session, every time under
    Python's debug allocator, on a home of the seeds. Nothing of the database crosses the fork now."""
    seeds = require_seeds()
    env = {**os.environ, "MINUTESINDEX_HOME": str(tmp_path / "home"), "PYTHONFAULTHANDLER": "1"}
    env.pop("MINUTESINDEX_DB_URL", None)
    command = [sys.executable, "-m", "minutesindex"]
    ingest = subprocess.run([*command, "ingest", str(seeds)], env=env, capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    for _ in range(2):
        run = subprocess.run(
            [*command, "reindex"], env={**env, "PYTHONMALLOC": "debug"}, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, run.stderr[-2000:]
    assert check(load_settings(tmp_path / "home"))["missing_from_index"] == []


def test_ctrl_c_ends_an_ingest_within_seconds_with_exit_130(home, sample_files, tmp_path):
    """Ctrl-C mid-batch: the workers and the index writer stop, no traceback from any process, and
    every document is whole or absent (the next ingest lands the rest)."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for k in range(6):  # six meetings of one committee, a day apart
        pages = [page.replace("den 4. april 2024", f"den {k + 1}. april 2024") for page in SCAN_PAGES]
        with scanned_pdf(pages, f"Dagsorden Børne- og Skoleudvalget {k + 1}.4.2024") as doc:
            doc.save(batch / f"scan{k}.pdf")
    env = {**os.environ, "MINUTESINDEX_HOME": str(home.home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "minutesindex", "ingest", str(batch), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = home.home / "processed" / "ingest.lock"
    deadline = time.monotonic() + 60
    while not lock.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)  # the ingest has started (and handles signals) once it holds the home's lock
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and time.monotonic() - started < 30, stderr
    assert stderr.strip().endswith("interrupted") and "Traceback" not in stderr
    _assert_consistent(home, {name for (name,) in _rows(home, "SELECT file_name FROM documents")})
    assert ingest_paths([batch], home, workers=2).failed == []
    _assert_consistent(home, {f"scan{k}.pdf" for k in range(6)})
