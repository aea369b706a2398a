"""minutesindex: Danish committee meeting PDFs in, searchable agenda items and decisions out."""

__version__ = "0.1.0"
