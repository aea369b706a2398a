"""Search: Danish word forms, compounds, spelling variants, phrases, filters and bad syntax."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import RegexTokenizer
from whoosh.fields import ID, TEXT, Schema

from minutesindex.errors import QuerySyntaxError, SearchIndexError
from minutesindex.pipeline import ingest_paths
from minutesindex.search.analysis import stem
from minutesindex.search.index import open_index
from minutesindex.search.query import search
from tests.conftest import SEARCH_BACKENDS, home_with_texts, search_home


@pytest.fixture(scope="module", params=SEARCH_BACKENDS)
def index(request, tmp_path_factory):
    """A small home built through the real pipeline from text exports written here, searched by each
    backend (its Whoosh index; PostgreSQL): every test below holds for both."""
    texts = {
        "a.txt": (
            "Referat\nSocialudvalget den 5. maj 2022\n\n"
            "1. Samarbejdsaftale om voksne med hjerneskade\nSagsnr.: 27.00.00-P20-1-23\n"
            "Sagsfremstilling\nAftalen dækker hele regionen.\n"
            "Beslutning\nGodkendt.\n\n"
            "2. Permanentgørelse af familieplanlægningsindsats\nSagsfremstilling\nIndsatsen har virket godt.\n\n"
            "3. Børnehus Midt\nSagsfremstilling\nOrientering om aktiviteter i børnehuset i Aarhus og nye løsninger.\n"
        ),
        "b.txt": (
            "Referat\nØkonomiudvalget den 1. februar 2024\n\n"
            "1. Budget for Sølund\nSagsfremstilling\nEn ny løsning for Landsbyen Sølund drøftes.\n"
            "Indstilling\nDet indstilles, at aftalen om særlige pladser forlænges.\n"
        ),
    }
    return search_home(request, tmp_path_factory, texts)


def _titles(index, query, **kw):
    return [h.title for h in search(index, query, **kw)]


def test_part_of_a_compound_finds_the_compound_and_whole_word_ranks_first(index):
    assert _titles(index, "familieplanlægning")[0] == "Permanentgørelse af familieplanlægningsindsats"
    assert _titles(index, "samarbejdsaftale")[0] == "Samarbejdsaftale om voksne med hjerneskade"
    assert "Samarbejdsaftale om voksne med hjerneskade" in _titles(index, "aftale")


def test_a_compound_in_the_query_also_finds_its_parts_written_apart_ranked_below_the_compound(index):
    assert _titles(index, "hjerneskadeaftale") == ["Samarbejdsaftale om voksne med hjerneskade"]
    assert _titles(index, "børnehusorientering")[0] == "Børnehus Midt"  # `Orientering om … børnehuset`
    titles = _titles(index, "budgetaftale")
    assert titles[0] == "Budget for Sølund"  # has both parts; no item has the compound
    assert "Samarbejdsaftale om voksne med hjerneskade" not in _titles(index, "-samarbejdsaftale hjerneskade")


def test_when_no_item_has_all_the_words_items_with_some_of_them_are_shown(index):
    hits = search(index, "budget hjerneskade")
    assert {h.title for h in hits} == {"Budget for Sølund", "Samarbejdsaftale om voksne med hjerneskade"}
    assert not any(h.all_words for h in hits)
    assert all(h.all_words for h in search(index, "budget Sølund"))
    assert _titles(index, '"budget hjerneskade"') == []  # a phrase, an exclusion or a field means what it says
    assert _titles(index, "budget -Sølund hjerneskade") == []


def test_inflected_forms_match(index):
    assert set(_titles(index, "løsninger")) == {"Børnehus Midt", "Budget for Sølund"}
    # The base form, which Snowball alone stems apart from the forms in the text.
    assert _titles(index, "aktivitet") == ["Børnehus Midt"]  # `aktiviteter`
    assert _titles(index, "plads") == ["Budget for Sølund"]  # `pladser`


def test_word_forms_share_one_term():
    for forms in [("aktivitet", "aktiviteter", "aktiviteten"), ("budget", "budgettet"), ("tilbud", "tilbuddet")]:
        assert len({stem(form) for form in forms}) == 1, forms


def test_spelling_without_danish_letters(index):
    assert _titles(index, "Boernehus")[0] == "Børnehus Midt"
    assert _titles(index, "Solund")[0] == "Budget for Sølund"
    assert _titles(index, "Århus") == ["Børnehus Midt"]


def test_phrase_or_and_exclusion(index):
    assert _titles(index, '"særlige pladser"') == ["Budget for Sølund"]
    assert _titles(index, '"pladser særlige"') == []
    assert set(_titles(index, "hjerneskade OR Sølund")) == {
        "Samarbejdsaftale om voksne med hjerneskade",
        "Budget for Sølund",
    }
    assert "Budget for Sølund" not in _titles(index, "løsninger -Sølund")


def test_field_prefix_and_section_filter(index):
    assert _titles(index, "indstilling:pladser") == ["Budget for Sølund"]
    assert _titles(index, "godkendt", section="beslutning") == ["Samarbejdsaftale om voksne med hjerneskade"]
    assert _titles(index, "title:hjerneskade") == ["Samarbejdsaftale om voksne med hjerneskade"]


def test_a_section_prefix_does_not_match_the_same_word_in_another_section(index):
    assert set(_titles(index, "sagsfremstilling:løsning")) == {"Budget for Sølund", "Børnehus Midt"}
    assert _titles(index, "indstilling:løsning") == []
    assert _titles(index, "beslutning:aftalen") == []
    assert _titles(index, 'title:"voksne med hjerneskade"') == ["Samarbejdsaftale om voksne med hjerneskade"]
    assert set(_titles(index, "beslutning:godkendt OR title:budget")) == {
        "Samarbejdsaftale om voksne med hjerneskade",
        "Budget for Sølund",
    }
    assert _titles(index, "beslutning:(godkendt OR drøftes)") == ["Samarbejdsaftale om voksne med hjerneskade"]
    assert _titles(index, "aftalen -beslutning:godkendt") == ["Budget for Sølund"]


def test_a_phrase_never_runs_from_one_section_into_the_next(index):
    assert _titles(index, '"Sølund drøftes"') == ["Budget for Sølund"]
    assert _titles(index, '"drøftes det indstilles"') == []


def test_committee_and_date_filters(index):
    assert _titles(index, "løsninger", committee="økonomiudvalget") == ["Budget for Sølund"]
    assert _titles(index, "løsninger", since=dt.date(2023, 1, 1)) == ["Budget for Sølund"]
    assert _titles(index, "løsninger", until=dt.date(2023, 1, 1)) == ["Børnehus Midt"]


def test_hits_carry_meeting_page_and_highlighted_snippet(index):
    hit = search(index, "familieplanlægningsindsats")[0]
    assert (hit.committee, hit.meeting_date, hit.number, hit.page) == ("Socialudvalget", dt.date(2022, 5, 5), "2", 1)
    assert "**" in hit.snippet


def test_snippet_marks_the_words_that_matched_inflected_compound_or_folded(index):
    assert "**løsninger**" in search(index, "løsninger", committee="Socialudvalget")[0].snippet
    assert "**Samarbejdsaftale**" in search(index, "aftale")[0].snippet
    assert "**Sølund**" in search(index, "Solund")[0].snippet


def test_index_of_an_older_schema_is_rebuilt_on_ingest(tmp_path_factory):
    text = "Referat\n\n1. Budget for Sølund\nSagsfremstilling\nTekst.\n"
    settings = home_with_texts(tmp_path_factory, {"a.txt": text})
    whoosh_index.create_in(str(settings.index_dir), Schema(item_id=ID(stored=True)))
    with pytest.raises(SearchIndexError, match="reindex"):
        open_index(settings.index_dir)
    ingest_paths([], settings, workers=1)
    assert _titles(open_index(settings.index_dir), "Sølund") == ["Budget for Sølund"]


def test_index_naming_analysis_classes_this_version_lacks_is_rebuilt(tmp_path_factory, monkeypatch):
    text = "Referat\n\n1. Budget for Kvisten\nSagsfremstilling\nTekst.\n"
    settings = home_with_texts(tmp_path_factory, {"a.txt": text})
    gone = types.ModuleType("minutesindex_analysis_of_an_old_version")

    class OldTokenizer(RegexTokenizer):
        pass

    OldTokenizer.__module__, OldTokenizer.__qualname__ = gone.__name__, "OldTokenizer"
    gone.OldTokenizer = OldTokenizer
    monkeypatch.setitem(sys.modules, gone.__name__, gone)
    whoosh_index.create_in(str(settings.index_dir), Schema(item_id=ID(stored=True), text=TEXT(analyzer=OldTokenizer())))
    monkeypatch.delitem(sys.modules, gone.__name__)
    with pytest.raises(SearchIndexError, match="reindex"):
        open_index(settings.index_dir)
    ingest_paths([], settings, workers=1)
    assert _titles(open_index(settings.index_dir), "Kvisten") == ["Budget for Kvisten"]


@pytest.mark.parametrize(
    "query",
    ["", "   ", "x" * 600, "section:nope", "AND OR NOT", '"unbalanced', "title:", "q" * 60 + ":", "zq " * 100 + ":"],
)
def test_odd_queries_never_raise_anything_but_a_clear_error(index, query):
    try:
        search(index, query)
    except QuerySyntaxError as exc:
        assert str(exc) and "\n" not in str(exc)


def test_unknown_section_is_a_clear_error(index):
    with pytest.raises(QuerySyntaxError, match="unknown section"):
        search(index, "pladser", section="nope")


@pytest.fixture(scope="module", params=SEARCH_BACKENDS)
def council_words(request, tmp_path_factory):
    """Items on the commonest council words in several forms, and on words that merely look alike."""
    items = [
        ("Ny takst for madservice", "Taksten stiger, og takster for 2025 offentliggøres."),
        ("Tak til frivillige", "Udvalget takkede de frivillige, som har kontaktet borgerne."),
        ("Tilskud til foreninger", "Tilskuddet udbetales, og tilskuddene fordeles i marts."),
        ("Bevilling til legeplads", "Bevillingen gives, og bevillinger følges op."),
        ("Ældre borgere", "De ældres boliger og ældreområdet drøftes."),
        ("Skoler i Vestbyen", "Skolen udvides, og skolerne får nye pladser."),
        ("Budget 2025", "Budgettet og budgetterne for 2026 drøftes."),
        ("Børn og unge", "Børnene i dagplejen og barnets trivsel."),
    ]
    text = "Referat\nBørne- og Ungeudvalget den 5. marts 2025\n\n" + "".join(
        f"{k}. {title}\nSagsfremstilling\n{body}\n\n" for k, (title, body) in enumerate(items, start=1)
    )
    return search_home(request, tmp_path_factory, {"ord.txt": text})


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("takst", {"Ny takst for madservice"}),
        ("takster", {"Ny takst for madservice"}),
        ("tak", {"Tak til frivillige"}),  # not `takst`, not `kontaktet`
        ("tilskuddene", {"Tilskud til foreninger"}),
        ("bevillinger", {"Bevilling til legeplads"}),
        ("ældres", {"Ældre borgere"}),
        ("skolerne", {"Skoler i Vestbyen"}),
        ("budgetterne", {"Budget 2025"}),
        ("børnene", {"Børn og unge"}),
        ("pladser", {"Skoler i Vestbyen", "Bevilling til legeplads"}),  # and the compound legeplads
    ],
)
def test_inflections_of_council_words_find_each_other_and_nothing_else(council_words, query, titles):
    assert {hit.title for hit in search(council_words, query, limit=20)} == titles


def test_ascii_spellings_find_what_the_danish_spelling_finds(council_words):
    for ascii_query, danish_query in (("aeldre", "ældre"), ("boern", "børn"), ("aeldreomraadet", "ældreområdet")):
        ascii_hits = {hit.item_id for hit in search(council_words, ascii_query)}
        assert ascii_hits == {hit.item_id for hit in search(council_words, danish_query)} and ascii_hits


def test_pages_of_hits_follow_each_other(index):
    both = search(index, "løsninger", limit=2)
    assert len(both) == 2
    assert [h.item_id for h in search(index, "løsninger", limit=1, offset=1)] == [both[1].item_id]
    assert search(index, "løsninger", limit=5, offset=5) == []


def test_tallies_count_the_matches_by_meeting_and_decision(index):
    hits = search(index, "løsninger", limit=1, tallies=(("committee",), ("year",), ("month", "outcome"), ("access",)))
    assert hits.total == 2 and len(hits) == 1
    assert hits.tallies[("committee",)] == {("Socialudvalget",): 1, ("Økonomiudvalget",): 1}
    assert hits.tallies[("year",)] == {(2022,): 1, (2024,): 1}
    assert hits.tallies[("access",)] == {("open",): 2}
    assert sum(hits.tallies[("month", "outcome")].values()) == 2
    decided = search(index, "godkendt", tallies=(("outcome",),))
    assert decided.tallies[("outcome",)] == {("godkendt",): 1}
    with pytest.raises(QuerySyntaxError, match="cannot tally"):
        search(index, "løsninger", tallies=(("colour",),))


def test_kind_and_outcome_filters(index):
    assert _titles(index, "aftalen", outcomes=("godkendt",)) == ["Samarbejdsaftale om voksne med hjerneskade"]
    assert _titles(index, "aftalen", outcomes=("",)) == ["Budget for Sølund"]  # no decision yet
    assert set(_titles(index, "aftalen", kinds=("referat",))) == {
        "Samarbejdsaftale om voksne med hjerneskade",
        "Budget for Sølund",
    }
    assert _titles(index, "aftalen", kinds=("dagsorden",)) == []


def test_a_case_number_finds_the_items_that_name_it_however_it_is_written(index):
    assert _titles(index, "case:27.00.00-P20-1-23") == ["Samarbejdsaftale om voksne med hjerneskade"]
    assert _titles(index, "case:27.00.00-p20-01-23 hjerneskade") == ["Samarbejdsaftale om voksne med hjerneskade"]
    assert _titles(index, "case:27.00.00-P20-2-23") == []
    assert set(_titles(index, "løsninger -case:27.00.00-P20-1-23")) == {"Budget for Sølund", "Børnehus Midt"}


def test_a_search_counts_every_match_only_when_asked(tmp_path_factory, monkeypatch):
    """Whoosh counts all matches by running the query again over every one (`len(results)`, and so
    `bool(results)`): half of a 2-word query's time at 100,000 items. Only `count=True` may."""
    from whoosh.searching import Results

    index = open_index(
        home_with_texts(tmp_path_factory, {"a.txt": "Referat\n\n1. Budget\nSagsfremstilling\nTekst.\n"}).index_dir
    )

    def counted(self):
        raise AssertionError("every match was counted")

    monkeypatch.setattr(Results, "__len__", counted)
    assert [hit.title for hit in search(index, "budget")] == ["Budget"]
    monkeypatch.undo()
    assert search(index, "budget", count=True).total == 1


