"""Restore æ, ø and å in text that Tesseract read with the wrong (English) language model.

A page is repaired only when it shows the mangling: no Danish letters at all, yet words that
become Danish words once the known confusions are undone. Candidates come from those confusions
and are chosen by a Danish lexicon with frequencies; compounds are accepted when they split into
known parts. A word that is already Danish is changed only when the candidate is far more common
(`pa` → `på`, `ar` → `år`), never on weak evidence (`far`, `for`, `har` stay).
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

from minutesindex.repair.charmodel import CharModel, load_char_model
from minutesindex.repair.lexicon import (
    LINKERS,
    MAX_COMPOUND_PARTS,
    MIN_PART,
    NAMES_FILE,
    WORDLIST_ONLY_ZIPF,
    Lexicon,
    load_cached,
    load_names,
    load_proper_nouns,
    load_stopwords,
)
from minutesindex.repair.readings import compound_readings
from minutesindex.repair.readings import substitution_options as _substitution_options

# What the English model prints for Danish letters (observed in OCR of Danish pages), with a cost:
# rarer confusions cost more, so `gar` reads `går` (a→å is the usual confusion) rather than `gør`.
SUBSTITUTIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "g": (("ø", 0.1),),
    "¢": (("ø", 0.05),),
    "¢g": (("ø", 0.1),),
    "g¢": (("ø", 0.1),),
    "g@": (("ø", 0.1),),
    "@g": (("ø", 0.1),),
    "@e": (("ø", 0.2),),
    "e@": (("ø", 0.2),),
    "ge": (("ø", 0.4),),
    "eg": (("ø", 0.4),),
    "a": (("å", 0.1), ("ø", 0.5), ("æ", 0.8)),
    "og": (("ø", 0.4),),
    "go": (("ø", 0.4),),
    "eae": (("æ", 0.3),),
    "zee": (("æ", 0.2),),
    "ea": (("æ", 0.3),),
    "eze": (("æ", 0.3),),
    "aa": (("æ", 0.4),),  # never å: `aa` is how names write it (`Aagaard`, `Mariegaard`)
    "aé": (("å", 0.2),),
    "ad": (("å", 0.5),),
    "Ad": (("å", 0.3),),  # a capital A inside a lower-case word is å (`omrAder`, `saA`)
    "aA": (("å", 0.2),),
    "e": (("ø", 0.6), ("æ", 0.5)),
    "o": (("ø", 0.6),),
    "ae": (("æ", 0.1),),
    "ee": (("æ", 0.1),),
    "ze": (("æ", 0.1),),
    "se": (("æ", 0.4),),
    "ce": (("æ", 0.3),),
    "&e": (("æ", 0.1),),
    "z": (("æ", 0.2),),
    "&": (("å", 0.1),),
    "d": (("å", 0.4),),
    "é": (("å", 0.2), ("ø", 0.3)),
    "á": (("å", 0.2),),
    "4": (("å", 0.2),),
    "§": (("å", 0.2),),
    "@": (("Ø", 0.1),),
    "S@": (("Ø", 0.2),),
    "O": (("Ø", 0.5),),
    "G": (("Ø", 0.3),),
    "A": (("Å", 0.3), ("Ø", 0.5), ("Æ", 0.6)),
    "E": (("Æ", 0.4), ("Ø", 0.6)),
    "AE": (("Æ", 0.2),),
    "AZ": (("Æ", 0.2),),
    "ZE": (("Æ", 0.2),),
    "A2": (("Æ", 0.3),),
    "Ai": (("Æ", 0.4),),
    "Z": (("Æ", 0.2),),
    "ZA": (("Æ", 0.2),),
    "Z£": (("Æ", 0.2),),
    "£": (("Æ", 0.2),),
    "fE": (("Æ", 0.2),),
    "/E": (("Æ", 0.2),),
    "I": (("l", 0.2),),
    "|": (("l", 0.1),),
}
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
CAPITAL_I_AS_L_COST = 0.2
# A known word in lower case glued to a capitalised one (`dagsordenAbn`); a capital A inside a word
# after fewer letters is å (`omrAder`).
GLUED_CAPITAL = re.compile(r"([A-ZÆØÅ]?[a-zæøå]{4,})([A-ZÆØÅ][a-zæøå]{2,})")
INNER_CAPITAL = re.compile(r"[a-zæøå]{4}[A-ZÆØÅ][a-zæøå]")
URL = re.compile(r"(?:https?://|www\.)\S+|(?<!\S)\S+@\S+\.\w+")  # an address from the start of its run
# A word that is already Danish is replaced only by a candidate this much more frequent (zipf).
KNOWN_WORD_MARGIN = 1.0
# A compound read with one part changed into a far more common part (zipf difference, set on the
# councils split: `landdistrikts|rad` → `landdistrikts|råd`, 1.85) is repaired though both are compounds.
PART_GAIN = 1.5
COMPOUND_PENALTY = 0.75
# A word known only as a compound of other words is weaker evidence than a lexicon word.
COMPOUND_ORIGINAL_MARGIN = 0.5
# A common word beats a reading of the original as a compound of other words.
WHOLE_WORD_OVER_COMPOUND = 3.0
# A compound candidate of rare parts (`Mehlsen` → `Mæh|læn`) is noise, not a repair.
MIN_COMPOUND_SCORE = 1.5
# Letter sequences Danish spelling hardly has, so a word holding one was surely misread
# (`udviklingshaemning`); its compound readings may then be of rarer parts.
MARKED = re.compile(r"ae|ee|ze|z|@|¢|§|&|\|", re.I)
MIN_COMPOUND_SCORE_MARKED = 0.5
# The floor for a two-part reading of an unknown word in lower case (`styrelses|vedtægt` for
# `styrelsesvedtegt`, whose tail only the word list knows: 0.75); capitalised words may be names
# (`Nordbek`, `Brevid`) and keep MIN_COMPOUND_SCORE. Set on the councils and dev splits.
MIN_COMPOUND_SCORE_LOWER = 0.75
SENTENCE_ENDS = ".!?:•-–*#|>)"
# The name of a committee or council, written with a capital (`Økonomiudvalget`, `Ældrerådet`).
_NAMED_BODY = re.compile(
    r"(?:udvalg|udvalget|udvalgets|rådet|rådets|bestyrelsen|bestyrelsens|nævnet|nævnets|forvaltningen|forvaltningens)$"
)
# A compound led by a body's name keeps its capital as the name does (`Økonomiudvalgsmødet`).
_NAMED_BODY_HEAD = re.compile(r"(?:udvalgs|råds|nævns|bestyrelses)(?=[a-zæøå]{3})")
# `paregionens`: a mangled word this common glued to a known word; `tveersektorielle`: a mangled
# compound head this common before a tail of at least MIN_TAIL letters.
GLUED_WORD_ZIPF = 6.0
GLUED_TAIL_ZIPF = 3.0
HEAD_ZIPF = 4.0
MIN_HEAD = 4
MIN_TAIL = 5
# `bo|støtte`, `ud|føre`: a two-letter head this common.
SHORT_HEAD = 2
SHORT_HEAD_ZIPF = 5.0
# The common misreadings of each Danish letter, for learning words from correctly read text.
MANGLINGS = {
    "ø": ("g", "@", "¢", "o", "e", "oe"),
    "Ø": ("@", "O", "G"),
    "æ": ("ae", "ee", "z", "e"),
    "Æ": ("Z", "AE", "E"),
    "å": ("a", "&", "d"),
    "Å": ("A",),
}
# A word must have been read right this often before its misreadings are repaired to it.
LEARN_MIN_COUNT = 2
# Rival readings: common words (zipf) whose score minus cost is this close to the best one.
RIVAL_MIN_ZIPF = 3.0
RIVAL_GAP = 1.5
# Weight of log2(1 + occurrences of a reading's word family elsewhere in the text).
EVIDENCE_WEIGHT = 1.0
# An occurrence on another page of the document counts this much of one on the token's own page.
OTHER_PAGES_WEIGHT = 0.5
# A real word as read is kept unless the context speaks for its rival by this much more.
KEEP_BONUS = 1.0
# Weight of log2(1 + occurrences in correctly read documents of the home): how this archive writes.
ARCHIVE_WEIGHT = 0.25
# Shorter readings count only exact occurrences (`år` is inside too many words).
MIN_FAMILY_LEN = 4
MANGLED_EVIDENCE_SHARE = 0.03
# With this share of words carrying Danish letters, a sample of this many words decides detection.
CLEARLY_DANISH_SHARE = 0.05
DETECTION_SAMPLE = 60
# A word no lexicon knows (a name: `Sglund`) is respelled when one of its letters is one Danish
# words hardly have there (letter-trigram log probability below UNLIKELY_LETTER) and a common
# confusion (cost at most LIKELY_CONFUSION) makes its least likely letter that much likelier and
# the whole word MIN_SPELLING_GAIN (log probability) likelier.
UNLIKELY_LETTER = -8.0
LIKELY_CONFUSION = 0.2
LEAST_LETTER_GAIN = 1.5
MIN_SPELLING_GAIN = 3.0
MIN_RESPELL_LEN = 4
# No Danish word is longer (the lexicon's longest has 35 letters).
MAX_TOKEN_LEN = 50
# How a page prints each Danish letter is learnt from its repairs. A reading no lexicon word or name
# backs (a compound), of a token spelt like a word (see UNLIKELY_LETTER), that takes a plain letter
# for a Danish one through a less likely confusion (`e` for æ, `o` for ø; not `a` for å, `g` for ø:
# cost above LIKELY_CONFUSION) is left as read where no other word of the page was read so, though
# the page printed that Danish letter in this many other words: `underskudsdekning` stays on a page
# that prints æ in 16 other words as `ee`, `ze` and `ae`, never as `e`. A plain letter is the one sign
# a real word may hold as printed (`ze` or `@` is no spelling). Set on the dev split, whose pages
# print a letter in 3 to 20 words, and where a sign used once in 25 is not rare.
MIN_LETTER_OBSERVATIONS = 5


class Candidate(NamedTuple):  # a tuple: a search makes thousands, and a dataclass is slower to build
    text: str
    substitutions: int
    cost: float
    parts: tuple[str, ...]  # more than one for a compound
    score: float


class Decision(NamedTuple):
    text: str | None  # None: leave the token as it is
    rivals: tuple[Candidate, ...] = ()  # readings for context to choose between (best first by score)


KEEP = Decision(None)


class LetterRepairer:
    """Repairs tokens with a per-token cache (word frequencies are Zipfian, so the cache hits)."""

    def __init__(self, lexicon: Lexicon, char_model: CharModel | None = None) -> None:
        self.lexicon = lexicon
        self._char_model = char_model
        self._confusable: frozenset[str] | None = None
        self._cache: dict[str, Decision] = {}
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

    @property
    def misread_names(self) -> dict[str, str]:
        if self._misread_names is None:
            self._misread_names = misread_names(self.lexicon)
        return self._misread_names

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
        tokens = [t.text for line in text.split("\n") for t in _tokens(line) if len(t.text) > 1]
        if not tokens:
            return False
        distinct = list(dict.fromkeys(tokens))
        danish_share = sum(1 for t in tokens if _HAS_DANISH_LETTER(t)) / len(tokens)
        if danish_share >= CLEARLY_DANISH_SHARE:
            sample = distinct[:: max(1, len(distinct) // DETECTION_SAMPLE)]
            if sum(1 for t in sample if self.repair_token(t) is not None) <= danish_share * len(sample) / 2:
                return False
        evidence = sum(1 for t in distinct if self.repair_token(t) is not None)
        if evidence < max(2, MANGLED_EVIDENCE_SHARE * len(distinct)):
            return False
        return danish_share < evidence / len(distinct)

    # -- restoration -------------------------------------------------------------------------
    def repair_token(self, token: str) -> str | None:
        """The repaired form of a token from mangled text, or None to leave it as it is."""
        return self.decide(token).text

    def decide(self, token: str) -> Decision:
        """The token's repair without context, and the readings context may still choose between."""
        decision = self._cache.get(token)
        if decision is None:
            decision = self._cache[token] = self._decide(token)
        return decision

    def _decide(self, token: str) -> Decision:
        if len(token) > MAX_TOKEN_LEN:  # OCR noise, not a word: its search would take minutes
            return KEEP
        if _HAS_DANISH_LETTER(token) or (_all_caps(token) and len(token) <= 3 and token != "PA"):
            return KEEP
        if token in self._learned:
            return Decision(self._learned[token])
        decision = self._decide_as_words(token)
        if decision.text is not None and decision.text.lower() in self.lexicon:
            return decision  # read as one Danish word: `Les@e` is the island `Læsø`, not the family `Læsøe`
        if token[0] in FIRST_SIGNS:
            decision = self._repair_first_letter(token) or decision
        name = self.misread_names.get(token)
        if name is not None and (decision.text is None or decision.text.lower() not in self.lexicon):
            # A Danish name as the English model prints it (`Wallge`: `Walløe`, `Bedtker`: `Bødtker`,
            # not the compound `Bedt|kør`).
            return Decision(name)
        return decision

    def _decide_as_words(self, token: str) -> Decision:
        if token[:1].isupper() and "aa" in token.lower():
            # `Neergaard`, `Dahlgaard`: a name in its old spelling is no compound of Danish words;
            # only a letter no Danish word has there is respelled (`Sgndergaard`).
            return self._respell(token)
        lower = token.lower()
        # A known word is only ever replaced by a whole word, so its compound readings need no search.
        known_whole = lower in self.lexicon
        if known_whole and lower not in self.confusable and len(lower) == len(token):
            return KEEP  # no confusion makes another word of it
        candidates = self.candidates(token, compounds=not known_whole)
        as_read = next((c for c in candidates if c.substitutions == 0), None)  # the token itself
        inflected = not known_whole and self.lexicon.inflection_of_known(lower)
        if known_whole:  # its own frequency, not that of a compound reading (`for|malet`)
            original = self.lexicon.strength(lower)
        elif as_read is not None and as_read.score >= MIN_COMPOUND_SCORE and not _split_at_marked(token, as_read):
            original = as_read.score
        else:  # a split into rare parts (`bos|totte`) is no evidence that the word was read right
            original = None
        if inflected:
            original = WORDLIST_ONLY_ZIPF if original is None else max(original, WORDLIST_ONLY_ZIPF)
        # A capitalised name read with one capital changed (`Gjesing`, `Egede`) is no compound of
        # Danish parts (`Øje|sing`): such a reading must be a word of its own.
        changed = [c for c in candidates if c.substitutions > 0 and not _respelled_capital_only(token, c)]
        if not changed:
            return self._repair_unknown(token) if original is None else KEEP
        best = max(changed, key=lambda c: (-len(c.parts), c.score - c.cost))
        # `kort|lag|ning|skabelonen` as read against `kortlægning|skabelonen`: a compound either way,
        # and the reading in fewer, better parts wins.
        better_split = as_read is not None and len(as_read.parts) > len(best.parts) and as_read.score < best.score
        if as_read is not None and len(as_read.parts) < len(best.parts) and not MARKED.search(token):
            # `interessentskab|kontraktens` as read is no worse a compound for needing a change and
            # one more part to read otherwise (`interessent|skøbs|kontraktens`).
            return KEEP
        floor = MIN_COMPOUND_SCORE_MARKED if original is None and MARKED.search(token) else MIN_COMPOUND_SCORE
        if original is None and token.islower() and len(best.parts) == 2 and min(map(len, best.parts)) >= MIN_HEAD:
            # An unknown word in lower case is no name: two known parts are evidence enough.
            floor = min(floor, MIN_COMPOUND_SCORE_LOWER)
        if len(best.parts) > 1 and best.score < floor and not better_split:
            return self._repair_unknown(token) if original is None else KEEP
        if original is not None:
            if (known_whole or inflected) and len(best.parts) > 1:  # `pointerede`, not `pointer|øde`
                return KEEP
            if not (not known_whole and len(best.parts) == 1 and best.score >= WHOLE_WORD_OVER_COMPOUND) and not (
                not known_whole and _part_gain(as_read, best, self.lexicon) >= PART_GAIN
            ):
                # `serlige` read as `ser|lige` is no evidence against `særlige`; a real word is.
                # A word only the word list knows, or only as a compound, is weaker evidence.
                weak = not known_whole or self.lexicon.is_estimated(lower)
                margin = COMPOUND_ORIGINAL_MARGIN if weak else KNOWN_WORD_MARGIN
                if best.score - original < (0.0 if better_split else margin):
                    return self._keep_unless_context(token, original, best, as_read)
        if best.text == token:
            return KEEP
        best_value = best.score - best.cost
        if len(best.parts) > 1:
            return Decision(best.text, self._compound_rivals(best, changed))
        rivals = tuple(
            c
            for c in changed
            if len(c.parts) == 1 and c.score >= RIVAL_MIN_ZIPF and best_value - (c.score - c.cost) <= RIVAL_GAP
        )
        return Decision(best.text, rivals if len(rivals) > 1 else ())

    def _compound_rivals(self, best: Candidate, changed: list[Candidate]) -> tuple[Candidate, ...]:
        """Compound readings that differ only in a last part that is a common word of its own
        (`økonomiudvalgs|made`, `…|måde`, `…|møde`), for the text to choose between: each is given
        as the shared head and its own tail, so that only the tails' families are weighed."""
        head = best.text[: len(best.text) - len(best.parts[-1])]
        best_value = best.score - best.cost
        rivals = []
        for candidate in changed:
            tail = candidate.text[len(head) :].lower()
            if (
                candidate.text.startswith(head)
                and len(candidate.text) == len(best.text)
                and self.lexicon.strength(tail) >= RIVAL_MIN_ZIPF
                and best_value - (candidate.score - candidate.cost) <= RIVAL_GAP
            ):
                rivals.append(candidate._replace(parts=(head.lower(), tail)))
        return tuple(rivals) if len(rivals) > 1 else ()

    def _keep_unless_context(self, token: str, original: float, best: Candidate, as_read: Candidate | None) -> Decision:
        """A real word (or compound) whose reading is another common one (`barn`/`børn`,
        `Malet`/`Målet`, `Medeplan`/`Mødeplan`): kept, unless the text around it speaks for the
        other (see _in_context)."""
        close = original - (best.score - best.cost) <= RIVAL_GAP
        whole_words = len(best.parts) == 1 and best.score >= RIVAL_MIN_ZIPF
        # Two compound readings sharing a tail: `med|plan` against `møde|plan`.
        compounds = len(best.parts) > 1 and as_read is not None and as_read.parts[-1] == best.parts[-1]
        if not close or not (whole_words or compounds):
            return KEEP
        if as_read is None:
            as_read = Candidate(token, 0, 0.0, (token.lower(),), original)
        return Decision(None, (as_read, best))

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

    def _repair_unknown(self, token: str) -> Decision:
        for repair in (self._repair_head, self._repair_after_short_head, self._respell):
            decision = repair(token)
            if decision is not KEEP:
                return decision
        return KEEP

    def _repair_first_letter(self, token: str) -> Decision | None:
        """A capital Ø, Æ or Å read as another capital, or as two signs (`Mkonomiforvaltningen`,
        `Skonomiudvalget`, `MOkonomiudvalget`, `@Mkonomiske`): the rest of the word as printed
        makes a common Danish word with that letter first, and the token is no word itself."""
        # Set on the councils split, where the English model printed Ø as `M`, `S`, `MO` and `@M`.
        misread = MISREAD_FIRST_LETTER.fullmatch(token)
        if misread is None or token.lower() in self.lexicon:
            return None
        best, best_score = None, FIRST_LETTER_MIN_ZIPF
        rest = misread.group(2)
        for signs in {misread.group(1), misread.group(1)[:1]}:
            tail = token[len(signs) :]
            if tail != rest and not tail[:1].islower():
                continue
            for letter in "ØÆÅ":
                # A word of its own, never a compound: `Brevid` is a name, not `Ære|vid`.
                score = self.lexicon.strength((letter + tail).lower())
                if score >= best_score:
                    best, best_score = letter + tail, score
        return None if best is None else Decision(best)

    def _repair_after_short_head(self, token: str) -> Decision:
        """A compound whose head is a common two-letter word, too short for the compound search,
        and whose mangled tail is a word: `bostotte` → `bostøtte`, `udfgre` → `udføre`."""
        head, tail = token[:SHORT_HEAD], token[SHORT_HEAD:]
        if not token.isalpha() or len(tail) < MIN_TAIL or self.lexicon.strength(head.lower()) < SHORT_HEAD_ZIPF:
            return KEEP
        fixed = self.decide(tail).text
        if fixed is None or fixed.lower() not in self.lexicon:
            return KEEP
        return Decision(head + fixed)

    def _respell(self, token: str) -> Decision:
        """An unknown word with a letter no Danish word has there, undone by one common confusion:
        `Sglund` → `Sølund`, `Mgllers` → `Møllers`. English names and abbreviations stay."""
        if len(token) < MIN_RESPELL_LEN or _all_caps(token):
            return KEEP
        if self._char_model is None:
            self._char_model = load_char_model()
        model = self._char_model
        least = model.least_likely(token)
        if least > UNLIKELY_LETTER:
            return KEEP
        original = model.log_prob(token)
        best, best_gain = None, MIN_SPELLING_GAIN
        for i, here in enumerate(substitution_options(token)):
            if i == 0 and token[0].isupper():
                continue  # a name's capital (`Egede`, `Gredal`) is as printed
            for width, cased, _, cost in here:
                if cost > LIKELY_CONFUSION:
                    continue
                respelled = token[:i] + cased + token[i + width :]
                gain = model.log_prob(respelled) - original
                if gain >= best_gain and model.least_likely(respelled) - least >= LEAST_LETTER_GAIN:
                    best, best_gain = respelled, gain
        return KEEP if best is None else Decision(best)

    def _repair_head(self, token: str) -> Decision:
        """An unknown word whose beginning is mangled: `paregionens` (`på` glued to `regionens`)
        or `tveersektorielle` (a known head, `tvær`, of a compound the lexicon lacks)."""
        if not token.isalpha() or len(token) < MIN_HEAD + MIN_TAIL:
            return KEEP
        for cut in range(2, len(token) - MIN_TAIL + 1):
            head, tail = token[:cut], token[cut:]
            glued = cut < MIN_HEAD  # a short word glued to the next: both must be common
            if (glued and self.lexicon.strength(tail) < GLUED_TAIL_ZIPF) or not (glued or tail.islower()):
                continue  # tested before the head, whose search costs more
            fixed = self.decide(head).text
            if fixed is None:
                continue
            if glued and self.lexicon.strength(fixed.lower()) >= GLUED_WORD_ZIPF:
                return Decision(f"{fixed} {tail}")
            if not glued and self.lexicon.strength(fixed.lower()) >= HEAD_ZIPF:
                return Decision(fixed + tail)
        return KEEP

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
            options[0] += ((1, "I", "i", CAPITAL_I_AS_L_COST),)
        if not compounds:
            # The token itself if a word, and every word one substitution makes of it, later changes first.
            words: dict[str, Candidate] = {}
            for text, subs, cost, parts in compound_readings(token, lowered, options, 1, lex.trie, MIN_PART, 0, ""):
                words.setdefault(text, Candidate(text, subs, round(cost, 2), parts, lex.strength(parts[0])))
            return list(words.values())
        readings = compound_readings(
            token, lowered, options, max_subs, lex.trie, MIN_PART, MAX_COMPOUND_PARTS - 1, "".join(LINKERS)
        )
        # Only some readings can matter (see _decide and _merge_readings), and only they are scored:
        # a text is read with its fewest substitutions, then its fewest parts (a word read as two
        # parts may lend it their score), and a changed text in more parts than the fewest of any
        # changed text can never be chosen.
        shape: dict[str, tuple[int, int]] = {}  # per text, in the order found: (substitutions, parts)
        unseen = (max_subs + 1, 0)
        for text, subs, _, parts in readings:
            if (subs, len(parts)) < shape.get(text, unseen):
                shape[text] = (subs, len(parts))
        fewest_parts = min((parts for subs, parts in shape.values() if subs), default=0)
        found: dict[str, Candidate] = {}
        strength = lex.strength
        for text, subs, cost, parts in readings:
            text_subs, text_parts = shape[text]
            count = len(parts)
            if subs != text_subs or (subs and text_parts > fewest_parts):
                continue
            if count != text_parts and not (text_parts == 1 and count == 2):
                continue
            score = strength(parts[0]) if count == 1 else min(map(strength, parts)) - COMPOUND_PENALTY * (count - 1)
            old = found.get(text)
            new = Candidate(text, subs, round(cost, 2), parts, score)
            found[text] = new if old is None else _merge_readings(old, new)
        return [found[text] for text in shape if text in found]

    def repair_lines(self, lines: list[str], pages: list[int] | None = None) -> tuple[list[str], list[int]]:
        """Repair every token outside URLs; return the lines and the number of words changed in each.

        Where a token has rival readings that are both common words (`made`: `møde` or `måde`),
        the text itself decides: the reading whose word family occurs elsewhere in the repaired
        text (`mødet`, `dialogmøde`) wins, when that evidence outweighs the frequency difference.
        `pages` gives each line's page, where the lines are a document's: the token's own page is
        the best evidence, and the other pages count at OTHER_PAGES_WEIGHT.
        """
        pages = pages or [0] * len(lines)
        pronouns = [BAR_FOR_I.subn("I", line) if "|" in line else (line, 0) for line in lines]
        pronouns = [(PARTY_LETTER_AT.subn("Ø", line) if "(@)" in line else (line, 0), n) for line, n in pronouns]
        lines = [line for (line, _), _ in pronouns]
        spans = [self._join_split_words(line, self._split_glued_words(line, _tokens(line))) for line in lines]
        lines_of: dict[int, list[int]] = {}
        for k, page in enumerate(pages):
            lines_of.setdefault(page, []).append(k)
        # Each distinct token of a page once, with how often the page has it, in the order of first occurrence.
        page_tokens = {page: Counter(token.text for k in ks for token in spans[k]) for page, ks in lines_of.items()}
        decided = {text: self.decide(text) for counts in page_tokens.values() for text in counts}
        evidence: dict[int, Counter[str]] = {}
        undecided: dict[int, Counter[Decision]] = {}
        for page, counts in page_tokens.items():
            evidence[page], undecided[page] = Counter(), Counter()
            for text, occurrences in counts.items():
                decision = decided[text]
                if decision.rivals:
                    undecided[page][decision] += occurrences
                else:
                    evidence[page][(decision.text or text).lower()] += occurrences
        document = sum(evidence.values(), Counter())
        # The text decides once per token and page, in the order the tokens first occur, and each
        # reading it settles counts as evidence for the next (`made` read as `møde` speaks for `Mødeplan`).
        settled: dict[tuple[Decision, int], str | None] = {}
        for page, page_undecided in undecided.items():
            other_pages = document - evidence[page] if len(evidence) > 1 else Counter()
            # The words one to a line, so that a word family is found by one search of them.
            words = _WordLines(evidence[page]), _WordLines(other_pages)
            for decision, occurrences in page_undecided.items():
                chosen = self._in_context(decision, *words)
                settled[decision, page] = chosen.text if chosen.substitutions else None
                words[0].add(chosen.text.lower(), occurrences)
                document[chosen.text.lower()] += occurrences
        facts = _TextFacts(
            settled=settled,
            capitalised=self._capitalised_in_text(lines, spans, decided),
            abbreviations=self._abbreviations_in_text(decided),
            words=[w for w, n in document.items() if n >= LEARN_MIN_COUNT and _HAS_DANISH_LETTER(w)],
            pages={page: [(text, decided[text]) for text in counts] for page, counts in page_tokens.items()},
        )
        out, changed = [], [bars + parties for (_, parties), bars in pronouns]
        previous_line = ""
        for k, (line, line_spans) in enumerate(zip(lines, spans, strict=True)):
            pieces, last = [], 0
            previous: _Token | None = None
            for token in line_spans:
                decision = decided[token.text]
                if decision.text is None and not decision.rivals:
                    fixed = self._unread(line, previous, token, facts)
                else:
                    fixed = self._read_in_text(
                        previous_line, line, line_spans, previous, token, decision, pages[k], facts
                    )
                previous = token
                if fixed is None:
                    # `OU` where the text names `Økonomiudvalget`; two fragments joined stay joined
                    fixed = facts.abbreviations.get(token.text) or (token.text if token.joined else None)
                if fixed is not None:
                    pieces += [line[last : token.start], fixed]
                    last = token.end
                    changed[k] += 1
            pieces.append(line[last:])
            out.append("".join(pieces))
            previous_line = line
        return out, changed

    def _letters_printed(self, page: list[tuple[str, Decision]]) -> dict[tuple[str, str], set[str]]:
        """How the page printed each Danish letter, from its repairs (`feelles` → `fælles`: æ as
        `ee`): per (letter, sign), the words read so; (letter, "") collects the words with the letter.
        The page is given as its distinct tokens with their decisions."""
        read = [(token, decision.text) for token, decision in page if decision.text is not None and not decision.rivals]
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

    def _sign_page_never_prints(self, token: str, reading: str, page: int, facts: _TextFacts) -> bool:
        """Whether the reading takes a plain letter of the token for a Danish letter that the page,
        printing that letter often, never prints so in another word, while the token may be spelt as
        read: no lexicon word or name backs the reading and no letter of the token is one Danish
        spelling hardly has there (`underskudsdekning`, where the page prints æ only as `ee`)."""
        signs = _letter_signs(token, reading) or ()
        plain = [
            (letter, sign)
            for letter, sign in signs
            if len(sign) == 1 and sign.isalpha() and _CONFUSION_COST.get((sign, letter), 1.0) > LIKELY_CONFUSION
        ]
        if not plain or self.is_name(reading) or reading.lower() in load_proper_nouns():
            return False
        if self._char_model is None:
            self._char_model = load_char_model()
        if self._char_model.least_likely(token) <= UNLIKELY_LETTER:
            return False
        printed, own = facts.printed(page, self), reading.lower()
        return any(
            len(printed.get((letter, ""), set()) - {own}) >= MIN_LETTER_OBSERVATIONS
            and not printed.get((letter, sign), set()) - {own}
            for letter, sign in plain
        )

    def _unread(self, line: str, previous: _Token | None, token: _Token, facts: _TextFacts) -> str | None:
        """What a token no reading was found for becomes in its text (None: as printed)."""
        text = token.text
        if text.islower() and self._known.get(text):
            return None  # most tokens: a word in lower case
        if text[0].isupper() and previous is not None and _after_first_name(line, previous, token):
            name = _name_with_lost_letter(text)  # `Dorte Hj`: `Høj`, its ø lost
            if name is not None:
                return name
        if facts.words and len(text) >= MIN_RESPELL_LEN and not self.is_word(text.lower()):
            return self._as_text_word(text, facts.words)  # `Stdvring` where the text reads `Støvring`
        return None

    def _read_in_text(
        self,
        previous_line: str,
        line: str,
        line_tokens: list[_Token],
        previous: _Token | None,
        token: _Token,
        decision: Decision,
        page: int,
        facts: _TextFacts,
    ) -> str | None:
        """What a token with a reading (or readings for the text to choose from) becomes in its text."""
        text = token.text
        fixed = facts.settled[decision, page] if decision.rivals else decision.text
        if fixed and previous is not None and self._family_name_slot(line, previous, token, fixed):
            fixed = None  # `Rune Kallager`: after a first name comes a family name, not `Kållager`
        if fixed and fixed.lower() not in self.lexicon and self._sign_page_never_prints(text, fixed, page, facts):
            fixed = None  # `underskudsdekning`: a compound read through a sign this page does not print so
        if (
            decision.rivals
            and text[0].isupper()
            and any(r.substitutions == 0 and len(r.parts) == 1 for r in decision.rivals)
            and not _starts_sentence(previous_line, line[: token.start])
        ):
            fixed = None  # a capital inside a sentence makes a name of a word: `Charlotte Sander`
        if (
            fixed
            and text[0] in "GEOA"
            and fixed[0] in "ØÆ"
            and fixed[1:] == text[1:]
            and not self._keeps_capital(fixed, facts.capitalised)
            and not _starts_sentence(previous_line, line[: token.start])
        ):
            fixed = None  # `Ole Egede` is a name, not `Øgede`: inside a sentence only names change
        if (
            fixed
            and text[0] == "@"
            and not _starts_sentence(previous_line, line[: token.start])
            and not self._keeps_capital(fixed, facts.capitalised)
            and not _in_title_case(line, line_tokens, token)
        ):
            fixed = fixed[0].lower() + fixed[1:]  # `@` is Ø or ø; inside a sentence, ø (`@vrige`)
        if fixed is not None and not decision.rivals and facts.words and fixed.lower() not in self.lexicon:
            # `Hdrning` read as a guess (`Hårning`) where the text reads `Hørning`
            fixed = self._as_text_word(text, facts.words) or fixed
        return fixed

    def _family_name_slot(self, line: str, previous: _Token, token: _Token, fixed: str) -> bool:
        """Whether a capitalised token right after a common first name is read as something other
        than a name: there it is the family name, as printed unless a name list knows the reading
        or the token has letters Danish spelling hardly has (`Beekmark` is `Bækmark`)."""
        return (
            token.text[0].isupper()
            and not MARKED.search(token.text)
            and _after_first_name(line, previous, token)
            and not self.is_name(fixed)
            and fixed.lower() not in load_proper_nouns()
            and fixed not in self._learned.values()
        )

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
        i = 0
        while i < len(tokens):
            token = tokens[i]
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if (
                following is not None
                and following.start == token.end + 1
                and line[token.end] == " "
                and following.text.islower()
                and not self._known.get(following.text)  # the quick test first: most are words
                and not self.is_word(token.text.lower())
                and not self.is_word(following.text)
            ):
                text = token.text + following.text
                reading = self.decide(text).text or text
                if reading.lower() in self.lexicon:
                    joined.append(_Token(token.start, following.end, text, joined=True))
                    i += 2
                    continue
            joined.append(token)
            i += 1
        return joined

    def _in_context(self, decision: Decision, evidence: _WordLines, other_pages: _WordLines) -> Candidate:
        def family(part: str, whole: bool) -> float:
            """How often the word family of a reading (or of one part of a compound reading) occurs
            elsewhere in the text; a short word counts only itself (`år` is inside too many words)."""
            return count_in(evidence, part, whole) + OTHER_PAGES_WEIGHT * count_in(other_pages, part, whole)

        def count_in(words: _WordLines, part: str, whole: bool) -> int:
            if len(part) < MIN_FAMILY_LEN:
                return words.counts[part] if whole else 0
            base = self.lexicon.base_form(part)
            return sum(words.counts[seen] for seen in words.holding(base) if self._has_part(seen, base))

        # A part every reading has (the head of compound rivals) tells them nothing apart.
        shared = set.intersection(*(set(c.parts) for c in decision.rivals))

        def value(candidate: Candidate) -> float:
            in_archive = self._archive_counts.get(candidate.text.lower(), 0)
            whole = len(candidate.parts) == 1
            occurrences = sum(family(part, whole) for part in candidate.parts if part not in shared)
            return (
                candidate.score
                - candidate.cost
                + (KEEP_BONUS if candidate.substitutions == 0 else 0.0)
                + EVIDENCE_WEIGHT * math.log2(1 + occurrences)
                + ARCHIVE_WEIGHT * math.log2(1 + in_archive)
            )

        return max(decision.rivals, key=value)


