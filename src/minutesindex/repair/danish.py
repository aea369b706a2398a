"""Restore æ, ø and å in text that Tesseract read with the wrong (English) language model.

A page is repaired only when it shows the mangling: no Danish letters at all, yet words that
become Danish words once the known confusions are undone. Each token's readings are candidates,
each made by a generator that names itself (as read, the counted confusions undone, a word the home
reads right, a misread name, a first letter, a glued head, a respelling; in the text: a word it
reads elsewhere, an abbreviation of a body it names, a lost letter, lower case). Each candidate's
evidence is a record of features (repair/decision.py), what the text tells is computed once per
document, and one weighted score, fitted on the bench (scripts/fit_repair.py), chooses: the token as
read is simply the candidate that changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from minutesindex.repair import channel
from minutesindex.repair.charmodel import CharModel, load_char_model
from minutesindex.repair.decision import Scored, load_weights, score
from minutesindex.repair.lexicon import (
    LINKERS,
    MAX_COMPOUND_PARTS,
    MIN_PART,
    NAMES_FILE,
    Lexicon,
    load_cached,
    load_minutes_words,
    load_names,
    load_proper_nouns,
    load_stopwords,
)
from minutesindex.repair.readings import compound_readings, fewest_compound_readings, reading_signs
from minutesindex.repair.readings import substitution_options as _substitution_options

# What the English model prints for Danish letters, with a cost (-log10 of how often it prints that
# sign for the letter): counted into one table (repair/channel.py), so `gar` reads `går` (a is how å
# is printed) rather than `gør`.
SUBSTITUTIONS: dict[str, tuple[tuple[str, float], ...]] = channel.substitutions()
# A substitution as the search applies it: (letters of the token it reads, what it writes, the
# same in lower case, cost).
Option = tuple[int, str, str, float]
DANISH_LETTERS = set("æøåÆØÅ")
_HAS_DANISH_LETTER = re.compile("[æøåÆØÅ]").search
VOWELS = frozenset("aeiouyæøå")
# `4r`, `4rs`: å read as a 4 at the start of a word; `/E`: a capital Æ whose first stroke is read as a
# slash (`BEM/ERK`, `/Eldreradet`).
# The lookahead names every sign a token may start with, so that elsewhere the search fails at once.
TOKEN = re.compile(
    r"(?=[^\W\d_]|[@|£¢&/4])(?:[@|£¢]?[^\W\d_][\w@&|£¢§]*(?:/E[\w@&|£¢§]*)*|[@|£&¢][\w@&|£¢§]+|\b4[a-zæøå]+\b"
    r"|(?<![\w/])/E[\w@&|£¢§]+(?:/E[\w@&|£¢§]*)*)"
)
# The preposition `I` opening a sentence, printed as a bar: `| forhold til`.
BAR_FOR_I = re.compile(r"(?:^|(?<=[.!?:] ))\|(?= [a-zæøå])")
# A party letter in brackets after a member's name, `(Ø)`, printed as `(@)`: no party has that sign.
PARTY_LETTER_AT = re.compile(r"(?<=\()@(?=\))")
# A capital I read as l: no Danish word starts with l and a consonant (`lfolge`: `Ifølge`, `lkast`).
# Shorter tokens are more often abbreviations (`lb. nr.`, `lt`) than `Ib` or `It`.
_CAPITAL_I_AS_L = re.compile(r"l[bcdfghjklmnpqrstvwxz]\w{2}")
# A known word in lower case glued to a capitalised one (`dagsordenAbn`); a capital A inside a word
# after fewer letters is å (`omrAder`).
GLUED_CAPITAL = re.compile(r"([A-ZÆØÅ]?[a-zæøå]{4,})([A-ZÆØÅ][a-zæøå]{2,})")
# An abbreviation in capitals with an ending in lower case (`KLs`, `DRs`, `PDFer`).
INFLECTED_ABBREVIATION = re.compile(r"([A-ZÆØÅ]{2,})([a-zæøå]{1,3})")
INNER_CAPITAL = re.compile(r"[a-zæøå]{4}[A-ZÆØÅ][a-zæøå]")
URL = re.compile(r"(?:https?://|www\.)\S+|(?<!\S)\S+@\S+\.\w+")  # an address from the start of its run
# A compound reading's evidence: its rarest part's frequency less this per further part (in zipf, as
# the lexicon counts), so a word reads as few parts as it can (`rådhus`, not `råd|hus`).
COMPOUND_PENALTY = 0.75
# Letter sequences Danish spelling hardly has, so a word holding one was surely misread
# (`udviklingshaemning`): a feature of the token (decision.py).
MARKED = re.compile(r"ae|ee|ze|z|@|¢|§|&|\|", re.I)
SENTENCE_ENDS = ".!?:•-–*#|>)"
# The name of a committee or council, written with a capital (`Økonomiudvalget`, `Ældrerådet`).
_NAMED_BODY = re.compile(
    r"(?:udvalg|udvalget|udvalgets|rådet|rådets|bestyrelsen|bestyrelsens|nævnet|nævnets|forvaltningen|forvaltningens)$"
)
# A compound led by a body's name keeps its capital as the name does (`Økonomiudvalgsmødet`).
_NAMED_BODY_HEAD = re.compile(r"(?:udvalgs|råds|nævns|bestyrelses)(?=[a-zæøå]{3})")
# The shortest head and tail of a compound whose head the OCR misread (`tveer|sektorielle`), and a
# two-letter head glued to a word (`pa|regionens`, `bo|stotte`).
MIN_HEAD = 4
MIN_TAIL = 5
SHORT_HEAD = 2
# The signs the English model prints for each Danish letter with their shares (repair/channel.py), and
# the least likely spelling of a word kept (`Læssøe` printed `Leessge`: 0.40 × 0.52): for a word with
# æ and ø, the spellings under 1 % hold 13 % of the channel's mass.
MANGLINGS = channel.manglings()
SPELLING_FLOOR = 0.01
# A word must have been read right this often before its misreadings are repaired to it.
LEARN_MIN_COUNT = 2
# How many words' worth of the counted channel a page's own channel starts from (page_channel_cost):
# 2, 4 and 8 gave councils fitted without their own page 0.962, 0.964, 0.964.
PAGE_CHANNEL_PRIOR = 4.0
# An occurrence on another page of the document counts this much of one on the token's own page.
OTHER_PAGES_SHARE = 0.5
# Shorter readings count only exact occurrences (`år` is inside too many words).
MIN_FAMILY_LEN = 4
# Page detection: a page is repaired when more of its distinct words are explained by the confusions
# than carry Danish letters, and at least this share of them; with this share of words carrying
# Danish letters, a sample of this many words decides.
MANGLED_EVIDENCE_SHARE = 0.03
CLEARLY_DANISH_SHARE = 0.05
DETECTION_SAMPLE = 60
MIN_RESPELL_LEN = 4
# No Danish word is longer (the lexicon's longest has 35 letters).
MAX_TOKEN_LEN = 50
# All-capital tokens this short are abbreviations (`KL`, `DAS`) and read as printed (`PA` aside).
MAX_ABBREVIATION = 3
# What a sign the channel table never counted for a letter costs (a rarer sign than any it counts).
UNCOUNTED_COST = 3.0
# A token whose best reading leads the next by more (log odds, on what the token alone tells) is read
# so without weighing its text: on the bench's dev and councils pages the text overturned a lead of
# at most 0.6 (2.1 where it added a reading of its own, which is always weighed); 3 skips 83 % of
# the tokens weighed.
TEXT_MARGIN = 3.0
# The generators whose readings token_features marks by source; the text's own (abbreviations, words
# it reads elsewhere, lost letters, lower case) are marked where the text is weighed.
TOKEN_SOURCES = frozenset(
    {"as_read", "channel", "learned", "misread_name", "first_letter", "short_head", "glued_head", "respelled"}
)


class Candidate(NamedTuple):  # a tuple: a search makes thousands, and a dataclass is slower to build
    text: str
    substitutions: int
    cost: float  # -log10 P(signs | letters) of the confusions undone
    parts: tuple[str, ...]  # more than one for a compound
    score: float  # the lexicon's evidence: a word's frequency, a compound's rarest part less a penalty per part
    source: str = "channel"  # the generator that made it


class Decision(NamedTuple):
    text: str | None  # None: leave the token as it is
    candidates: tuple[Candidate, ...] = ()  # every reading (as read first) where there is more than one
    shares: tuple[float, ...] = ()  # each candidate's probability on what the token alone tells (softmax)

    @property
    def margin(self) -> float:
        """How far the best reading leads the next on what the token alone tells (log odds)."""
        if len(self.shares) < 2:
            return math.inf
        first, second = sorted(self.shares, reverse=True)[:2]
        return math.log(first / second) if second > 0 else math.inf


KEEP = Decision(None)


class LetterRepairer:
    """Reads each token as the best of its candidates (see repair/decision.py), with a per-token cache
    (word frequencies are Zipfian, so the cache hits)."""

    def __init__(
        self,
        lexicon: Lexicon,
        char_model: CharModel | None = None,
        weights: Mapping[str, float] | None = None,
        minutes_words: Mapping[str, int] | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.weights = weights if weights is not None else load_weights()
        # The domain's word counts; the fitting script gives each page counts without its own document.
        self.minutes_words = minutes_words if minutes_words is not None else load_minutes_words()
        self._char_model = char_model
        self._confusable: frozenset[str] | None = None
        self._cache: dict[str, Decision] = {}
        self._channel_cache: dict[str, str | None] = {}
        self._features: dict[tuple[str, str], dict[str, float]] = {}
        self._printed_facts: dict[str, tuple[bool, dict[str, float]]] = {}  # per token (_token_facts)
        self._known: dict[str, bool] = {}  # is_word, per lower-case token
        self._learned: dict[str, str] = {}  # a mangled spelling -> the word read right elsewhere
        self._misread_names: dict[str, str] | None = None
        self._archive_counts: Counter[str] = Counter()  # words read right in this home's documents

    def learn(self, vocabulary: Mapping[str, int], min_count: int = LEARN_MIN_COUNT) -> None:
        """Learn words with Danish letters that correctly read text has and the lexicon lacks (names:
        `Sølund`, `Krøjer`), so their mangled spellings (`Sglund`, `Krgjer`) are read back."""
        for word, count in vocabulary.items():
            self._archive_counts[word.lower()] += count
            if count < min_count or word.lower() in self.lexicon or not DANISH_LETTERS.intersection(word):
                continue
            for mangled in mangled_spellings(word):
                if mangled.lower() not in self.lexicon:
                    self._learned.setdefault(mangled, word)
        self._cache.clear()
        self._channel_cache.clear()
        self._features.clear()
        self._printed_facts.clear()

    @property
    def misread_names(self) -> dict[str, str]:
        if self._misread_names is None:
            self._misread_names = misread_names(self.lexicon)
        return self._misread_names

    @property
    def char_model(self) -> CharModel:
        if self._char_model is None:
            self._char_model = load_char_model()
        return self._char_model

    def is_name(self, word: str) -> bool:
        """Whether a word is written as a Danish first or family name (`Walløe`, `Øzer`)."""
        return word in _name_ranks()

    @property
    def confusable(self) -> frozenset[str]:
        if self._confusable is None:
            self._confusable = confusable_words(self.lexicon)
        return self._confusable

    def is_word(self, lower: str) -> bool:
        known = self._known.get(lower)
        if known is None:
            known = self._known[lower] = self.lexicon.knows(lower)
        return known

    # -- detection ---------------------------------------------------------------------------
    def looks_mangled(self, text: str) -> bool:
        """True when many words are explained by the confusions, more than carry Danish letters.

        Correctly read Danish has Danish letters in a tenth of its words or more and almost no words
        the confusions explain; a mangled page has none or few (a heading read right) and many.
        Where Danish letters are plentiful, a sample of the words settles it.
        """
        tokens = [t for t in _token_texts(text) if len(t) > 1]
        if not tokens:
            return False
        distinct = list(dict.fromkeys(tokens))
        danish_share = sum(1 for t in tokens if _HAS_DANISH_LETTER(t)) / len(tokens)
        if danish_share >= CLEARLY_DANISH_SHARE:
            sample = distinct[:: max(1, len(distinct) // DETECTION_SAMPLE)]
            # The channel's readings alone (no generators) settle a sample: the page's words are read right.
            if sum(1 for t in sample if self._channel_reading(t) is not None) <= danish_share * len(sample) / 2:
                return False
        evidence = sum(1 for t in distinct if self.decide(t).text is not None)
        if evidence < max(2, MANGLED_EVIDENCE_SHARE * len(distinct)):
            return False
        return danish_share < evidence / len(distinct)

    # -- the token alone ---------------------------------------------------------------------
    def repair_token(self, token: str) -> str | None:
        """The repaired form of a token from mangled text, or None to leave it as it is."""
        return self.decide(token).text

    def decide(self, token: str) -> Decision:
        """The token's best reading on what the token alone tells, and every reading the text may
        still weigh (see repair_lines)."""
        decision = self._cache.get(token)
        if decision is None and self._only_as_printed(token):
            decision = self._cache[token] = KEEP  # no candidate is built
        if decision is None:
            readings = self.readings(token)
            if len(readings) == 1:
                decision = KEEP
            else:
                scores = [score(self.token_features(token, c), self.weights) for c in readings]
                top = max(scores)
                best = readings[scores.index(top)]
                exps = [math.exp(s - top) for s in scores]
                total = sum(exps)
                shares = tuple(e / total for e in exps)
                decision = Decision(best.text if best.text != token else None, readings, shares)
            self._cache[token] = decision
        return decision

    def _only_as_printed(self, token: str) -> bool:
        """Whether the token's only reading is as printed: not searched at all, or a word no confusion
        turns into another that the text has not taught a reading of."""
        return not _searched(token) or (self._unconfusable(token, token.lower()) and token not in self._learned)

    def _unconfusable(self, token: str, lower: str) -> bool:
        """A word of the lexicon that no confusion turns into another (most words of a page)."""
        return lower in self.lexicon and lower not in self.confusable and len(lower) == len(token)

    def _channel_reading(self, token: str) -> str | None:
        """The best changed reading of a token among the channel's readings and the words learned, no
        generator: how a generator reads a token's head or tail (so generators do not recurse), and
        how the page check samples a page."""
        if token not in self._channel_cache:
            best = None
            if not self._only_as_printed(token):
                readings = self.readings(token, generators=False)
                best = max(readings, key=lambda c: score(self.token_features(token, c), self.weights)).text
            self._channel_cache[token] = best if best != token else None
        return self._channel_cache[token]

    def readings(self, token: str, generators: bool = True) -> tuple[Candidate, ...]:
        """Every candidate reading of the token, the token as read first, each text once (the first
        generator to make it names its source); without `generators`, only the channel's readings
        and the words learned."""
        lower = token.lower()
        found: dict[str, Candidate] = {}
        channel = []
        searched = _searched(token)
        known_whole = lower in self.lexicon
        if searched and not self._unconfusable(token, lower):
            channel = self.candidates(token, compounds=not known_whole)
        as_read = next((c for c in channel if c.substitutions == 0), None)
        if channel and not known_whole:
            # The compound search reads the token as printed exactly where the lexicon splits it:
            # what is left to know of it is whether it inflects a word.
            if lower not in self._known:
                self._known[lower] = as_read is not None or self.lexicon.inflection_of_known(lower)
            if as_read is None:
                as_read = self._reading(token, token, "as_read", (lower,))  # no word, no compound
        if as_read is None or known_whole:
            as_read = self._reading(token, token, "as_read")
        found[token] = Candidate(*as_read[:-1], source="as_read")  # a namedtuple's _replace is slow
        if not searched:
            return (found[token],)

        def add(text: str | None, source: str) -> None:
            if text is not None and text not in found:
                found[text] = self._reading(token, text, source)

        add(self._learned.get(token), "learned")
        for candidate in channel:
            if candidate.substitutions and candidate.text not in found:
                found[candidate.text] = candidate
        if generators and not known_whole:
            if token[0] in FIRST_SIGNS:
                add(self._first_letter_reading(token), "first_letter")
            add(self.misread_names.get(token), "misread_name")
            # The generators that guess at a token's shape (a short head, a glued word, a respelling)
            # run where the channel reads no word of one or two parts: where it does, they lost
            # more tokens of the bench than they won (refitted, dev 0.9861 → 0.9873, councils
            # 0.9856 either way, councils left out 0.9712 → 0.9688: one knife-edge word), and they
            # cost a fifth of the repair.
            if not self.is_word(lower) and not any(c.substitutions and len(c.parts) <= 2 for c in channel):
                add(self._short_head_reading(token), "short_head")
                add(self._glued_head_reading(token), "glued_head")
                add(self._respelling(token), "respelled")
        return tuple(found.values())

    def _reading(self, token: str, text: str, source: str, parts: tuple[str, ...] | None = None) -> Candidate:
        """A reading a generator other than the channel search made, with the lexicon's evidence and
        the confusions it undoes (its `parts`, where the caller knows them)."""
        lower = text.lower()
        if parts is None and (" " in lower or lower in self.lexicon):
            parts = (lower,)
        elif parts is None:
            parts = self.lexicon.split_compound(lower) or (lower,)
        if len(parts) == 1:
            evidence = min(self.lexicon.strength(word) for word in lower.split())
        else:
            evidence = min(map(self.lexicon.strength, parts)) - COMPOUND_PENALTY * (len(parts) - 1)
        signs = _letter_signs(token, text) or ()
        cost = sum(_CONFUSION_COST.get((sign, letter), UNCOUNTED_COST) for letter, sign in signs)
        return Candidate(text, len(signs), round(cost, 2), parts, evidence, source)

    def token_features(self, token: str, candidate: Candidate) -> dict[str, float]:
        """What the token alone tells of one of its readings (see decision.TOKEN_FEATURES)."""
        key = (token, candidate.text)
        features = self._features.get(key)
        if features is not None:
            return features
        lex = self.lexicon
        text, lower = candidate.text, candidate.text.lower()
        abbreviation, as_printed = self._token_facts(token)
        features = {}
        if abbreviation:
            # Three capitals or fewer: an abbreviation, or a function word in a heading (`OG`, `PÅ`).
            # Which words the lexicon lists at that length says little (`ou` is listed).
            if lower in load_stopwords():
                features["caps_function_word"] = 1.0
        elif lower in lex if " " not in lower else all(word in lex for word in lower.split()):
            words = lower.split()
            features["known_word"] = 1.0
            features["word_zipf"] = min(map(lex.strength, words))
            features["estimated"] = float(any(map(lex.is_estimated, words)))
        elif len(candidate.parts) > 1:
            features["compound"] = 1.0
            if any("aa" in part for part in candidate.parts):
                features["old_spelling_part"] = 1.0  # `nær|gaard`: a part in the old spelling is a name's
            features["compound_parts"] = len(candidate.parts) - 1.0
            features["compound_zipf"] = min(map(lex.strength, candidate.parts))
        else:
            features["unknown"] = 1.0
        name = self.is_name(text) or lower in load_proper_nouns()
        if name:
            features["name"] = 1.0
        # The domain's own frequency: of the word, or of a compound's last part (its head: `…møde`).
        minutes = self.minutes_words
        head = self.head(candidate)
        features["minutes_words"] = math.log2(1 + minutes.get(lower, 0) + (minutes.get(head, 0) if head else 0))
        if not abbreviation:
            # How Danish its letters look says nothing of an abbreviation's (`OU`, `ØU`).
            features["letter_fit"] = self._letter_fit(lower)
        if text != token:
            features.update(as_printed)
            features["substitutions"] = float(candidate.substitutions)
            cost = _channel_cost(token, text)
            features["channel_cost"] = candidate.cost if cost is None else cost
            features["capital_changed"] = float(token[0].isupper() and text[0] != token[0])
            if token[0].isupper() and ("known_word" in features or "compound" in features):
                features["capitalised_word"] = 1.0  # `Fallesvarme`: a capitalised compound, not a name
            if "name_token" in as_printed and not name:
                features["name_lost"] = 1.0  # a name as printed read as no name (`Neergaard`: `Nærgaard`)
            inflected = INFLECTED_ABBREVIATION.fullmatch(token)
            if inflected and text[: inflected.end(1)] == token[: inflected.end(1)]:
                features["abbreviation_ending"] = 1.0  # `KLs` read `KLø`: the change falls on its ending
            features[f"source_{candidate.source}"] = 1.0
        self._features[key] = features
        return features

    def _token_facts(self, token: str) -> tuple[bool, dict[str, float]]:
        """What the token as printed tells, the same for each of its readings: whether it is read as an
        abbreviation (three capitals or fewer), and the features of every reading that changes it."""
        facts = self._printed_facts.get(token)
        if facts is None:
            lex = self.lexicon
            as_read = token.lower()
            changed = {"changed": 1.0, "marked_token": float(bool(MARKED.search(token)))}
            if as_read in lex:
                changed["known_token"] = 1.0
                changed["known_token_zipf"] = lex.strength(as_read)
            elif self.is_word(as_read):
                changed["compound_token"] = 1.0
            if self.is_name(token) or as_read in load_proper_nouns():
                changed["name_token"] = 1.0  # `Gjesing`, `Sander`: a name as printed
            changed["capitalised"] = float(token[0].isupper())
            changed["all_caps"] = float(_all_caps(token))
            changed["short"] = float(len(token) <= MAX_ABBREVIATION)
            facts = self._printed_facts[token] = (_all_caps(token) and len(token) <= MAX_ABBREVIATION, changed)
        return facts

    def head(self, candidate: Candidate) -> str | None:
        """A compound reading's head: its last part, or that part's own last part where it is the
        commoner word (`møde` of `økonomi|udvalgsmøde`, however the reading was split); None for a
        reading in one part."""
        if len(candidate.parts) < 2:
            return None
        last = candidate.parts[-1]
        if last in self.minutes_words:
            return last  # a word minutes use is its own head (`drøftelse`, not `drøft|else`)
        inner = (self.lexicon.split_compound(last) or (last,))[-1]
        # The last part's own head where that is a word more common than the part (`møde` of
        # `udvalgsmøde`), not an ending the lexicon happens to list (`ets` of `hus|ets`, `ning`).
        strength = self.lexicon.strength
        if len(inner) >= MIN_FAMILY_LEN and inner in self.lexicon and strength(inner) > strength(last):
            return inner
        return last

    def _letter_fit(self, lower: str) -> float:
        letters = lower.replace(" ", "")
        return self.char_model.log_prob(letters) / max(1, len(letters))

    def candidates(self, token: str, compounds: bool = True) -> list[Candidate]:
        """The readings of the token that the confusions allow and the lexicon accepts (as one word,
        or with compounds, as known parts): the token itself, and the changed readings in the fewest
        parts. A known word (searched without compounds) is read with at most one change: a rival
        reading further off is no evidence."""
        max_subs = min(3, max(2, len(token) // 3))
        lex = self.lexicon
        lowered = token.lower()
        options = substitution_options(token)
        if _CAPITAL_I_AS_L.match(token):
            options[0] += ((1, "I", "i", _CONFUSION_COST.get(("l", "i"), UNCOUNTED_COST)),)
        if not compounds:
            # The token itself if a word, and every word one substitution makes of it, later changes first.
            words: dict[str, Candidate] = {}
            for text, subs, cost, parts in compound_readings(token, lowered, options, 1, lex.trie, MIN_PART, 0, ""):
                words.setdefault(text, Candidate(text, subs, round(cost, 2), parts, lex.strength(parts[0])))
            return list(words.values())
        # Only some readings can matter, and only they are scored (see readings.py_fewest_readings);
        # a word read as two parts as well may lend it their score (_merge_readings).
        readings = fewest_compound_readings(
            token, lowered, options, max_subs, lex.trie, MIN_PART, MAX_COMPOUND_PARTS - 1, "".join(LINKERS)
        )
        found: dict[str, Candidate] = {}
        strength = lex.strength
        new_candidate = tuple.__new__  # faster than Candidate(...), as in _tokens
        for text, subs, cost, parts in readings:
            count = len(parts)
            score = strength(parts[0]) if count == 1 else min(map(strength, parts)) - COMPOUND_PENALTY * (count - 1)
            old = found.get(text)
            new = new_candidate(Candidate, (text, subs, round(cost, 2), parts, score, "channel"))
            found[text] = new if old is None else _merge_readings(old, new)
        return list(found.values())

    def _first_letter_reading(self, token: str) -> str | None:
        """A capital Ø, Æ or Å read as another capital, or as two signs (`Mkonomiforvaltningen`,
        `Skonomiudvalget`, `MOkonomiudvalget`, `@Mkonomiske`): the commonest word the rest of the
        token makes with one of them first (a word of its own, never a compound)."""
        misread = MISREAD_FIRST_LETTER.fullmatch(token)
        if misread is None:
            return None
        best, best_score = None, 0.0
        rest = misread.group(2)
        for signs in {misread.group(1), misread.group(1)[:1]}:
            tail = token[len(signs) :]
            if tail != rest and not tail[:1].islower():
                continue
            for letter in "ØÆÅ":
                strength = self.lexicon.strength((letter + tail).lower())
                if strength > best_score:
                    best, best_score = letter + tail, strength
        return best

    def _short_head_reading(self, token: str) -> str | None:
        """A compound whose head is a two-letter word, too short for the compound search, and whose
        mangled tail reads as a word: `bostotte` → `bostøtte`, `udfgre` → `udføre`."""
        head, tail = token[:SHORT_HEAD], token[SHORT_HEAD:]
        if not token.isalpha() or len(tail) < MIN_TAIL or head.lower() not in self.lexicon:
            return None
        fixed = self._channel_reading(tail)
        return None if fixed is None or fixed.lower() not in self.lexicon else head + fixed

    def _glued_head_reading(self, token: str) -> str | None:
        """An unknown word whose mangled beginning reads as a word: a short word glued to the next
        (`paregionens`: `på regionens`) or the head of a compound the lexicon lacks
        (`tveersektorielle`: `tvær` + `sektorielle`)."""
        if not token.isalpha() or len(token) < MIN_HEAD + MIN_TAIL:
            return None
        for cut in range(SHORT_HEAD, len(token) - MIN_TAIL + 1):
            head, tail = token[:cut], token[cut:]
            glued = cut < MIN_HEAD  # a short word glued to the next, which must be a word
            if (glued and tail not in self.lexicon) or not (glued or (tail.islower() and self.is_word(tail))):
                continue  # tested before the head, whose search costs more
            fixed = self._channel_reading(head)
            if fixed is not None:
                return f"{fixed} {tail}" if glued else fixed + tail
        return None

    def _respelling(self, token: str) -> str | None:
        """The one common confusion that makes an unknown word most Danish-looking by its letters
        (`Sglund` → `Sølund`, `Mgllers` → `Møllers`); a name's capital is as printed."""
        if len(token) < MIN_RESPELL_LEN or _all_caps(token):
            return None
        model = self.char_model
        best, best_gain = None, 0.0
        changes = [
            (i, width, cased)
            for i, here in enumerate(substitution_options(token))
            if i or not token[0].isupper()
            for width, cased, _, _ in here
        ]
        for (i, width, cased), gain in zip(changes, model.gains(token, changes), strict=True):
            if gain > best_gain:
                best, best_gain = token[:i] + cased + token[i + width :], gain
        return best

    # -- the token in its text ---------------------------------------------------------------
    def repair_lines(
        self, lines: list[str], pages: list[int] | None = None, explain: list[Explanation] | None = None
    ) -> tuple[list[str], list[int]]:
        """Repair every token outside URLs; return the lines and the number of words changed in each.

        Every token is first read on what it alone tells (`decide`); a token with more than one
        reading is then read again with what its text tells: how often each reading's word family
        occurs elsewhere (its own page counts most, `pages` gives each line's page), how the page
        prints each Danish letter, where in the sentence it stands. With `explain` (a list), every
        token the text weighed is added to it with its scored candidates.
        """
        pages = pages or [0] * len(lines)
        pronouns = [BAR_FOR_I.subn("I", line) if "|" in line else (line, 0) for line in lines]
        pronouns = [(PARTY_LETTER_AT.subn("Ø", line) if "(@)" in line else (line, 0), n) for line, n in pronouns]
        lines = [line for (line, _), _ in pronouns]
        spans = [self._join_split_words(line, self._split_glued_words(line, _tokens(line))) for line in lines]
        lines_of: dict[int, list[int]] = {}
        for k, page in enumerate(pages):
            lines_of.setdefault(page, []).append(k)
        # Each distinct token of a page once, with how often the page has it.
        page_tokens = {page: Counter(token.text for k in ks for token in spans[k]) for page, ks in lines_of.items()}
        cached, decide = self._cache, self.decide  # most tokens were decided by the page check
        decided = {text: cached.get(text) or decide(text) for counts in page_tokens.values() for text in counts}
        evidence: dict[int, Counter[str]] = {}
        readings: dict[int, Counter[str]] = {}  # every reading of the page's tokens, by its share
        shares: dict[str, dict[str, float]] = {}  # per token with candidates, its readings' shares
        for page, counts in page_tokens.items():
            # Counted in plain dicts (a Counter's missing key costs a Python call), kept as Counters.
            page_evidence: dict[str, float] = {}
            page_readings: dict[str, float] = {}
            for text, occurrences in counts.items():
                decision = decided[text]
                if not decision.candidates:  # most tokens: one reading, as printed
                    lower = text.lower()
                    page_evidence[lower] = page_evidence.get(lower, 0) + occurrences
                    page_readings[lower] = page_readings.get(lower, 0) + occurrences
                    continue
                first = (decision.text or text).lower()
                page_evidence[first] = page_evidence.get(first, 0) + occurrences
                token_shares = shares.get(text)
                if token_shares is None:
                    token_shares = shares[text] = _shares(text, decision)
                for reading, share in token_shares.items():
                    page_readings[reading] = page_readings.get(reading, 0) + share * occurrences
            evidence[page], readings[page] = Counter(page_evidence), Counter(page_readings)
        document, all_readings = Counter(), Counter()  # added up by update: `+` walks each word in Python
        for page in page_tokens:
            document.update(evidence[page])
            all_readings.update(readings[page])
        facts = _TextFacts(
            evidence={page: _WordLines(words) for page, words in evidence.items()},
            other_pages={
                page: _WordLines(document - words if len(evidence) > 1 else Counter())
                for page, words in evidence.items()
            },
            readings={page: _WordLines(words) for page, words in readings.items()},
            other_readings={
                page: _WordLines(all_readings - words if len(readings) > 1 else Counter())
                for page, words in readings.items()
            },
            occurrences=page_tokens,
            capitalised=self._capitalised_in_text(lines, spans, decided),
            abbreviations=self._abbreviations_in_text(decided),
            words=[w for w, n in document.items() if n >= LEARN_MIN_COUNT and _HAS_DANISH_LETTER(w)],
            pages={page: [(text, decided[text]) for text in counts] for page, counts in page_tokens.items()},
            shares=shares,
        )
        # A token in lower case with one reading that the text reads no other way reads so at each
        # place (most tokens of a page): settled before the walk, without building its place.
        for page, counts in page_tokens.items():
            settled = facts.settled.setdefault(page, {})
            for text in counts:
                decision = decided[text]
                if not decision.candidates and text[0].islower() and not self._token_readings(text, decision, facts):
                    settled[text] = decision.text
        out, changed = [], [bars + parties for (_, parties), bars in pronouns]
        new_place = tuple.__new__  # faster than _Place(...), as in _tokens
        previous_line = ""
        for k, (line, line_spans) in enumerate(zip(lines, spans, strict=True)):
            pieces, last = [], 0
            previous: _Token | None = None
            page = pages[k]
            settled = facts.settled.setdefault(page, {})
            for token in line_spans:
                fixed = settled.get(token.text, UNSETTLED)
                if fixed is UNSETTLED:
                    place = new_place(_Place, (previous_line, line, line_spans, previous, token, page))
                    fixed = self._read_in_text(place, decided[token.text], facts, explain, k)
                previous = token
                if fixed is None and token.joined:
                    fixed = token.text  # two fragments joined stay joined
                if fixed is not None:
                    pieces += [line[last : token.start], fixed]
                    last = token.end
                    changed[k] += 1
            pieces.append(line[last:])
            out.append("".join(pieces))
            previous_line = line
        return out, changed

    def _read_in_text(
        self, place: _Place, decision: Decision, facts: _TextFacts, explain: list[Explanation] | None, line: int
    ) -> str | None:
        """The best reading of a token in its text (None: as printed)."""
        token = place.token
        text = token.text
        candidates = list(decision.candidates)
        extra = self._text_readings(place, decision, facts)
        if not extra and (
            not candidates
            or (explain is None and decision.margin > TEXT_MARGIN)
            or (
                decision.text is None
                and text.islower()
                and self._known.get(text)
                and not any(
                    self._family(c.text.lower(), facts.evidence[place.page]) > 0 for c in candidates if c.text != text
                )
            )
        ):
            # Most tokens: one reading, a reading far ahead of the next, or a word in lower case whose
            # rivals the page never uses. (Explained, every token is weighed: the fit learns from all.)
            # Where the token stands matters only for a lost letter after a first name; elsewhere the
            # reading holds for each occurrence on the page (see _TextFacts.settled).
            if not text[0].isupper() or _name_with_lost_letter(text) is None:
                facts.settled[place.page][text] = decision.text
            return decision.text
        if not candidates:
            candidates = [self._reading(text, text, "as_read")]
        # One candidate a reading: a reading the text makes again keeps its first source (a duplicate would
        # share the softmax with it, and the fit would count one of the two as wrong).
        read = {candidate.text for candidate in candidates}
        for reading, source in extra:
            if reading not in read:
                candidates.append(self._reading(text, reading, source))
                read.add(reading)
        ends = [self._ends(c) for c in candidates]
        shared = set.intersection(*ends) if len(candidates) > 1 else set()
        scored = []
        best, best_score = text, -math.inf  # the first of the best, in the candidates' order
        for candidate in candidates:
            features = dict(self.token_features(text, candidate))
            features.update(self._context_features(place, candidate, shared, facts))
            if candidate.text != text and candidate.source not in TOKEN_SOURCES:
                features["changed"] = 1.0
                features[f"source_{candidate.source}"] = 1.0
            if "known_token" in features and not features.get("family"):
                features["known_token_no_family"] = 1.0  # a word as read changed into one its text never uses
            candidate_score = score(features, self.weights)
            if candidate_score > best_score:
                best, best_score = candidate.text, candidate_score
            if explain is not None:
                scored.append(Scored(candidate.text, candidate.source, features, candidate_score))
        chosen = None if best == text else best
        if explain is not None:
            scored.sort(key=lambda s: -s.score)
            explain.append(Explanation(line, token.start, place.page, text, best, tuple(scored)))
        elif text[0].islower() and not any(c.text[:1] in "ÆØÅ" for c in candidates):
            # A token in lower case with no reading in capitals has no feature of its place (see
            # _context_features): its other occurrences on the page read the same.
            facts.settled[place.page][text] = chosen
        return chosen

    def _text_readings(self, place: _Place, decision: Decision, facts: _TextFacts) -> list[tuple[str, str]]:
        """Readings only the text makes: those of the token wherever it stands (`_token_readings`),
        and a family name that lost its Danish letter after a first name (`Dorte Hj`: `Høj`)."""
        token, text = place.token, place.token.text
        found = self._token_readings(text, decision, facts)
        # Only a lost letter depends on where the token stands (a capital is never `@`).
        if text[0].isupper() and place.previous is not None and _after_first_name(place.line, place.previous, token):
            name = _name_with_lost_letter(text)
            if name is not None:
                return [*found, (name, "lost_letter")]
        return found

    def _token_readings(self, text: str, decision: Decision, facts: _TextFacts) -> list[tuple[str, str]]:
        """The readings the text makes of a token wherever it stands: an abbreviation of a body the
        text names (`OU` where it names `Økonomiudvalget`), a word the text reads elsewhere
        (`Stdvring` where it reads `Støvring`), and a capital Ø read from `@` in lower case
        (`@vrige` inside a sentence). Counted once per token."""
        found = facts.token_readings.get(text)
        if found is None:
            found = facts.token_readings[text] = []
            if text in facts.abbreviations:
                found.append((facts.abbreviations[text], "abbreviation"))
            if facts.words and len(text) >= MIN_RESPELL_LEN and not self.is_word(text.lower()):
                word = self._as_text_word(text, facts.words)
                if word is not None:
                    found.append((word, "text_word"))
            if text[0] == "@":
                for candidate in decision.candidates:
                    if candidate.text[:1] in "ÆØÅ" and candidate.text[1:2].islower():
                        found.append((candidate.text[0].lower() + candidate.text[1:], "lower_case"))
        return found

    def _context_features(
        self, place: _Place, candidate: Candidate, shared: set[str], facts: _TextFacts
    ) -> dict[str, float]:
        """What the text tells of one reading of a token (see decision.CONTEXT_FEATURES): what its
        page tells (the same wherever on the page the token stands), then what its place tells."""
        token = place.token
        text = token.text
        key = (place.page, text, candidate.text, frozenset(shared))
        page_features = facts.page_features.get(key)
        if page_features is None:
            page_features = facts.page_features[key] = self._page_features(place.page, text, candidate, shared, facts)
        features = dict(page_features)
        previous = place.previous
        if (
            text[0].isupper()
            and previous is not None
            and _after_first_name(place.line, previous, token)
            and self.token_features(text, candidate).get("name")
        ):
            features["name_after_first_name"] = 1.0  # `Ole Dyrløv`: where a family name stands, a name
        if candidate.text == text:
            return features
        inside = not _starts_sentence(place.previous_line, place.line[: token.start])
        # An abbreviation's capitals (`OU`, `ØU`) are no sentence's: where it stands says nothing.
        capital_inside = inside and not _all_caps(text)
        if text[0].isupper() and capital_inside:
            features["mid_sentence_change"] = 1.0
        if not inside and candidate.text[:1].islower() and not text[:1].islower():
            features["lower_case_sentence_start"] = 1.0  # `@konomien` opening a sentence read `økonomien`
        if text[0].isupper() and place.previous is not None and _after_first_name(place.line, place.previous, token):
            features["after_first_name_change"] = 1.0
            if not self.token_features(text, candidate).get("name"):
                features["family_name_lost"] = 1.0  # where a family name stands, a reading that is none
        if (
            candidate.text[:1] in "ÆØÅ"
            and capital_inside
            and not self._keeps_capital(candidate.text, facts.capitalised)
            and not _in_title_case(place.line, place.tokens, token)
        ):
            features["capital_inside_sentence"] = 1.0
        return features

    def _ends(self, candidate: Candidate) -> set[str]:
        """A compound reading's first part and head (the whole reading, for one in one part): where
        the readings of a token differ there, each has its own word family (`børnekultur|huset`
        against `barn|kulturhuset`; `økonomiudvalgs|møde` against `…|måde`)."""
        if len(candidate.parts) < 2:
            return {candidate.text.lower()}
        return {part for part in (candidate.parts[0], self.head(candidate)) if part and len(part) >= MIN_FAMILY_LEN}

    def _page_features(
        self, page: int, text: str, candidate: Candidate, shared: set[str], facts: _TextFacts
    ) -> dict[str, float]:
        """The context features of a reading that its page decides: its word family there, the
        archive's count of it, and how the page prints the letters it restores."""
        features: dict[str, float] = {}
        own = facts.occurrences[page][text]
        decision = self.decide(text)
        first_read = (decision.text or text).lower()  # the token's own share of the evidence
        # The reading's own word family, and for a compound its first part and head where the
        # readings differ there (`økonomiudvalgs|møde` against `…|måde`: the text's `mødet` speaks
        # for the first).
        family = 0.0
        lower = candidate.text.lower()
        token_shares = facts.shares.get(text) or _shares(text, decision)  # counted in repair_lines
        own_shares = {reading: share * own for reading, share in token_shares.items()}
        read_as = 0.0
        for word in (lower, *sorted(self._ends(candidate) - shared - {lower})):
            family += self._family(word, facts.evidence[page], {first_read: own})
            family += OTHER_PAGES_SHARE * self._family(word, facts.other_pages[page])
            read_as += self._family(word, facts.readings[page], own_shares)
            read_as += OTHER_PAGES_SHARE * self._family(word, facts.other_readings[page])
        features["family"] = math.log2(1 + max(0.0, family))
        # The same family among every reading of the other tokens, by their shares: a word the OCR
        # misread in several ways on one page (`Bgrnekulturhuset`, `Bernekulturhuset`) is the
        # reading those misreadings share.
        features["readings_family"] = math.log2(1 + max(0.0, read_as))
        features["archive"] = math.log2(1 + self._archive_counts.get(lower, 0))
        if candidate.text == text:
            return features
        # How the page prints the letters a reading restores speaks for a reading no word backs (a
        # compound: `underskudsdekning` stays where the page prints æ as `ee`, never as `e`); a word's
        # own frequency outweighs it.
        signs = _letter_signs(text, candidate.text) or ()
        if signs:
            # The page's own channel: how often it printed each letter with this sign in its unambiguous
            # repairs (the reading's own among them: leaving it out, councils read 0.954 against 0.966
            # fitted without their own page), smoothed toward the counted channel (PAGE_CHANNEL_PRIOR
            # words' worth).
            printed = facts.printed(page, self)
            cost = 0.0
            for letter, sign in signs:
                prior = 10 ** -_CONFUSION_COST.get((sign, letter), UNCOUNTED_COST)
                seen = len(printed.get((letter, sign), ()))
                total = len(printed.get((letter, ""), ()))
                cost -= math.log10((seen + PAGE_CHANNEL_PRIOR * prior) / (total + PAGE_CHANNEL_PRIOR))
            features["page_channel_cost"] = cost
        return features

    def _family(self, part: str, words: _WordLines, own: Mapping[str, float] | None = None) -> float:
        """How often the word family of a reading (or of one part of a compound reading) occurs in
        the words, the token's own occurrences (`own`, per word) left out; a short word counts only
        itself (`år` is inside too many words)."""
        own = own or {}
        if not words.counts:
            return 0.0
        if len(part) < MIN_FAMILY_LEN:
            return words.counts.get(part, 0) - own.get(part, 0)
        base = self.lexicon.base_form(part)
        members = words.families.get(base)
        if members is None:
            members = words.families[base] = [seen for seen in words.holding(base) if self._has_part(seen, base)]
        return sum(words.counts[seen] - own.get(seen, 0) for seen in members)

    def _has_part(self, word: str, part: str) -> bool:
        """Whether `part` begins the word or a compound part of it: `møde` in `mødet` and
        `dialogmøde`, but `ærlig` not in `særlige`."""
        position = word.find(part)
        while position != -1:
            head = word[:position]
            if not head or (len(head) >= MIN_PART and head in self.lexicon):
                return True
            if len(head) > MIN_PART and head[-1] in LINKERS and head[:-1] in self.lexicon:
                return True
            position = word.find(part, position + 1)
        return False

    def _letters_printed(self, page: list[tuple[str, Decision]]) -> dict[tuple[str, str], set[str]]:
        """How the page printed each Danish letter, from its unambiguous repairs (a token no word
        that one reading makes a word: `feelles` → `fælles`, æ as `ee`; `draftede` → `drøftede`, ø as
        `a`): per (letter, sign), the words read so; (letter, "") collects the words with the letter.
        The page is given as its distinct tokens with their decisions."""
        read = [
            (token, decision.text)
            for token, decision in page
            if decision.text is not None and len(decision.candidates) == 2 and not self.is_word(token.lower())
        ]
        printed: dict[tuple[str, str], set[str]] = {}
        for token, reading in read:
            for letter, sign in _letter_signs(token, reading) or ():
                printed.setdefault((letter, sign), set()).add(reading.lower())
                printed.setdefault((letter, ""), set()).add(reading.lower())
        return printed

    def _as_text_word(self, token: str, text_words: list[str]) -> str | None:
        """The word with Danish letters the text reads at least LEARN_MIN_COUNT times that an unknown
        token spells with one or two other signs in their place (`Stdvring` where the text reads
        `Støvring`, a town no list may know), when exactly one such word exists."""
        lower = token.lower()
        if len(token) < MIN_RESPELL_LEN or not token.isalpha() or self.is_word(lower) or self.is_name(token):
            return None
        found = None
        for word in text_words:
            if not len(word) - 1 <= len(token) <= len(word) + 2:
                continue
            if word[0] != lower[0] and word[0] not in DANISH_LETTERS:
                continue
            signs = _letter_signs(token, word)
            if signs is None or any(not sign or len(sign) > 2 for _, sign in signs):
                continue
            if found is not None:
                return None
            found = word
        if found is None:
            return None
        if _all_caps(token):
            return found.upper()
        return found[0].upper() + found[1:] if token[0].isupper() else found

    def _capitalised_in_text(
        self, lines: list[str], spans: list[list[_Token]], decided: dict[str, Decision]
    ) -> set[str]:
        """Words read with `@` for their first letter that the text itself writes with a capital
        inside a sentence (`Okonomiudvalget` read as `Økonomiudvalget`, or read right)."""
        at_words = {(d.text or text).lower() for text, d in decided.items() if text[0] == "@" and d.text}
        if not at_words:
            return set()
        found: set[str] = set()
        for k, line_spans in enumerate(spans):
            for token in line_spans:
                text = decided[token.text].text or token.text
                if (
                    token.text[0] != "@"
                    and text[0].isupper()
                    and text.lower() in at_words
                    and not _starts_sentence(lines[k - 1] if k else "", lines[k][: token.start])
                ):
                    found.add(text.lower())
        return found

    def _abbreviations_in_text(self, decided: dict[str, Decision]) -> dict[str, str]:
        """The initials of the capitalised compounds with a Danish first letter the text names
        (`Økonomiudvalget`: `ØU`, `Ældrerådet`: `ÆR`), keyed by how the English model prints them
        (`OU`, `@U`, `ER`, `AER`): councils abbreviate their bodies so. A stop word stays (`OG`)."""
        abbreviations: dict[str, str] = {}
        for text, decision in decided.items():
            word = decision.text or text
            if len(word) < MIN_ABBREVIATED_LEN or word[0] not in "ÆØÅ" or not word[1:].islower():
                continue
            parts = self.lexicon.split_compound(word.lower())
            if parts is None or len(parts) > MAX_COMPOUND_PARTS - 1:
                continue
            initials = "".join(part[0] for part in parts).upper()
            for spelling in mangled_spellings(initials):
                if spelling.isupper() and spelling.lower() not in load_stopwords():
                    abbreviations.setdefault(spelling, initials)
        return abbreviations

    def _keeps_capital(self, word: str, capitalised: set[str]) -> bool:
        """Whether a word read with `@` inside a sentence is written with a capital Ø: a name
        (`Ørum`), a named body (`Økonomiudvalget`), or as the text writes it elsewhere."""
        lower = word.lower()
        if lower in capitalised or lower in load_proper_nouns() or self.is_name(word):
            return True
        named_body = _NAMED_BODY.search(lower) or _NAMED_BODY_HEAD.search(lower)
        return bool(named_body and named_body.start() >= MIN_PART)

    def _split_glued_words(self, line: str, tokens: Sequence[_Token]) -> Sequence[_Token]:
        """Split a token where a word in lower case runs into a capitalised one (`dagsordenAbn`,
        `KommuneAbn`: text glued to a web page's button): two words, each repaired as itself."""
        if not tokens or not INNER_CAPITAL.search(line):
            return tokens
        split: list[_Token] = []
        for token in tokens:
            glued = GLUED_CAPITAL.fullmatch(token.text)
            if glued and self.is_word(glued.group(1).lower()):
                cut = token.start + glued.end(1)
                split += [_Token(token.start, cut, glued.group(1)), _Token(cut, token.end, glued.group(2))]
            else:
                split.append(token)
        return split

    def _join_split_words(self, line: str, tokens: Sequence[_Token]) -> list[_Token]:
        """Join two fragments that neither is a word, where the OCR split a word at a Danish letter
        (`nedle gge`: `nedlægge`), when together they read as a word."""
        joined: list[_Token] = []
        known = self._known
        skip = False
        for token, following in zip(tokens, tokens[1:], strict=False):
            if skip:
                skip = False
                continue
            if (
                following.start == token.end + 1
                and not known.get(following.text)  # the quick test first: most are words
                and line[token.end] == " "
                and following.text.islower()
                and not self.is_word(token.text.lower())
                and not self.is_word(following.text)
            ):
                text = token.text + following.text
                reading = self.decide(text).text or text
                if reading.lower() in self.lexicon:
                    joined.append(_Token(token.start, following.end, text, joined=True))
                    skip = True
                    continue
            joined.append(token)
        if tokens and not skip:
            joined.append(tokens[-1])
        return joined


