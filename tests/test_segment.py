"""Segmentation rules on small synthetic documents written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from minutesindex.model import Page
from minutesindex.segment import segment_pages


def _segment(*pages: str):
    return segment_pages([Page(number=i + 1, raw_text=t, text=t) for i, t in enumerate(pages)])


def test_numbered_items_with_sections_and_presenter():
    doc = _segment(
        "Referat\nByrådet den 3. juni 2021\n\n"
        "1. Godkendelse af dagsorden\nBeslutning\nGodkendt.\n\n"
        "2. Lokalplan for Havnen\nVed borgmester Anne Østergård\n\nSagsfremstilling\nPlanen giver 300 boliger.\n\n"
        "Indstilling:\nDet indstilles, at lokalplanen vedtages.\n\nBeslutning: Vedtaget med 20 stemmer.\n\n"
        "3. Eventuelt\n"
    )
    assert doc.meeting.committee == "Byrådet"
    assert doc.meeting.meeting_date == dt.date(2021, 6, 3)
    assert doc.meeting.kind == "referat"
    assert [(i.number, i.title) for i in doc.items] == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Lokalplan for Havnen"),
        ("3", "Eventuelt"),
    ]
    second = doc.items[1]
    assert second.presenter == "borgmester Anne Østergård"
    assert [s.name for s in second.sections] == ["sagsfremstilling", "indstilling", "beslutning"]
    assert second.section_text("beslutning") == "Vedtaget med 20 stemmer."
    assert doc.items[2].sections == []


def test_table_of_contents_is_not_emitted_as_items():
    doc = _segment(
        "Dagsorden\nSocialudvalget den 1. marts 2023\n\n"
        "1.1 Budget 2024\t2\n1.2 Handicappolitik\t3\n2.1 Orientering om tilsyn\t4\n\n"
        "1. Beslutningssager\n\n1.1 Budget 2024\nIndstilling\nAt budgettet godkendes.\n\n"
        "1.2 Handicappolitik\nIndstilling\nAt politikken sendes i høring.\n\n"
        "2. Meddelelser\n\n2.1 Orientering om tilsyn\nSagsfremstilling\nTilsynet er gennemført.\n"
    )
    assert [i.number for i in doc.items] == ["1.1", "1.2", "2.1"]
    assert doc.items[2].category == "Meddelelser"


def test_detached_item_numbers_are_restored():
    doc = _segment(
        "1.1 Første sag om skoler\nSagsfremstilling\nTekst om skoler.\nIndstilling\nAt sagen godkendes.\n"
        "Referat\nGodkendt.\n\n1.2\n\nAnden sag om veje\n\nSagsfremstilling\nTekst om veje.\n"
        "Indstilling\nAt sagen drøftes.\nReferat\nDrøftet.\n"
    )
    assert [(i.number, i.title) for i in doc.items] == [("1.1", "Første sag om skoler"), ("1.2", "Anden sag om veje")]
    assert doc.items[0].section_text("referat") == "Godkendt."


def test_punkt_and_sag_headers_and_wrapped_titles():
    doc = _segment(
        "Punkt 4: Ansøgning om tilskud til\nforeningernes lokaler\nSagsfremstilling\nTekst.\n\nPunkt 5: Næste møde\n"
    )
    assert [(i.number, i.title) for i in doc.items] == [
        ("4", "Ansøgning om tilskud til foreningernes lokaler"),
        ("5", "Næste møde"),
    ]


def test_running_headers_and_page_numbers_stay_out_of_sections():
    topics = {
        1: ("Vandløb", "Åerne renses."),
        2: ("Skovrejsning", "Der plantes træer."),
        3: ("Støj", "Målinger viser fald."),
    }
    pages = [
        f"Referat Miljøudvalget 12.05.2022\n\n{n}. {title}\nSagsfremstilling\n{body}\n\nSide {n} af 3\n"
        for n, (title, body) in topics.items()
    ]
    doc = _segment(*pages)
    assert [i.number for i in doc.items] == ["1", "2", "3"]
    assert [i.section_text("sagsfremstilling") for i in doc.items] == [body for _, body in topics.values()]
    assert [i.page_start for i in doc.items] == [1, 2, 3]


def test_known_sub_heading_starts_a_section_but_free_text_stays():
    doc = _segment(
        "1. Ny skolestruktur\nSagsfremstilling\nIndledning.\n\nVidere proces\nMøder i efteråret.\n\n"
        "Økonomi\nUdgiften er 2 mio. kr.\n\nBilag\nBilag 1 - Kort over skoledistrikter\nBilag 2: Høringssvar\n"
    )
    item = doc.items[0]
    assert [s.name for s in item.sections] == ["sagsfremstilling", "other:økonomi", "bilag"]
    assert "Videre proces" in item.section_text("sagsfremstilling")
    assert [str(a) for a in item.attachments] == ["Bilag 1: Kort over skoledistrikter", "Bilag 2: Høringssvar"]


def test_category_headings_and_blank_lines_before_the_presenter():
    doc = _segment(
        "Dagsorden\nSocialudvalget den 1. marts 2023\n\n1. Beslutningspunkter\n\n"
        "1.1 Budget for Kvisten\n\nVed socialchef Lotte Holm\n\n"
        "Indstilling\nDet indstilles, at budgettet godkendes.\n\n"
        "2. Orienteringspunkter\n\n2.1 Status på Sølund\n\nSagsfremstilling\nByggeriet er i gang.\n"
    )
    first, second = doc.items
    assert first.presenter == "socialchef Lotte Holm"
    assert first.section_text("indstilling") == "Det indstilles, at budgettet godkendes."
    assert second.category == "Orienteringspunkter"


def test_another_councils_layout_contents_without_leaders_metadata_lines_and_access_markers():
    doc = _segment(
        "Referat\nØkonomiudvalget\nMødedato: 14. marts 2023\nDeltagere: Anne Hansen, Bo Jensen\nAfbud: Dorte Olsen\n\n"
        "Indholdsfortegnelse\n1 Godkendelse af dagsorden 3\n2 Budgetopfølgning pr. 28. februar 2023 4\n"
        "3 Salg af grund på Havnevej 7\n\n"
        "1. Godkendelse af dagsorden\nSagsnr.: 00.01.00-A00-1-23\nBeslutning i Økonomiudvalget den 14. marts 2023\n"
        "Godkendt.\n\n"
        "2. Budgetopfølgning pr. 28. februar 2023\nSagsnr.: 00.30.00-S00-2-23   Dok.: 12345/23   Initialer: ABC\n"
        "Sagsforløb: ØU/BY\nÅben sag\n\nResumé\nForvaltningen har udarbejdet budgetopfølgning.\n\n"
        "Økonomi\nIngen økonomiske konsekvenser.\n\n"
        "Indstilling\nDirektionen indstiller, at den tages til efterretning.\n\n"
        "Beslutning i Økonomiudvalget den 14. marts 2023\nTaget til efterretning.\n\n"
        "3. Salg af grund på Havnevej\nLukket sag\n\nBeslutning i Økonomiudvalget den 14. marts 2023\nGodkendt.\n"
    )
    assert doc.meeting.committee == "Økonomiudvalget"
    assert doc.meeting.participants == ["Anne Hansen", "Bo Jensen"] and doc.meeting.absentees == ["Dorte Olsen"]
    assert [(i.number, i.title) for i in doc.items] == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Budgetopfølgning pr. 28. februar 2023"),
        ("3", "Salg af grund på Havnevej"),
    ]
    budget = doc.items[1]
    assert [s.name for s in budget.sections] == ["resume", "other:økonomi", "indstilling", "beslutning"]
    assert budget.section_text("beslutning") == "Taget til efterretning."
    assert doc.items[2].section_text("beslutning") == "Godkendt."


def test_a_referat_title_under_the_council_name_is_not_an_item_and_capital_headings_are_sections():
    doc = _segment(
        "Holmstrup Kommune\nBørne- og Ungdomsudvalget\nREFERAT\nfra ordinært møde onsdag den 8. februar 2023\n\n"
        "1. Særlige pladser i dagtilbud (2023-0012345)\nUdvalget skal tage stilling til fordelingen.\n\n"
        "INDSTILLING OG BESLUTNING\nForvaltningen indstiller,\n1. at udvalget godkender fordelingen.\n\n"
        "PROBLEMSTILLING\nDer er flere børn på venteliste end pladser.\n\n"
        "BESLUTNING\nIndstillingen blev godkendt.\n\n"
        "2. Eventuelt\n"
    )
    assert doc.meeting.committee == "Børne- og Ungdomsudvalget"
    assert doc.meeting.kind == "referat"
    assert [(i.number, i.title) for i in doc.items] == [
        ("1", "Særlige pladser i dagtilbud (2023-0012345)"),
        ("2", "Eventuelt"),
    ]
    first = doc.items[0]
    assert [s.name for s in first.sections] == ["indstilling", "other:problemstilling", "beslutning"]
    assert first.section_text("indstilling").endswith("1. at udvalget godkender fordelingen.")
    assert first.section_text("beslutning") == "Indstillingen blev godkendt."


def test_sagsresume_heading_and_a_numbered_attachment_list():
    doc = _segment(
        "Referat\nTeknik- og Miljøudvalget\nMødedato: 14. marts 2023\n\n"
        "1. Takstmodel for affaldsindsamling\nSagsnr.: 07.00.00-S55-3-23\n"
        "Sagsresumé\nForslag til ny takstmodel.\n"
        "Indstilling\nDirektøren indstiller, at modellen anbefales.\n"
        "Beslutning i Teknik- og Miljøudvalget den 14-03-2023\nAnbefalet.\n"
        "Bilag\n1. Takstblad 2024 (12345/23)\n2. Høringssvar (12346/23)\n"
    )
    (item,) = doc.items
    assert [s.name for s in item.sections] == ["resume", "indstilling", "beslutning", "bilag"]
    assert item.section_text("resume") == "Forslag til ny takstmodel."
    assert [(a.label, a.title) for a in item.attachments] == [
        ("Bilag 1", "Takstblad 2024 (12345/23)"),
        ("Bilag 2", "Høringssvar (12346/23)"),
    ]


def test_an_item_right_under_a_numbered_attachment_list_is_still_an_item():
    doc = _segment(
        "Referat\nTeknik- og Miljøudvalget\n\n"
        "1. Takstmodel\nIndstilling\nAt modellen anbefales.\nBilag\n1. Takstblad 2024\n"
        "2. Vejvedligehold\nSagsnr.: 05.01.00-G01-1-23\nSagsfremstilling\nFlere huller end normalt.\nBilag\n"
        "1. Kort over vejene\n2. Prisoverslag\n3. Eventuelt\n"
    )
    titles = [(i.number, i.title) for i in doc.items]
    assert titles == [("1", "Takstmodel"), ("2", "Vejvedligehold"), ("3", "Eventuelt")]
    assert [a.title for a in doc.items[1].attachments] == ["Kort over vejene", "Prisoverslag"]


def test_zero_padded_numbers_continue_the_numbering():
    doc = _segment(
        "Referat\nSocialudvalget\n3. maj 2023\n\n01. Godkendelse af dagsorden\nBeslutning\nGodkendt.\n\n"
        "02. Ny plan for bostøtte\nSagsfremstilling\nNy plan.\nBeslutning\nVedtaget.\n"
    )
    titles = [(i.number, i.title) for i in doc.items]
    assert titles == [("1", "Godkendelse af dagsorden"), ("2", "Ny plan for bostøtte")]


def test_a_number_printed_above_its_title_after_the_last_section_starts_the_next_item():
    doc = _segment(
        "Referat\nKulturudvalget\n4. maj 2023\n\n1.\nGodkendelse af dagsorden\nBeslutning\nGodkendt.\n\n"
        "2.\nKulturpris 2023\nSagsfremstilling\nTo kandidater.\nBeslutning\nTildelt Anna.\n"
    )
    assert [(i.number, i.title) for i in doc.items] == [("1", "Godkendelse af dagsorden"), ("2", "Kulturpris 2023")]
    assert doc.items[0].section_text("beslutning") == "Godkendt."
    assert [s.name for s in doc.items[1].sections] == ["sagsfremstilling", "beslutning"]


@pytest.mark.parametrize(
    ("head", "committee"),
    [
        ("Referat af møde i Ældrerådet den 5. maj 2023", "Ældrerådet"),
        ("Referat - Økonomiudvalget\nMøde den 11.05.2023", "Økonomiudvalget"),
        ("BØRNE- OG SKOLEUDVALGET\nDAGSORDEN\n16. maj 2023", "Børne- og Skoleudvalget"),
        ("Dagsorden for mødet i Handicaprådet\nTirsdag den 9. maj 2023 kl. 16.00", "Handicaprådet"),
    ],
)
def test_the_committee_is_read_from_the_title_block_of_other_layouts(head, committee):
    doc = _segment(f"{head}\n\n1. Godkendelse af dagsorden\nBeslutning\nGodkendt.\n")
    assert doc.meeting.committee == committee
    assert doc.meeting.meeting_date is not None


def test_each_committees_dated_decision_is_a_decision_also_with_og_and_genitive_names():
    doc = _segment(
        "Referat\nTeknik- og Miljøudvalget\n\n"
        "1. Lokalplan for Havnen\nIndstilling\nAt planen vedtages.\n"
        "Teknik- og Miljøudvalget den 14. marts 2023\nAnbefalet.\nByrådets beslutning den 28-03-2023\nVedtaget.\n\n"
        "2. Særlige pladser\nBESLUTNING\nBørne- og Ungdomsudvalgets beslutning den 8. februar 2023\nGodkendt.\n"
    )
    plan, places = doc.items
    assert [(s.name, s.text) for s in plan.sections] == [
        ("indstilling", "At planen vedtages."),
        ("beslutning", "Anbefalet."),
        ("beslutning", "Vedtaget."),
    ]
    assert [(s.name, s.heading, s.text) for s in places.sections] == [
        ("beslutning", "Børne- og Ungdomsudvalgets beslutning den 8. februar 2023", "Godkendt.")
    ]


def test_a_long_title_wrapped_onto_a_capitalised_word_right_above_the_first_section_is_joined():
    doc = _segment(
        "Referat\nKulturudvalget\n\n"
        "1. Ansøgning om tilskud til renovering af klubhuset hos Foreningen\nKvisten\n"
        "Sagsfremstilling\nForeningen søger 200.000 kr.\n\n"
        "2. Budget\nKvisten\nSagsfremstilling\nIngen bemærkninger.\n\n"
        "3. Orientering om arbejdet med den nye kulturpolitik for kommunen\nUdvalget orienteres om status.\n"
        "Sagsfremstilling\nArbejdet er i gang.\n"
    )
    assert [i.title for i in doc.items] == [
        "Ansøgning om tilskud til renovering af klubhuset hos Foreningen Kvisten",
        "Budget",
        "Orientering om arbejdet med den nye kulturpolitik for kommunen",
    ]
    assert doc.items[2].body == "Udvalget orienteres om status."


def test_a_markdown_export_reads_like_plain_text():
    doc = _segment(
        "# Referat\n## Socialudvalget den 5. maj 2023\n\n"
        "### 1. Godkendelse af dagsorden\n**Beslutning**\nGodkendt.\n\n"
        "### 2. Ny plan for bostøtte\n**Sagsfremstilling**\nPlanen beskriver **vigtige** indsatser (se note **).\n"
        "**Indstilling:** At planen godkendes.\n\n**3. Eventuelt**\n"
    )
    assert doc.meeting.committee == "Socialudvalget"
    assert [(i.number, i.title) for i in doc.items] == [
        ("1", "Godkendelse af dagsorden"),
        ("2", "Ny plan for bostøtte"),
        ("3", "Eventuelt"),
    ]
    plan = doc.items[1]
    assert plan.section_text("sagsfremstilling") == "Planen beskriver vigtige indsatser (se note **)."
    assert plan.section_text("indstilling") == "At planen godkendes."


def test_a_compound_naming_the_document_gives_its_kind():
    doc = _segment("Beslutningsreferat\nBørne- og Skoleudvalget\n5. maj 2023\n\n1. Godkendelse af dagsorden\nOK.\n")
    assert (doc.meeting.committee, doc.meeting.kind) == ("Børne- og Skoleudvalget", "referat")
