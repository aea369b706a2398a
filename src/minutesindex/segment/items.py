"""Agenda items from labelled lines: their numbers, titles, presenters, sections and attachments.

`labeller.py` gives every line one label; here the items are read off the labels: an `item` line
opens an item with its title, `title` lines continue that title, a `section` line opens a section,
a `number` line is a number printed away from its title, a `category` line heads the items under it,
and every other line is text of the item it falls in. The vocabulary and the numbering evidence the
line features use (`evidence.py`) live here too, one list each.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from minutesindex.model import CANONICAL_SECTIONS, Attachment, Item, Line, Section
from minutesindex.segment.numbering import (
    NUMBER_ONLY,
    NumberedLine,
    choose_numbering,
    number_key,
    opens_item,
    reads_as_sentence,
    score_candidate,
    successors,
    without_widget,
)
from minutesindex.segment.sections import Heading, parse_heading

_NUMBER = r"\d{1,3}(?:\.\d{1,2}){0,2}"
# An outline bullet before the number, as printed (`•`) or as OCR reads it (`¢`, `«`, `*`, `e`).
_BULLET_MARK = r"(?:(?:[^\w\s]{1,3}|[eo](?=\s))\s*)?"
# `3. Title`, `Punkt 4: Title`, `Pkt. 452 Title`, `Nr.143 - Title`, `• 159. Title`, `154Title` (glued).
NUMBERED = re.compile(
    rf"^\s*{_BULLET_MARK}(?P<prefix>(?:punkt|pkt\.?|sag(?:\s+nr\.?)?|nr\.?)\s*)?(?P<number>{_NUMBER})\.?"
    r"(?:\s*[:.)\-–]\s*|\s+|(?=[A-ZÆØÅ][a-zæøå]))(?P<title>\S.*)$",
    re.I,
)
DETACHED = re.compile(
    rf"^\s*{_BULLET_MARK}(?P<under>sag(?:\s+nr\.?)?\s*)?(?:punkt\s+|pkt\.?\s*|nr\.?\s*)?({_NUMBER})\.?\s*$", re.I
)
_TOC_TAIL = re.compile(r"(?:\t+|\s{2,}|\.{3,}\s*)(\d{1,3})\s*$")
# "Sagsnr.: 00.01.00-A00-1-23", "Dok.: 12345/23", "Initialer: ABC", "Sagsforløb: ØU/BY".
METADATA_LINE = re.compile(
    r"^\s*(?:sagsnr|sags\s*nr|sagsnummer|sagsid|dok(?:\.\s*nr|ument(?:nr)?)?|j\.\s*nr|journalnr|initialer"
    r"|sagsbehandler|sagsforløb|brevid|acadre\s*sagsnr|kle)\.?\s*:\s*(?:\S{1,40}(?:\s+\S{1,40}){0,8})?\s*$",
    re.I,
)
# A line that carries a KLE journal number (`00.01.00-P35-9-19`, `Åbent - 00.01.00A04 - 2007/34364`,
# `Print 13.06.02-P00-1-19`), or ends in a `Brevid: 4225075` or `Sagsnr.: …` label: metadata.
_JOURNAL_LINE = re.compile(
    r"^.{0,40}\b\d{2}\.\d{2}\.\d{2}(?:[-A-ZÆØÅ]\S*)?\b.{0,40}$|\b(?:brevid|sagsnr|dok\.?\s*nr)\.?\s*:\s*\S+\s*$", re.I
)
# Web-page widgets left in a text export: `Udskriv`, `Til toppen`, `Print`, fold-out and toggle labels.
WIDGET_LINE = re.compile(r"^\s*(?:udskriv|print|til toppen|åbn/luk(?: punkt)?|vis mere|skjul|læs mere)\s*$", re.I)
# "Økonomiudvalget den 12. juni 2023", "Byrådet, 21.06.2023, pkt. 4:", "Teknik- og Miljøudvalgets
# beslutning den 14-03-2023": a committee's decision follows.
COMMITTEE_DECISION = re.compile(
    r"^\s*(?:(?:[A-ZÆØÅ][\wæøåÆØÅ-]*|og)\s+){0,4}?[A-ZÆØÅa-zæøå][\wæøåÆØÅ-]*"
    r"(?:udvalg(?:et)?|råd(?:et)?|bestyrelse(?:n)?|forum|styregruppe(?:n)?|komité(?:en)?)"
    r"(?:s\s+beslutning)?"  # "Børne- og Ungdomsudvalgets beslutning den 8. februar 2023"
    r"(?:\s*,\s*|\s+den\s+|\s+d\.\s*)(?:\d{1,2}\.\s*[a-zæøå]+\s+\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
    r"\s*(?:,?\s*(?:[Pp]kt|[Pp]unkt)\.?\s*\d+)?\s*[:.]?\s*$"
)
DECIDING_SECTIONS = {"indstilling", "beslutning", "referat"}
# A recommendation printed without its heading: `Det indstilles, at …`, `Direktionen indstiller, at …`.
RECOMMENDS = re.compile(
    r"^\s*(?:[Dd]et\s+indstilles|[A-ZÆØÅ][\wæøå-]*(?:\s+[\wæøå-]+){0,3}\s+indstiller)\b[^.]{0,40}?\bat\b"
)
_LOOSE_PAGE = re.compile(r"\s+\d{1,3}\s*$")  # a page number after one space, in a table of contents
# "Lukket sag", "Åben punkt": access markers under a title, neither title nor section.
ACCESS_MARKER = re.compile(
    r"^\s*(?:lukket|lukkede|åben|åbent|aaben|aabent|fortrolig)(?:\s+(?:sag|punkt|møde|dagsordenspunkt|referat))?\s*$",
    re.I,
)
PRESENTER = re.compile(r"^\s*(?:ved|v\.|oplæg ved|fremlægges af)\s+(\S.*)$", re.I)
ATTACHMENT = re.compile(r"^\s*[-•*·]?\s*(bilag\s*\d+)\s*[-–—:.)]?\s*(.*?)\s*$", re.I)
# Under a Bilag heading, a numbered list: `1. Takstblad 2024 (12345/23)` is Bilag 1.
_NUMBERED_ATTACHMENT = re.compile(r"^\s*(\d{1,2})\s*[.)]\s+(\S.*?)\s*$")
_URL = re.compile(r"https?://\S+")
ORDINAL_START = re.compile(r"^\d{1,2}\.\s+[^\W\d_]")  # `2. behandling af budgettet`
MONTH_AFTER_DAY = re.compile(r"(?:jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec)[a-z]*\.?\s+\d{4}\b", re.I)
TITLE_END_WORDS = {"i", "og", "af", "til", "for", "om", "på", "med", "fra", "ved", "vedr.", "samt", "–", "-"}


def _fold(text: str) -> str:
    """Compare headings as OCR may have mangled them (`kommende moder` for `kommende møder`)."""
    return text.replace("æ", "ae").replace("ø", "o").replace("å", "a")


CATEGORY_HEADINGS = {
    "beslutningspunkter",
    "orienteringspunkter",
    "punkter til kommende møder",
    "sager til beslutning",
    "sager til behandling",
    "sager til orientering",
    "meddelelser",
    "orienteringssager",
    "beslutningssager",
    "lukkede punkter",
    "åbne punkter",
    "lukket dagsorden",
    "åben dagsorden",
}
# The cover of an agenda, which systems that list it as an item count as item 0.
COVER_TITLES = {"forside"}
# Items that often have no body and no number of their own in OCR'd agendas.
BODYLESS_ITEMS = {"eventuelt", "evt.", "evt", "næste møde", "godkendelse af dagsorden", "meddelelser"}
_FOLDED_CATEGORIES = {_fold(c) for c in CATEGORY_HEADINGS}
MAX_TITLE_LEN = 200
MAX_TITLE_LINES = 3
TOC_TITLE_MATCH = 0.8  # an unnumbered heading takes the number of the contents line whose title it matches
MAX_ATTACHMENT_LIST = 60  # lines from a Bilag heading that its numbered list may run
# A title line this long may have wrapped; a wrapped tail is at most this long.
WRAPPED_TITLE_LEN = 50
MAX_WRAPPED_TAIL = 60


@dataclass
class _Start:
    """Where an item starts: the line index of its title and what is known of it."""

    line: int
    title_lines: list[int]
    number: str | None
    title: str
    category: str | None = None
    sections: list[tuple[int, Heading]] = field(default_factory=list)


def _number(printed: str) -> str:
    """An item number without leading zeros (`01` is item 1, `2.03` is 2.3)."""
    return ".".join(str(int(part)) for part in printed.split("."))


def clean_title(text: str) -> str:
    text = _TOC_TAIL.sub("", text).strip()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" *#")


def _is_title_text(text: str) -> bool:
    stripped = text.strip()
    return (
        bool(stripped)
        and len(stripped) <= MAX_TITLE_LEN
        and (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "\"'“”«")
        and not stripped.endswith(",")
        and parse_heading(stripped) is None
    )


def category_name(text: str) -> str | None:
    stripped = text.strip().rstrip(":").strip()
    match = NUMBERED.match(stripped)
    name = match["title"].strip() if match else stripped
    name = clean_title(name)
    return name if _fold(name.lower()) in _FOLDED_CATEGORIES else None


def toc_lines(lines: list[Line]) -> dict[int, tuple[str, str]]:
    """Line index → (number, title) for lines that form a table of contents.

    A run of at least three numbered lines is a table of contents when half of them end in a page
    number set apart (tab, leader dots, spaces), or when its numbers come again, in order, as
    headings further down (a contents list printed before the items, page numbers or not).
    """
    numbered = {}
    for i, line in enumerate(lines):
        match = NUMBERED.match(line.text)
        if match:
            numbered[i] = (_number(match["number"]), clean_title(match["title"]), bool(_TOC_TAIL.search(line.text)))
    toc: dict[int, tuple[str, str]] = {}
    indices = sorted(numbered)
    run: list[int] = []

    def close_run() -> None:
        if len(run) < 3:
            return
        with_pages = [j for j in run if numbered[j][2]]
        if len(with_pages) >= len(run) / 2:
            # Lines after the last one with a page number are the agenda itself, not its contents.
            toc.update({j: numbered[j][:2] for j in run if j <= with_pages[-1]})
            return
        for size in range(len(run), 2, -1):  # the run may have taken in the first item after the contents
            listed = run[:size]
            later = [numbered[j][0] for j in indices if j > listed[-1]]
            if _in_order([numbered[j][0] for j in listed], later):
                toc.update({j: (numbered[j][0], _LOOSE_PAGE.sub("", numbered[j][1])) for j in listed})
                return

    for i in indices:
        gap = lines[run[-1] + 1 : i] if run else []
        if run and all(not g.text.strip() for g in gap) and len(gap) <= 2:
            run.append(i)
        else:
            close_run()
            run = [i]
    close_run()
    return toc


def _in_order(listed: list[str], later: list[str]) -> bool:
    """Whether every listed number occurs again later, in the same order."""
    position = 0
    for number in listed:
        try:
            position = later.index(number, position) + 1
        except ValueError:
            return False
    return True


def is_metadata(text: str) -> bool:
    """An access marker, a widget or a case-number line between a title and its first section."""
    return bool(
        ACCESS_MARKER.match(text) or METADATA_LINE.match(text) or _JOURNAL_LINE.search(text) or WIDGET_LINE.match(text)
    )


def _wrapped_title(lines: list[Line], index: int, title: str) -> tuple[str, list[int]]:
    """Join a title that continues on the next line (`… i` / `Rammeaftale 2021-22`)."""
    used = [index]
    j = index + 1
    while len(used) < MAX_TITLE_LINES and j < len(lines):
        nxt = lines[j].text.strip()
        if not nxt or parse_heading(nxt) or PRESENTER.match(nxt) or NUMBERED.match(nxt) or is_metadata(nxt):
            break
        last_word = title.split()[-1].lower() if title.split() else ""
        continues = nxt[0].islower() or last_word in TITLE_END_WORDS or _wrapped_before_body(lines, j, title)
        if not continues or len(title) + len(nxt) > MAX_TITLE_LEN:
            break
        title = f"{title} {nxt}"
        used.append(j)
        j += 1
    return title, used


def _wrapped_before_body(lines: list[Line], j: int, title: str) -> bool:
    """A long title line and one short line under it, right above the item's first section heading,
    `Ved …` or case-number line: the title wrapped (`… til Foreningen` / `Kvisten`)."""
    text = lines[j].text.strip()
    if len(title) < WRAPPED_TITLE_LEN or len(text) > MAX_WRAPPED_TAIL or text.endswith((".", ":", ",")):
        return False
    following = next((ln.text.strip() for ln in lines[j + 1 :] if ln.text.strip()), "")
    return bool(parse_heading(following) or PRESENTER.match(following) or is_metadata(following))


LABELS = ("item", "title", "number", "section", "category", "toc", "body")


def items_from_labels(
    lines: list[Line], tokens: list[int], labels: list[str], numbers: dict[int, str] | None = None
) -> list[Item]:
    """The items that labelled lines describe. `tokens` are the indices of the lines that print
    something, `labels` one label each (see LABELS); `numbers` the number the document's numbering
    gives the title starting on a line, printed on it or apart from it. Text before the first item
    (the title block, the attendance, the contents) is the first item's preface."""
    numbers = numbers or {}
    entries = [_toc_entry(lines[i].text) for i, lab in zip(tokens, labels, strict=True) if lab == "toc"]
    toc_titles = dict(entry for entry in entries if entry)
    sub_numbered = any("." in n for n in toc_titles) or any(
        "." in m["number"]
        for i, lab in zip(tokens, labels, strict=True)
        if lab == "item" and (m := NUMBERED.match(lines[i].text))
    )
    starts: list[_Start] = []
    category: str | None = None
    category_number: str | None = None
    pending: list[str] = []  # numbers printed alone since the last item
    seen: set[str] = set()
    k = 0
    while k < len(tokens):
        i, label = tokens[k], labels[k]
        text = lines[i].text.strip()
        if label == "category":
            numbered = NUMBERED.match(text)
            category = category_name(text) or clean_title(numbered["title"] if numbered else text)
            if numbered:
                category_number = _number(numbered["number"])
            else:
                category_number = _next_category(category_number, starts) or (
                    "1" if sub_numbered and not starts else None
                )
        elif label == "number" and (detached := DETACHED.match(text)):
            pending.append(_number(detached.group(2)))
        elif label == "item":
            title_lines = [i]
            while k + 1 < len(tokens) and labels[k + 1] == "title" and len(title_lines) < MAX_TITLE_LINES + 1:
                k += 1
                title_lines.append(tokens[k])
            number, title = _printed_number_and_title(" ".join(lines[j].text.strip() for j in title_lines))
            under = (
                DETACHED.match(lines[tokens[k + 1]].text) if k + 1 < len(tokens) and labels[k + 1] == "number" else None
            )
            if number is None and i in numbers:
                number = numbers[i]
            if number is None and under and under["under"]:
                number = _number(under.group(2))  # `Sag nr. 24` printed under its title
                k += 1
            if number is None:
                number = _inferred_number(title, pending, starts, seen, category_number, toc_titles)
            pending = []
            seen.add(number)
            starts.append(_Start(i, title_lines, number, title, category))
        elif label == "section" and starts:
            heading = _heading_of(text)
            last = starts[-1].sections[-1] if starts[-1].sections else None
            if not (last and last[1] == heading and labels[k - 1] == "section"):  # a heading printed twice opens one
                starts[-1].sections.append((i, heading))
        k += 1
    categories = {i for i, label in zip(tokens, labels, strict=True) if label == "category"}
    items = []
    for n, start in enumerate(starts):
        end = starts[n + 1].line if n + 1 < len(starts) else len(lines)
        items.append(_build_item(lines, start, _end_before_category(lines, start, end, categories)))
    if items:
        items[0].preface = _join(lines[: starts[0].line])
    return items


