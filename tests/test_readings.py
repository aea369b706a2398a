"""The compiled candidate search (repair/_readings.c) on a small lexicon of its own."""

from __future__ import annotations

import os
import sys

import pytest

from minutesindex.repair import channel
from minutesindex.repair._readings import (
    build_trie,
    compound_readings,
    load_trie,
    trie_bytes,
    trie_get,
    trigram_log_prob,
    trigram_table,
)
from minutesindex.repair.danish import LetterRepairer, substitution_options
from minutesindex.repair.lexicon import Lexicon

WORDS = {"møde": 5.0, "mødet": 4.0, "plan": 5.0, "kommune": 5.0, "made": 3.0, "måde": 5.0, "børne": 4.0, "have": 5.0}


def readings(token: str, max_subs: int = 2) -> list[tuple[str, int, float, tuple[str, ...]]]:
    lexicon = Lexicon(WORDS)
    options = substitution_options(token)
    return compound_readings(token, token.lower(), options, max_subs, lexicon.trie, 3, 3, "se")


def _cost(letter: str, sign: str) -> float:
    """What the counted channel charges for reading `sign` as `letter`."""
    return channel.cost(channel.probabilities()[letter][sign])


def test_a_mangled_compound_is_read_as_its_known_parts():
    assert ("Mødeplan", 1, _cost("ø", "g"), ("møde", "plan")) in readings("Mgdeplan")


def test_a_linking_s_joins_the_parts():
    assert ("kommunesplan", 0, 0.0, ("kommune", "plan")) in readings("kommunesplan")


def test_both_words_a_token_may_be_read_as_are_found_in_the_order_of_the_search():
    texts = [text for text, *_ in readings("made")]
    assert texts == ["made", "måde", "møde"]


def test_no_reading_needs_more_changes_than_allowed():
    assert not [r for r in readings("mgdgplan", max_subs=1) if r[0] == "mødøplan"]
    assert all(subs <= 1 for _, subs, _, _ in readings("mgdeplan", max_subs=1))


def test_split_compound_prefers_fewer_parts():
    assert Lexicon(WORDS).split_compound("børnehave") == ("børne", "have")
    assert Lexicon(WORDS).split_compound("børnehavx") is None


def test_a_repairer_on_its_own_lexicon_repairs_with_it():
    repairer = LetterRepairer(Lexicon(WORDS))
    assert repairer.repair_token("mgdet") == "mødet"
    assert repairer.repair_token("plan") is None


@pytest.mark.parametrize("words", [["b", "a"], ["a", "a"], ["a", 1]])
def test_the_trie_takes_only_sorted_distinct_words(words):
    with pytest.raises((ValueError, TypeError)):
        build_trie(words)


def test_malformed_options_are_an_error_not_a_crash():
    trie = Lexicon(WORDS).trie
    with pytest.raises(ValueError):
        compound_readings("mgde", "mgde", [()], 2, trie, 3, 3, "se")  # one entry per letter
    with pytest.raises(TypeError):
        compound_readings("mgde", "mgde", [(), ((1, "ø", "øø", 0.1),), (), ()], 2, trie, 3, 3, "se")
    with pytest.raises(ValueError):
        compound_readings("mgde", "mgde", [(), ((9, "ø", "ø", 0.1),), (), ()], 2, trie, 3, 3, "se")
    with pytest.raises(ValueError):  # not a trie
        compound_readings("mgde", "mgde", [(), (), (), ()], 2, object(), 3, 3, "se")
    with pytest.raises(ValueError):  # not a trigram table
        trigram_log_prob("^^mgde$", trie)
    with pytest.raises(ValueError):  # a trigram of two letters
        trigram_table({"mg": -1.0}, {}, -5.0)


def test_substitution_options_follow_the_case_of_the_token():
    assert (1, "ø", "ø", _cost("ø", "g")) in substitution_options("mgde")[1]
    assert (1, "Ø", "ø", _cost("Ø", "G")) in substitution_options("MGDE")[1]  # `G` read as Ø in capitals
    assert ("Æ", "æ") in {(cased, lower) for _, cased, lower, _ in substitution_options("Zldre")[0]}
    a_read_as = substitution_options("plan")[2]
    assert {(cased, cost) for _, cased, _, cost in a_read_as} >= {("å", _cost("å", "a")), ("ø", _cost("ø", "a"))}
    assert a_read_as[0][1] == "å"  # the cheapest first: å is what `a` stands for most often
    assert substitution_options("plan")[0] == ()  # no sign the English model prints for æ, ø or å


