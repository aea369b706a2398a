"""Case numbers (sagsnumre) and decision histories read from an item's text.

A case number is linked only in a form the agenda systems are known to print, normalised so the
same case written two ways is one key; anything else is left unlinked rather than risk joining two
cases. The forms:

- KLE journal numbers (the KL Emnesystematik every municipality files by): `27.00.00-P20-1-23`,
  also with spaces or en dashes between the parts, or a lower-case facet letter;
- eDoc case ids: `EMN-2025-01234`, `SAG-2019-00012` (the running number's leading zeros vary);
- after a label only (`Sagsnr.`, `Sags ID`, `Journalnr.`, `J.nr.`, `Sagsnummer`): Acadre's
  `20/12345` and `2020/12345`.

A decision history printed inside an item (`Beslutning i Økonomiudvalget den 4. juni 2020`,
then that body's decision) is read into entries, so a case's history includes meetings the
archive does not hold.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DASH = r"\s*[-–—‐]\s*"
_KLE = re.compile(
    rf"(?<![\w.])(\d{{2}})\.(\d{{2}})\.(\d{{2}}){_DASH}([A-ZÆØÅa-zæøå])(\d{{2}}){_DASH}(\d{{1,6}}){_DASH}(\d{{2}})(?![\w-])"
)
_EDOC = re.compile(rf"(?<![\w-])(EMN|SAG|DOK|SAGS?){_DASH}((?:19|20)\d{{2}}){_DASH}(\d{{1,7}})(?![\w-])", re.I)
_LABEL = r"(?:Sagsnr|Sags\s?nr|Sagsnummer|Sags[\s-]?ID|Sagsid|Journalnr|Journal\s?nr|J\.\s?nr|Jour\.\s?nr)\.?:?\s*"
_ACADRE = re.compile(rf"(?i:{_LABEL})((?:19|20)?\d{{2}})/(\d{{1,7}})(?![\w/])")


def normalise(raw: str) -> str | None:
    """The key of a case number in a known form (`27.00.00 – p20-01-23` → `27.00.00-P20-1-23`);
    None for any other form."""
    found = case_numbers(raw)
    if found:
        return found[0]
    if acadre := re.fullmatch(r"((?:19|20)?\d{2})/(\d{1,7})", raw.strip()):
        return f"{acadre[1][-2:]}/{int(acadre[2])}"
    return None


def case_numbers(text: str) -> list[str]:
    """Every case number in a known form in the text, normalised, in order, once each."""
    found: dict[int, str] = {}
    for match in _KLE.finditer(text):
        a, b, c, facet, group, running, year = match.groups()
        found[match.start()] = f"{a}.{b}.{c}-{facet.upper()}{group}-{int(running)}-{year}"
    for match in _EDOC.finditer(text):
        prefix, year, running = match.groups()
        found[match.start()] = f"{prefix.upper()}-{year}-{int(running):05d}"
    for match in _ACADRE.finditer(text):
        year, running = match.groups()
        found[match.start(1)] = f"{year[-2:]}/{int(running)}"
    return list(dict.fromkeys(found[start] for start in sorted(found)))


@dataclass
class HistoryEntry:
    """A body's decision on the case at a meeting, as an item's text records it."""

    body: str
    meeting_date: dt.date | None
    decision: str


_HISTORY = re.compile(
    r"^\s*(?:Beslutning|Behandling|Indstilling)\s+i\s+(?P<body>[A-ZÆØÅ][\w\- ,]{2,80}?)\s+den\s+"
    r"(?P<date>\d{1,2}\.\s*[a-zæøå]+\.?\s+\d{4}|\d{1,2}[.-]\s?\d{1,2}[.-]\s?\d{2,4})\s*:?\s*$",
    re.M,
)


def decision_history(text: str) -> list[HistoryEntry]:
    """The dated decisions of other bodies an item's text quotes (`Beslutning i Økonomiudvalget den
    4. juni 2020` and the lines under it, up to the next such heading)."""
    from minutesindex.segment.meeting import parse_date

    headings = list(_HISTORY.finditer(text))
    entries = []
    for k, heading in enumerate(headings):
        end = headings[k + 1].start() if k + 1 < len(headings) else len(text)
        decision = text[heading.end() : end].strip()
        entries.append(HistoryEntry(heading["body"].strip(), parse_date(heading["date"]), decision))
    return entries


def read_cases(items: list) -> None:  # a list of model.Item
    """Each item's case numbers: the one its source gives (an export's field, normalised where it is
    in a known form, else kept as the system wrote it), then those its text prints; the first is its
    `case_number` where the source gave none."""
    for item in items:
        found: list[str] = []
        if item.case_number:
            found.append(normalise(item.case_number) or " ".join(item.case_number.split()))
        text = "\n".join([item.title, item.body, *(section.text for section in item.sections)])
        found += case_numbers(text)
        item.case_numbers = list(dict.fromkeys(found))
        if item.case_number is None and item.case_numbers:
            item.case_number = item.case_numbers[0]
