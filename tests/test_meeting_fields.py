"""The meeting's municipality, committee, date and kind: read from the text or the path, warned about
where they disagree, filtered on, exported, and fixed by hand."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from minutesindex.cli import app
from minutesindex.model import Meeting, Page
from minutesindex.segment.document import segment_pages
from minutesindex.segment.meeting import settle_from_path
from minutesindex.segment.places import MUNICIPALITIES, REGIONS, municipality_in_path, resolve_municipality

runner = CliRunner()


def _minutes(title_block: str, item: str = "Ny affaldsplan") -> str:
    return f"{title_block}\n\n1. {item}\nSagsfremstilling\nPlanen er sendt i høring.\n\nBeslutning\nGodkendt.\n"


def test_the_list_holds_every_municipality_and_region():
    assert len(MUNICIPALITIES) == 98 and len(set(MUNICIPALITIES)) == 98 and len(REGIONS) == 5


def test_the_municipality_comes_from_the_title_block_not_from_a_body_sentence():
    text = _minutes("Horsens Kommune\nReferat\nByrådet den 4. marts 2025", "Samarbejde med Vejle Kommune")
    segmented = segment_pages([Page(1, text, text=text)])
    assert segmented.meeting.municipality == "Horsens Kommune"
    body_only = _minutes("Referat\nByrådet den 4. marts 2025").replace("i høring", "i høring hos Vejle Kommune")
    assert segment_pages([Page(1, body_only, text=body_only)]).meeting.municipality is None


def test_a_region_and_a_council_named_after_its_town_are_read():
    for block, expected in [
        ("Region Midtjylland\nRegionsrådet\nReferat 04.03.2025", "Region Midtjylland"),
        ("AARHUS BYRÅD\nReferat 04.03.2025", "Aarhus Kommune"),
        ("Referat\nKøbenhavns Kommunes Borgerrepræsentation 04.03.2025", "Københavns Kommune"),
    ]:
        text = _minutes(block)
        assert segment_pages([Page(1, text, text=text)]).meeting.municipality == expected, block


def test_the_path_names_the_municipality_where_the_text_does_not_and_warns_where_they_disagree():
    assert municipality_in_path(Path("arkiv/koebenhavn/2024/referat.pdf")) == "Københavns Kommune"
    assert municipality_in_path(Path("regionsjaelland_sundhed_2020-01-15.txt")) == "Region Sjælland"
    assert municipality_in_path(Path("lyngby-taarbaek/bu.pdf")) == "Lyngby-Taarbæk Kommune"
    assert municipality_in_path(Path("diverse/referat.pdf")) is None

    meeting = Meeting(committee="Økonomiudvalget", meeting_date=dt.date(2023, 5, 11))
    assert settle_from_path(meeting, Path("aarhus/oekonomiudvalget_2023-05-11.pdf")) == []
    assert meeting.municipality == "Aarhus Kommune"

    meeting = Meeting(committee="Økonomiudvalget", meeting_date=dt.date(2023, 5, 11), municipality="Vejle Kommune")
    warnings = settle_from_path(meeting, Path("aarhus/byraadet_2023-05-04.pdf"))
    assert meeting.municipality == "Vejle Kommune"  # the text wins; the path is warned about
    assert any("Aarhus Kommune" in w for w in warnings)
    assert any("2023-05-04" in w and "set-date" in w for w in warnings)
    assert any("byraadet" in w and "set-committee" in w for w in warnings)


def test_users_may_spell_a_municipality_as_they_like():
    for spelling in ("aarhus", "Aarhus Kommune", "AARHUS"):
        assert resolve_municipality(spelling) == "Aarhus Kommune"
    assert resolve_municipality("koebenhavn") == resolve_municipality("København") == "Københavns Kommune"
    assert resolve_municipality("region midtjylland") == "Region Midtjylland"
    assert resolve_municipality("Atlantis") is None


def test_filter_export_and_fix_the_meeting_by_hand(home, tmp_path):
    folder = tmp_path / "horsens"
    folder.mkdir()
    (folder / "byraadet_2025-03-04.txt").write_text(_minutes("Referat\nByrådet den 4. marts 2025"), encoding="utf-8")
    other = tmp_path / "vejle.txt"
    other.write_text(_minutes("Vejle Kommune\nDagsorden\nByrådet den 5. marts 2025", "Ny cykelsti"), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(folder), str(other)])
    assert result.exit_code == 0, result.output

    hits = json.loads(runner.invoke(app, ["search", "Sagsfremstilling OR høring", "--json"]).stdout)
    assert sorted(h["municipality"] for h in hits) == ["Horsens Kommune", "Vejle Kommune"]
    only = json.loads(runner.invoke(app, ["search", "høring", "--municipality", "horsens", "--json"]).stdout)
    assert [h["title"] for h in only] == ["Ny affaldsplan"]
    unknown = runner.invoke(app, ["search", "høring", "--municipality", "Atlantis"])
    assert unknown.exit_code == 2 and "Atlantis" in unknown.stderr

    assert runner.invoke(app, ["set-municipality", "vejle.txt", "fredericia"]).exit_code == 0
    assert runner.invoke(app, ["set-committee", "vejle.txt", "Teknisk Udvalg"]).exit_code == 0
    assert runner.invoke(app, ["set-kind", "vejle.txt", "referat"]).exit_code == 0
    assert runner.invoke(app, ["set-kind", "vejle.txt", "protokol"]).exit_code == 2
    assert runner.invoke(app, ["set-committee", "findes-ikke.txt", "Byrådet"]).exit_code == 6

    out = tmp_path / "beslutninger.csv"
    assert runner.invoke(app, ["export", "decisions", "--out", str(out), "--municipality", "Fredericia"]).exit_code == 0
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert (row["municipality"], row["committee"], row["kind"]) == ("Fredericia Kommune", "Teknisk Udvalg", "referat")
    hits = json.loads(runner.invoke(app, ["search", "cykelsti", "--municipality", "fredericia", "--json"]).stdout)
    assert [h["committee"] for h in hits] == ["Teknisk Udvalg"]


def test_the_committee_is_never_read_from_an_item_or_a_body_sentence():
    for block, item in [
        ("Referat\nMødedato: 4. marts 2025", "Godkendelse af dagsorden for Byrådet"),
        ("Referat\nMødedato: 4. marts 2025\nByrådsdebat 09.04.2025", "Ny affaldsplan"),
        ("Referat\nMødedato: 4. marts 2025\nKonference den 23. januar 2025 - om affald", "Ny affaldsplan"),
    ]:
        text = _minutes(block, item)
        committee = segment_pages([Page(1, text, text=text)]).meeting.committee
        assert committee is None or not committee.startswith(("Godkendelse", "Byrådsdebat", "Konference")), block


def test_a_decision_heading_with_an_impossible_date_does_not_stop_the_document():
    text = (
        "1. Ny plan\nSagsfremstilling\nTekst.\n"
        "Beslutning i Byrådet den 31.02.2020\nGodkendt.\nBeslutning i Byrådet den 04.03.2020\nGodkendt.\n"
    )
    meeting = segment_pages([Page(1, text, text=text)]).meeting
    assert (meeting.meeting_date, meeting.kind) == (dt.date(2020, 3, 4), "referat")
