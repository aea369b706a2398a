"""The evidence for every line of a document, computed once, in one record per line.

A line's record holds what can be told about it on its own (its numbering form, its vocabulary:
section-heading words, metadata labels, decision phrases; its shape: length, capitals, closing
colon, a date), what the document tells about it (its font size and weight against the body text,
its indentation and the gap above it, its repetition, whether its number continues the document's
numbering as `numbering.py` scores it, whether it lists the contents) and the same of its
neighbours. `labeller.py` turns the records into one label per line with fitted weights.

Only the lines that print something are labelled; blank lines and page furniture (see
`cleaning.py`) show up as the gap before and after a line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from minutesindex.model import CANONICAL_SECTIONS, Line
from minutesindex.segment import items as vocab
from minutesindex.segment.meeting import parse_date
from minutesindex.segment.numbering import successors
from minutesindex.segment.sections import HEADINGS, OTHER_HEADINGS, Heading, find_headings, vocabulary_headings

Features = dict[str, float]

_DATE_WORD = re.compile(
    r"\b\d{1,2}\.\s*(?:jan|feb|mar|apr|maj|jun|jul|aug|sep|okt|nov|dec)[a-zæøå]*\.?\s+\d{4}\b", re.I
)
_ALL_CAPS = re.compile(r"^[^a-zæøå]*[A-ZÆØÅ]{3}[^a-zæøå]*$")
_BULLET = re.compile(r"^\s*[-•*·–]\s")
_CLOSED = re.compile(r"(?:\(lukket\)|\blukket\s+(?:punkt|sag))\s*$", re.I)  # `… (Lukket)` ends a closed item's title
_LABEL_VALUE = re.compile(r"^[^:.]{2,40}:\s+\S")
_REFERRAL = re.compile(r"^\s*(?:fremsendes|oversendes|videresendes)\s+til\b", re.I)
_DECIDED_WORD = re.compile(
    r"^\s*(?:godkendt|anbefalet|anbefales|taget til efterretning|vedtaget|tiltrådt|udsat)\b", re.I
)
# The features of a line that its neighbours see, prefixed with their offset.
_SHARED = (
    "head",
    "head.known",
    "num.item",
    "num.any",
    "presenter",
    "meta",
    "blank",
    "sentence",
    "colon",
    "short",
    "long",
    "cat",
    "toc",
    "decision",
    "bodyless",
    "lower",
    "caps",
    "bigger",
    "bold",
)
NEIGHBOURS = (-2, -1, 1, 2)
OPENS_WITHIN = 3  # lines below a title in which its item's first heading or presenter is printed
CLOSING_SECTIONS = {"beslutning", "referat", "bilag"}  # the text under them ends an item
LONG_LINE = 55  # characters: a line this long may have wrapped (a title's next line may go on with it)
# First words a line's label may turn on: the vocabularies' own (section headings, categories,
# items that need no body, decisions, presenters, attachments, metadata labels), never a title's.
VOCABULARY_WORDS = frozenset(
    phrase.split()[0]
    for phrase in (
        *HEADINGS,
        *OTHER_HEADINGS,
        *vocab.CATEGORY_HEADINGS,
        *vocab.BODYLESS_ITEMS,
        *vocab.COVER_TITLES,
        "godkendt",
        "anbefales",
        "anbefalet",
        "taget",
        "udsat",
        "tiltrådt",
        "vedtaget",
        "oversendes",
        "fremsendes",
        "ved",
        "bilag",
        "punkt",
        "pkt",
        "sag",
        "sagsnr",
        "dok",
        "lukket",
        "åben",
        "åbent",
        "deltagere",
        "afbud",
        "fraværende",
        "mødested",
        "mødedato",
        "dato",
        "tid",
        "sted",
    )
)


@dataclass
class DocumentEvidence:
    """What the whole document tells about its lines, computed once: the labelled lines' indices (the
    lines that print something), headings, the numbering chosen, the contents lines."""

    tokens: list[int]
    vocabulary: dict[int, Heading]  # the heading the vocabulary reads on a line, before the style decides
    headings: dict[int, Heading]
    numbered: dict[int, tuple[str, tuple[int, ...]]]  # number line → (number, title lines) chosen
    toc: set[int]
    categories: set[int]
    body_size: float | None
    body_left: float | None
    repeats: Counter
    follows: dict[int, set[str]]  # a chosen number line → the numbers that would continue the one before


def document_evidence(lines: list[Line]) -> DocumentEvidence:
    tokens = [i for i, line in enumerate(lines) if line.text.strip()]
    vocabulary = vocabulary_headings(lines)
    headings = find_headings(lines, vocabulary)
    toc = vocab.toc_lines(lines)
    uses_sub_numbers = any("." in n for n, _ in toc.values()) or any(
        "." in m["number"] for line in lines if (m := vocab.NUMBERED.match(line.text))
    )
    toc_titles = dict(toc.values())
    categories = {i for i in tokens if vocab.is_category_line(lines[i].text, uses_sub_numbers, toc_titles)}
    chosen = vocab.numbered_starts(lines, headings, set(toc) | categories)
    numbered = {c.line: (c.number, c.title_lines or (c.title_line,)) for c in chosen}
    follows = {b.line: successors(a.number) for a, b in zip(chosen, chosen[1:], strict=False)}
    if chosen:
        follows[chosen[0].line] = {"0", "1", "0.1", "1.1"}
    styled = [lines[i].style for i in tokens if lines[i].style]
    sizes = sorted(s.size for s in styled)
    lefts = Counter(round(s.left, 2) for s in styled)
    return DocumentEvidence(
        tokens=tokens,
        vocabulary=vocabulary,
        headings=headings,
        numbered=numbered,
        toc=set(toc),
        categories=categories,
        body_size=sizes[len(sizes) // 2] if sizes else None,
        body_left=lefts.most_common(1)[0][0] if lefts else None,
        repeats=Counter(_shape(lines[i].text) for i in tokens),
        follows=follows,
    )


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def line_features(lines: list[Line], evidence: DocumentEvidence | None = None) -> list[Features]:
    """One feature record per line that prints something (`evidence.tokens`), in order."""
    return list(with_neighbours(own_features(lines, evidence or document_evidence(lines))))


def own_features(lines: list[Line], evidence: DocumentEvidence) -> list[Features]:
    """What each line that prints something tells of itself and of what lies a few lines on."""
    in_title = {j: n for n, (_, title_lines) in evidence.numbered.items() for j in (n, *title_lines)}
    own = [_own(lines, i, evidence, in_title) for i in evidence.tokens]
    _reach(own)
    return own


def with_neighbours(own: list[Features], start: int = 0, stop: int | None = None) -> Iterator[Features]:
    """The records of lines `start` to `stop`, each with its neighbours' shared features, one at a time
    (all at once they would hold some 80 entries a line)."""
    stop = len(own) if stop is None else stop
    shared = {
        k: [n for n in own[k] if n.partition("=")[0] in _SHARED]
        for k in range(max(0, start - 2), min(len(own), stop + 2))
    }
    for k in range(start, stop):
        record = dict(own[k])
        for offset in NEIGHBOURS:
            at = k + offset
            names = shared[at] if 0 <= at < len(own) else ("edge",)  # noqa: SIM401 - at may be out of range
            record.update(dict.fromkeys((_neighbour_key(offset, name) for name in names), 1.0))
        yield record


@cache
def _neighbour_key(offset: int, name: str) -> str:
    return f"{offset}:{name}"


def _reach(own: list[Features]) -> None:
    """What lies a few lines on: a section heading or a presenter within OPENS_WITHIN lines (past
    metadata lines) opens an item above it; the last heading above tells what the text is under."""
    for k, features in enumerate(own):
        ahead = [f for f in own[k + 1 : k + 1 + OPENS_WITHIN * 2] if "meta" not in f][:OPENS_WITHIN]
        if any("head.known" in f or "presenter" in f for f in ahead):
            features["opens"] = 1.0
    last = None
    for features in own:
        if last:
            features[f"under={last}"] = 1.0
        if "head.known" in features:
            last = next((name.split("=")[1] for name in features if name.startswith("head=")), None)
            last = last if last in CLOSING_SECTIONS else "open"
        elif "num.item" in features:
            last = None


def _own(lines: list[Line], i: int, evidence: DocumentEvidence, in_title: dict[int, int]) -> Features:
    line = lines[i]
    text = line.text.strip()
    f: Features = {"bias": 1.0}
    words = text.split()
    # Numbering: its form, and whether the document's numbering took the line as an item's.
    numbered = vocab.NUMBERED.match(text)
    detached = vocab.DETACHED.match(text)
    if numbered:
        f["num.any"] = 1.0
        f[f"num.level={numbered['number'].count('.')}"] = 1.0
        if numbered["prefix"]:
            f["num.prefix"] = 1.0
        title = numbered["title"]
        again = vocab.NUMBERED.match(title)
        if again and again["number"] == numbered["number"]:
            title = again["title"]  # the number printed twice: `7.  7. Tilskud til naturpleje`
        if vocab.MONTH_AFTER_DAY.match(title) or (title[:1].isdigit() and not vocab.ORDINAL_START.match(title)):
            f["num.date"] = 1.0  # `25. februar 2020`, `01-10-2024 kl. 17:00`
    if detached:
        f["num.alone"] = 1.0
        if detached["under"]:
            f["num.under"] = 1.0
    number_line = in_title.get(i)
    if number_line is not None and evidence.numbered[number_line][1][0] == i:
        f["num.item"] = 1.0  # the first line of a title the numbering took (number on it, above or under it)
        if number_line != i:
            f["num.apart"] = 1.0
        if evidence.numbered[number_line][0] in evidence.follows.get(number_line, set()):
            f["num.successor"] = 1.0  # continues the numbering of the item before
    elif number_line is not None:
        f["num.in_title"] = 1.0  # a wrapped title's next line, or the number printed apart from it
    if i in evidence.numbered and evidence.numbered[i][1][0] != i:
        f["num.of_title"] = 1.0
    if i in evidence.toc:
        f["toc"] = 1.0
    if i in evidence.categories and i not in evidence.toc:
        f["cat"] = 1.0
    # Vocabulary.
    heading = evidence.headings.get(i)
    parsed = evidence.vocabulary.get(i)
    if heading:
        f["head"] = 1.0
        name = heading.name if heading.name in CANONICAL_SECTIONS else "other"
        f[f"head={name}"] = 1.0
        if heading.name in CANONICAL_SECTIONS:
            f["head.known"] = 1.0
        if heading.rest:
            f["head.inline"] = 1.0
    elif parsed:
        f["head.vocab_only"] = 1.0
    if _CLOSED.search(text):
        f["closed"] = 1.0
    if vocab.PRESENTER.match(text):
        f["presenter"] = 1.0
    if vocab.is_metadata(text):
        f["meta"] = 1.0
    if vocab.COMMITTEE_DECISION.match(text):
        f["decision"] = 1.0
    if _REFERRAL.match(text) or _DECIDED_WORD.match(text):
        f["decided"] = 1.0
    if vocab.RECOMMENDS.match(text):
        f["recommends"] = 1.0
    if text.lower().rstrip(":. ") in vocab.BODYLESS_ITEMS:
        f["bodyless"] = 1.0
    if text.lower() in vocab.COVER_TITLES:
        f["cover"] = 1.0
    if vocab.ATTACHMENT.match(text):
        f["attachment"] = 1.0
    # Shape.
    length = len(text)
    f[f"len={_bucket(length, (12, 30, 60, 90, 140))}"] = 1.0
    f[f"words={_bucket(len(words), (1, 3, 6, 12, 20))}"] = 1.0
    first = text[0]
    f["lower" if first.islower() else "upper" if first.isupper() else "digit" if first.isdigit() else "mark"] = 1.0
    if _ALL_CAPS.match(text):
        f["caps"] = 1.0
    if text.endswith(":"):
        f["colon"] = 1.0
    elif _LABEL_VALUE.match(text):
        f["label_value"] = 1.0  # `Afbud: Ole Lund (B)`, `Godkendelse af dagsorden: Godkendt`
    if text.endswith("."):
        f["period"] = 1.0
    if text.endswith((",", ";")):
        f["comma"] = 1.0
    if length <= 60:
        f["short"] = 1.0
    elif length >= LONG_LINE:
        f["long"] = 1.0
    if vocab.reads_as_sentence(text):
        f["sentence"] = 1.0
    if _DATE_WORD.search(text) or parse_date(text):
        f["date"] = 1.0
    if _BULLET.match(line.text):
        f["bullet"] = 1.0
    if line.text[:1].isspace():
        f["indented"] = 1.0
    if evidence.repeats[_shape(text)] >= 3:
        f["repeated"] = 1.0
    first_word = next((w for w in words if any(c.isalpha() for c in w)), "").lower().strip(":.,()")
    if first_word in VOCABULARY_WORDS:
        f[f"w0={first_word}"] = 1.0
    if (
        (j := _previous_token(lines, i)) is not None
        and lines[j].text.split()
        and (lines[j].text.split()[-1].lower() in vocab.TITLE_END_WORDS)
    ):
        f["after_open_end"] = 1.0  # the line above stops mid-phrase (`… i`, `… og`): a title may go on here
    # The gap around it (blank lines, furniture) and where it sits on its page.
    if i == 0 or not lines[i - 1].text.strip():
        f["blank"] = 1.0
    if i + 1 >= len(lines) or not lines[i + 1].text.strip():
        f["blank_after"] = 1.0
    if i == 0 or lines[i - 1].page != line.page:
        f["page_top"] = 1.0
    _layout(f, lines, i, evidence)
    return f


def _previous_token(lines: list[Line], i: int) -> int | None:
    return next((j for j in range(i - 1, max(-1, i - 3), -1) if lines[j].text.strip()), None)


def _layout(f: Features, lines: list[Line], i: int, evidence: DocumentEvidence) -> None:
    style = lines[i].style
    if style is None or evidence.body_size is None:
        return
    ratio = style.size / evidence.body_size
    if ratio > 1.05:
        f["bigger"] = 1.0
        if ratio > 1.25:
            f["much_bigger"] = 1.0
    elif ratio < 0.95:
        f["smaller"] = 1.0
    if style.bold:
        f["bold"] = 1.0
    if evidence.body_left is not None and style.left > evidence.body_left + 0.02:
        f["indent_layout"] = 1.0
    above = next((lines[j].style for j in range(i - 1, -1, -1) if lines[j].text.strip()), None)
    if above and lines[i - 1].page == lines[i].page:
        gap = (style.top - above.bottom) * 60  # in lines of a 10 pt body, roughly
        f[f"gap={_bucket(gap, (0.3, 0.8, 1.5))}"] = 1.0


def _bucket(value: float, edges: tuple[float, ...]) -> int:
    return next((k for k, edge in enumerate(edges) if value <= edge), len(edges))
