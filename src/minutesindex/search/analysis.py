"""Danish text analysis for Whoosh: tokens, stop words, compound parts, Snowball stems, folding.

Each analyzer is one tokenizer that does every step in a single pass over the text. Whoosh's usual
chain (tokenizer | lowercase | stop | compound | stem) gives the same terms through five generator
layers, at half the speed; indexing time is mostly analysis, so this matters.

An agenda item is indexed as one text field made of sections (title, Indstilling, Beslutning …).
Each section is a band: its words get the band's boost as their weight, and positions that start
at `band * BAND_WIDTH`, so a query can be kept to one section by position and a phrase never runs
from one section into the next. One field instead of one per section means a query word is one
posting list, not a union of a dozen, which is what makes searches fast.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections import Counter
from collections.abc import Iterator
from itertools import repeat

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import TEXT
from whoosh.lang.snowball.danish import DanishStemmer
from whoosh.system import pack_uint

from minutesindex.repair.lexicon import load_lexicon, load_stopwords

TOKEN_RE = re.compile(r"\w+(?:[.,]\d+)*")
MIN_COMPOUND_LEN = 7
MIN_QUERY_PART = 4
MIN_INDEX_PART = 4
MIN_TAIL = 5  # a known word ending an unknown one is a compound's tail only this long (`området`, not `det`)
_DOUBLING_ENDINGS = ("et", "en", "er", "ene", "erne", "ets", "ens")
_ELIDING_ENDINGS = ("ret", "rets", "re", "rene", "renes", "res")
# Shorter heads are more often another word's (`mindre` is no form of `minder`).
MIN_ELIDED_HEAD = 5
_VOWELS = set("aeiouyæøå")
MIN_UNDOUBLED_LEN = 4
_FOLDS = (("aa", "a"), ("å", "a"), ("æ", "ae"), ("ø", "o"), ("oe", "o"), ("é", "e"))
_FOLDABLE = re.compile("aa|oe|[åæøé]")
# A query word with æ or ø is left to the main field; one with å is not, as names keep their `aa`.
_UNFOLDED_IN_QUERIES = re.compile("[æø]")
_WHOLE = re.compile(r".*", re.S)
BAND_MARK = "\x1f"
BAND_WIDTH = 1 << 20


def banded_text(sections: list[tuple[int, str]]) -> str:
    """One field value holding each (band, text) section, for the banded DanishTokenizer."""
    return "".join(f"{BAND_MARK}{band}{BAND_MARK}{text.replace(BAND_MARK, ' ')}" for band, text in sections if text)


def band_start(band: int) -> int:
    return band * BAND_WIDTH


def _bands(value: str, start_pos: int) -> Iterator[tuple[int | None, int, int, str]]:
    """(band or None, first position, offset in value, text) of each section of a field value."""
    if not value.startswith(BAND_MARK):
        yield None, start_pos, 0, value
        return
    offset = 0
    pieces = value.split(BAND_MARK)
    for band, text in zip(pieces[1::2], pieces[2::2], strict=True):
        offset += len(band) + 2
        yield int(band), band_start(int(band)), offset, text
        offset += len(text)


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """One spelling for Danish letters and their ASCII stand-ins: `Børnehus`, `Boernehus`, `Bornehus`."""
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return text


_STEMMER = DanishStemmer()


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The term of a lower-case word: the Snowball stem of the word it inflects.

    Snowball alone gives a word's forms different stems where it takes an ending off the base form
    that the inflected forms keep (`aktivitet` → `aktivit`, `aktiviteter` → `aktivitet`; `plads`,
    `pladser`; `budget`, `budgettet`), so the lexicon's base form is stemmed instead.
    """
    return _STEMMER.stem(_base_word(word))


