"""Write the bundled sample meeting documents into data/raw/ (or the folder given)."""

from __future__ import annotations

import sys
from pathlib import Path

from minutesindex.samples import write_samples

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "data" / "raw"
    for path in write_samples(target):
        print(f"wrote {path}")
