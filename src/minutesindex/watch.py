"""Saved searches and what is new in them, written as an Atom feed (any feed reader) or CSV.

Nothing runs as a service and nothing leaves the machine: `ingest` says which saved searches its
new items match, and `watch feed` writes the new hits to a file, replaced atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from minutesindex.errors import QuerySyntaxError

FEED_FORMATS = ("atom", "csv")
WATCH_FILTERS = ("committee", "municipality", "since", "until", "access", "include_undated")
FEED_COLUMNS = ["item_id", "meeting_date", "committee", "municipality", "number", "title", "snippet", "path", "page"]
ATOM = "http://www.w3.org/2005/Atom"
_NAME = re.compile(r"[\w][\w .-]{0,99}")


@dataclass
class Watch:
    name: str
    query: str
    filters: dict = field(default_factory=dict)
    read_upto: int = 0  # the highest item id read
    new: int = 0  # hits above read_upto

    def as_json(self) -> dict:
        return {"name": self.name, "query": self.query, "filters": self.filters, "new": self.new}


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise QuerySyntaxError(f"{name!r} is no watch name: letters, digits, spaces, '.', '-' or '_', at most 100")
    return name


def check_filters(filters: dict) -> dict:
    unknown = set(filters) - set(WATCH_FILTERS)
    if unknown:
        raise QuerySyntaxError(f"a watch takes no {', '.join(sorted(unknown))}; use {', '.join(WATCH_FILTERS)}")
    return {key: value for key, value in filters.items() if value not in (None, False, "")}


def write_feed(hits: list, out: Path, fmt: str, title: str) -> None:
    """The hits (search.query.SearchHit) as an Atom feed or CSV, replacing `out` atomically."""
    from minutesindex.export import replacing, source_link

    if fmt not in FEED_FORMATS:
        raise QuerySyntaxError(f"unknown feed format {fmt!r}; use {' or '.join(FEED_FORMATS)}")
    with replacing(out) as partial:
        if fmt == "csv":
            with partial.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=FEED_COLUMNS, lineterminator="\r\n")
                writer.writeheader()
                for hit in hits:
                    row = {**{k: getattr(hit, k) for k in FEED_COLUMNS}, "snippet": hit.snippet.replace("**", "")}
                    row["meeting_date"] = hit.meeting_date.isoformat() if hit.meeting_date else ""
                    writer.writerow(row)
            return
        ET.register_namespace("", ATOM)
        feed = ET.Element(f"{{{ATOM}}}feed")
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        ET.SubElement(feed, f"{{{ATOM}}}title").text = f"minutesindex: {title}"
        ET.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:minutesindex:watch:{title}"
        ET.SubElement(feed, f"{{{ATOM}}}updated").text = now
        for hit in hits:
            entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
            date = hit.meeting_date.isoformat() if hit.meeting_date else "uden dato"
            ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{date} {hit.committee}: {hit.number}. {hit.title}"
            ET.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:minutesindex:item:{hit.item_id}"
            updated = f"{hit.meeting_date.isoformat()}T00:00:00Z" if hit.meeting_date else now
            ET.SubElement(entry, f"{{{ATOM}}}updated").text = updated
            if hit.path:
                ET.SubElement(entry, f"{{{ATOM}}}link", href=source_link(hit.path, hit.page))
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = hit.snippet.replace("**", "")
        ET.ElementTree(feed).write(partial, encoding="utf-8", xml_declaration=True)
