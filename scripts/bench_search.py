"""Search benchmark: index a synthetic corpus of agenda items and time queries.

The corpus is generated on the fly from the vocabulary of ../shared/seeds (nothing is stored in the
repository) and indexed through the same code as ingest. Reports indexing throughput, index size
and p50/p95 latency of 1-, 2- and 3-word queries and a phrase query of keywords drawn from the
distinct vocabulary (as analysts search), and of 2-word and phrase queries of words drawn by corpus
frequency (the worst case: the commonest words each match a large share of the items).

    .venv/bin/python scripts/bench_search.py --items 100000 [--procs 2] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchreport import print_report
from whoosh import index as whoosh_index

from minutesindex.search.index import clear_index, update_index
from minutesindex.search.query import search
from minutesindex.store.tables import DocumentRow, ItemRow, SectionRow

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SECTIONS = ("sagsfremstilling", "indstilling", "beslutning", "baggrund")
ITEMS_PER_MEETING = 15
COMMITTEES = 12


def vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += [w for w in re.findall(r"[^\W\d_]{3,}", path.read_text(encoding="utf-8")) if w.islower()]
    if not words:
        raise SystemExit(f"no seed documents in {SEEDS}")
    return words


def synthetic_items(count: int, words: list[str], rng: random.Random) -> Iterator[ItemRow]:
    """Agenda items as the database holds them, so indexing goes through the real item_document."""
    documents: dict[int, DocumentRow] = {}
    for n in range(count):

        def text(k: int) -> str:
            return " ".join(rng.choices(words, k=k))

        doc_number = n // ITEMS_PER_MEETING
        document = documents.setdefault(
            doc_number,
            DocumentRow(
                file_name=f"meeting{doc_number}.pdf",
                committee=f"Udvalg {doc_number % COMMITTEES}",
                meeting_date=dt.date(2020, 1, 1) + dt.timedelta(days=doc_number % 2000),
                kind="referat",
            ),
        )
        sections = [SectionRow(name=name, heading=name.title(), text=text(75)) for name in SECTIONS]
        yield ItemRow(
            id=n + 1,
            number=str(n % ITEMS_PER_MEETING + 1),
            title=text(6),
            presenter=None,
            page_start=1 + n % ITEMS_PER_MEETING,
            body="",
            document=document,
            sections=sections,
        )
        documents.pop(doc_number - 1, None)


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    words = vocabulary()
    common = [w for w in words if len(w) > 4]
    with tempfile.TemporaryDirectory() as tmp:
        index = clear_index(Path(tmp))
        started = time.perf_counter()
        update_index(index, synthetic_items(args.items, words, rng), procs=args.procs)
        index_seconds = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        index = whoosh_index.open_dir(tmp)
        latencies: dict[str, list[float]] = {}
        keywords = sorted(set(common))

        def one_year() -> dict:
            year = rng.randrange(2020, 2025)
            return {"since": dt.date(year, 1, 1), "until": dt.date(year, 12, 31)}

        def committee() -> dict:
            return {"committee": f"Udvalg {rng.randrange(COMMITTEES)}"}

        kinds = {
            # Words drawn from the distinct vocabulary: keywords as analysts type them (`takstmodel`).
            "1-word": lambda: (rng.choice(keywords), {}),
            "2-word": lambda: (" ".join(rng.sample(keywords, 2)), {}),
            "3-word": lambda: (" ".join(rng.sample(keywords, 3)), {}),
            "phrase": lambda: ('"' + " ".join(rng.sample(keywords, 2)) + '"', {}),
            # Words drawn by corpus frequency: the commonest words of the minutes, each in a large
            # share of the items, so an AND of two scores tens of thousands of items. The worst case.
            "2-common": lambda: (" ".join(rng.sample(common, 2)), {}),
            "phrase-common": lambda: ('"' + " ".join(rng.sample(common, 2)) + '"', {}),
            # Filtered as analysts filter: one year of meetings, or one committee of twelve.
            "2-word-year": lambda: (" ".join(rng.sample(keywords, 2)), one_year()),
            "2-common-year": lambda: (" ".join(rng.sample(common, 2)), one_year()),
            "2-common-committee": lambda: (" ".join(rng.sample(common, 2)), committee()),
        }
        for kind, make in kinds.items():
            latencies[kind] = []
            for _ in range(args.queries):
                query, filters = make()
                t0 = time.perf_counter()
                search(index, query, limit=10, **filters)
                latencies[kind].append((time.perf_counter() - t0) * 1000)
    result = {
        "items": args.items,
        "procs": args.procs,
        "index_items_per_s": round(args.items / index_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "index_mb": round(size_mb, 1),
        **{f"{k}_p50_ms": round(statistics.median(v), 1) for k, v in latencies.items()},
        **{f"{k}_p95_ms": round(percentile(v, 0.95), 1) for k, v in latencies.items()},
    }
    print_report(result, args.json)


if __name__ == "__main__":
    main()