def _searched(token: str) -> bool:
    """Whether the token may read otherwise at all: not OCR noise too long for a word, not spelt
    with a Danish letter, not an abbreviation of three capitals or fewer."""
    return not (
        len(token) > MAX_TOKEN_LEN  # OCR noise, not a word: its search would take minutes
        or _HAS_DANISH_LETTER(token)
        or (_all_caps(token) and len(token) <= MAX_ABBREVIATION and token != "PA")
    )


def _shares(token: str, decision: Decision) -> dict[str, float]:
    """Each lower-case reading of a token with its probability on what the token alone tells."""
    if not decision.candidates:
        return {token.lower(): 1.0}
    shares: dict[str, float] = {}
    for candidate, share in zip(decision.candidates, decision.shares, strict=True):
        shares[candidate.text.lower()] = shares.get(candidate.text.lower(), 0.0) + share
    return shares


def forget_texts() -> None:
    """Empty the cache keyed by the text seen so far (its tokens' letter signs against their
    readings), so that a benchmark's next round reads the text as new."""
    _letter_signs.cache_clear()


def _after_first_name(line: str, previous: _Token, token: _Token) -> bool:
    """Whether a capitalised token follows one of the commonest first names, where a family name stands."""
    return (
        token.text[0].isupper() and line[previous.end : token.start] == " " and previous.text in _common_first_names()
    )


