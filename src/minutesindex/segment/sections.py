"""Section headings (Sagsfremstilling, Indstilling, Beslutning …) mapped to canonical names."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Printed heading (lower case, no trailing colon) → canonical section name.
HEADINGS: dict[str, str] = {
    "resume": "resume",
    "resumé": "resume",
    "sammenfatning": "resume",
    "sagsresume": "resume",
    "sagsresumé": "resume",
    "baggrund": "baggrund",
    "sagens baggrund": "baggrund",
    "sagsfremstilling": "sagsfremstilling",
    "sagens indhold": "sagsfremstilling",
    "sagsbeskrivelse": "sagsfremstilling",
    "indstilling": "indstilling",
    "indstillinger": "indstilling",
    "forslag til beslutning": "indstilling",
    "indstilling og beslutning": "indstilling",
    "referat": "referat",
    "beslutning": "beslutning",
    "beslutninger": "beslutning",
    "afgørelse": "beslutning",
    "bilag": "bilag",
    "bilagsliste": "bilag",
}
# Headings that councils use for sections of their own; they become other:<heading>.
OTHER_HEADINGS = {
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
# "Beslutning i Økonomiudvalget den 12. maj 2020", "Beslutning Byrådet den 3. juni 2021".
_DECISION_BLOCK = re.compile(r"^(beslutning|referat)\b[^.]{0,80}\bden\b[^.]{0,40}\d", re.I)
_INLINE = re.compile(r"^\s*([A-Za-zÆØÅæøåé ]{4,40}?)\s*:\s*(\S.*)$")


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
    stripped = text.strip().lstrip("#*").strip().strip("*").strip()
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
        if name and not (name == "other:sagsforløb" and len(inline.group(2).split()) <= 3):  # `Sagsforløb: ØU/BY`
            return Heading(name, inline.group(1).strip(), inline.group(2).strip())
    return None
