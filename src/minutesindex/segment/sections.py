"""Section headings (Sagsfremstilling, Indstilling, Beslutning …) mapped to canonical names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from minutesindex.model import Line

# Printed heading (lower case, no trailing colon) → canonical section name.
HEADINGS: dict[str, str] = {
    "resume": "resume",
    "resumé": "resume",
    "sammenfatning": "resume",
    "sagsresume": "resume",
    "sagsresumé": "resume",
    "kort resume": "resume",
    "kort resumé": "resume",
    "baggrund": "baggrund",
    "sagens baggrund": "baggrund",
    "sagsfremstilling": "sagsfremstilling",
    "sagens indhold": "sagsfremstilling",
    "sagsbeskrivelse": "sagsfremstilling",
    "sagens fremstilling": "sagsfremstilling",
    "sagsfremstilling og økonomi": "sagsfremstilling",
    "sagsfremstilling og vurdering": "sagsfremstilling",
    "beskrivelse af sagen": "sagsfremstilling",
    "indstilling": "indstilling",
    "indstillinger": "indstilling",
    "forslag til beslutning": "indstilling",
    "indstilling og beslutning": "indstilling",
    "anbefaling": "indstilling",
    "anbefalinger": "indstilling",
    "administrationens indstilling": "indstilling",
    "forvaltningens indstilling": "indstilling",
    "direktionens indstilling": "indstilling",
    "administrationen indstiller": "indstilling",
    "forvaltningen indstiller": "indstilling",
    "direktionen indstiller": "indstilling",
    "indstilling fra administrationen": "indstilling",
    "indstilling fra forvaltningen": "indstilling",
    "referat": "referat",
    "beslutning": "beslutning",
    "beslutninger": "beslutning",
    "afgørelse": "beslutning",
    "udvalgets beslutning": "beslutning",
    "byrådets beslutning": "beslutning",
    "kommunalbestyrelsens beslutning": "beslutning",
    "regionsrådets beslutning": "beslutning",
    "bilag": "bilag",
    "bilagsliste": "bilag",
    "bilagsoversigt": "bilag",
    "vedlagte bilag": "bilag",
    "bilag til sagen": "bilag",
}
# Headings that councils use for sections of their own; they become other:<heading>.
OTHER_HEADINGS = {
    "beslutningstema",
    "sagstema",
    "anledning",
    "formål",
    "redegørelse",
    "sagens forløb",
    "historik",
    "tidligere beslutninger",
    "tidligere behandling",
    "lovhjemmel",
    "juridiske forhold",
    "økonomiske forhold",
    "andre konsekvenser",
    "konsekvenser",
    "høring og sagsgang",
    "sagsgang",
    "beslutningsproces",
    "kompetence",
    "inddragelse",
    "borgerinddragelse",
    "problemstilling",
    "løsning",
    "økonomi",
    "økonomiske konsekvenser",
    "økonomi og finansiering",
    "lovgrundlag",
    "retsgrundlag",
    "høring",
    "høringssvar",
    "kommunikation",
    "tidsplan",
    "vurdering",
    "administrationens vurdering",
    "forvaltningens vurdering",
    "orientering",
    "beslutningskompetence",
    "sagsforløb",
    "handicappolitik",
    "bevillingsmæssige konsekvenser",
    "personalemæssige konsekvenser",
    "miljømæssige konsekvenser",
    "politisk behandling",
}
_CANONICAL_OTHER = {"orientering"}
# "Beslutning i Økonomiudvalget den 12. maj 2020", "Beslutning Byrådet den 3. juni 2021", "Behandling i
# Udvalget for … onsdag den 15. januar 2020, pkt. 1".
_DECISION_BLOCK = re.compile(r"^(beslutning|referat|behandling)\b[^.]{0,80}\bden\b[^.]{0,40}\d", re.I)
_INLINE = re.compile(r"^\s*([A-Za-zÆØÅæøåé ]{4,40}?)\s*:\s*(\S.*)$")
# A committee and a date after a decision heading (`BESLUTNING: Økonomiudvalget den 19-11-2015`) label the
# decision; they are not its text.
_DATED_LABEL = re.compile(
    r"^[A-ZÆØÅ][^.:]{2,80}?(?:,\s*|\s+den\s+|\s+d\.\s*)(?:\d{1,2}\.\s*[a-zæøå]+\s+\d{4}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
    r"\s*(?:,?\s*(?:pkt|punkt)\.?\s*\d+)?\s*:?\s*$"
)
# Bullets and list marks that outline views print before a heading (`• Resume`).
_LEADING_MARK = re.compile(r"^\s*(?:[^\w\s]+\s*|[eo]\s+(?=[A-ZÆØÅ]))*")
_DECIDING = {"indstilling", "beslutning", "referat"}


@dataclass(frozen=True)
class Heading:
    name: str  # canonical name or other:<heading>
    printed: str  # the heading as printed
    rest: str = ""  # text that follows the heading on the same line


def canonical(printed: str) -> str | None:
    key = re.sub(r"\s+", " ", printed.strip().rstrip(":").strip()).lower()
    if key in HEADINGS:
        return HEADINGS[key]
    if key in OTHER_HEADINGS:
        return key if key in _CANONICAL_OTHER else f"other:{key}"
    return None


def parse_heading(text: str) -> Heading | None:
    """Recognise a section heading on a line: alone, with a colon and text, or a decision block."""
    stripped = _LEADING_MARK.sub("", text).strip().strip("*").strip()
    if not stripped:
        return None
    name = canonical(stripped) if len(stripped) <= 60 else None
    if name:
        return Heading(name, stripped)
    if len(stripped) <= 160 and _DECISION_BLOCK.match(stripped):
        return Heading(canonical(_DECISION_BLOCK.match(stripped).group(1)) or "beslutning", stripped)
    inline = _INLINE.match(stripped)
    if inline:
        name = canonical(inline.group(1))
        rest = inline.group(2).strip()
        if name in _DECIDING and _DATED_LABEL.match(rest):
            return Heading(name, stripped)
        if name and not name.startswith("other:"):  # `Politisk behandling: …` is a routing line
            return Heading(name, inline.group(1).strip(), rest)
    return None


# A style is a document's heading style when at least this share of the lines set in it are headings
# of the vocabulary (councils/ and seeds: outline bullets, capitals with a colon, bold).
DISTINCT_HEADING_SHARE = 0.5
MIN_STYLED_HEADINGS = 2
MAX_UNKNOWN_HEADING_WORDS = 6
_STYLE_MARK = re.compile(r"^\s*([^\w\s])\s")


def line_style_key(line: Line) -> tuple:
    """How a line is set, as far as the text or the PDF's layout tells: its outline mark, indent,
    capitals, a closing colon, and with a layout its font size, weight and left edge."""
    text = line.text
    stripped = _LEADING_MARK.sub("", text).strip()
    mark = _STYLE_MARK.match(text)
    letters = [c for c in stripped if c.isalpha()]
    upper = bool(letters) and all(c.isupper() for c in letters)
    indent = len(text) - len(text.lstrip(" "))
    layout = (round(line.style.left * 50), line.style.size, line.style.bold) if line.style else ()
    return (mark.group(1) if mark else "", indent, upper, stripped.endswith(":"), *layout)


def vocabulary_headings(lines: list[Line]) -> dict[int, Heading]:
    """Line index → the heading the vocabulary reads on it, for every line that has one."""
    return {i: h for i, line in enumerate(lines) if line.text.strip() and (h := parse_heading(line.text))}


def find_headings(lines: list[Line], vocabulary: dict[int, Heading] | None = None) -> dict[int, Heading]:
    """Line index → section heading, for the whole document.

    Headings of the vocabulary are found on their own. When the document sets its headings in a
    style of their own (an outline bullet, capitals with a colon, bold), that style decides the rest:
    a short line in it is a heading even when the vocabulary does not know it (`ØKONOMI/
    PERSONALEFORHOLD:` → other:økonomi/personaleforhold), and a council heading of the vocabulary
    set in body style is a sub-heading that stays in its section (`Historik` inside an outlined
    Sagsfremstilling). Canonical headings (Baggrund, Beslutning …) always start a section.
    """
    found = dict(vocabulary_headings(lines) if vocabulary is None else vocabulary)
    heading_style = _heading_style(lines, found)
    if heading_style is None:
        return found
    for i, line in enumerate(lines):
        if not line.text.strip():
            continue
        styled = line_style_key(line) == heading_style
        heading = found.get(i)
        if heading and heading.name.startswith("other:") and not styled:
            del found[i]
        elif heading is None and styled and (unknown := _unknown_heading(line.text)):
            found[i] = unknown
    return found


def _heading_style(lines: list[Line], found: dict[int, Heading]) -> tuple | None:
    by_style: dict[tuple, list[int]] = {}
    for i, line in enumerate(lines):
        if line.text.strip():
            by_style.setdefault(line_style_key(line), []).append(i)
    best, best_count = None, 0
    for key, indices in by_style.items():
        headings = sum(1 for i in indices if i in found and not found[i].rest)
        if (
            headings >= MIN_STYLED_HEADINGS
            and headings >= DISTINCT_HEADING_SHARE * len(indices)
            and headings > best_count
        ):
            best, best_count = key, headings
    return best


def _unknown_heading(text: str) -> Heading | None:
    stripped = _LEADING_MARK.sub("", text).strip()
    words = stripped.rstrip(":").split()
    if (
        not words
        or len(words) > MAX_UNKNOWN_HEADING_WORDS
        or not stripped[0].isupper()
        or stripped.endswith((".", ",", ";"))
        or any(ch.isdigit() for ch in stripped)
    ):
        return None
    return Heading(f"other:{' '.join(words).lower()}", stripped)
