"""Meeting metadata: committee, date, kind (dagsorden/referat), participants and absentees."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from minutesindex.model import Line, Meeting
from minutesindex.segment.places import municipality_in, municipality_in_path, slug

MONTHS = {
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "august": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
    # English month names: web pages of Greenlandic and some Danish councils print their dates so.
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10,
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
# `Økonomiudvalget den 12. juni 2023`: a committee only where its name ends in a committee noun
# (`Konference den 23. januar 2012` is no committee).
_DATED_COMMITTEE = re.compile(
    r"^\s*(\S.{1,60}?(?:udvalg|råd|bestyrelse|forum|styregruppe|komité|nævn)\w{0,3})\s+den\s+\d{1,2}\.\s*[a-zæøå]+\s+\d{4}",
    re.I,
)
_COMMITTEE_PATTERNS = (
    re.compile(r"^\s*(?:møde|udvalg|forum|mødeforum)\s*[:\t ]\s*(?:i\s+)?(\S.{1,80}?)\s*$", re.I),
    # A running header or title line: `Viborg Kommune, Byrådet – Referat 24.04.2019`, `Byrådet - Referat fra
    # mødet den …`, `Kommunalbestyrelsen - 24-04-2019`, `Det fælles landdistriktsråd - Dagsordener og referater`.
    re.compile(
        r"^\s*(?:[^,]{2,40}(?:kommune|region\s+\w+|kommuneqarfik\s+\w+)\s*,\s*)?([^,–-]{3,60}?)\s+[–-]\s+"
        r"(?:(?:åbent?\s+)?(?:referat|dagsorden|beslutningsprotokol)\w*\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\s*$)",
        re.I,
    ),
    re.compile(
        # A comma before a lower-case word is inside the name: `Udvalget for plan, udvikling og kultur`.
        r"(?<!af )\b(?:dagsorden|referat)\s+(?:til|fra|for|af)\s+(?:mødet?\s+i\s+)?(.{2,60}?)"
        r"(?:\s+den\b|\s+d\.|,(?!\s+[a-zæøå])|\n|$)",
        re.I,
    ),
    re.compile(r"^\s*(?:referat|dagsorden|beslutningsprotokol)\s*[-–:]\s*(\S.{1,60}?)\s*$", re.I),
    _DATED_COMMITTEE,
    re.compile(
        r"\b(?:referat|dagsorden|beslutningsprotokol)\s+([A-ZÆØÅ][\wÆØÅæøå-]{1,40}(?:\s+[A-ZÆØÅ][\wæøå-]+)?)"
        r"\s+(?:d\.\s*|den\s+)?\d",  # `REFERAT Aarhus Byråd d. 27-08-2025`
        re.I,
    ),
    _BARE_COMMITTEE,
)
# `Udvalg` alone on its line, the committee on the next (a flattened label/value table).
_COMMITTEE_LABEL = re.compile(r"^\s*(?:udvalg|møde|mødeforum|forum)\s*:?\s*$", re.I)
# The deciding body named by a decision heading: `Beslutning i Byrådet (18-21) den 01-10-2018`, `Behandling
# i Udvalget for … onsdag den 15. januar 2020`, `Kultur- og Demokratiudvalget, 03.09.2018`.
_DECIDING_BODY = re.compile(
    r"^\s*(?:(?:beslutning|behandling)\s+(?:i\s+)?)?([A-ZÆØÅ][^:]{2,70}?)\s*(?:,\s*|\s+)"
    r"(?:(?:man|tirs|ons|tors|fre|lør|søn)dag\s+)?(?:den\s+|d\.\s*)?"
    r"(?:\d{1,2}\.\s*[a-zæøå]+\s+\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})\b(?:,?\s*(?:pkt|punkt)\.?\s*\d+)?\s*:?\s*$",
    re.I,
)
# The noun that ends a committee's name, inflected (`udvalgets`, `rådet`), never inside a longer word
# (`Byrådsdebat` is a debate, not a council).
_COMMITTEE_NOUN = re.compile(
    r"(?:udvalg|råd|bestyrelse|forum|styregruppe|komité|nævn|repræsentantskab|direktion)(?:et|en|n|ns|ets|ens|s|e|ene|r|rne)?\b",
    re.I,
)
_TRAILING_MEETING = re.compile(r"\s+(?:møde|mødet|ekstraordinært møde)$", re.I)  # `Referat Byrådet møde 5`
_TRAILING_WEEKDAY = re.compile(r",?\s+(?:man|tirs|ons|tors|fre|lør|søn)dag$", re.I)
_WEEKDAY = re.compile(r"^(?:man|tirs|ons|tors|fre|lør|søn)dag\b", re.I)
# "Beslutning i Økonomiudvalget den …": the committee without the words before it.
_BODY_PREFIX = re.compile(
    r"^(?:beslutning|behandling|indstilling|mødet?|referat|dagsorden)\s+(?:i|fra|for|til)\s+", re.I
)
# Also at the end of a compound: `Beslutningsreferat`, `Mødereferat`, `Tillægsdagsorden`.
_KIND_REFERAT = re.compile(r"(referat|beslutningsprotokol|protokol)\b", re.I)
# Not where an item names it (`Godkendelse af dagsorden`, `Punkter til dagsordenen`).
_KIND_DAGSORDEN = re.compile(r"(?<!af )(?<!til )(?<!på )(?<!om )(dagsorden|mødeindkaldelse)\b", re.I)
_PARTICIPANTS = re.compile(r"^\s*(deltagere|til stede|mødedeltagere)\s*:?\s*(.*)$", re.I)
_ABSENTEES = re.compile(r"^\s*(afbud|fraværende)\s*:?\s*(.*)$", re.I)
_NAME = r"(?:[A-ZÆØÅ][\wÆØÅæøå-]*\s+){0,3}"
_DATED_TITLE = re.compile(
    rf"^\s*{_NAME}(?:[Rr]eferat|[Dd]agsorden|[Bb]eslutningsprotokol)\s+{_NAME}\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\s*$"
)
_SMALL_WORDS = {"og", "i", "for", "af", "til", "fra", "den", "d."}
HEAD_LINES = 40
_DECISION_WORD = re.compile(r"\b(?:beslutning|behandling)\b", re.I)
MAX_DECISION_LINE = 120  # a decision heading's length at most; longer lines are sentences
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
    for text in dated_titles + boilerplate:
        if meeting.meeting_date is None:
            meeting.meeting_date = parse_date(text)
    # Then the decisions the document records: the latest is this meeting's (the earlier ones are the
    # case's history, `Beslutning i … den 24-04-2013` before `… den 20-06-2013`).
    # (Only lines that say they record a decision: `Byrådet den 4. april 2024` heads an agenda too.)
    bodies = [(name, ln.text) for ln in cleaned if (name := _deciding_body_of(ln.text))]
    decided = [day for _, text in bodies if _DECISION_WORD.search(text) and (day := parse_date(text))]
    titled = next(filter(None, map(parse_date, evidence)), None)
    if meeting.meeting_date is None and decided:
        # A decision dated before the title block's date is the case's history, quoted (`Beslutning
        # i Økonomiudvalget den 10. januar 2024` in the minutes of 3 February): the title's date holds.
        meeting.meeting_date = titled if titled and titled > max(decided) else max(decided)
    if meeting.meeting_date is None:
        meeting.meeting_date = titled
    meeting.committee = _labelled_committee(head) or next(filter(None, map(_committee, evidence)), None)
    if meeting.committee is None:
        meeting.committee = _deciding_body(bodies) or _frequent_acronym(lines)
    # Only the title block's and the running headers' lines: a body sentence names other councils.
    title_block = [t for t in [*boilerplate, *head[: HEAD_LINES // 2]] if not t.rstrip().endswith(".")]
    meeting.municipality = next(filter(None, map(municipality_in, title_block)), None)
    meeting.kind = _kind(evidence, cleaned)
    if meeting.meeting_date in decided:
        meeting.kind = "referat"  # it records a decision taken at this meeting (an agenda quotes earlier ones)
    meeting.participants, meeting.absentees = _people(head)
    return meeting


def _committee(text: str) -> str | None:
    text = _uncapitalised(text.strip())
    for pattern in _COMMITTEE_PATTERNS:
        match = pattern.search(text)
        if match:
            name = _BODY_PREFIX.sub("", re.sub(r"\s+", " ", match.group(1)).strip(" :-–,"))
            name = _TRAILING_MEETING.sub("", _TRAILING_WEEKDAY.sub("", name))
            if _is_committee_name(name):
                return name
    return None


def _is_committee_name(name: str) -> bool:
    return bool(
        name
        and name[0].isupper()
        and not re.search(r"\d(?!\d-\d)", re.sub(r"\(\d{2}-\d{2}\)", "", name))  # `Byrådet (18-21)` is a name
        and not _WEEKDAY.match(name)
        and not name.lower().startswith(("møde", "dagsorden", "referat", "dato", "tid", "sted", "godkendelse"))
        and "dagsorden" not in name.lower()  # `Godkendelse af dagsorden for Byrådet` is an item
    )


def _labelled_committee(head: list[str]) -> str | None:
    """`Udvalg` / `Økonomiudvalget`: the value on the line under its label."""
    for label, value in zip(head, head[1:], strict=False):
        if _COMMITTEE_LABEL.match(label) and _is_committee_name(value.strip()) and len(value.strip()) <= 80:
            return value.strip()
    return None


def _deciding_body(bodies: list[tuple[str, str]]) -> str | None:
    """The body whose decisions the minutes record, when no title names it: the commonest committee
    named by the decision headings and labels (`Beslutning i Byrådet den …`), given as (name, line)."""
    names = Counter(name for name, _ in bodies)
    return names.most_common(1)[0][0] if names else None


def _deciding_body_of(text: str) -> str | None:
    """The committee a dated decision heading names (`Beslutning i Byrådet den 01-10-2018`,
    `Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 1`), or None for any other line."""
    match = _DECIDING_BODY.match(text)
    if not match or len(text) > MAX_DECISION_LINE:
        return None
    name = _BODY_PREFIX.sub("", match.group(1).strip(" ,"))
    name = re.sub(r"s\s+beslutning$", "", name)  # `Sundheds- og Forebyggelsesudvalgets beslutning`
    return name if _COMMITTEE_NOUN.search(name) and _is_committee_name(name) else None


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


def _kind(head: list[str], cleaned: list[Line]) -> str | None:
    """`referat` or `dagsorden` as the title block says; None when it does not say (the items decide)."""
    first = next((t for t in head if _KIND_REFERAT.search(t) or _KIND_DAGSORDEN.search(t)), "")
    if _KIND_REFERAT.search(first) and not _KIND_DAGSORDEN.search(first):
        return "referat"
    if _KIND_DAGSORDEN.search(first):
        referat_headings = sum(1 for ln in cleaned if re.match(r"^\s*(referat|beslutning)\s*:?\s*$", ln.text, re.I))
        return "referat" if referat_headings >= 2 else "dagsorden"
    return "referat" if any(_KIND_REFERAT.search(t) for t in head) else None


def _people(head: list[str]) -> tuple[list[str], list[str]]:
    participants: list[str] = []
    absentees: list[str] = []
    for text in head:
        for pattern, target in ((_PARTICIPANTS, participants), (_ABSENTEES, absentees)):
            match = pattern.match(text)
            if match and match.group(2).strip() and not target:
                target.extend(p.strip() for p in re.split(r"[,;\t]+", match.group(2)) if p.strip())
    return participants, absentees


# A committee a folder or file name names: `oekonomiudvalget`, `byraad`, `kommunalbestyrelsen`.
_PATH_COMMITTEE = re.compile(r"[a-z]*(?:udvalg|byraad|kommunalbestyrelse|regionsraad|forretningsudvalg)[a-z]*")


def settle_from_path(meeting: Meeting, path: Path) -> list[str]:
    """Fill in the municipality from the file's name or folders where the text names none; return a
    warning for each of municipality, date and committee the path names otherwise than the text."""
    warnings = []
    named = municipality_in_path(path)
    if meeting.municipality is None:
        meeting.municipality = named
    elif named and named != meeting.municipality:
        warnings.append(f"the path names {named}, the text {meeting.municipality}")
    dated = next(filter(None, (parse_date(part.replace("_", " ")) for part in reversed(path.parts))), None)
    if dated and meeting.meeting_date and dated != meeting.meeting_date:
        warnings.append(
            f"the path names the date {dated}, the text {meeting.meeting_date} (fix with `minutesindex set-date`)"
        )
    words = _PATH_COMMITTEE.findall(slug(path.stem))
    if words and meeting.committee:
        committee = re.sub(r"[^a-z]", "", slug(meeting.committee))
        if not any(word.removesuffix("et") in committee for word in words):
            warnings.append(f"the file name names the committee {words[0]!r}, the text {meeting.committee!r} "
                            "(fix with `minutesindex set-committee`)")  # fmt: skip
    return warnings
