"""The analyst's workbench in a browser (`minutesindex serve`): a thin Starlette app over `Archive`,
so the page and the command line give the same hits.

Read-only and safe by default: every route is a GET; document text is escaped by Jinja2's
autoescape (minutes are untrusted input); a file is served only by the id of a document the
database records, and no path from a request reaches the file system; errors are a page with
their message, never a traceback. The whole query lives in the URL, so a search can be bookmarked.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from minutesindex.archive import Archive, ItemRecord
from minutesindex.errors import MinutesIndexError, NotFoundError, QuerySyntaxError, UnknownCommitteeError
from minutesindex.web.chart import timeline_svg
from minutesindex.web.words import LANGUAGES, month_names, words

HERE = Path(__file__).resolve().parent
HITS_PER_PAGE = 20
# Paging deeper costs a search of every hit before the page; an analyst narrows the query first.
MAX_PAGE = 50
# The largest result set an export writes (the same cap as `export decisions --query`).
MAX_EXPORT = 100_000
FACETS = ("municipality", "committee", "year", "kind", "outcome", "access")
CHART_BY = ("outcome", "committee")
CHART_PER = ("month", "year")
CHART_GROUPS = 6  # the most common values of the chart's grouping drawn; the rest together
FILTER_PARAMS = ("committee", "municipality", "year", "kind", "outcome", "access")
NO_DECISION = "-"  # the outcome filter's value for items without a decision
PAGE_IMAGE_WIDTH = 900


def create_app(archive: Archive) -> Starlette:
    """The workbench over one archive. Requests are served one at a time against it (a Whoosh
    searcher is not shared between threads)."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)
    templates = Jinja2Templates(env=environment)
    lock = threading.Lock()

    def render(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        lang = _lang(request)
        base = {
            "w": words(lang),
            "lang": lang,
            "q": request.query_params.get("q", ""),
            "link": lambda path, params: _link(path, params),
            "switch_language": _link(request.url.path, {**request.query_params, "lang": _other(lang)}),
        }
        return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)

    def search_page(request: Request) -> HTMLResponse:
        with lock:
            return render(request, "search.html", _search_context(archive, request))

    def item_page(request: Request) -> HTMLResponse:
        with lock:
            return render(request, "item.html", _item_context(archive, request))

    def meeting_page(request: Request) -> HTMLResponse:
        with lock:
            return render(request, "meeting.html", _meeting_context(archive, request))

    def page_image(request: Request) -> Response:
        document_id, page = request.path_params["document_id"], request.path_params["page"]
        with lock:
            png = archive.page_image(document_id, page, PAGE_IMAGE_WIDTH)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    def pdf(request: Request) -> FileResponse:
        with lock:
            path = archive.source_pdf(request.path_params["document_id"])
        return FileResponse(path, media_type="application/pdf", content_disposition_type="inline", filename=path.name)

    def export(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in ("xlsx", "csv"):
            raise NotFoundError(f"no export as {fmt}")
        query = request.query_params.get("q", "").strip()
        if not query:
            raise QuerySyntaxError("an export needs a search")
        with lock, tempfile.TemporaryDirectory() as folder:
            hits = archive.search(query, limit=MAX_EXPORT, sort=_sort(request), **_filters(request))
            target = Path(folder) / f"beslutninger.{fmt}"
            archive.export_hits(target, hits, fmt=fmt)
            content = target.read_bytes()
        media = "text/csv; charset=utf-8" if fmt == "csv" else _XLSX
        name = f"minutesindex-{_slug(query)}.{fmt}"
        return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def failed(request: Request, exc: Exception) -> HTMLResponse:
        lang = _lang(request)
        w = words(lang)
        if isinstance(exc, NotFoundError):
            status, heading, message = 404, w["not_found"], str(exc)
        elif isinstance(exc, HTTPException):
            status, heading, message = exc.status_code, w["error"], str(exc.detail)
        elif isinstance(exc, QuerySyntaxError | UnknownCommitteeError):
            status, heading, message = 400, w["error"], str(exc)
        elif isinstance(exc, MinutesIndexError):
            status, heading, message = 500, w["error"], str(exc)
        else:  # never a traceback: the message names what failed
            status, heading, message = 500, w["error"], f"unexpected failure ({type(exc).__name__})"
        return render(request, "error.html", {"heading": heading, "message": message}, status)

    routes = [
        Route("/", search_page),
        Route("/item/{item_id:int}", item_page),
        Route("/meeting/{document_id:int}", meeting_page),
        Route("/page/{document_id:int}/{page:int}.png", page_image),
        Route("/pdf/{document_id:int}", pdf),
        Route("/export.{fmt}", export),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    handlers: dict[Any, Any] = {Exception: failed, HTTPException: failed, 404: failed}
    return Starlette(routes=routes, exception_handlers=handlers)


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "da")
    return lang if lang in LANGUAGES else "da"


def _other(lang: str) -> str:
    return "en" if lang == "da" else "da"


def _link(path: str, params: dict) -> str:
    """A URL with the parameters that have a value (Danish, the default language, left out)."""
    kept = {k: v for k, v in params.items() if v not in (None, "") and not (k == "lang" and v == "da")}
    return path + ("?" + urlencode(kept) if kept else "")


def _state(request: Request) -> dict[str, str]:
    """The search as the URL holds it."""
    names = ("q", *FILTER_PARAMS, "sort", "lang", "by", "per")
    return {name: request.query_params[name] for name in names if request.query_params.get(name)}


def _sort(request: Request) -> str:
    sort = request.query_params.get("sort", "score")
    if sort not in ("score", "date"):
        raise QuerySyntaxError(f"unknown sort {sort!r}; use score or date")
    return sort


def _filters(request: Request) -> dict[str, Any]:
    """The URL's filters as Archive.search takes them."""
    params = request.query_params
    filters: dict[str, Any] = {}
    if params.get("committee"):
        filters["committee"] = params["committee"]
    if params.get("municipality"):
        filters["municipality"] = params["municipality"]
    if params.get("year"):
        if not re.fullmatch(r"\d{4}", params["year"]):
            raise QuerySyntaxError(f"{params['year']!r} is not a year")
        filters["since"], filters["until"] = params["year"], params["year"]
    if params.get("kind"):
        filters["kinds"] = (params["kind"],)
    if params.get("outcome"):
        filters["outcomes"] = ("" if params["outcome"] == NO_DECISION else params["outcome"],)
    if params.get("access"):
        filters["access"] = params["access"]
    return filters


def _page_number(request: Request) -> int:
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        raise QuerySyntaxError("page must be a number") from None
    if not 1 <= page <= MAX_PAGE:
        raise QuerySyntaxError(f"only the first {MAX_PAGE} pages are shown; narrow the search with a filter")
    return page


def _search_context(archive: Archive, request: Request) -> dict:
    lang = _lang(request)
    w = words(lang)
    query = request.query_params.get("q", "").strip()
    if not archive.exists():
        return {"message": w["no_home"], "meetings": [], "facets": [], "hits": []}
    if not query:
        meetings = [
            {
                "href": _link(f"/meeting/{m.document_id}", {"lang": lang}),
                "date": _date(m.meeting_date, lang),
                "committee": m.committee or w["no_committee"],
                "municipality": m.municipality,
                "kind": w.get(f"kind_{m.kind}", m.kind or ""),
                "items": m.items,
            }
            for m in archive.meetings(limit=30)
        ]
        return {"meetings": meetings, "facets": [], "hits": []}
    state = _state(request)
    page = _page_number(request)
    by = request.query_params.get("by", "outcome")
    per = request.query_params.get("per", "year")
    if by not in CHART_BY or per not in CHART_PER:
        raise QuerySyntaxError(f"the chart is drawn by {' or '.join(CHART_BY)} per {' or '.join(CHART_PER)}")
    tallies = tuple((facet,) for facet in FACETS) + ((per, by),)
    try:
        hits = archive.search(
            query,
            limit=HITS_PER_PAGE,
            offset=(page - 1) * HITS_PER_PAGE,
            sort=_sort(request),
            tallies=tallies,
            **_filters(request),
        )
    except (QuerySyntaxError, UnknownCommitteeError) as exc:
        return {"message": str(exc), "facets": [], "hits": [], "meetings": []}
    total = hits.total or 0
    first = (page - 1) * HITS_PER_PAGE + 1
    shown = f"{first}–{first + len(hits) - 1}" if hits else "0"
    return {
        "hits": [_hit(hit, lang) for hit in hits],
        "first": first,
        "count_line": w["hits_of"].format(shown=shown, total=_number(total, lang)) if hits else w["hits_none"],
        "some_words": bool(hits) and not hits[0].all_words,
        "note": hits.note,
        "sort": _sort(request),
        "hidden": [(k, v) for k, v in state.items() if k != "sort"],
        "facets": _facets(hits.tallies, state, lang),
        "active": any(name in state for name in FILTER_PARAMS),
        "page": page,
        "previous": _link("/", {**state, "page": page - 1}) if page > 1 else None,
        "next": _link("/", {**state, "page": page + 1}) if first + len(hits) - 1 < total and page < MAX_PAGE else None,
        "export_xlsx": _link("/export.xlsx", state),
        "export_csv": _link("/export.csv", state),
        "chart": _chart(hits.tallies.get((per, by), Counter()), per, by, lang) if hits else None,
        "chart_options": {
            "by": [
                {"label": w[f"by_{b}"], "href": _link("/", {**state, "by": b}), "selected": b == by} for b in CHART_BY
            ],
            "per": [
                {"label": w[f"per_{p}"], "href": _link("/", {**state, "per": p}), "selected": p == per}
                for p in CHART_PER
            ],
        },
        "meetings": [],
    }


def _hit(hit: Any, lang: str) -> dict:  # noqa: ANN401 - a SearchHit
    w = words(lang)
    return {
        "href": _link(f"/item/{hit.item_id}", {"lang": lang}),
        "number": hit.number,
        "title": hit.title,
        "date": _date(hit.meeting_date, lang),
        "committee": hit.committee or w["no_committee"],
        "municipality": hit.municipality,
        "outcome": hit.outcome,
        "snippet": _marked(hit.snippet),
        "file": hit.document,
        "page_label": w["page"].format(page=hit.page),
        "pdf_href": f"/pdf/{hit.document_id}#page={hit.page}" if hit.path.lower().endswith(".pdf") else None,
    }


def _marked(snippet: str) -> Markup:
    """The snippet escaped, its matched words (between ** marks) in <mark>."""
    pieces = str(escape(snippet)).split("**")
    return Markup("".join(f"<mark>{piece}</mark>" if k % 2 else piece for k, piece in enumerate(pieces)))


def _facets(tallies: dict, state: dict[str, str], lang: str) -> list[dict]:
    """Each facet's values with their counts (most first; years newest first), each a link that
    adds its filter, or removes it where it is the one chosen."""
    w = words(lang)
    facets = []
    for name in FACETS:
        counts = tallies.get((name,), Counter())
        ordered = sorted(counts.items(), key=lambda pair: (-pair[1], str(pair[0][0])))
        if name == "year":
            ordered = sorted(counts.items(), key=lambda pair: -(pair[0][0] or 0))
        values = []
        for (value,), count in ordered:
            if value is None or (value == "" and name != "outcome"):
                continue  # an undated meeting has no year; a meeting without committee, none
            raw = NO_DECISION if name == "outcome" and value == "" else str(value)
            chosen = state.get(name) == raw
            params = {key: v for key, v in state.items() if key not in (name, "page")}
            if not chosen:
                params[name] = raw
            href = _link("/", params)
            values.append({"label": _facet_label(name, raw, w), "count": _number(count, lang), "href": href,
                           "selected": chosen})  # fmt: skip
        if values:
            facets.append({"label": w[f"facet_{name}"], "values": values})
    return facets


def _facet_label(name: str, value: str, w: dict[str, str]) -> str:
    if name == "kind":
        return w.get(f"kind_{value}", value)
    if name == "access":
        return w[f"access_{value}"]
    if name == "outcome" and value == NO_DECISION:
        return w["outcome_none"]
    return value


def _chart(counts: Counter, per: str, by: str, lang: str) -> Markup | None:
    w = words(lang)
    dated = Counter({key: n for key, n in counts.items() if key[0] is not None})
    if not dated:
        return Markup(f"<p>{escape(w['chart_empty'])}</p>")
    totals = Counter()
    for (_, group), n in dated.items():
        totals[group or ""] += n
    groups = [group for group, _ in totals.most_common(CHART_GROUPS)]
    label = {g: (g or w["outcome_none"] if by == "outcome" else g or w["no_committee"]) for g in groups}
    return Markup(timeline_svg(dated, per, groups, label, lang))


def _item_context(archive: Archive, request: Request) -> dict:
    lang = _lang(request)
    w = words(lang)
    item = archive.record(request.path_params["item_id"])
    meeting, items = archive.meeting(item.document_id)
    same_case = archive.items_of_case(item.case_number) if item.case_number else []
    has_pdf = meeting.pdf is not None and Path(meeting.pdf).is_file()
    return {
        "item": item,
        "date": _date(item.meeting_date, lang),
        "kind": w.get(f"kind_{item.kind}", item.kind or ""),
        "structure": w.get(f"source_{item.structure_source}", w["source_unknown"]),
        "meeting_href": _link(f"/meeting/{item.document_id}", {"lang": lang}),
        "page_label": w["pages"].format(start=item.page_start, end=item.page_end)
        if item.page_end > item.page_start
        else w["page"].format(page=item.page_start),
        "page_image": f"/page/{item.document_id}/{item.page_start}.png" if has_pdf else None,
        "pdf_href": f"/pdf/{item.document_id}#page={item.page_start}" if has_pdf else None,
        "others": [_item_link(other, lang, current=other.item_id == item.item_id) for other in items],
        "same_case": [_item_link(other, lang) for other in same_case if other.item_id != item.item_id],
    }


def _item_link(item: ItemRecord, lang: str, current: bool = False) -> dict:
    return {
        "href": _link(f"/item/{item.item_id}", {"lang": lang}),
        "number": item.number,
        "title": item.title,
        "outcome": item.outcome,
        "closed": item.closed,
        "current": current,
        "date": _date(item.meeting_date, lang),
        "committee": item.committee or "",
        "page_label": words(lang)["page"].format(page=item.page_start),
    }


def _meeting_context(archive: Archive, request: Request) -> dict:
    lang = _lang(request)
    w = words(lang)
    meeting, items = archive.meeting(request.path_params["document_id"])
    has_pdf = meeting.pdf is not None and Path(meeting.pdf).is_file()
    return {
        "meeting": meeting,
        "date": _date(meeting.meeting_date, lang),
        "kind": w.get(f"kind_{meeting.kind}", meeting.kind or ""),
        "pdf_href": f"/pdf/{meeting.document_id}" if has_pdf else None,
        "items": [_item_link(item, lang) for item in items],
    }


def _date(date: dt.date | None, lang: str) -> str:
    if date is None:
        return words(lang)["no_date"]
    return (
        f"{date.day}. {month_names(lang)[date.month - 1]} {date.year}"
        if lang == "da"
        else (f"{date.day} {month_names(lang)[date.month - 1]} {date.year}")
    )


def _number(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "." if lang == "da" else ",")


def _slug(text: str) -> str:
    """An ASCII file name part (a header carries only Latin-1): `særlige pladser` → `saerlige-pladser`."""
    text = text.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40] or "soegning"
