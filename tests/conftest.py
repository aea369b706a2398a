from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from minutesindex.config import Settings, load_settings
from minutesindex.pipeline import IngestReport, ingest_paths
from minutesindex.samples import write_samples

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
BENCH = SHARED / "bench"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh MINUTESINDEX_HOME for one test (the CLI reads it from the environment)."""
    monkeypatch.setenv("MINUTESINDEX_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MINUTESINDEX_DB_URL", raising=False)
    return load_settings()


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_samples(tmp_path_factory.mktemp("raw"))


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory, sample_files: list[Path]) -> tuple[Settings, IngestReport]:
    """The bundled samples (digital PDF, scanned PDF, text export) ingested once, for read-only tests."""
    settings = load_settings(tmp_path_factory.mktemp("sample-home"))
    report = ingest_paths(sample_files, settings, workers=2)
    return settings, report


@pytest.fixture
def use_sample_home(sample_home, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings, _ = sample_home
    monkeypatch.setenv("MINUTESINDEX_HOME", str(settings.home))
    monkeypatch.delenv("MINUTESINDEX_DB_URL", raising=False)
    return settings


def home_with_texts(tmp_path_factory: pytest.TempPathFactory, texts: dict[str, str]) -> Settings:
    """A home holding text exports written by a test, ingested through the real pipeline."""
    folder = tmp_path_factory.mktemp("texts")
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = load_settings(tmp_path_factory.mktemp("home"))
    ingest_paths([folder], settings, workers=1)
    return settings


def require_seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present beside the project")
    return SEEDS


@pytest.fixture(scope="session")
def seeds_home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The five seed documents from ../shared ingested once."""
    seeds = require_seeds()
    settings = load_settings(tmp_path_factory.mktemp("seeds-home"))
    report = ingest_paths([seeds], settings, workers=1)
    assert not report.failed, [(o.path, o.reason) for o in report.failed]
    return settings


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[dict[str, str]]:
    """A private PostgreSQL server for the tests, listening only on a Unix socket in a temporary folder."""
    initdbs = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not initdbs:
        pytest.skip("PostgreSQL is not installed (scripts/setup.sh installs it)")
    bindir = initdbs[-1].parent
    root = Path(tempfile.mkdtemp(prefix="minutesindex-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data = root / "data"

    def pg(*args: str) -> None:
        subprocess.run([*as_owner, *args], check=True, capture_output=True, timeout=120)

    pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "minutes", "-E", "UTF8", "--locale=C", "--no-sync")
    options = f"-k {root} -c listen_addresses= -c fsync=off -p 5432"
    pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o", options, "start")
    try:
        yield {"host": str(root), "port": "5432", "user": "minutes"}
    finally:
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


_database_numbers = itertools.count(1)


@pytest.fixture
def postgres_url(postgres_server: dict[str, str]) -> str:
    """A fresh, empty database on the test server, as a SQLAlchemy URL."""
    import psycopg

    name = f"minutes_{next(_database_numbers)}"
    with psycopg.connect(dbname="postgres", autocommit=True, **postgres_server) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    server = postgres_server
    return f"postgresql+psycopg://{server['user']}@/{name}?host={server['host']}&port={server['port']}"
