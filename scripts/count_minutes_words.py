"""Count the words of committee minutes (src/minutesindex/repair/minutes_words_da.tsv): how often
each word form occurs in Danish minutes read right, the domain's own word frequencies beside the
general lexicon's (`møde` and `sager` are far commoner in minutes than `måde` and `søger`).

Counted from the seed documents the repair bench's `dev` split is cut from (`seeds/001_*`, `003_*`,
`004_*`; the other two seeds are themselves mangled OCR): like the weights, the table is fitted on
`dev`, and the `councils` split (other councils' minutes) scores the repair on minutes it never saw.
Only words of two letters or more that occur at least twice are kept, lower-cased, with their
counts.

    .venv/bin/python scripts/count_minutes_words.py [--seeds ../shared/seeds] [--out PATH]
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from minutesindex.repair.lexicon import MINUTES_WORDS_FILE

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DEV_SOURCES = ("001_", "003_", "004_")  # the seeds the bench's dev split is cut from
WORD = re.compile(r"[^\W\d_]{2,}")
MIN_COUNT = 2


def count_words(paths: list[Path]) -> dict[str, int]:
    """Lower-case word counts of the documents, the words seen fewer than MIN_COUNT times left out."""
    counts: Counter[str] = Counter()
    for path in paths:
        counts.update(word.lower() for word in WORD.findall(path.read_text(encoding="utf-8")))
    return {word: n for word, n in sorted(counts.items()) if n >= MIN_COUNT}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--out", type=Path, default=MINUTES_WORDS_FILE)
    args = parser.parse_args()
    sources = sorted(p for p in args.seeds.glob("*.txt") if p.name.startswith(DEV_SOURCES))
    if not sources:
        raise SystemExit(f"no seed documents {DEV_SOURCES} in {args.seeds}")
    counts = count_words(sources)
    args.out.write_text("".join(f"{w}\t{n}\n" for w, n in counts.items()), encoding="utf-8")
    print(f"{len(counts)} words from {len(sources)} documents -> {args.out}")


if __name__ == "__main__":
    main()
