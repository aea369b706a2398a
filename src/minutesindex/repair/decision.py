"""The one scored decision of letter repair.

Every way of reading a token is a candidate (as read, one or more confusions undone, a name, a
word the text reads elsewhere …), made by a generator that says which it is. Each candidate gets
its evidence as features; one weighted sum scores it, and the best candidate wins: "as read" is
simply the candidate with no change. The weights live in one table (`repair_weights_da.json`
beside this module), fitted by `scripts/fit_repair.py` on the bench's `dev` split.

Features are computed in two parts: what the token alone tells (cached per token), and what its
text tells (its page's other words, the words the archive reads right, the line around it).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("repair_weights_da.json")

# What the token alone tells of a candidate (see LetterRepairer.token_features).
TOKEN_FEATURES = (
    "changed",  # 1 for every candidate but the token as read
    "substitutions",  # confusions undone
    "channel_cost",  # -log10 P(signs | letters) of the confusions undone (repair/channel.py)
    "known_word",  # the reading is a word of the lexicon
    "word_zipf",  # its frequency (zipf) where it is a word
    "caps_function_word",  # a token of three capitals or fewer read as a function word (`OG`, `PÅ`)
    "estimated",  # the word list alone knows it (a rare form)
    "compound",  # the reading is a compound of known parts only
    "old_spelling_part",  # a compound with a part spelt with `aa` (`nær|gaard`): names write so, words no more
    "compound_parts",  # parts beyond the first
    "compound_zipf",  # the frequency of its rarest part
    "unknown",  # neither a word nor a compound (a name, a respelling)
    "name",  # a Danish name or proper noun
    "minutes_words",  # log2(1 + its count in minutes), a compound its last part's (lexicon.load_minutes_words)
    "letter_fit",  # letter-trigram log-probability per letter (repair/charmodel.py)
    "marked_token",  # the token holds signs Danish spelling hardly has (`ee`, `ze`, `@`) × changed
    "known_token",  # the token as read is a word × changed
    "known_token_zipf",  # its frequency × changed
    "compound_token",  # the token as read is a compound of known parts × changed
    "capital_changed",  # the reading changes the token's capital first letter
    "capitalised_word",  # a capitalised token read as a word or compound × changed
    "name_token",  # the token as read is a name × changed
    "name_lost",  # the token as read is a name, the reading none
    "capitalised",  # the token starts with a capital × changed
    "abbreviation_ending",  # the token is an abbreviation with an ending (`KLs`), the change on the ending
    "all_caps",  # the token is in capitals × changed
    "short",  # the token has three letters or fewer × changed
    "source_channel",
    "source_learned",
    "source_misread_name",
    "source_first_letter",
    "source_short_head",
    "source_glued_head",
    "source_respelled",
)
# What the text tells (see LetterRepairer._context_features).
CONTEXT_FEATURES = (
    "family",  # log2(1 + occurrences of the reading's word family in the text, other pages counting half)
    "readings_family",  # the same among every reading of the text's other tokens, each by its probability
    "archive",  # log2(1 + occurrences in documents of the home read right)
    "lower_case_sentence_start",  # a reading in lower case where a sentence starts and the token is not
    "mid_sentence_change",  # a capitalised token inside a sentence, changed (names stay as printed)
    "after_first_name_change",  # a capitalised token right after a common first name, changed
    "family_name_lost",  # the same, read as no name
    "name_after_first_name",  # a capitalised reading that is a name, right after a common first name
    "page_channel_cost",  # -log10 P(signs | letters) on the page's own channel (its unambiguous repairs, smoothed)
    "capital_inside_sentence",  # a capital Ø/Æ/Å written inside a sentence where the text has none
    "known_token_no_family",  # a word as read changed into one its text never uses elsewhere
    "source_text_word",
    "source_abbreviation",
    "source_lost_letter",
    "source_lower_case",
)
FEATURES = TOKEN_FEATURES + CONTEXT_FEATURES


@functools.cache
def load_weights(path: Path = WEIGHTS_FILE) -> dict[str, float]:
    """The fitted weight of each feature (0 for one the table lacks)."""
    table = json.loads(path.read_text(encoding="utf-8"))
    return {name: float(table["weights"].get(name, 0.0)) for name in FEATURES}


def score(features: Mapping[str, float], weights: Mapping[str, float]) -> float:
    total = 0.0  # a loop, not sum() over a generator: every reading of every token is scored
    for name, value in features.items():
        if value:
            total += weights[name] * value
    return total


@dataclass(frozen=True)
class Scored:
    """A candidate reading with its features and score, as `--explain` shows it."""

    text: str
    source: str
    features: dict[str, float]
    score: float

    def as_dict(self) -> dict[str, object]:
        features = {name: round(value, 3) for name, value in self.features.items() if value}
        return {"text": self.text, "source": self.source, "score": round(self.score, 3), "features": features}
