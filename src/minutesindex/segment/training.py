"""What the line labeller is fitted on: bench documents labelled from their gold, and generated ones.

Gold annotations give an item's title line, its detached number line, its category line and its
sections' body lines in the text version of a document. `gold_line_labels` turns them into one label
per line of that text; `aligned_labels` carries the labels over to any rendering of the same
document (its PDF, its scan read by OCR, the English-model OCR) by aligning the two word sequences,
so one annotation labels every variant. `generated_document` writes agendas and minutes in many
layouts (numbering forms, heading vocabularies and styles, contents lists, categories, metadata
lines, presenters, running headers and footers, wrapped titles) from the lexicon's words, with
their labels known as they are written. `scripts/fit_segmenter.py` fits the model on both.
"""

from __future__ import annotations

import difflib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from minutesindex.model import Line, LineStyle, Page
from minutesindex.segment.cleaning import clean_lines, strip_markup
from minutesindex.segment.items import CATEGORY_HEADINGS, MAX_TITLE_LINES
from minutesindex.segment.sections import OTHER_HEADINGS

_WORD = re.compile(r"\w+")
_PAGE_TAIL = re.compile(r"(?:\t+|\s{2,}|\.{3,}\s*)\d{1,3}\s*$")  # a contents line's page number
HEADING_LOOKBACK = 6  # lines above a section's first body line in which its heading is printed


def _fold(text: str) -> list[str]:
    folded = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return _WORD.findall(folded)


def gold_line_labels(text_lines: list[str], gold: dict) -> dict[int, str]:
    """0-based line of the document's text → label, for the lines the gold names (the rest is body)."""
    labels: dict[int, str] = {}
    for category in gold.get("categories") or []:
        if category.get("line"):
            labels[category["line"] - 1] = "category"
    first_title = min((it["title_line"] for it in gold["items"] if it.get("title_line")), default=None)
    for item in gold["items"]:
        at = item.get("title_line")
        if not at:
            continue
        if item.get("number_line") and item["number_line"] != at:
            labels[item["number_line"] - 1] = "number"
        labels[at - 1] = "item"
        for j in _title_continuation(text_lines, at - 1, item.get("title_as_printed") or item["title"]):
            labels[j] = "title"
        for section in (item.get("sections") or {}).values():
            heading_at = _heading_line(text_lines, section, at - 1)
            if heading_at is not None and labels.get(heading_at) is None:
                labels[heading_at] = "section"
                above = next((j for j in range(heading_at - 1, at - 1, -1) if text_lines[j].strip()), None)
                if above is not None and _fold(text_lines[above]) == _fold(text_lines[heading_at]):
                    labels[above] = "section"  # the heading printed twice, one under the other
    if first_title:
        titles = [_fold(it["title"]) for it in gold["items"]]
        for j in range(first_title - 1):
            words = _fold(re.sub(r"^\W*\d+(?:\.\d+)*\.?", "", text_lines[j]))
            listed = any(_similar(words[: len(t)], t) for t in titles if t) or _PAGE_TAIL.search(text_lines[j])
            if len(words) >= 2 and labels.get(j) is None and listed:
                labels[j] = "toc"
    return labels


def _similar(a: list[str], b: list[str]) -> bool:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8


def _title_continuation(text_lines: list[str], at: int, title: str) -> list[int]:
    """The lines under an item's first title line that print the rest of its title."""
    wanted = _fold(title)
    printed = _fold(text_lines[at])
    taken: list[int] = []
    j = at + 1
    while len(taken) < MAX_TITLE_LINES - 1 and j < len(text_lines) and len(_covered(printed, wanted)) < len(wanted):
        words = _fold(text_lines[j])
        if not words and j + 1 < len(text_lines) and _fold(text_lines[j + 1]):
            j += 1  # OCR sets the two halves of a title apart with a blank line
            words = _fold(text_lines[j])
        if not words:
            break
        joined = printed + words
        if len(_covered(joined, wanted)) <= len(_covered(printed, wanted)):
            break
        printed = joined
        taken.append(j)
        j += 1
    return taken


