"""Stage 3: meeting metadata, agenda items and their sections from repaired lines."""

from __future__ import annotations

import re
from dataclasses import replace

from minutesindex.model import Item, Line, Page, SegmentedDocument
from minutesindex.segment.cleaning import clean_lines, strip_markup
from minutesindex.segment.items import find_items
from minutesindex.segment.meeting import read_meeting

# Items with a decision written under them that make a document its title calls an agenda minutes:
# an agenda may print an empty `Beslutning` heading, or one decision carried over, not several.
MIN_DECIDED_ITEMS = 2
MAX_UNIT_TITLE = 120


def lines_of(pages: list[Page]) -> list[Line]:
    """Pair every repaired line with its raw line and page number."""
    lines: list[Line] = []
    for page in pages:
        text_lines = (page.text or page.raw_text).split("\n")
        raw_lines = page.raw_text.split("\n")
        if len(raw_lines) != len(text_lines):
            raw_lines = text_lines
        styles = page.layout if page.layout and len(page.layout) == len(raw_lines) else [None] * len(raw_lines)
        lines.extend(Line(t, r, page.number, style) for t, r, style in zip(text_lines, raw_lines, styles, strict=True))
    return lines


def segment_pages(pages: list[Page]) -> SegmentedDocument:
    lines = [replace(line, text=strip_markup(line.text)) for line in lines_of(pages)]
    cleaned = clean_lines(lines, page_count=len(pages))
    meeting = read_meeting(lines, cleaned)
    items = find_items(cleaned)
    if not items:
        return SegmentedDocument(meeting=meeting, items=[whole_document_unit(cleaned)], segmented=False)
    decided = sum(1 for item in items if _records_decision(item))
    if meeting.kind is None:
        meeting.kind = "referat" if decided else "dagsorden"  # a document that records decisions is minutes
    elif meeting.kind == "dagsorden" and decided >= MIN_DECIDED_ITEMS:
        meeting.kind = "referat"  # decisions under its items: minutes, whatever the title says
    return SegmentedDocument(meeting=meeting, items=items)


def whole_document_unit(lines: list[Line]) -> Item:
    """The whole text as one unit, for a document in which no agenda item was found: it stays
    searchable, titled by its first line."""
    text = [ln for ln in lines if ln.text.strip()]
    title = text[0].text.strip()[:MAX_UNIT_TITLE] if text else ""
    body = "\n".join(ln.text.rstrip() for ln in lines)
    return Item(
        number="",
        title=title,
        page_start=text[0].page if text else 1,
        page_end=text[-1].page if text else 1,
        body=re.sub(r"\n{3,}", "\n\n", body).strip(),
    )


def _records_decision(item: Item) -> bool:
    return any(s.name in ("beslutning", "referat") and s.text.strip() for s in item.sections)
