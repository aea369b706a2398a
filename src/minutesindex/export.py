"""Export agenda items as JSON Lines and decision tables as CSV (RFC 4180 or Danish Excel) or xlsx."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path

from minutesindex.segment.sections import canonical
from minutesindex.store.tables import ItemRow, SectionRow

DECISION_COLUMNS = [
    "meeting_date",
    "committee",
    "kind",
    "item_number",
    "title",
    "presenter",
    "indstilling",
    "decision",
    "outcome",
    "outcome_basis",
    "attachments",
    "document",
    "page_start",
    "page_end",
    "item_id",
    "page",
]

# Ordered: the first rule that matches labels the decision.
_OUTCOME_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("udsat", re.compile(r"\b(udsat|udsættes|udskudt|udskydes|sagen blev udsat)\b", re.I)),
    ("afvist", re.compile(r"\b(afvist|afvises|ikke godkendt|kunne ikke godkende|forkastet|ikke tiltrådt)\b", re.I)),
    (
        "taget til efterretning",
        re.compile(r"\b(til efterretning|orienteringen blev taget|taget til orientering)\b", re.I),
    ),
    (
        "godkendt",
        re.compile(
            r"\b(godkendt|godkendes|godkender|godkendte|tiltrådt|tiltrådte|tiltræder|tiltrædes|anbefales|anbefalet|"
            r"anbefaler|vedtaget|vedtages|oversendes til)\b",
            re.I,
        ),
    ),
    ("drøftet", re.compile(r"\b(drøftet|drøftede|drøftes|drøfter|drøftelse)\b", re.I)),
    ("besluttet", re.compile(r"\b(besluttede|besluttet|beslutter|enighed om|enige om|blev aftalt|aftalte)\b", re.I)),
]


def outcome_of(text: str) -> str:
    """A normalised label for a decision (or recommendation) text; empty when none applies."""
    flat = re.sub(r"\s+", " ", text or "")
    for label, pattern in _OUTCOME_RULES:
        if pattern.search(flat):
            return label
    return ""


def _decisions(item: ItemRow) -> list[SectionRow]:
    return [s for s in item.sections if s.name in ("referat", "beslutning") and s.text.strip()]


def decision_text(item: ItemRow) -> str:
    """The decision; where several bodies decided in turn ("Økonomiudvalget den 12. juni 2023", then
    "Byrådet den …"), each decision after the heading that names its body and date."""
    blocks = _decisions(item)
    if len(blocks) < 2:
        return "\n\n".join(s.text for s in blocks).strip()
    return "\n\n".join(s.text if canonical(s.heading) else f"{s.heading}: {s.text}" for s in blocks).strip()


def final_decision(item: ItemRow) -> str:
    """The last decision taken on the item (the outcome is the last body's)."""
    blocks = _decisions(item)
    return blocks[-1].text if blocks else ""


def _section(item: ItemRow, name: str) -> str:
    return "\n\n".join(s.text for s in item.sections if s.name == name).strip()


def decision_row(item: ItemRow) -> dict:
    doc = item.document
    indstilling = _section(item, "indstilling")
    decision = decision_text(item)
    if decision:
        outcome, basis = outcome_of(final_decision(item)) or outcome_of(decision), "decision"
    else:
        outcome = outcome_of(indstilling)
        basis = "recommendation" if outcome else ""
    return {
        "meeting_date": doc.meeting_date.isoformat() if doc.meeting_date else "",
        "committee": doc.committee or "",
        "kind": doc.kind or "",
        "item_number": item.number,
        "title": item.title,
        "presenter": item.presenter or "",
        "indstilling": indstilling,
        "decision": decision,
        "outcome": outcome,
        "outcome_basis": basis if outcome else "",
        "attachments": "; ".join(str_attachment(a) for a in item.attachments),
        "document": doc.file_name,
        "page_start": item.page_start,
        "page_end": item.page_end,
        "item_id": item.id,
        "page": item.page_start,
    }


def str_attachment(attachment) -> str:  # noqa: ANN001 - AttachmentRow
    return f"{attachment.label}: {attachment.title}" if attachment.title else attachment.label


def number_key(number: str) -> tuple:
    """Numeric order for item numbers: 2.9 before 2.10."""
    return tuple(int(p) if p.isdigit() else 0 for p in re.findall(r"\d+", number)) or (10**6,)


def sort_items(items: Iterable[ItemRow]) -> list[ItemRow]:
    return sorted(
        items,
        key=lambda it: (
            it.document.meeting_date is None,
            it.document.meeting_date.isoformat() if it.document.meeting_date else "",
            it.document.file_name,
            number_key(it.number),
            it.position,
        ),
    )


def write_decisions_csv(items: Iterable[ItemRow], out: Path, excel: bool = False) -> int:
    """RFC 4180 CSV in UTF-8; with excel, UTF-8 with BOM and `;` so Danish Excel opens it by double-click."""
    rows = [decision_row(it) for it in sort_items(items)]
    with out.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=DECISION_COLUMNS, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def write_decisions_xlsx(items: Iterable[ItemRow], out: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = [decision_row(it) for it in sort_items(items)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "decisions"
    sheet.append(DECISION_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_excel_safe(row[c]) for c in DECISION_COLUMNS])
    widths = {"title": 50, "indstilling": 60, "decision": 60, "attachments": 40, "presenter": 30, "committee": 20}
    for k, column in enumerate(DECISION_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=k).column_letter
        sheet.column_dimensions[letter].width = widths.get(column, max(12, len(column) + 2))
        if column in widths:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    workbook.save(out)
    return len(rows)


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _excel_safe(value: object) -> object:
    return _ILLEGAL_XLSX.sub("", value) if isinstance(value, str) else value


def item_record(item: ItemRow) -> dict:
    doc = item.document
    sections: dict[str, str] = {}
    for section in item.sections:
        sections[section.name] = (
            f"{sections[section.name]}\n\n{section.text}" if section.name in sections else section.text
        )
    return {
        "item_id": item.id,
        "document": doc.file_name,
        "committee": doc.committee,
        "kind": doc.kind,
        "meeting_date": doc.meeting_date.isoformat() if doc.meeting_date else None,
        "number": item.number,
        "title": item.title,
        "presenter": item.presenter,
        "category": item.category,
        "page_start": item.page_start,
        "page_end": item.page_end,
        "sections": sections,
        "attachments": [str_attachment(a) for a in item.attachments],
        "path": doc.path,
        "segmented": doc.segmented,  # False: no agenda item was found; this is the whole document
    }


def write_items_jsonl(items: Iterable[ItemRow], out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item_record(item), ensure_ascii=False) + "\n")
            count += 1
    return count
