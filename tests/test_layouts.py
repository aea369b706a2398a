"""Real PDF layouts, generated here: text layers that repeat themselves, running header blocks without
digits, `Side N af M` footers, bold headings. Each goes through the ingest's own PDF reader."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from minutesindex.ingest.pdf import iter_text_layer, open_pdf
from minutesindex.model import ExtractedDocument
from minutesindex.pipeline import process_document
from tests.layouts import Styled, layout_pdf, with_paragraph_actualtext


def _segment_pdf(path: Path):
    with open_pdf(path) as doc:
        pages = list(iter_text_layer(path, doc))
    return pages, process_document(ExtractedDocument(path, "", pages))


PARAGRAPHS = [
    ["Referat af mødet i Kultur- og Fritidsudvalget"],
    ["12. Tilskud til foreningernes lokaler"],
    ["Sagsfremstilling"],
    [
        "Foreningerne i Vestbyen har søgt om tilskud til leje af lokaler i det",
        "gamle posthus, som kommunen har overtaget i foråret.",
    ],
    ["Beslutning"],
    ["Udvalget bevilgede tilskuddet for to år ad gangen."],
]


def test_a_text_layer_with_paragraph_actualtext_is_read_once_per_line(tmp_path: Path):
    plain = layout_pdf(tmp_path / "plain.pdf", [[line for p in PARAGRAPHS for line in p]], footer=None)
    lying = with_paragraph_actualtext(plain, PARAGRAPHS, tmp_path / "firstagenda.pdf")
    with pymupdf.open(lying) as doc:
        honoured = doc[0].get_text()
    assert honoured.count("gamle posthus") == 2  # the generator's lie, as a reader that honours ActualText sees it

    pages, segmented = _segment_pdf(lying)
    assert pages[0].raw_text.count("gamle posthus") == 1
    assert [(i.number, i.title) for i in segmented.items] == [("12", "Tilskud til foreningernes lokaler")]
    assert segmented.items[0].section_text("beslutning") == "Udvalget bevilgede tilskuddet for to år ad gangen."


def test_a_header_block_without_digits_and_page_footers_are_furniture_while_repeated_body_lines_stay(
    tmp_path: Path,
):
    decision = "Godkendt i henhold til indstillingen af 4. marts 2024."
    pages = [
        [
            f"{n}. {title}",
            "Sagsfremstilling",
            f"Forvaltningen har undersøgt {topic} og lagt en plan.",
            "Beslutning",
            decision,
        ]
        for n, title, topic in [
            (41, "Ny belysning på stierne", "belysningen"),
            (42, "Vedligehold af broerne", "broerne"),
            (43, "Parkering ved stationen", "parkeringen"),
        ]
    ]
    path = layout_pdf(tmp_path / "referat.pdf", pages, header=["Teknik- og Miljøudvalget", "Referat", "Åbent referat"])
    _, segmented = _segment_pdf(path)
    assert [(i.number, i.title, i.page_start) for i in segmented.items] == [
        ("41", "Ny belysning på stierne", 1),
        ("42", "Vedligehold af broerne", 2),
        ("43", "Parkering ved stationen", 3),
    ]
    for item in segmented.items:
        assert item.section_text("beslutning") == decision  # the repeated decision is body, no footer
        assert "Side" not in item.section_text("beslutning") and "Referat" not in item.body
    assert segmented.meeting.committee == "Teknik- og Miljøudvalget"
    assert segmented.meeting.kind == "referat"


def test_bold_headings_set_the_documents_heading_style(tmp_path: Path):
    """A bold heading the vocabulary does not know is a section of its own; a plain sub-heading inside a
    section stays in it, even one the vocabulary knows as a council heading elsewhere."""
    page = [
        Styled("Punkt 7 Udbud af vintertjeneste", bold=True, size=12),
        Styled("Sagsfremstilling", bold=True),
        "Kontrakten med den nuværende entreprenør udløber til oktober.",
        "Historik",
        "Vintertjenesten blev sidst udbudt for fire år siden.",
        Styled("Klimavurdering", bold=True),
        "Nye saltspredere bruger en tredjedel mindre salt.",
        Styled("Indstilling", bold=True),
        "Forvaltningen indstiller, at udbuddet igangsættes.",
        Styled("Beslutning", bold=True),
        "Godkendt.",
    ]
    _, segmented = _segment_pdf(layout_pdf(tmp_path / "udbud.pdf", [page]))
    (item,) = segmented.items
    assert (item.number, item.title) == ("7", "Udbud af vintertjeneste")
    assert [s.name for s in item.sections] == ["sagsfremstilling", "other:klimavurdering", "indstilling", "beslutning"]
    assert "Historik" in item.section_text("sagsfremstilling")


def test_an_item_runs_over_pages_and_keeps_its_start_page(tmp_path: Path):
    first = ["1. Godkendelse af dagsorden", "Beslutning", "Godkendt.", "", "2. Budgetopfølgning pr. 31. maj"]
    first += ["Sagsfremstilling"] + [
        f"Afsnit {k} om forbruget på området for ældre og handicappede." for k in range(40)
    ]
    second = ["Beslutning", "Taget til efterretning.", "", "3. Eventuelt", "Intet."]
    _, segmented = _segment_pdf(layout_pdf(tmp_path / "lang.pdf", [first, second], header=["Økonomiudvalget"]))
    assert [(i.number, i.page_start, i.page_end) for i in segmented.items] == [("1", 1, 1), ("2", 1, 2), ("3", 2, 2)]
    assert segmented.items[1].section_text("beslutning") == "Taget til efterretning."


def test_a_contents_page_with_dot_leaders_is_no_item_and_items_start_on_their_own_pages(tmp_path: Path):
    """The common shape of a referat from an agenda system: a contents page (titles, dot leaders, page
    numbers), then each item on the page the contents give, under a bold heading, with a case number,
    a running header block and a footer; the last page is a two-column signature list."""
    titles = ["Godkendelse af dagsorden", "Ny skolestruktur i Vestbyen", "Takster for 2025", "Eventuelt"]
    contents = [Styled("Indholdsfortegnelse", bold=True, size=12)] + [
        f"{n}. {title} {'.' * (60 - len(title))} {n + 1}" for n, title in enumerate(titles, start=1)
    ]
    item_pages = [
        [
            Styled(f"{n}. {title}", bold=True, size=12),
            f"Sagsnr.: 24/{1000 + n}",
            Styled("Sagsfremstilling", bold=True),
            f"Forvaltningen har forberedt sagen om {title.lower()} til udvalgets møde.",
            Styled("Beslutning", bold=True),
            "Godkendt.",
        ]
        for n, title in enumerate(titles, start=1)
    ]
    signatures = [
        "Anna Berg                                Ole Lund",
        "Mette Holm                               Per Dam",
    ]
    path = layout_pdf(
        tmp_path / "referat.pdf",
        [contents, *item_pages, signatures],
        header=["Børne- og Skoleudvalget", "Referat", "Mødedato: 04.03.2025"],
    )
    _, segmented = _segment_pdf(path)
    assert [(i.number, i.title, i.page_start) for i in segmented.items] == [
        (str(n), title, n + 1) for n, title in enumerate(titles, start=1)
    ]
    assert all(i.section_text("beslutning") == "Godkendt." for i in segmented.items[:3])
    assert segmented.meeting.committee == "Børne- og Skoleudvalget"
    assert str(segmented.meeting.meeting_date) == "2025-03-04"
