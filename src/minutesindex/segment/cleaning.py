"""Keep running headers, footers, page numbers, dumped URLs and markup out of the text to segment."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from minutesindex.model import Line
from minutesindex.segment.meeting import is_dated_title

_PAGE_NUMBER = re.compile(
    r"^\s*(?:side|page|s\.)?\s*[-–]?\s*\d{1,3}\s*[-–]?\s*(?:(?:af|of|/|ud af)\s*\d{1,3})?\s*$", re.I
)
_PAGE_FOOTER = re.compile(r"^.{0,70}\bside\s+\d{1,3}(?:\s*(?:af|/)\s*\d{1,3})?\s*$", re.I)
_URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$")
# Web-page controls a text export kept (`Udskriv` after a heading, `Til toppen` after an item): never text.
_PAGE_WIDGET = re.compile(r"^\s*(?:udskriv|til toppen|åbn/luk(?: punkt)?|vis alle|skjul alle)\s*$", re.I)
# A web page's fold-out widget glued to the line before it: furniture, not text.
_GLUED_WIDGET = re.compile(r"(?<=[^\W\d_])(?:klik her|åbn/luk|fold ud|læs mere)\b.*$", re.I)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([()\[\]*_#])")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")  # `**Beslutning**`, not a lone `**` footnote mark
_WS = re.compile(r"\s+")
_NUMBERED_HEADING = re.compile(r"^(?:punkt\s+|sag\s+)?\d{1,3}(?:\.\d{1,2})*\.?\s+[A-ZÆØÅ]", re.I)
_DIGITS = re.compile(r"\d+")
MAX_BOILERPLATE_LEN = 80
MIN_REPEATS = 3
# How far in from a page's top or bottom edge running headers and footers are looked for, in lines:
# a header block (committee, "Referat", "Åbent referat", "Dato: …", "Side 3") is up to five lines.
EDGE_SCAN = 8
FURNITURE_PAGE_SHARE = 0.4
# With a PDF's layout: the outer bands of the page where headers and footers are set (an A4 page's top
# 15 % holds a five-line header block under a 36 pt margin; footers sit in the bottom 12 %), and the
# height buckets (2 % of the page, more than a line) in which a header line comes back page after page.
TOP_BAND = 0.15
BOTTOM_BAND = 0.88
PLACE_BUCKETS = 50  # furniture recurs on at least this share of the pages (and on two)


def strip_markup(text: str) -> str:
    """Remove HTML tags and Markdown (heading marks, bold, link syntax), keeping the visible text."""
    text = _HTML_TAG.sub(" ", text)
    text = _MD_HEADING.sub("", text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return text.replace("&nbsp;", " ").replace("\xa0", " ")


def _shape(text: str) -> str:
    return _DIGITS.sub("#", _WS.sub(" ", text.strip().lower()))


def _page_order(lines: list[Line]) -> dict[int, list[int]]:
    """Page → indices of its non-blank lines from the top of the page down (by position when the
    PDF's layout is known, else in reading order)."""
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        if line.text.strip():
            by_page[line.page].append(i)
    for indices in by_page.values():
        if all(lines[i].style for i in indices):
            indices.sort(key=lambda i: (lines[i].style.top, lines[i].style.left))
    return by_page


def _place(line: Line, edge: str, rank: int) -> tuple:
    """Where a line sits: its shape and height on the page, or without a layout its rank from the edge."""
    where = round(line.style.top * PLACE_BUCKETS) if line.style else rank
    return (edge, where, _shape(line.text))


def _in_band(line: Line, edge: str) -> bool:
    if line.style is None:
        return True
    return line.style.top < TOP_BAND if edge == "top" else line.style.bottom > BOTTOM_BAND


def furniture_lines(lines: list[Line], page_count: int) -> set[int]:
    """Indices of running headers and footers.

    On a paginated document, a page's furniture is found by walking in from its top and from its
    bottom edge: each line that comes back at the same place on other pages (the same shape, digits
    read as one digit, at the same height in the PDF's layout and within the page's outer band, or
    else as the same line counted from that edge) is furniture, and the walk stops at the first line
    that is not, so a header block of any height goes and the body under it stays, however often a
    body line repeats elsewhere. On a text export without page breaks, a short title-like line with a
    date or number that recurs is furniture (it was a page header before the export dropped the page
    breaks).
    """
    found: set[int] = set()
    if page_count >= 2:
        order = _page_order(lines)
        edges = {page: (indices[:EDGE_SCAN], indices[::-1][:EDGE_SCAN]) for page, indices in order.items()}
        seen: dict[tuple, set[int]] = defaultdict(set)
        for page, (top, bottom) in edges.items():
            for edge, walk in (("top", top), ("bottom", bottom)):
                for rank, i in enumerate(walk):
                    seen[_place(lines[i], edge, rank)].add(page)
        needed = max(2, FURNITURE_PAGE_SHARE * page_count)
        for page, (top, bottom) in edges.items():
            on_page: set[int] = set()
            for edge, walk in (("top", top), ("bottom", bottom)):
                for rank, i in enumerate(walk):
                    line = lines[i]
                    repeats = (
                        len(seen[_place(line, edge, rank)]) >= needed and len(_shape(line.text)) <= MAX_BOILERPLATE_LEN
                    )
                    # A numbered item heading is never furniture, however alike the pages begin.
                    if (
                        not (repeats or is_noise(line.text))
                        or not _in_band(line, edge)
                        or _NUMBERED_HEADING.match(line.text.strip())
                    ):
                        break
                    on_page.add(i)
            if len(on_page) < len(order[page]):  # pages that are all alike are body, not furniture
                found |= on_page
        return found
    counts = Counter(_shape(line.text) for line in lines if line.text.strip())
    for i, line in enumerate(lines):
        shape = _shape(line.text)
        if not shape or len(shape) > MAX_BOILERPLATE_LEN:
            continue
        header_like = "#" in shape and " " in shape and not shape.endswith((".", ":")) and ":" not in shape
        if (counts[shape] >= MIN_REPEATS and header_like) or (counts[shape] >= 2 and is_dated_title(line.text)):
            found.add(i)
    return found


def _may_be_boilerplate(text: str) -> bool:
    """Headers and footers are short and never a numbered heading or a section heading."""
    from minutesindex.segment.sections import parse_heading

    stripped = text.strip()
    return (
        len(stripped) <= MAX_BOILERPLATE_LEN
        and not _NUMBERED_HEADING.match(stripped)
        and parse_heading(stripped) is None
    )


def _in_block(i: int, furniture: set[int]) -> bool:
    """A heading word in a header block (`Referat` under the committee's name) is furniture too."""
    return i - 1 in furniture or i + 1 in furniture


def is_noise(text: str) -> bool:
    return bool(
        _PAGE_NUMBER.match(text) or _PAGE_FOOTER.match(text) or _URL_ONLY.match(text) or _PAGE_WIDGET.match(text)
    )


def clean_lines(lines: list[Line], page_count: int = 1) -> list[Line]:
    """Lines to segment (markup already stripped, see strip_markup): page furniture and noise lines
    blanked (kept, so paragraphs stay apart)."""
    furniture = furniture_lines(lines, page_count)
    cleaned = []
    for i, line in enumerate(lines):
        text = line.text.rstrip()
        if is_noise(text) or (i in furniture and (_may_be_boilerplate(text) or _in_block(i, furniture))):
            text = ""
        elif glued := _GLUED_WIDGET.search(text):
            text = text[: glued.start()].rstrip()  # `…dagsordenKlik her for at folde ud og læse mere om …`
        cleaned.append(Line(text=text, raw=line.raw, page=line.page, style=line.style))
    return cleaned
