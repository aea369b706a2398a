"""Acadre MM's publishing export: a manifest `XML_<id>.xml` naming the produced agenda or minutes,
and its files folder `Files_<id>_…/` with the agenda XML and PDF renditions.

Both XMLs use one generic shape, `<table name="X"><fields><field …/>…`: the manifest puts each
value in an attribute named by its key (`<field date="2013-06-20 10:30"/>`), the agenda XML puts
the key in `@name` and the value in the text. Items carry their sections (`bullet`, HTML) under
their own headings, with the item's whole history: every decision of every meeting that treated
it, this meeting's last. File names are matched case-insensitively and in either Unicode form.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element

from minutesindex.errors import InputFileError
from minutesindex.ingest.exports import (
    ExportedMeeting,
    find_file,
    html_text,
    parse_export_date,
    parse_xml,
    plain,
    section_name,
)
from minutesindex.model import Attachment, Item, Meeting, Section

KINDS = {"1": "dagsorden", "2": "referat"}  # producedAgenda type


def _tables(element: Element, name: str) -> list[Element]:
    return [t for t in element if t.tag == "table" and t.get("name") == name]


def _manifest_fields(group: Element) -> dict[str, str]:
    """A manifest `fields` group: each `field` holds its value in an attribute named by its key."""
    values: dict[str, str] = {}
    for field in group.iter("field"):
        for key, value in field.attrib.items():
            values.setdefault(key, value)
    return values


def _fields(table: Element) -> dict[str, str]:
    """An agenda XML table's own fields: key in @name, value in the text."""
    group = table.find("fields")
    if group is None:
        return {}
    return {f.get("name", ""): (f.text or "") for f in group if f.tag == "field"}


def read(path: Path) -> ExportedMeeting:
    manifest = parse_xml(path)
    warnings: list[str] = []
    committee_group = next((t.find("fields") for t in _tables(manifest, "committee")), None)
    meeting_group = next((t.find("fields") for t in _tables(manifest, "meeting")), None)
    committee = _manifest_fields(committee_group).get("name", "") if committee_group is not None else ""
    meeting_values = _manifest_fields(meeting_group) if meeting_group is not None else {}
    produced = [_manifest_fields(g) for t in _tables(manifest, "producedAgenda") for g in t if g.tag == "fields"]
    published = [p for p in produced if p.get("publish") == "1" and p.get("filesfolder")] or [
        p for p in produced if p.get("filesfolder")
    ]
    sysid = re.match(r"^XML_(\d+)", path.name, re.I)
    folder = None
    chosen: dict[str, str] = published[-1] if published else {}
    if chosen:
        folder = next((p for p in path.parent.iterdir() if p.is_dir() and p.name == chosen["filesfolder"]), None)
    if folder is None and sysid:
        folder = next((p for p in sorted(path.parent.glob(f"Files_{sysid[1]}_*")) if p.is_dir()), None)
    if folder is None:
        raise InputFileError(path, "the export's files folder (Files_…) is missing")
    agenda_xml = find_file(folder, chosen.get("xmlfilename", "")) or next(
        (p for p in sorted(folder.iterdir()) if p.suffix.lower() == ".xml"), None
    )
    if agenda_xml is None:
        raise InputFileError(path, f"no agenda XML in {folder.name}")
    agenda = parse_xml(agenda_xml)
    agenda_table = agenda if agenda.get("name") == "agenda" else next(iter(_tables(agenda, "agenda")), agenda)
    agenda_values = _fields(agenda_table)
    meeting_table = next(iter(_tables(agenda_table, "meeting")), None)
    meeting_fields = _fields(meeting_table) if meeting_table is not None else {}
    committee_table = next(iter(_tables(agenda_table, "committee")), None)
    committee = committee or (_fields(committee_table).get("name", "") if committee_table is not None else "")
    date = parse_export_date(meeting_fields.get("date") or meeting_values.get("date", ""))
    kind = KINDS.get(chosen.get("type", "")) or _kind_of_name(agenda_values.get("name", ""))
    if date is None:
        warnings.append("field meeting date missing or unreadable; meeting date unknown")
    missing: list[str] = []
    parents = _tables(agenda_table, "agendaitemparents")
    items = [_item(parent, folder, missing, warnings, agenda_xml.name) for parent in parents]
    if missing:
        warnings.append(f"{len(missing)} attachment file(s) not in {folder.name}: {', '.join(missing)}")
    members = [_fields(m) for t in ([meeting_table] if meeting_table is not None else []) for m in t.iter("table")
               if m.get("name") == "member"]  # fmt: skip
    meeting = Meeting(
        committee=plain(committee) or None,
        meeting_date=date,
        kind=kind,
        participants=[plain(m.get("name", "")) for m in members if m.get("absent", "0") != "1" and m.get("name")],
        absentees=[plain(m.get("name", "")) for m in members if m.get("absent") == "1" and m.get("name")],
    )
    pdf = _minutes_pdf(folder, chosen, meeting_values.get("name", "") or meeting_fields.get("name", ""))
    return ExportedMeeting("acadre", meeting, items, pdf, warnings)


def _kind_of_name(name: str) -> str | None:
    lowered = name.lower()
    return "referat" if "referat" in lowered else "dagsorden" if "dagsorden" in lowered else None


def _minutes_pdf(folder: Path, produced: dict[str, str], meeting_name: str) -> Path | None:
    """The whole minutes as PDF: named as its document (`3687982.pdf`) or, as Acadre's PDF rendition
    names it, after the meeting (`Ekstraordinært PUK.pdf`)."""
    document = produced.get("docfilename", "")
    candidates = [f"{Path(document).stem}.pdf"] if document else []
    if meeting_name:
        candidates.append(f"{meeting_name}.pdf")
    return next((found for name in candidates if (found := find_file(folder, name))), None)


def _item(parent: Element, folder: Path, missing: list[str], warnings: list[str], source: str) -> Item:
    number = _fields(parent).get("sort", "").strip()
    item_table = next(iter(_tables(parent, "agendaitem")), None)
    values = _fields(item_table) if item_table is not None else {}
    if item_table is None:
        warnings.append(f"{source}: item {number or '?'} has no agendaitem table; stored by its number only")
    bullets = sorted(
        (_fields(b) for b in (_tables(item_table, "bullet") if item_table is not None else [])),
        key=lambda b: int(b.get("bulletsortorder") or 0) if (b.get("bulletsortorder") or "0").isdigit() else 0,
    )
    sections = []
    for bullet in bullets:
        text = html_text(bullet.get("bulletcontent", ""))
        heading = plain(bullet.get("bulletname", ""))
        if text:
            name = "beslutning" if bullet.get("bullettype") == "8" else section_name(heading)
            sections.append(Section(name, heading, text, text))
    attachments = []
    for k, enclosure in enumerate(
        (_fields(e) for e in (_tables(item_table, "enclosure") if item_table is not None else [])), start=1
    ):
        title = plain(enclosure.get("name", ""))
        found = find_file(folder, f"{title}.pdf") if title else None
        if found is None:
            missing.append(enclosure.get("filename") or title)
        attachments.append(Attachment(f"Bilag {enclosure.get('sort') or k}", title, found.name if found else None))
    access = values.get("accessname", "").strip().lower()
    return Item(
        number=number,
        title=plain(values.get("name", "")),
        page_start=1,
        page_end=1,
        sections=sections,
        attachments=attachments,
        closed=access == "lukket" or values.get("access", "1") not in ("1", ""),
        case_number=plain(values.get("caseno", "")) or None,
    )