def _name_with_lost_letter(token: str) -> str | None:
    """A family name of no vowel (`Hj`) lost its Danish one: the commonest name that letter makes
    of it (`Høj`); None where the token has a vowel or no name fits."""
    if len(token) < 2 or VOWELS.intersection(token.lower()) or not token.isalpha():
        return None  # an initial (`Jens K`) is no name
    names = _name_ranks()
    found = [
        token[:i] + letter + token[i:]
        for i in range(1, len(token) + 1)
        for letter in "øæå"
        if token[:i] + letter + token[i:] in names
    ]
    return min(found, key=lambda name: names[name] or UNRANKED, default=None)


# What a reading's letter other than a Danish one may stand for in the token (in lower case): an l
# the capital I or bar it is read from, a capital I the l (`lfolge`); a space may stand for none
# (`paregionens`).
@functools.lru_cache(maxsize=65536)
def _letter_signs(token: str, reading: str) -> tuple[tuple[str, str], ...] | None:
    """Which signs of the token a reading takes for each of its Danish letters (`feelles`, `fælles`:
    æ from `ee`), in lower case, each as short as the rest allows; None where the two do not align."""
    return reading_signs(reading.lower(), token.lower())


def _in_title_case(line: str, tokens: list[_Token], token: _Token) -> bool:
    """Whether the token stands in a name written in title case (`Center for @konomi og Indk@b`):
    the nearest word before or after it in the same sentence, past one short joining word, is
    capitalised (a line's first word is no evidence: it may start a sentence)."""
    index = tokens.index(token)
    for step in (-1, 1):
        k = index + step
        if 0 <= k < len(tokens) and tokens[k].text.lower() in TITLE_JOINERS:
            k += step
        if not 0 < k < len(tokens) or not tokens[k].text[:1].isupper():
            continue
        between = line[tokens[k].end : token.start] if step < 0 else line[token.end : tokens[k].start]
        if all(char.isalpha() or char == " " for char in between):
            return True
    return False


