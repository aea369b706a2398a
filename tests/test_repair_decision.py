"""Letter repair as one scored decision: the channel, the candidate generators, the features and
`--explain`, each on text written here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from minutesindex.repair import channel
from minutesindex.repair.danish import Candidate, LetterRepairer
from minutesindex.repair.decision import FEATURES, load_weights, score
from minutesindex.repair.lexicon import load_lexicon
from minutesindex.repair.text import repair_pages


@pytest.fixture(scope="module")
def repairer() -> LetterRepairer:
    return LetterRepairer(load_lexicon())


# -- the channel ---------------------------------------------------------------------------------
def test_the_channel_pairs_each_danish_letter_with_the_signs_printed_for_it_case_kept():
    assert channel.letter_signs("Møde", "Mgde") == (("ø", "g"),)
    assert channel.letter_signs("Ældre", "AEldre") == (("Æ", "AE"), ("l", "l"))  # `l` too: it may print as I
    assert channel.letter_signs("fælles", "feelles") == (("æ", "ee"), ("l", "l"), ("l", "l"))
    assert channel.letter_signs("plan", "plan") == (("l", "l"),)
    assert channel.letter_signs("Møde", "Made") is not None
    assert channel.letter_signs("Møde", "Mile") is None  # the other letters differ


def test_counts_become_probabilities_costs_substitutions_and_spellings(tmp_path, monkeypatch):
    table = channel.count_pairs([("møde", "mgde")] * 3 + [("møde", "mode")] + [("må", "ma")] * 2)
    assert table == {"ø": {"g": 3, "o": 1}, "å": {"a": 2}}
    path = tmp_path / "channel.tsv"
    channel.write_table(table, path, "written by a test")
    monkeypatch.setattr(channel, "CHANNEL_FILE", path)
    for cached in (channel.counts, channel.substitutions, channel.manglings):
        cached.cache_clear()
    try:
        assert channel.probabilities()["ø"] == {"g": 0.75, "o": 0.25}
        assert channel.substitutions()["g"] == (("ø", channel.cost(0.75)),)
        assert channel.cost(0.75) < channel.cost(0.25)  # the commoner sign costs less
        assert channel.manglings()["ø"] == (("g", 0.75), ("o", 0.25))  # commonest first
    finally:
        for cached in (channel.counts, channel.substitutions, channel.manglings):
            cached.cache_clear()


def test_the_shipped_channel_knows_the_english_models_commonest_misreadings():
    manglings = channel.manglings()
    assert manglings["ø"][0][0] == "g" and manglings["å"][0][0] == "a"
    assert "ee" in [sign for sign, _ in manglings["æ"][:2]]
    assert manglings["Ø"][0][0] == "@"


# -- the generators --------------------------------------------------------------------------------
def _sources(repairer: LetterRepairer, token: str) -> dict[str, str]:
    return {c.text: c.source for c in repairer.readings(token)}


def test_the_token_as_read_is_always_the_first_candidate(repairer):
    for token in ("Mgdet", "plan", "xyzzy", "KL"):
        first = repairer.readings(token)[0]
        assert (first.text, first.source) == (token, "as_read")


def test_each_generator_names_itself(repairer):
    assert _sources(repairer, "Mgdet")["Mødet"] == "channel"
    assert _sources(repairer, "bgrnehaveomradet")["børnehaveområdet"] == "channel"  # a compound
    assert _sources(repairer, "MOkonomiudvalget").get("Økonomiudvalget") == "first_letter"  # two signs for Ø
    assert _sources(repairer, "paregionens").get("på regionens") == "glued_head"
    assert "misread_name" in _sources(repairer, "Wallge").values()


def test_a_word_read_right_elsewhere_in_the_archive_is_a_candidate_for_its_misreadings():
    own = LetterRepairer(load_lexicon())
    own.learn({"Kværndrup": 3})
    assert _sources(own, "Kveerndrup").get("Kværndrup") == "learned"


def test_tokens_with_danish_letters_or_short_capitals_have_only_themselves(repairer):
    assert len(repairer.readings("Møde")) == 1
    assert len(repairer.readings("KL")) == 1


# -- the features ----------------------------------------------------------------------------------
def test_features_describe_the_reading_and_what_it_changes(repairer):
    as_read, *_ = repairer.readings("mgde")
    kept = repairer.token_features("mgde", as_read)
    assert "changed" not in kept and kept["unknown"] == 1.0
    mode = next(c for c in repairer.readings("mgde") if c.text == "møde")
    changed = repairer.token_features("mgde", mode)
    assert changed["changed"] == 1.0 and changed["substitutions"] == 1.0 and changed["known_word"] == 1.0
    assert changed["channel_cost"] == mode.cost > 0 and changed["word_zipf"] > 4
    assert repairer.token_features("feelles", repairer.readings("feelles")[0]).get("changed") is None
    feelles = next(c for c in repairer.readings("feelles") if c.text == "fælles")
    assert repairer.token_features("feelles", feelles)["marked_token"] == 1.0  # `ee` is hardly Danish


def test_a_compound_reading_is_described_by_its_parts(repairer):
    token = "legepladsomradets"
    assert "legepladsområdets" not in repairer.lexicon  # a compound the lexicon lacks as a word
    reading = next(c for c in repairer.readings(token) if c.text == "legepladsområdets")
    features = repairer.token_features(token, reading)
    assert features["compound"] == 1.0 and "known_word" not in features
    assert features["compound_parts"] == len(reading.parts) - 1 >= 1 and features["compound_zipf"] > 2


def test_a_name_reading_is_marked_as_a_name(repairer):
    name = next(c for c in repairer.readings("Wallge") if c.source == "misread_name")
    assert repairer.token_features("Wallge", name)["name"] == 1.0


def test_the_text_weighs_a_readings_word_family_and_where_the_token_stands():
    text = (
        "Mgdet blev holdt i radhuset. Formanden abnede mgdet, og mgderne i foraret blev aftalt.\n"
        "Referat af made i udvalget.\n"
    )
    explained: list = []
    repair_pages([text], LetterRepairer(load_lexicon()), explained)
    made = next(e for e in explained if e.token == "made")
    family = {s.text: s.features.get("family", 0.0) for s in made.scored}
    assert family["møde"] > family.get("måde", 0.0)  # `mødet`, `møderne` on the page
    assert made.chosen == "møde"


def test_a_capitalised_word_changed_inside_a_sentence_is_marked_so():
    explained: list = []
    repair_pages(["Det blev drgftet af Anne Sander og udvalget pa mgdet i dag."], LetterRepairer(load_lexicon()),
                 explained)  # fmt: skip
    sander = [e for e in explained if e.token == "Sander"]
    for explanation in sander:
        changed = [s for s in explanation.scored if s.text != "Sander"]
        assert all(s.features.get("mid_sentence_change") == 1.0 for s in changed)
        assert explanation.chosen == "Sander"


def test_the_domains_word_counts_speak_for_the_reading_minutes_use():
    """`made` is `måde` in general Danish and `møde` in minutes: a repairer counting minutes that
    say `møde` gives that reading the feature, one counting none gives it nothing."""
    lexicon = load_lexicon()
    counted = LetterRepairer(lexicon, minutes_words={"møde": 40, "sager": 9})
    bare = LetterRepairer(lexicon, minutes_words={})
    word = next(c for c in counted.readings("made") if c.text == "møde")
    compound = Candidate("teknikudvalgsmøde", 1, 0.3, ("teknikudvalgs", "møde"), 3.0, "channel")
    for token, candidate in (("made", word), ("teknikudvalgsmade", compound)):
        assert counted.token_features(token, candidate)["minutes_words"] > 5  # a compound by its last part
        assert bare.token_features(token, candidate)["minutes_words"] == 0


def test_the_shipped_minutes_counts_are_words_with_counts():
    from minutesindex.repair.lexicon import load_minutes_words

    counts = load_minutes_words()
    assert counts["møde"] > counts.get("måde", 0) and all(n >= 2 for n in counts.values())


def test_the_pages_own_channel_prices_a_sign_by_how_the_page_prints_that_letter():
    """A page that prints ø as `a` in words only ø explains (`draftede`, `falgende`) makes `a` for
    ø cheap there; on a page that prints ø as `g` throughout, the same reading costs more."""
    lexicon = load_lexicon()

    def page_cost(text: str) -> float:
        explained: list = []
        repair_pages([text], LetterRepairer(lexicon), explained)
        made = next(e for e in explained if e.token == "made")
        return next(s for s in made.scored if s.text == "møde").features["page_channel_cost"]

    prints_a = "Udvalget draftede sagen. Det falgende blev besluttet pa et made i udvalget. Radet harte sagen.\n"
    prints_g = "Udvalget drgftede sagen. Det fglgende blev besluttet pa et made i udvalget. Radet hgrte sagen.\n"
    assert page_cost(prints_a) < page_cost(prints_g)


def test_a_name_read_as_no_name_is_marked(repairer):
    """`Neergaard` (a family name in its old spelling) read as `Nærgaard` loses the name."""
    nærgaard = next(c for c in repairer.readings("Neergaard") if c.text == "Nærgaard")
    features = repairer.token_features("Neergaard", nærgaard)
    assert features["name_token"] == 1.0 and features["name_lost"] == 1.0
    walløe = next(c for c in repairer.readings("Wallge") if c.source == "misread_name")
    assert "name_lost" not in repairer.token_features("Wallge", walløe)


def test_a_family_names_place_read_as_no_name_is_marked():
    explained: list = []
    repair_pages(["Borgmesteren orienterede om, at Rune Kallager er udpeget pa mgdet."], LetterRepairer(load_lexicon()),
                 explained)  # fmt: skip
    kallager = next(e for e in explained if e.token == "Kallager")
    changed = [s for s in kallager.scored if s.text != "Kallager"]
    assert changed and all(s.features.get("family_name_lost") == 1.0 for s in changed if not s.features.get("name"))


def test_a_name_where_a_family_name_stands_is_marked_as_read_or_changed():
    explained: list = []
    repair_pages(["Pa mgdet deltog Ole Dyrlev og Per Bregnhej, og de drgftede."], LetterRepairer(load_lexicon()),
                 explained)  # fmt: skip
    dyrlev = next(e for e in explained if e.token == "Dyrlev")
    marked = {s.text for s in dyrlev.scored if s.features.get("name_after_first_name")}
    assert marked == {s.text for s in dyrlev.scored if s.features.get("name")} and "Dyrløv" in marked


def test_a_change_on_an_abbreviations_ending_is_marked(repairer):
    """`KLs` (KL's genitive) read `KLø`: the change falls on the ending, not the abbreviation."""
    for candidate in repairer.readings("KLs")[1:]:
        assert repairer.token_features("KLs", candidate).get("abbreviation_ending") == 1.0
    feelles = next(c for c in repairer.readings("feelles") if c.text == "fælles")
    assert "abbreviation_ending" not in repairer.token_features("feelles", feelles)


def test_a_compound_with_a_part_in_the_old_spelling_is_marked(repairer):
    """`Neergaard` read as `nær|gaard`: `aa` for å is how names are written, not words."""
    nærgaard = next(c for c in repairer.readings("Neergaard") if c.text == "Nærgaard")
    assert repairer.token_features("Neergaard", nærgaard).get("old_spelling_part") == 1.0
    compound = next(c for c in repairer.readings("bgrnehaveomradet") if c.text == "børnehaveområdet")
    assert "old_spelling_part" not in repairer.token_features("bgrnehaveomradet", compound)


def test_an_abbreviations_readings_are_not_judged_by_how_danish_their_letters_look(repairer):
    for candidate in repairer.readings("OU"):
        assert "letter_fit" not in repairer.token_features("OU", candidate)
    assert "letter_fit" in repairer.token_features("mgde", repairer.readings("mgde")[0])


def test_a_short_token_in_capitals_is_a_function_word_or_an_abbreviation_not_a_listed_word(repairer):
    """`ou` is listed as a word; `OU` in capitals is no word of a heading, `PÅ` is (`caps_function_word`)."""
    ou = repairer.token_features("OU", repairer.readings("OU")[0])
    assert not {"known_word", "word_zipf", "caps_function_word"} & set(ou)
    readings = {c.text: c for c in repairer.readings("PA")}
    assert repairer.token_features("PA", readings["PÅ"]).get("caps_function_word") == 1.0
    assert "caps_function_word" not in repairer.token_features("PA", readings["PA"])


def test_a_name_with_two_danish_letters_has_its_likely_misspellings():
    from minutesindex.repair.danish import SPELLING_FLOOR, mangled_spellings

    spellings = mangled_spellings("Læssøe")
    assert {"Leessge", "Lessge", "Laessoe"} <= spellings  # ee and g (0.21), e and g, ae and o (0.013)
    assert "Lassoe" not in spellings  # a and o: 0.005
    assert 0 < len(spellings) <= 1 / SPELLING_FLOOR
    assert "Læssøe" not in spellings and mangled_spellings("plan") == set()


# -- the decision ----------------------------------------------------------------------------------
def test_the_weight_table_scores_every_feature_and_the_best_candidate_wins(repairer):
    weights = load_weights()
    assert set(weights) == set(FEATURES)
    assert score({"changed": 1.0}, weights) == weights["changed"]
    decision = repairer.decide("mgdet")
    best = max(decision.candidates, key=lambda c: score(repairer.token_features("mgdet", c), weights))
    assert decision.text == best.text == "mødet"


def test_the_shipped_weights_say_how_they_were_fitted():
    from minutesindex.repair.decision import WEIGHTS_FILE

    table = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert "fit_repair.py" in table["fitted"]


def test_other_weights_make_other_decisions():
    """The weights decide, not rules: a table that prices every change out keeps the text as read."""
    never = {name: 0.0 for name in FEATURES} | {"changed": -100.0}
    assert LetterRepairer(load_lexicon(), weights=never).repair_token("mgdet") is None
    assert LetterRepairer(load_lexicon()).repair_token("mgdet") == "mødet"


def test_explain_shows_the_candidates_features_and_scores_of_each_changed_word(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Mgdet i udvalget pa radhuset blev abnet, og referatet af mgdet blev godkendt.\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "minutesindex", "--home", str(tmp_path / "home"), "repair", "--explain", str(page)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Mødet i udvalget på rådhuset" in done.stdout
    assert "Mgdet -> Mødet" in done.stderr and "pa -> på" in done.stderr
    block = done.stderr.split("Mgdet -> Mødet")[1].split("\nline ")[0]
    assert "[as_read]" in block and "[channel]" in block and "word_zipf=" in block
    plain = subprocess.run(
        [sys.executable, "-m", "minutesindex", "--home", str(tmp_path / "home"), "repair", str(page)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert plain.stderr == "" and plain.stdout == done.stdout


def test_a_candidate_is_a_plain_record():
    candidate = Candidate("møde", 1, 0.24, ("møde",), 5.3, "channel")
    assert candidate.source == "channel" and candidate._replace(source="as_read").text == "møde"