def forget_texts() -> None:
    """Empty the caches keyed by the text seen so far (its lines, and its tokens with their readings),
    so that a benchmark's next round reads the text as new."""
    for cache in (_tokens, _url_spans, _letter_signs):
        cache.cache_clear()


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
_READ_AS = {"l": "i|", "i": "l"}
# A Danish letter stands for at most this many signs of the token (`eae`), or none (a lost letter).
MAX_SIGN_LEN = 3


@functools.lru_cache(maxsize=65536)
def _letter_signs(token: str, reading: str) -> tuple[tuple[str, str], ...] | None:
    """Which signs of the token a reading takes for each of its Danish letters (`feelles`, `fælles`:
    æ from `ee`), in lower case, each as short as the rest allows; None where the two do not align."""
    token, reading = token.lower(), reading.lower()

    def align(i: int, j: int) -> tuple[tuple[str, str], ...] | None:
        while j < len(reading) and reading[j] not in DANISH_LETTERS:
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


def _split_at_marked(token: str, as_read: Candidate) -> bool:
    """Whether the token as read is a compound only by way of a part holding letters Danish spelling
    hardly has (`arbejd|mee|sige`): no evidence that it was read right. Names keep theirs
    (`Lorenzen`, `Rosengreen`)."""
    if not token.islower() or len(as_read.parts) < 2 or not MARKED.search(token):
        return False
    return any(MARKED.search(part) for part in as_read.parts)


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