def _base_word(word: str) -> str:
    """The lexicon's base form of a word, also where the ending doubled its last consonant
    (`budgettet` → `budget`, `tilbuddet` → `tilbud`) or dropped the e of an -er noun (`plejecentret`,
    `kulturcentre` → `plejecenter`, `kulturcenter`)."""
    lexicon = load_lexicon()
    base = lexicon.base_form(word)
    for ending in _ELIDING_ENDINGS:
        head = base[: -len(ending)]
        if base.endswith(ending) and len(head) >= MIN_ELIDED_HEAD and head + "er" in lexicon:
            return head + "er"
    if base != word:
        return base
    for ending in _DOUBLING_ENDINGS:
        head = word[: -len(ending)]
        doubled = len(head) > MIN_UNDOUBLED_LEN and head[-1] == head[-2] and head[-1] not in _VOWELS
        if word.endswith(ending) and doubled and head[:-1] in lexicon:
            return head[:-1]
    return word


@functools.lru_cache(maxsize=100_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The other words a word is also found by: the parts of a compound and its longer heads (every
    prefix up to a joint); for a word misread by the OCR, also the word it reads as."""
    if len(word) < MIN_COMPOUND_LEN or not word.isalpha():
        return ()
    lexicon = load_lexicon()
    base = lexicon.base_form(word)
    if base != word:  # an inflected form is split as its base form: `takster` is `takst`, no `tak|ster`
        return compound_parts(base)
    split = lexicon.split_compound(word)
    # A part shorter than MIN_INDEX_PART is a spurious split (`kon|takt`, `tak|ster`), not a compound.
    if not split or len(split) < 2 or min(map(len, split)) < MIN_INDEX_PART:
        if word not in lexicon and (reading := _misread_as(word)) is not None:
            return (reading, *(part for part in compound_parts(reading) if part != reading))
        split = _unknown_head(word, lexicon)
        if split is None:
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


def _unknown_head(word: str, lexicon) -> tuple[str, ...] | None:  # noqa: ANN001 - a Lexicon
    """A word no lexicon knows that ends in a word or compound it knows (`sølundområdet`: `sølund` +
    `området`; `sølundplejecentret`: `sølund` + `pleje` + `centret`; a name the lexicon lacks before
    common words): the head and the tail's parts, the longest known tail leaving a head of
    MIN_INDEX_PART letters. So a query for the name, or for any part, finds the compound."""
    if word in lexicon:
        return None
    for start in range(MIN_INDEX_PART, len(word) - MIN_TAIL + 1):
        tail = word[start:]
        if tail in lexicon and lexicon.base_form(tail) in lexicon:
            tail_parts: tuple[str, ...] = (tail,)
        elif (parts := lexicon.split_compound(tail)) and min(map(len, parts)) >= MIN_INDEX_PART:
            tail_parts = parts
        else:
            continue
        head = word[:start]
        return (head[:-1] if head.endswith("s") and len(head) > MIN_INDEX_PART else head), *tail_parts
    return None


# A misread word is read through at most this many OCR confusions (`bgrnehaveomradet`: ø, å).
MAX_INDEX_CONFUSIONS = 2


@functools.lru_cache(maxsize=100_000)
def _misread_as(word: str) -> str | None:
    """The word a lower-case word no lexicon knows reads as once OCR confusions are undone (the
    repair's own channel: `bgrnehaveomradet` → `børnehaveområdet`), where that is a known word or a
    compound of parts of MIN_INDEX_PART letters or more: the fewest confusions, then the cheapest.

    Letter repair changes the text only on strong evidence and leaves such a word as read where it
    cannot settle it; indexing the reading too lets a query typed with the right letters, or for one
    of its parts, find it. A wrong reading costs only a term no query asks for."""
    from minutesindex.repair.danish import substitution_options  # noqa: PLC0415 - indexing only
    from minutesindex.repair.lexicon import LINKERS, MAX_COMPOUND_PARTS
    from minutesindex.repair.readings import compound_readings

    readings = compound_readings(
        word, word, substitution_options(word), MAX_INDEX_CONFUSIONS, load_lexicon().trie,
        MIN_INDEX_PART, MAX_COMPOUND_PARTS - 1, "".join(LINKERS),
    )  # fmt: skip
    found = [(subs, cost, len(parts), text) for text, subs, cost, parts in readings if subs > 0]
    return min(found)[3] if found else None


@functools.lru_cache(maxsize=10_000)
def query_parts(word: str) -> tuple[str, ...]:
    """The parts a compound typed in a query may also be found by, when an item writes them apart
    (`hjerneskadeområdet`: `hjerneskade`, `området`). Only parts of at least MIN_QUERY_PART letters
    that are not stop words: a short part would find far too much on its own."""
    if len(word) < MIN_COMPOUND_LEN or not word.isalpha():
        return ()
    split = load_lexicon().split_compound(word)
    stopwords = load_stopwords()
    if not split or any(len(part) < MIN_QUERY_PART or part in stopwords for part in split):
        return ()
    return split


@functools.lru_cache(maxsize=200_000)
def index_terms(word: str) -> tuple[str, ...]:
    """The stemmed terms a lower-cased word is indexed under: the word itself, then its compound parts.

    `samarbejdsaftalen` also gives the terms of `samarbejd` and `aftalen`, so a query for a part finds
    the compound, while the whole word still matches the compound more strongly. A query word is
    not split into terms; see query_parts for what a compound in a query also finds.
    """
    terms = [stem(word)]
    for part in compound_parts(word):
        term = stem(part)
        if term not in terms:
            terms.append(term)
    return tuple(terms)


# Changes whenever the terms a word gives change, so an index of older terms is rebuilt.
TERMS_VERSION = 5
FAST_POSTINGS_VERSION = 2  # the format of search/fastpost.py's file, which every segment holds


class _StopListTokenizer(Tokenizer):
    """A tokenizer with a stop list; equal to another of its kind with the same settings (schema checks)."""

    def __init__(self, stoplist: frozenset[str]) -> None:
        self.stoplist = stoplist
        self.terms_version = TERMS_VERSION

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(self) == vars(other)


class DanishTokenizer(_StopListTokenizer):
    """Words, lower-cased, stop words removed, compounds split (index only) and stemmed.

    A value made by `banded_text` is read section by section: a word in band b gets the weight
    `band_boosts[b]` and its position counts from `band_start(b)`.
    """

    def __init__(self, stoplist: frozenset[str], band_boosts: tuple[float, ...] = ()) -> None:
        super().__init__(stoplist)
        self.band_boosts = band_boosts

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
        split = mode != "query"
        stoplist = self.stoplist
        for band, pos, offset, text in _bands(value, start_pos):
            token.boost = 1.0 if band is None else self.band_boosts[band]
            for match in TOKEN_RE.finditer(text) if tokenize else [_WHOLE.fullmatch(text)]:
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
                    token.startchar = start_char + offset + match.start()
                    token.endchar = start_char + offset + match.end()
                pos += 1
                if stopped:
                    token.text = word
                    yield token
                    continue
                for term in index_terms(word) if split else (stem(word),):
                    token.text = term
                    yield token

    def term_positions(self, value: str) -> dict[str, tuple[list[int], float]]:
        """Index mode in one pass: each term's positions and summed weight (what a posting holds)."""
        positions: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        stoplist = self.stoplist
        for band, pos, _, text in _bands(value, 0):
            boost = 1.0 if band is None else self.band_boosts[band]
            for word in TOKEN_RE.findall(text):
                word = word.lower()
                if word in stoplist:
                    continue
                for term in index_terms(word):
                    positions.setdefault(term, []).append(pos)
                    weights[term] = weights.get(term, 0.0) + boost
                pos += 1
        return {term: (term_positions, weights[term]) for term, term_positions in positions.items()}


class BandedText(TEXT):
    """The banded text field: a document's postings in one pass of its tokenizer.

    Whoosh keeps each term's frequency and weight (its Frequency format); the positions, which
    phrases and section prefixes need, are kept in each segment's fast postings (search/fastpost.py),
    where searches read them as arrays. `postings` gives them to the project's segment writer.
    """

    def __init__(self, band_boosts: tuple[float, ...]) -> None:
        super().__init__(analyzer=danish_analyzer(band_boosts), phrase=False)
        # Kept with the index's schema: an index whose segments lack this version of the fast
        # postings (search/fastpost.py) is rebuilt by the next ingest or reindex.
        self.fast_postings = FAST_POSTINGS_VERSION

    def postings(self, value: str) -> list[tuple[bytes, int, float, bytes]]:
        """(term, frequency, weight, positions as uint32 bytes, see position_bytes) of each term."""
        field_boost = self.format.field_boost
        return [
            (term.encode("utf-8"), len(positions), weight * field_boost, position_bytes(tuple(positions)))
            for term, (positions, weight) in self.analyzer.term_positions(value).items()
        ]

    def index(self, value: str, **kwargs: object) -> list[tuple[bytes, int, float, bytes]]:
        """Whoosh's postings (for its own writer): frequency, weight and the frequency's bytes."""
        return [(term, freq, weight, pack_uint(freq)) for term, freq, weight, _ in self.postings(value)]


class FoldedText(TEXT):
    """The folded field (FoldedTokenizer), its `index` counting a document's folded words in one pass,
    with the postings Whoosh's Frequency format makes of them (frequency, weight, frequency bytes)."""

    def __init__(self, field_boost: float) -> None:
        super().__init__(analyzer=folded_analyzer(), phrase=False, field_boost=field_boost)

    def index(self, value: str, **kwargs: object) -> list[tuple[bytes, int, float, bytes]]:
        field_boost = self.format.field_boost
        stoplist = self.analyzer.stoplist
        counts = Counter(filter(None, map(_folded_index_term, TOKEN_RE.findall(value), repeat(stoplist))))
        return [(term.encode("utf-8"), freq, freq * field_boost, pack_uint(freq)) for term, freq in counts.items()]


@functools.lru_cache(maxsize=1 << 16)
def position_bytes(positions: tuple[int, ...]) -> bytes:
    """Positions as the fast postings store them, cached: most postings hold one position, and the
    same few hundred recur, so the segment writer's pool holds shared objects."""
    return array("I", positions).tobytes()


class FoldedTokenizer(_StopListTokenizer):
    """Folded words for queries typed without Danish letters (`Boernehus`, `Solund`).

    At index time only words that folding changes are kept: the main fields already match every
    other word, and this keeps the folded field small. In a query, a word typed with æ or ø is left
    to the main field, which finds it; `Århus` still finds `Aarhus`. The folded field's terms have
    no positions.
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
        query = mode == "query"
        stoplist = self.stoplist
        if not query and not positions and not chars:  # indexing: no positions, only the folded words
            for folded in filter(None, map(_folded_index_term, TOKEN_RE.findall(value), repeat(stoplist))):
                token.text = folded
                yield token
            return
        for number, match in enumerate(TOKEN_RE.finditer(value)):
            word = match.group().lower()
            if len(word) < 2 or word in stoplist:
                continue
            if _UNFOLDED_IN_QUERIES.search(word) if query else not _FOLDABLE.search(word):
                continue
            token.text = fold(word)
            if positions:
                token.pos = start_pos + number
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


@functools.lru_cache(maxsize=200_000)
def _folded_index_term(word: str, stoplist: frozenset[str]) -> str | None:
    """The folded term a word is indexed under, or None where folding leaves it alone."""
    word = word.lower()
    if len(word) < 2 or word in stoplist or not _FOLDABLE.search(word):
        return None
    return fold(word)


def danish_analyzer(band_boosts: tuple[float, ...] = ()) -> DanishTokenizer:
    return DanishTokenizer(load_stopwords(), band_boosts)


def folded_analyzer() -> FoldedTokenizer:
    return FoldedTokenizer(load_stopwords())
