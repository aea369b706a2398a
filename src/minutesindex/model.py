"""Plain data handed from one pipeline stage to the next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

CANONICAL_SECTIONS = (
    "resume",
    "baggrund",
    "sagsfremstilling",
    "indstilling",
    "referat",
    "beslutning",
    "bilag",
)


# The warnings of a page whose OCR ran past its time limit, or failed (Tesseract or MuPDF could not
# read it): the page is stored empty, and the next ingest of the file reads it again.
OCR_TIMED_OUT = "OCR timed out"
OCR_FAILED = "OCR failed"
UNREAD_PAGE_WARNINGS = (OCR_TIMED_OUT, OCR_FAILED)


def unread_page(warning: str | None) -> bool:
    """Whether a page with this warning was stored without its text, to be read again."""
    return (warning or "").startswith(UNREAD_PAGE_WARNINGS)


@dataclass(frozen=True)
class LineStyle:
    """Where and how a line of a PDF's text layer is set; text exports and OCR'd pages have none.

    `top` and `bottom` are fractions of the page height (0 at the top), `left` a fraction of its
    width; `size` is the line's largest font size in points, `bold` whether most of it is bold.
    """

    top: float
    bottom: float
    left: float
    size: float
    bold: bool


@dataclass
class Page:
    """One page of a source file: what was read, how, and what repair made of it."""

    number: int
    raw_text: str
    method: str = "text"  # "text" (text layer / text export) or "ocr"
    confidence: float | None = None  # mean Tesseract word confidence, 0-100
    text: str = ""  # repaired text; same line count as raw_text
    repaired_words: int = 0
    mangled: bool = False  # repair found Danish letters misread on this page
    warning: str | None = None
    layout: list[LineStyle | None] | None = None  # one per line of raw_text, from a PDF's text layer


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark of a PDF's outline: its level (1 = top), title and 1-based target page."""

    level: int
    title: str
    page: int


@dataclass
class ExtractedDocument:
    path: Path
    content_hash: str
    pages: list[Page]
    outline: list[OutlineEntry] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass
class Line:
    """A line of repaired text with the raw line it came from and its page."""

    text: str
    raw: str
    page: int
    style: LineStyle | None = None


@dataclass
class Section:
    name: str  # canonical name or "other:<heading>"
    heading: str  # as printed
    text: str
    raw_text: str = ""


@dataclass
class Attachment:
    label: str  # "Bilag 1"
    title: str
    url: str | None = None

    def __str__(self) -> str:
        return f"{self.label}: {self.title}" if self.title else self.label


@dataclass
class Item:
    number: str
    title: str
    page_start: int
    page_end: int
    presenter: str | None = None
    category: str | None = None
    sections: list[Section] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    body: str = ""  # text before the first section heading
    # Text before this item that belongs to no item (the first item carries the meeting's title
    # block, attendance and contents): kept so that every word of the document is found.
    preface: str = ""
    closed: bool = False  # marked closed (lukket) by the source: only its decision, if anything, is public
    case_number: str | None = None  # the case (sagsnr.) as the source gives it, else the first its text prints
    case_numbers: list[str] = field(default_factory=list)  # every case it names, normalised (segment.cases)

    def section_text(self, name: str) -> str:
        return "\n\n".join(s.text for s in self.sections if s.name == name)


@dataclass
class Meeting:
    committee: str | None = None
    municipality: str | None = None  # `Aarhus Kommune`, `Region Midtjylland`
    meeting_date: dt.date | None = None
    kind: str | None = None  # "dagsorden" or "referat"
    participants: list[str] = field(default_factory=list)
    absentees: list[str] = field(default_factory=list)


# Where a document's structure came from, most trusted first: the agenda system's export, the PDF's
# outline, the text layer's layout, plain text (text exports and OCR'd pages).
STRUCTURE_SOURCES = ("export", "outline", "layout", "text")


@dataclass
class SegmentedDocument:
    meeting: Meeting
    items: list[Item]
    segmented: bool = True  # False: no agenda item was found; `items` holds the whole text as one unit
    source: str = "text"  # one of STRUCTURE_SOURCES
