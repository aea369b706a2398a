"""Ingest benchmark: parallel OCR against bare Tesseract, digital PDFs end to end, memory, repair, search.

Inputs are generated from the project's own sample text (minutesindex.samples); nothing else is read.

- Scans: two-page image-only PDFs (300 dpi), so a batch of short scans has to spread over the cores.
  The same page images are OCR'd by bare `tesseract` (one page per process, OMP_THREAD_LIMIT=1,
  N at a time) and ingested by `minutesindex ingest --workers N`; `ocr_ratio` is ingest pages/s
  over bare pages/s. On a shared machine the speed of the cores drifts by 10-30 % within minutes,
  so the two alternate (bare, ingest, bare, … `--rounds` times, then bare) and each ingest is
  compared with the mean of the bare runs either side of it; the median ratio is reported.
- Digital: 20-page PDFs with one agenda item per page, ingested end to end (extract, repair,
  segment, store, index).
- Peak RSS: the largest process of the ingest runs (the ingest itself or one of its workers), and
  `peak_tree_rss_mb`: the whole process tree (the ingest, its OCR workers and its index writer),
  summed from /proc every SAMPLE_S seconds while it runs. Each process counts its proportional
  share (PSS) of the pages it shares with others: a forked helper shares its parent's lexicon, and
  plain RSS would count that twice.
- Repair words/s: the sample text mangled the way Tesseract's English model does it, repaired.
- Search p50/p95: one- and two-word queries against the digital batch.

    .venv/bin/python scripts/bench_ingest.py [--workers N] [--scan-pages 32] [--digital-pages 400] [--json]
    .venv/bin/python scripts/bench_ingest.py --long-scan 500   # adds a single 500-page scan (slow)
    .venv/bin/python scripts/bench_ingest.py --hostile         # adds the decompression bomb, a page of OCR
                                                               # noise and a 5,000-page PDF
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pymupdf
from benchreport import TreeSampler, print_report

from minutesindex.config import OCR_DPI, load_settings
from minutesindex.parallel import default_workers
from minutesindex.repair.danish import LetterRepairer
from minutesindex.repair.lexicon import load_lexicon
from minutesindex.repair.text import repair_text
from minutesindex.samples import (
    REFERAT_PAGES,
    SCAN_PAGES,
    agenda_pages,
    decompression_bomb_pdf,
    long_pdf,
    scanned_pdf,
    text_pdf,
)
from minutesindex.search.index import open_index
from minutesindex.search.query import search

DIGITAL_PAGES_PER_DOCUMENT = 20
# What Tesseract's English model does to Danish letters (see ../shared/bench/repair).
ENGLISH_MODEL_MANGLING = str.maketrans({"ø": "g", "æ": "z", "å": "a", "Ø": "@", "Æ": "Z", "Å": "A"})

# Runs a command, passes on its output, then prints its exit code and the peak RSS (KiB) of its
# process tree (the largest process reaped), which only a fresh parent can report on its own.
_MEASURE = (
    "import resource, subprocess, sys\n"
    "run = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True)\n"
    "print(run.stdout)\n"
    "print(run.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def run_ingest(paths: list[Path], home: Path, workers: int, scheduler: str | None = None) -> dict:
    """`minutesindex ingest` in a fresh process; its own timing (without interpreter start) and peak RSS."""
    env = {**os.environ, "MINUTESINDEX_HOME": str(home)}
    env.pop("MINUTESINDEX_DB_URL", None)
    command = [sys.executable, "-m", "minutesindex", "ingest", *map(str, paths), "--workers", str(workers), "--json"]
    if scheduler:
        command += ["--scheduler", scheduler]
    with subprocess.Popen(
        [sys.executable, "-c", _MEASURE, *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        sampler = TreeSampler(process.pid)
        sampler.start()
        stdout, stderr = process.communicate()
        sampler.stop()
    measured = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    output, last_line = measured.stdout.rstrip().rsplit("\n", 1)
    code, peak_kib = map(int, last_line.split())
    if code not in (0, 1):
        raise SystemExit(f"ingest failed with exit code {code}: {measured.stderr.strip()[-500:]}")
    summary = json.loads(output)
    summary["peak_rss_mb"] = round(peak_kib / 1024)
    summary["peak_tree_rss_mb"] = round(sampler.peak_kib / 1024)
    return summary


def bare_tesseract(images: list[Path], workers: int, lang: str = "dan") -> float:
    """Pages/s of the bare engine: one `tesseract` process per page, `workers` at a time."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def ocr(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "stdout", "-l", lang], env=env, capture_output=True, check=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(ocr, images))
    return len(images) / (time.perf_counter() - started)


