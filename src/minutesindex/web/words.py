"""The web workbench's words: Danish, the users' language, and English (`lang=en`). One table."""

from __future__ import annotations

LANGUAGES = ("da", "en")

WORDS: dict[str, tuple[str, str]] = {
    # key: (Danish, English)
    "title": ("minutesindex – dagsordener og referater", "minutesindex – agendas and minutes"),
    "search": ("Søg", "Search"),
    "search_placeholder": (
        'Søg i punkterne, fx takstmodel, "særlige pladser", beslutning:godkendt',
        'Search the items, e.g. takstmodel, "særlige pladser", beslutning:godkendt',
    ),  # fmt: skip
    "search_label": ("Søgeord", "Search words"),
    "latest_meetings": ("Seneste møder", "Latest meetings"),
    "meeting": ("Møde", "Meeting"),
    "meetings": ("møder", "meetings"),
    "items": ("punkter", "items"),
    "item": ("Punkt", "Item"),
    "no_date": ("uden dato", "no date"),
    "no_committee": ("uden udvalg", "no committee"),
    "hits_of": ("{shown} af {total} punkter", "{shown} of {total} items"),
    "hits_none": ("Ingen punkter passer til søgningen.", "No item matches the search."),
    "some_words": (
        "Intet punkt har alle ordene; her er punkter med nogle af dem.",
        "No item has all the words; these items have some of them.",
    ),  # fmt: skip
    "sort": ("Sortér", "Sort"),
    "sort_score": ("bedst først", "best first"),
    "sort_date": ("nyeste først", "newest first"),
    "filters": ("Afgræns", "Filter"),
    "clear_filters": ("Fjern afgrænsning", "Clear filters"),
    "facet_municipality": ("Kommune/region", "Municipality/region"),
    "facet_committee": ("Udvalg", "Committee"),
    "facet_year": ("År", "Year"),
    "facet_kind": ("Type", "Kind"),
    "facet_outcome": ("Beslutning", "Outcome"),
    "facet_access": ("Adgang", "Access"),
    "access_open": ("åbent punkt", "open item"),
    "access_closed": ("lukket punkt", "closed item"),
    "kind_referat": ("referat", "minutes"),
    "kind_dagsorden": ("dagsorden", "agenda"),
    "outcome_none": ("ingen beslutning", "no decision"),
    "previous": ("Forrige", "Previous"),
    "next": ("Næste", "Next"),
    "page_n": ("Side {page}", "Page {page}"),
    "export": ("Hent resultatet", "Download the results"),
    "export_xlsx": ("Regneark (xlsx)", "Spreadsheet (xlsx)"),
    "export_csv": ("CSV", "CSV"),
    "chart": ("Beslutninger over tid", "Decisions over time"),
    "chart_by": ("fordelt på", "by"),
    "chart_per": ("pr.", "per"),
    "by_outcome": ("beslutning", "outcome"),
    "by_committee": ("udvalg", "committee"),
    "per_month": ("måned", "month"),
    "per_year": ("år", "year"),
    "chart_empty": ("Ingen daterede punkter at vise.", "No dated items to show."),
    "case_number": ("Sagsnr.", "Case no."),
    "votes": ("Afstemning", "Votes"),
    "personal_data": ("Persondata", "Personal data"),
    "has_cpr": ("Teksten indeholder et CPR-nummer.", "The text holds a CPR number."),
    "presenter": ("Ved", "Presented by"),
    "decision": ("Beslutning", "Decision"),
    "outcome": ("Udfald", "Outcome"),
    "attachments": ("Bilag", "Attachments"),
    "structure_from": ("Strukturen er læst fra", "Structure read from"),
    "source_export": ("dagsordensystemets eksport", "the agenda system's export"),
    "source_outline": ("PDF'ens indholdsfortegnelse", "the PDF's outline"),
    "source_layout": ("tekstlagets layout", "the text layer's layout"),
    "source_text": ("teksten alene", "the text alone"),
    "source_unknown": ("ukendt", "unknown"),
    "unsegmented": (
        "Der blev ikke fundet dagsordenspunkter i dokumentet; det vises samlet.",
        "No agenda items were found in this document; it is shown whole.",
    ),  # fmt: skip
    "source_page": ("Kildesiden", "The source page"),
    "page_image_alt": ("Side {page} af {file}", "Page {page} of {file}"),
    "open_pdf": ("Åbn PDF'en på side {page}", "Open the PDF at page {page}"),
    "pages": ("sider {start}–{end}", "pages {start}–{end}"),
    "page": ("side {page}", "page {page}"),
    "other_items": ("Mødets andre punkter", "The meeting's other items"),
    "same_case": ("Samme sag på andre møder", "The same case in other meetings"),
    "back_to_search": ("Tilbage til søgningen", "Back to the search"),
    "error": ("Fejl", "Error"),
    "not_found": ("Findes ikke", "Not found"),
    "language_switch": ("English", "Dansk"),
    "no_home": (
        "Arkivet er tomt: indlæs dokumenter med `minutesindex ingest` først.",
        "The archive is empty: ingest documents with `minutesindex ingest` first.",
    ),  # fmt: skip
    "skip_to_results": ("Gå til resultaterne", "Skip to the results"),
}


def words(lang: str) -> dict[str, str]:
    column = LANGUAGES.index(lang) if lang in LANGUAGES else 0
    return {key: pair[column] for key, pair in WORDS.items()}


_MONTHS = {
    "da": (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ),  # fmt: skip
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),  # fmt: skip
}


def month_names(lang: str) -> tuple[str, ...]:
    return _MONTHS.get(lang, _MONTHS["da"])
