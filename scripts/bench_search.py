"""Search benchmark: Whoosh (a home's own index), PostgreSQL (search in the database) and tantivy (the
yardstick, a benchmark-only dependency) over the same generated agenda items, side by side in one run.

The items are generated from the vocabulary of ../shared/seeds (nothing is stored in the repository)
and written straight into a home's database, as a reindex input: `minutesindex reindex` then builds
the Whoosh index of a SQLite home and the vectors of a PostgreSQL home (a private server this
script starts), each in a process of its own whose whole process tree's peak memory is measured.
tantivy indexes the same texts in this process.

Queries, drawn once and run against every backend: 1, 2 and 3 keywords of the distinct vocabulary
(as analysts search), a phrase of two, a compound no item has (found by its parts), and the worst
cases, two of the commonest words (each in a large share of the items), alone, as a phrase, and
kept to one year or one committee of twelve. Each query set runs twice: cold (the first pass after
the index is opened) and warm. Also: memory of one process running 1,000 searches through the
library (`Archive.search`), and `minutesindex search` end to end in a new process.

    .venv/bin/python scripts/bench_search.py --items 100000 [--backends whoosh,postgresql,tantivy] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from benchreport import TreeSampler, print_matrix

from minutesindex.config import load_settings
from minutesindex.search.query import search
from minutesindex.store.db import open_database

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.pgserver import new_database, private_server  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds"
SECTIONS = ("sagsfremstilling", "indstilling", "beslutning", "baggrund")
ITEMS_PER_MEETING = 15
COMMITTEES = 12
FIRST_DAY = dt.date(2020, 1, 1)
BATCH = 5000


def vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += [w for w in re.findall(r"[^\W\d_]{3,}", path.read_text(encoding="utf-8")) if w.islower()]
    if not words:
        raise SystemExit(f"no seed documents in {SEEDS}")
    return words


def generated(count: int, words: list[str], seed: int = 7) -> Iterator[tuple[int, dict, dict, list[str]]]:
    """(item id, its meeting, the item, its four sections' texts): the same for every backend."""
    rng = random.Random(seed)

    def text(k: int) -> str:
        return " ".join(rng.choices(words, k=k))

    for n in range(count):
        meeting = n // ITEMS_PER_MEETING
        document = {
            "id": meeting + 1,
            "committee": f"Udvalg {meeting % COMMITTEES}",
            "meeting_date": FIRST_DAY + dt.timedelta(days=meeting % 2000),
        }
        item = {"id": n + 1, "number": str(n % ITEMS_PER_MEETING + 1), "title": text(6)}
        yield n + 1, document, item, [text(75) for _ in SECTIONS]


# -- filling a home's database directly ------------------------------------------------------------
DOCUMENT_COLUMNS = (
    "id", "path", "file_name", "content_hash", "committee", "meeting_date", "kind", "page_count", "segmented",
    "ingested_at",
)  # fmt: skip
ITEM_COLUMNS = ("id", "document_id", "position", "number", "title", "page_start", "page_end", "body", "closed")
SECTION_COLUMNS = ("item_id", "position", "name", "heading", "text", "raw_text")


def rows(count: int, words: list[str]) -> Iterator[tuple[list[tuple], list[tuple], list[tuple]]]:
    """The generated items as rows of documents, items and sections, BATCH items at a time."""
    now = dt.datetime(2026, 1, 1)
    documents: list[tuple] = []
    items: list[tuple] = []
    sections: list[tuple] = []
    seen = 0
    for item_id, document, item, texts in generated(count, words):
        if document["id"] > seen:
            seen = document["id"]
            name = f"meeting{seen}.pdf"
            documents.append((seen, f"/bench/{name}", name, f"{seen:064x}", document["committee"],
                              document["meeting_date"], "referat", ITEMS_PER_MEETING, True, now))  # fmt: skip
        position = (item_id - 1) % ITEMS_PER_MEETING
        items.append((item_id, seen, position, item["number"], item["title"], position + 1, position + 1, "", False))
        named = zip(SECTIONS, texts, strict=True)
        sections += [(item_id, k, name, name.title(), t, t) for k, (name, t) in enumerate(named)]
        if len(items) == BATCH:
            yield documents, items, sections
            documents, items, sections = [], [], []
    if items:
        yield documents, items, sections


def fill_sqlite(url: str, count: int, words: list[str]) -> None:
    engine = open_database(url)
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        for documents, items, sections in rows(count, words):
            for table, columns, values in (("documents", DOCUMENT_COLUMNS, documents), ("items", ITEM_COLUMNS, items),
                                           ("sections", SECTION_COLUMNS, sections)):  # fmt: skip
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
    engine.dispose()


def fill_postgres(url: str, count: int, words: list[str]) -> None:
    import psycopg

    open_database(url).dispose()  # the schema
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        for documents, items, sections in rows(count, words):
            for table, columns, values in (("documents", DOCUMENT_COLUMNS, documents), ("items", ITEM_COLUMNS, items),
                                           ("sections", SECTION_COLUMNS, sections)):  # fmt: skip
                with connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
        connection.execute("SELECT setval('items_id_seq', (SELECT max(id) FROM items))")
        connection.execute("SELECT setval('documents_id_seq', (SELECT max(id) FROM documents))")
        connection.commit()


def run_reindex(env: dict[str, str]) -> tuple[float, float]:
    """`minutesindex reindex` in a new process: seconds, and the peak memory (MB) of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "minutesindex", "reindex"], env=env, stdout=subprocess.PIPE)
    sampler = TreeSampler(os.getpid())
    sampler.start()
    process.communicate()
    sampler.stop()
    if process.returncode:
        raise SystemExit(f"reindex failed (exit {process.returncode})")
    return time.perf_counter() - started, sampler.peak_kib / 1024


# -- queries ---------------------------------------------------------------------------------------
def query_sets(words: list[str], per_kind: int, seed: int = 11) -> dict[str, list[tuple[str, dict]]]:
    rng = random.Random(seed)
    keywords = sorted({w for w in words if len(w) > 4})
    common = [w for w in words if len(w) > 4]
    lexicon_compounds = [w for w in keywords if len(w) >= 12]

    def year() -> dict:
        first = rng.randrange(2020, 2025)
        return {"since": dt.date(first, 1, 1), "until": dt.date(first, 12, 31)}

    makers: dict[str, Callable[[], tuple[str, dict]]] = {
        "1-word": lambda: (rng.choice(keywords), {}),
        "2-word": lambda: (" ".join(rng.sample(keywords, 2)), {}),
        "3-word": lambda: (" ".join(rng.sample(keywords, 3)), {}),
        "phrase": lambda: ('"' + " ".join(rng.sample(keywords, 2)) + '"', {}),
        # Two keywords written as one word, which no item has: found by its parts.
        "compound": lambda: (rng.choice(lexicon_compounds) + rng.choice(keywords), {}),
        "2-word-year": lambda: (" ".join(rng.sample(keywords, 2)), year()),
        "2-word-committee": lambda: (" ".join(rng.sample(keywords, 2)), {"committee": f"Udvalg {rng.randrange(12)}"}),
        # The commonest words of the minutes, each in a large share of the items: the worst case.
        "2-common": lambda: (" ".join(rng.sample(common, 2)), {}),
        "phrase-common": lambda: ('"' + " ".join(rng.sample(common, 2)) + '"', {}),
        "2-common-year": lambda: (" ".join(rng.sample(common, 2)), year()),
        "2-common-committee": lambda: (" ".join(rng.sample(common, 2)), {"committee": f"Udvalg {rng.randrange(12)}"}),
    }
    return {kind: [make() for _ in range(per_kind)] for kind, make in makers.items()}


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def timed(run: Callable[[str, dict], object], queries: dict[str, list[tuple[str, dict]]]) -> dict[str, float]:
    """p50/p95/p99 (ms) of each kind, cold (first pass) and warm (second)."""
    out: dict[str, float] = {}
    for rounds in ("cold", "warm"):
        for kind, pairs in queries.items():
            latencies = []
            for query, filters in pairs:
                started = time.perf_counter()
                run(query, filters)
                latencies.append((time.perf_counter() - started) * 1000)
            for q in (50, 95, 99):
                out[f"{kind}_{rounds}_p{q}_ms"] = round(percentile(latencies, q / 100), 2)
    return out


def rss_mb(kind: str = "VmRSS") -> float:
    """The process's resident memory in MB: all of it (VmRSS), its anonymous memory (RssAnon: what a
    leak grows) or its mapped files' pages (RssFile: the index's pages read so far, shared and
    given back under pressure)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def search_loop(home: Path, env: dict[str, str], queries: list[tuple[str, dict]]) -> tuple[float, float]:
    """MB the process grows over 1,000 searches through one Archive, after the first: in anonymous
    memory, and in the index's file pages it maps in (at most the index's size)."""
    script = (
        "import json, sys, datetime as dt\n"
        "from minutesindex import Archive\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from bench_search import rss_mb\n"
        "queries = json.loads(sys.stdin.read())\n"
        f"archive = Archive({str(home)!r})\n"
        "archive.search(queries[0][0])\n"
        "first = rss_mb('RssAnon'), rss_mb('RssFile')\n"
        "for k in range(1000):\n"
        "    query, filters = queries[k % len(queries)]\n"
        "    archive.search(query, **filters)\n"
        "print(rss_mb('RssAnon') - first[0], rss_mb('RssFile') - first[1])\n"
    )
    payload = [[q, {k: str(v) for k, v in f.items()}] for q, f in queries]
    import json

    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(payload), env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    anonymous, mapped = done.stdout.strip().splitlines()[-1].split()
    return round(float(anonymous), 1), round(float(mapped), 1)