def _covered(printed: list[str], wanted: list[str]) -> list[str]:
    """The words of `wanted` that `printed` covers from its start (after any number before the title)."""
    matcher = difflib.SequenceMatcher(None, printed, wanted, autojunk=False)
    return [w for a, b, n in matcher.get_matching_blocks() for w in wanted[b : b + n]]


def _heading_line(text_lines: list[str], section: dict, title_at: int) -> int | None:
    """The line that prints a section's heading: above its first body line (the nearest that starts
    with the heading's words), else that line itself (`Beslutning: Godkendt.`)."""
    heading = _fold(section.get("heading") or "")
    if not heading:
        return None
    if section.get("lines"):
        body_at = section["lines"][0] - 1
        above = range(body_at - 1, max(title_at, body_at - 1 - HEADING_LOOKBACK), -1)
        span = [*above, body_at]
    else:
        span = list(range(title_at + 1, len(text_lines)))
    for j in span:
        words = _fold(text_lines[j])
        if words[: len(heading)] == heading or (words and _similar(words[: len(heading)], heading)):
            return j
    return None


def aligned_labels(source_lines: list[str], source_labels: dict[int, str], target: list[str]) -> list[str]:
    """Labels for the lines of `target`, a rendering of the text `source_lines` (wrapped, re-read by
    OCR), from the labels of the source's lines: the two word sequences are aligned, and a target
    line takes the label of the source line its first aligned word comes from. A title that wraps
    onto more lines in the target keeps `item` on its first line and `title` on the rest."""
    source_words, source_line = [], []
    for i, text in enumerate(source_lines):
        for word in _fold(text):
            source_words.append(word)
            source_line.append(i)
    target_words, target_line = [], []
    for t, text in enumerate(target):
        for word in _fold(text):
            target_words.append(word)
            target_line.append(t)
    matcher = difflib.SequenceMatcher(None, source_words, target_words, autojunk=False)
    from_source = [-1] * len(target)  # target line → source line of its first aligned word
    for a, b, n in matcher.get_matching_blocks():
        for k in range(n):
            t = target_line[b + k]
            if from_source[t] < 0:
                from_source[t] = source_line[a + k]
    labels = ["body"] * len(target)
    claimed: set[int] = set()
    for t, s in enumerate(from_source):
        label = source_labels.get(s)
        if label is None:
            continue
        if s in claimed:  # the rest of a wrapped line
            labels[t] = "title" if label in ("item", "title") else "body"
            continue
        claimed.add(s)
        labels[t] = label
    return labels


def document_lines(pages: list[Page]) -> list[Line]:
    """The lines a document is segmented on (as `segment_pages` reads them)."""
    from minutesindex.segment.document import lines_of

    lines = [Line(strip_markup(ln.text), ln.raw, ln.page, ln.style) for ln in lines_of(pages)]
    return clean_lines(lines, page_count=len(pages))


# ---------------------------------------------------------------------------------------------------------------------
# Generated documents: every word written here or drawn from the lexicon.

