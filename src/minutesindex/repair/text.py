"""Repair a page of text: mojibake, hyphenated line breaks, then Danish letters if mangled.

Every function keeps the number of lines, so a repaired line always sits beside its raw line.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import ftfy

from minutesindex.repair.danish import Explanation, LetterRepairer
from minutesindex.repair.language import foreign_lines, has_danish_words, line_words
from minutesindex.repair.lexicon import load_lexicon

_FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_character_width=False,
    normalization="NFC",
    explain=False,
)
_MOJIBAKE_HINT = re.compile("[ÃÂ]|â€")
_HYPHENATED_END = re.compile(r"([^\W\d_]+)-[ \t]*$")
_CONTINUATION_START = re.compile(r"^([ \t]*)([a-zæøå][^\W\d_]*)([.,;:]?)(?=\s|$)")
# "børne- og ungeområdet": a hyphen before these words is a shared compound tail, not a break.
_KEEP_HYPHEN_BEFORE = {"og", "eller", "samt", "til"}


@dataclass
class RepairResult:
    text: str
    repaired_words: int
    mangled: bool


@functools.cache
def default_repairer() -> LetterRepairer:
    return LetterRepairer(load_lexicon())


def fix_mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 or Latin-1 (`mÃ¸de`) back to text, then NFC.

    ftfy costs about a millisecond a page, and mojibake of Danish text always carries `Ã`, `Â` or
    `â€`, so text without them is only normalised.
    """
    if _MOJIBAKE_HINT.search(text):
        return ftfy.fix_text(text, config=_FTFY_CONFIG)
    return unicodedata.normalize("NFC", text)


def join_hyphenated_lines(lines: list[str], is_word: callable) -> list[str]:
    """Move the rest of a word broken over a line end up to the first line, when the joined form is a word."""
    out = list(lines)
    for i in range(len(out) - 1):
        if not out[i].rstrip(" \t").endswith("-"):  # most lines; the search would read them all
            continue
        end = _HYPHENATED_END.search(out[i])
        start = _CONTINUATION_START.match(out[i + 1])
        if not end or not start or start.group(2) in _KEEP_HYPHEN_BEFORE:
            continue
        joined = end.group(1) + start.group(2)
        if not is_word(joined):
            continue
        out[i] = out[i][: end.start()] + joined + start.group(3)
        out[i + 1] = out[i + 1][start.end() :].lstrip()
    return out


def repair_text(text: str, repairer: LetterRepairer | None = None) -> RepairResult:
    """Repair one page (or any block) of text; clean Danish and English text come out unchanged."""
    return repair_pages([text], repairer)[0]


def repair_pages(
    texts: list[str], repairer: LetterRepairer | None = None, explain: list[Explanation] | None = None
) -> list[RepairResult]:
    """Repair the pages of one document. Each page is checked for the mangling on its own, and the
    mangled pages are repaired together: where a token has two readings (`made`: `møde` or `måde`),
    the words of every mangled page of the document are the evidence, not just its own page's.
    With `explain` (a list), every token whose text was weighed is added to it with its scored
    candidates (line numbers count the lines of the mangled pages, in order)."""
    repairer = repairer or default_repairer()
    together, page_of_line, pages = prepared_pages(texts, repairer)
    repaired, changes = repairer.repair_lines(together, page_of_line, explain) if together else ([], [])
    results, position = [], 0
    for lines, mangled, foreign in pages:
        if not mangled:
            results.append(RepairResult("\n".join(lines), 0, False))
            continue
        end = position + len(lines)
        page_lines = [line if k in foreign else repaired[position + k] for k, line in enumerate(lines)]
        results.append(RepairResult("\n".join(page_lines), sum(changes[position:end]), True))
        position = end + 1
    return results


def prepared_pages(
    texts: list[str], repairer: LetterRepairer
) -> tuple[list[str], list[int], list[tuple[list[str], bool, set[int]]]]:
    """The lines of the mangled pages as repair reads them (mojibake fixed, hyphens joined, lines in
    another language blanked, an empty line after each page), each line's page, and per page its
    lines, whether it is mangled and which of its lines are foreign."""
    pages = []
    for text in texts:
        fixed = fix_mojibake(text)
        lines = fixed.split("\n")
        words = line_words(lines)
        foreign = foreign_lines(lines, words)
        danish = "\n".join(line for k, line in enumerate(lines) if k not in foreign)
        danish_words = (line for k, line in enumerate(words) if k not in foreign)
        mangled = has_danish_words(danish_words) and repairer.looks_mangled(danish)

        def is_word(word: str, mangled: bool = mangled) -> bool:
            lower = word.lower()
            if repairer.is_word(lower):
                return True
            return mangled and repairer.repair_token(word) is not None

        pages.append((join_hyphenated_lines(lines, is_word), mangled, foreign))
    # An empty line after each page, so that a page's first line starts a sentence as it did alone.
    # Lines in another language are blanked for the repair and put back as they were.
    together, page_of_line = [], []
    for number, (lines, mangled, foreign) in enumerate(pages):
        if mangled:
            together += [*("" if k in foreign else line for k, line in enumerate(lines)), ""]
            page_of_line += [number] * (len(lines) + 1)
    return together, page_of_line, pages
