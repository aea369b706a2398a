"""A Danish lexicon with word frequencies, shared by letter repair and search (compound splitting).

Built once from installed packages into a TSV under models/; never downloaded at run time:
wordfreq's Danish list for frequencies, Debian's wdanish word list and the Danish lemma table of
spacy-lookups-data (550,000 inflected forms, each with its base form) for coverage, spaCy's Danish
stop words.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import marshal
import mmap
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple, TypeVar

from minutesindex.config import models_dir
from minutesindex.repair.readings import (
    COMPILED,
    build_trie,
    compound_readings,
    load_trie,
    trie_bytes,
    trie_get,
    trie_has,
)

LEXICON_FILE = "lexicon_da.tsv"
NAMES_FILE = "names_da.tsv"
# What went into the built files; a models/ folder built from other sources is built again by setup.
SOURCES_VERSION = "wordfreq+wdanish+lemmas;names-dataset+faker-places"
SOURCES_FILE = "sources.txt"
STOPWORDS_FILE = "stopwords_da.txt"
# Word counts of committee minutes read right (scripts/count_minutes_words.py), shipped beside this module.
MINUTES_WORDS_FILE = Path(__file__).with_name("minutes_words_da.tsv")
SYSTEM_WORD_LISTS = (Path("/usr/share/dict/danish"),)
# Words that only the word list knows (no frequency) count as rare but real.
WORDLIST_ONLY_ZIPF = 1.5
MIN_WORDFREQ_ZIPF = 1.0
LINKERS = ("s", "e")
MIN_PART = 3
MAX_COMPOUND_PARTS = 4
# Endings stripped to find the base form of a word-list-only form, for its frequency estimate.
BASE_FORM_SUFFIXES = ("ene", "erne", "ne", "en", "et", "er", "e", "s", "es", "r", "t", "n", "de", "te", "ede", "nde")
INFLECTED_FORM_PENALTY = 1.0
# Endings a base form takes (plural, definite, verb forms): a word with one of them in the lexicon is
# a base form itself.
LEMMA_ENDINGS = ("er", "en", "et", "e", "r")
MIN_BASE_LEN = 4
# Shorter word-list-only forms keep the rare default: `mede` is not a form of `med`.
MIN_ESTIMATED_LEN = 7
COMPOUND_PART_PENALTY = 0.75
# Nouns made of a verb (`drøfte` → `drøftelse`, `føle` → `følelse`), as common as it; the word
# lists have many such nouns without a frequency.
VERB_NOUN_SUFFIXES = ("lse", "lsen", "lser", "lserne", "lsens", "lsernes")
# What a lexicon remembers of each word asked (its strength, base form, compound split): plain
# dicts of strings and numbers, which the garbage collector does not walk (an lru_cache keyed by
# (lexicon, word) made two tracked objects per word: with them the collector took a sixth of the
# repair bench), emptied when one reaches this many words (the lru_caches' largest size).
MEMO_LIMIT = 200_000
T = TypeVar("T")
INFLECTION_SUFFIXES = ("ede", "edes", "ende", "endes", "et", "ets", "ene", "enes", "erne", "ernes", "es")


def build_lexicon(target_dir: Path | None = None, word_lists: Iterable[Path] = SYSTEM_WORD_LISTS) -> Path:
    """Write models/lexicon_da.tsv (word, zipf) and models/stopwords_da.txt; return the lexicon path."""
    import wordfreq
    from spacy.lang.da.stop_words import STOP_WORDS

    target = Path(target_dir or models_dir())
    target.mkdir(parents=True, exist_ok=True)
    zipf: dict[str, float] = {}
    for word, freq in wordfreq.get_frequency_dict("da", wordlist="best").items():
        z = wordfreq.zipf_frequency(word, "da", wordlist="best") if freq else 0.0
        if z >= MIN_WORDFREQ_ZIPF and word.isalpha():
            zipf[word.lower()] = max(z, zipf.get(word.lower(), 0.0))
    # An inflected form wordfreq does not list (`mødets`, `udmøntes`) is about as common as its base
    # form, less INFLECTED_FORM_PENALTY; a form whose base form wordfreq lacks too is rare but real.
    estimated: dict[str, float] = {}
    for form, lemma in lemma_table().items():
        if form not in zipf:
            base = zipf.get(lemma, 0.0) - INFLECTED_FORM_PENALTY if lemma != form else 0.0
            estimated[form] = max(estimated.get(form, 0.0), base, WORDLIST_ONLY_ZIPF)
    zipf.update(estimated)
    for word_list in word_lists:
        if not word_list.exists():
            continue
        for line in word_list.read_text(encoding="utf-8", errors="replace").splitlines():
            word = line.strip().lower()
            if word.isalpha() and word not in zipf:
                zipf[word] = WORDLIST_ONLY_ZIPF
    _atomic_write(target / LEXICON_FILE, "".join(f"{w}\t{z:.2f}\n" for w, z in sorted(zipf.items())))
    _atomic_write(target / STOPWORDS_FILE, "".join(f"{w}\n" for w in sorted(STOP_WORDS)))
    build_names(target)
    _atomic_write(target / SOURCES_FILE, SOURCES_VERSION + "\n")
    return target / LEXICON_FILE


def built_from_current_sources(target_dir: Path | None = None) -> bool:
    """Whether models/ holds a lexicon and names built from the sources this version reads."""
    target = Path(target_dir or models_dir())
    try:
        return (target / SOURCES_FILE).read_text(encoding="utf-8").strip() == SOURCES_VERSION
    except OSError:
        return False


class Name(NamedTuple):
    text: str  # as written: `Walløe`
    first: bool  # a first name (else a family or place name)
    rank: int  # its rank among Danish names of its kind (1 the commonest); 0 where unranked


def build_names(target_dir: Path | None = None) -> Path:
    """Write models/names_da.tsv: the first and family names people in Denmark bear (names-dataset's
    Danish entries: Walløe, Gøtterup, Øzer …) and Danish towns and street names (Faker's Danish
    addresses: Glumsø, Gørlev, Brøndkær …), one word each, with kind and rank."""
    target = Path(target_dir or models_dir())
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    sources = (
        ("first", _dataset_names("first_names")),
        ("family", _dataset_names("last_names")),
        ("place", _place_names()),
    )
    for kind, names in sources:
        for text, rank in names.items():
            if text.isalpha() and len(text) >= MIN_PART and text[0].isupper() and text[1:].islower():
                rows.append(f"{text}\t{kind}\t{rank}\n")
    _atomic_write(target / NAMES_FILE, "".join(sorted(rows)))
    return target / NAMES_FILE


def _dataset_names(table: str) -> dict[str, int]:
    """names-dataset's names borne in Denmark, with their Danish rank (0 where it has none)."""
    import pickle
    from importlib.resources import files

    source = files("names_dataset") / "v3" / f"{table}.pkl.gz"
    with source.open("rb") as raw, gzip.open(raw, "rb") as fh:
        entries = pickle.load(fh)  # noqa: S301 - the installed package's own data
    return {
        name: entry.get("rank", {}).get("DK") or 0
        for name, entry in entries.items()
        if "DK" in entry.get("country", {})
    }


