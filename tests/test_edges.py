"""Nothing lost, nothing hung, round three: a PDF whose page tree lies, FIFOs and device links, an
ingest killed by the out-of-memory killer, an export killed mid-write, a page OCR cannot read, forged
output lines, echoed input, links out of the input folder, cells longer than Excel holds."""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from minutesindex.archive import Archive
from minutesindex.cli import app
from minutesindex.config import Settings
from minutesindex.errors import UnknownCommitteeError
from minutesindex.export import XLSX_CELL_LIMIT
from minutesindex.model import OCR_FAILED, Page
from minutesindex.pipeline import _finish_extraction, _Pending, ingest_paths
from minutesindex.samples import SCAN_PAGES, scanned_pdf, text_pdf

runner = CliRunner()


def _lying_page_tree(path: Path) -> Path:
    """A PDF whose page tree claims 2,147,483,648 pages (a fuzzed real PDF did)."""
    with text_pdf(["Referat\n1. Godkendelse af dagsorden\nBeslutning\nGodkendt."], "x") as doc:
        data = doc.tobytes(no_new_id=True)
    count = re.search(rb"/Count \d+", data)
    assert count is not None
    path.write_bytes(data.replace(count.group(), b"/Count 2147483648"))
    return path


def test_a_pdf_whose_page_tree_lies_is_its_own_error_line_and_the_batch_goes_on(home: Settings, sample_files):
    batch = home.home.parent / "batch"
    batch.mkdir()
    _lying_page_tree(batch / "a_liar.pdf")
    shutil.copy(sample_files[0], batch / "b_good.pdf")
    report = ingest_paths([batch], home, workers=1)
    status = {o.path.name: o for o in report.outcomes}
    assert status["a_liar.pdf"].status == "failed" and "page tree" in status["a_liar.pdf"].reason
    assert status["b_good.pdf"].status == "ingested"
    again = ingest_paths([batch], home, workers=1)  # a rerun does not stop at it either
    assert [o.status for o in again.outcomes] == ["failed", "skipped"]


def test_fifos_and_device_links_are_refused_at_once(home: Settings, tmp_path: Path, sample_files):
    batch = tmp_path / "batch"
    batch.mkdir()
    os.mkfifo(batch / "pipe.pdf")
    os.symlink("/dev/zero", batch / "zero.txt")
    (batch / "bundle.zip").symlink_to("/dev/zero")
    shutil.copy(sample_files[0], batch / "good.pdf")
    started = time.monotonic()
    report = ingest_paths([batch], home, workers=1, follow_links=True)
    assert time.monotonic() - started < 60
    status = {o.path.name: o for o in report.outcomes}
    for name in ("pipe.pdf", "zero.txt", "bundle.zip"):
        assert status[name].status == "failed" and "not a regular file" in status[name].reason
    assert status["good.pdf"].status == "ingested"