def test_the_python_search_finds_what_the_compiled_one_finds_in_the_same_order():
    """Without a C compiler the project installs the pure-Python search; both give the same readings
    for the bench-free tokens below and for mangled spellings generated from the real lexicon."""
    import random

    from minutesindex.repair import readings as search
    from minutesindex.repair.danish import _OPTIONS_BY_FIRST_LETTER, mangled_spellings
    from minutesindex.repair.lexicon import load_lexicon

    lexicon = load_lexicon()
    words = sorted(w for w in lexicon.zipf if any(c in w for c in "æøå") and 4 <= len(w) <= 14)
    tokens = ["Mgdeplan", "kommunesplan", "made", "@konomiudvalget", "bgrnehaveomradet", "A2ldrerad", "PA", "§r"]
    for word in random.Random(7).sample(words, 300):
        tokens += sorted(mangled_spellings(word))[:2]
    py_trie = search.py_build_trie(list(lexicon.zipf))
    for token in tokens:
        caps = token.isupper() and sum(c.isupper() for c in token) >= 2
        compiled_options = search.substitution_options(token, _OPTIONS_BY_FIRST_LETTER, caps)
        assert search.py_substitution_options(token, _OPTIONS_BY_FIRST_LETTER, caps) == compiled_options
        args = (token, token.lower(), compiled_options, 3)
        compiled = search.compound_readings(*args, lexicon.trie, 3, 3, "se")
        assert search.py_compound_readings(*args, py_trie, 3, 3, "se") == compiled, token
        fewest = search.fewest_compound_readings(*args, lexicon.trie, 3, 3, "se")
        assert search.py_fewest_readings(compiled) == fewest, token
        assert search.py_fewest_compound_readings(*args, py_trie, 3, 3, "se") == fewest, token


def test_the_python_letter_model_and_alignments_give_what_the_compiled_ones_give():
    """The letter-trigram sum and the two alignments of a reading with its printed signs, compiled and
    in Python, on mangled spellings of real words (and on pairs that do not align)."""
    import random

    from minutesindex.repair import readings as search
    from minutesindex.repair.charmodel import load_char_model
    from minutesindex.repair.danish import mangled_spellings
    from minutesindex.repair.lexicon import load_lexicon

    model = load_char_model()
    compiled_model = search.trigram_table(model._seen, model._unseen, model._never)
    python_model = search.py_trigram_table(model._seen, model._unseen, model._never)
    words = sorted(w for w in load_lexicon().zipf if any(c in w for c in "æøål") and 3 <= len(w) <= 14)
    pairs = [("på regionen", "paregionen"), ("møde", "mile"), ("Ældre", "AEldre"), ("plan", "pIan"), ("pl", "p")]
    for word in random.Random(11).sample(words, 400):
        pairs += [(word, mangled) for mangled in sorted(mangled_spellings(word))[:2]]
        pairs += [(word.capitalize(), mangled.capitalize()) for mangled in sorted(mangled_spellings(word))[:1]]
        pairs.append((word, word[::-1]))
    aligned = 0
    for word, printed in pairs:
        padded = f"^^{printed.lower()}$"
        compiled = search.trigram_log_prob(padded, compiled_model)
        assert search.py_trigram_log_prob(padded, python_model) == pytest.approx(compiled, abs=1e-9)
        assert search.py_channel_signs(word, printed) == search.channel_signs(word, printed), (word, printed)
        reading, token = word.lower(), printed.lower()
        assert search.py_reading_signs(reading, token) == search.reading_signs(reading, token), (word, printed)
        aligned += search.channel_signs(word, printed) is not None
    assert len(pairs) > aligned > len(pairs) // 3  # both kinds of pair were compared


def test_a_lexicon_read_in_place_from_its_trie_file_answers_as_its_word_list(tmp_path):
    """A read command maps the lexicon's compiled trie instead of loading every word: it must
    know, weigh, inflect and split words exactly as the dict it was built from."""
    from minutesindex.repair.lexicon import LEXICON_FILE, load_lexicon

    words = {**WORDS, "kommuneplan": 2.5, "planer": 3.25, "møderne": 1.5}
    source = tmp_path / LEXICON_FILE
    source.write_text("".join(f"{w}\t{z:.2f}\n" for w, z in sorted(words.items())), encoding="utf-8")
    as_dict = Lexicon(words, source)
    for _ in range(2):  # built and written, then mapped from the written file
        load_lexicon.cache_clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("minutesindex.repair.lexicon.models_dir", lambda: tmp_path)
            mapped = load_lexicon()
        assert list(tmp_path.glob("*.trie"))
        for word in [*words, "møde" + "r", "kommunesplan", "børnehave", "x", ""]:
            assert (word in mapped, mapped.frequency(word)) == (word in as_dict, as_dict.frequency(word))
            assert mapped.split_compound(word) == as_dict.split_compound(word)
            assert mapped.base_form(word) == as_dict.base_form(word)
        assert mapped.zipf == words  # what walks every word still gets them all
    load_lexicon.cache_clear()


def test_a_damaged_trie_file_is_built_again_not_trusted(tmp_path):
    from minutesindex.repair.lexicon import LEXICON_FILE, load_lexicon

    source = tmp_path / LEXICON_FILE
    source.write_text("møde\t5.00\nplan\t4.50\n", encoding="utf-8")
    trie_file = tmp_path / f"{source.stem}.py{sys.version_info.major}{sys.version_info.minor}.trie"
    trie_file.write_bytes(b"MITRIE01" + b"\0" * 40)
    os.utime(trie_file, (source.stat().st_mtime + 10,) * 2)
    load_lexicon.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("minutesindex.repair.lexicon.models_dir", lambda: tmp_path)
        lexicon = load_lexicon()
    load_lexicon.cache_clear()
    assert lexicon.frequency("plan") == 4.5 and "mød" not in lexicon
    assert load_trie(trie_file.read_bytes()) is not None  # written again whole


def test_a_trie_file_of_another_format_is_refused():
    with pytest.raises(ValueError):
        load_trie(b"not a trie at all, whatever its length")
    assert trie_get(load_trie(trie_bytes(build_trie(["a", "ab"], [1.0, 2.5]))), "ab") == 2.5
