"""Search benchmark: index a synthetic corpus of agenda items and time queries.

The corpus is generated on the fly from the vocabulary of ../shared/seeds (nothing is stored in the
repository). Reports indexing throughput, index size and p50/p95 latency of 1-, 2- and 3-word queries
and a phrase query.

    .venv/bin/python scripts/bench_search.py --items 100000 [--procs 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from minutesindex.search.index import build_schema
from minutesindex.search.query import search

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SECTIONS = ("sagsfremstilling", "indstilling", "beslutning", "baggrund")


def vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += [w for w in re.findall(r"[^\W\d_]{3,}", path.read_text(encoding="utf-8")) if w.islower()]
    if not words:
        raise SystemExit(f"no seed documents in {SEEDS}")
    return words


def synthetic_items(count: int, words: list[str], rng: random.Random):
    for n in range(count):

        def text(k: int) -> str:
            return " ".join(rng.choices(words, k=k))

        fields = {
            "item_id": str(n),
            "document": f"doc{n // 15}.pdf",
            "committee": "Udvalg",
            "committee_key": "udvalg",
            "number": str(n % 15 + 1),
            "page": 1,
            "title_display": text(6),
            "title": text(6),
            "content": "",
        }
        for name in SECTIONS:
            fields[name] = text(75)
        fields["content"] = "\n".join(fields[s] for s in SECTIONS)
        fields["folded"] = fields["content"]
        yield fields


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
        index = whoosh_index.create_in(tmp, build_schema())
        started = time.perf_counter()
        writer = index.writer(procs=args.procs, multisegment=args.procs > 1, limitmb=256)
        for fields in synthetic_items(args.items, words, rng):
            writer.add_document(**fields)
        writer.commit()
        index_seconds = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        index = whoosh_index.open_dir(tmp)
        latencies: dict[str, list[float]] = {}
        kinds = {
            "1-word": lambda: rng.choice(common),
            "2-word": lambda: " ".join(rng.sample(common, 2)),
            "3-word": lambda: " ".join(rng.sample(common, 3)),
            "phrase": lambda: '"' + " ".join(rng.sample(common, 2)) + '"',
        }
        for kind, make in kinds.items():
            latencies[kind] = []
            for _ in range(args.queries):
                query = make()
                t0 = time.perf_counter()
                search(index, query, limit=10)
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
    print(f"{'metric':<24}value")
    for key, value in result.items():
        print(f"{key:<24}{value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
