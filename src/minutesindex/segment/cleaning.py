"""Keep running headers, footers, page numbers, dumped URLs and markup out of the text to segment."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from minutesindex.model import Line
from minutesindex.segment.meeting import is_dated_title

_PAGE_NUMBER = re.compile(r"^\s*(?:side\s+)?[-–]?\s*\d{1,3}\s*[-–]?\s*(?:(?:af|/)\s*\d{1,3})?\s*$", re.I)
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


def boilerplate_shapes(lines: list[Line], page_count: int) -> set[str]:
    """Line shapes that repeat like running headers and footers.

    On a paginated document: shapes found near the top or bottom of many pages. On a text export
    without page breaks: short lines with a number (a date, a page) that recur at least three times.
    """
    shapes: set[str] = set()
    counts = Counter(_shape(line.text) for line in lines if line.text.strip())
    if page_count >= 2:
        edge_pages: dict[str, set[int]] = defaultdict(set)
        by_page: dict[int, list[str]] = defaultdict(list)
        for line in lines:
            if line.text.strip():
                by_page[line.page].append(_shape(line.text))
        for page, page_shapes in by_page.items():
            for shape in page_shapes[:3] + page_shapes[-3:]:
                edge_pages[shape].add(page)
        for shape, pages in edge_pages.items():
            if len(pages) >= max(2, 0.4 * page_count) and len(shape) <= MAX_BOILERPLATE_LEN and "#" in shape:
                shapes.add(shape)
    for shape, count in counts.items():
        if count >= MIN_REPEATS and "#" in shape and len(shape) <= MAX_BOILERPLATE_LEN and " " in shape:
            shapes.add(shape)
    for line in lines:
        if counts[_shape(line.text)] >= 2 and is_dated_title(line.text):
            shapes.add(_shape(line.text))  # a footer like "DASSOS   Dagsorden 5.5.2022"
    return shapes


def _may_be_boilerplate(text: str) -> bool:
    """Headers and footers are short and never a numbered heading or a section heading."""
    from minutesindex.segment.sections import parse_heading

    stripped = text.strip()
    return (
        len(stripped) <= MAX_BOILERPLATE_LEN
        and not _NUMBERED_HEADING.match(stripped)
        and parse_heading(stripped) is None
    )


def is_noise(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text) or _PAGE_FOOTER.match(text) or _URL_ONLY.match(text))


def clean_lines(lines: list[Line], page_count: int = 1) -> list[Line]:
    """Lines to segment (markup already stripped, see strip_markup): boilerplate and noise lines
    blanked (kept, so paragraphs stay apart)."""
    shapes = boilerplate_shapes(lines, page_count)
    cleaned = []
    for line in lines:
        text = line.text.rstrip()
        if is_noise(text) or (text.strip() and _shape(text) in shapes and _may_be_boilerplate(text)):
            text = ""
        cleaned.append(Line(text=text, raw=line.raw, page=line.page))
    return cleaned
