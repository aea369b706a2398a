"""Agenda items from a PDF's outline, where the agenda system put them there (FirstAgenda's
`Punkt 3: Title`, a closed item `Punkt 21: Lukket: Title`), checked against the page text.

An outline is used only when it lists numbered items, points them to pages in order, and the text
of the pages says so: the title of nearly every entry is printed on the page it points to. An
outline of attachments, of a table of contents or of a temporary file name is left alone, and the
text segmenter decides.
"""

from __future__ import annotations

import re
from collections import Counter

from minutesindex.model import Item, Line, OutlineEntry
from minutesindex.segment.items import CLOSED_MARK, item_in_span, title_line, words_of
from minutesindex.segment.sections import find_headings

_ENTRY = re.compile(
    r"^\s*(?:(?:punkt|pkt\.?|sag)\s*)?(?P<number>\d{1,3}(?:\.\d{1,2}){0,2})\s*[.:)\-–]?\s+(?P<title>\S.*)$", re.I
)
# The share of item entries whose title must be printed on the page they point to. One entry in ten
# may be set otherwise in the text (an abbreviation, a title rewritten after the outline was made);
# more than that and the outline describes some other document.
MIN_FOUND_SHARE = 0.9
# The characters of an entry's title that must be printed on its page (outline titles run longer
# than the printed title where the page wraps or shortens it).
TITLE_PREFIX = 30


def _item_entry(entry: OutlineEntry) -> tuple[str, str, bool] | None:
    """(number, title, closed) of an outline entry that names an agenda item, else None."""
    match = _ENTRY.match(entry.title)
    if not match:
        return None
    title = match["title"].strip()
    closed = bool(CLOSED_MARK.match(title))
    return ".".join(str(int(p)) for p in match["number"].split(".")), CLOSED_MARK.sub("", title).strip(), closed


def outline_items(outline: list[OutlineEntry], lines: list[Line]) -> list[Item] | None:
    """The items the outline lists, each from the line where its title is printed to the next item,
    or None where the outline does not list the agenda's items as the text prints them."""
    parsed = [(entry, found) for entry in outline if (found := _item_entry(entry))]
    if not parsed:
        return None
    level = Counter(entry.level for entry, _ in parsed).most_common(1)[0][0]
    parsed = [(entry, found) for entry, found in parsed if entry.level == level]
    pages = [entry.page for entry, _ in parsed]
    numbers = [number for _, (number, _, _) in parsed]
    if pages != sorted(pages) or len(set(numbers)) != len(numbers) or min(pages) < 1:
        return None
    if len(parsed) >= 3 and len(set(pages)) == 1:
        return None  # every entry on one page: the outline of a table of contents
    starts: list[int | None] = []
    floor = 0
    for entry, (_, title, _) in parsed:
        at = title_line(lines, entry.page, floor, words_of(title)[:TITLE_PREFIX])
        starts.append(at)
        if at is not None:
            floor = at + 1
    if sum(at is not None for at in starts) < MIN_FOUND_SHARE * len(parsed):
        return None
    resolved = _resolve(starts, [entry.page for entry, _ in parsed], lines)
    headings = find_headings(lines)
    items: list[Item] = []
    for k, (entry, (number, title, closed)) in enumerate(parsed):
        end = resolved[k + 1] if k + 1 < len(parsed) else len(lines)
        item = item_in_span(lines, headings, (resolved[k], end), number, title, entry.title)
        item.closed = closed
        items.append(item)
    return items


def _resolve(starts: list[int | None], pages: list[int], lines: list[Line]) -> list[int]:
    """Entries not found in the text start at the first line of their page, after the previous item."""
    resolved: list[int] = []
    for at, page in zip(starts, pages, strict=True):
        if at is None:
            previous = resolved[-1] + 1 if resolved else 0
            at = next((i for i in range(previous, len(lines)) if lines[i].page >= page), previous)
        resolved.append(min(at, len(lines) - 1))
    return resolved
