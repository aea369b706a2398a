"""Where minutesindex keeps its data, and the settings users can change by environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from minutesindex.errors import ConfigError

DEFAULT_OCR_LANG = "dan"
DEFAULT_OCR_TIMEOUT_S = 180.0
OCR_DPI = 300


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    ocr_timeout_s: float = DEFAULT_OCR_TIMEOUT_S

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
    """Read MINUTESINDEX_HOME (default ./data), MINUTESINDEX_DB_URL and MINUTESINDEX_OCR_TIMEOUT."""
    home_path = Path(home or os.environ.get("MINUTESINDEX_HOME") or "data").resolve()
    db_url = os.environ.get("MINUTESINDEX_DB_URL") or (f"sqlite:///{home_path / 'processed' / 'minutesindex.sqlite'}")
    return Settings(home=home_path, db_url=db_url, ocr_timeout_s=_ocr_timeout())


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
