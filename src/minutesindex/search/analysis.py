"""Danish text analysis for Whoosh: tokens, stop words, compound parts, Snowball stems, folding.

Each analyzer is one tokenizer that does every step in a single pass over the text. Whoosh's usual
chain (tokenizer | lowercase | stop | compound | stem) gives the same terms through five generator
layers, at half the speed; indexing time is mostly analysis, so this matters.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.snowball.danish import DanishStemmer

from minutesindex.repair.lexicon import load_lexicon, load_stopwords

TOKEN_RE = re.compile(r"\w+(?:[.,]\d+)*")
MIN_COMPOUND_LEN = 7
_FOLDS = (("aa", "a"), ("å", "a"), ("æ", "ae"), ("ø", "o"), ("oe", "o"), ("é", "e"))
_FOLDABLE = re.compile("aa|oe|[åæøé]")
_WHOLE = re.compile(r".*", re.S)


def fold(text: str) -> str:
    """One spelling for Danish letters and their ASCII stand-ins: `Børnehus`, `Boernehus`, `Bornehus`."""
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return text


_STEMMER = DanishStemmer()


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _STEMMER.stem(word)


@functools.lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts of a compound and its longer heads (every prefix up to a joint)."""
    if len(word) < MIN_COMPOUND_LEN or not word.isalpha():
        return ()
    split = load_lexicon().split_compound(word)
    if not split or len(split) < 2:
        return ()
    out: list[str] = list(split)
    # Longer heads (`familieplanlægning` of `familie|planlægning|indsats`), linking s/e removed.
    position = 0
    for part in split[:-1]:
        position = word.find(part, position) + len(part)
        head = word[:position]
        if head not in out and head != word:
            out.append(head)
    return tuple(out)


@functools.lru_cache(maxsize=200_000)
def index_terms(word: str) -> tuple[str, ...]:
    """The stemmed terms a lower-cased word is indexed under: the word itself, then its compound parts.

    `samarbejdsaftalen` also gives the terms of `samarbejd` and `aftalen`, so a query for a part finds
    the compound, while the whole word still matches the compound more strongly. Queries are not split.
    """
    terms = [stem(word)]
    for part in compound_parts(word):
        term = stem(part)
        if term not in terms:
            terms.append(term)
    return tuple(terms)


class _StopListTokenizer(Tokenizer):
    """A tokenizer with a stop list; equal to another of its kind with the same list (schema checks)."""

    def __init__(self, stoplist: frozenset[str]) -> None:
        self.stoplist = stoplist

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.stoplist == other.stoplist


class DanishTokenizer(_StopListTokenizer):
    """Words, lower-cased, stop words removed, compounds split (index only) and stemmed."""

    def __call__(  # noqa: PLR0913 - Whoosh tokenizer protocol
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        split = mode != "query"
        stoplist = self.stoplist
        pos = start_pos
        for match in TOKEN_RE.finditer(value) if tokenize else [_WHOLE.fullmatch(value)]:
            word = match.group().lower()
            stopped = word in stoplist
            if stopped and removestops:
                continue
            token.stopped = stopped
            if keeporiginal:
                token.original = match.group()
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            pos += 1
            if stopped:
                token.text = word
                yield token
                continue
            for term in index_terms(word) if split else (stem(word),):
                token.text = term
                yield token


class FoldedTokenizer(_StopListTokenizer):
    """Folded words for queries typed without Danish letters (`Boernehus`, `Solund`).

    At index time only words that folding changes are kept: the main fields already match every
    other word, and this keeps the folded field small. Its terms have no positions.
    """

    def __call__(  # Whoosh tokenizer protocol; the options it does not use arrive in kwargs
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        every_word = mode == "query"
        stoplist = self.stoplist
        for number, match in enumerate(TOKEN_RE.finditer(value)):
            word = match.group().lower()
            if len(word) < 2 or word in stoplist or not (every_word or _FOLDABLE.search(word)):
                continue
            token.text = fold(word)
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


def danish_analyzer() -> DanishTokenizer:
    return DanishTokenizer(load_stopwords())


def folded_analyzer() -> FoldedTokenizer:
    return FoldedTokenizer(load_stopwords())
