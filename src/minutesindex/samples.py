"""Sample meeting documents written for this project: a digital PDF, a scanned PDF and a text export.

Used by `scripts/make_sample_data.py` (the README's demo) and by the tests, so both exercise the
same real files: PDFs drawn with PyMuPDF, and a scan rendered to an image-only PDF for Tesseract.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import zlib
from pathlib import Path

import pymupdf

DANISH_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
                 "november", "december")  # fmt: skip
REFERAT_PAGES = [
    """Referat
Teknik- og Miljøudvalget den 12. marts 2024
Mødested: Rådhuset, mødelokale 2

1. Godkendelse af dagsorden

Beslutning
Godkendt.

2. Ny takstmodel for affaldsgebyrer
Ved direktør Søren Økonom Hansen

Sagsfremstilling
Forvaltningen foreslår en ny takstmodel for affaldsgebyrer, hvor husstande
betaler efter den mængde restaffald, de faktisk afleverer. Modellen skal
øge sorteringen og sikre, at gebyret afspejler de reelle omkostninger.

Indstilling
Forvaltningen indstiller, at udvalget godkender den nye takstmodel
med virkning fra 1. januar 2025.

Beslutning
Indstillingen godkendt. Udvalget ønsker en evaluering efter et år.
""",
    """3. Særlige pladser på plejecentret Kvisten
Ved centerleder Mette Ærø

Sagsfremstilling
Plejecentret Kvisten har i dag otte særlige pladser til borgere med
demens og udadreagerende adfærd. Efterspørgslen er steget, og der er
venteliste til pladserne. Forvaltningen har undersøgt løsninger, der
kan øge kapaciteten uden at forringe kvaliteten.

Indstilling
Det indstilles, at udvalget drøfter behovet for flere særlige pladser.

Beslutning
Udvalget drøftede sagen og bad forvaltningen om et økonomisk overslag.

4. Cykelsti langs Åvej
Sagsfremstilling
Borgerne på Åvej har ønsket en sikker skolevej. En cykelsti koster
omkring 4,2 mio. kr.

Indstilling
Forvaltningen indstiller, at sagen udsættes til budgetforhandlingerne.

Beslutning
Udsat.

5. Eventuelt
""",
]

SCAN_PAGES = [
    """Dagsorden
Børne- og Skoleudvalget den 4. april 2024

1. Tilsyn med dagtilbud
Ved pædagogisk konsulent Jørgen Ågård

Sagsfremstilling
Forvaltningen har gennemført det årlige tilsyn med kommunens
dagtilbud. Tilsynet viser gode læringsmiljøer, men også behov for
flere pædagoger i vuggestuerne.

Indstilling
Det indstilles, at udvalget tager tilsynsrapporten til efterretning.

2. Skolernes trivselsmåling
Sagsfremstilling
Trivselsmålingen viser, at eleverne generelt trives, men at
mobning fylder mere på mellemtrinnet end tidligere år.

Indstilling
Det indstilles, at udvalget godkender en handleplan mod mobning.
""",
    """3. Ombygning af Søndre Skole
Sagsfremstilling
Søndre Skole har brug for nye faglokaler til natur og teknologi.
Ombygningen forventes at koste 12 mio. kr. og kan gennemføres i
sommerferien 2025.

Indstilling
Det indstilles, at udvalget anbefaler ombygningen over for
økonomiudvalget.

4. Eventuelt
""",
]

TEXT_EXPORT = """Referat
Kultur- og Fritidsudvalget den 7. maj 2024

1. Tilskud til foreningernes lokaler
Sagsfremstilling
Foreningerne har søgt om øget tilskud til leje af lokaler.

Indstilling
Det indstilles, at udvalget godkender en forhøjelse på 5 procent.

