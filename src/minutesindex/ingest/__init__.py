"""Stage 1: read pages of text from PDFs (text layer or OCR) and text exports."""

import pymupdf

# MuPDF reports problems of damaged files on stdout; we report them as one line per file instead.
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)
