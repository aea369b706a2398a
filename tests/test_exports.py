"""Structure from the source: agenda systems' exports, PDF outlines, zips, closed items, provenance and
the same meeting stored once. Every export is written here, in each system's shape and quirks."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest

from minutesindex.archive import Archive
from minutesindex.config import Settings
from minutesindex.pipeline import ingest_paths
from minutesindex.samples import text_pdf

DECISION_HTML = (
    "<div><div id='sagsfremstillingContainer'>\r\n<div><h3>Beslutning</h3>\r\n"
    "<span>Godkendt.<br><br>Fraværende: Anna Holm</span>\r\n</div>\r\n<h3>Fremstilling</h3>\r\n"
    "<span class='ukendt'><h2><span>Resume</span></h2>\r\n<p>Byr&aring;det skal tage stilling til en "
    "ny plan for cykelstier.</p>\r\n<h2>Indstilling</h2>\r\n<p><em>Administrationen\r\nindstiller, at "
    "planen godkendes.</em></p>\r\n<h4>Sagsbeskrivelse</h4>\r\n<p>Cykelstierne langs Strandvejen "
    "forbindes.</p></span></div></div>"
)


def _firstagenda(folder: Path, name: str = "Teknisk Udvalg_2024-05-06T16:00:00+02:00_abc.json") -> Path:
    meeting = {
        "Id": "e8f78761-0000-0000-0000-000000000001",
        "Udvalg": {"Id": "u1", "Navn": "Teknisk Udvalg", "Historisk": False},
        "Moede": {"Id": "00000000-0000-0000-0000-000000000000", "Dato": "2024-05-06T16:00:00+02:00",
                  "Navn": "Dagsorden", "Moededeltagere": [{"Name": "Anna Holm", "Absent": True},
                                                          {"Name": "Bo Berg", "Absent": False}]},
        "Dagsordenpunkter": [
            {"Number": "2", "Caption": "Lukket: Køb af grund", "CaseNumber": "24-000002", "IsOpen": False,
             "Felter": [{"Navn": "", "Html": "<div><p>K&oslash;bet blev godkendt.</p></div>", "Link": ""}],
             "Bilag": []},
            {"Number": "1", "Caption": "Cykelstiplan 2025", "CaseNumber": "24-000001", "IsOpen": False,
             "Felter": [{"Navn": "", "Html": DECISION_HTML, "Link": "x"}],
             "Bilag": [{"Id": "b1", "Navn": "Kort over stierne", "Order": 1, "HarPdfVersion": "true"}]},
        ],
    }  # fmt: skip
    path = folder / name
    path.write_text(json.dumps(meeting, ensure_ascii=False), encoding="utf-8")
    return path


EDOC_XML = """<?xml version="1.0"?>\r
<Meeting><Committee>Social- og Sundhedsudvalget</Committee><MeetingDate>03-02-2021 15:00:00</MeetingDate>\r
<MeetingState>Referat endeligt godkendt</MeetingState><MeetingAgendaTypes><MeetingAgendaType>\r
<AgendaType>Åben dagsorden</AgendaType><PDFDocument>100.PDF</PDFDocument><MeetingAgendaItems>\r
<MeetingAgendaItem><AgendaItemNumber>2</AgendaItemNumber><PDFDocument>102.PDF</PDFDocument>\r
<Document documentid="2"><Title>Plejeboliger i Nordby</Title><PublishingType>SKAL PUBLICERES</PublishingType>\r
<Attachments><Attachment attachmentid="9"><Title>Skitse</Title><PDFDocument>109.PDF</PDFDocument></Attachment>\r
</Attachments></Document><FullText>\r\r2.\tPlejeboliger i Nordby\r\rSagsnr.: 2021-123\r\rSagsfremstilling\r\
Der bygges 40 plejeboliger.\r\rIndstilling\rForvaltningen indstiller, at byggeriet godkendes.\r\r\
Social- og Sundhedsudvalgets beslutning den 03.02.2021 Punkt 2\rGodkendt.</FullText></MeetingAgendaItem>\r
<MeetingAgendaItem><AgendaItemNumber>1</AgendaItemNumber><PDFDocument>101.PDF</PDFDocument>\r
<Document documentid="1"><Title>Meddelelser</Title><PublishingType>SKAL PUBLICERES</PublishingType></Document>\r
<FullText>1.\tMeddelelser\r\rIngen meddelelser.</FullText></MeetingAgendaItem>\r
</MeetingAgendaItems><FullText>Forside&#xC;Indhold</FullText></MeetingAgendaType></MeetingAgendaTypes></Meeting>\r
"""

EDOC_PAGES = [
    "Social- og Sundhedsudvalget\nReferat 03.02.2021\nIndholdsfortegnelse\n1. Meddelelser\n2. Plejeboliger i Nordby",
    "1. Meddelelser\nIngen meddelelser.",
    "2. Plejeboliger i Nordby\nSagsnr.: 2021-123\nSagsfremstilling\nDer bygges 40 plejeboliger.\nIndstilling\n"
    "Forvaltningen indstiller, at byggeriet godkendes.\n"
    "Social- og Sundhedsudvalgets beslutning den 03.02.2021 Punkt 2\nGodkendt.",
]


def _edoc(folder: Path) -> Path:
    meeting = folder / "03-02-2021 15:00:00"
    meeting.mkdir(parents=True)
    (meeting / "eDocAgendaPublishing.xml").write_bytes(EDOC_XML.encode("utf-8"))
    with text_pdf(EDOC_PAGES, "Social- og Sundhedsudvalget 03.02.2021") as doc:
        doc.save(meeting / "100.PDF")
    for number, page in ((1, EDOC_PAGES[1]), (2, EDOC_PAGES[2])):
        with text_pdf([page], "Punkt") as doc:
            doc.save(meeting / f"10{number}.PDF")
    return meeting


def _acadre(folder: Path) -> Path:
    manifest = (
        '<root><table name="committee"><fields><field name="Kulturudvalget (KU)"></field><field sysid="5"></field>'
        '</fields></table><table name="meeting"><fields><field name="Ekstraordinært KU"></field>'
        '<field date="2019-09-10 10:30"></field></fields></table><table name="producedAgenda"><fields>'
        '<field xmlfilename="77.xml"></field><field docfilename="78.docx"></field><field type="2"></field>'
        '<field publish="1"></field><field filesfolder="Files_12_78"></field></fields></table></root>'
    )
    (folder / "XML_12.xml").write_text(manifest, encoding="utf-8")
    files = folder / "Files_12_78"
    files.mkdir()

    def field(name: str, value: str) -> str:
        return f'<field name="{name}">{value}</field>'

    bullets = [
        ("Sagsfremstilling", "&lt;p&gt;Museet\nudvides med en ny fløj.&lt;/p&gt;", "2", "1"),
        ("Indstilling", "&lt;p&gt;Direktøren indstiller, at udvidelsen godkendes.&lt;/p&gt;", "6", "2"),
        ("Beslutning i Kulturudvalget (KU) den 12-08-2019", "&lt;p&gt;Punktet blev udsat.&lt;/p&gt;", "8", "3"),
        ("Beslutning i Kulturudvalget (KU) den 10-09-2019", "&lt;p&gt;Godkendt.&lt;/p&gt;", "8", "4"),
    ]
    bullet_xml = "".join(
        f'<table name="bullet"><fields>{field("bulletname", n)}{field("bulletcontent", c)}'
        f"{field('bullettype', t)}{field('bulletsortorder', o)}</fields></table>"
        for n, c, t, o in bullets
    )
    agenda = (
        '<root><table name="agenda"><fields>' + field("name", "Referat") + "</fields>"
        '<table name="meeting"><fields>' + field("name", "Ekstraordinært KU") + field("date", "2019-09-10 10:30")
        + '</fields></table><table name="agendaitemparents"><fields>' + field("sort", "301")
        + '</fields><table name="agendaitem"><fields>' + field("name", "Museets nye fløj")
        + field("caseno", "19/1234") + field("accessname", "Åben") + field("access", "1") + "</fields>"
        + bullet_xml + '<table name="enclosure"><fields>' + field("name", "Tegninger") + field("sort", "1")
        + field("filename", "55E1.DOCX") + "</fields></table></table></table></table></root>"
    )  # fmt: skip
    (files / "77.XML").write_text(agenda, encoding="utf-8")
    with text_pdf(["Referat Kulturudvalget\n301. Museets nye fløj\nSagsfremstilling\nMuseet udvides."], "KU") as doc:
        doc.save(files / "Ekstraordinært KU.pdf")
    return folder / "XML_12.xml"


def _sbsys_zip(folder: Path) -> Path:
    xml = (
        '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n'
        "<Publication><PublicationTypeAsValue>2</PublicationTypeAsValue>"
        '<Agendas><Agenda ID="7"><Meeting ID="3"><When>15-05-2013 16:30:00</When></Meeting>'
        '<Committee ID="8"><Name><![CDATA[IT-udvalget]]></Name></Committee><Items>'
        '<Item ID="1"><Number>1</Number><Caption><![CDATA[Indkøb af tablets]]></Caption><IsPublic>True</IsPublic>'
        "<Case><Number>13/99</Number></Case><Fields>"
        '<ItemField ID="1"><Caption><![CDATA[Sagsfremstilling]]></Caption><Index>1</Index>'
        "<Content><![CDATA[<p>Udvalgets medlemmer f&aring;r nye tablets til m&oslash;derne.</p>]]></Content>"
        "<IsFeedback>False</IsFeedback></ItemField>"
        '<ItemField ID="2"><Caption><![CDATA[Beslutning]]></Caption><Index>2</Index>'
        "<Content><![CDATA[<p>Godkendt.</p>]]></Content><IsFeedback>True</IsFeedback></ItemField></Fields>"
        '<Enclosures><Enclosure ID="4"><Name><![CDATA[Tilbud]]></Name><Number>1</Number>'
        "<InstantiationFilePathRelative><![CDATA[Enclosures\\1.pdf]]></InstantiationFilePathRelative>"
        "</Enclosure></Enclosures></Item></Items></Agenda></Agendas></Publication>"
    )
    path = folder / "Publication9.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Publication9/Publication9.xml", xml.encode("utf-8"))
        with text_pdf(["Tilbud på tablets"], "Bilag") as doc:
            archive.writestr("Publication9/Enclosures/1.pdf", doc.tobytes())
    return path


def _items(settings: Settings) -> list[dict]:
    return [Archive(settings.home).item(item.item_id) for item in Archive(settings.home).select_items()]


def test_a_firstagenda_meeting_lands_with_its_items_sections_and_closed_item(home: Settings, tmp_path: Path):
    report = ingest_paths([_firstagenda(tmp_path)], home, workers=1)
    assert report.count("ingested") == 1 and report.outcomes[0].items == 2
    items = _items(home)
    assert [(i["number"], i["title"], i["closed"]) for i in items] == [
        ("1", "Cykelstiplan 2025", False),
        ("2", "Køb af grund", True),
    ]
    open_item = items[0]
    assert open_item["structure_source"] == "export" and open_item["case_number"] == "24-000001"
    assert open_item["kind"] == "referat" and open_item["committee"] == "Teknisk Udvalg"
    assert open_item["sections"]["beslutning"].startswith("Godkendt.")
    assert open_item["sections"]["indstilling"] == "Administrationen indstiller, at planen godkendes."
    assert open_item["sections"]["sagsfremstilling"] == "Cykelstierne langs Strandvejen forbindes."
    assert items[1]["sections"]["beslutning"] == "Købet blev godkendt."
    archive = Archive(home.home)
    assert [h.title for h in archive.search("Byrådet cykelstier")] == ["Cykelstiplan 2025"]
    assert [h.title for h in archive.search("godkendt", access="closed")] == ["Køb af grund"]
    assert [h.title for h in archive.search("godkendt", access="open")] == ["Cykelstiplan 2025"]
    assert [i.title for i in archive.select_items(access="closed")] == ["Køb af grund"]
    assert archive.stats()["structure_sources"] == {"export": 1}


def test_an_edoc_folder_is_one_meeting_its_items_in_order_and_on_their_pages(home: Settings, tmp_path: Path):
    folder = _edoc(tmp_path / "edoc")
    report = ingest_paths([tmp_path / "edoc"], home, workers=1)
    assert [(o.path.name, o.status) for o in report.outcomes] == [("eDocAgendaPublishing.xml", "ingested")]
    assert any("109.PDF" in w for w in report.outcomes[0].warnings)  # the attachment the folder lacks
    items = _items(home)
    assert [(i["number"], i["title"], i["page_start"]) for i in items] == [
        ("1", "Meddelelser", 2),
        ("2", "Plejeboliger i Nordby", 3),
    ]
    assert items[1]["case_number"] == "2021-123" and items[1]["pdf_path"] == str(folder / "100.PDF")
    assert items[1]["sections"]["indstilling"] == "Forvaltningen indstiller, at byggeriet godkendes."
    assert items[1]["sections"]["beslutning"] == "Godkendt."  # the committee's decision, not the recommendation


def test_an_acadre_export_keeps_every_decision_of_the_item_history(home: Settings, tmp_path: Path):
    report = ingest_paths([_acadre(tmp_path)], home, workers=1)
    assert report.count("ingested") == 1 and any("55E1.DOCX" in w for w in report.outcomes[0].warnings)
    (item,) = Archive(home.home).select_items()
    assert (item.number, item.title, item.case_number, item.outcome) == (
        "301",
        "Museets nye fløj",
        "19/1234",
        "godkendt",
    )
    decisions = [s.text for s in item.sections if s.name == "beslutning"]
    assert decisions == ["Punktet blev udsat.", "Godkendt."]
    assert item.kind == "referat" and item.committee == "Kulturudvalget (KU)"
    assert str(item.meeting_date) == "2019-09-10"


def test_an_sbsys_publication_zip_is_unpacked_and_read(home: Settings, tmp_path: Path):
    report = ingest_paths([_sbsys_zip(tmp_path)], home, workers=1)
    assert report.count("ingested") == 1, report.outcomes
    (item,) = Archive(home.home).select_items()
    assert item.title == "Indkøb af tablets" and item.case_number == "13/99"
    assert [s.text for s in item.sections] == [
        "Udvalgets medlemmer får nye tablets til møderne.",
        "Godkendt.",
    ]
    assert [(a.title, a.url) for a in item.attachments] == [("Tilbud", "Enclosures/1.pdf")]
    assert Path(item.path).is_relative_to(home.home / "processed" / "unpacked")


def _zip_with(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return path


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    "]><Meeting><Committee>&lol2;</Committee></Meeting>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    "<Meeting><Committee>&secret;</Committee></Meeting>"
)


def test_hostile_exports_are_one_line_each_and_the_batch_goes_on(home: Settings, tmp_path: Path):
    batch = tmp_path / "batch"
    batch.mkdir()
    escape = _zip_with(batch / "escape.zip", "../../outside.txt", b"Referat\n1. Punkt\n")
    bomb = _zip_with(batch / "bomb.zip", "big.txt", b"0" * 60_000_000)
    for name, xml in (("laughs", BILLION_LAUGHS), ("external", EXTERNAL_ENTITY)):
        (batch / name).mkdir()
        (batch / name / "eDocAgendaPublishing.xml").write_text(xml, encoding="utf-8")
    (batch / "wrong shape.json").write_text(json.dumps({"items": []}), encoding="utf-8")
    (batch / "broken.json").write_text('{"Dagsordenpunkter": [', encoding="utf-8")
    _firstagenda(batch)
    report = ingest_paths([batch], home, workers=1)
    status = {
        o.path.name if o.path.name != "eDocAgendaPublishing.xml" else o.path.parent.name: o for o in report.outcomes
    }
    assert [o.path.name for o in report.outcomes if o.status == "ingested"] == [
        "Teknisk Udvalg_2024-05-06T16:00:00+02:00_abc.json"
    ]
    assert "outside" in status[escape.name].reason and not (tmp_path / "outside.txt").exists()
    assert "zip bomb" in status[bomb.name].reason
    assert "refused" in status["laughs"].reason and "refused" in status["external"].reason
    assert "not a FirstAgenda meeting" in status["wrong shape.json"].reason
    assert "not valid JSON" in status["broken.json"].reason
    assert all(o.status in ("failed", "ingested") and "\n" not in o.reason for o in report.outcomes)
    assert not any((home.home / "processed" / "unpacked").glob("*/big.txt"))


def _outlined_pdf(path: Path, entries: list[tuple[str, int]]) -> Path:
    pages = [
        "Byrådet\nReferat af mødet den 27. august 2025\nIndholdsfortegnelse\nPunkt 1\nPunkt 2",
        "Punkt 1: Godkendelse af dagsorden\nBeslutning\nGodkendt.",
        "Punkt 2: Lukket: Salg af ejendom\nBeslutning\nSalget blev godkendt.",
    ]
    with text_pdf(pages, "Byrådet 27.08.2025") as doc:
        doc.set_toc([[1, title, page] for title, page in entries])
        doc.save(path)
    return path


def test_an_outline_that_lists_the_items_gives_them_and_marks_the_closed_one(home: Settings, tmp_path: Path):
    entries = [
        ("Mødeinformation", 1),
        ("Punkt 1: Godkendelse af dagsorden", 2),
        ("Punkt 2: Lukket: Salg af ejendom", 3),
    ]
    ingest_paths([_outlined_pdf(tmp_path / "referat.pdf", entries)], home, workers=1)
    items = Archive(home.home).select_items()
    assert [(i.number, i.title, i.page_start, i.closed) for i in items] == [
        ("1", "Godkendelse af dagsorden", 2, False),
        ("2", "Salg af ejendom", 3, True),
    ]
    assert items[0].structure_source == "outline"
    assert [s.text for s in items[1].sections if s.name == "beslutning"] == ["Salget blev godkendt."]


@pytest.mark.parametrize(
    "entries",
    [
        [("Indholdsfortegnelse", 1), ("Punkt 1: Godkendelse", 1), ("Punkt 2: Salg", 1), ("Punkt 3: Eventuelt", 1)],
        [("Punkt 1: Noget helt andet", 2), ("Punkt 2: Som ikke står her", 3)],
        [("82e5fe8d11dee04bb1e8890a4fa98fb5.docx", 1)],
    ],
    ids=["table of contents", "disagrees with the text", "a temporary file name"],
)
def test_an_outline_that_does_not_list_the_items_leaves_the_text_to_decide(home: Settings, tmp_path: Path, entries):
    ingest_paths([_outlined_pdf(tmp_path / "with outline.pdf", entries)], home, workers=1)
    with_outline = Archive(home.home).select_items()
    plain_home = Archive(tmp_path / "plain")
    plain_home.ingest([_outlined_pdf(tmp_path / "without.pdf", [])], workers=1)
    without = plain_home.select_items()
    assert with_outline[0].structure_source == "layout"
    assert [(i.number, i.title, i.page_start) for i in with_outline] == [
        (i.number, i.title, i.page_start) for i in without
    ]


def test_the_same_meeting_as_export_and_as_pdf_is_stored_once_keeping_the_export(home: Settings, tmp_path: Path):
    folder = _edoc(tmp_path / "edoc")
    pdf_copy = tmp_path / "referat.pdf"
    pdf_copy.write_bytes((folder / "100.PDF").read_bytes())
    first = ingest_paths([pdf_copy], home, workers=1)
    assert first.count("ingested") == 1
    second = ingest_paths([tmp_path / "edoc"], home, workers=1)
    (outcome,) = second.outcomes
    assert outcome.status == "ingested" and any("replaces referat.pdf" in w for w in outcome.warnings)
    again = ingest_paths([pdf_copy], home, workers=1, force=False)
    assert (
        again.outcomes[0].status == "skipped" and "same meeting as eDocAgendaPublishing.xml" in again.outcomes[0].reason
    )
    stats = Archive(home.home).stats()
    assert stats["documents"] == 1 and stats["structure_sources"] == {"export": 1}


def test_export_columns_carry_case_closed_and_source(home: Settings, tmp_path: Path):
    ingest_paths([_firstagenda(tmp_path)], home, workers=1)
    buffer = tmp_path / "decisions.csv"
    Archive(home.home).export_decisions(buffer)
    header, *rows = list(csv.reader(buffer.open(encoding="utf-8", newline="")))
    at = header.index("closed")
    assert header[at : at + 3] == ["closed", "case_number", "structure_source"]
    assert [row[at : at + 3] for row in rows] == [["", "24-000001", "export"], ["lukket", "24-000002", "export"]]


def test_keep_duplicates_stores_every_file_of_a_meeting(home: Settings, tmp_path: Path):
    folder = _edoc(tmp_path / "edoc")
    pdf_copy = tmp_path / "referat.pdf"
    pdf_copy.write_bytes((folder / "100.PDF").read_bytes())
    report = Archive(home.home).ingest([tmp_path / "edoc", pdf_copy], workers=1, keep_duplicates=True)
    assert report.count("ingested") == 2
    assert Archive(home.home).stats()["structure_sources"] == {"export": 1, "layout": 1}


def test_a_pdf_and_its_scan_are_one_meeting_kept_from_the_text_layer(home: Settings, tmp_path: Path):
    from minutesindex.samples import REFERAT_PAGES, scanned_pdf

    with scanned_pdf(REFERAT_PAGES, "Referat Teknik- og Miljøudvalget 12.03.2024") as doc:
        doc.save(tmp_path / "a scan.pdf")
    with text_pdf(REFERAT_PAGES, "Referat Teknik- og Miljøudvalget 12.03.2024") as doc:
        doc.save(tmp_path / "b digital.pdf")
    report = ingest_paths([tmp_path / "a scan.pdf", tmp_path / "b digital.pdf"], home, workers=2)
    scan, digital = report.outcomes
    assert scan.status == "ingested" and scan.ocr_pages == 2
    assert digital.status == "ingested" and any("replaces a scan.pdf" in w for w in digital.warnings)
    assert Archive(home.home).stats()["structure_sources"] == {"layout": 1}


def test_an_edoc_item_without_its_text_in_the_xml_takes_it_from_its_pdf(home: Settings, tmp_path: Path):
    folder = _edoc(tmp_path / "edoc")
    xml = (folder / "eDocAgendaPublishing.xml").read_bytes().decode("utf-8")  # its bare CRs kept
    start = xml.index("<FullText>\r\r2.")
    end = xml.index("</FullText>", start) + len("</FullText>")
    (folder / "eDocAgendaPublishing.xml").write_bytes((xml[:start] + "<FullText></FullText>" + xml[end:]).encode())
    ingest_paths([tmp_path / "edoc"], home, workers=1)
    item = next(i for i in Archive(home.home).select_items() if i.number == "2")
    assert item.section_text("indstilling") == "Forvaltningen indstiller, at byggeriet godkendes."


def test_a_firstagenda_field_in_plain_text_is_read(home: Settings, tmp_path: Path):
    path = _firstagenda(tmp_path)
    meeting = json.loads(path.read_text(encoding="utf-8"))
    meeting["Dagsordenpunkter"][1]["Felter"] = [{"Navn": "", "Html": None, "Tekst": "Planen for cykelstier."}]
    path.write_text(json.dumps(meeting, ensure_ascii=False), encoding="utf-8")
    ingest_paths([path], home, workers=1)
    assert [h.title for h in Archive(home.home).search("cykelstier")] == ["Cykelstiplan 2025"]


def test_an_sbsys_package_with_its_agenda_pdf_takes_the_pages_from_it(home: Settings, tmp_path: Path):
    package = _sbsys_zip(tmp_path)
    with (
        zipfile.ZipFile(package, "a") as archive,
        text_pdf(
            ["IT-udvalget\nDagsorden 15.05.2013", "1. Indkøb af tablets\nSagsfremstilling\nNye tablets."], "IT"
        ) as doc,
    ):
        archive.writestr("Publication9/Publication9.pdf", doc.tobytes())
    ingest_paths([package], home, workers=1)
    (item,) = Archive(home.home).select_items()
    assert item.page_start == 2 and item.document == "Publication9.xml"
    assert Archive(home.home).item(item.item_id)["pdf_path"].endswith("Publication9.pdf")
