"""Votes read from decisions as Danish minutes phrase them; text that only looks like a vote is none,
and a vote that cannot be read whole gives none rather than half."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from minutesindex.cli import app
from minutesindex.segment.votes import read_votes
from tests.conftest import home_with_texts

runner = CliRunner()


def _sides(text: str) -> list[tuple]:
    read = read_votes(text)
    assert read is not None, text
    return [(v.side, v.count, v.parties, v.names) for v in read.votes]


@pytest.mark.parametrize(
    ("text", "expected", "result"),
    [
        ("For stemte 20 (A, F og Ø).\nImod stemte: V og O (5).\nUndlod at stemme: 2 (K).",
         [("for", 20, ["A", "F", "Ø"], []), ("imod", 5, ["V", "O"], []), ("undlod", 2, ["K"], [])], "vedtaget"),
        ("For: 12 (A, B). Imod: 3 (C).", [("for", 12, ["A", "B"], []), ("imod", 3, ["C"], [])], "vedtaget"),
        ("Et flertal bestående af A, F og Ø (20) stemte for. Et mindretal bestående af V og O (5) stemte imod.",
         [("for", 20, ["A", "F", "Ø"], []), ("imod", 5, ["V", "O"], [])], "vedtaget"),
        ("Forslaget blev forkastet med 5 stemmer mod 4.", [("for", 4, [], []), ("imod", 5, [], [])], "forkastet"),
        ("Forslaget blev vedtaget med 12 stemmer mod 3.", [("for", 12, [], []), ("imod", 3, [], [])], "vedtaget"),
        ("Godkendt med 20 stemmer for, 5 imod og 2 undlod at stemme.",
         [("for", 20, [], []), ("imod", 5, [], []), ("undlod", 2, [], [])], "vedtaget"),
        ("Indstillingen blev godkendt. Mindretallet (V, O) kunne ikke godkende indstillingen.",
         [("imod", None, ["V", "O"], [])], None),
        ("Mindretallet (V) stemte imod.", [("imod", None, ["V"], [])], None),
        ("Anne Hansen og Per Olsen (V) stemte imod.", [("imod", None, ["V"], ["Anne Hansen", "Per Olsen"])], None),
        ("Et flertal bestående af A, F og Ø godkendte indstillingen.", [("for", None, ["A", "F", "Ø"], [])], None),
        ("Hverken for eller imod stemte K.", [("undlod", None, ["K"], [])], None),
        ("Karen Holm (Ø) stemmer imod", [("imod", None, ["Ø"], ["Karen Holm"])], None),
        ("Lars Bo (UP1) stemmer imod", [("imod", None, ["UP1"], ["Lars Bo"])], None),  # a local list
        ("For stemte (C), (A) og Anne-Marie Friis (UP2)",
         [("for", None, ["C", "A", "UP2"], ["Anne-Marie Friis"])], None),
        ("Imod stemte V", [("imod", None, ["V"], [])], None),
        ("Punkt 1: godkendt.\nLis Holm (A) undlod at tage stilling.\n"
         "Punkt 2: godkendt.\nLis Holm (A) undlod at tage stilling.",
         [("undlod", None, ["A"], ["Lis Holm"])], None),  # one vote, printed under each part
        ("Godkendt. Jens P. Holm (A) stemte imod. Eva Lind (C) undlod at tage stilling.",
         [("imod", None, ["A"], ["Jens P. Holm"]), ("undlod", None, ["C"], ["Eva Lind"])], None),
        ("Søren Lund (A) og Ida Krag (Ø) stemte imod med bemærkning om, at opgaven skal løses kommunalt.",
         [("imod", None, ["A", "Ø"], ["Søren Lund", "Ida Krag"])], None),
    ],
)  # fmt: skip
def test_votes_in_many_phrasings(text, expected, result):
    assert _sides(text) == expected
    assert read_votes(text).result == result


@pytest.mark.parametrize(
    "text",
    [
        "Godkendt.",
        "Det indstilles, at udvalget stemmer for forslaget.",  # a recommendation
        "Udvalget drøftede sagen og anbefaler, at Byrådet stemmer for.",
        "Enstemmigt godkendt.",  # no tally to read
        "Der blev stemt om forslaget, og det faldt.",  # speaks of a vote in a form not read
        "Udvalget undlod at tage stilling.",  # a body declining to decide is no member abstaining
        "For stemte 20 (A, F og Ø). Imod stemte de fleste andre, dog ikke alle.",  # half a tally: none
    ],
)
def test_text_that_only_looks_like_a_vote_or_cannot_be_read_whole_gives_none(text):
    assert read_votes(text) is None


def test_votes_and_attendance_reach_show_and_the_decision_table(tmp_path_factory, monkeypatch, tmp_path):
    text = (
        "Referat\nByrådet den 3. marts 2025\nDeltagere: Anne Hansen, Per Olsen\nFraværende: Jens Berg\n\n"
        "1. Ny skolestruktur\nSagsfremstilling\nForslaget drøftes.\n"
        "Beslutning\nGodkendt.\nFor stemte 20 (A, F og Ø).\nImod stemte 5 (V, O).\n\n"
        "2. Vejbelysning\nIndstilling\nDet indstilles, at Byrådet stemmer for.\nBeslutning\nGodkendt.\n"
    )
    settings = home_with_texts(tmp_path_factory, {"referat.txt": text})
    monkeypatch.setenv("MINUTESINDEX_HOME", str(settings.home))
    hits = json.loads(runner.invoke(app, ["search", "skolestruktur", "--json"]).stdout)
    shown = json.loads(runner.invoke(app, ["show", str(hits[0]["item_id"]), "--json"]).stdout)
    assert [(v["side"], v["count"], v["parties"]) for v in shown["votes"]] == [
        ("for", 20, ["A", "F", "Ø"]),
        ("imod", 5, ["V", "O"]),
    ]
    assert shown["vote_result"] == "vedtaget"
    assert (
        "votes: for 20 (A, F, Ø); imod 5 (V, O) → vedtaget"
        in runner.invoke(app, ["show", str(hits[0]["item_id"])]).stdout
    )
    out = tmp_path / "decisions.csv"
    assert runner.invoke(app, ["export", "decisions", "--out", str(out)]).exit_code == 0
    rows = {row["title"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["Ny skolestruktur"]["votes"] == "for 20 (A, F, Ø); imod 5 (V, O)"
    assert rows["Vejbelysning"]["votes"] == "" and rows["Vejbelysning"]["vote_result"] == ""
