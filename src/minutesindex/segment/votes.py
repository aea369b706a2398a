"""Votes read from a decision's text, in the ways Danish minutes phrase them.

A vote sentence names a side (for, imod, undlod) and who took it: a count, party letters, names.

    For stemte 20 (A, F og Ø).            Imod stemte: V og O (5).
    Undlod at stemme: 2 (K).              Hverken for eller imod stemte K.
    Et flertal bestående af A, F og Ø (20) stemte for.
    Et mindretal bestående af V og O (5) stemte imod.   Mindretallet (V) stemte imod.
    Forslaget blev forkastet med 5 stemmer mod 4.       Godkendt med 20 stemmer for, 5 imod og 2 undlod.

Only the decision of the meeting is read (the item's last decision block): a quoted earlier
decision or a recommendation ("at udvalget stemmer for …") is no vote. A sentence that speaks of
voting but fits none of these forms leaves the item without votes, rather than with half of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PARTY = r"[A-ZÆØÅ]{1,3}\d?"  # A, SF, Ø, UP1 (a local list)
_NAME = (
    r"(?!Flertallet\b|Mindretallet\b|Et\b|Forslaget\b|For\b|Imod\b)"
    # A body is no member: `Udvalget undlod at tage stilling` decided nothing, it abstained from deciding.
    r"(?!(?i:\w*(?:udvalget|rådet|bestyrelsen|ledelsen|direktionen|forvaltningen|styregruppen))\b)"
    r"[A-ZÆØÅ][a-zæøåé]+(?:[- ](?:[A-ZÆØÅ]\.|[A-ZÆØÅ][a-zæøåé]+)){0,3}"  # `John T. Olsen`
)
# A member: a party in brackets `(C)`, a name with or without its party `Anne Hansen (V)`, a party `V`.
_MEMBER = rf"(?:\((?P<bracketed>{_PARTY})\)|(?P<name>{_NAME})(?:\s*\((?P<of>{_PARTY})\))?|(?P<party>{_PARTY}))"
_MEMBERS = re.sub(r"\(\?P<\w+>", "(?:", _MEMBER)
_LIST = rf"{_MEMBERS}(?:\s*(?:,|\bog\b|\+)\s*{_MEMBERS})*"
_WHO = rf"(?:(?P<count>\d+)\s*(?:\((?P<inner>{_LIST})\))?|(?P<members>{_LIST})\s*(?:\((?P<count2>\d+)\))?)"
# What may follow the side: `stemte imod med bemærkning om …`.
_TAIL = r"(?:\s+(?:med|idet|da|fordi|under\s+henvisning\s+til)\b[^.]*)?"
_VOTED = r"(?:stemte|stemmer)"

# One pattern per phrasing; each gives a side and who.
_FORMS = [
    # Et flertal bestående af A, F og Ø (20) stemte for. / Et mindretal bestående af V (5) stemte imod.
    re.compile(
        rf"^Et\s+(?P<group>flertal|mindretal)\s+bestående\s+af\s+{_WHO}\s+(?:{_VOTED}\s+(?P<side>for|imod)|"
        r"(?P<verb>godkendte|tiltrådte|anbefalede|vedtog|kunne\s+ikke\s+godkende|stemte\s+imod))\b[^.]*\.?$"
    ),
    # Mindretallet (V) stemte imod. / Flertallet (A, F) stemte for.
    re.compile(
        rf"^(?P<group>Flertallet|Mindretallet)\s*\((?P<members>{_LIST})\)\s+(?:{_VOTED}\s+(?P<side>for|imod)|"
        r"(?P<verb>godkendte|tiltrådte|kunne\s+ikke\s+godkende|ønskede\s+ikke\s+at\s+godkende))\b[^.]*\.?$"
    ),
    # For stemte 20 (A, F og Ø). / Imod stemte: V og O (5). / Undlod at stemme: 2 (K).
    re.compile(rf"^(?P<side>For|Imod)\s+{_VOTED}\s*:?\s*{_WHO}\.?$"),
    re.compile(rf"^(?:Undlod\s+at\s+stemme|Hverken\s+for\s+eller\s+imod\s+stemte|Undlod)\s*:?\s*{_WHO}\.?$"),
    # For: 20 (A, F). / Imod: V og O.
    re.compile(rf"^(?P<side>For|Imod)\s*:\s*{_WHO}\.?$"),
    # 20 (A, F og Ø) stemte for. / V og O stemte imod. / K undlod at stemme.
    re.compile(rf"^{_WHO}\s+{_VOTED}\s+(?P<side>for|imod){_TAIL}\.?$"),
    re.compile(rf"^{_WHO}\s+(?:undlod|undlader)\s+at\s+(?:stemme|tage\s+stilling){_TAIL}\.?$"),
]
# Forslaget blev forkastet med 5 stemmer mod 4. / Godkendt med 20 stemmer for, 5 imod og 2 undlod.
_TALLY = re.compile(
    r"^(?:(?:Forslaget|Indstillingen|Sagen)\s+blev\s+)?(?P<result>vedtaget|forkastet|godkendt|afvist|tiltrådt)\s+"
    r"med\s+(?P<for>\d+)\s+stemmer?\s+(?:mod\s+(?P<against>\d+)|for\s*,?\s*(?P<against2>\d+)\s+imod"
    r"(?:\s*(?:,|og)\s*(?P<abstain>\d+)\s+(?:undlod|hverken\s+for\s+eller\s+imod)(?:\s+at\s+stemme)?)?)\s*\.?$",
    re.I,
)
_VOTE_WORDS = re.compile(
    r"\b(stemte|stemmer|undlod at stemme|undlod at tage stilling|flertal|mindretal|flertallet|mindretallet)\b"
    r"|^(?:For|Imod|Undlod)\s*:",
    re.I,
)
_RECOMMENDATION = re.compile(r"\bat\s+(?:udvalget|byrådet|kommunalbestyrelsen|regionsrådet)\b", re.I)
# Sentences end at . ! ? before a capital, not after an initial (`John T. Olsen`).
_SENTENCE = re.compile(r"(?<=[.!?])(?<!\b[A-ZÆØÅ]\.)\s+(?=[A-ZÆØÅ])|\n+")


@dataclass
class Vote:
    side: str  # for | imod | undlod
    count: int | None = None
    parties: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class Votes:
    votes: list[Vote]
    result: str | None = None  # vedtaget | forkastet, where the text says or the counts tell


_MEMBER_RE = re.compile(_MEMBER)


def _vote(match: re.Match[str], side: str) -> Vote:
    groups = match.groupdict()
    count = groups.get("count") or groups.get("count2")
    parties: list[str] = []
    names: list[str] = []
    for member in _MEMBER_RE.finditer(groups.get("inner") or groups.get("members") or ""):
        if member["name"]:
            names.append(member["name"])
        party = member["bracketed"] or member["of"] or member["party"]
        if party and party not in parties:
            parties.append(party)
    return Vote(side, int(count) if count else None, parties, names)


def _side(match: re.Match[str]) -> str:
    groups = match.groupdict()
    if groups.get("side"):
        return groups["side"].lower()
    verb = (groups.get("verb") or "").lower()
    if verb:
        return "imod" if "ikke" in verb or "imod" in verb else "for"
    return "undlod"


def read_votes(decision: str) -> Votes | None:
    """The votes a decision records, or None where it records none or one cannot be read whole."""
    votes: list[Vote] = []
    result = None
    for sentence in (s.strip() for s in _SENTENCE.split(decision)):
        if not sentence or not _VOTE_WORDS.search(sentence) and not _TALLY.match(sentence):
            continue
        if _RECOMMENDATION.search(sentence):
            return None  # "at udvalget stemmer for": a recommendation, not a vote
        if tally := _TALLY.match(sentence):
            result = "forkastet" if tally["result"].lower() in ("forkastet", "afvist") else "vedtaget"
            first, second = int(tally["for"]), int(tally["against"] or tally["against2"])
            if tally["against"] and result == "forkastet":  # `forkastet med 5 stemmer mod 4`: 5 against
                first, second = second, first
            votes += [Vote("for", first), Vote("imod", second)]
            if tally["abstain"]:
                votes.append(Vote("undlod", int(tally["abstain"])))
            continue
        match = next((m for form in _FORMS if (m := form.match(sentence))), None)
        if match is None:
            return None  # speaks of votes in a way not read: no half a tally
        vote = _vote(match, _side(match))
        if vote not in votes:  # the same vote printed again under each part of a decision
            votes.append(vote)
    if not votes:
        return None
    if result is None:
        counted = {v.side: v.count for v in votes if v.count is not None}
        if "for" in counted and "imod" in counted and counted["for"] != counted["imod"]:
            result = "vedtaget" if counted["for"] > counted["imod"] else "forkastet"
    return Votes(votes, result)
