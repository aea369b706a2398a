"""Agenda systems' own publication exports: which files are one, and what they share (safe XML,
HTML fields as sections, dates). Each system's reader is a module of its own (edoc, acadre, sbsys,
firstagenda); `read_export` picks it.

An export gives a meeting's structure as the agenda system knew it: the committee, date and kind,
the items with their numbers, titles, case numbers, open or closed, their sections under their own
headings, and attachments. Where the export names the whole meeting as one PDF, that file's pages
are read for the page numbers and full text; otherwise each item is one page of the document.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from minutesindex.errors import InputFileError
from minutesindex.model import Item, Meeting, Page, Section
from minutesindex.segment.items import COMMITTEE_DECISION
from minutesindex.segment.sections import parse_heading

EDOC_MANIFEST = "edocagendapublishing.xml"
_ACADRE_MANIFEST = re.compile(r"^XML_(\d+)\.xml$", re.I)
_SBSYS_PUBLICATION = re.compile(r"^Publication\d+\.xml$", re.I)
# XML 1.0 forbids these characters even as references; eDoc writes form feeds as `&#xC;`.
_FORBIDDEN_REFERENCE = re.compile(rb"&#(?:x0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));")
_FORBIDDEN_CHARACTER = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# An export file larger than this is no meeting (the largest real one, a FirstAgenda city council
# meeting with 33 items, is 0.6 MB).
MAX_EXPORT_BYTES = 200_000_000


@dataclass
class ExportedMeeting:
    system: str  # edoc | acadre | sbsys | firstagenda
    meeting: Meeting
    items: list[Item]
    pdf: Path | None = None  # the whole meeting as one PDF, where the export has it
    warnings: list[str] = field(default_factory=list)


def export_system(path: Path) -> str | None:
    """Which agenda system's export a file is the entry of, by its name (JSON by its shape, later)."""
    name = path.name
    if name.lower() == EDOC_MANIFEST:
        return "edoc"
    if _ACADRE_MANIFEST.match(name):
        return "acadre"
    if _SBSYS_PUBLICATION.match(name):
        return "sbsys"
    if path.suffix.lower() == ".json":
        return "firstagenda"
    return None


def export_parts(path: Path) -> set[Path]:
    """The files and folders beside an export's entry that belong to it (its PDFs, its files folder),
    which a folder walk must not take as documents of their own."""
    system = export_system(path)
    if system in ("edoc", "sbsys"):
        return {path.parent}
    if system == "acadre":
        match = _ACADRE_MANIFEST.match(path.name)
        return {p for p in path.parent.glob(f"Files_{match[1]}_*") if p.is_dir()} if match else set()
    return set()


def read_export(path: Path) -> ExportedMeeting:
    """Read an export's entry file with the reader of its system; InputFileError names what is wrong."""
    from minutesindex.ingest import acadre, edoc, firstagenda, sbsys

    readers = {"edoc": edoc.read, "acadre": acadre.read, "sbsys": sbsys.read, "firstagenda": firstagenda.read}
    system = export_system(path)
    if system is None:
        raise InputFileError(path, "not an agenda system export this version reads")
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise InputFileError(path, f"export file larger than {MAX_EXPORT_BYTES // 1_000_000} MB")
    exported = readers[system](path)
    exported.items.sort(key=lambda item: number_order(item.number))
    return exported