COUNCILS = (
    "Byrådet",
    "Økonomiudvalget",
    "Teknik- og Miljøudvalget",
    "Børne- og Skoleudvalget",
    "Social- og Sundhedsudvalget",
    "Kommunalbestyrelsen",
    "Regionsrådet",
    "Kultur- og Fritidsudvalget",
)
PLACES = ("Nordby", "Vestkyst", "Søndermark", "Østerå", "Midtlund", "Havnestad")
SECTION_STYLES = (
    ("Sagsfremstilling", "Indstilling", "Beslutning"),
    ("Resumé", "Sagsfremstilling", "Økonomiske konsekvenser", "Indstilling", "Beslutning"),
    ("Baggrund", "Forslag til beslutning", "Referat"),
    ("Sagsresume", "Sagens indhold", "Administrationen indstiller", "Beslutning", "Bilag"),
    ("Beslutningstema", "Sagsfremstilling", "Vurdering", "Indstilling", "Beslutning"),
    ("Resume", "Sagsfremstilling", "Lovgrundlag", "Indstilling", "Bilag"),
    ("Sagsfremstilling", "Indstilling", "Referat"),
    ("Resumé", "Indstilling", "Beslutning", "Bilag"),
)
DECISION_BLOCKS = ("{council} den {date}", "Beslutning i {council} den {date}", "{council}, {date}, pkt. {n}")
DECISIONS = (
    "Godkendt.",
    "Anbefales.",
    "Taget til efterretning.",
    "Godkendt som indstillet.",
    "Udsat.",
    "Oversendes til Byrådet.",
    "Fremsendes til Økonomiudvalget.",
)
NUMBER_FORMS = (
    "{n}. {title}",
    "{n} {title}",
    "Punkt {n}: {title}",
    "Pkt. {n} {title}",
    "{n}. {title}",
    "{n}.\n{title}",
    "{n}\n\n{title}",
    "• {n}. {title}",
    "{n}.  {n}. {title}",
    "{title}\nSag nr. {n}",
    "{title}",
    "{title}",
)
HEADING_FORMS = ("{h}", "{h}:", "{H}", "• {h}", "{H}:")
META_LINES = (
    "Sagsnr.: {a:02d}.{b:02d}.00-A00-{n}-23",
    "Dok.nr.: {n}{a}/23",
    "Åben sag",
    "Sags ID: EMN-2023-0{n}{a}",
    "Brevid: {n}{a}{b}",
    "Lukket punkt",
)
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "august", "september", "oktober", "november")
SETTLED_BEFORE = ("Godkendelse af dagsorden", "Dagsorden", "Referat fra sidste møde")
BODY_SIZE = 10.0
PAGE_LINES = 48


@dataclass
class _Written:
    text: str
    label: str | None  # None: a blank line or page furniture
    size: float = BODY_SIZE
    bold: bool = False
    indent: float = 0.0


class _Writer:
    def __init__(self, rng: random.Random, words: list[str]) -> None:
        self.rng, self.words, self.out = rng, words, []
        self.closed_before = False
        self.compact = rng.random() < 0.25  # short notes: one line under each heading
        self.layout = rng.random() < 0.5  # a text layer's layout: sizes and weights seen
        self.bold_headings = rng.random() < 0.7
        self.heading_size = BODY_SIZE + rng.choice((0, 0, 1))

    def word(self) -> str:
        return self.rng.choice(self.words)

    def phrase(self, low: int, high: int) -> str:
        return " ".join(self.word() for _ in range(self.rng.randint(low, high)))

    def title(self) -> str:
        text = self.phrase(2, 10)
        if self.rng.random() < 0.4:  # a name at its end: `… hos Foreningen Kvisten`, `… i Nordby`
            name = " ".join(self.word().capitalize() for _ in range(self.rng.randint(1, 2)))
            text += f" {self.rng.choice(('i', 'for', 'af', 'til', 'hos'))} {self.rng.choice((*PLACES, name))}"
        if self.rng.random() < 0.2:
            text += f" {self.rng.randint(2019, 2026)}"
        return text[0].upper() + text[1:]

    def sentence(self) -> str:
        text = self.phrase(5, 16)
        return text[0].upper() + text[1:] + "."

    def add(self, text: str, label: str | None, **style: float | bool) -> None:
        self.out.append(_Written(text, label, **style))

    def blank(self) -> None:
        self.out.append(_Written("", None))

    def paragraph(self, width: int) -> None:
        text = " ".join(self.sentence() for _ in range(self.rng.randint(1, 4)))
        for line in _wrap(text, width):
            self.add(line, "body")


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def generated_document(seed: int, words: list[str]) -> tuple[list[Page], dict[tuple[int, int], str]]:
    """A generated agenda or minutes: its pages (with a text layer's layout on some) and the label of
    every line that prints something, by (page, line index on the page)."""
    rng = random.Random(seed)
    w = _Writer(rng, words)
    council = rng.choice(COUNCILS)
    day = f"{rng.randint(1, 28)}. {rng.choice(MONTHS)} {rng.randint(2015, 2026)}"
    minutes = rng.random() < 0.6
    width = rng.choice((45, 55, 70, 90, 110))
    blank_lines = rng.random() < 0.7  # a text export with paragraphs apart; else a dense text layer
    sections = rng.choice(SECTION_STYLES)
    heading_form = rng.choice(HEADING_FORMS)
    number_form = rng.choice(NUMBER_FORMS)
    sub_numbered = rng.random() < 0.25
    start = rng.choice((1, 1, 1, 0, rng.randint(20, 400)))
    title_size = rng.choice((BODY_SIZE, 11.0, 12.0, 14.0))
    layout = w.layout

    excerpt = rng.random() < 0.35  # a page cut from a longer document, or one item's own file: no title block
    if not excerpt:
        _title_block(w, council, day, minutes, title_size)
    count = rng.randint(3, 12)
    titles = [w.title() for _ in range(count)]
    if rng.random() < 0.3:
        titles[0] = rng.choice(("Godkendelse af dagsorden", "Meddelelser", "Forside"))
    if rng.random() < 0.4:
        titles[-1] = rng.choice(("Eventuelt", "Evt.", "Næste møde"))
    categories = _categories(rng, count) if rng.random() < 0.3 else {}
    numbers = _numbers(start, count, sub_numbered, categories)
    if rng.random() < 0.35:
        w.add(
            rng.choice(("Indholdsfortegnelse", "INDHOLDSFORTEGNELSE", "Dagsorden", "Indhold", "Punkt nr.   Side")),
            "body",
            bold=True,
        )
        split = rng.random() < 0.3  # a table flattened: number, title and page each on a line of its own
        page = 2
        for number, title in zip(numbers, titles, strict=True):
            page += rng.randint(0, 3)
            if split:
                for cell in (f"{number}.", *_wrap(title, width), str(page)):
                    w.add(cell, "toc")
                continue
            leader = rng.choice((f" {'.' * rng.randint(3, 12)} ", "\t", "   ", " "))
            tail = f"{leader}{page}" if rng.random() < 0.6 else ""
            w.add(f"{number}{rng.choice(('.', ''))} {title}{tail}", "toc")
        w.blank()
    for k, (number, title) in enumerate(zip(numbers, titles, strict=True)):
        if k in categories:
            w.blank()
            major = number.split(".")[0]
            printed = f"{major}. {categories[k]}" if sub_numbered and rng.random() < 0.6 else categories[k]
            w.add(printed, "category", size=title_size, bold=True)
            w.blank()
        _write_item(w, number, title, number_form, sections, heading_form, title_size, width, minutes, council, day)
        if blank_lines:
            w.blank()
    if minutes and rng.random() < 0.3:  # the members sign the minutes
        for _ in range(rng.randint(1, 3)):
            w.add(f"{w.phrase(2, 2).title()}{' ' * rng.randint(8, 30)}{w.phrase(2, 2).title()}", "body")
    return _paginate(rng, w.out, council, day, layout, blank_lines)


