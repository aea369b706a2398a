"""Repair speed: words per second repairing the repair bench's development split (one core).

Reads ../shared/bench/repair/dev/*.ocr_eng.txt (or another split/input) and repairs every chunk with
one repairer, as an ingest does: the token cache fills as it goes (word frequencies are Zipfian).
What is loaded from models/ (the lexicon, its trie, the letter model, the confusable words, the
misread names) is
loaded before the clock starts. Repeats the whole split `--rounds` times, each with a fresh
repairer, a fresh lexicon object and the module's token cache emptied, so no cache of an earlier
round helps, and reports the median.

    .venv/bin/python scripts/bench_repair.py [--split dev] [--input ocr_eng] [--rounds 5] [--json]

MINUTESINDEX_PURE_PYTHON=1 measures the stage's modules as Python source (see repair/compiled.py).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchreport import print_report

from minutesindex.repair.charmodel import load_char_model
from minutesindex.repair.compiled import is_compiled
from minutesindex.repair.danish import LetterRepairer, forget_texts
from minutesindex.repair.lexicon import Lexicon, load_lexicon
from minutesindex.repair.readings import COMPILED
from minutesindex.repair.text import repair_text

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "repair"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--input", default="ocr_eng")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chunks = [p.read_text(encoding="utf-8") for p in sorted((BENCH / args.split).glob(f"*.{args.input}.txt"))]
    if not chunks:
        raise SystemExit(f"no *.{args.input}.txt in {BENCH / args.split}")
    words = sum(len(chunk.split()) for chunk in chunks)
    installed = load_lexicon()
    char_model = load_char_model()
    rates = []
    for _ in range(args.rounds):
        forget_texts()  # the cache keyed by tokens, which lives beside the repairer
        # A fresh lexicon object (its lookups cache per object), read as an ingest reads it.
        lexicon = (
            Lexicon.mapped(installed.trie, installed.path, lambda: installed.zipf)
            if COMPILED
            else Lexicon(installed.zipf, installed.path)
        )
        repairer = LetterRepairer(lexicon, char_model)
        lexicon.trie, repairer.confusable, repairer.misread_names  # noqa: B018 - loaded, as they would be by an ingest's first page
        started = time.perf_counter()
        for chunk in chunks:
            repair_text(chunk, repairer)
        rates.append(words / (time.perf_counter() - started))
    result = {
        "chunks": len(chunks),
        "words": words,
        "words_per_s": round(statistics.median(rates)),
        # which build ran: the stage's modules compiled by Cython (compiled.py), the C candidate search
        "compiled_modules": is_compiled("minutesindex.repair.danish"),
        "compiled_search": COMPILED,
    }
    print_report(result, args.json)


if __name__ == "__main__":
    main()
