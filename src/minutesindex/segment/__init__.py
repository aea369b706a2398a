"""Stage 3: meeting metadata, agenda items and their sections from repaired lines (`document.py`).

The package imports nothing itself, so a read command that needs one vocabulary (`sections.py`)
does not load the labeller.
"""