def _title_block(w: _Writer, council: str, day: str, minutes: bool, title_size: float) -> None:
    rng = w.rng
    w.add(f"{rng.choice(PLACES)} Kommune", "body", size=title_size + 2, bold=True)
    w.add(f"{'Referat' if minutes else 'Dagsorden'} {council}", "body", size=title_size + 2, bold=True)
    if rng.random() < 0.25:  # a web page's label/value table, flattened to one line each
        for label, value in (("Udvalg", council), ("Dato", f"{day} -"), ("Sted", w.phrase(1, 2).capitalize())):
            w.add(label, "body")
            w.add(value, "body")
        return
    w.add(
        rng.choice(
            (f"Mødedato: {day}", day, f"{rng.choice(('Mandag', 'Onsdag', 'Torsdag'))} den {day}", f"{day} kl. 16:00")
        ),
        "body",
    )
    w.add(f"Mødested: {w.phrase(1, 3).capitalize()}", "body")
    if rng.random() < 0.4:
        w.add(
            rng.choice(
                (
                    f"Mødenr. {rng.randint(1, 12)}",
                    f"Kl. {rng.randint(8, 19)}.00",
                    f"{day} - {rng.randint(8, 19)}:00",
                    f"Møde {rng.randint(1, 12)}/{rng.randint(2015, 2026)}",
                )
            ),
            "body",
        )
    if rng.random() < 0.3:  # what was settled before the items: `Godkendelse af dagsorden: Godkendt`
        w.add(
            f"{rng.choice(SETTLED_BEFORE)}: {rng.choice(DECISIONS)}",
            "body",
        )
    if rng.random() < 0.5:
        w.add(f"Deltagere: {', '.join(w.phrase(2, 2).title() for _ in range(rng.randint(2, 6)))}", "body")
    elif rng.random() < 0.5:  # the members one a line, under a label
        w.add(rng.choice(("Tilstede", "Medlemmer", "Deltagere", "Til stede:")), "body")
        for _ in range(rng.randint(3, 9)):
            w.add(f"{w.phrase(2, 2).title()} ({rng.choice('ABCFOV')}){rng.choice(('', ' - formand', ''))}", "body")
        w.add(rng.choice(("Afbud/Fraværende", "Fraværende", "Afbud:")), "body")


