"""The line labeller on documents it was not fitted on, and the promise that every word lands in an item."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import BENCH, SEEDS

from minutesindex.archive import Archive
from minutesindex.config import models_dir
from minutesindex.ingest.pdf import iter_text_layer, open_pdf
from minutesindex.ingest.text import read_text_pages
from minutesindex.model import Item, Page
from minutesindex.pipeline import ingest_paths
from minutesindex.repair.text import repair_pages
from minutesindex.segment.document import segment_pages
from minutesindex.segment.items import LABELS
from minutesindex.segment.labeller import label_lines
from minutesindex.segment.training import document_lines, generated_document, generated_labels, lexicon_words

# Generated documents the shipped model was not fitted on (scripts/fit_segmenter.py uses seeds 0 … 399).
UNSEEN_SEEDS = range(100_000, 100_040)
# Recall of each label over those documents; measured 0.97–1.00 on the shipped model.
MIN_LABEL_RECALL = 0.9
# Words of numbering syntax, which the item's number carries: `Punkt 4:`, `Pkt. 452`, `Sag nr. 24`.
NUMBERING_WORDS = {"punkt", "pkt", "sag", "nr"}
_WORD = re.compile(r"\w*[^\W\d_]\w*")


@pytest.fixture(scope="module")
def words() -> list[str]:
    return lexicon_words(models_dir() / "lexicon_da.tsv")


def _document(seed: int, words: list[str]) -> tuple[list[Page], list[str], list]:
    pages, written = generated_document(seed, words)
    for page in pages:
        page.text = page.raw_text
    lines = document_lines(pages)
    return pages, generated_labels(pages, written, lines), lines


def test_every_line_label_is_recognised_on_documents_the_model_never_saw(words):
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for seed in UNSEEN_SEEDS:
        _, expected, lines = _document(seed, words)
        predicted = label_lines(lines).labels
        assert len(predicted) == len(expected)
        for want, got in zip(expected, predicted, strict=True):
            total[want] += 1
            found[want] += want == got
    assert set(total) == set(LABELS), f"the generated documents lack {set(LABELS) - set(total)}"
    recall = {label: found[label] / total[label] for label in LABELS}
    assert all(value >= MIN_LABEL_RECALL for value in recall.values()), recall


def _text_words(pages: list[Page]) -> set[str]:
    """The words of a document's lines, less page furniture (blank in the cleaned lines)."""
    return _words(" ".join(line.text for line in document_lines(pages)))


def _item_words(items: list[Item]) -> set[str]:
    parts: list[str] = []
    for item in items:
        parts += [item.title, item.body, item.preface, item.category or ""]
        for section in item.sections:
            parts += [section.heading, section.text]
    return _words(" ".join(parts))


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in NUMBERING_WORDS}


def test_every_word_of_a_generated_document_lands_in_an_item(words):
    for seed in UNSEEN_SEEDS:
        pages, _, _ = _document(seed, words)
        segmented = segment_pages(pages)
        assert segmented.segmented
        assert _item_words(segmented.items) == _text_words(pages), seed


def _bench_documents(with_scans: bool) -> list[Path]:
    councils = BENCH / "segment" / "councils"
    folders = ["docs", "pdf", "mangled", *(["scan"] if with_scans else [])]
    return sorted(SEEDS.glob("*.txt")) + [p for f in folders for p in sorted((councils / f).glob("*.*"))]


def _read(path: Path) -> list[Page]:
    if path.suffix == ".pdf":
        with open_pdf(path) as doc:
            pages = list(iter_text_layer(path, doc))
    else:
        pages = read_text_pages(path)
    for page, result in zip(pages, repair_pages([p.raw_text for p in pages]), strict=True):
        page.text = result.text
    return pages


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared")
@pytest.mark.parametrize("path", _bench_documents(with_scans=False), ids=lambda p: p.name)
def test_every_word_of_a_bench_document_lands_in_an_item(path: Path):
    pages = _read(path)
    segmented = segment_pages(pages)
    lost = _text_words(pages) - _item_words(segmented.items)
    invented = _item_words(segmented.items) - _text_words(pages)
    assert not lost and not invented, (sorted(lost)[:20], sorted(invented)[:20])


def test_every_word_is_found_by_search(home, tmp_path, words):
    """Words from the title block, a council's own heading and a decision line are all searchable."""
    path = tmp_path / "referat.txt"
    path.write_text(
        "Referat\nMiljøudvalget den 4. marts 2025\nDeltagere: Aase Kvistgaard, Bent Lindhardt\n\n"
        "1. Ny affaldsplan\nSagsfremstilling\nPlanen er sendt i høring.\n\n"
        "Beslutning\nGodkendt. Kvartalsopfølgning aftalt.\n\n"
        "2. Eventuelt\n",
        encoding="utf-8",
    )
    ingest_paths([path], home, workers=1)
    archive = Archive(home.home)
    for word in ("Kvistgaard", "Lindhardt", "kvartalsopfølgning", "høring", "affaldsplan"):
        hits = archive.search(word)
        assert [h.number for h in hits] in (["1"], ["2"]), word


@pytest.mark.slow
@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared")
def test_leave_one_council_out_table_is_reported(tmp_path):
    """The fitting script's honest estimate runs end to end and reports every council and variant."""
    import subprocess
    import sys

    out = tmp_path / "loco.json"
    script = Path(__file__).resolve().parents[1] / "scripts" / "fit_segmenter.py"
    subprocess.run([sys.executable, str(script), "--loco-only", "--generated", "40", "--json", str(out)], check=True)
    table = json.loads(out.read_text())
    assert {"gold", "gold_pdf", "gold_scan", "gold_mangled"} <= set(table["ALL"])
    assert len(table) == 15  # 12 councils, the seeds' two, and ALL
