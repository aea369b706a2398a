"""Read the text layer of a PDF page by page with PyMuPDF and decide which pages need OCR."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pymupdf

from minutesindex.errors import InputFileError
from minutesindex.model import LineStyle, OutlineEntry, Page
from minutesindex.repair.lexicon import load_lexicon

# A page needs at least this many letters in its text layer to skip OCR.
MIN_TEXT_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]")
# A text layer of this many words, of which fewer than this share are words of the lexicon, is not
# text but a broken font encoding or a bad old OCR layer (`Gdqvn` for `Første`); its page is OCR'd.
# Text read right has 0.8 of its words in the lexicon, text OCR'd with the wrong model 0.65 or more,
# a layer with its letters shifted 0.02.
MIN_WORDS_TO_JUDGE = 4  # a one-line layer is judged too (a byte-swapped cover line)
WORDS_JUDGED = 100  # the first words of the page are enough
MIN_KNOWN_SHARE = 0.25
LETTERS_JUDGED = 2000
LATIN_END = "\u0250"  # Latin letters, with Latin-1, Extended-A and -B
MIN_LATIN_SHARE = 0.5
_WORD = re.compile(r"[^\W\d_]{3,}")
# Marked content with an ActualText (FirstAgenda/ABCpdf put a whole paragraph on every line of it)
# is read as the glyphs on the page; images are not needed for text.
TEXT_FLAGS = (
    pymupdf.TEXT_PRESERVE_LIGATURES
    | pymupdf.TEXT_PRESERVE_WHITESPACE
    | pymupdf.TEXT_MEDIABOX_CLIP
    | pymupdf.TEXT_IGNORE_ACTUALTEXT
)
_BOLD_FLAG = 16
# A text layer whose long lines are more than half repeats of lines above them on the same page
# repeats itself (a generator that writes every paragraph once per line): each is kept once.
REPEAT_LINE_LEN = 20
MAX_REPEATED_SHARE = 0.5
# Drawing instructions on one page past which its layout (and past the second, its text layer) is
# not read; a dense page of minutes has 20-200 KB, a page of a million text spans 27 MB.
MAX_LAYOUT_CONTENT_BYTES = 4_000_000
MAX_TEXT_CONTENT_BYTES = 64_000_000


def open_pdf(path: Path) -> pymupdf.Document:
    """Open a PDF or raise InputFileError with the reason a user can act on."""
    if path.stat().st_size == 0:
        raise InputFileError(path, "empty file")
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, path.stat().st_size - 2048))
        tail = fh.read()
    if b"%PDF-" not in head:
        raise InputFileError(path, "not a PDF (no %PDF header)")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for broken files
        raise InputFileError(path, f"cannot open PDF ({_short(exc)})") from exc
    if doc.needs_pass and not doc.authenticate(""):
        doc.close()
        raise InputFileError(path, "encrypted PDF (password required)")
    if doc.is_repaired and b"%%EOF" not in tail:
        doc.close()
        raise InputFileError(path, "truncated PDF (file ends before its end-of-file marker)")
    try:
        pages = doc.page_count
    except Exception as exc:  # a page tree that lies (`/Count 2147483648`) raises here
        doc.close()
        raise InputFileError(path, f"broken PDF page tree ({_short(exc)})") from exc
    if pages == 0:
        doc.close()
        raise InputFileError(path, "PDF has no pages")
    return doc


def read_outline(doc: pymupdf.Document) -> list[OutlineEntry]:
    """The PDF's outline (bookmarks) with the pages they point to; none where it cannot be read."""
    try:
        toc = doc.get_toc(simple=True)
    except Exception:  # a damaged outline is no outline; the text still says what the items are
        return []
    return [
        OutlineEntry(int(level), " ".join(str(title).split()), int(page))
        for level, title, page, *_ in toc
        if isinstance(page, int) and 0 < page <= doc.page_count and str(title).strip()
    ]


def has_usable_text(text: str) -> bool:
    letters = sum(1 for _ in itertools.islice(_LETTER.finditer(text), MIN_TEXT_LETTERS))
    return letters >= MIN_TEXT_LETTERS and _mostly_latin(text) and not _is_gibberish(text)


def _mostly_latin(text: str) -> bool:
    """Danish is written in Latin letters; a layer of mostly other scripts is a broken encoding (UTF-16
    read with its bytes swapped comes out as CJK)."""
    sample = [m.group() for m in itertools.islice(_LETTER.finditer(text), LETTERS_JUDGED)]
    return sum(1 for ch in sample if ch < LATIN_END) >= MIN_LATIN_SHARE * len(sample)


def _is_gibberish(text: str) -> bool:
    words = [match.group() for match in itertools.islice(_WORD.finditer(text), WORDS_JUDGED)]
    if len(words) < MIN_WORDS_TO_JUDGE:
        return False
    lexicon = load_lexicon()
    return sum(1 for word in words if word.lower() in lexicon) < MIN_KNOWN_SHARE * len(words)


