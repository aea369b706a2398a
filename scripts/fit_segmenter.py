"""Fit the line labeller (models/segmenter.crfsuite) and report its leave-one-council-out scores.

    .venv/bin/python scripts/fit_segmenter.py                 # LOCO table, then the model fitted on everything
    .venv/bin/python scripts/fit_segmenter.py --no-loco       # just the model
    .venv/bin/python scripts/fit_segmenter.py --loco-only --json loco.json

Training data: every document of ../shared/bench/segment (the seeds and councils/, in each variant:
text, PDF, scan, English-model OCR), its lines labelled from the gold (segment/training.py), and
generated documents in many layouts. The bench documents' pages are read once (the scans by
Tesseract) and cached under build/.

Leave-one-council-out: for every council (the seeds count as two: DASSOS and DAS Nordjylland), a
model is fitted without any variant of it, its documents are segmented with that model, and the
predictions of all held-out councils are scored per variant by the bench's own score.py. That is
the honest estimate for a council nobody annotated; the score of the shipped model on the bench is
not.
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from minutesindex.ingest.ocr import ocr_pdf_page
from minutesindex.ingest.pdf import iter_text_layer, open_pdf
from minutesindex.ingest.text import read_text_pages
from minutesindex.model import Page
from minutesindex.repair.danish import LetterRepairer
from minutesindex.repair.lexicon import load_lexicon
from minutesindex.repair.text import repair_pages
from minutesindex.segment.document import segment_pages
from minutesindex.segment.evidence import document_evidence, line_features, own_features, with_neighbours
from minutesindex.segment.labeller import MODEL_NAME, PROJECT_MODELS, tag_in_windows
from minutesindex.segment.training import (
    aligned_labels,
    document_lines,
    generated_document,
    generated_labels,
    gold_line_labels,
    lexicon_words,
    token_texts,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "segment"
CACHE = ROOT / "build" / "segmenter-pages.pickle"
VARIANTS = {"gold": ".txt", "gold_pdf": ".pdf", "gold_scan": ".scan.pdf", "gold_mangled": ".eng.txt"}
GENERATED = 400
BENCH_WEIGHT = 2  # each bench document counts this many times against one generated document
# L1 and L2 penalties and iterations: chosen by the leave-one-council-out items F1 (see --c1/--c2).
C1, C2, ITERATIONS = 0.1, 0.05, 500


@dataclass
class BenchDocument:
    name: str  # the file name the gold calls it
    council: str
    variant: str  # gold folder
    gold: dict
    source: list[str]  # the lines of the text the gold's line numbers count
    pages: list[Page]


def bench_files() -> list[tuple[Path, str, str, dict, Path]]:
    """(file, council, variant, gold, text the gold counts lines of) for every bench document."""
    out = []
    for gold_path in sorted((BENCH / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        council = "das_nordjylland" if "Nordjylland" in (gold.get("committee") or "") else "dassos"
        text = ROOT.parent / "shared" / "seeds" / gold["document"]
        out.append((text, council, "gold", gold, text))
    councils = BENCH / "councils"
    folders = {"gold": "docs", "gold_pdf": "pdf", "gold_scan": "scan", "gold_mangled": "mangled"}
    for variant, folder in folders.items():
        for gold_path in sorted((councils / variant).glob("*.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            source = councils / "docs" / (gold.get("variant_of") or gold["document"])
            out.append((councils / folder / gold["document"], gold_path.stem.split("_")[0], variant, gold, source))
    return out


def read_pages(path: Path, repairer: LetterRepairer) -> list[Page]:
    if path.suffix == ".pdf":
        with open_pdf(path) as doc:
            pages = list(iter_text_layer(path, doc))
        for page in pages:
            if page.method == "ocr":
                result = ocr_pdf_page(str(path), page.number - 1, "dan", 300.0)
                page.raw_text, page.confidence = result.text, result.confidence
    else:
        pages = read_text_pages(path)
    for page, result in zip(pages, repair_pages([p.raw_text for p in pages], repairer), strict=True):
        page.text, page.repaired_words, page.mangled = result.text, result.repaired_words, result.mangled
    return pages


def load_bench() -> list[BenchDocument]:
    cached = pickle.loads(CACHE.read_bytes()) if CACHE.exists() else {}
    repairer = None
    documents = []
    for path, council, variant, gold, source in bench_files():
        key = (str(path), path.stat().st_mtime_ns)
        if key not in cached:
            repairer = repairer or LetterRepairer(load_lexicon())
            print(f"reading {path.name}", file=sys.stderr)
            cached[key] = read_pages(path, repairer)
        text = source.read_text(encoding="utf-8").replace("\f", "").split("\n")
        documents.append(BenchDocument(gold["document"], council, variant, gold, text, cached[key]))
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_bytes(pickle.dumps(cached))
    return documents


def bench_sequence(doc: BenchDocument) -> tuple[list[dict], list[str]]:
    lines = document_lines(doc.pages)
    labels = aligned_labels(doc.source, gold_line_labels(doc.source, doc.gold), token_texts(lines))
    return line_features(lines), labels


def generated_sequences(count: int) -> list[tuple[list[dict], list[str]]]:
    words = lexicon_words(ROOT / "models" / "lexicon_da.tsv")
    out = []
    for seed in range(count):
        pages, written = generated_document(seed, words)
        lines = document_lines(pages)
        out.append((line_features(lines), generated_labels(pages, written, lines)))
    return out


def fit(
    sequences: list[tuple[list[dict], list[str]]], path: Path, c1: float, c2: float, iterations: int = ITERATIONS
) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in sequences:
        trainer.append(pycrfsuite.ItemSequence(features), labels)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    trainer.train(str(path))


def predictions(doc: BenchDocument, model: Path) -> list[dict]:
    segmented = segment_pages(doc.pages, model=model)
    rows = []
    for item in segmented.items if segmented.segmented else []:
        sections: dict[str, str] = {}
        for s in item.sections:
            sections[s.name] = f"{sections[s.name]}\n\n{s.text}" if s.name in sections else s.text
        rows.append(
            {
                "document": doc.name,
                "number": item.number,
                "title": item.title,
                "presenter": item.presenter,
                "sections": sections,
                "page_start": item.page_start,
            }
        )
    return rows


def score(rows: list[dict], docs: list[BenchDocument], variant: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        gold_dir = Path(tmp) / "gold"
        gold_dir.mkdir()
        for doc in docs:
            (gold_dir / f"{Path(doc.name).stem}.json").write_text(
                json.dumps(doc.gold, ensure_ascii=False), encoding="utf-8"
            )
        pred = Path(tmp) / "pred.jsonl"
        pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, str(BENCH / "score.py"), "--pred", str(pred), "--gold-dir", str(gold_dir)],
            capture_output=True,
            text=True,
            check=False,
        )
    last = result.stdout.strip().splitlines()[-1]
    scores = {k: float(v) for k, v in (p.split("=", 1) for p in last.split() if "=" in p)}
    gold_pages = {(d.name, it["number"]): it.get("page_start") for d in docs for it in d.gold["items"]}
    paged = [(k, v) for k, v in gold_pages.items() if v is not None]
    if paged:
        by_key = {(r["document"], r["number"]): r["page_start"] for r in rows}
        scores["page_start"] = sum(by_key.get(k) == v for k, v in paged) / len(paged)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-loco", action="store_true")
    parser.add_argument("--loco-only", action="store_true")
    parser.add_argument("--generated", type=int, default=GENERATED)
    parser.add_argument("--c1", type=float, default=C1)
    parser.add_argument("--c2", type=float, default=C2)
    parser.add_argument("--bench-weight", type=int, default=BENCH_WEIGHT)
    parser.add_argument("--iterations", type=int, default=ITERATIONS)
    parser.add_argument("--check-windows", action="store_true", help="labels in windows of 200 lines = one pass?")
    parser.add_argument("--json", type=Path, help="write the LOCO table here as JSON")
    args = parser.parse_args()
    started = time.monotonic()
    docs = load_bench()
    if args.check_windows:
        return check_windows(docs)
    bench = {id(d): bench_sequence(d) for d in docs}
    generated = generated_sequences(args.generated)
    print(
        f"{len(docs)} bench documents, {len(generated)} generated ({time.monotonic() - started:.0f} s)", file=sys.stderr
    )
    table: dict[str, dict] = {}
    if not args.no_loco:
        rows: dict[str, list[dict]] = {v: [] for v in VARIANTS}
        with tempfile.TemporaryDirectory() as tmp:
            for council in sorted({d.council for d in docs}):
                model = Path(tmp) / f"{council}.crfsuite"
                fit(
                    [bench[id(d)] for d in docs if d.council != council] * args.bench_weight + generated,
                    model,
                    args.c1,
                    args.c2,
                    args.iterations,
                )
                held_out = [d for d in docs if d.council == council]
                for variant in VARIANTS:
                    in_variant = [d for d in held_out if d.variant == variant]
                    if in_variant:
                        variant_rows = [r for d in in_variant for r in predictions(d, model)]
                        rows[variant].extend(variant_rows)
                        table.setdefault(council, {})[variant] = score(variant_rows, in_variant, variant)
                print(f"held out {council} ({time.monotonic() - started:.0f} s)", file=sys.stderr)
        overall = {v: score(rows[v], [d for d in docs if d.variant == v], v) for v in VARIANTS if rows[v]}
        table["ALL"] = overall
        _print_table(table)
        if args.json:
            args.json.write_text(json.dumps(table, indent=1), encoding="utf-8")
    if not args.loco_only:
        target = PROJECT_MODELS / MODEL_NAME
        fit(list(bench.values()) * args.bench_weight + generated, target, args.c1, args.c2, args.iterations)
        print(
            f"wrote {target} ({target.stat().st_size // 1024} KiB, {time.monotonic() - started:.0f} s)", file=sys.stderr
        )
    return 0


def check_windows(docs: list[BenchDocument], window: int = 200) -> int:
    """Whether labelling in windows (with the labeller's margin) gives every bench document the labels
    of one pass; exit 1 where it does not."""
    tagger = pycrfsuite.Tagger()
    tagger.open(str(PROJECT_MODELS / MODEL_NAME))
    differ = 0
    for doc in docs:
        lines = document_lines(doc.pages)
        own = own_features(lines, document_evidence(lines))
        whole = tagger.tag(pycrfsuite.ItemSequence(with_neighbours(own)))
        differ += whole != tag_in_windows(tagger, own, window)
    print(f"{len(docs) - differ} of {len(docs)} documents labelled alike in windows of {window} lines")
    return 1 if differ else 0


def _print_table(table: dict[str, dict]) -> None:
    print(f"{'held out':<16} {'variant':<13} {'items_f1':>8} {'sections_f1':>11} {'boundaries':>10} {'pages':>6}")
    for council, variants in table.items():
        for variant, s in variants.items():
            pages = f"{s['page_start']:.2f}" if "page_start" in s else "-"
            print(
                f"{council:<16} {variant:<13} {s.get('items_f1', 0):>8.2f} {s.get('sections_f1', 0):>11.2f} "
                f"{s.get('boundaries', 0):>10.2f} {pages:>6}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
