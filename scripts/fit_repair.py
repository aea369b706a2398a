"""Fit the weights of letter repair's scored decision (src/minutesindex/repair/repair_weights_da.json)
on the bench's `dev` and `councils` splits, and estimate the decision on councils it was not fitted on.

Each page (its English-model OCR) is repaired as `minutesindex repair` repairs it, with every token
whose text is weighed explained: its candidates with their features. Each such token is paired with
the word the clean page has in its place (the two word sequences aligned by their letters outside
the confusions), and where one candidate is that word, the group of candidates is a training
example. The weights maximise the likelihood of the right candidates under a softmax of the
weighted sums (conditional logit, L2-regularised, full-batch Adam); a token whose right reading is
the one printed counts KEEP_WEIGHT times, since a word damaged costs more than a word left unrepaired.
Since the first reading of every token (with the weights) is the evidence the second weighs, the fit
runs in rounds: repair with the weights, collect, refit.

A `dev` page is repaired with the domain's word counts (lexicon.load_minutes_words) taken without
its own source document, as a council's minutes meet them, so the fit weighs them at what they are
worth on minutes they were not counted from.

`--leave-one-out councils` reports the honest estimate: for each council of the split, the weights
fitted without it (on the other splits and councils) choose on its weighed tokens, and repair its
page as `minutesindex repair` does, which the bench's score.py then scores.

    .venv/bin/python scripts/fit_repair.py [--splits dev councils] [--rounds 3] [--leave-one-out councils]
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from minutesindex.repair import channel
from minutesindex.repair.danish import Explanation, LetterRepairer, _tokens, forget_texts
from minutesindex.repair.decision import FEATURES, WEIGHTS_FILE
from minutesindex.repair.lexicon import load_lexicon
from minutesindex.repair.text import prepared_pages, repair_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from count_minutes_words import DEV_SOURCES, SEEDS, count_words  # noqa: E402

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "repair"
WORD = re.compile(r"[^\W_]+")  # a hyphenated name's parts are tokens of their own (`Wedell-Neergaard`)
L2 = 0.002  # per example, on every weight
STEPS = 3000
LEARNING_RATE = 0.05
# What a token whose right reading is as printed counts: swept over 1, 2, 3 fitting on dev and
# scoring councils (damaged words 5 / 4 / 2, æøå words 0.930 / 0.916 / 0.914); 2 keeps the damage
# the target allows without losing the repairs.
KEEP_WEIGHT = 2.0

Group = tuple[np.ndarray, int, float]

# Pages written here to show the fit a phenomenon the bench has too few of (two tokens of one
# council): councils abbreviate a body by its initials (`ØU` for Økonomiudvalget), and the English
# model misreads the Danish initial (`OU`, `@U`). The pages name a body and list agenda items under
# its abbreviation, printed through the counted channel; only the abbreviations' groups are kept,
# so the pages' other words teach the fit nothing.
ABBREVIATED_BODIES = ("Økonomiudvalget", "Ældrerådet", "Økonomiforvaltningen", "Ældreudvalget")
NAMING = (
    "Sagen blev behandlet i {body} den {day}. maj.",
    "{body} indstiller, at forslaget godkendes.",
    "Indstillingen fra {body} blev vedtaget uden bemærkninger.",
    "Sagen oversendes til {body} med henblik på beslutning.",
)
AGENDA_LINE = ("{n}. {abbreviation} - {title}", "Punkt {n} {abbreviation} - {title}", "{abbreviation}: {title}")
TITLES = ("Godkendelse af regnskab", "Budget for næste år", "Takster", "Forslag til ny aftale", "Høring om planen")
SYNTHETIC_PAGES = 24
SYNTHETIC_SEED = 7


def skeleton(word: str) -> str:
    """A word less the letters and signs the channel confuses, to pair printed words with written ones."""
    return re.sub(r"[æøåaeogdzl@&¢£§4|i/éá®]", "", word.lower())


def groups_of_page(repairer: LetterRepairer, printed: str, clean: str) -> list[tuple[np.ndarray, int]]:
    """(candidate features, index of the right candidate) of each weighed token of the page that
    has one right candidate."""
    together, page_of_line, _ = prepared_pages([printed], repairer)
    explained: list[Explanation] = []
    if together:
        repairer.repair_lines(together, page_of_line, explained)
    tokens = [(k, token.start, token.text) for k, line in enumerate(together) for token in _tokens(line)]
    gold = WORD.findall(clean)
    matcher = difflib.SequenceMatcher(
        None, [skeleton(t) for _, _, t in tokens], [skeleton(w) for w in gold], autojunk=False
    )
    right: dict[tuple[int, int], str] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            k, start, _ = tokens[block.a + offset]
            right[k, start] = gold[block.b + offset]
    groups = []
    for explanation in explained:
        word = right.get((explanation.line, explanation.start))
        texts = [scored.text for scored in explanation.scored]
        if word is None or word not in texts or len(texts) < 2:
            continue
        features = np.array([[scored.features.get(name, 0.0) for name in FEATURES] for scored in explanation.scored])
        groups.append((features, texts.index(word)))
    return groups


def pages_of(split: str) -> list[Path]:
    pages = sorted((BENCH / split).glob("*.ocr_eng.txt"))
    if not pages:
        raise SystemExit(f"no pages in {BENCH / split}: the bench is looked for beside the project")
    return pages


def minutes_without(page: Path) -> Mapping[str, int] | None:
    """The domain's word counts a page is repaired with: for a page cut from one of the counted seed
    documents, the counts of the others; None (the shipped table) for any other page."""
    own = page.name[:3]
    if not own or not any(source.startswith(own) for source in DEV_SOURCES):
        return None
    return count_words(sorted(p for p in SEEDS.glob("*.txt") if p.name.startswith(DEV_SOURCES) and p.name[:3] != own))


def clean_of(printed: Path) -> Path:
    return printed.with_name(printed.name.replace(".ocr_eng.txt", ".clean.txt"))


def home_words(page: Path, pages: list[Path]) -> Counter[str]:
    """The words a home holds read right when the page comes to be repaired: the other pages of its
    own document (an agenda read from its text layer before the minutes were scanned)."""
    own = page.name.split("_c")[0]
    words: Counter[str] = Counter()
    for other in pages:
        if other != page and other.name.split("_c")[0] == own:
            words.update(WORD.findall(clean_of(other).read_text(encoding="utf-8")))
    return words


def printed_by_channel(text: str, rng: random.Random) -> str:
    """The text as the English model may print it: each Danish letter replaced by a sign drawn with
    the counted channel's probabilities."""
    table = channel.counts()
    out = []
    for char in text:
        signs = table.get(char) if char in channel.DANISH_LETTERS else None
        out.append(rng.choices(list(signs), weights=list(signs.values()))[0] if signs else char)
    return "".join(out)