def _session_processes(session: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == session:
                    found.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return found


def _ocr_workers(session: int) -> list[int]:
    """The processes of the session whose parent is the OCR pool's fork server."""
    stats = {}
    for pid in _session_processes(session):
        try:
            stats[pid] = (
                Path(f"/proc/{pid}/cmdline").read_bytes(),
                int(Path(f"/proc/{pid}/stat").read_text().split()[3]),
            )
        except (OSError, IndexError, ValueError):
            continue
    servers = {pid for pid, (cmdline, _) in stats.items() if b"forkserver" in cmdline}
    return [pid for pid, (_, parent) in stats.items() if parent in servers]


def test_no_ocr_helper_outlives_an_ingest_killed_alone(home: Settings, tmp_path: Path):
    """SIGKILL to the ingest's main process only, during OCR (what the out-of-memory killer does):
    the fork server and the OCR workers end with it."""
    scans = tmp_path / "scans"
    scans.mkdir()
    with scanned_pdf(SCAN_PAGES * 3, "Dagsorden") as doc:
        doc.save(scans / "long scan.pdf")
    env = {**os.environ, "MINUTESINDEX_HOME": str(home.home)}
    env.pop("MINUTESINDEX_DB_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "minutesindex", "ingest", str(scans), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while len(_ocr_workers(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        # Two OCR workers, and the index writer too where it has started (it comes from the same fork server).
        assert len(_ocr_workers(process.pid)) >= 2, "the OCR workers never started"
        time.sleep(1)  # reading pages
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _session_processes(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _session_processes(process.pid) == []
    finally:
        for pid in _session_processes(process.pid):
            os.kill(pid, signal.SIGKILL)


def test_an_export_that_fails_midway_leaves_the_previous_file(
    home: Settings, sample_files, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    ingest_paths(sample_files[:1], home, workers=1)
    out = tmp_path / "decisions.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    archive = Archive(home.home)
    with pytest.raises(UnknownCommitteeError):
        archive.export_decisions(out, committee="no such committee")
    assert out.read_text(encoding="utf-8") == "the previous export\n"

    class DiskFillsUp(csv.DictWriter):
        def writerows(self, rows) -> None:  # noqa: ANN001 - the disk fills after the first row
            self.writerow(next(iter(rows)))
            raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(csv, "DictWriter", DiskFillsUp)
        with pytest.raises(OSError):
            archive.export_decisions(out)
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not list(tmp_path.glob(".decisions.csv.*"))
    archive.export_decisions(out)
    assert out.read_text(encoding="utf-8").startswith("meeting_date,committee")


def test_a_page_ocr_cannot_read_is_a_page_warning_and_the_rest_lands(tmp_path: Path):
    class OnePageFails:
        def result(self, future, path, index):  # noqa: ANN001
            return future.result()

        def done_with(self, path: str) -> None:
            pass

    good: Future = Future()
    from minutesindex.ingest.ocr import OcrResult

    good.set_result(OcrResult("Side 1 læst", 91.0, None))
    bad: Future = Future()
    bad.set_exception(RuntimeError("cannot render page"))
    pages = [Page(1, "", "ocr"), Page(2, "", "ocr"), Page(3, "Tekstlag", "text")]
    pending = _Pending(tmp_path / "scan.pdf", "0" * 64, pages, {1: good, 2: bad})
    extracted = _finish_extraction(pending, OnePageFails())
    assert extracted.pages[0].raw_text == "Side 1 læst" and extracted.pages[2].raw_text == "Tekstlag"
    assert extracted.pages[1].raw_text == "" and extracted.pages[1].warning.startswith(OCR_FAILED)
    assert "cannot render page" in extracted.pages[1].warning


def test_check_does_not_say_agree_when_it_found_differences(home: Settings, sample_files):
    from minutesindex.search.index import open_index, update_index

    ingest_paths(sample_files[:1], home, workers=1)
    update_index(open_index(home.index_dir, for_writing=True), [], remove=[1])
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 4 and "agree" not in result.output


def test_a_file_name_with_a_newline_cannot_forge_an_output_line(home: Settings, tmp_path: Path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a\ningested: forged.pdf: 9 pages (0 OCR'd), 9 items\nb.pdf").write_bytes(b"not a pdf")
    result = runner.invoke(app, ["ingest", str(batch), "-v"])
    lines = result.output.splitlines()
    assert not any(line.startswith("ingested: forged.pdf") for line in lines)
    assert any(line.startswith("error: ") and "a\\ningested: forged.pdf" in line for line in lines)


def test_a_huge_committee_value_is_echoed_short(home: Settings, sample_files):
    ingest_paths(sample_files[:1], home, workers=1)
    result = runner.invoke(app, ["search", "takstmodel", "--committee", "x" * 100_000])
    assert result.exit_code == 2 and len(result.output) < 1000 and "100000 characters" in result.output


def test_links_out_of_the_input_folder_are_skipped_unless_asked(home: Settings, tmp_path: Path, sample_files):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(sample_files[2], outside / "secret.txt")
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "link.txt").symlink_to(outside / "secret.txt")
    shutil.copy(sample_files[0], batch / "inside.pdf")
    (batch / "inside link.pdf").symlink_to(batch / "inside.pdf")
    report = ingest_paths([batch], home, workers=1)
    status = {o.path.name: o for o in report.outcomes}
    assert status["link.txt"].status == "skipped" and "outside the folder given" in status["link.txt"].reason
    assert str(outside / "secret.txt") in status["link.txt"].reason
    assert status["inside link.pdf"].status == "ingested"  # a link within the folder is read
    assert status["inside.pdf"].status == "skipped"  # its target, already read through it
    followed = ingest_paths([batch], home, workers=1, follow_links=True)
    assert {o.path.name: (o.status, o.reason) for o in followed.outcomes}["link.txt"] == ("ingested", "")


def test_a_decision_longer_than_an_excel_cell_is_cut_with_a_note(home: Settings, tmp_path: Path, capsys):
    long_decision = " ".join(["Udvalget godkendte planen for stierne."] * 3000)
    source = tmp_path / "lang.txt"
    source.write_text(
        f"Referat\nTeknisk Udvalg den 3. marts 2024\n\n1. Stiplan\nBeslutning\n{long_decision}\n", encoding="utf-8"
    )
    ingest_paths([source], home, workers=1)
    archive = Archive(home.home)
    archive.export_decisions(tmp_path / "d.xlsx")
    assert "cut" in capsys.readouterr().err
    sheet = load_workbook(tmp_path / "d.xlsx").active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("decision") + 1).value
    assert len(cell) <= XLSX_CELL_LIMIT and "cut at Excel's cell limit" in cell
    archive.export_decisions(tmp_path / "d.csv")
    assert long_decision in (tmp_path / "d.csv").read_text(encoding="utf-8")


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 400 KB file system (tmpfs), where the home's search index runs out of space."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_while_the_index_is_written_is_one_storage_line(small_disk: Path, tmp_path: Path, sample_files):
    env = {**os.environ, "MINUTESINDEX_HOME": str(small_disk / "home")}
    env["MINUTESINDEX_DB_URL"] = f"sqlite:///{tmp_path / 'minutes.sqlite'}"
    batch = tmp_path / "batch"
    batch.mkdir()
    rng = random.Random(8)
    for k in range(12):  # words of their own, so the index grows past the disk
        words = " ".join("".join(rng.choice("abdefghiklmnoprstuvy") for _ in range(8)) for _ in range(3000))
        (batch / f"meeting {k}.txt").write_text(
            f"Referat\nTeknisk Udvalg den {k + 1}. marts 2024\n\n1. Sag om stier\nBeslutning\n{words}\n",
            encoding="utf-8",
        )
    for command in (["ingest", str(batch)], ["check", "--repair"]):
        run = subprocess.run([sys.executable, "-m", "minutesindex", *command], env=env, capture_output=True, text=True)
        errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
        assert run.returncode == 8, run.stderr[-2000:]
        assert len(errors) == 1 and "no space left" in errors[0] and "unexpected" not in run.stderr