def _respelled_capital_only(token: str, candidate: Candidate) -> bool:
    return (
        candidate.substitutions == 1
        and len(candidate.parts) > 1
        and token[:1].isupper()
        and token[0] != "@"
        and candidate.text[:1] in "ØÆ"  # `Arshjul` is `Årshjul`: A for Å is the usual confusion
        and candidate.text[:1] != token[:1]
    )


def _part_gain(as_read: Candidate | None, best: Candidate, lexicon: Lexicon) -> float:
    """How much more common the one part a compound reading changes is than the part as read:
    `landdistrikts|råd` against `landdistrikts|rad` (the weakest part, `landdistrikt`, scores both)."""
    if as_read is None or len(as_read.parts) != len(best.parts) or len(best.parts) < 2:
        return 0.0
    differing = [(a, b) for a, b in zip(as_read.parts, best.parts, strict=True) if a != b]
    if len(differing) != 1:
        return 0.0
    read, changed = differing[0]
    return lexicon.strength(changed) - lexicon.strength(read)


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

    def add(self, word: str, occurrences: int) -> None:
        if word not in self.counts:
            self.lines += word + "\n"
        self.counts[word] += occurrences

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
    """What the whole text says that decides how a token reads in it."""

    settled: dict[tuple[Decision, int], str | None]  # rival readings the text chose, per page
    capitalised: set[str]  # words the text writes with a capital inside a sentence
    abbreviations: dict[str, str]  # `OU`: `ØU`, from the bodies the text names
    words: list[str]  # words with Danish letters the text reads at least LEARN_MIN_COUNT times
    pages: dict[int, list[tuple[str, Decision]]]  # each page's distinct tokens and their decisions
    _printed: dict[int, dict[tuple[str, str], set[str]]] = field(default_factory=dict)

    def printed(self, page: int, repairer: LetterRepairer) -> dict[tuple[str, str], set[str]]:
        """How the page prints each Danish letter, counted the first time it is asked."""
        if page not in self._printed:
            self._printed[page] = repairer._letters_printed(self.pages[page])
        return self._printed[page]