def confusable_words(lexicon: Lexicon) -> frozenset[str]:
    """The lexicon's words that one substitution makes into another of its words (`mode`: `møde`,
    `for`: `før`): the only known words whose readings need a search. About 8,000 of 633,000;
    counted once (3 s) and kept beside the lexicon, under a name that changes with the confusions."""
    confusions = repr((SUBSTITUTIONS, _CAPITAL_I_AS_L.pattern)).encode()
    name = f"confusable_da_{hashlib.sha1(confusions).hexdigest()[:12]}"
    if lexicon.path is None:
        return _count_confusable(lexicon)
    return load_cached(lexicon.path, name, lambda: _count_confusable(lexicon))


def _count_confusable(lexicon: Lexicon) -> frozenset[str]:
    # Each source in lower case, with the lower-case letters it may be read as: a superset of what a
    # token of any case allows.
    readings: dict[str, set[str]] = {}
    for source, replacements in SUBSTITUTIONS.items():
        readings.setdefault(source.lower(), set()).update(r.lower() for r, _ in replacements)
    by_first: dict[str, list[tuple[str, set[str]]]] = {}
    for source, letters in readings.items():
        by_first.setdefault(source[0], []).append((source, letters))

    def confusable(word: str) -> bool:
        if _CAPITAL_I_AS_L.match(word) and "i" + word[1:] in lexicon:
            return True
        for i, letter in enumerate(word):
            for source, letters in by_first.get(letter, ()):
                if word.startswith(source, i):
                    head, tail = word[:i], word[i + len(source) :]
                    if any(head + reading + tail in lexicon for reading in letters):
                        return True
        return False

    return frozenset(word for word in lexicon.zipf if confusable(word))