def end_to_end(env: dict[str, str], query: str, runs: int = 5) -> float:
    """Seconds `minutesindex search QUERY` takes in a new process (median)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        command = [sys.executable, "-m", "minutesindex", "search", query]
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


# -- the backends ----------------------------------------------------------------------------------
def bench_whoosh(count: int, words: list[str], queries: dict, tmp: Path) -> dict:
    home = tmp / "whoosh-home"
    env = {**os.environ, "MINUTESINDEX_HOME": str(home)}
    env.pop("MINUTESINDEX_DB_URL", None)
    settings = load_settings(home)
    fill_sqlite(settings.db_url, count, words)
    seconds, peak = run_reindex(env)
    from minutesindex.search.index import open_index

    index = open_index(settings.index_dir)
    result = {"index_items_per_s": round(count / seconds), "reindex_peak_tree_mb": round(peak)}
    result |= timed(lambda q, f: search(index, q, **f), queries)
    mixed = [pair for pairs in queries.values() for pair in pairs[:20]]
    result["loop_1000_growth_mb"], result["loop_1000_mapped_mb"] = search_loop(home, env, mixed)
    result["cli_search_s"] = end_to_end(env, queries["2-word"][0][0])
    result["index_mb"] = round(sum(p.stat().st_size for p in settings.index_dir.iterdir()) / 1e6)
    return result


def bench_postgres(count: int, words: list[str], queries: dict, tmp: Path) -> dict:
    import psycopg

    from minutesindex.search.pg import PostgresSearch

    with private_server(("fsync=off", "shared_buffers=1GB", "work_mem=64MB")) as server:
        url = new_database(server, "bench")
        fill_postgres(url, count, words)
        home = tmp / "postgres-home"
        env = {**os.environ, "MINUTESINDEX_HOME": str(home), "MINUTESINDEX_DB_URL": url}
        env.pop("MINUTESINDEX_SEARCH", None)
        seconds, peak = run_reindex(env)
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
            # item_terms and its partitions (migration 0010), each with its TOAST and indexes.
            partitions = "SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('item_terms')"
            size = int(connection.execute(partitions).fetchone()[0])
        engine = open_database(url)
        source = PostgresSearch(engine)
        result = {"index_items_per_s": round(count / seconds), "reindex_peak_tree_mb": round(peak)}
        result |= timed(lambda q, f: search(source, q, **f), queries)
        mixed = [pair for pairs in queries.values() for pair in pairs[:20]]
        result["loop_1000_growth_mb"], result["loop_1000_mapped_mb"] = search_loop(home, env, mixed)
        result["cli_search_s"] = end_to_end(env, queries["2-word"][0][0])
        result["index_mb"] = round(size / 1e6)
        engine.dispose()
    return result


def bench_tantivy(count: int, words: list[str], queries: dict, tmp: Path) -> dict:
    """The same texts in tantivy: its default tokenizer (no Danish stemming or compounds), words
    required (`+`), a phrase as a phrase, a year as a range of the meeting's day, a committee as a term."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True)
    builder.add_text_field("text", stored=False)
    builder.add_text_field("committee", tokenizer_name="raw")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("item_id", stored=True)
    schema = builder.build()
    folder = tmp / "tantivy"
    folder.mkdir()
    index = tantivy.Index(schema, path=str(folder))
    started = time.perf_counter()
    writer = index.writer(heap_size=256_000_000)
    for item_id, document, item, texts in generated(count, words):
        writer.add_document(tantivy.Document(title=item["title"], text="\n\n".join(texts),
                                             committee=document["committee"],
                                             day=document["meeting_date"].toordinal(), item_id=item_id))  # fmt: skip
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    index.reload()

    def run(query: str, filters: dict) -> object:
        text = f"+{query}" if query.startswith('"') else " ".join(f"+{word}" for word in query.split())
        if "committee" in filters:
            text += f' +committee:"{filters["committee"]}"'
        if "since" in filters:
            text += f" +day:[{filters['since'].toordinal()} TO {filters['until'].toordinal()}]"
        parsed = index.parse_query(text, ["title", "text"])
        return index.searcher().search(parsed, 10).hits

    result = {"index_items_per_s": round(count / seconds), "reindex_peak_tree_mb": round(peak_self_mb())}
    result |= timed(run, queries)
    result["index_mb"] = round(sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) / 1e6)
    return result


