"""The OCR channel: how Tesseract's English model prints each Danish letter (and `l`), counted.

One table, `channel_da.tsv` beside this module: per letter and the sign printed for it (the letter
itself where it was read right), how often that was seen when `scripts/fit_channel.py` rendered
Danish text in several fonts and scan qualities and read it back with `tesseract -l eng`. Every
other view of the confusions derives from it: the substitutions the candidate search tries (a
sign read as a letter, with its cost) and the spellings a word may be printed in.

A cost is -log10 P(sign | letter), in the units of the lexicon's zipf frequencies (log10), so a
reading's score, frequency less cost, is the log-probability of the noisy channel.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from pathlib import Path

from minutesindex.repair.readings import L_SIGNS, channel_signs

CHANNEL_FILE = Path(__file__).with_name("channel_da.tsv")
LETTERS = "æøåÆØÅl"
DANISH_LETTERS = frozenset("æøåÆØÅ")


@functools.cache
def counts() -> dict[str, dict[str, int]]:
    """Per letter, how often each sign was printed for it (the table as shipped)."""
    table: dict[str, dict[str, int]] = {}
    for line in CHANNEL_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            letter, sign, count = line.split("\t")
            table.setdefault(letter, {})[sign] = int(count)
    return table


def probabilities() -> dict[str, dict[str, float]]:
    """P(sign | letter) of every sign counted for each letter (a rare sign costs much, see cost)."""
    out: dict[str, dict[str, float]] = {}
    for letter, signs in counts().items():
        total = sum(signs.values())
        out[letter] = {sign: n / total for sign, n in signs.items()}
    return out


def cost(probability: float) -> float:
    return round(-math.log10(probability), 2) + 0.0


@functools.cache
def substitutions() -> dict[str, tuple[tuple[str, float], ...]]:
    """Per sign, the letters it may be read as, cheapest first: {`g`: ((`ø`, 0.4),), …}."""
    by_sign: dict[str, list[tuple[str, float]]] = {}
    for letter, signs in probabilities().items():
        for sign, p in signs.items():
            if sign and sign != letter and (letter != "l" or sign in L_SIGNS):
                by_sign.setdefault(sign, []).append((letter, cost(p)))
    return {sign: tuple(sorted(letters, key=lambda lc: lc[1])) for sign, letters in sorted(by_sign.items())}


@functools.cache
def manglings() -> dict[str, tuple[tuple[str, float], ...]]:
    """Per Danish letter, the signs the English model prints for it with their shares, commonest first."""
    return {
        letter: tuple((sign, p) for sign, p in sorted(signs.items(), key=lambda sp: -sp[1]) if sign and sign != letter)
        for letter, signs in probabilities().items()
        if letter in DANISH_LETTERS
    }


def letter_signs(word: str, printed: str) -> tuple[tuple[str, str], ...] | None:
    """Which sign `printed` shows for each letter of LETTERS in `word`, case kept (`Møde`, `Mgde`:
    ((ø, g),)), each as short as the rest allows; None where the other letters differ."""
    return channel_signs(word, printed)


def count_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """The table counted from (word as written, word as printed) pairs that align."""
    table: dict[str, dict[str, int]] = {}
    for word, printed in pairs:
        for letter, sign in letter_signs(word, printed) or ():
            table.setdefault(letter, {})
            table[letter][sign] = table[letter].get(sign, 0) + 1
    return table


def write_table(table: dict[str, dict[str, int]], path: Path, header: str) -> None:
    rows = [f"# {line}" for line in header.splitlines()]
    for letter in LETTERS:
        for sign, n in sorted(table.get(letter, {}).items(), key=lambda sn: (-sn[1], sn[0])):
            rows.append(f"{letter}\t{sign}\t{n}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