def _generated_name(seed: int) -> str:
    """A place name no lexicon has, made of letters (`Kvastrup`-like), the same for a seed."""
    import random

    rng = random.Random(seed)
    consonants, vowels = "bdfgklmnprstv", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(3)) + "rup"


@pytest.fixture(scope="module", params=SEARCH_BACKENDS)
def misread_index(request, tmp_path_factory):
    """Items holding a compound whose ø and å the OCR printed as g and a, on a page whose other
    Danish letters are right (so repair leaves the page as read), and a compound headed by a name
    no lexicon knows, with two known parts after it."""
    from minutesindex.repair.danish import mangled_spellings
    from minutesindex.repair.lexicon import load_lexicon

    lexicon = load_lexicon()
    misread = {}
    for word in ("børnehaveområdet", "skolegårdsplanen", "søbredsstien"):
        misread[word] = word.replace("ø", "g").replace("å", "a")  # the English model's commonest misreadings
        assert misread[word] in mangled_spellings(word) and misread[word] not in lexicon
    name = _generated_name(3)
    assert name not in lexicon
    texts = {
        "c.txt": (
            "Referat\nTeknik- og Miljøudvalget den 3. marts 2023\n\n"
            f"1. Legepladser\nSagsfremstilling\nForvaltningen foreslår nye gynger ved {misread['børnehaveområdet']}"
            f" og belægning på {misread['skolegårdsplanen']}.\nBeslutning\nGodkendt.\n\n"
            f"2. Stier\nSagsfremstilling\nDer skal ryddes langs {misread['søbredsstien']} før sommeren.\n\n"
            f"3. Plejeboliger\nSagsfremstilling\nUdvidelse af {name}plejecentret drøftes.\n"
        ),
    }
    return search_home(request, tmp_path_factory, texts), misread, name


