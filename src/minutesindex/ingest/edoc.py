"""eDoc's publishing export: a meeting folder with `eDocAgendaPublishing.xml` and the PDFs it names
(the whole meeting, each item, each attachment).

The XML gives the committee, date and state of the meeting, and per item its number, title, public
or not, its PDF and its text (`FullText`); sections are not marked up there, so they are found in
the item's text as the text segmenter finds them in any item. Items are not in number order in the
file; the XML is not well-formed as written (form feeds as character references), which
`parse_xml` mends.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

import pymupdf

from minutesindex.ingest.exports import ExportedMeeting, find_file, parse_export_date, parse_xml, plain, text_of
from minutesindex.model import Attachment, Item, Line, Meeting
from minutesindex.segment.items import item_in_span
from minutesindex.segment.sections import find_headings

PUBLIC = "skal publiceres"
_CASE_NUMBER = re.compile(r"^\s*sagsnr\.?\s*:\s*(\S.*?)\s*$", re.I)


def read(path: Path) -> ExportedMeeting:
    root = parse_xml(path)
    folder = path.parent
    warnings: list[str] = []
    missing: list[str] = []
    committee = text_of(root, "Committee")
    date = parse_export_date(text_of(root, "MeetingDate"))
    state = text_of(root, "MeetingState").lower()
    kind = "referat" if "referat" in state else "dagsorden" if "dagsorden" in state else None
    if date is None:
        warnings.append("field MeetingDate missing or unreadable; meeting date unknown")
    items: list[Item] = []
    pdf: Path | None = None
    for agenda_type in root.iter("MeetingAgendaType"):
        closed_part = "lukket" in text_of(agenda_type, "AgendaType").lower()
        whole = text_of(agenda_type, "PDFDocument")
        if whole and pdf is None and not closed_part:
            pdf = find_file(folder, whole)
            if pdf is None:
                missing.append(whole)
        for raw in agenda_type.iter("MeetingAgendaItem"):
            items.append(_item(raw, closed_part, folder, missing))
    if missing:
        warnings.append(f"{len(missing)} file(s) it names are missing: {', '.join(missing)}")
    return ExportedMeeting("edoc", Meeting(committee=committee or None, meeting_date=date, kind=kind), items, pdf,
                           warnings)  # fmt: skip


def _pdf_text(path: Path | None) -> str:
    """The text layer of an item's own PDF ('' where there is none to read)."""
    if path is None:
        return ""
    try:
        with pymupdf.open(path) as doc:
            return "\n".join(page.get_text() for page in doc)
    except Exception:  # a damaged item PDF: the item lands with its title; the meeting PDF has the pages
        return ""


def _item(raw: Element, closed_part: bool, folder: Path, missing: list[str]) -> Item:
    number = text_of(raw, "AgendaItemNumber")
    document = raw.find("Document")
    title = plain(text_of(document, "Title") or text_of(document, "NeutralTitle"))
    publishing = text_of(document, "PublishingType").lower()
    closed = closed_part or bool(publishing and publishing != PUBLIC)
    full_text = raw.findtext("FullText") or ""
    if not full_text.strip():  # an export without the item's text: its own PDF has it
        full_text = _pdf_text(find_file(folder, text_of(raw, "PDFDocument")))
    lines = [Line(t, t, 1) for t in re.split(r"\r\n|\r|\n", full_text)]
    start = next((i for i, ln in enumerate(lines) if ln.text.strip()), 0)
    if lines and any(ln.text.strip() for ln in lines):
        item = item_in_span(lines, find_headings(lines), (start, len(lines)), number, title, f"{number}. {title}")
    else:
        item = Item(number=number, title=title, page_start=1, page_end=1)
    item.title, item.number, item.closed = title or item.title, number, closed
    item.case_number = next((m[1] for ln in lines if (m := _CASE_NUMBER.match(ln.text))), None)
    item.attachments = []
    for k, attachment in enumerate(raw.iter("Attachment"), start=1):
        name = text_of(attachment, "PDFDocument")
        found = find_file(folder, name) if name else None
        if name and found is None:
            missing.append(name)
        title_text = plain(text_of(attachment, "Title") or text_of(attachment, "NeutralTitle"))
        item.attachments.append(Attachment(f"Bilag {k}", title_text, found.name if found else None))
    return item