class _Token(NamedTuple):
    start: int
    end: int
    text: str
    joined: bool = False  # two fragments of one word, joined


class _WordLines:
    """A text's words with their counts, and written one to a line, so that the words holding a
    given string are found by one search of the lines rather than a look at every word."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts
        self.lines = "\n".join([*counts, ""])
        self.families: dict[str, list[str]] = {}  # per base form, the words of its family (LetterRepairer._family)

    def holding(self, part: str) -> list[str]:
        """Each word that holds `part`, once."""
        lines, found = self.lines, []
        position = lines.find(part)
        while position != -1:
            end = lines.index("\n", position)
            found.append(lines[lines.rfind("\n", 0, position) + 1 : end])
            position = lines.find(part, end)
        return found


@dataclass
class _TextFacts:
    """What the whole text says that decides how a token reads in it, counted once per text."""

    evidence: dict[int, _WordLines]  # per page, its words as first read
    other_pages: dict[int, _WordLines]  # per page, the other pages' words
    readings: dict[int, _WordLines]  # per page, every reading of its tokens counted by its share
    other_readings: dict[int, _WordLines]  # per page, the other pages' readings
    occurrences: dict[int, Counter[str]]  # per page, how often it has each token
    capitalised: set[str]  # words the text writes with a capital inside a sentence
    abbreviations: dict[str, str]  # `OU`: `ØU`, from the bodies the text names
    words: list[str]  # words with Danish letters the text reads at least LEARN_MIN_COUNT times
    pages: dict[int, list[tuple[str, Decision]]]  # each page's distinct tokens and their decisions
    shares: dict[str, dict[str, float]]  # per token with candidates, each reading's share (_shares)
    _printed: dict[int, dict[tuple[str, str], set[str]]] = field(default_factory=dict)
    # per token, the readings the text makes of it wherever it stands (an abbreviation, a text word)
    token_readings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # per page and token, its reading where no occurrence on the page can read otherwise
    settled: dict[int, dict[str, str | None]] = field(default_factory=dict)
    # per (page, token, reading, heads shared), the context features its page decides (LetterRepairer._page_features)
    page_features: dict[tuple[int, str, str, frozenset[str]], dict[str, float]] = field(default_factory=dict)

    def printed(self, page: int, repairer: LetterRepairer) -> dict[tuple[str, str], set[str]]:
        """How the page prints each Danish letter, counted the first time it is asked."""
        if page not in self._printed:
            self._printed[page] = repairer._letters_printed(self.pages[page])
        return self._printed[page]


UNSETTLED = object()  # a token _TextFacts.settled has not settled


class _Place(NamedTuple):
    """Where a token stands: the line before, its line and the line's tokens, the token before it."""

    previous_line: str
    line: str
    tokens: Sequence[_Token]
    previous: _Token | None
    token: _Token
    page: int


