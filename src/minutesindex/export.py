"""Export agenda items as JSON Lines and decision tables as CSV (RFC 4180 or Danish Excel) or xlsx."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

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
    "closed",
    "case_number",
    "structure_source",
    "link",
    "municipality",
    "case_numbers",
    "votes",
    "vote_result",
]

# Ordered: the first rule that matches labels the decision.
_OUTCOME_RULES: list[tuple[str, re.Pattern[str]]] = [
    # Sent on to another body to decide: `Fremsendes til Byrådet`, `Oversendes til Økonomiudvalget`.
    (
        "oversendt",
        re.compile(r"\b(oversendes til|fremsendes til|videresendes til|oversendt til|sendt videre til)\b", re.I),
    ),
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
            r"anbefaler|vedtaget|vedtages)\b",
            re.I,
        ),
    ),
    # A decision that settles an arrangement: the meeting is moved, shortened, someone appointed
    # (before a discussion: `DASSOS drøftede … og besluttede …` settled something).
    (
        "besluttet",
        re.compile(
            r"\b(besluttede|besluttet|beslutter|enighed om|enige om|blev aftalt|aftalte|aftales|aftalt|"
            r"afkortes|afkortet|flyttes|flyttet|aflyses|aflyst|fastsættes|fastsat|fastlægges|nedsættes|nedsat|"
            r"udpeges|udpeget|udpegede|igangsættes|iværksættes|nedlægges)\b",
            re.I,
        ),
    ),
    # A decision that records a discussion: who said what.
    (
        "drøftet",
        re.compile(
            r"\b(drøft\w*|fremhævede|opfordrede|bemærkede|pegede på|gav udtryk for|"
            r"orienterede om|spurgte til|debatterede|diskuterede)\b",
            re.I,
        ),
    ),
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


def outcome_and_basis(item: ItemRow) -> tuple[str, str]:
    """The item's outcome label, and whether it comes from its `decision` or only its `recommendation`
    (an agenda's: minutes record what was decided, and an item they record no decision for has none)."""
    decision = decision_text(item)
    if decision:
        return outcome_of(final_decision(item)) or outcome_of(decision), "decision"
    if item.document.kind == "referat":
        return "", ""
    outcome = outcome_of(_section(item, "indstilling"))
    return outcome, "recommendation" if outcome else ""


def item_outcome(item: ItemRow) -> str:
    return outcome_and_basis(item)[0]


def decision_row(item: ItemRow) -> dict:
    doc = item.document
    indstilling = _section(item, "indstilling")
    decision = decision_text(item)
    outcome, basis = outcome_and_basis(item)
    return {
        "meeting_date": doc.meeting_date.isoformat() if doc.meeting_date else "",
        "committee": doc.committee or "",
        "municipality": doc.municipality or "",
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
        "closed": "lukket" if item.closed else "",
        "case_number": item.case_number or "",
        "case_numbers": "; ".join(case.case_number for case in item.cases),
        "votes": "; ".join(vote_text(vote) for vote in item.votes),
        "vote_result": item.vote_result or "",
        "structure_source": doc.structure_source or "",
        "link": source_link(doc.pdf_path or doc.path, item.page_start),
    }


def vote_text(vote) -> str:  # noqa: ANN001 - a VoteRow
    """`for 20 (A, F, Ø)`, `imod Anne Hansen (V)`."""
    count = str(vote.count) if vote.count is not None else ""
    names = (vote.names or "").replace("\n", ", ")
    return " ".join(filter(None, [vote.side, count, names, f"({vote.parties})" if vote.parties else ""]))


def source_link(path: str, page: int) -> str:
    """A link that opens the source file, a PDF at the item's page (`file:///…/referat.pdf#page=4`)."""
    if not path:
        return ""
    uri = Path(path).resolve().as_uri()
    return f"{uri}#page={page}" if path.lower().endswith(".pdf") else uri


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


def masked(value: object) -> object:
    """The value with every CPR number in its text replaced by xxxxxx-xxxx (`--mask-cpr`)."""
    from minutesindex.segment.personal import mask_cpr

    if isinstance(value, str):
        return mask_cpr(value)
    if isinstance(value, dict):
        return {key: masked(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [masked(inner) for inner in value]
    return value


def _decision_rows(items: Iterable[ItemRow], keep_order: bool, mask_cpr: bool) -> list[dict]:
    rows = [decision_row(it) for it in (items if keep_order else sort_items(items))]
    return [masked(row) for row in rows] if mask_cpr else rows  # type: ignore[misc]


def write_decisions_csv(
    items: Iterable[ItemRow], out: Path | None, excel: bool = False, keep_order: bool = False, mask_cpr: bool = False
) -> int:
    """RFC 4180 CSV in UTF-8 to a file, or to standard output for None; with excel, UTF-8 with BOM and
    `;` so Danish Excel opens it by double-click, and cells Excel would read as formulas neutralised."""
    rows = _decision_rows(items, keep_order, mask_cpr)
    if excel:
        rows = [{column: _formula_safe(value) for column, value in row.items()} for row in rows]
    with _text_output(out, "utf-8-sig" if excel else "utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=DECISION_COLUMNS, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def write_decisions_xlsx(
    items: Iterable[ItemRow], out: Path | None, keep_order: bool = False, mask_cpr: bool = False
) -> int:
    """A workbook with a bold, frozen, filterable header row; text cells stay text (`1.1` is no
    number), meeting dates are dates, and cells Excel would read as formulas are neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rows = _decision_rows(items, keep_order, mask_cpr)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "decisions"
    sheet.append(DECISION_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    cut = 0
    for row in rows:
        values = [_xlsx_value(column, row[column]) for column in DECISION_COLUMNS]
        cut += sum(1 for value in values if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT)
        sheet.append([_within_cell(value) for value in values])
    date_column = DECISION_COLUMNS.index("meeting_date") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=date_column, max_col=date_column):
        cell.number_format = "yyyy-mm-dd"
    for k, column in enumerate(DECISION_COLUMNS, start=1):
        letter = sheet.cell(row=1, column=k).column_letter
        sheet.column_dimensions[letter].width = _column_width(column, [row[column] for row in rows])
        if column in WRAPPED_COLUMNS:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    link_column = DECISION_COLUMNS.index("link") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=link_column, max_col=link_column):
        if cell.value:
            cell.hyperlink = cell.value
            cell.style = "Hyperlink"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if out is None:
        buffer = io.BytesIO()
        workbook.save(buffer)
        sys.stdout.buffer.write(buffer.getvalue())
        sys.stdout.buffer.flush()
    else:
        with replacing(out) as partial:
            workbook.save(partial)
    if cut:
        print(
            f"warning: {cut} cell(s) longer than Excel's limit of {XLSX_CELL_LIMIT:,} characters were cut, "
            "as the cell says; the CSV export keeps them whole",
            file=sys.stderr,
        )
    return len(rows)


# OWASP's advice for CSV injection: a cell that a spreadsheet would read as a formula gets a leading
# apostrophe, which the spreadsheet shows as text and does not display.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# Long texts wrap in columns this wide; other columns are as wide as their longest value (up to
# MAX_COLUMN_WIDTH), so a 55-character file name or a 22-character outcome shows whole.
WRAPPED_COLUMNS = {"title": 50, "indstilling": 60, "decision": 60, "attachments": 40, "presenter": 30}
MAX_COLUMN_WIDTH = 60


def _column_width(column: str, values: list[object]) -> int:
    if column in WRAPPED_COLUMNS:
        return WRAPPED_COLUMNS[column]
    longest = max((len(str(v).split("\n")[0]) for v in values if v not in (None, "")), default=0)
    return min(MAX_COLUMN_WIDTH, max(len(column), longest) + 2)


def _formula_safe(value: object) -> object:
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


XLSX_CELL_LIMIT = 32_767  # characters Excel holds in one cell


def _within_cell(value: object) -> object:
    """A text longer than a cell holds, cut with a note that says so (never silently)."""
    if not isinstance(value, str) or len(value) <= XLSX_CELL_LIMIT:
        return value
    note = f" … [cut at Excel's cell limit: {len(value):,} characters in all; the CSV export has the whole text]"
    return value[: XLSX_CELL_LIMIT - len(note)] + note


def _xlsx_value(column: str, value: object) -> object:
    if column == "meeting_date" and isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return _formula_safe(_excel_safe(value))


@contextlib.contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A file beside `out` to write, which takes its place only once complete: an export that is
    killed or fails leaves the previous file as it was (and no partial one). Something that is not a
    regular file (a FIFO, /dev/stdout) is written as it is."""
    if out.exists() and not out.is_file():
        yield out
        return
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        yield partial
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _text_output(out: Path | None, encoding: str) -> Iterator[TextIO]:
    """A file to write text to, or standard output (in the same encoding) for None."""
    if out is not None:
        with replacing(out) as partial, partial.open("w", encoding=encoding, newline="") as fh:
            yield fh
        return
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=True)
    try:
        yield stream
        stream.flush()
    finally:
        stream.detach()


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
        "municipality": doc.municipality,
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
        "outcome": item.outcome,
        "closed": item.closed,
        "case_number": item.case_number,
        "case_numbers": [case.case_number for case in item.cases],  # every case it names, normalised
        "has_cpr": item.has_cpr,  # its text prints a CPR number (personal data)
        "votes": [
            {
                "side": v.side,
                "count": v.count,
                "parties": v.parties.split(", ") if v.parties else [],
                "names": v.names.splitlines() if v.names else [],
            }  # fmt: skip
            for v in item.votes
        ],
        "vote_result": item.vote_result,
        "participants": doc.participants.splitlines() if doc.participants else [],  # the meeting's, where printed
        "absentees": doc.absentees.splitlines() if doc.absentees else [],
        "structure_source": doc.structure_source,  # export, outline, layout or text
        "pdf_path": doc.pdf_path,  # an export's PDF of the meeting, which the pages count in
    }


def write_items_jsonl(items: Iterable[ItemRow], out: Path | None, mask_cpr: bool = False) -> int:
    count = 0
    with _text_output(out, "utf-8") as fh:
        for item in items:
            record = item_record(item)
            fh.write(json.dumps(masked(record) if mask_cpr else record, ensure_ascii=False) + "\n")
            count += 1
    return count
