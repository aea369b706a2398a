"""Count the OCR channel (src/minutesindex/repair/channel_da.tsv): how Tesseract's English model
prints each Danish letter, from Danish text this script writes, renders and reads back.

Pages of sentences drawn from the lexicon's common words (a third with æ, ø or å; capitalised
words, sentence starts and all-capital headings for Æ, Ø, Å) are laid out in seven fonts at 10-12
pt, rendered at 300 dpi, degraded as scans are (grey JPEG, noise and a slight turn, bilevel with a
turn, speckles), put into image-only PDFs and OCR'd with `-l eng` through the project's own OCR
(ingest/ocr.py). Each printed word is paired with the word written where its line and word count
agree, and every letter of channel.LETTERS is counted with the sign printed for it.

    .venv/bin/python scripts/fit_channel.py [--pages-per-style 2] [--seed 11] [--out PATH]
"""

from __future__ import annotations

import argparse
import io
import random
import re
import time
from pathlib import Path

import pymupdf
from PIL import Image, ImageChops, ImageFilter

from minutesindex.ingest.ocr import ocr_pdf_page
from minutesindex.repair.channel import CHANNEL_FILE, LETTERS, count_pairs, write_table
from minutesindex.repair.lexicon import load_lexicon, load_names

FONTS = (
    ("helv", None, 11.0),
    ("tiro", None, 12.0),
    ("cour", None, 10.0),
    ("dejavusans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 10.0),
    ("dejavuserif", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 10.5),
    ("dejavucond", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf", 11.0),
    ("liberation", "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", 11.0),
)
SCANS = ("gray-jpeg", "gray-noise-turn-jpeg", "bilevel-turn", "bilevel-speckle")
DPI = 300
MIN_ZIPF = 3.0
DANISH_SHARE = 0.35
LINES_PER_PAGE = 40
HEADING_EVERY = 6  # lines: a heading in capitals
NAMES_EVERY = 5  # lines: a list of members
NAME_RANK = 3000  # the commonest names, and every name with a Danish letter
PARTIES = ("A", "V", "C", "F", "O", "Ø", "B", "I", "D", "Å")
WORDS_PER_LINE = (6, 10)
WORD = re.compile(r"[^\W\d_]+")


def word_pools(rng: random.Random) -> tuple[list[str], list[str]]:
    """Common lexicon words with and without Danish letters."""
    zipf = load_lexicon().zipf
    common = [w for w, z in zipf.items() if z >= MIN_ZIPF and w.isalpha() and 2 <= len(w) <= 14]
    danish = [w for w in common if re.search("[æøå]", w)]
    plain = [w for w in common if not re.search("[æøå]", w)]
    rng.shuffle(danish)
    rng.shuffle(plain)
    return danish, plain


def name_pools(rng: random.Random) -> tuple[list[str], list[str]]:
    """First names and family names of Denmark (names-dataset, Faker's towns), shuffled."""
    names = load_names()
    first = [n.text for n in names if n.first and (0 < n.rank <= NAME_RANK or re.search("[æøåÆØÅ]", n.text))]
    family = [n.text for n in names if not n.first and (0 < n.rank <= NAME_RANK or re.search("[æøåÆØÅ]", n.text))]
    rng.shuffle(first)
    rng.shuffle(family)
    return first, family


def name_line(rng: random.Random, first: list[str], family: list[str]) -> str:
    """Members as minutes list them: `Birgitte Walløe (A), Jens Gøtterup (V)`."""
    members = [f"{rng.choice(first)} {rng.choice(family)} ({rng.choice(PARTIES)})" for _ in range(rng.randint(2, 3))]
    return ", ".join(members)


def page_lines(
    rng: random.Random, danish: list[str], plain: list[str], names: tuple[list[str], list[str]]
) -> list[str]:
    lines = []
    for n in range(LINES_PER_PAGE):
        if n % NAMES_EVERY == NAMES_EVERY - 1:
            lines.append(name_line(rng, *names))
            continue
        words = [
            rng.choice(danish if rng.random() < DANISH_SHARE else plain) for _ in range(rng.randint(*WORDS_PER_LINE))
        ]
        if n % HEADING_EVERY == 0:
            lines.append(" ".join(words[:4]).upper())  # a heading in capitals
            continue
        # Capitals at sentence starts, on names and bodies, and often on a word opening with æ/ø/å
        # (`Økonomiudvalget`), so that Æ, Ø and Å are seen often enough to count.
        words = [
            w.capitalize() if k == 0 or rng.random() < (0.5 if w[0] in "æøå" else 0.12) else w
            for k, w in enumerate(words)
        ]
        if rng.random() < 0.3:
            words[rng.randrange(len(words) - 1)] += ","
        lines.append(" ".join(words) + ("." if rng.random() < 0.5 else ""))
    return lines


def rendered(lines: list[str], font: tuple[str, str | None, float]) -> Image.Image:
    name, file, size = font
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    if file:
        page.insert_font(fontname=name, fontfile=file)
    y = 60.0
    for line in lines:
        page.insert_text((56, y), line, fontname=name, fontsize=size)
        y += size * 1.9
    pixmap = page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY)
    return Image.frombytes("L", (pixmap.width, pixmap.height), pixmap.samples)


def scanned(image: Image.Image, kind: str, rng: random.Random) -> bytes:
    """The page as a scanner would give it, as an image-only PDF."""
    if "noise" in kind:
        image = ImageChops.add(image, Image.effect_noise(image.size, 18), offset=-128)  # grain around 0
    if "turn" in kind:
        image = image.rotate(rng.uniform(-0.6, 0.6), fillcolor=255, resample=Image.BICUBIC)
    if "bilevel" in kind:
        image = image.filter(ImageFilter.GaussianBlur(0.6)).point(lambda v: 255 if v > 150 else 0)
    if "speckle" in kind:
        pixels = image.load()
        for _ in range(4000):
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = 0
    buffer = io.BytesIO()
    if "jpeg" in kind:
        image.save(buffer, "JPEG", quality=70)
    else:
        image.convert("1").save(buffer, "PNG")
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(page.rect, stream=buffer.getvalue())
    return doc.tobytes()


def printed_pairs(lines: list[str], text: str) -> list[tuple[str, str]]:
    """(written, printed) word pairs of the lines whose line and word counts agree."""
    read = [line for line in text.splitlines() if line.strip()]
    if len(read) != len(lines):
        return []
    pairs = []
    for written, printed in zip(lines, read, strict=True):
        words, signs = written.split(), printed.split()
        if len(words) != len(signs):
            continue
        for word, sign in zip(words, signs, strict=True):
            pairs.append((word.strip(",."), sign.strip(",.")))
    return pairs


def bench_pairs(folder: Path) -> list[tuple[str, str]]:
    """(written, printed) word pairs of a bench split's pages (`ID.clean.txt` against
    `ID.ocr_eng.txt`), paired where the words' letters outside the confusions agree in sequence."""
    import difflib

    pairs = []
    for clean in sorted(folder.glob("*.clean.txt")):
        printed_file = clean.with_name(clean.name.replace(".clean.txt", ".ocr_eng.txt"))
        if not printed_file.exists():
            continue
        written = WORD.findall(clean.read_text(encoding="utf-8"))
        printed = re.findall(r"[^\s,.;:()]+", printed_file.read_text(encoding="utf-8"))
        keys = [_skeleton(w) for w in written], [_skeleton(w) for w in printed]
        matcher = difflib.SequenceMatcher(None, *keys, autojunk=False)
        for block in matcher.get_matching_blocks():
            pairs += [(written[block.a + k], printed[block.b + k]) for k in range(block.size)]
    return pairs


def _skeleton(word: str) -> str:
    """A word less the letters and signs the channel confuses, to pair printed words with written ones."""
    return re.sub(r"[æøåaeogdzl@&¢£§4|i/éá®]", "", word.lower())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-per-style", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=CHANNEL_FILE)
    parser.add_argument("--pages-out", type=Path, help="also write each page as ID.clean.txt and ID.ocr_eng.txt here")
    parser.add_argument(
        "--bench",
        type=Path,
        action="append",
        default=[],
        help="also count a bench split's pages (a folder of ID.clean.txt and ID.ocr_eng.txt)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    danish, plain = word_pools(rng)
    names = name_pools(rng)
    if args.pages_out:
        args.pages_out.mkdir(parents=True, exist_ok=True)
    pairs: list[tuple[str, str]] = []
    started, pages = time.perf_counter(), 0
    for font in FONTS:
        for kind in SCANS:
            for _ in range(args.pages_per_style):
                lines = page_lines(rng, danish, plain, names)
                result = ocr_pdf_page(scanned(rendered(lines, font), kind, rng), 0, "eng", 120.0)
                if args.pages_out:
                    page_id = f"{font[0]}_{kind}_{pages:03d}"
                    (args.pages_out / f"{page_id}.clean.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
                    (args.pages_out / f"{page_id}.ocr_eng.txt").write_text(result.text, encoding="utf-8")
                pairs += printed_pairs(lines, result.text)
                pages += 1
    generated_pairs = len(pairs)
    for folder in args.bench:
        pairs += bench_pairs(folder)
    table = count_pairs(pairs)
    benches = "".join(f" and {folder.name}/" for folder in args.bench)
    header = (
        f"The OCR channel: letter, the sign tesseract -l eng printed for it, how often.\n"
        f"Counted by scripts/fit_channel.py (seed {args.seed}) over {pages} generated pages "
        f"({generated_pairs} paired words){benches}; letters {LETTERS}."
    )
    write_table(table, args.out, header)
    for letter in LETTERS:
        signs = table.get(letter, {})
        total = sum(signs.values()) or 1
        top = ", ".join(f"{s or '∅'} {n / total:.2f}" for s, n in sorted(signs.items(), key=lambda x: -x[1])[:6])
        print(f"{letter}: {total} seen; {top}")
    print(f"{pages} pages, {len(pairs)} word pairs in {time.perf_counter() - started:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
