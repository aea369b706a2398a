"""How Danish a spelling looks: a letter-trigram model of the lexicon's word forms.

Repair uses it for words no lexicon knows (names such as `Sølund`): `Sglund` opens with a letter
sequence no Danish word has, `Sølund` does not. Counting the trigrams of half a million forms
takes seconds, so the counts are kept beside the lexicon in models/ and loaded from there.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable

from minutesindex.config import models_dir
from minutesindex.repair.lexicon import LEXICON_FILE, load_cached, load_lexicon
from minutesindex.repair.readings import trigram_log_prob, trigram_table

ALPHABET_SIZE = 40
SMOOTHING = 0.5


class CharModel:
    """Trigram log probabilities, computed once per trigram the model has seen and once per context
    for the trigrams it has not (a repair asks for hundreds of thousands)."""

    def __init__(self, trigrams: dict[str, int], bigrams: dict[str, int]) -> None:
        self.trigrams = trigrams
        self.bigrams = bigrams
        self._seen = {
            trigram: math.log((count + SMOOTHING) / (bigrams.get(trigram[:2], 0) + SMOOTHING * ALPHABET_SIZE))
            for trigram, count in trigrams.items()
        }
        self._unseen = {
            context: math.log(SMOOTHING / (count + SMOOTHING * ALPHABET_SIZE)) for context, count in bigrams.items()
        }
        self._never = math.log(SMOOTHING / (SMOOTHING * ALPHABET_SIZE))  # an unseen trigram in an unseen context
        self._table = trigram_table(self._seen, self._unseen, self._never)  # the three, for log_prob

    def _log_probs(self, padded: str, start: int, end: int) -> list[float]:
        seen, unseen, never = self._seen, self._unseen, self._never
        out = []
        for i in range(start, end):
            trigram = padded[i : i + 3]
            value = seen.get(trigram)
            out.append(value if value is not None else unseen.get(trigram[:2], never))
        return out

    def log_prob(self, word: str) -> float:
        return trigram_log_prob(f"^^{word.lower()}$", self._table)

    def gains(self, word: str, changes: Iterable[tuple[int, int, str]]) -> list[float]:
        """For each change (at, width, replacement) of word[at : at + width], the log_prob of the
        changed word less the word's own: only the trigrams over the change are counted."""
        padded = f"^^{word.lower()}$"
        own = self._log_probs(padded, 0, len(padded) - 2)
        out = []
        for at, width, replacement in changes:
            # Padded, the change sits at at + 2; the trigrams starting at at .. at + width + 1 cover it.
            window = padded[at : at + 2] + replacement.lower() + padded[at + 2 + width : at + 4 + width]
            out.append(sum(self._log_probs(window, 0, len(window) - 2)) - sum(own[at : at + width + 2]))
        return out


def count_trigrams(words: Iterable[str]) -> CharModel:
    trigrams: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for word in words:
        padded = f"^^{word}$"
        for i in range(len(padded) - 2):
            trigrams[padded[i : i + 3]] += 1
            bigrams[padded[i : i + 2]] += 1
    return CharModel(dict(trigrams), dict(bigrams))


@functools.cache
def load_char_model() -> CharModel:
    """The model of the installed lexicon, counted on first use and then read from models/."""

    def count() -> tuple[dict[str, int], dict[str, int]]:
        model = count_trigrams(load_lexicon().zipf)
        return model.trigrams, model.bigrams

    load_lexicon()  # builds the lexicon file if this machine has none yet
    trigrams, bigrams = load_cached(models_dir() / LEXICON_FILE, "charmodel_da", count)
    return CharModel(trigrams, bigrams)