@functools.lru_cache(maxsize=8192)
def _tokens(line: str) -> tuple[_Token, ...]:
    """The line's tokens outside URLs (asked for twice: when a page is checked for the mangling, and
    when it is repaired)."""
    urls = _url_spans(line)
    new = tuple.__new__  # a quarter faster than _Token(...), for every token of every page
    matches = TOKEN.finditer(line)
    if not urls:
        return tuple([new(_Token, (m.start(), m.end(), m.group(), False)) for m in matches])
    return tuple([new(_Token, (*m.span(), m.group(), False)) for m in matches if not _inside(m.start(), urls)])


@functools.lru_cache(maxsize=4096)
def _url_spans(line: str) -> tuple[tuple[int, int], ...]:
    if "@" not in line and "://" not in line and "www." not in line:
        return ()  # most lines: no search
    return tuple([m.span() for m in URL.finditer(line)])


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
    name = f"misread_names_da_{hashlib.sha1(repr(MANGLINGS).encode()).hexdigest()[:12]}"
    return load_cached(lexicon.path.with_name(NAMES_FILE), name, count)


# One or two signs printed for a capital Ø/Æ/Å before the rest of a word in lower case (at least
# five letters, so short words and names are not guessed at), and how common the word must be.
MISREAD_FIRST_LETTER = re.compile(r"([A-Z@][A-Z@]?)([a-z]{5,})")
FIRST_SIGNS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ@")
FIRST_LETTER_MIN_ZIPF = 2.5
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


def mangled_spellings(word: str, limit: int = 64) -> set[str]:
    """How the English model may print a word with Danish letters (`Sølund`: `Sglund`, `Salund`, …)."""
    spellings = {""}
    for char in word:
        options = MANGLINGS.get(char, (char,))
        spellings = {s + o for s in spellings for o in options}
        if len(spellings) > limit:
            return set()
    spellings.discard(word)
    return spellings


def _all_caps(token: str) -> bool:
    """`KL`, `DASSOS`, `PA`: two or more capitals and no small letters (`P§` is a word, `På`)."""
    return token.isupper() and sum(1 for char in token if char.isupper()) >= 2


# What each single sign costs at least, read as each Danish letter, in lower case: `a` as å 0.1.
def _confusion_costs() -> dict[tuple[str, str], float]:
    costs: dict[tuple[str, str], float] = {}
    for source, readings in SUBSTITUTIONS.items():
        for letter, cost in readings:
            key = (source.lower(), letter.lower())
            if len(source) == 1 and cost < costs.get(key, 1.0):
                costs[key] = cost
    return costs


_CONFUSION_COST = _confusion_costs()


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
