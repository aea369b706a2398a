"""The candidate search of letter repair: the compiled module (`_readings.c`) where it was built, else
this pure-Python walk, which finds the same readings in the same order, only slower (about ten times).

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


try:
    from minutesindex.repair._readings import (
        build_trie,
        compound_readings,
        load_trie,
        substitution_options,
        trie_bytes,
        trie_get,
    )

    COMPILED = True
except ImportError:  # installed without a C compiler: the same search in Python, the lexicon a dict
    build_trie: Callable = py_build_trie
    compound_readings: Callable = py_compound_readings
    substitution_options: Callable = py_substitution_options
    load_trie = trie_bytes = trie_get = None  # type: ignore[assignment]
    COMPILED = False
