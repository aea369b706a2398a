"""One label for every line of a document, in one pass: a linear-chain CRF over the lines' evidence.

The weights are fitted by `scripts/fit_segmenter.py` on the benches' gold and generated documents
(`segment/training.py`) and ship as `models/segmenter.crfsuite`; nothing here is set by hand. The
CRF weighs each line's own evidence and its neighbours' (see `evidence.py`) together with how labels
follow one another (a title continues an item heading, a section heading follows a title …), and
the Viterbi pass picks the best labelling of the whole document at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite

from minutesindex.config import models_dir
from minutesindex.model import Line
from minutesindex.segment.evidence import document_evidence, own_features, with_neighbours

MODEL_NAME = "segmenter.crfsuite"
PROJECT_MODELS = Path(__file__).resolve().parents[3] / "models"


def model_path() -> Path:
    """The shipped model: in the project's models/ folder, else where MINUTESINDEX_MODELS points."""
    shipped = PROJECT_MODELS / MODEL_NAME
    return shipped if shipped.exists() else models_dir() / MODEL_NAME


@cache
def _tagger(path: str) -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


@dataclass
class LabelledLines:
    tokens: list[int]  # the indices of the lines that print something
    labels: list[str]  # one each (items.LABELS)
    numbers: dict[int, str]  # a title's first line → the number the document's numbering gives it


# What a label means, where its vocabulary is closed: a category heading is one of the category
# names, a number printed apart is a number alone, and a day of the month (`25. februar 2020`) is
# no item's number. A label a line cannot have is read as text.
_REQUIRES = {"category": "cat", "number": "num.alone"}
_FORBIDS = {"item": "num.date"}


def label_lines(lines: list[Line], model: Path | None = None) -> LabelledLines:
    evidence = document_evidence(lines)
    numbers = {title_lines[0]: number for number, title_lines in evidence.numbered.values()}
    if not evidence.tokens:
        return LabelledLines([], [], numbers)
    own = own_features(lines, evidence)
    labels = tag_in_windows(_tagger(str(model or model_path())), own)
    return LabelledLines(
        evidence.tokens, [_admissible(label, f) for label, f in zip(labels, own, strict=True)], numbers
    )


# Lines labelled in one pass at most, and the lines either side of a pass that it sees but does not
# label: CRFsuite holds some 2.5 KB a line while it labels, so a 5,000-page document goes in windows.
# A label depends on lines a few away: cut into windows of 200 lines with this margin, every
# document of the benches got the labels of one pass (scripts/fit_segmenter.py --check-windows).
WINDOW = 4000
MARGIN = 100


def tag_in_windows(tagger: pycrfsuite.Tagger, own: list[dict[str, float]], window: int = WINDOW) -> list[str]:
    labels: list[str] = []
    for start in range(0, len(own), window):
        stop = min(len(own), start + window)
        low, high = max(0, start - MARGIN), min(len(own), stop + MARGIN)
        labels += tagger.tag(pycrfsuite.ItemSequence(with_neighbours(own, low, high)))[start - low : stop - low]
    return labels


def _admissible(label: str, features: dict[str, float]) -> str:
    if (label in _REQUIRES and _REQUIRES[label] not in features) or (label in _FORBIDS and _FORBIDS[label] in features):
        return "body"
    return label
