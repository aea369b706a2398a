"""minutesindex: Danish committee meeting PDFs in, searchable agenda items and decisions out."""

__version__ = "0.1.0"

from minutesindex.archive import Archive  # noqa: E402 - the library API

__all__ = ["Archive", "__version__"]
