"""The candidate search of letter repair and its inner loops (a trigram model's sum, the alignment of
a reading's letters with the signs printed for them): the compiled module (`_readings.c`) where it
was built, else these pure-Python versions, which give the same results, only slower (about ten times).

`pip install` compiles the extension where a C compiler and the Python headers are present; without
them the project still installs and works. tests/test_readings.py holds the two to the same results.
"""

from __future__ import annotations

from collections.abc import Callable

Option = tuple[int, str, str, float]
# A trie node: (children by letter, whether the path to it spells a word).
_Node = tuple[dict[str, "_Node"], list[bool]]


def py_build_trie(words: list[str]) -> _Node:
    root: _Node = ({}, [False])
    for word in words:
        node = root
        for letter in word:
            node = node[0].setdefault(letter, ({}, [False]))
        node[1][0] = True
    return root


def py_compound_readings(
    token: str,
    lowered: str,
    options: list[tuple[Option, ...]],
    max_subs: int,
    trie: _Node,
    min_part: int,
    max_heads: int,
    linkers: str,
) -> list[tuple[str, int, float, tuple[str, ...]]]:
    """Every reading of the token, as read or through its substitutions, that spells one lexicon word
    or a compound of up to max_heads + 1 parts (a linking letter between two allowed); branches in
    the compiled walk's order: a part ends here (directly, then with a linker), the letter as read,
    then each substitution."""
    if len(options) != len(token):
        raise ValueError("options must have one entry per letter of the token")
    end = len(token)
    found: list[tuple[str, int, float, tuple[str, ...]]] = []

    def walk(i: int, out: str, parts: tuple[str, ...], part: str, node: _Node, subs: int, cost: float) -> None:
        is_word = node[1][0]
        if i == end:
            if is_word and (not parts or len(part) >= min_part):
                found.append((out, subs, cost, (*parts, part)))
            return
        here = token[i]
        if is_word and len(part) >= min_part and len(parts) < max_heads:
            walk(i, out, (*parts, part), "", trie, subs, cost)
            if here in linkers and i + 1 < end:
                walk(i + 1, out + here, (*parts, part), "", trie, subs, cost)
        if i < len(lowered):
            letter = lowered[i]
            nxt = node[0].get(letter)
            if nxt is not None:
                walk(i + 1, out + here, parts, part + letter, nxt, subs, cost)
        if subs >= max_subs:
            return
        for width, cased, lower, extra in options[i]:
            nxt = node[0].get(lower)
            if nxt is not None:
                walk(i + width, out + cased, parts, part + lower, nxt, subs + 1, cost + extra)

    walk(0, "", (), "", trie, 0, 0.0)
    return found


def py_substitution_options(
    token: str, table: dict[str, list[tuple[str, tuple[tuple[Option, ...], ...]]]], in_caps: bool
) -> list[tuple[Option, ...]]:
    """Per position, the options of every substitution source that starts there, in the case they
    take there (all-caps token, start of the word, inside it)."""
    options: list[tuple[Option, ...]] = []
    for i, letter in enumerate(token):
        here: tuple[Option, ...] = ()
        for source, written in table.get(letter, ()):
            if token.startswith(source, i):
                here += written[0 if in_caps else 1 if i == 0 else 2]
        options.append(here)
    return options


def py_fewest_compound_readings(*search: object) -> list[tuple[str, int, float, tuple[str, ...]]]:
    """The readings of py_compound_readings(*search) that can matter (py_fewest_readings)."""
    return py_fewest_readings(py_compound_readings(*search))  # type: ignore[arg-type]


def py_fewest_readings(
    readings: list[tuple[str, int, float, tuple[str, ...]]],
) -> list[tuple[str, int, float, tuple[str, ...]]]:
    """The readings of compound_readings that can matter: each text with its fewest substitutions,
    then its fewest parts (a reading in one part keeps its readings in two as well, which may lend it
    their score), and no changed text in more parts than the fewest of any changed text; grouped by
    text in the order each text was first found, each group in the order found."""
    shape: dict[str, tuple[int, int]] = {}  # per text, in the order found: (substitutions, parts)
    for text, subs, _, parts in readings:
        if text not in shape or (subs, len(parts)) < shape[text]:
            shape[text] = (subs, len(parts))
    fewest_parts = min((parts for subs, parts in shape.values() if subs), default=0)
    groups: dict[str, list[tuple[str, int, float, tuple[str, ...]]]] = {text: [] for text in shape}
    for reading in readings:
        text, subs, _, parts = reading
        text_subs, text_parts = shape[text]
        if subs != text_subs or (subs and text_parts > fewest_parts):
            continue
        if len(parts) == text_parts or (text_parts == 1 and len(parts) == 2):
            groups[text].append(reading)
    return [reading for group in groups.values() for reading in group]


