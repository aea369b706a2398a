"""Denmark's 98 municipalities and 5 regions: the one list of them, and where a document names one.

A meeting's municipality is read where a document names its own: `Aarhus Kommune` or `Region
Midtjylland` in the title block, a running header or footer, or a council named after its town
(`Aarhus Byråd`). A body sentence that names another municipality (`i samarbejde med Odense
Kommune`) is not read. Where the text names none, the folders and the file name may
(`aarhus/byraad/2025-08-27.pdf`, `regionsjaelland_…`).
"""

from __future__ import annotations

import re
from pathlib import Path

MUNICIPALITIES = (
    "Albertslund",
    "Allerød",
    "Assens",
    "Ballerup",
    "Billund",
    "Bornholms Regionskommune",
    "Brøndby",
    "Brønderslev",
    "Dragør",
    "Egedal",
    "Esbjerg",
    "Fanø",
    "Favrskov",
    "Faxe",
    "Fredensborg",
    "Fredericia",
    "Frederiksberg",
    "Frederikshavn",
    "Frederikssund",
    "Furesø",
    "Faaborg-Midtfyn",
    "Gentofte",
    "Gladsaxe",
    "Glostrup",
    "Greve",
    "Gribskov",
    "Guldborgsund",
    "Haderslev",
    "Halsnæs",
    "Hedensted",
    "Helsingør",
    "Herlev",
    "Herning",
    "Hillerød",
    "Hjørring",
    "Holbæk",
    "Holstebro",
    "Horsens",
    "Hvidovre",
    "Høje-Taastrup",
    "Hørsholm",
    "Ikast-Brande",
    "Ishøj",
    "Jammerbugt",
    "Kalundborg",
    "Kerteminde",
    "Kolding",
    "Københavns",
    "Køge",
    "Langeland",
    "Lejre",
    "Lemvig",
    "Lolland",
    "Lyngby-Taarbæk",
    "Læsø",
    "Mariagerfjord",
    "Middelfart",
    "Morsø",
    "Norddjurs",
    "Nordfyns",
    "Nyborg",
    "Næstved",
    "Odder",
    "Odense",
    "Odsherred",
    "Randers",
    "Rebild",
    "Ringkøbing-Skjern",
    "Ringsted",
    "Roskilde",
    "Rudersdal",
    "Rødovre",
    "Samsø",
    "Silkeborg",
    "Skanderborg",
    "Skive",
    "Slagelse",
    "Solrød",
    "Sorø",
    "Stevns",
    "Struer",
    "Svendborg",
    "Syddjurs",
    "Sønderborg",
    "Thisted",
    "Tønder",
    "Tårnby",
    "Vallensbæk",
    "Varde",
    "Vejen",
    "Vejle",
    "Vesthimmerlands",
    "Viborg",
    "Vordingborg",
    "Ærø",
    "Aabenraa",
    "Aalborg",
    "Aarhus",
)
REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")


def official_name(name: str) -> str:
    """`Aarhus` → `Aarhus Kommune`, `Bornholms Regionskommune` as it is, `Midtjylland` → `Region Midtjylland`."""
    if name in REGIONS:
        return f"Region {name}"
    return name if name.endswith("kommune") else f"{name} Kommune"


def _stem(name: str) -> str:
    """The town a municipality is named after: `Københavns` → `København`, `Nordfyns` → `Nordfyn`."""
    name = name.removesuffix(" Regionskommune")
    return name[:-1] if name in ("Københavns", "Nordfyns", "Vesthimmerlands", "Bornholms") else name


_BY_STEM = {_stem(name).casefold(): name for name in MUNICIPALITIES}
_STEMS = "|".join(sorted((re.escape(_stem(n)) for n in MUNICIPALITIES), key=len, reverse=True))
_COUNCIL_WORDS = r"(?:kommune|regionskommune|byråd|kommunalbestyrelse|økonomiudvalg)\w*"
# `Aarhus Kommune`, `Københavns Kommune`, `AARHUS KOMMUNE`, `Aarhus Byråd`, `Region Midtjylland`.
_NAMED = re.compile(rf"\b({_STEMS})s?\s+{_COUNCIL_WORDS}\b|\bregion\s+({'|'.join(REGIONS)})\b", re.I)
_REGION = {region.casefold(): region for region in REGIONS}


def municipality_in(text: str) -> str | None:
    """The municipality or region a line names as a council's own (see the module's docstring)."""
    match = _NAMED.search(text)
    if not match:
        return None
    if match.group(2):
        return official_name(_REGION[match.group(2).casefold()])
    return official_name(_BY_STEM[match.group(1).casefold()])


def slug(text: str, plain: bool = False) -> str:
    text = text.casefold()
    for letter, spelled in (("æ", "ae"), ("ø", "o" if plain else "oe"), ("å", "a" if plain else "aa")):
        text = text.replace(letter, spelled)
    return text


_SLUGS: dict[str, str] = {}
for _name in MUNICIPALITIES:
    for _plain in (False, True):
        _SLUGS[slug(_stem(_name), _plain).replace("-", "")] = official_name(_name)
for _region in REGIONS:
    for _plain in (False, True):
        _SLUGS["region" + slug(_region, _plain)] = official_name(_region)
_PATH_WORD = re.compile(r"[a-z0-9]+")


def municipality_in_path(path: Path) -> str | None:
    """The municipality or region the file's name or its folders name (`aarhus`, `koebenhavn`,
    `region-midtjylland`, `regionsjaelland_…`), nearest the file first."""
    for part in reversed(path.parts):
        words = _PATH_WORD.findall(slug(part))
        for k, word in enumerate(words):
            pair = word + words[k + 1] if k + 1 < len(words) else ""
            for candidate in (pair, word) if word == "region" else (word, pair):
                if candidate in _SLUGS:
                    return _SLUGS[candidate]
    return None


def resolve_municipality(name: str) -> str | None:
    """The official name a user's spelling means (`aarhus`, `Københavns Kommune`, `region
    midtjylland`, `koebenhavn`), or None."""
    return municipality_in(name) or municipality_in_path(Path(name.replace(" ", "-")))