def cluster_ocr(args: argparse.Namespace, scans: list[Path], images: list[Path], root: Path) -> dict:
    """Scan pages/s through a Dask cluster against bare `tesseract` with as many processes as the
    cluster has workers, alternating, on the same pages."""
    from distributed import Client, LocalCluster

    local = None
    address = args.scheduler
    if address == "local":
        local = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        address = local.scheduler_address
    try:
        with Client(address) as client:
            workers = len(client.scheduler_info()["workers"])
        bare_rates = [bare_tesseract(images, workers)]
        ratios = []
        for round_number in range(args.rounds):
            run = run_ingest(scans, root / f"home-cluster-{round_number}", workers, scheduler=address)
            bare_rates.append(bare_tesseract(images, workers))
            ratios.append(run["pages"] / run["seconds"] / statistics.mean(bare_rates[-2:]))
    finally:
        if local is not None:
            local.close()
    return {
        "cluster_workers": workers,
        "cluster_ocr_ratio": round(statistics.median(ratios), 3),
        "cluster_ocr_ratios": " ".join(f"{r:.3f}" for r in ratios),
    }


def write_scans(folder: Path, pages: int) -> tuple[list[Path], list[Path]]:
    """Two-page scanned minutes, and the page images they hold (rendered back at the scan's resolution)."""
    folder.mkdir()
    texts = agenda_pages(pages, seed=11)
    documents, images = [], []
    for start in range(0, pages, 2):
        path = folder / f"scan_{start // 2 + 1:03d}.pdf"
        with scanned_pdf(texts[start : start + 2], f"Dagsorden udvalg møde {start // 2 + 1}") as doc:
            doc.save(path)
            for page in doc:
                image = folder.parent / f"{path.stem}_p{page.number + 1}.png"
                page.get_pixmap(dpi=OCR_DPI, colorspace=pymupdf.csGRAY).save(image)
                images.append(image)
        documents.append(path)
    return documents, images


