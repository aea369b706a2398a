"""Stage 1: read pages of text from PDFs (text layer or OCR) and text exports."""
