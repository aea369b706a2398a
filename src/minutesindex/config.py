"""Where minutesindex keeps its data, and the settings users can change by environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from minutesindex.errors import ConfigError

DEFAULT_OCR_LANG = "dan"
DEFAULT_OCR_TIMEOUT_S = 180.0
OCR_DPI = 300
# Where searches run: a home's own Whoosh index, or inside its PostgreSQL database (search.pg).
SEARCH_BACKENDS = ("whoosh", "postgresql")


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    ocr_timeout_s: float = DEFAULT_OCR_TIMEOUT_S
    search_backend: str = "whoosh"

    @property
    def searches_in_database(self) -> bool:
        return self.search_backend == "postgresql"

    @property
    def index_dir(self) -> Path:
        return self.home / "processed" / "index"

    @property
    def lock_path(self) -> Path:
        return self.home / "processed" / "ingest.lock"

    def has_database(self) -> bool:
        """Whether there is a database to read (a server database always counts; SQLite if its file exists)."""
        return not self.db_url.startswith("sqlite:///") or Path(self.db_url.removeprefix("sqlite:///")).exists()


def load_settings(home: str | Path | None = None) -> Settings:
    """Read MINUTESINDEX_HOME (default ./data), MINUTESINDEX_DB_URL, MINUTESINDEX_OCR_TIMEOUT and
    MINUTESINDEX_SEARCH."""
    home_path = Path(home or os.environ.get("MINUTESINDEX_HOME") or "data").resolve()
    db_url = os.environ.get("MINUTESINDEX_DB_URL") or (f"sqlite:///{home_path / 'processed' / 'minutesindex.sqlite'}")
    return Settings(home=home_path, db_url=db_url, ocr_timeout_s=_ocr_timeout(), search_backend=_search_backend(db_url))


def _search_backend(db_url: str) -> str:
    """PostgreSQL searches in the database unless MINUTESINDEX_SEARCH=whoosh keeps a local index
    (as versions before it did); SQLite always uses Whoosh."""
    on_postgresql = db_url.startswith("postgresql")
    chosen = os.environ.get("MINUTESINDEX_SEARCH") or ("postgresql" if on_postgresql else "whoosh")
    if chosen not in SEARCH_BACKENDS:
        raise ConfigError(f"MINUTESINDEX_SEARCH must be {' or '.join(SEARCH_BACKENDS)}, not {chosen!r}")
    if chosen == "postgresql" and not on_postgresql:
        raise ConfigError("MINUTESINDEX_SEARCH=postgresql needs MINUTESINDEX_DB_URL to name a PostgreSQL database")
    return chosen


def _ocr_timeout() -> float:
    value = os.environ.get("MINUTESINDEX_OCR_TIMEOUT") or str(DEFAULT_OCR_TIMEOUT_S)
    try:
        timeout = float(value)
    except ValueError:
        timeout = float("nan")
    if not timeout > 0 or timeout == float("inf"):
        raise ConfigError(f"MINUTESINDEX_OCR_TIMEOUT must be a positive number of seconds, not {value!r}")
    return timeout


def models_dir() -> Path:
    """Built lexicons live in MINUTESINDEX_MODELS or the project's models/ folder."""
    configured = os.environ.get("MINUTESINDEX_MODELS")
    if configured:
        return Path(configured)
    project_models = Path(__file__).resolve().parents[2] / "models"
    if project_models.parent.joinpath("pyproject.toml").exists():
        return project_models
    return Path.home() / ".cache" / "minutesindex"
