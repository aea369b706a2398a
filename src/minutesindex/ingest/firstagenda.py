"""FirstAgenda's publication JSON: one meeting per file (`Udvalg`, `Moede`, `Dagsordenpunkter`).

Each item's one field (`Felter[0].Html`) holds the whole item: `<h3>Beslutning</h3>` with the
decision first, then `<h3>Fremstilling</h3>` with the sections as `<h2>` headings. `IsOpen` is
false on every item of every meeting, so a closed item is known by its title, `Lukket: …`; its
field holds only the decision. No field says agenda or minutes: a meeting whose items carry
decisions is minutes.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from minutesindex.errors import InputFileError
from minutesindex.ingest.exports import ExportedMeeting, parse_export_date, plain, sections_from_html
from minutesindex.model import Attachment, Item, Meeting, Section

_CLOSED_TITLE = re.compile(r"^\s*lukket\s*(?:punkt)?\s*:\s*", re.I)
_DECISION_HEADING = re.compile(r"<h\d[^>]*>\s*(?:<[^>]+>\s*)*beslutning\b", re.I)


def read(path: Path) -> ExportedMeeting:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputFileError(path, f"JSON is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("Dagsordenpunkter"), list):
        raise InputFileError(path, "JSON is not a FirstAgenda meeting (no `Dagsordenpunkter` list of items)")
    warnings: list[str] = []
    committee_field, meeting_field = data.get("Udvalg"), data.get("Moede")
    committee = plain(committee_field.get("Navn") or "") if isinstance(committee_field, dict) else ""
    meeting_data = meeting_field if isinstance(meeting_field, dict) else {}
    date = parse_export_date(str(meeting_data.get("Dato") or meeting_data.get("MeetingBeginUtc") or ""))
    if not committee:
        warnings.append("field Udvalg.Navn missing; committee unknown")
    if date is None:
        warnings.append("field Moede.Dato missing or unreadable; meeting date unknown")
    items: list[Item] = []
    decided = False
    for position, raw in enumerate(data["Dagsordenpunkter"], start=1):
        if not isinstance(raw, dict):
            warnings.append(f"item {position} is not an object; left out")
            continue
        item, has_decision = _item(raw, position, path, warnings)
        decided |= has_decision
        items.append(item)
    participants = meeting_data.get("Moededeltagere") if isinstance(meeting_data.get("Moededeltagere"), list) else []
    people = [p for p in participants if isinstance(p, dict) and p.get("Name")]
    meeting = Meeting(
        committee=committee or None,
        meeting_date=date,
        kind="referat" if decided else "dagsorden",
        participants=[plain(p["Name"]) for p in people if not p.get("Absent")],
        absentees=[plain(p["Name"]) for p in people if p.get("Absent")],
    )
    return ExportedMeeting("firstagenda", meeting, items, warnings=warnings)


def _item(raw: dict, position: int, path: Path, warnings: list[str]) -> tuple[Item, bool]:
    number = str(raw.get("Number") or raw.get("Punktnummer") or raw.get("Sorting") or position).strip()
    title = plain(str(raw.get("Caption") or raw.get("Navn") or ""))
    closed = bool(_CLOSED_TITLE.match(title))
    title = _CLOSED_TITLE.sub("", title)
    fields = raw.get("Felter") if isinstance(raw.get("Felter"), list) else []
    # The item's text as HTML, or where a field has none, as plain text (`Tekst`).
    markup = "\n".join(
        str(f.get("Html") or "") or html.escape(str(f.get("Tekst") or "")).replace("\n", "<br>")
        for f in fields
        if isinstance(f, dict)
    )
    if raw.get("Felter") is not None and not isinstance(raw.get("Felter"), list):
        warnings.append(f"item {number}: field Felter is not a list; its text left out")
    body, sections = sections_from_html(markup)
    has_decision = bool(_DECISION_HEADING.search(markup))
    if closed and not sections and body:
        # A closed item's field is its decision alone, without a heading.
        sections, body = [Section("beslutning", "", body, body)], ""
    attachments = [
        Attachment(f"Bilag {k}", plain(str(b.get("Navn") or "")))
        for k, b in enumerate(sorted(_dicts(raw.get("Bilag")), key=lambda b: _order(b.get("Order"))), start=1)
    ]
    case_number = plain(str(raw.get("CaseNumber") or raw.get("SagsNummer") or "")) or None
    item = Item(
        number=number,
        title=title,
        page_start=1,
        page_end=1,
        sections=sections,
        attachments=attachments,
        body=body,
        closed=closed,
        case_number=case_number,
    )
    if not title and not markup.strip():
        warnings.append(f"item {number} has neither title nor text")
    return item, has_decision


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _order(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 10**9
