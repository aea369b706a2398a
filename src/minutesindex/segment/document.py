"""A document's pages (or an export's items) to its meeting and agenda items: the segmentation's entry points."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from minutesindex.model import Item, Line, Meeting, OutlineEntry, Page, SegmentedDocument
from minutesindex.segment.cleaning import clean_lines, strip_markup
from minutesindex.segment.items import items_from_labels, title_line, words_of
from minutesindex.segment.labeller import label_lines
from minutesindex.segment.meeting import read_meeting
from minutesindex.segment.outline import outline_items

# Items with a decision written under them that make a document its title calls an agenda minutes:
# an agenda may print an empty `Beslutning` heading, or one decision carried over, not several.
MIN_DECIDED_ITEMS = 2
MAX_UNIT_TITLE = 120
TITLE_PREFIX = 40  # the characters of an exported item's title looked for on its page


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


def segment_pages(
    pages: list[Page], outline: list[OutlineEntry] | None = None, model: Path | None = None
) -> SegmentedDocument:
    """Meeting and items of a document: the items from its PDF outline where that lists them as the
    pages print them, else from its lines as the line labeller (`model`, else the shipped one)
    labels them, with their layout where the PDF gives it."""
    lines = [replace(line, text=strip_markup(line.text)) for line in lines_of(pages)]
    cleaned = clean_lines(lines, page_count=len(pages))
    meeting = read_meeting(lines, cleaned)
    items = outline_items(outline, cleaned) if outline and cleaned else None
    source = "outline"
    if items is None:
        labelled = label_lines(cleaned, model)
        items = items_from_labels(cleaned, labelled.tokens, labelled.labels, labelled.numbers)
        source = "layout" if any(line.style for line in cleaned) else "text"
    if not items:
        return SegmentedDocument(meeting=meeting, items=[whole_document_unit(cleaned)], segmented=False, source=source)
    _settle_kind(meeting, items)
    return SegmentedDocument(meeting=meeting, items=items, source=source)


def exported_document(meeting: Meeting, items: list[Item], pages: list[Page], placed: bool) -> SegmentedDocument:
    """A meeting as an agenda system's export gives it. With `placed`, the pages are the export's PDF
    of the meeting, and each item starts on the first page, from the previous item's on, that prints
    its title (past the pages that list most titles: the table of contents)."""
    if not items:
        unit = whole_document_unit(clean_lines(lines_of(pages), page_count=len(pages)))
        return SegmentedDocument(meeting=meeting, items=[unit], segmented=False, source="export")
    if placed:
        _place_items(items, pages)
    if meeting.kind is None:
        _settle_kind(meeting, items)
    return SegmentedDocument(meeting=meeting, items=items, source="export")


def _place_items(items: list[Item], pages: list[Page]) -> None:
    lines = [line for line in lines_of(pages) if line.text.strip()]
    titles = [words_of(item.title)[:TITLE_PREFIX] for item in items]
    page_words = [words_of(page.text or page.raw_text) for page in pages]
    # Pages that print two or more titles, and most of them, list them: the table of contents.
    listing = {page.number for page, words in zip(pages, page_words, strict=True)
               if 2 * sum(1 for t in titles if t and t in words) > max(len(items), 2)}  # fmt: skip
    at, floor = 0, 0
    for item, title in zip(items, titles, strict=True):
        for k in range(at, len(pages)):
            found = None if pages[k].number in listing else title_line(lines, pages[k].number, floor, title)
            if found is not None:
                at, floor = k, found + 1
                break
        item.page_start = pages[at].number
    for item, following in zip(items, [*items[1:], None], strict=True):
        item.page_end = max(item.page_start, following.page_start if following else pages[-1].number)


def _settle_kind(meeting: Meeting, items: list[Item]) -> None:
    decided = sum(1 for item in items if _records_decision(item))
    if meeting.kind is None:
        meeting.kind = "referat" if decided else "dagsorden"  # a document that records decisions is minutes
    elif meeting.kind == "dagsorden" and decided >= MIN_DECIDED_ITEMS:
        meeting.kind = "referat"  # decisions under its items: minutes, whatever the title says


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