def write_digital(folder: Path, pages: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for number, start in enumerate(range(0, pages, DIGITAL_PAGES_PER_DOCUMENT), start=1):
        path = folder / f"referat_{number:03d}.pdf"
        count = min(DIGITAL_PAGES_PER_DOCUMENT, pages - start)
        with text_pdf(agenda_pages(count, seed=number), f"Referat Økonomiudvalget møde {number}") as doc:
            doc.save(path)
        paths.append(path)
    return paths


def repair_words_per_s(seconds: float = 3.0) -> float:
    text = "\n\n".join([*REFERAT_PAGES, *SCAN_PAGES, *agenda_pages(40, seed=99)]).translate(ENGLISH_MODEL_MANGLING)
    load_lexicon()
    words, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        repair_text(text, LetterRepairer(load_lexicon()))  # a cold token cache for every pass
        words += len(text.split())
    return words / (time.perf_counter() - started)


def search_latency(home: Path, queries: int = 200) -> tuple[float, float]:
    index = open_index(load_settings(home).index_dir)
    rng = random.Random(5)
    vocabulary = [w.strip(".,()").lower() for page in agenda_pages(40, seed=7) for w in page.split() if len(w) > 5]
    latencies = []
    for n in range(queries):
        query = " ".join(rng.sample(vocabulary, 1 + n % 2))
        started = time.perf_counter()
        search(index, query, limit=10)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * len(latencies))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--scan-pages", type=int, default=32)
    parser.add_argument("--digital-pages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/ingest rounds of the scans")
    parser.add_argument("--long-scan", type=int, default=0, help="also ingest one scan of this many pages")
    parser.add_argument(
        "--hostile", action="store_true", help="also ingest a decompression bomb, OCR noise and 5,000 pages"
    )
    parser.add_argument(
        "--scheduler",
        help="also OCR the scans on a Dask cluster: a scheduler address, or `local` for a LocalCluster of --workers",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    result: dict[str, float | int] = {"workers": args.workers}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        scans, images = write_scans(root / "scans", args.scan_pages)
        bare_rates = [bare_tesseract(images, args.workers)]
        scan_runs, ratios = [], []
        for round_number in range(args.rounds):
            scan_runs.append(run_ingest(scans, root / f"home-scans-{round_number}", args.workers))
            bare_rates.append(bare_tesseract(images, args.workers))
            scan_rate = scan_runs[-1]["pages"] / scan_runs[-1]["seconds"]
            ratios.append(scan_rate / statistics.mean(bare_rates[-2:]))
        ratio = statistics.median(ratios)
        scan_run = scan_runs[ratios.index(ratio)] if ratio in ratios else scan_runs[0]
        scan_rate = scan_run["pages"] / scan_run["seconds"]
        bare = scan_rate / ratio
        if args.scheduler:
            result.update(cluster_ocr(args, scans, images, root))
        digital_run = run_ingest(write_digital(root / "digital", args.digital_pages), root / "home-digital", 1)
        p50, p95 = search_latency(root / "home-digital")
        result.update(
            ocr_ratio=round(ratio, 3),
            ocr_ratios=" ".join(f"{r:.3f}" for r in ratios),
            scan_pages_per_s=round(scan_rate, 3),
            bare_pages_per_s=round(bare, 3),
            digital_pages_per_s=round(digital_run["pages"] / digital_run["seconds"], 1),
            peak_rss_mb=max(*(run["peak_rss_mb"] for run in scan_runs), digital_run["peak_rss_mb"]),
            peak_tree_rss_mb=max(*(run["peak_tree_rss_mb"] for run in scan_runs), digital_run["peak_tree_rss_mb"]),
            repair_words_per_s=round(repair_words_per_s()),
            search_p50_ms=round(p50, 1),
            search_p95_ms=round(p95, 1),
        )
        if args.long_scan:
            path = root / "long-scan.pdf"
            with scanned_pdf(agenda_pages(args.long_scan, seed=3), "Referat langt møde") as doc:
                doc.save(path)
            run = run_ingest([path], root / "home-long", args.workers)
            result.update(long_scan_pages=run["pages"], long_scan_peak_rss_mb=run["peak_rss_mb"])
            result.update(long_scan_peak_tree_rss_mb=run["peak_tree_rss_mb"])
        if args.hostile:
            bomb = decompression_bomb_pdf(root / "bomb.pdf")
            run = run_ingest([bomb], root / "home-bomb", args.workers)
            result.update(bomb_seconds=run["seconds"], bomb_peak_rss_mb=run["peak_rss_mb"])
            result.update(bomb_peak_tree_rss_mb=run["peak_tree_rss_mb"])
            noise = root / "ocr-noise.txt"  # a mangled page with a 20,000-letter run of OCR noise
            letters = random.Random(5).choices("aegodzlnrst", k=20_000)
            noise.write_text("Referat\n\n1. Status pa mgdet\nSagsfremstilling\n" + "".join(letters), encoding="utf-8")
            run = run_ingest([noise], root / "home-noise", args.workers)
            result.update(noise_seconds=run["seconds"])
            pages = long_pdf(root / "pages-5000.pdf", 5000)
            run = run_ingest([pages], root / "home-5000", args.workers)
            result.update(pages_5000_seconds=run["seconds"], pages_5000_items=run["items"])
            result.update(pages_5000_peak_rss_mb=run["peak_rss_mb"])
            result.update(pages_5000_peak_tree_rss_mb=run["peak_tree_rss_mb"])
    print_report(result, args.json)


if __name__ == "__main__":
    main()
