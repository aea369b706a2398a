"""Saved searches: every ingest names the saved searches its new items match; a feed writes the new
items since the last read as Atom or CSV, replacing the file whole; nothing runs as a service."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from minutesindex import Archive
from minutesindex.cli import app

runner = CliRunner()
ATOM = "{http://www.w3.org/2005/Atom}"


def _minutes(folder, name: str, date: str, titles: list[str]) -> None:
    body = "".join(
        f"{k}. {title}\nSagsfremstilling\nOm {title.lower()}.\nBeslutning\nGodkendt.\n\n"
        for k, title in enumerate(titles, 1)
    )
    (folder / name).write_text(f"Referat\nTeknik- og Miljøudvalget den {date}\n\n{body}", encoding="utf-8")


def test_ingest_names_the_watches_with_new_hits_and_a_feed_gives_them_once(tmp_path, monkeypatch):
    monkeypatch.setenv("MINUTESINDEX_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MINUTESINDEX_DB_URL", raising=False)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    _minutes(first, "januar.txt", "5. januar 2025", ["Affaldssortering i etageboliger", "Vejbelysning"])
    assert runner.invoke(app, ["ingest", str(first)]).exit_code == 0

    added = runner.invoke(app, ["watch", "add", "affald", "affald", "--committee", "teknik"])
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["watch", "add", "affald", "budget"]).exit_code == 2  # the name is taken
    assert runner.invoke(app, ["watch", "add", "cykler", "cykelstier"]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["watch", "list", "--json"]).stdout)
    assert [(w["name"], w["new"]) for w in listed] == [("affald", 0), ("cykler", 0)]  # present hits are read

    _minutes(second, "februar.txt", "2. februar 2025", ["Nye affaldsbeholdere", "Affald fra sommerhuse", "Park"])
    result = runner.invoke(app, ["ingest", str(second)])
    assert "watch affald: 2 new items (minutesindex watch feed affald)" in result.stdout
    assert "cykler" not in result.stdout

    feed = tmp_path / "affald.xml"
    written = runner.invoke(app, ["watch", "feed", "affald", "--out", str(feed)])
    assert written.exit_code == 0 and "wrote 2 new items" in written.stderr
    entries = ET.parse(feed).getroot().findall(f"{ATOM}entry")
    assert sorted(e.find(f"{ATOM}title").text.split(": ", 1)[1] for e in entries) == [
        "1. Nye affaldsbeholdere",
        "2. Affald fra sommerhuse",
    ]
    assert all(e.find(f"{ATOM}id").text.startswith("urn:minutesindex:item:") for e in entries)

    again = tmp_path / "affald.csv"
    assert runner.invoke(app, ["watch", "feed", "affald", "--out", str(again), "--format", "csv"]).exit_code == 0
    assert list(csv.DictReader(again.open(encoding="utf-8"))) == []  # read already
    assert json.loads(runner.invoke(app, ["watch", "list", "--json"]).stdout)[0]["new"] == 0

    assert runner.invoke(app, ["watch", "remove", "cykler"]).exit_code == 0
    assert runner.invoke(app, ["watch", "remove", "cykler"]).exit_code == 6  # no such watch: not found
    assert [w.name for w in Archive(tmp_path / "home").watches()] == ["affald"]


def test_a_feed_file_that_exists_is_replaced_whole(tmp_path, monkeypatch, sample_home):
    settings, _ = sample_home
    archive = Archive(settings.home)
    name = f"skole-{tmp_path.name}"
    archive.watch_add(name, "skole")
    feed = tmp_path / "feed.xml"
    feed.write_text("old", encoding="utf-8")
    assert archive.watch_feed(name, feed) == 0
    assert ET.parse(feed).getroot().tag == f"{ATOM}feed"
    assert not list(tmp_path.glob(".feed.xml.*.partial"))
    archive.watch_remove(name)
