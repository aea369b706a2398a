"""Meeting metadata: committee, date, kind (dagsorden/referat), participants and absentees."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from minutesindex.model import Line, Meeting

MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_LONG_DATE = re.compile(
    r"\b(\d{1,2})\.\s*(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})\b", re.I
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# A committee name line of the title block: "Økonomiudvalget", "Kommunalbestyrelsen", "Regionsrådet".
_BARE_COMMITTEE = re.compile(
    r"^\s*([A-ZÆØÅ][\wæøåÆØÅ-]*(?:\s+(?:og\s+)?[\wæøåÆØÅ-]+){0,4}"
    r"(?:udvalg(?:et)?|råd(?:et)?|bestyrelse(?:n)?|forum|styregruppe(?:n)?|komité(?:en)?))\s*$"
)
_COMMITTEE_PATTERNS = (
    re.compile(r"^\s*(?:møde|udvalg|forum)\s*[:\t ]\s*(\S.{1,80}?)\s*$", re.I),
    re.compile(
        r"\b(?:dagsorden|referat)\s+(?:til|fra|for|af)\s+(?:mødet?\s+i\s+)?(.{2,60}?)(?:\s+den\b|\s+d\.|[,\n]|$)",
        re.I,
    ),
    re.compile(r"^\s*(?:referat|dagsorden|beslutningsprotokol)\s*[-–:]\s*(\S.{1,60}?)\s*$", re.I),
    re.compile(r"^\s*(\S.{1,60}?)\s+den\s+\d{1,2}\.\s*[a-zæøå]+\s+\d{4}", re.I),
    re.compile(
        r"\b(?:referat|dagsorden|beslutningsprotokol)\s+([A-ZÆØÅ][\wÆØÅæøå-]{1,40}(?:\s+[A-ZÆØÅ][\wæøå-]+)?)\s+\d", re.I
    ),
    _BARE_COMMITTEE,
)
# "Beslutning i Økonomiudvalget den …": the committee without the words before it.
_BODY_PREFIX = re.compile(
    r"^(?:beslutning|behandling|indstilling|mødet?|referat|dagsorden)\s+(?:i|fra|for|til)\s+", re.I
)
# Also at the end of a compound: `Beslutningsreferat`, `Mødereferat`, `Tillægsdagsorden`.
_KIND_REFERAT = re.compile(r"(referat|beslutningsprotokol|protokol)\b", re.I)
_KIND_DAGSORDEN = re.compile(r"(dagsorden|mødeindkaldelse)\b", re.I)
_PARTICIPANTS = re.compile(r"^\s*(deltagere|til stede|mødedeltagere)\s*:?\s*(.*)$", re.I)
_ABSENTEES = re.compile(r"^\s*(afbud|fraværende)\s*:?\s*(.*)$", re.I)
_NAME = r"(?:[A-ZÆØÅ][\wÆØÅæøå-]*\s+){0,3}"
_DATED_TITLE = re.compile(
    rf"^\s*{_NAME}(?:[Rr]eferat|[Dd]agsorden|[Bb]eslutningsprotokol)\s+{_NAME}\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\s*$"
)
_SMALL_WORDS = {"og", "i", "for", "af", "til", "fra", "den", "d."}
HEAD_LINES = 40
MAX_TITLE_BLOCK_LINE = 70


def parse_date(text: str) -> dt.date | None:
    for pattern in (_LONG_DATE, _ISO_DATE, _NUMERIC_DATE):
        for match in pattern.finditer(text):
            try:
                if pattern is _LONG_DATE:
                    day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
                elif pattern is _ISO_DATE:
                    year, month, day = (int(g) for g in match.groups())
                else:
                    day, month, year = (int(g) for g in match.groups())
                    year += 2000 if year < 100 else 0
                return dt.date(year, month, day)
            except ValueError:
                continue
    return None


def is_dated_title(text: str) -> bool:
    """A short line naming the document kind with a date: `Referat DASSOS 23.11.20`, `Dagsorden 5.5.2022`."""
    return bool(_DATED_TITLE.match(text)) and parse_date(text) is not None


def read_meeting(lines: list[Line], cleaned: list[Line]) -> Meeting:
    head = [ln.text for ln in lines if ln.text.strip()][:HEAD_LINES]
    boilerplate = [ln.text for ln, c in zip(lines, cleaned, strict=True) if ln.text.strip() and not c.text.strip()]
    meeting = Meeting()
    # Running headers and footers ("Referat DASSOS 23.11.20") are the surest evidence; then short
    # lines of the title block. Dates inside body sentences are not the meeting's.
    dated_titles = [ln.text for ln in lines if is_dated_title(ln.text)]
    evidence = dated_titles + boilerplate + [t for t in head if len(t.strip()) <= MAX_TITLE_BLOCK_LINE]
    for text in evidence:
        if meeting.meeting_date is None:
            meeting.meeting_date = parse_date(text)
        if meeting.committee is None:
            meeting.committee = _committee(text)
    if meeting.committee is None:
        meeting.committee = _frequent_acronym(lines)
    meeting.kind = _kind(evidence, cleaned)
    meeting.participants, meeting.absentees = _people(head)
    return meeting


def _committee(text: str) -> str | None:
    text = _uncapitalised(text.strip())
    for pattern in _COMMITTEE_PATTERNS:
        match = pattern.search(text)
        if match:
            name = _BODY_PREFIX.sub("", re.sub(r"\s+", " ", match.group(1)).strip(" :-–,"))
            if name and not re.search(r"\d", name) and not name.lower().startswith(("møde", "dagsorden", "referat")):
                return name
    return None


def _uncapitalised(text: str) -> str:
    """A title line in capitals as a name is written: `BØRNE- OG SKOLEUDVALGET` → `Børne- og Skoleudvalget`."""
    if not text.isupper() or len(text) < 6:
        return text
    return " ".join(word.lower() if word.lower() in _SMALL_WORDS else word.capitalize() for word in text.split())


def _frequent_acronym(lines: list[Line]) -> str | None:
    counts = Counter(
        word for ln in lines for word in re.findall(r"\b[A-ZÆØÅ]{3,10}\b", ln.text) if word not in {"OG", "KL"}
    )
    common = counts.most_common(1)
    return common[0][0] if common and common[0][1] >= 3 else None


def _kind(head: list[str], cleaned: list[Line]) -> str:
    first = next((t for t in head if _KIND_REFERAT.search(t) or _KIND_DAGSORDEN.search(t)), "")
    if _KIND_REFERAT.search(first) and not _KIND_DAGSORDEN.search(first):
        return "referat"
    if _KIND_DAGSORDEN.search(first):
        referat_headings = sum(1 for ln in cleaned if re.match(r"^\s*(referat|beslutning)\s*:?\s*$", ln.text, re.I))
        return "referat" if referat_headings >= 2 else "dagsorden"
    return "referat" if any(_KIND_REFERAT.search(t) for t in head) else "dagsorden"


def _people(head: list[str]) -> tuple[list[str], list[str]]:
    participants: list[str] = []
    absentees: list[str] = []
    for text in head:
        for pattern, target in ((_PARTICIPANTS, participants), (_ABSENTEES, absentees)):
            match = pattern.match(text)
            if match and match.group(2).strip() and not target:
                target.extend(p.strip() for p in re.split(r"[,;\t]+", match.group(2)) if p.strip())
    return participants, absentees