def _categories(rng: random.Random, count: int) -> dict[int, str]:
    names = sorted(name[0].upper() + name[1:] for name in CATEGORY_HEADINGS)
    cut = rng.randint(1, max(1, count - 1))
    return {0: rng.choice(names), cut: rng.choice(names)}


def _numbers(start: int, count: int, sub_numbered: bool, categories: dict[int, str]) -> list[str]:
    if not sub_numbered:
        return [str(start + k) for k in range(count)]
    numbers, major, minor = [], 1, 0
    for k in range(count):
        if k in categories and k:
            major, minor = major + 1, 0
        minor += 1
        numbers.append(f"{major}.{minor}")
    return numbers


def _write_item(
    w: _Writer,
    number: str,
    title: str,
    number_form: str,
    sections: tuple[str, ...],
    heading_form: str,
    title_size: float,
    width: int,
    minutes: bool,
    council: str,
    day: str,
) -> None:
    rng = w.rng
    closed = rng.random() < (0.8 if w.closed_before else 0.12)  # closed items come in runs
    w.closed_before = closed
    if closed and rng.random() < 0.6:
        title = f"{title}{rng.choice((' (Lukket)', '(Lukket)', ' - Lukket punkt'))}"
    printed = number_form.format(n=number, title=title)
    under = None
    if "\nSag nr." in printed:  # the number printed under the title (Acadre)
        printed, under = printed.split("\n")
    first, *rest = printed.split("\n")
    if rest:  # the number alone above its title, or in the margin a blank line away (OCR)
        w.add(first, "number", size=title_size, bold=True)
        if not rest[0]:
            w.blank()
        first = rest[-1]
    title_lines = _wrap(first, rng.choice((55, 65, max(width, 55)))) if rng.random() < 0.5 else [first]
    label = "item"
    apart = rng.random() < 0.2  # OCR sets a wrapped title's lines apart
    for line in title_lines[:MAX_TITLE_LINES]:
        if label == "title" and apart:
            w.blank()
        w.add(line, label, size=title_size, bold=title_size > BODY_SIZE or rng.random() < 0.5)
        label = "title"
    if under:
        w.add(under, "number")
    if rng.random() < 0.4:
        w.add(rng.choice(META_LINES).format(n=rng.randint(1, 9), a=rng.randint(0, 99), b=rng.randint(0, 99)), "body")
    if rng.random() < 0.45:
        if rng.random() < 0.5:
            w.blank()
        w.add(f"Ved {w.phrase(2, 2).title()}", "body")
    if closed or title.lower() in ("eventuelt", "evt.", "næste møde", "forside") or rng.random() < 0.06:
        return  # an item without sections
    for name in sections:
        if name in ("Beslutning", "Referat") and not minutes:
            continue
        heading = heading_form.format(h=name, H=name.upper())
        if name in ("Beslutning", "Referat") and rng.random() < 0.3:
            heading = rng.choice(DECISION_BLOCKS).format(council=council, date=day, n=number)
        if w.out and w.out[-1].text and rng.random() < 0.8:
            w.blank()
        if name in ("Beslutning", "Referat") and rng.random() < 0.25:
            w.add(f"{heading.rstrip(':')}: {rng.choice(DECISIONS)}", "section", bold=True)
            continue
        w.add(heading, "section", bold=w.bold_headings, size=w.heading_size)
        if rng.random() < 0.7:
            w.blank()
        if name in ("Beslutning", "Referat"):
            w.add(rng.choice(DECISIONS), "body")
            if rng.random() < 0.4 and not w.compact:
                w.paragraph(width)
        elif name in ("Indstilling", "Forslag til beslutning", "Administrationen indstiller"):
            w.add(f"{rng.choice(('Forvaltningen', 'Direktionen', 'Administrationen'))} indstiller, at", "body")
            for k in range(rng.randint(1, 3)):
                w.add(f"{k + 1}. {w.phrase(4, 10)}", "body")
        elif name == "Bilag" and rng.random() < 0.3:  # a flattened table: number, access, title, document
            for k in range(rng.randint(1, 4)):
                for cell in (
                    str(k + 1),
                    rng.choice(("Åben", "Lukket")),
                    w.title(),
                    f"{rng.randint(1000, 99999)}/{rng.randint(10, 25)}",
                ):
                    w.add(cell, "body")
        elif name == "Bilag":
            for k in range(rng.randint(1, 4)):
                w.add(f"Bilag {k + 1}: {w.title()}", "body")
        elif w.compact:
            w.add(w.sentence(), "body")
        else:
            for _ in range(rng.randint(1, 3)):
                w.paragraph(width)
                if w.layout and w.bold_headings and rng.random() < 0.15:
                    # Set as the headings are: a heading of the council's own. Set as the text is: a
                    # sub-heading that stays in its section, even one the vocabulary knows.
                    own = w.title().split()[0]
                    w.add(own, "section", bold=True, size=w.heading_size)
                    w.paragraph(width)
                    w.add(rng.choice(sorted(OTHER_HEADINGS)).capitalize(), "body")
                    w.paragraph(width)
                if rng.random() < 0.2:  # a list in the text
                    mark = rng.choice(("•", "-", "o", "e", "*"))
                    for _ in range(rng.randint(2, 5)):
                        w.add(f"{mark} {w.phrase(3, 9)}", "body")
                if rng.random() < 0.3:
                    w.blank()