def abbreviation_pages(rng: random.Random) -> list[tuple[str, str]]:
    """(printed, clean) pages that name a body and list items under its initials (ABBREVIATED_BODIES)."""
    lexicon = load_lexicon()
    pages = []
    for _ in range(SYNTHETIC_PAGES):
        body = rng.choice(ABBREVIATED_BODIES)
        initials = "".join(part[0] for part in lexicon.split_compound(body.lower()) or (body.lower(),)).upper()
        lines = [rng.choice(NAMING).format(body=body, day=rng.randint(1, 28))]
        for n in range(1, rng.randint(3, 6)):
            title = rng.choice(TITLES)
            lines.append(rng.choice(AGENDA_LINE).format(n=n, abbreviation=initials, title=title))
        clean = "\n".join(lines) + "\n"
        pages.append((printed_by_channel(clean, rng), clean))
    return pages


def synthetic_groups(weights: dict[str, float]) -> list[Group]:
    """The abbreviations' training groups of the written pages (abbreviation_pages)."""
    lexicon = load_lexicon()
    groups = []
    for printed, clean in abbreviation_pages(random.Random(SYNTHETIC_SEED)):
        forget_texts()
        for x, y in groups_of_page(LetterRepairer(lexicon, weights=weights), printed, clean):
            if x[:, ABBREVIATION].any():
                groups.append((x, y, KEEP_WEIGHT if x[y, CHANGED] == 0 else 1.0))
    return groups


def collect(pages: list[Path], weights: dict[str, float]) -> dict[Path, list[Group]]:
    """The training groups of each page, each page repaired as its home would repair it."""
    lexicon = load_lexicon()
    groups = {}
    for printed in pages:
        repairer = LetterRepairer(lexicon, weights=weights, minutes_words=minutes_without(printed))
        repairer.learn(home_words(printed, pages))
        forget_texts()
        found = groups_of_page(
            repairer, printed.read_text(encoding="utf-8"), clean_of(printed).read_text(encoding="utf-8")
        )
        groups[printed] = [(x, y, KEEP_WEIGHT if x[y, CHANGED] == 0 else 1.0) for x, y in found]
    return groups


CHANGED = FEATURES.index("changed")
ABBREVIATION = FEATURES.index("source_abbreviation")
SYNTHETIC = Path("written/abbreviations")  # the written pages' key among the bench's pages
# A change, or a confusion undone, is never evidence by itself: what it costs, the evidence for the
# reading must pay (left free, the fit gave `changed` and `substitutions` +0.6 and +0.8, and changed words read
# right as printed).
NOT_REWARDED = [FEATURES.index(name) for name in ("changed", "substitutions", "channel_cost", "page_channel_cost")]