def test_a_word_typed_with_the_right_letters_finds_its_misread_spelling_and_so_do_its_parts(misread_index):
    index, misread, _ = misread_index
    hits = search(index, "børnehaveområdet")
    assert [h.title for h in hits] == ["Legepladser"]
    assert misread["børnehaveområdet"] in hits[0].snippet.replace("**", "")  # the text keeps what the OCR read
    assert "**" in hits[0].snippet  # and the misread word is marked as the match
    assert _titles(index, "skolegård") == ["Legepladser"]
    assert _titles(index, "området") == ["Legepladser"]
    assert _titles(index, "søbredssti") == ["Stier"]
    assert _titles(index, "gynger børnehaveområdet") == ["Legepladser"]


def test_a_name_no_lexicon_knows_finds_the_compound_it_heads_and_so_does_each_known_part(misread_index):
    index, _, name = misread_index
    assert _titles(index, name) == ["Plejeboliger"]
    assert _titles(index, f"{name}plejecentret") == ["Plejeboliger"]
    assert _titles(index, "plejecenter") == ["Plejeboliger"]  # `centret` is a form of `center`
    assert _titles(index, "pleje") == ["Plejeboliger"]


def test_a_filtered_search_gives_the_best_allowed_items_of_every_segment(tmp_path):
    """The committee and date filters work inside the matcher, per segment of the index: a filtered
    search must give exactly the best items of an unfiltered one that the filter allows, also across
    segments written by separate ingests, and with the top-10's block skipping at work."""
    import random

    from minutesindex.config import load_settings
    from minutesindex.search.index import open_index

    rng = random.Random(5)
    words = ["budget", "skole", "vej", "plan", "aftale", "takst", "bolig", "havn", "natur", "kultur"]
    settings = load_settings(tmp_path / "home")
    for batch in range(3):  # three ingests: three segments
        folder = tmp_path / f"batch{batch}"
        folder.mkdir()
        for n in range(12):
            committee = ("Teknisk Udvalg", "Kulturudvalget", "Økonomiudvalget")[n % 3]
            day = dt.date(2019 + n % 4, 1 + n % 12, 1 + batch * 9)
            items = "".join(
                f"{k}. Sag om {rng.choice(words)} og {rng.choice(words)}\nSagsfremstilling\n"
                f"{' '.join(rng.choices(words, k=40))}\n\n"
                for k in range(1, 5)
            )
            month = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
                     "oktober", "november", "december")[day.month - 1]  # fmt: skip
            text = f"Referat\n{committee} den {day.day}. {month} {day.year}\n\n{items}"
            (folder / f"m{batch}_{n}.txt").write_text(text, encoding="utf-8")
        ingest_paths([folder], settings, workers=1)
    index = open_index(settings.index_dir)
    assert len(index.reader().leaf_readers()) > 1  # the filter is kept per segment
    for query in ("budget skole", "plan", "takst havn"):
        every = search(index, query, limit=500)
        by_committee = search(index, query, committee="Kulturudvalget", limit=7)
        assert [h.item_id for h in by_committee] == [h.item_id for h in every if h.committee == "Kulturudvalget"][:7]
        since, until = dt.date(2020, 1, 1), dt.date(2021, 12, 31)
        by_date = search(index, query, since=since, until=until, limit=7)
        dated = [h for h in every if h.meeting_date and since <= dt.date.fromisoformat(str(h.meeting_date)) <= until]
        assert 7 <= len(dated) < len([h for h in every if h.meeting_date])  # the filter leaves some out
        assert [h.item_id for h in by_date] == [h.item_id for h in dated][:7]