def peak_self_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=100, help="queries of each kind")
    parser.add_argument("--backends", default="whoosh,postgresql,tantivy")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    # Stopped (SIGTERM), the private PostgreSQL server and the temporary homes still go.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    words = vocabulary()
    queries = query_sets(words, args.queries)
    runners = {"whoosh": bench_whoosh, "postgresql": bench_postgres, "tantivy": bench_tantivy}
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            started = time.perf_counter()
            results[backend] = runners[backend](args.items, words, queries, Path(tmp))
            print(f"{backend}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    reference = results.get("tantivy", {})
    table: dict[str, dict[str, object]] = {"items": {backend: args.items for backend in results}}
    for metric in dict.fromkeys(key for result in results.values() for key in result):
        row: dict[str, object] = {backend: result[metric] for backend, result in results.items() if metric in result}
        for backend in results:
            if backend != "tantivy" and reference.get(metric) and metric in results[backend]:
                ratio = results[backend][metric] / reference[metric]
                row[f"{backend}/tantivy"] = round(ratio, 2 if ratio < 10 else 1)
        table[metric] = row
    columns = [*results, *(f"{backend}/tantivy" for backend in results if backend != "tantivy" and reference)]
    print_matrix(table, columns, args.json)


if __name__ == "__main__":
    main()