def _place_names() -> dict[str, int]:
    """Danish towns and the names streets are named after, from Faker's Danish address data."""
    from faker.providers.address.da_DK import Provider

    return dict.fromkeys((*Provider.cities, *Provider.street_names), 0)


def load_names() -> tuple[Name, ...]:
    """The Danish names of models/names_da.tsv, built first if this machine has not done so yet.
    Read again each time (from its fast-loading copy): what repair keeps of them is counted from
    them once, and 38,000 objects kept for good would make every full garbage collection walk them."""
    path = models_dir() / NAMES_FILE
    if not path.exists():
        build_names(path.parent)

    def parse() -> list[tuple[str, bool, int]]:
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            text, kind, rank = line.split("\t")
            rows.append((text, kind == "first", int(rank)))
        return rows

    return tuple(Name(*row) for row in load_cached(path, "names_da", parse))


def lemma_table() -> dict[str, str]:
    """Lower-case Danish word forms and their base forms, from spacy-lookups-data (letters only)."""
    from importlib.resources import files

    source = files("spacy_lookups_data") / "data" / "da_lemma_lookup.json.gz"
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    return {
        form.lower(): lemma.lower()
        for form, lemma in table.items()
        if form.isalpha() and lemma.isalpha() and not form.isupper()
    }


