"""Stage 2: repair mojibake and OCR-mangled Danish letters; keep line structure so raw text stays aligned."""

from minutesindex.repair import compiled

compiled.install()  # before any module of the stage is imported (see compiled.py)
