"""Is a paragraph Danish? Letter repair must leave every other language as it is.

Function words settle it: they are the commonest words of a language, short, and the English
model's confusions leave most Danish ones as they are (`og`, `at`, `det`, `er`, `til`, `ikke`) or
turn them into spellings of their own (`pa` for `på`, `ogsa` for `også`). A paragraph is foreign
when another language's function words clearly outnumber Danish ones; a Danish page with an
English quotation keeps the quotation as it is and is repaired around it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# The languages whose pages the confusions damage, and how many of each language's commonest words
# are its function words. A word common in Danish too (`i`, `en`, `for`, `is`) tells nothing and is
# left out, as are words shorter than two letters.
OTHER_LANGUAGES = ("en", "de", "fr", "nl", "es", "it")
FUNCTION_WORDS = 120
DANISH_COMMON = 2000  # Danish words this common are never evidence for another language
# How the English model prints the Danish function words with Danish letters.
MANGLED_DANISH = ("pa", "ogsa", "nar", "sa", "ma", "fa", "bade", "hvornar", "vaere", "veere", "blev")
# A paragraph is foreign when another language has at least MIN_FOREIGN function words in it and more
# than FOREIGN_RATIO times as many as Danish (set on English, German, French and Dutch pages written
# for the tests, and on the repair bench's Danish pages, none of which it flags).
MIN_FOREIGN = 3
FOREIGN_RATIO = 2.0
MIN_LINE_WORDS = 8  # a line this long is judged on its own too
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def function_words() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """Counted once and kept beside the lexicon: wordfreq loads each language's whole word list to
    give its top words (170 MB and 0.6 s), which no process should pay for 120 words a language."""
    from minutesindex.config import models_dir
    from minutesindex.repair.lexicon import LEXICON_FILE, load_cached

    lexicon = models_dir() / LEXICON_FILE
    if not lexicon.exists():
        return _count_function_words()
    return load_cached(lexicon, f"function_words_{FUNCTION_WORDS}_{DANISH_COMMON}", _count_function_words)


def _count_function_words() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    import wordfreq

    danish_common = set(wordfreq.top_n_list("da", DANISH_COMMON))
    tops = {language: set(wordfreq.top_n_list(language, FUNCTION_WORDS)) for language in OTHER_LANGUAGES}
    shared = set().union(*tops.values())
    # Only words that tell the languages apart: `de` is Danish, Dutch, French and Spanish alike.
    danish_top = wordfreq.top_n_list("da", FUNCTION_WORDS)
    danish = frozenset({w for w in danish_top if len(w) > 1 and w not in shared} | set(MANGLED_DANISH))
    others = {
        language: frozenset(w for w in top if len(w) > 1 and w not in danish_common) for language, top in tops.items()
    }
    for cached in (wordfreq.get_frequency_list, wordfreq.get_frequency_dict):
        cached.cache_clear()  # the whole word lists it read
    return danish, others


def line_words(lines: list[str]) -> list[set[str]]:
    """Each line's distinct words in lower case, acronyms aside (`DAS` is a Danish body, not German
    `das`): what foreign_lines and has_danish_words read, found once."""
    return [_words(line) for line in lines]


def _words(text: str) -> set[str]:
    return {w.lower() for w in set(_WORD.findall(text)) if not (w.isupper() and len(w) > 1)}


def _is_foreign(words: set[str]) -> bool:
    """Whether a paragraph's distinct words are another language's rather than Danish (mangled
    Danish is Danish), by the distinct function words of each language among them."""
    if len(words) < MIN_FOREIGN or len(words & _any_foreign()) < MIN_FOREIGN:  # most Danish lines: no need to count
        return False
    danish, others = function_words()
    return _outnumbers(max(len(words & vocabulary) for vocabulary in others.values()), len(words & danish))


@functools.cache
def _any_foreign() -> frozenset[str]:
    """The function words of every other language together."""
    return frozenset().union(*function_words()[1].values())


def _outnumbers(hits: int, rival_hits: int) -> bool:
    """Whether one language's distinct function words clearly outnumber another's."""
    return hits >= MIN_FOREIGN and hits > FOREIGN_RATIO * rival_hits


def foreign_lines(lines: list[str], words_of_lines: list[set[str]]) -> set[int]:
    """Indices of the lines in another language: the lines of a foreign paragraph (a run of non-blank
    lines), and a long line that is foreign by itself (a quotation inside a Danish paragraph).

    A page that is foreign as a whole (a recipe, a list, a page of short paragraphs, none with
    function words enough to judge on its own) is foreign throughout, but for the paragraphs
    that are clearly Danish. `words_of_lines` holds each line's words (line_words)."""
    page_words: set[str] = set()
    paragraphs: list[tuple[list[int], set[str]]] = []
    foreign: set[int] = set()
    paragraph: list[int] = []
    paragraph_words: set[str] = set()
    for i, line in enumerate([*lines, ""]):
        if line.strip():
            words = words_of_lines[i]
            if len(words) >= MIN_LINE_WORDS and _is_foreign(words):
                foreign.add(i)
            paragraph.append(i)
            paragraph_words |= words
            continue
        if paragraph:
            paragraphs.append((paragraph, paragraph_words))
            page_words |= paragraph_words
        paragraph, paragraph_words = [], set()
    page_foreign = _is_foreign(page_words)
    for indices, words in paragraphs:
        if _is_foreign(words) or (page_foreign and not _is_danish(words)):
            foreign.update(indices)
    return foreign


def _is_danish(words: set[str]) -> bool:
    """Whether a paragraph's Danish function words clearly outnumber any other language's."""
    danish, others = function_words()
    return _outnumbers(len(words & danish), max(len(words & vocabulary) for vocabulary in others.values()))


def has_danish_words(words_of_lines: Iterable[set[str]]) -> bool:
    """Whether lines (given by their words, line_words) hold a distinctly Danish function word, as read
    or as the English model prints it (`og`, `ikke`, `pa`): mangled Danish always does; a short
    English text (`The committee made a decision to meet again`) has none, so no confusion is undone
    in it."""
    danish = function_words()[0]
    return any(not danish.isdisjoint(words) for words in words_of_lines)