@dataclass(frozen=True)
class Explanation:
    """Why a token reads as it does: its candidates scored, best first (`repair --explain`)."""

    line: int  # 0-based, in the text repaired
    start: int  # where the token starts in its line
    page: int
    token: str
    chosen: str
    scored: tuple[Scored, ...]

    @property
    def changed(self) -> bool:
        return self.chosen != self.token

    def describe(self) -> str:
        """The explanation as lines of text: the change, then each candidate with its score and features."""
        lines = [f"line {self.line + 1}: {self.token} -> {self.chosen}"]
        for scored in self.scored:
            features = " ".join(f"{name}={value:g}" for name, value in scored.as_dict()["features"].items())
            lines.append(f"  {scored.score:7.3f}  {scored.text}  [{scored.source}]  {features}")
        return "\n".join(lines)


def _tokens(line: str) -> tuple[_Token, ...]:
    """The line's tokens outside URLs."""
    urls = _url_spans(line)
    new = tuple.__new__  # a quarter faster than _Token(...), for every token of every page
    matches = TOKEN.finditer(line)
    if not urls:
        return tuple([new(_Token, (m.start(), m.end(), m.group(), False)) for m in matches])
    return tuple([new(_Token, (*m.span(), m.group(), False)) for m in matches if not _inside(m.start(), urls)])