def py_trigram_table(
    seen: dict[str, float], unseen: dict[str, float], never: float
) -> tuple[dict[str, float], dict[str, float], float]:
    """A letter-trigram model for py_trigram_log_prob: the trigrams' log probabilities, the two-letter
    contexts', and that of an unseen trigram in an unseen context."""
    return seen, unseen, never


def py_trigram_log_prob(padded: str, table: tuple[dict[str, float], dict[str, float], float]) -> float:
    """The sum over the padded word's trigrams of seen[trigram], else unseen[its context], else never."""
    seen, unseen, never = table
    total = 0.0
    for i in range(len(padded) - 2):
        value = seen.get(padded[i : i + 3])
        total += value if value is not None else unseen.get(padded[i : i + 2], never)
    return total


# What the English model prints for `l` where it is confused: a capital I or a bar (_readings.c
# writes out these two lists and MAX_SIGN_LEN).
L_SIGNS = frozenset("I|")
MAX_SIGN_LEN = 3  # a sign printed for a letter stands for at most this many characters (`eae` for æ)


def py_channel_signs(word: str, printed: str) -> tuple[tuple[str, str], ...] | None:
    """The sign `printed` shows for each of æ, ø, å, Æ, Ø, Å and l in `word`, each as short as the rest
    allows (`l` as itself or one of L_SIGNS); None where the other letters differ."""

    def align(i: int, j: int) -> tuple[tuple[str, str], ...] | None:
        while i < len(word) and word[i] not in "æøåÆØÅl":
            if j >= len(printed) or printed[j] != word[i]:
                return None
            i += 1
            j += 1
        if i == len(word):
            return () if j == len(printed) else None
        letter = word[i]
        if letter == "l":
            if j < len(printed) and (printed[j] == "l" or printed[j] in L_SIGNS):
                rest = align(i + 1, j + 1)
                return None if rest is None else ((letter, printed[j]), *rest)
            return None
        for width in range(min(MAX_SIGN_LEN, len(printed) - j) + 1):
            rest = align(i + 1, j + width)
            if rest is not None:
                return ((letter, printed[j : j + width]), *rest)
        return None

    return align(0, 0)


_READ_AS = {"l": "i|", "i": "l"}  # a reading's letter, and the signs the token may show for it


def py_reading_signs(reading: str, token: str) -> tuple[tuple[str, str], ...] | None:
    """In lower-case text, the run of the token's signs (up to MAX_SIGN_LEN, or none) each æ, ø and å of
    the reading takes, each as short as the rest allows; the reading's other letters are the token's
    (`l` printed `i` or `|`, `i` as `l`) and a space of the reading may be missing from the token."""

    def align(i: int, j: int) -> tuple[tuple[str, str], ...] | None:
        while j < len(reading) and reading[j] not in "æøå":
            char = reading[j]
            if i < len(token) and (token[i] == char or token[i] in _READ_AS.get(char, "")):
                i += 1
            elif char != " ":
                return None
            j += 1
        if j == len(reading):
            return () if i == len(token) else None
        for width in range(min(MAX_SIGN_LEN, len(token) - i) + 1):
            rest = align(i + width, j + 1)
            if rest is not None:
                return ((reading[j], token[i : i + width]), *rest)
        return None

    return align(0, 0)


try:
    from minutesindex.repair._readings import (
        build_trie,
        channel_signs,
        compound_readings,
        fewest_compound_readings,
        load_trie,
        reading_signs,
        substitution_options,
        trie_bytes,
        trie_get,
        trie_has,
        trigram_log_prob,
        trigram_table,
    )

    COMPILED = True
except ImportError:  # installed without a C compiler: the same search in Python, the lexicon a dict
    build_trie: Callable = py_build_trie
    compound_readings: Callable = py_compound_readings
    fewest_compound_readings: Callable = py_fewest_compound_readings
    substitution_options: Callable = py_substitution_options
    trigram_log_prob: Callable = py_trigram_log_prob
    trigram_table: Callable = py_trigram_table
    channel_signs: Callable = py_channel_signs
    reading_signs: Callable = py_reading_signs
    load_trie = trie_bytes = trie_get = trie_has = None  # type: ignore[assignment]
    COMPILED = False