def _toc_entry(text: str) -> tuple[str, str] | None:
    numbered = NUMBERED.match(text.strip())
    return (_number(numbered["number"]), _LOOSE_PAGE.sub("", clean_title(numbered["title"]))) if numbered else None


def _printed_number_and_title(text: str) -> tuple[str | None, str]:
    """`3. Title`, `Punkt 3: Title`, `1.  1. Title` → ("3", "Title"); an unnumbered title → (None, title)."""
    numbered = NUMBERED.match(text)
    if not numbered:
        return None, clean_title(without_widget(text))
    number, title = _number(numbered["number"]), clean_title(without_widget(numbered["title"]))
    return number, _without_repeated_number(title, number)


def _without_repeated_number(title: str, number: str) -> str:
    """`1.  1. Title` → `Title`: the number printed twice. Not where what follows it reads on from it
    (`1.1 Punkt 1.1 om budget`: the title is `Punkt 1.1 om budget`)."""
    again = NUMBERED.match(title)
    if again and _number(again["number"]) == number and not again["title"][:1].islower():
        return clean_title(again["title"])
    return title


def _heading_of(text: str) -> Heading:
    """A line labelled a section heading: as the vocabulary reads it, a committee's dated decision
    block, or a heading of the council's own (`other:<heading>`)."""
    heading = parse_heading(text)
    if heading:
        return heading
    stripped = text.strip()
    if COMMITTEE_DECISION.match(stripped):
        return Heading("beslutning", stripped.rstrip(":"))
    return Heading(f"other:{' '.join(stripped.rstrip(':').split()).lower()}", stripped)