def _token_texts(text: str) -> list[str]:
    """The texts of the tokens of every line (as _tokens reads them), found in one search of the
    whole text: neither a token nor an address spans lines, and a line's start reads as the line
    break before it does (`\\b`, the lookbehinds). A page check reads every page."""
    urls = _url_spans(text)
    if not urls:
        return TOKEN.findall(text)
    return [m.group() for m in TOKEN.finditer(text) if not _inside(m.start(), urls)]


def _url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where the text's web and mail addresses are: a token inside one is not read."""
    if "@" not in text and "://" not in text and "www." not in text:
        return ()  # most lines: no search
    return tuple([m.span() for m in URL.finditer(text)])


def _starts_sentence(previous_line: str, before: str) -> bool:
    """Whether a word starts a sentence, a heading or the text, from the text before it."""
    before = before.rstrip()
    if before:
        return before[-1] in SENTENCE_ENDS
    previous = previous_line.rstrip()
    return not previous or previous[-1] in SENTENCE_ENDS


def _inside(position: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= position < b for a, b in spans)


def _merge_readings(old: Candidate, new: Candidate) -> Candidate:
    """Two readings of the same text: fewest substitutions, then fewest parts, then best score.

    A known word stays one word (`rådhus`, not `råd|hus`), scored by the better of its frequency and
    its reading as two parts: a word known only from the word list is rare, its parts may be common.
    """
    if new.substitutions != old.substitutions:
        return new if new.substitutions < old.substitutions else old
    first, second = sorted((old, new), key=lambda c: (len(c.parts), -c.score))
    if len(first.parts) == 1 and len(second.parts) == 2 and second.score > first.score:
        return Candidate(first.text, first.substitutions, first.cost, first.parts, second.score)
    return first


