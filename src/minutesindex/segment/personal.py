"""CPR numbers (Danish personal identity numbers) printed in published minutes: found so an item can
be flagged and an export can mask them.

A CPR number is ddmmyy-xxxx, also written without the hyphen or with a space. What only looks like
one is left alone: the date part must be a real day (a day of 1-31, or 61-91 for a substitute
number, and a month of 1-12), it must stand alone (not inside a longer number, a phone number's
pairs, an amount), and no word before it says it is something else (a case or account number).
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(r"(?<![\d.,/-])(\d{2})(\d{2})(\d{2})(?:-| )?(\d{4})(?!\d|[.,/-]\d)")
# Words that say the number is something else, within this many characters before it.
_OTHER_NUMBER = re.compile(
    r"(?i)(sags|sag|journal|j\.|konto|reg\.?|cvr|p|ean|faktura|ordre|tlf|telefon|mobil|fax|matr|lb\.?|bilag|"
    r"kr\.?|dkk|beløb)(?:[\s.-]?(?:nr|nummer|id))?\W{0,3}$"
)
CONTEXT = 20
MASK = "xxxxxx-xxxx"


def _is_cpr(match: re.Match[str]) -> bool:
    day, month = int(match[1]), int(match[2])
    if not (1 <= day <= 31 or 61 <= day <= 91) or not 1 <= month <= 12:
        return False
    before = match.string[max(0, match.start() - CONTEXT) : match.start()]
    return not _OTHER_NUMBER.search(before)


def cpr_numbers(text: str) -> list[str]:
    """The CPR numbers in a text, as printed."""
    return [match.group() for match in _CANDIDATE.finditer(text) if _is_cpr(match)]


def mask_cpr(text: str) -> str:
    """The text with every CPR number replaced by xxxxxx-xxxx."""
    return _CANDIDATE.sub(lambda match: MASK if _is_cpr(match) else match.group(), text)
