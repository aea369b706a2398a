"""SBSYS eDagsorden's `Publication<N>` export (also AGMAN's): `Publication<N>.xml` with its
`Enclosures/` folder, published as `Publication<N>.zip` (unpacked like any zip before it is read).

The XML (UTF-8 with a BOM, values in CDATA) gives the committee, the meeting's time, and per item its
number, caption, whether it is public, its case, its fields (caption and HTML content; the decision
field is the one marked `IsFeedback`) and enclosures with their relative paths (Windows separators).
`PublicationTypeAsValue` says draft (0), agenda (1) or minutes (anything else).
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from minutesindex.ingest.exports import (
    ExportedMeeting,
    find_file,
    html_text,
    parse_export_date,
    parse_xml,
    plain,
    section_name,
    text_of,
)
from minutesindex.model import Attachment, Item, Meeting, Section

AGENDA_TYPES = {"0", "1"}


def read(path: Path) -> ExportedMeeting:
    root = parse_xml(path)
    warnings: list[str] = []
    agenda = root.find("Agendas/Agenda")
    if agenda is None:
        agenda = root.find(".//Agenda")
    meeting_element = agenda.find("Meeting") if agenda is not None else None
    committee = text_of(agenda, "Committee/Name") or text_of(agenda, "Name")
    date = parse_export_date(text_of(meeting_element, "When"))
    if date is None:
        warnings.append("field Meeting/When missing or unreadable; meeting date unknown")
    missing: list[str] = []
    items = [_item(raw, path.parent, missing) for raw in (agenda.findall("Items/Item") if agenda is not None else [])]
    decided = any(s.name == "beslutning" for item in items for s in item.sections)
    kind = "dagsorden" if text_of(root, "PublicationTypeAsValue") in AGENDA_TYPES and not decided else "referat"
    if missing:
        warnings.append(f"{len(missing)} enclosure file(s) it names are missing: {', '.join(missing)}")
    members = meeting_element.findall("Members/MeetingMember") if meeting_element is not None else []
    meeting = Meeting(
        committee=plain(committee) or None,
        meeting_date=date,
        kind=kind,
        participants=[plain(text_of(m, "Name")) for m in members if text_of(m, "Name")],
    )
    # The whole agenda as a PDF, where the package holds it (`Publication32.pdf` beside the XML).
    name = text_of(root, "OutputFileNameWithoutExtension") or path.stem
    pdf = find_file(path.parent, f"{name}.pdf")
    return ExportedMeeting("sbsys", meeting, items, pdf, warnings)


def _item(raw: Element, folder: Path, missing: list[str]) -> Item:
    body: list[str] = []
    sections: list[Section] = []
    for field in sorted(raw.findall("Fields/ItemField"), key=lambda f: _int(text_of(f, "Index"))):
        text = html_text(field.findtext("Content") or "")
        if not text:
            continue
        caption = plain(text_of(field, "Caption"))
        if text_of(field, "IsFeedback").lower() == "true":
            sections.append(Section("beslutning", caption, text, text))
        elif caption:
            sections.append(Section(section_name(caption), caption, text, text))
        else:
            body.append(text)
    attachments = []
    for k, enclosure in enumerate(raw.findall("Enclosures/Enclosure"), start=1):
        relative = text_of(enclosure, "InstantiationFilePathRelative") or text_of(enclosure, "InstantiationFileName")
        found = find_file(folder, relative) if relative else None
        if relative and found is None:
            missing.append(relative)
        title = plain(text_of(enclosure, "Name") or text_of(enclosure, "FileName"))
        url = found.relative_to(folder).as_posix() if found else None
        attachments.append(Attachment(f"Bilag {text_of(enclosure, 'Number') or k}", title, url))
    return Item(
        number=text_of(raw, "Number"),
        title=plain(text_of(raw, "Caption")),
        page_start=1,
        page_end=1,
        sections=sections,
        attachments=attachments,
        body="\n".join(body),
        closed=text_of(raw, "IsPublic").lower() == "false",
        case_number=plain(text_of(raw, "Case/Number")) or None,
    )


def _int(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0