def _next_category(category_number: str | None, starts: list[_Start]) -> str | None:
    """An unnumbered category heading over sub-numbered items (`2.1`, `2.2` …) counts on from the last."""
    previous = category_number or (
        starts[-1].number if starts and starts[-1].number and "." in starts[-1].number else None
    )
    return str(int(previous.split(".")[0]) + 1) if previous else None


def _inferred_number(title: str, pending: list[str], starts: list[_Start], seen: set[str],
                     category_number: str | None, toc_titles: dict[str, str]) -> str:  # fmt: skip
    """The number of an item whose heading prints none: one printed alone above it, the number the
    contents give its title, or the next in the document's sequence."""
    free = [n for n in pending if n not in seen]
    if free:
        return free[0]
    if toc_titles:
        best = max(toc_titles.items(), key=lambda kv: difflib.SequenceMatcher(None, kv[1], title).ratio())
        if difflib.SequenceMatcher(None, best[1], title).ratio() >= TOC_TITLE_MATCH and best[0] not in seen:
            return best[0]
    previous = next((s.number for s in reversed(starts) if s.number), None)
    if previous is None:
        if not starts and title.lower() in COVER_TITLES:
            return "0"  # agenda systems that count their cover as item 0 (`Punkt 0: Forside`)
        return f"{category_number}.1" if category_number else "1"
    if category_number and not previous.startswith(f"{category_number}."):
        return f"{category_number}.1"
    candidates = sorted(successors(previous) - seen, key=number_key)
    return candidates[0] if candidates else str(len(starts) + 1)