def fit(groups: list[tuple[np.ndarray, int, float]], start: np.ndarray) -> np.ndarray:
    """The weights maximising the (weighted) log-likelihood of the right candidates, less L2."""
    features = np.vstack([x for x, _, _ in groups])
    sizes = np.array([len(x) for x, _, _ in groups])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    right = offsets + np.array([y for _, y, _ in groups])
    group_of = np.repeat(np.arange(len(groups)), sizes)
    shares = np.array([share for _, _, share in groups])
    total = shares.sum()
    w = start.copy()
    m, v = np.zeros_like(w), np.zeros_like(w)
    for step in range(1, STEPS + 1):
        scores = features @ w
        scores -= np.maximum.reduceat(scores, offsets)[group_of]
        exp = np.exp(scores)
        probs = exp / np.add.reduceat(exp, offsets)[group_of]
        grad = features.T @ (probs * shares[group_of]) - shares @ features[right] + L2 * total * w
        grad /= total
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= LEARNING_RATE * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        w[NOT_REWARDED] = np.minimum(w[NOT_REWARDED], 0.0)
    return w


def outcomes(groups: list[Group], w: np.ndarray) -> tuple[int, int, int]:
    """(tokens repaired right, tokens to repair read wrong, tokens right as printed changed)."""
    right = wrong = damaged = 0
    for x, y, _ in groups:
        chosen = int(np.argmax(x @ w))
        if x[y, CHANGED] == 0:
            damaged += chosen != y
        elif chosen == y:
            right += 1
        else:
            wrong += 1
    return right, wrong, damaged


def describe(counts: tuple[int, int, int]) -> str:
    return f"{counts[0]} repaired right, {counts[1]} read wrong, {counts[2]} correct words changed"


def fit_in_rounds(pages: list[Path], start: np.ndarray, rounds: int) -> tuple[np.ndarray, dict[Path, list[Group]]]:
    """The weights fitted on the groups of every round so far, each round's pages repaired with the
    last round's weights (refitted on the last round alone, the weights swung between two states),
    and those groups by page."""
    w = start
    by_page: dict[Path, list[Group]] = {page: [] for page in (*pages, SYNTHETIC)}
    for round_number in range(1, rounds + 1):
        weights = dict(zip(FEATURES, w, strict=True))
        for page, groups in collect(pages, weights).items():
            by_page[page] += groups
        by_page[SYNTHETIC] += synthetic_groups(weights)
        every = [group for groups in by_page.values() for group in groups]
        w = fit(every, w)
        print(f"round {round_number}: {len(every)} weighed tokens; {describe(outcomes(every, w))}")
    return w, by_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", nargs="+", default=["dev", "councils"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--leave-one-out", metavar="SPLIT", help="estimate on each page of this split fitted without it"
    )
    parser.add_argument("--start", type=Path, default=WEIGHTS_FILE, help="the weights the first round repairs with")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    args = parser.parse_args()
    pages = [page for split in args.splits for page in pages_of(split)]
    table = json.loads(args.start.read_text(encoding="utf-8"))
    w, by_page = fit_in_rounds(
        pages, np.array([float(table["weights"].get(name, 0.0)) for name in FEATURES]), args.rounds
    )
    if args.leave_one_out:
        held = pages_of(args.leave_one_out)
        for page, groups in collect(
            [page for page in held if page not in by_page], dict(zip(FEATURES, w, strict=True))
        ).items():
            by_page[page] = groups
        total = np.zeros(3, dtype=int)
        repaired = Path(tempfile.mkdtemp(prefix="fit_repair_"))
        for page in held:
            rest = [group for other, page_groups in by_page.items() if other != page for group in page_groups]
            w_without = fit(rest, w)
            counts = outcomes(by_page[page], w_without)
            total += counts
            print(f"  {page.name.split('.')[0]}: {describe(counts)}")
            # The page as `minutesindex repair` reads it in an empty home, with the weights fitted without it.
            forget_texts()
            repairer = LetterRepairer(load_lexicon(), weights=dict(zip(FEATURES, w_without, strict=True)))
            text = repair_text(page.read_text(encoding="utf-8"), repairer).text
            (repaired / f"{page.name.split('.')[0]}.txt").write_text(text, encoding="utf-8")
        print(f"leave one page of {args.leave_one_out} out, weighed tokens: {describe(tuple(total))}")
        score = subprocess.run(
            [sys.executable, str(BENCH / "score.py"), "--split", args.leave_one_out, "--dir", str(repaired)],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"leave one page of {args.leave_one_out} out, the bench's score: {score.stdout.strip().splitlines()[-1]}")
        shutil.rmtree(repaired)
    weights = {name: round(float(value), 4) for name, value in zip(FEATURES, w, strict=True) if abs(value) >= 1e-4}
    table = {
        "fitted": f"scripts/fit_repair.py on bench/repair/{' and '.join(args.splits)} (English-model OCR), "
        f"{args.rounds} rounds, {sum(map(len, by_page.values()))} weighed tokens, keep weight {KEEP_WEIGHT}, L2 {L2}",
        "weights": weights,
    }
    args.out.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, value in sorted(weights.items(), key=lambda nv: -abs(nv[1])):
        print(f"  {name:26} {value:+.3f}")


if __name__ == "__main__":
    main()