def _atomic_write_bytes(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    os.replace(tmp, path)


def _atomic_write(path: Path, content: str) -> None:
    _atomic_write_bytes(path, content.encode("utf-8"))


def _remember(memo: dict[str, T], word: str, compute: Callable[[str], T]) -> T:
    """The memo's answer for the word, computed the first time it is asked (the memo emptied first
    when it holds MEMO_LIMIT words)."""
    if word in memo:
        return memo[word]
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    answer = memo[word] = compute(word)
    return answer


class Lexicon:
    """Lower-case Danish word forms with zipf frequencies, a letter trie and compound splitting.

    Made from a dict of the words, or (`mapped`) from the compiled trie file that holds every word
    with its frequency, read in place: then the dict is loaded only for what walks every word.
    """

    def __init__(self, zipf: dict[str, float], path: Path | None = None) -> None:
        self.__dict__["zipf"] = zipf
        self.path = path  # the file it was loaded from, beside which what is counted from it is kept
        self._get: Callable[[str], float | None] = zipf.get
        self._has: Callable[[str], bool] = zipf.__contains__
        self._empty_memos()

    def _empty_memos(self) -> None:
        self._strengths: dict[str, float] = {}
        self._base_forms: dict[str, str] = {}
        self._splits_of: dict[str, tuple[str, ...] | None] = {}

    @classmethod
    def mapped(cls, trie: object, path: Path, load_zipf: Callable[[], dict[str, float]]) -> Lexicon:
        lexicon = cls.__new__(cls)
        lexicon.path = path
        lexicon.__dict__["trie"] = trie
        lexicon._load_zipf = load_zipf
        lexicon._get = functools.partial(trie_get, trie)
        lexicon._has = functools.partial(trie_has, trie)
        lexicon._empty_memos()
        return lexicon

    @functools.cached_property
    def zipf(self) -> dict[str, float]:
        """Every word form with its frequency (loaded from the file only where something walks them all)."""
        return self._load_zipf()

    @functools.cached_property
    def trie(self) -> object:
        """The letter trie of the word forms and their frequencies, for the compiled candidate search
        (repair/_readings.c)."""
        words = sorted(self.zipf)
        return build_trie(words, [self.zipf[w] for w in words]) if COMPILED else build_trie(words)

    def __contains__(self, word: str) -> bool:
        return self._has(word)

    def knows(self, word: str) -> bool:
        """A lower-case word form the lexicon has, an inflection of one, or a compound of known parts."""
        return word in self or self.inflection_of_known(word) or self.split_compound(word) is not None

    def inflection_of_known(self, word: str) -> bool:
        """`supplerede`, `pointerede`: regular inflections the word lists leave out."""
        for suffix in INFLECTION_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_PART:
                stem = word[: -len(suffix)]
                if stem in self or stem + "e" in self or stem + "er" in self:
                    return True
        return False

    def base_form(self, word: str) -> str:
        """The shortest known word of at least MIN_BASE_LEN letters that `word` inflects
        (`møderne` → `møde`, `målet` → `måle`), or the word itself. A word the lexicon inflects in
        turn is a base form itself (`takst`, with `takster` and `taksten`, is no form of `taks`;
        `skole`, with `skoler`, no form of `skol`)."""
        return _remember(self._base_forms, word, self._base_form)

    def _base_form(self, word: str) -> str:
        if word in self and any(word + ending in self for ending in LEMMA_ENDINGS):
            return word
        bases = [word]
        for suffix in BASE_FORM_SUFFIXES:
            if word.endswith(suffix):
                stem = word[: -len(suffix)]
                bases += [b for b in (stem, stem + "e") if len(b) >= MIN_BASE_LEN and b in self]
        return min(bases, key=len)

    def frequency(self, word: str) -> float:
        return self._get(word) or 0.0

    def is_estimated(self, word: str) -> bool:
        """Whether only the word list knows the word, so its strength is an estimate."""
        return self._get(word) == WORDLIST_ONLY_ZIPF

    def strength(self, word: str) -> float:
        """How common a known word is: its zipf frequency, or for a form only the word list knows
        (`forløbene`, `specialundervisning`), an estimate from the word it inflects or its parts."""
        return _remember(self._strengths, word, self._strength)

    def _strength(self, word: str) -> float:
        zipf = self.frequency(word)
        if zipf != WORDLIST_ONLY_ZIPF or len(word) < MIN_ESTIMATED_LEN:
            return zipf
        estimates = [zipf]
        for suffix in BASE_FORM_SUFFIXES:
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and len(stem) > MIN_PART:  # not `med|erne`
                estimates += [self.frequency(base) - INFLECTED_FORM_PENALTY for base in (stem, stem + "e")]
        for suffix in VERB_NOUN_SUFFIXES:
            verb = word[: -len(suffix)]
            if word.endswith(suffix) and verb.endswith("e") and len(verb) > MIN_PART:
                estimates.append(self.frequency(verb) - INFLECTED_FORM_PENALTY)
        parts = self.split_compound(word)
        if parts:
            estimates.append(min(self.frequency(p) for p in parts) - COMPOUND_PART_PENALTY * (len(parts) - 1))
        return max(estimates)

    def split_compound(self, word: str) -> tuple[str, ...] | None:
        """Split a lower-case compound into known parts, joined directly or by a linking s/e.

        Prefers fewer parts, then the split whose rarest part is most frequent (then the shorter
        first part). Returns None when the word cannot be split.
        """
        return _remember(self._splits_of, word, self._split_compound)

    def _split_compound(self, word: str) -> tuple[str, ...] | None:
        best: tuple[int, float, tuple[str, ...]] | None = None
        for parts in self._splits(word):
            key = (-len(parts), min(self.frequency(p) for p in parts), parts)
            if best is None or key[:2] > best[:2]:
                best = key
        return best[2] if best else None

    def _splits(self, word: str) -> list[tuple[str, ...]]:
        """Every split of the word into two to MAX_COMPOUND_PARTS known parts, shorter first parts first."""
        readings = compound_readings(
            word, word, [()] * len(word), 0, self.trie, MIN_PART, MAX_COMPOUND_PARTS - 1, "".join(LINKERS)
        )
        return [parts for _, _, _, parts in readings if len(parts) > 1]


def load_cached(source: Path, name: str, build: Callable[[], object]) -> object:
    """`build()`, kept as a marshal file `name` beside `source` and read back from there while it is
    newer than `source` (and written by this Python version)."""
    cache = source.with_name(f"{name}.py{sys.version_info.major}{sys.version_info.minor}.marshal")
    try:
        if cache.stat().st_mtime >= source.stat().st_mtime:
            return marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = build()
    with contextlib.suppress(OSError):
        _atomic_write_bytes(cache, marshal.dumps(value))
    return value


@functools.cache
def load_lexicon() -> Lexicon:
    """Load the built lexicon, building it first if this machine has not done so yet.

    Parsing the TSV takes half a second and loading a marshal copy of it 0.28 s, which every ingest,
    `repair` and `search` would pay; the compiled trie file is mapped instead (a read command's
    lookups touch a few pages of it), and the dict is loaded only by what walks every word.
    """
    path = models_dir() / LEXICON_FILE
    if not path.exists():
        build_lexicon(path.parent)

    def parse() -> dict[str, float]:
        zipf: dict[str, float] = {}
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                word, _, z = line.rstrip("\n").partition("\t")
                zipf[word] = float(z)
        return zipf

    def words() -> dict[str, float]:
        return load_cached(path, path.stem, parse)  # type: ignore[return-value]

    if not COMPILED:
        return Lexicon(words(), path)
    return Lexicon.mapped(_mapped_trie(path, words), path, words)


def _mapped_trie(source: Path, words: Callable[[], dict[str, float]]) -> object:
    """The compiled trie of the lexicon at `source` (words with their frequencies), mapped from the
    file beside it: written once per machine and Python, read in place by every process after."""
    cache = source.with_name(f"{source.stem}.py{sys.version_info.major}{sys.version_info.minor}.trie")
    with contextlib.suppress(OSError, ValueError):
        if cache.stat().st_mtime >= source.stat().st_mtime:
            with cache.open("rb") as fh:
                return load_trie(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    trie = Lexicon(words(), source).trie
    with contextlib.suppress(OSError):
        _atomic_write_bytes(cache, trie_bytes(trie))
    return trie


@functools.cache
def load_stopwords() -> frozenset[str]:
    path = models_dir() / STOPWORDS_FILE
    if not path.exists():
        build_lexicon(path.parent)
    return frozenset(path.read_text(encoding="utf-8").split())


@functools.cache
@functools.cache
def load_minutes_words() -> dict[str, int]:
    """How often each lower-case word form occurs in the counted minutes (the domain's frequencies)."""
    counts: dict[str, int] = {}
    for line in MINUTES_WORDS_FILE.read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition("\t")
        counts[word] = int(count)
    return counts


@functools.cache
def load_proper_nouns() -> frozenset[str]:
    """Lower-case forms of the names the word lists write only with a capital (`Ørum`, `Øresund`):
    a word read at the start of a token as `@` keeps its capital Ø inside a sentence when it is one."""

    def collect() -> frozenset[str]:
        capitalised: set[str] = set()
        lower: set[str] = set()
        for word_list in SYSTEM_WORD_LISTS:
            if word_list.exists():
                for line in word_list.read_text(encoding="utf-8", errors="replace").splitlines():
                    word = line.strip()
                    if word.isalpha():
                        (capitalised if word[0].isupper() else lower).add(word.lower())
        return frozenset(capitalised - lower)

    lexicon = models_dir() / LEXICON_FILE
    return load_cached(lexicon, "propernouns_da", collect) if lexicon.exists() else collect()
