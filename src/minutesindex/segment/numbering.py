"""Which numbered lines are agenda items: every candidate scored on its own evidence, then the most
consistent numbering for the whole document chosen at once.

A council may number its items from 1 or carry the numbering over the year (`159.`), print the
number as `Punkt 4`, `Pkt. 452`, `Nr.143 -`, `• 159.`, alone above the title or glued to it, and
number lists inside items too. No single pattern settles that; the document does: items open a
section (or a `Ved …` line) under their title, and their numbers rise, mostly one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from minutesindex.model import Line

# Local evidence for one numbered line, and what a numbering gains or loses from one item to the
# next. Set on the seeds and councils/ (text, PDF, scan, English-model OCR): an item that opens a
# section needs no neighbour; one that does not (a closed `(Lukket)` item, `Eventuelt`, an item cut
# off at the end of an excerpt) is an item when it continues the numbering.
BASE_SCORE = -1.0
OPENS_SECTION = 2.0
EXPLICIT_PREFIX = 1.0  # Punkt, Pkt., Sag nr., Nr.
HEADING_STYLE = 0.5  # bold or larger than the body, in a PDF's layout
LOWERCASE_TITLE = -3.0  # `1. at udvalget godkender …`: a list in a recommendation
SENTENCE_TITLE = -1.0  # ends in a comma, or a long sentence with a full stop
NOT_TITLE = -4.0  # under a Bilag heading, or not title text at all
BODYLESS_TITLE = 1.0  # `Eventuelt`, `Godkendelse af dagsorden`: items that often have no section
# A number printed alone with no title under it (OCR'd margin numbers, several at the top of a page):
# no item by itself, but evidence of how the document counts.
NUMBER_ONLY = 0.0
SUCCESSOR = 1.5  # 3 → 4, 1.3 → 1.4 or 2.1
JUMP = -0.5  # 3 → 7: unprinted or closed items, or a numbering carried over
FIRST_NUMBER = 0.5  # a numbering that starts at 0, 1, 0.1 or 1.1
MAX_PREDECESSORS = 200  # candidates looked back at for the one before (a 5,000-item PDF stays linear)
OPENS_WITHIN = 3  # lines after the title, other than metadata, in which a heading counts as opening
LONG_SENTENCE_WORDS = 15


@dataclass(frozen=True)
class NumberedLine:
    line: int  # the line with the number
    title_line: int  # the title's first line: the same line, the one under a detached number, or above it
    number: str
    title: str
    explicit: bool
    score: float = 0.0
    title_lines: tuple[int, ...] = ()  # every line of the title and its number, once scored

    @property
    def has_title(self) -> bool:
        return bool(self.title)


def number_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


def successors(number: str) -> set[str]:
    """The numbers that may follow `number` directly (1.3 → 1.4 or 2.1; 3 → 4)."""
    parts = number_key(number)
    nxt = {".".join(map(str, (*parts[:-1], parts[-1] + 1)))}
    if len(parts) >= 2:
        nxt.add(".".join(map(str, (*parts[:-2], parts[-2] + 1, 1))))
    return nxt


def score_candidate(
    candidate: NumberedLine,
    lines: list[Line],
    opens: bool,
    in_attachment_list: bool,
    body_size: float | None,
    bodyless: bool,
) -> float:
    title = candidate.title.strip()
    score = BASE_SCORE
    if opens:
        score += OPENS_SECTION
    elif bodyless:
        score += BODYLESS_TITLE
    if candidate.explicit:
        score += EXPLICIT_PREFIX
    style = lines[candidate.title_line].style
    if style and body_size and (style.bold or style.size > body_size + 0.5):
        score += HEADING_STYLE
    if title[:1].islower():
        score += LOWERCASE_TITLE
    if reads_as_sentence(title):
        score += SENTENCE_TITLE
    if in_attachment_list:
        score += NOT_TITLE
    return score


_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-ZÆØÅ]|,\s+at\b")


def reads_as_sentence(title: str) -> bool:
    """Body text, not a title: two sentences, a `…, at …` clause, a trailing comma, or a long sentence."""
    return bool(
        _SENTENCE_BREAK.search(title)
        or title.endswith((",", ";"))
        or (title.endswith(".") and len(title.split()) > LONG_SENTENCE_WORDS)
    )


def _transition(a: tuple[int, ...], next_of_a: set[str], b: tuple[int, ...], b_number: str) -> float | None:
    if len(a) != len(b) or b <= a:
        return None  # going back, or a list at another depth
    return SUCCESSOR if b_number in next_of_a else JUMP


def choose_numbering(candidates: list[NumberedLine]) -> list[NumberedLine]:
    """The chain of candidates, in line order with rising numbers, with the highest total score."""
    best: list[float] = []
    back: list[int | None] = []
    keys = [number_key(c.number) for c in candidates]
    following = [successors(c.number) for c in candidates]
    for j, cand in enumerate(candidates):
        first = FIRST_NUMBER if cand.number in ("0", "1", "0.1", "1.1") else 0.0
        value, previous = cand.score + first, None
        for i in range(max(0, j - MAX_PREDECESSORS), j):
            if candidates[i].title_line >= cand.line:
                continue
            step = _transition(keys[i], following[i], keys[j], cand.number)
            if step is not None and best[i] + step + cand.score > value:
                value, previous = best[i] + step + cand.score, i
        best.append(value)
        back.append(previous)
    if not best or max(best) <= 0:
        return []
    j: int | None = max(range(len(best)), key=lambda k: (best[k], -k))
    chain = []
    while j is not None:
        chain.append(candidates[j])
        j = back[j]
    return chain[::-1]


def opens_item(
    lines: list[Line], after: int, is_heading: Callable[[int], bool], is_skippable: Callable[[str], bool]
) -> bool:
    """Whether a section heading or presenter follows the title ending at line `after`, with at most
    OPENS_WITHIN other lines between (metadata lines, widgets and a repeated title do not count)."""
    seen = 0
    for j in range(after + 1, min(len(lines), after + 40)):
        text = lines[j].text.strip()
        if not text or is_skippable(text):
            continue
        if is_heading(j):
            return True
        seen += 1
        if seen > OPENS_WITHIN:
            return False
    return False


_WIDGET = re.compile(r"\b(?:klik|åbn|luk|fold|udskriv|print|vis|skjul|læs mere|til toppen)\b", re.I)
_GLUED = re.compile(r"(?<=[a-zæøå0-9.)”\"'])(?=[A-ZÆØÅ][a-zæøå])")


def without_widget(title: str) -> str:
    """A title with web-page widget text glued to its end (`… dagsordenPrint`) cut before it (the
    fold-out links, `…Klik her for at folde ud`, are cut from every line as furniture: cleaning.py)."""
    for match in _GLUED.finditer(title):
        if _WIDGET.search(title[match.start() :]):
            return title[: match.start()].rstrip()
    return title
