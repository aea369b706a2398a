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

ALPHABET_SIZE = 40
SMOOTHING = 0.5


class CharModel:
    def __init__(self, trigrams: dict[str, int], bigrams: dict[str, int]) -> None:
        self.trigrams = trigrams
        self.bigrams = bigrams

    def _log_probs(self, word: str) -> Iterable[float]:
        padded = f"^^{word.lower()}$"
        for i in range(len(padded) - 2):
            count = self.trigrams.get(padded[i : i + 3], 0)
            context = self.bigrams.get(padded[i : i + 2], 0)
            yield math.log((count + SMOOTHING) / (context + SMOOTHING * ALPHABET_SIZE))

    def log_prob(self, word: str) -> float:
        return sum(self._log_probs(word))

    def least_likely(self, word: str) -> float:
        """The log probability of the word's least Danish-looking letter (`g` after `^s` in `Sglund`)."""
        return min(self._log_probs(word))


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
