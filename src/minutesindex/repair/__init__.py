"""Stage 2: repair mojibake and OCR-mangled Danish letters; keep line structure so raw text stays aligned."""