def misread_names(lexicon: Lexicon) -> dict[str, str]:
    """How the English model prints the Danish names with Danish letters (`Wallge`, `Getterup`,
    `Ozer`), each with the name (`Walløe`, `Gøtterup`, `Øzer`): the commonest name where several
    give one spelling, and never a spelling that is itself a name or a Danish word. Counted once and
    kept beside the lexicon, under a name that changes with the misreadings."""

    def count() -> dict[str, str]:
        names = load_names()
        written = {name.text for name in names}
        best: dict[str, tuple[int, str]] = {}
        for name in names:
            if not DANISH_LETTERS.intersection(name.text):
                continue
            rank = name.rank or UNRANKED
            for spelling in mangled_spellings(name.text):
                if spelling in written or spelling.lower() in lexicon:
                    continue
                if rank < best.get(spelling, (UNRANKED + 1, ""))[0]:
                    best[spelling] = (rank, name.text)
        return {spelling: text for spelling, (_, text) in best.items()}

    if lexicon.path is None:
        return count()
    if not lexicon.path.with_name(NAMES_FILE).exists():
        load_names()  # builds it
    name = f"misread_names_da_{hashlib.sha1(repr((MANGLINGS, SPELLING_FLOOR)).encode()).hexdigest()[:12]}"
    return load_cached(lexicon.path.with_name(NAMES_FILE), name, count)


# One or two signs printed for a capital Ø/Æ/Å before the rest of a word in lower case (at least
# five letters, so short words and names are not guessed at).
MISREAD_FIRST_LETTER = re.compile(r"([A-Z@][A-Z@]?)([a-z]{5,})")
FIRST_SIGNS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ@")
# A capitalised compound this long with a Danish first letter lends its initials to abbreviations.
MIN_ABBREVIATED_LEN = 8
# Short words that join the words of a name in title case (`Center for Økonomi og Indkøb`).
TITLE_JOINERS = frozenset({"for", "og", "i", "af", "til", "med", "pa", "på"})
# The first names a family name follows (`Rune Kallager`): the commonest in Denmark, where names-dataset
# ranks words that are also names (`Formand`, rank 3,874) far lower.
COMMON_FIRST_NAME_RANK = 2000


@functools.cache
def _name_ranks() -> dict[str, int]:
    """Every name of the lists with its best rank (0 where unranked)."""
    ranks: dict[str, int] = {}
    for name in load_names():
        best = ranks.get(name.text)
        if best is None or 0 < name.rank < (best or UNRANKED):
            ranks[name.text] = name.rank
    return ranks


@functools.cache
def _common_first_names() -> frozenset[str]:
    """The commonest Danish first names (`Rune`, `Pia`, `Lars`)."""
    return frozenset(n.text for n in load_names() if n.first and 0 < n.rank <= COMMON_FIRST_NAME_RANK)


# Behind every ranked name when several names give one misreading.
UNRANKED = 1_000_000


def mangled_spellings(word: str) -> set[str]:
    """How the English model may print a word with Danish letters (`Sølund`: `Sglund`, `Salund`, …):
    each spelling at least SPELLING_FLOOR likely by the channel's counts (at most 1/floor of them)."""
    spellings = {"": 1.0}
    for char in word:
        signs = MANGLINGS.get(char)
        if signs is None:
            spellings = {spelling + char: p for spelling, p in spellings.items()}
            continue
        spellings = {
            spelling + sign: p * share
            for spelling, p in spellings.items()
            for sign, share in signs
            if p * share >= SPELLING_FLOOR
        }
    spellings.pop(word, None)
    return set(spellings)


def _all_caps(token: str) -> bool:
    """`KL`, `DASSOS`, `PA`: two or more capitals and no small letters (`P§` is a word, `På`)."""
    return token.isupper() and sum(1 for char in token if char.isupper()) >= 2


# What each single sign costs at least, read as each Danish letter, in lower case: `a` as å 0.1.
def _confusion_costs() -> dict[tuple[str, str], float]:
    """(sign, letter) in lower case -> the channel's cost of the letter printed as that sign."""
    costs: dict[tuple[str, str], float] = {}
    for source, readings in SUBSTITUTIONS.items():
        for letter, cost in readings:
            key = (source.lower(), letter.lower())
            costs[key] = min(cost, costs.get(key, cost))
    return costs


_CONFUSION_COST = _confusion_costs()
_CASED_COST = {(sign, letter): cost for sign, readings in SUBSTITUTIONS.items() for letter, cost in readings}


def _channel_cost(token: str, reading: str) -> float | None:
    """The channel's cost of the signs the token shows for the reading's letters. A sign that has a
    case (`A` for Å) says the letter's case too; one that has none (`@`, `¢`) says only which letter:
    `@` is mostly printed for Ø, but inside a sentence ø is far commoner, so the sentence decides
    (its least cost over both cases)."""
    pairs = channel.letter_signs(reading, token)
    if pairs is None:
        return None
    cost = 0.0
    for letter, sign in pairs:
        if sign == letter:
            continue
        if sign.lower() == sign.upper():
            cost += _CONFUSION_COST.get((sign, letter.lower()), UNCOUNTED_COST)
        else:
            cost += _CASED_COST.get((sign, letter), UNCOUNTED_COST)
    return cost


# Where in a token a substitution writes, for its case (an all-caps token gets Æ/Ø/Å; inside a
# word in lower case an upper-case form, `Dr@fter`, is lowered).
_IN_CAPS, _AT_START, _INSIDE = 0, 1, 2


def _cased(replacement: str, where: int) -> str:
    if where == _IN_CAPS:
        return replacement.upper()
    if where == _INSIDE and replacement.isupper():
        return replacement.lower()
    return replacement


def _options_by_first_letter() -> dict[str, list[tuple[str, tuple[tuple[Option, ...], ...]]]]:
    """Per first letter, the substitution sources that start with it, shortest first (the order the
    search tries them in), each with its options as written in the three places of _cased."""
    by_first: dict[str, list[tuple[str, tuple[tuple[Option, ...], ...]]]] = {}
    for source in sorted(SUBSTITUTIONS, key=len):
        written = tuple(
            tuple(
                (len(source), _cased(replacement, where), _cased(replacement, where).lower(), cost)
                for replacement, cost in SUBSTITUTIONS[source]
            )
            for where in (_IN_CAPS, _AT_START, _INSIDE)
        )
        by_first.setdefault(source[0], []).append((source, written))
    return by_first


_OPTIONS_BY_FIRST_LETTER = _options_by_first_letter()


def substitution_options(token: str) -> list[tuple[Option, ...]]:
    """The substitutions that apply at each position of the token, in the case they take there."""
    return _substitution_options(token, _OPTIONS_BY_FIRST_LETTER, _all_caps(token))
