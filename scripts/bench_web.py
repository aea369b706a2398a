"""Web workbench benchmark: the search page (hits, facets and the chart: every tally) at N generated
items, and an item page with its rendered source page on the samples' scanned PDF, timed through the
ASGI app in this process (Starlette's test client; no network), the first request of each left out.

The home of N items is generated as scripts/bench_search.py does (written into a SQLite home's
database, then `minutesindex reindex`); its queries are that script's keyword queries.

    .venv/bin/python scripts/bench_web.py --items 100000 [--queries 100] [--json]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_search import fill_sqlite, percentile, query_sets, run_reindex, vocabulary
from benchreport import print_report
from starlette.testclient import TestClient

from minutesindex import Archive
from minutesindex.config import load_settings
from minutesindex.samples import write_samples
from minutesindex.web.app import create_app


def timed(client: TestClient, urls: list[str]) -> list[float]:
    client.get(urls[0])  # the first request opens the index and reads the lexicon
    latencies = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, object] = {"items": args.items}
    words = vocabulary()
    queries = query_sets(words, args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "MINUTESINDEX_HOME": str(home)}
        env.pop("MINUTESINDEX_DB_URL", None)
        fill_sqlite(load_settings(home).db_url, args.items, words)
        run_reindex(env)
        with Archive(home) as archive:
            client = TestClient(create_app(archive))
            for kind in ("1-word", "2-word", "2-common", "2-word-year"):
                urls = []
                for query, filters in queries[kind]:
                    params = f"q={query}" + (f"&year={filters['since'].year}" if "since" in filters else "")
                    urls.append(f"/?{params}")
                latencies = timed(client, urls)
                result[f"search_page_{kind}_p50_ms"] = round(statistics.median(latencies), 1)
                result[f"search_page_{kind}_p95_ms"] = round(percentile(latencies, 0.95), 1)

        samples = Path(tmp) / "samples"
        sample_home = Path(tmp) / "sample-home"
        Archive(sample_home).ingest(write_samples(samples))
        with Archive(sample_home) as archive:
            client = TestClient(create_app(archive))
            scan = next(m for m in archive.meetings() if "scan" in m.document)
            _, items = archive.meeting(scan.document_id)
            urls = []
            for item in items:
                urls += [f"/item/{item.item_id}", f"/page/{scan.document_id}/{item.page_start}.png"]
            pairs = timed(client, urls * 10)
            item_page = [a + b for a, b in zip(pairs[::2], pairs[1::2], strict=True)]
            result["item_page_with_image_p50_ms"] = round(statistics.median(item_page), 1)
            result["item_page_with_image_p95_ms"] = round(percentile(item_page, 0.95), 1)
    print_report(result, args.json)


if __name__ == "__main__":
    sys.exit(main())