def is_category_line(text: str, uses_sub_numbers: bool, toc_titles: dict[str, str]) -> bool:
    """`Beslutningspunkter`, or `2. Orienteringspunkter` over items 2.1, 2.2 … of the contents."""
    if category_name(text):
        return True
    numbered = NUMBERED.match(text.strip())
    return bool(
        numbered
        and uses_sub_numbers
        and "." not in numbered["number"]
        and not PRESENTER.match(text)
        and any(n.startswith(_number(numbered["number"]) + ".") for n in toc_titles)
    )


def numbered_starts(lines: list[Line], headings: dict[int, Heading], excluded: set[int]) -> list[NumberedLine]:
    """Every line that may be a numbered item heading (number and title on one line, or the number
    alone above its title), scored, and the numbering chosen for the whole document."""
    sizes = sorted(ln.style.size for ln in lines if ln.style and ln.text.strip())
    body_size = sizes[len(sizes) // 2] if sizes else None
    candidates: list[NumberedLine] = []
    heading_lines = sorted(headings)
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not text or i in excluded or PRESENTER.match(text) or i in headings:
            continue
        numbered = NUMBERED.match(text)
        if detached := DETACHED.match(text):
            printed = detached.group(2)
            # `Sag nr. 24` is printed under its title (Acadre); a bare number above it.
            title_at = _title_above(lines, i, headings) if detached["under"] else None
            if title_at is None and not _follows_number(lines, i):
                title_at = _title_below(lines, i, headings)
            if title_at is None:
                candidates.append(NumberedLine(i, i, _number(printed), "", False, NUMBER_ONLY))
                continue
            candidate = _candidate(i, title_at, printed, lines[title_at].text, bool(detached["under"]))
        elif numbered:
            candidate = _candidate(i, i, numbered["number"], numbered["title"], bool(numbered["prefix"]))
        else:
            continue
        if candidate is None:
            continue
        if candidate.title_line < i:  # a number printed under its title ends the title
            title, used = candidate.title, [candidate.title_line, i]
        else:
            title, used = _wrapped_title(lines, candidate.title_line, candidate.title)
        opens = opens_item(
            lines,
            used[-1],
            lambda j: j in headings or bool(PRESENTER.match(lines[j].text)),
            lambda t, title=candidate.title: is_metadata(t) or clean_title(t) == title,
        )
        above = bisect.bisect_left(heading_lines, i)
        heading_above = heading_lines[above - 1] if above else None
        in_list = heading_above is not None and _continues_attachment_list(lines, i, heading_above, headings)
        if candidate.line != candidate.title_line and (not opens or reads_as_sentence(title)):
            # A number alone above a line that opens nothing: an OCR margin number, not this title's.
            candidates.append(NumberedLine(i, i, candidate.number, "", False, NUMBER_ONLY))
            continue
        bodyless = candidate.title.lower().rstrip(":") in BODYLESS_ITEMS
        score = score_candidate(candidate, lines, opens, in_list, body_size, bodyless)
        candidates.append(
            NumberedLine(i, candidate.title_line, candidate.number, title, candidate.explicit, score, tuple(used))
        )
    return [c for c in choose_numbering(candidates) if c.has_title]


def _candidate(line: int, title_line: int, printed: str, title: str, explicit: bool) -> NumberedLine | None:
    number = _number(printed)
    title = clean_title(without_widget(title))
    title = _without_repeated_number(title, number)
    if (
        not title
        or len(title) > MAX_TITLE_LEN
        or _is_section_heading(title)
        or not any(c.isalpha() for c in title)
        or MONTH_AFTER_DAY.match(title)
        or (title[0].isdigit() and not ORDINAL_START.match(title))
    ):
        return None  # `25. februar 2020`, `01-10-2024 kl. 17:00` are dates
    return NumberedLine(line, title_line, number, title, explicit)


def _is_section_heading(title: str) -> bool:
    """`2. Indstilling` is a numbered section heading; `14. Orientering: Status på …` is an item."""
    heading = parse_heading(title)
    return heading is not None and not heading.rest and heading.name in CANONICAL_SECTIONS


def _follows_number(lines: list[Line], index: int) -> bool:
    """Whether the line above is a number printed alone too (margin numbers stacked at a page's top)."""
    above = next((ln.text.strip() for ln in reversed(lines[max(0, index - 3) : index]) if ln.text.strip()), "")
    return bool(DETACHED.match(above))


def _title_above(lines: list[Line], index: int, headings: dict[int, Heading]) -> int | None:
    """The title over a case number printed under it (`Godkendelse af dagsorden` / `Sag nr. 1`)."""
    for j in range(index - 1, max(-1, index - 3), -1):
        text = lines[j].text.strip()
        if not text:
            continue
        if j in headings or DETACHED.match(text) or NUMBERED.match(text) or not _is_title_text(text):
            return None
        return j
    return None


def _title_below(lines: list[Line], index: int, headings: dict[int, Heading]) -> int | None:
    """The title under a number printed alone (` • 1` / `Status på …`), when the next line is one."""
    for j in range(index + 1, min(len(lines), index + 3)):
        text = lines[j].text.strip()
        if not text:
            continue
        if (
            j in headings
            or DETACHED.match(text)
            or NUMBERED.match(text)
            or category_name(text)
            or PRESENTER.match(text)
            or not _is_title_text(text)
        ):
            return None
        return j
    return None


def _continues_attachment_list(lines: list[Line], index: int, heading_at: int, headings: dict[int, Heading]) -> bool:
    """`2. Høringssvar` right under `Bilag` / `1. Takstblad 2024` is the next attachment, not item 2:
    the lines from the item's Bilag heading down to it count 1, 2, … with no blank line between."""
    if headings[heading_at].name != "bilag":
        return False
    if index - heading_at > MAX_ATTACHMENT_LIST:
        return False
    listed = [lines[j].text for j in range(heading_at + 1, index + 1)]
    if any(not text.strip() for text in listed):
        return False
    numbers = [int(m[1]) for text in listed if (m := _NUMBERED_ATTACHMENT.match(text))]
    if numbers != list(range(1, len(numbers) + 1)):
        return False
    title = NUMBERED.match(lines[index].text.strip())
    return not (title and clean_title(title["title"]).lower() in BODYLESS_ITEMS) and not _opens_item(lines, index)


def _opens_item(lines: list[Line], index: int) -> bool:
    """Whether a section heading, a presenter or a case-number line follows within three lines."""
    seen = 0
    for line in lines[index + 1 :]:
        text = line.text.strip()
        if not text:
            continue
        if parse_heading(text) or PRESENTER.match(text) or is_metadata(text):
            return True
        seen += 1
        if NUMBERED.match(text) or seen >= 3:
            return False
    return False


def _end_before_category(lines: list[Line], start: _Start, end: int, categories: set[int]) -> int:
    """An item ends before a category heading ("2. Orienteringspunkter") that precedes the next item."""
    cut = end
    while cut - 1 > start.title_lines[-1]:
        text = lines[cut - 1].text.strip()
        if text and cut - 1 not in categories:
            break
        cut -= 1
        if text:
            end = cut
    return end


def _build_item(lines: list[Line], start: _Start, end: int) -> Item:
    body_start = start.title_lines[-1] + 1
    heads = [(i, h) for i, h in start.sections if i < end]
    first_section = heads[0][0] if heads else end
    presenter_lines: list[str] = []
    presenter_block: list[Line] = []  # the presenter as printed (`Ved …`), kept at the head of the text
    body_lines: list[Line] = []
    for j in range(body_start, first_section):
        text = lines[j].text.strip()
        if DETACHED.match(text):
            continue
        has_body = any(ln.text.strip() for ln in body_lines)  # blank lines before "Ved …" are no body
        if not presenter_lines and PRESENTER.match(text) and not has_body:
            presenter_lines.append(PRESENTER.match(text).group(1))
            presenter_block.append(lines[j])
        elif presenter_lines and text and not has_body and j - 1 >= body_start and lines[j - 1].text.strip():
            presenter_lines.append(text)
            presenter_block.append(lines[j])
        else:
            body_lines.append(lines[j])
    sections: list[Section] = []
    body_lines, recommendation = _headingless_recommendation(body_lines)
    if recommendation:
        sections.append(Section("indstilling", "", _join(recommendation), _join(recommendation, raw=True)))
    for k, (i, heading) in enumerate(heads):
        stop = heads[k + 1][0] if k + 1 < len(heads) else end
        chunk = [ln for ln in lines[i + 1 : stop] if not DETACHED.match(ln.text.strip())]
        if heading.rest:
            chunk.insert(0, Line(heading.rest, heading.rest, lines[i].page))
        for name, printed, part in _split_decision_blocks(heading, chunk):
            sections.append(Section(name, printed, _join(part), _join(part, raw=True)))
    used = [ln for ln in lines[start.line : end] if ln.text.strip() and not DETACHED.match(ln.text.strip())]
    attachments = [a for s in sections if s.name == "bilag" for a in parse_attachments(s.raw_text, s.text)]
    return Item(
        number=start.number or "",
        title=start.title,
        page_start=lines[start.line].page,
        page_end=used[-1].page if used else lines[start.line].page,
        presenter=" ".join(presenter_lines).strip() or None,
        category=start.category,
        sections=sections,
        attachments=attachments,
        body=_join(presenter_block + body_lines),
    )


def _headingless_recommendation(body: list[Line]) -> tuple[list[Line], list[Line]]:
    """An item without an Indstilling heading whose text before its first heading recommends (`Det
    indstilles, at …`, `Forvaltningen indstiller, at …`): from that paragraph on, the text is its
    recommendation."""
    at = next((k for k, ln in enumerate(body) if RECOMMENDS.match(ln.text)), None)
    if at is None:
        return body, []
    return body[:at], body[at:]


def _split_decision_blocks(heading: Heading, chunk: list[Line]) -> Iterator[tuple[str, str, list[Line]]]:
    """After the recommendation, a committee's decision is headed by its name and date
    ("Økonomiudvalget den 12. juni 2023", then "Byrådet den 21. juni 2023"): each is a decision."""
    if heading.name not in DECIDING_SECTIONS:
        yield heading.name, heading.printed, chunk
        return
    name, printed, part = heading.name, heading.printed, []
    for line in chunk:
        if COMMITTEE_DECISION.match(line.text):
            if name != "beslutning" or any(ln.text.strip() for ln in part):  # `BESLUTNING` over the block
                yield name, printed, part
            name, printed, part = "beslutning", line.text.strip().rstrip(":"), []
        else:
            part.append(line)
    yield name, printed, part


def _join(chunk: list[Line], raw: bool = False) -> str:
    text = "\n".join((ln.raw if raw else ln.text).rstrip() for ln in chunk)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_attachments(raw_text: str, text: str) -> list[Attachment]:
    """`Bilag 1: title` lines (any separator, Markdown links removed) with the URL when one is given;
    in a Bilag section with no such line, its numbered list (`1. Takstblad 2024`)."""
    raw_lines = raw_text.split("\n")
    lines = text.split("\n")
    pattern = ATTACHMENT if any(ATTACHMENT.match(line) for line in lines) else _NUMBERED_ATTACHMENT
    out: list[Attachment] = []
    for k, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        label = re.sub(r"\s+", " ", match.group(1)).capitalize() if pattern is ATTACHMENT else f"Bilag {match[1]}"
        title = match.group(2).strip().strip("*").strip()
        url_match = _URL.search(raw_lines[k] if k < len(raw_lines) else "")
        out.append(Attachment(label, title, url_match.group(0).rstrip(").,") if url_match else None))
    return out


def words_of(text: str) -> str:
    """A text's words, lower-case, one space apart: titles compared as printed however set."""
    return " ".join(re.sub(r"\W+", " ", text.casefold()).split())


# A title as a source gives it opens with its number (`Punkt 3:`, `3.`) and, for a closed item,
# `Lukket:`; neither is part of the title.
_TITLE_NUMBER = re.compile(r"^\s*(?:(?:punkt|pkt\.?|sag)\s*)?\d{1,4}(?:\.\d{1,2}){0,2}\s*[.:)\-–]?\s*", re.I)
CLOSED_MARK = re.compile(r"^\s*lukket\s*(?:punkt|sag)?\s*[:\-–]\s*", re.I)
_CONTENTS_LEADER = re.compile(r"(?:\.{4,}|…{2,})\s*\d+\s*$")  # `Title ........ 2` in a table of contents
TITLE_WINDOW = 3  # lines a wrapped title may run over


def title_line(lines: list[Line], page: int, floor: int, title: str) -> int | None:
    """The first line from `floor` on the page that begins `title` (its words, as words_of gives
    them), after the item's number and any `Lukket:`, the title wrapping onto the next lines; a line
    of a table of contents (`Title ...... 2`) is not the item."""
    if not title:
        return None
    for i in range(floor, len(lines)):
        if lines[i].page != page:
            if lines[i].page > page:
                break
            continue
        window = [ln.text.strip() for ln in lines[i : i + TITLE_WINDOW] if ln.page == page]
        printed = " ".join(window)
        head = CLOSED_MARK.sub("", _TITLE_NUMBER.sub("", printed, count=1))
        if (words_of(head).startswith(title) or words_of(printed).startswith(title)) and not any(
            _CONTENTS_LEADER.search(text) for text in window
        ):
            return i
    return None


def title_lines_at(lines: list[Line], start: int, end: int, heading: str) -> list[int]:
    """The lines from `start` that print `heading` (a title the source gives, wrapped over lines or
    printed again right under itself, as FirstAgenda's PDFs do); at least the start line."""
    wanted = words_of(heading)
    taken: list[int] = []
    printed = ""
    for j in range(start, end):
        words = words_of(lines[j].text)
        if not words:
            if taken:
                break
            continue
        joined = f"{printed} {words}".strip()
        if wanted.startswith(joined):
            taken.append(j)
            printed = joined
            if joined == wanted:
                printed = ""  # printed whole; a repeat may follow
        elif not printed and taken and wanted.startswith(words):
            taken.append(j)
            printed = words
        else:
            break
    return taken or [start]


def item_in_span(lines: list[Line], headings: dict[int, Heading], span: tuple[int, int], number: str, title: str,
                 heading: str) -> Item:  # fmt: skip
    """An item whose place, number and title the source gives (an outline entry, an export): its title
    lines are those that print `heading`, its sections the headings found in its span as in any item."""
    start, end = span
    title_lines = title_lines_at(lines, start, end, heading)
    sections = [(i, h) for i, h in sorted(headings.items()) if title_lines[-1] < i < end]
    return _build_item(lines, _Start(start, title_lines, number, title, None, sections), end)
