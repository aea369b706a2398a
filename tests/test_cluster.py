"""OCR on a Dask cluster: a LocalCluster of two worker processes stands in for the machines."""

from __future__ import annotations

import os

import pytest
from distributed import LocalCluster

from minutesindex.errors import ClusterError
from minutesindex.ingest.ocr import OcrResult, ocr_pdf_page
from minutesindex.parallel import ClusterOcrPool, OcrPool
from minutesindex.pipeline import ingest_paths
from minutesindex.samples import SCAN_PAGES, scanned_pdf
from minutesindex.store.db import open_database, session_scope
from minutesindex.store.tables import DocumentRow


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scans")
    for k in range(2):  # two meetings (a day apart), their pages in different orders
        pages = [page.replace("den 4. april 2024", f"den {k + 4}. april 2024") for page in SCAN_PAGES]
        with scanned_pdf([pages[k % len(pages)], pages[(k + 1) % len(pages)]], f"Dagsorden {k}") as doc:
            doc.save(folder / f"scan{k}.pdf")
    return folder


def _pages(settings) -> dict[tuple[str, int], str]:
    with session_scope(open_database(settings.db_url)) as session:
        return {(d.file_name, p.number): p.raw_text for d in session.query(DocumentRow) for p in d.pages}


def test_a_page_read_on_the_cluster_is_read_as_the_local_pool_reads_it(cluster, scans):
    path = str(scans / "scan0.pdf")
    with ClusterOcrPool(cluster, "dan", 180) as remote, OcrPool(1, "dan", 180) as local:
        from_cluster = remote.result(remote.submit(path, 1), path, 1)
        from_pool = local.result(local.submit(path, 1), path, 1)
    assert from_cluster == from_pool and "Søndre Skole" in from_cluster.text


def test_an_ingest_through_the_cluster_lands_what_the_local_pool_lands(cluster, scans, tmp_path):
    local_home = ingest_paths([scans], _settings(tmp_path / "local"), workers=2)
    remote_settings = _settings(tmp_path / "remote")
    remote_home = ingest_paths([scans], remote_settings, scheduler=cluster)
    assert remote_home.count("ingested") == local_home.count("ingested") == 2
    assert remote_home.ocr_pages == 4
    assert _pages(remote_settings) == _pages(_settings(tmp_path / "local"))


def _crash_on_second_page(path: str | bytes, page_index: int, lang: str, timeout_s: float) -> OcrResult:
    if page_index == 1:
        os._exit(3)  # the worker process dies, as a crash inside Tesseract or MuPDF takes it down
    return ocr_pdf_page(path, page_index, lang, timeout_s)


def test_a_page_that_kills_cluster_workers_fails_its_file_alone(scans):
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        pool = ClusterOcrPool(local.scheduler_address, "dan", 180, read_page=_crash_on_second_page)
        path = str(scans / "scan0.pdf")
        assert pool.result(pool.submit(path, 0), path, 0).text
        with pytest.raises(RuntimeError, match="crashed on this page"):
            pool.result(pool.submit(path, 1), path, 1)
        assert pool.result(pool.submit(path, 0), path, 0).text  # the cluster goes on with the next pages
        pool.close()


def test_a_scheduler_that_cannot_be_reached_is_a_cluster_error():
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler"):
        ClusterOcrPool("tcp://127.0.0.1:1", "dan", 180, connect_timeout_s=2)


def _settings(home):
    from minutesindex.config import load_settings

    return load_settings(home)


def test_a_lost_scheduler_stops_the_batch_with_a_cluster_error_and_writes_nothing_half(scans, tmp_path, monkeypatch):
    from minutesindex import parallel

    monkeypatch.setattr(parallel, "CLUSTER_CONNECT_TIMEOUT_S", 2)
    settings = _settings(tmp_path / "home")
    local = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0")
    pool = ClusterOcrPool(local.scheduler_address, "dan", 180, connect_timeout_s=2)
    path = str(scans / "scan1.pdf")
    future = pool.submit(path, 0)
    local.close()
    with pytest.raises(ClusterError, match="lost the Dask scheduler"):
        pool.result(future, path, 0)
    pool.close()
    with pytest.raises(ClusterError):
        ingest_paths([scans], settings, scheduler=local.scheduler_address)
    with session_scope(open_database(settings.db_url)) as session:
        assert session.query(DocumentRow).count() == 0


def test_ingest_with_an_unreachable_scheduler_is_one_line_and_exit_7(home, scans, monkeypatch):
    from typer.testing import CliRunner

    from minutesindex import parallel
    from minutesindex.cli import app

    monkeypatch.setattr(parallel, "CLUSTER_CONNECT_TIMEOUT_S", 2)
    monkeypatch.setenv("MINUTESINDEX_SCHEDULER", "tcp://127.0.0.1:1")
    result = CliRunner().invoke(app, ["ingest", str(scans)])
    assert result.exit_code == 7
    assert result.stderr.startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")


def _crash_once_per_page(path: str | bytes, page_index: int, lang: str, timeout_s: float, marks: str = "") -> OcrResult:
    mark = os.path.join(marks, f"crashed-{page_index}")
    if not os.path.exists(mark):
        open(mark, "w").close()
        os._exit(3)  # this worker dies the first time it meets the page
    return ocr_pdf_page(path, page_index, lang, timeout_s)


def test_a_worker_killed_mid_batch_loses_nothing(scans, tmp_path):
    """Every page kills the first worker that reads it; Dask runs it again on another, and every page
    of the batch is read."""
    import functools

    marks = tmp_path / "marks"
    marks.mkdir()
    read = functools.partial(_crash_once_per_page, marks=str(marks))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        pool = ClusterOcrPool(local.scheduler_address, "dan", 180, read_page=read)
        path = str(scans / "scan1.pdf")
        results = [pool.result(pool.submit(path, page), path, page) for page in (0, 1)]
        pool.close()
    assert all(result.text.strip() for result in results) and len(list(marks.iterdir())) == 2
