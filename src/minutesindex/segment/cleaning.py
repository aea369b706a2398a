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
FURNITURE_PAGE_SHARE = 0.4  # furniture recurs on at least this share of the pages (and on two)


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


def furniture_lines(lines: list[Line], page_count: int) -> set[int]:
    """Indices of running headers and footers.

    On a paginated document, a page's furniture is found by walking in from its top and from its
    bottom edge: each line whose shape (digits read as one digit) comes back near that edge of other
    pages is furniture, and the walk stops at the first line that does not, so a header block of any
    height goes and the body under it stays, however often a body line repeats elsewhere. On a text
    export without page breaks, a short title-like line with a date or number that recurs is furniture
    (it was a page header before the export dropped the page breaks).
    """
    found: set[int] = set()
    if page_count >= 2:
        order = _page_order(lines)
        tops: dict[str, set[int]] = defaultdict(set)
        bottoms: dict[str, set[int]] = defaultdict(set)
        for page, indices in order.items():
            for i in indices[:EDGE_SCAN]:
                tops[_shape(lines[i].text)].add(page)
            for i in indices[-EDGE_SCAN:]:
                bottoms[_shape(lines[i].text)].add(page)
        needed = max(2, FURNITURE_PAGE_SHARE * page_count)
        for indices in order.values():
            for walk, seen in ((indices[:EDGE_SCAN], tops), (indices[::-1][:EDGE_SCAN], bottoms)):
                for i in walk:
                    shape = _shape(lines[i].text)
                    if not (
                        is_noise(lines[i].text) or (len(seen[shape]) >= needed and len(shape) <= MAX_BOILERPLATE_LEN)
                    ):
                        break
                    found.add(i)
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
    return bool(_PAGE_NUMBER.match(text) or _PAGE_FOOTER.match(text) or _URL_ONLY.match(text))


def clean_lines(lines: list[Line], page_count: int = 1) -> list[Line]:
    """Lines to segment (markup already stripped, see strip_markup): page furniture and noise lines
    blanked (kept, so paragraphs stay apart)."""
    furniture = furniture_lines(lines, page_count)
    cleaned = []
    for i, line in enumerate(lines):
        text = line.text.rstrip()
        if is_noise(text) or (i in furniture and (_may_be_boilerplate(text) or _in_block(i, furniture))):
            text = ""
        cleaned.append(Line(text=text, raw=line.raw, page=line.page, style=line.style))
    return cleaned