def _paginate(
    rng: random.Random, written: list[_Written], council: str, day: str, layout: bool, blank_lines: bool
) -> tuple[list[Page], dict[tuple[int, int], str]]:
    header = rng.choice((f"{council} - Referat {day}", f"Dagsorden {council} {day}", None))
    footer = rng.choice(("Side {p} af {n}", "{p}", "Side {p}", None))
    if not blank_lines:
        written = [x for x in written if x.text]
    chunks = [written[k : k + PAGE_LINES] for k in range(0, len(written), PAGE_LINES)]
    pages, labels = [], {}
    for p, chunk in enumerate(chunks, start=1):
        texts: list[str] = []
        styles: list[LineStyle] = []

        def put(text: str, size: float = BODY_SIZE, bold: bool = False, _texts=texts, _styles=styles) -> None:  # noqa: ANN001
            row = len(_texts)
            top = 0.06 + row * 0.017
            _texts.append(text)
            _styles.append(LineStyle(top=top, bottom=top + size / 842, left=0.12, size=size, bold=bold))

        if header:
            put(header, size=8.0)
            put("")
        for x in chunk:
            if x.label:
                labels[(p, len(texts))] = x.label
            put(x.text, x.size, x.bold)
        if footer:
            put("")
            put(footer.format(p=p, n=len(chunks)), size=8.0)
        pages.append(Page(p, "\n".join(texts), layout=styles if layout else None))
    return pages, labels


def lexicon_words(path: Path, count: int = 6000) -> list[str]:
    """The lexicon's most frequent words of three letters or more, to write generated text with."""
    rows: list[tuple[float, str]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, zipf = line.rstrip("\n").partition("\t")
            if len(word) >= 4 and word.isalpha() and word.islower():
                rows.append((float(zipf or 0), word))
    rows.sort(reverse=True)
    return [word for _, word in rows[:count]]


def generated_labels(pages: list[Page], written: dict[tuple[int, int], str], lines: list[Line]) -> list[str]:
    """The labels of the lines of `lines` that print something (furniture is blank in them)."""
    positions: list[tuple[int, int]] = []
    for page in pages:
        positions.extend((page.number, k) for k in range(len(page.raw_text.split("\n"))))
    return [written.get(positions[i], "body") for i, line in enumerate(lines) if line.text.strip()]


def token_texts(lines: Iterable[Line]) -> list[str]:
    return [line.text for line in lines if line.text.strip()]