Beslutning
Godkendt.
"""

PAGE_RECT = pymupdf.paper_rect("a4")
MARGIN = 60


def _draw_page(doc: pymupdf.Document, text: str, page_number: int, footer: str) -> None:
    page = doc.new_page(width=PAGE_RECT.width, height=PAGE_RECT.height)
    box = pymupdf.Rect(MARGIN, MARGIN, PAGE_RECT.width - MARGIN, PAGE_RECT.height - MARGIN - 30)
    rest = page.insert_textbox(box, text, fontsize=11, fontname="helv", encoding=pymupdf.TEXT_ENCODING_LATIN)
    if rest < 0:
        raise ValueError(f"sample page {page_number} does not fit")
    page.insert_text(
        (MARGIN, PAGE_RECT.height - MARGIN), f"{footer}    Side {page_number}", fontsize=9, fontname="helv"
    )


def text_pdf(pages: list[str], footer: str) -> pymupdf.Document:
    doc = pymupdf.open()
    for number, text in enumerate(pages, start=1):
        _draw_page(doc, text, number, footer)
    return doc


def scanned_pdf(pages: list[str], footer: str, dpi: int = 300) -> pymupdf.Document:
    """An image-only PDF: each page drawn, rendered to a greyscale bitmap and placed as the only content."""
    source = text_pdf(pages, footer)
    scan = pymupdf.open()
    for page in source:
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        out = scan.new_page(width=page.rect.width, height=page.rect.height)
        out.insert_image(out.rect, stream=pix.tobytes("png"))
    source.close()
    return scan


def _save_reproducibly(doc: pymupdf.Document, path: Path) -> None:
    """The same bytes on every run (no creation time, no new file id), so writing the samples again
    and ingesting them is recognised as already done rather than adding the meeting twice."""
    doc.set_metadata({"producer": "minutesindex samples", "creationDate": "", "modDate": ""})
    doc.save(path, no_new_id=True, garbage=1)


def write_samples(target: Path) -> list[Path]:
    """Write the sample documents into `target` and return their paths."""
    target.mkdir(parents=True, exist_ok=True)
    referat = target / "teknik-og-miljoe_referat_2024-03-12.pdf"
    scan = target / "boerne-og-skole_dagsorden_2024-04-04_scan.pdf"
    export = target / "kultur-og-fritid_referat_2024-05-07.txt"
    with text_pdf(REFERAT_PAGES, "Referat Teknik- og Miljøudvalget 12.03.2024") as doc:
        _save_reproducibly(doc, referat)
    with scanned_pdf(SCAN_PAGES, "Dagsorden Børne- og Skoleudvalget 04.04.2024") as doc:
        _save_reproducibly(doc, scan)
    export.write_text(TEXT_EXPORT, encoding="utf-8")
    return [referat, scan, export]


def numbered_meetings(target: Path, count: int) -> list[Path]:
    """`count` distinct digital minutes (the sample referat under another footer), for batch tests."""
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = target / f"referat_{number:03d}.pdf"
        day = dt.date(2024, 3, 12) + dt.timedelta(days=7 * number)  # each its own meeting, a week apart
        dated = f"den {day.day}. {DANISH_MONTHS[day.month - 1]} {day.year}"
        pages = [page.replace("den 12. marts 2024", dated) for page in REFERAT_PAGES]
        with text_pdf(pages, f"Referat Teknik- og Miljøudvalget møde {number}") as doc:
            doc.save(path)
        paths.append(path)
    return paths


def long_pdf(path: Path, pages: int) -> Path:
    """A digital PDF with one short agenda item per page (for streaming and memory tests), numbered
    1.1 … 1.50, 2.1 … in chapters of 50 as long agendas are."""
    doc = pymupdf.open()
    for index in range(pages):
        number = f"{index // 50 + 1}.{index % 50 + 1}"
        doc.new_page().insert_text(
            (MARGIN, MARGIN + 20),
            f"{number} Punkt {number} om budget og takster\nSagsfremstilling\n"
            f"Forvaltningen har udarbejdet forslag nummer {number} til udvalget.\nBeslutning\nGodkendt.",
            fontsize=11,
        )
    doc.save(path, deflate=True)
    doc.close()
    return path


def decompression_bomb_pdf(path: Path, side: int = 30_000) -> Path:
    """A one-page PDF whose only content is a `side` × `side` greyscale image (900 MB decoded at 30,000).

    Written by hand because the image compresses to under a megabyte and must never be decoded whole.
    """
    compressor = zlib.compressobj(9)
    row = b"\xff" * side
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (side, side, len(data), data),
        b"<< /Length 31 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def _sample_sentences() -> list[str]:
    prose = " ".join(
        line.strip()
        for text in [*REFERAT_PAGES, *SCAN_PAGES, TEXT_EXPORT]
        for line in text.splitlines()
        if len(line.split()) >= 5 and not line.startswith("Ved ")
    )
    return re.split(r"(?<=\.)\s+", prose)


def _sample_titles() -> list[str]:
    return [
        match.group(1)
        for text in [*REFERAT_PAGES, *SCAN_PAGES, TEXT_EXPORT]
        for match in re.finditer(r"^\d+\. (.+)$", text, re.MULTILINE)
        if match.group(1) != "Eventuelt"
    ]


def agenda_pages(count: int, seed: int) -> list[str]:
    """`count` pages of minutes, one agenda item per page, recombined from the sample text.

    Each page has about 200 words, like a page of real minutes, and differs from every other page,
    so benchmarks measure real work (no page is dropped as a repeated header).
    """
    rng = random.Random(seed)
    sentences, titles = _sample_sentences(), _sample_titles()
    pages = []
    for number in range(1, count + 1):
        background = " ".join(rng.sample(sentences, 14))
        decision = rng.choice(["Godkendt.", "Taget til efterretning."])
        pages.append(
            f"{number}. {rng.choice(titles)} ({seed}-{number})\n\nSagsfremstilling\n{background}\n\n"
            f"Indstilling\n{rng.choice(sentences)}\n\nBeslutning\n{decision}\n"
        )
    return pages
