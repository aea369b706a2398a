"""Danish text analysis for Whoosh: tokens, stop words, compound parts, Snowball stems, folding."""

from __future__ import annotations

import functools

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang import stemmer_for_language

from minutesindex.repair.lexicon import load_lexicon, load_stopwords

TOKEN_PATTERN = r"\w+(?:[.,]\d+)*"
MIN_COMPOUND_LEN = 7


class CompoundFilter(Filter):
    """At index time, add the parts of a Danish compound at the compound's position.

    `samarbejdsaftalen` also yields `samarbejd` and `aftalen`, and `familieplanlægningsindsats`
    yields `familieplanlægning`, so a query for a part finds the compound, while the whole word
    still matches the compound more strongly. Queries are not split.
    """

    def __call__(self, tokens):  # noqa: ANN001, ANN204 - Whoosh filter protocol
        for token in tokens:
            yield token
            if token.mode == "query" or len(token.text) < MIN_COMPOUND_LEN or not token.text.isalpha():
                continue
            text = token.text
            for part in compound_parts(text):
                token.text = part
                yield token
            token.text = text


@functools.lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts of a compound and its longer heads (every prefix up to a joint)."""
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


class FoldFilter(Filter):
    """Fold Danish letters and their ASCII spellings to one form: `Børnehus`, `Boernehus`, `Bornehus`."""

    def __call__(self, tokens):  # noqa: ANN001, ANN204 - Whoosh filter protocol
        for token in tokens:
            token.text = fold(token.text)
            yield token


_FOLDS = (("aa", "a"), ("å", "a"), ("æ", "ae"), ("ø", "o"), ("oe", "o"), ("é", "e"))


def fold(text: str) -> str:
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return text


def danish_analyzer():  # noqa: ANN201 - Whoosh analyzer composition
    stem = stemmer_for_language("da")
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=load_stopwords(), minsize=1)
        | CompoundFilter()
        | StemFilter(stemfn=stem, ignore=None, cachesize=100_000)
    )


def folded_analyzer():  # noqa: ANN201
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=load_stopwords(), minsize=2)
        | FoldFilter()
    )
