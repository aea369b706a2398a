"""Parse an analyst's query (words, "phrases", OR, -exclusion, field:prefixes) and run it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from whoosh import highlight, qparser
from whoosh.index import Index
from whoosh.query import And, DateRange, Or, Query, Term

from minutesindex.errors import QuerySyntaxError
from minutesindex.search.analysis import fold
from minutesindex.search.index import FIELD_BOOSTS, SECTION_FIELDS

MAX_QUERY_LEN = 500
SEARCH_FIELDS = ["title", "presenter", *SECTION_FIELDS, "content", "folded"]
FIELD_ALIASES = {"titel": "title", "resumé": "resume", "decision": "beslutning", "bilag": "bilag"}


@dataclass
class SearchHit:
    item_id: int
    document: str
    committee: str
    meeting_date: str | None
    number: str
    title: str
    score: float
    snippet: str
    page: int

    def as_json(self) -> dict:
        return {
            "item_id": self.item_id,
            "document": self.document,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "number": self.number,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "page": self.page,
        }


class _MarkFormatter(highlight.Formatter):
    """Snippets as plain text with matched words between ** marks (the table view renders them bold)."""

    between = " … "

    def format_token(self, text, token, replace=False):  # noqa: ANN001, ANN201 - Whoosh protocol
        return f"**{highlight.get_text(text, token, replace)}**"


def _parser(index: Index, fields: list[str]) -> qparser.QueryParser:
    boosts = {f: FIELD_BOOSTS.get(f, 1.0) for f in fields}
    parser = qparser.MultifieldParser(fields, index.schema, fieldboosts=boosts, group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.add_plugin(qparser.FieldAliasPlugin({v: [k] for k, v in FIELD_ALIASES.items() if k != v}))
    return parser


def _prepare(query_text: str) -> str:
    """Make `-word` an exclusion and lower-case `or` an operator, as analysts type them."""
    text = re.sub(r"(^|\s)-(?=[\w\"])", r"\1NOT ", query_text.strip())
    text = re.sub(r"\s+or\s+", " OR ", text)
    if text.count('"') % 2:
        text = text.replace('"', " ")
    return text


def build_query(
    index: Index,
    query_text: str,
    section: str | None = None,
) -> Query:
    if not query_text.strip():
        raise QuerySyntaxError("empty query")
    if len(query_text) > MAX_QUERY_LEN:
        raise QuerySyntaxError(f"query too long ({len(query_text)} characters; at most {MAX_QUERY_LEN})")
    if section:
        section_field = section if section in SECTION_FIELDS or section == "title" else None
        if section_field is None:
            raise QuerySyntaxError(f"unknown section {section!r}; use one of: title, {', '.join(SECTION_FIELDS)}")
        fields = [section_field]
    else:
        fields = SEARCH_FIELDS
    prepared = _prepare(query_text)
    try:
        parsed = _parser(index, fields).parse(prepared)
    except Exception as exc:  # Whoosh's parser raises assorted errors on odd input
        raise QuerySyntaxError(f"cannot parse query {query_text!r}: {exc}") from exc
    if not section:
        parsed = Or([parsed, _folded_query(index, prepared)])
    return parsed


def _folded_query(index: Index, prepared: str) -> Query:
    """The same query against the folded field, so `Boernehus` and `Solund` find `Børnehus`, `Sølund`."""
    parser = qparser.QueryParser("folded", index.schema, group=qparser.AndGroup)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    try:
        return parser.parse(fold(prepared.lower()).replace(" not ", " NOT ").replace(" or ", " OR "))
    except Exception:  # the main query already parsed; folding is a bonus
        return Or([])


def search(
    index: Index,
    query_text: str,
    limit: int = 10,
    committee: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    section: str | None = None,
) -> list[SearchHit]:
    query = build_query(index, query_text, section)
    filters: list[Query] = []
    if committee:
        filters.append(Term("committee_key", committee.lower()))
    if since or until:
        start = dt.datetime.combine(since, dt.time()) if since else None
        end = dt.datetime.combine(until, dt.time.max) if until else None
        filters.append(DateRange("meeting_date", start, end))
    with index.searcher() as searcher:
        results = searcher.search(query, limit=limit, filter=And(filters) if filters else None, terms=True)
        results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
        results.formatter = _MarkFormatter()
        hits = []
        for hit in results:
            snippet = hit.highlights("content", top=2) or hit["content"][:200]
            date = hit.get("meeting_date")
            hits.append(
                SearchHit(
                    item_id=int(hit["item_id"]),
                    document=hit["document"],
                    committee=hit["committee"],
                    meeting_date=date.date().isoformat() if date else None,
                    number=hit["number"],
                    title=hit["title_display"],
                    score=float(hit.score),
                    snippet=re.sub(r"\s+", " ", snippet).strip(),
                    page=int(hit["page"]),
                )
            )
    return hits