def number_order(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", number)) or (10**9,)


def parse_xml(path: Path) -> Element:
    """Parse an export's XML safely: no entity expansion, no DTD, no external resources; references to
    characters XML 1.0 forbids (eDoc's form feeds) are dropped first, as its own importer does."""
    data = path.read_bytes()
    data = _FORBIDDEN_CHARACTER.sub(b"", _FORBIDDEN_REFERENCE.sub(b"", data))
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputFileError(path, f"XML refused: it declares a DTD or entities ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise InputFileError(path, f"not well-formed XML ({exc})") from exc


def text_of(element: Element | None, path: str) -> str:
    """The text of a child element (a path as ElementTree's findtext), stripped; '' where absent."""
    if element is None:
        return ""
    return (element.findtext(path) or "").strip()


def parse_export_date(text: str) -> dt.date | None:
    """`04-12-2012 13:00:00`, `2013-06-20 10:30`, `2022-03-07T19:00:00+01:00`: the date as written (the
    local date; no time zone is applied)."""
    text = text.strip()
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.match(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_file(folder: Path, name: str) -> Path | None:
    """A file in the folder by name, matched as exports need: case-insensitively (`3687981.xml` is
    `3687981.XML`), in either Unicode normal form, with Windows separators read as folders."""
    if not name.strip():
        return None
    parts = [p for p in re.split(r"[\\/]", name.strip()) if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None  # never a file outside the export
    current = folder
    for part in parts:
        wanted = _name_key(part)
        try:
            match = next((child for child in current.iterdir() if _name_key(child.name) == wanted), None)
        except OSError:
            return None
        if match is None:
            return None
        current = match
    return current if current.is_file() else None


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def section_name(printed: str) -> str:
    """The canonical name of a section an export heads `printed`; a committee's dated decision
    (`Beslutning i Udvalget for … den 10-04-2013`, `…udvalgets beslutning den 04.12.2012`) is the
    beslutning, any other heading a council section of its own (other:<heading>)."""
    printed = re.sub(r"\s+", " ", printed).strip().rstrip(":").strip()
    heading = parse_heading(printed)
    if heading is not None and not heading.rest:
        return heading.name
    if COMMITTEE_DECISION.match(printed) or re.search(r"\bbeslutning\b", printed, re.I):
        return "beslutning"
    return f"other:{printed.lower()}"


@dataclass
class HtmlBlock:
    text: str
    heading: bool  # set as a heading (h1-h6), or a paragraph in bold that the vocabulary knows


_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_TAGS = {"b", "strong"}
MAX_BOLD_HEADING = 60
MAX_HEADING = 100  # the longest real heading of the FirstAgenda examples has 64 characters


class _BlockParser(HTMLParser):
    """HTML to paragraphs of text: block elements part them, whitespace inside one (hard line breaks
    in the middle of sentences) is one space; entities are unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[HtmlBlock] = []
        self._text: list[tuple[str, bool]] = []  # (text, in bold)
        self._heading_depth = 0
        self._bold_depth = 0
        self._in_heading_block = False
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag == "li":
                self._text.append(("- ", False))
        if tag in _HEADING_TAGS:
            self._heading_depth += 1
            self._in_heading_block = True
        elif tag in _BOLD_TAGS:
            self._bold_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip_depth = max(0, self._skip_depth - 1)
        if tag in _HEADING_TAGS:
            self._flush()
            self._heading_depth = max(0, self._heading_depth - 1)
            self._in_heading_block = self._heading_depth > 0
        elif tag in _BOLD_TAGS:
            self._bold_depth = max(0, self._bold_depth - 1)
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._text.append((data, self._bold_depth > 0))

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(t for t, _ in self._text).replace("\xa0", " ")).strip()
        if text and text != "-":
            bold = all(b or not t.strip() for t, b in self._text if t.strip() != "-")
            known = len(text) <= MAX_BOLD_HEADING and parse_heading(text) is not None
            # A sentence set in a heading tag (a paragraph styled large) is text, not a heading.
            heading = known or (self._in_heading_block and len(text) <= MAX_HEADING and not text.endswith("."))
            heading = heading and (self._in_heading_block or bold)
            self.blocks.append(HtmlBlock(text, heading))
        self._text = []
        self._in_heading_block = self._heading_depth > 0

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(markup: str) -> list[HtmlBlock]:
    parser = _BlockParser()
    parser.feed(markup or "")
    parser.close()
    return parser.blocks


def html_text(markup: str) -> str:
    """The text of an HTML field, a paragraph a line."""
    return "\n".join(block.text for block in html_blocks(markup))


def sections_from_html(markup: str) -> tuple[str, list[Section]]:
    """An HTML field that heads its own sections (FirstAgenda's item): the text before the first
    heading, and each heading's section; a heading with no text under it is left out, its words are
    the next section's context only."""
    body: list[str] = []
    sections: list[Section] = []
    for block in html_blocks(markup):
        if block.heading:
            sections.append(Section(section_name(block.text), block.text, ""))
        elif sections:
            sections[-1].text = f"{sections[-1].text}\n{block.text}".strip()
        else:
            body.append(block.text)
    kept = [s for s in sections if s.text]
    for section in kept:
        section.raw_text = section.text
    return "\n".join(body), kept


def plain(value: str) -> str:
    """A field's text with HTML entities unescaped and whitespace runs made one space."""
    return re.sub(r"\s+", " ", html.unescape(value or "").replace("\xa0", " ")).strip()


def item_pages(items: list[Item]) -> list[Page]:
    """The pages of an export without a PDF of the meeting: each item is one page, its title and
    sections in order (the text a search finds and `show` prints)."""
    pages: list[Page] = []
    for number, item in enumerate(items, start=1):
        parts = [f"{item.number}. {item.title}".strip(". "), item.body]
        parts += [f"{s.heading}\n{s.text}" if s.heading else s.text for s in item.sections]
        text = "\n\n".join(p for p in parts if p and p.strip())
        pages.append(Page(number=number, raw_text=text, method="export"))
        item.page_start = item.page_end = number
    return pages
