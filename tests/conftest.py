from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from minutesindex.config import Settings, load_settings
from minutesindex.pipeline import IngestReport, ingest_paths
from minutesindex.samples import write_samples
from tests.pgserver import PostgresMissing, new_database, private_server

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


def home_with_texts(
    tmp_path_factory: pytest.TempPathFactory, texts: dict[str, str], db_url: str | None = None
) -> Settings:
    """A home holding text exports written by a test, ingested through the real pipeline; with a
    PostgreSQL `db_url`, a home that searches in that database."""
    folder = tmp_path_factory.mktemp("texts")
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = load_settings(tmp_path_factory.mktemp("home"))
    if db_url:
        settings = dataclasses.replace(settings, db_url=db_url, search_backend="postgresql")
    ingest_paths([folder], settings, workers=1)
    return settings


SEARCH_BACKENDS = ("whoosh", "postgresql")


def search_home(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, texts: dict[str, str]):
    """A home of these texts searched by the backend `request.param` names, and what `search` takes
    for it: the Whoosh index, or the PostgreSQL home's PostgresSearch."""
    from minutesindex.search.index import open_index

    if request.param == "whoosh":
        return open_index(home_with_texts(tmp_path_factory, texts).index_dir)
    from minutesindex.search.pg import PostgresSearch
    from minutesindex.store.db import open_database

    url = new_postgres_database(request.getfixturevalue("postgres_server"))
    settings = home_with_texts(tmp_path_factory, texts, db_url=url)
    engine = open_database(settings.db_url)
    request.addfinalizer(engine.dispose)
    return PostgresSearch(engine)


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
    """A private PostgreSQL server for the tests (tests/pgserver.py)."""
    try:
        with private_server() as server:
            yield server
    except PostgresMissing as exc:
        pytest.skip(str(exc))


def new_postgres_database(server: dict[str, str]) -> str:
    """A fresh, empty database on the test server, as a SQLAlchemy URL (a unique name: this module
    is loaded both as pytest's conftest and as tests.conftest)."""
    return new_database(server, f"minutes_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def postgres_url(postgres_server: dict[str, str]) -> str:
    return new_postgres_database(postgres_server)


@contextlib.contextmanager
def database_at_revision(url: str, revision: str) -> Iterator[object]:
    """A database whose schema the migrations brought only as far as `revision`, as an earlier
    version left it: yields a connection (in one transaction) to fill it the old way."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from minutesindex.store.db import MIGRATIONS

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            yield connection
    finally:
        engine.dispose()
