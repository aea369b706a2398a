"""Restore æ, ø and å in text that Tesseract read with the wrong (English) language model.

A page is repaired only when it shows the mangling: no Danish letters at all, yet words that
become Danish words once the known confusions are undone. Candidates come from those confusions
and are chosen by a Danish lexicon with frequencies; compounds are accepted when they split into
known parts. A word that is already Danish is changed only when the candidate is far more common
(`pa` → `på`, `ar` → `år`), never on weak evidence (`far`, `for`, `har` stay).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from minutesindex.repair.lexicon import LINKERS, MIN_PART, WORDLIST_ONLY_ZIPF, Lexicon

# What the English model prints for Danish letters (observed in OCR of Danish pages).
# What the English model prints for Danish letters, with a cost: rarer confusions cost more,
# so `gar` reads `går` (a→å is the usual confusion) rather than `gør`.
SUBSTITUTIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "g": (("ø", 0.1),),
    "a": (("å", 0.1), ("ø", 0.5)),
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
    "é": (("å", 0.2),),
    "á": (("å", 0.2),),
    "4": (("å", 0.2),),
    "@": (("Ø", 0.1),),
    "O": (("Ø", 0.5),),
    "G": (("Ø", 0.3),),
    "A": (("Å", 0.3), ("Ø", 0.5)),
    "E": (("Æ", 0.4), ("Ø", 0.6)),
    "AE": (("Æ", 0.2),),
    "Z": (("Æ", 0.2),),
    "ZA": (("Æ", 0.2),),
    "Z£": (("Æ", 0.2),),
    "£": (("Æ", 0.2),),
    "fE": (("Æ", 0.2),),
    "I": (("l", 0.2),),
    "|": (("l", 0.1),),
}
_MAX_SOURCE = max(len(k) for k in SUBSTITUTIONS)
DANISH_LETTERS = set("æøåÆØÅ")
TOKEN = re.compile(r"[@|£]?[^\W\d_][\w@&|£]*|[@|£&][\w@&|£]+")
URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
# A word that is already Danish is replaced only by a candidate this much more frequent (zipf).
KNOWN_WORD_MARGIN = 1.0
COMPOUND_PENALTY = 0.75
# A word known only as a compound of other words is weaker evidence than a lexicon word.
COMPOUND_ORIGINAL_MARGIN = 0.5
# A compound candidate of rare parts (`Mehlsen` → `Mæh|læn`) is noise, not a repair.
MIN_COMPOUND_SCORE = 1.5
# Share of words with Danish letters above which a page is taken as correctly read.
CLEAN_DANISH_SHARE = 0.01
MANGLED_EVIDENCE_SHARE = 0.03


@dataclass(frozen=True)
class Candidate:
    text: str
    substitutions: int
    cost: float
    parts: tuple[str, ...]  # more than one for a compound
    score: float


class LetterRepairer:
    """Repairs tokens with a per-token cache (word frequencies are Zipfian, so the cache hits)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._cache: dict[str, str | None] = {}

    def is_word(self, lower: str) -> bool:
        return self.lexicon.knows(lower)

    # -- detection ---------------------------------------------------------------------------
    def looks_mangled(self, text: str) -> bool:
        """True when the text has no Danish letters but many words that the confusions explain."""
        tokens = [t for t in TOKEN.findall(URL.sub(" ", text)) if len(t) > 1]
        if not tokens:
            return False
        with_danish = sum(1 for t in tokens if DANISH_LETTERS.intersection(t))
        if with_danish / len(tokens) >= CLEAN_DANISH_SHARE:
            return False
        evidence = sum(1 for t in set(tokens) if self.repair_token(t) is not None)
        return evidence >= max(2, MANGLED_EVIDENCE_SHARE * len(set(tokens)))

    # -- restoration -------------------------------------------------------------------------
    def repair_token(self, token: str) -> str | None:
        """The repaired form of a token from mangled text, or None to leave it as it is."""
        if token in self._cache:
            return self._cache[token]
        result = self._choose(token)
        self._cache[token] = result
        return result

    def _choose(self, token: str) -> str | None:
        if DANISH_LETTERS.intersection(token) or (token.isupper() and len(token) <= 3 and token != "PA"):
            return None
        candidates = self.candidates(token)
        original = max((c.score for c in candidates if c.substitutions == 0), default=None)
        if original is None and self.lexicon.inflection_of_known(token.lower()):
            original = WORDLIST_ONLY_ZIPF
        changed = [c for c in candidates if c.substitutions > 0]
        if not changed:
            return None
        best = max(changed, key=lambda c: (-len(c.parts), c.score - c.cost))
        if len(best.parts) > 1 and best.score < MIN_COMPOUND_SCORE:
            return None
        if original is not None:
            known_whole = token.lower() in self.lexicon
            if known_whole and len(best.parts) > 1:
                return None
            margin = KNOWN_WORD_MARGIN if known_whole else COMPOUND_ORIGINAL_MARGIN
            if best.score - original < margin:
                return None
        return best.text if best.text != token else None

    def candidates(self, token: str) -> list[Candidate]:
        """Every reading of the token that the confusions allow and the lexicon accepts."""
        max_subs = min(3, max(2, len(token) // 3))
        found: dict[str, Candidate] = {}
        lex = self.lexicon

        def walk(i: int, out: str, part_start: int, subs: int, cost: float, parts: tuple[str, ...]) -> None:
            part = out[part_start:].lower()
            if i == len(token):
                if part in lex and (not parts or len(part) >= MIN_PART):
                    all_parts = (*parts, part)
                    score = min(lex.frequency(p) for p in all_parts) - COMPOUND_PENALTY * len(parts)
                    old = found.get(out)
                    if old is None or (subs, -score) < (old.substitutions, -old.score):
                        found[out] = Candidate(out, subs, round(cost, 2), all_parts, score)
                return
            if len(part) >= MIN_PART and len(parts) < 3 and part in lex:
                walk(i, out, len(out), subs, cost, (*parts, part))
                if token[i] in LINKERS and i + 1 < len(token):
                    walk(i + 1, out + token[i], len(out) + 1, subs, cost, (*parts, part))
            char = token[i]
            if lex.has_prefix(part + char.lower()):
                walk(i + 1, out + char, part_start, subs, cost, parts)
            if subs >= max_subs:
                return
            for width in range(1, min(_MAX_SOURCE, len(token) - i) + 1):
                for replacement, extra in SUBSTITUTIONS.get(token[i : i + width], ()):
                    if lex.has_prefix(part + replacement.lower()):
                        text = out + _match_case(replacement, token, out)
                        walk(i + width, text, part_start, subs + 1, cost + extra, parts)

        walk(0, "", 0, 0, 0.0, ())
        return list(found.values())

    def repair_line(self, line: str) -> tuple[str, int]:
        """Repair every token of one line outside URLs; return the line and the words changed."""
        changed = 0
        pieces: list[str] = []
        last = 0
        protected = [m.span() for m in URL.finditer(line)]
        for match in TOKEN.finditer(line):
            start, end = match.span()
            if any(a <= start < b for a, b in protected):
                continue
            fixed = self.repair_token(match.group())
            if fixed is not None:
                pieces.append(line[last:start])
                pieces.append(fixed)
                last = end
                changed += 1
        pieces.append(line[last:])
        return "".join(pieces), changed


def _match_case(replacement: str, token: str, out: str) -> str:
    """An all-caps word gets Æ/Ø/Å; inside a word in lower case an upper-case form (`Dr@fter`) is lowered."""
    if token.isupper() and len(token) > 1:
        return replacement.upper()
    if replacement.isupper() and out:
        return replacement.lower()
    return replacement