def iter_text_layer(path: Path, doc: pymupdf.Document) -> Iterator[Page]:
    """Yield every page's text layer; pages without usable text get method 'ocr' and no text yet.

    What reading a page costs grows with its drawing instructions: a page of a million text spans
    took 2.5 GB and 21 s with its layout. A page with more than MAX_LAYOUT_CONTENT_BYTES of them is
    read as plain text (in a tenth of that), and one with more than MAX_TEXT_CONTENT_BYTES is OCR'd
    (rendering is bounded by its pixels), each with a warning that says so.
    """
    for index in range(doc.page_count):
        number = index + 1
        try:
            page = doc[index]
            size = content_bytes(page)
            if size > MAX_TEXT_CONTENT_BYTES:
                yield Page(number=number, raw_text="", method="ocr", warning=_too_large(size, "read by OCR instead"))
                continue
            plain = size > MAX_LAYOUT_CONTENT_BYTES
            lines = read_plain_lines(page) if plain else read_page_lines(page)
        except Exception as exc:
            raise InputFileError(path, f"page {number} cannot be read ({_short(exc)})") from exc
        text = "\n".join(text for text, _ in lines)
        warning = _too_large(size, "read without its layout") if plain else None
        if has_usable_text(text):
            yield Page(number, text, "text", layout=[style for _, style in lines], warning=warning)
        else:
            yield Page(number=number, raw_text="", method="ocr", warning=warning)


def content_bytes(page: pymupdf.Page) -> int:
    """The size of the page's drawing instructions: its content streams and the forms it draws."""
    doc = page.parent
    size = len(page.read_contents())
    for xref, *_ in page.get_xobjects():
        kind, length = doc.xref_get_key(xref, "Length")
        if kind == "int":
            size += int(length)
    return size


def _too_large(size: int, what: str) -> str:
    return f"{size / 1e6:.1f} MB of drawing instructions, {what}"


def read_plain_lines(page: pymupdf.Page) -> list[tuple[str, LineStyle | None]]:
    """The page's text, line by line, without where and how each line is set."""
    text = page.get_text("text", flags=TEXT_FLAGS).replace("\x00", "")
    return [(line.rstrip(), None) for line in text.splitlines() if line.strip()]


def read_page_lines(page: pymupdf.Page) -> list[tuple[str, LineStyle]]:
    """The page's text layer line by line, each with where and how it is set."""
    width = page.rect.width or 1.0
    height = page.rect.height or 1.0
    lines: list[tuple[str, LineStyle]] = []
    for block in page.get_text("dict", flags=TEXT_FLAGS)["blocks"]:
        for line in block.get("lines", ()):
            spans = line["spans"]
            text = "".join(span["text"] for span in spans).replace("\x00", "").rstrip()
            if not text.strip():
                continue
            bold_chars = sum(len(s["text"].strip()) for s in spans if s["flags"] & _BOLD_FLAG or "Bold" in s["font"])
            x0, y0, _, y1 = line["bbox"]
            style = LineStyle(
                top=round(y0 / height, 4),
                bottom=round(y1 / height, 4),
                left=round(x0 / width, 4),
                size=round(max(span["size"] for span in spans), 1),
                bold=bold_chars * 2 > len(text.strip()),
            )
            lines.append((text, style))
    return _without_repeats(lines)


def _without_repeats(lines: list[tuple[str, LineStyle]]) -> list[tuple[str, LineStyle]]:
    long_lines = [text for text, _ in lines if len(text) >= REPEAT_LINE_LEN]
    if not long_lines or len(set(long_lines)) >= (1 - MAX_REPEATED_SHARE) * len(long_lines):
        return lines
    seen: set[str] = set()
    kept = []
    for text, style in lines:
        if len(text) >= REPEAT_LINE_LEN:
            if text in seen:
                continue
            seen.add(text)
        kept.append((text, style))
    return kept


def _short(exc: Exception) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message[:160]


def render_page_png(path: Path, page_number: int, width: int) -> bytes:
    """Page `page_number` (1-based) of a PDF as a PNG `width` pixels wide, for a reader to see the
    source beside the text; InputFileError when the file or the page cannot be read."""
    doc = open_pdf(path)
    try:
        if not 1 <= page_number <= doc.page_count:
            raise InputFileError(path, f"no page {page_number} (it has {doc.page_count})")
        page = doc[page_number - 1]
        zoom = width / max(page.rect.width, 1)
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")
    except InputFileError:
        raise
    except Exception as exc:  # a page MuPDF cannot draw
        raise InputFileError(path, f"cannot draw page {page_number} ({_short(exc)})") from exc
    finally:
        doc.close()
