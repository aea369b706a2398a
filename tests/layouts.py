"""PDFs generated for the tests the way agenda systems print them: running header blocks, `Side N af M`
footers, bold headings, and text layers that lie (ActualText over every line). All text is written here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pymupdf

A4 = pymupdf.paper_rect("a4")
MARGIN = 72
LINE_HEIGHT = 15


@dataclass(frozen=True)
class Styled:
    """A line of body text; `bold` and `size` set it apart as a heading."""

    text: str
    bold: bool = False
    size: float = 10.5


def layout_pdf(
    path: Path,
    pages: list[list[Styled | str]],
    header: list[str] | None = None,
    footer: str | None = "Side {page} af {pages}",
) -> Path:
    """Write `pages` with a running header block at the top of every page and a footer at the bottom."""
    doc = pymupdf.open()
    for number, lines in enumerate(pages, start=1):
        page = doc.new_page(width=A4.width, height=A4.height)
        y = 36.0
        for text in header or []:
            page.insert_text((MARGIN, y), text.format(page=number, pages=len(pages)), fontname="helv", fontsize=9)
            y += 12
        y = max(y + 20, MARGIN + 10)
        for line in lines:
            styled = line if isinstance(line, Styled) else Styled(line)
            if styled.text:
                font = "hebo" if styled.bold else "helv"
                page.insert_text((MARGIN, y), styled.text, fontname=font, fontsize=styled.size)
            y += LINE_HEIGHT + (4 if styled.bold else 0)
        if footer:
            page.insert_text(
                (A4.width / 2 - 30, A4.height - 40), footer.format(page=number, pages=len(pages)), fontsize=9
            )
    doc.save(path)
    doc.close()
    return path


def with_paragraph_actualtext(path: Path, paragraphs: list[list[str]], target: Path) -> Path:
    """Rewrite a one-page PDF made by `layout_pdf` (no header, no footer) the way FirstAgenda/ABCpdf
    write their text layers: every line is marked content whose ActualText is its whole paragraph,
    so a reader that honours ActualText reads each paragraph once per line."""
    doc = pymupdf.open(path)
    page = doc[0]
    lines = [line for paragraph in paragraphs for line in paragraph]
    owner = [" ".join(paragraph) for paragraph in paragraphs for _ in paragraph]
    xrefs = [x for x in page.get_contents() if b"BT" in doc.xref_stream(x)]  # one per inserted line
    assert len(xrefs) == len(lines), "one text block per line"
    for xref, actual in zip(xrefs, owner, strict=True):
        stream = doc.xref_stream(xref).decode("latin-1")
        block = re.search(r"BT.*?ET", stream, flags=re.S).group(0)
        hex_text = actual.encode("utf-16-be").hex().upper()
        stream = stream.replace(block, f"/Span <</ActualText <FEFF{hex_text}>>> BDC\n{block}\nEMC", 1)
        doc.update_stream(xref, stream.encode("latin-1"))
    doc.save(target)
    doc.close()
    return target
