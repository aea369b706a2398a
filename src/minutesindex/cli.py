"""The `minutesindex` command: a thin Typer layer over the library API.

Exit codes: 0 all good · 1 some input files failed · 2 usage error or bad query ·
3 database unusable · 4 search index unusable · 5 another process holds the home · 6 item not found.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from minutesindex.config import DEFAULT_OCR_LANG, load_settings
from minutesindex.errors import ExitCode, MinutesIndexError, NotFoundError

EXIT_CODES_HELP = (
    "Exit codes: 0 all good; 1 some files failed; 2 usage error or bad query; 3 database unusable; "
    "4 search index unusable; 5 another process holds the home; 6 item not found."
)

app = typer.Typer(
    help="Turn Danish committee meeting PDFs into a searchable record of agenda items and decisions. "
    + EXIT_CODES_HELP,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export agenda items (JSON Lines) or decision tables (CSV, xlsx).")
app.add_typer(export_app, name="export")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(exc: MinutesIndexError) -> typer.Exit:
    err.print(f"error: {escape(str(exc))}", highlight=False)
    return typer.Exit(int(exc.exit_code))


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="PDF or text files, or folders to search recursively.")],
    force: Annotated[bool, typer.Option("--force", help="Re-ingest files already stored, replacing them.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="OCR processes (default: CPUs).")] = None,
    ocr_lang: Annotated[str, typer.Option("--ocr-lang", help="Tesseract language(s), e.g. dan or dan+eng.")] = (
        DEFAULT_OCR_LANG
    ),
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest meeting PDFs and text exports: OCR where needed, repair, segment, store and index."""
    from minutesindex.pipeline import FileOutcome, ingest_paths

    settings = load_settings()
    show_progress = err.is_terminal and not json_output
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not show_progress,
    )
    task = progress.add_task("ingesting", total=None)

    def on_file(outcome: FileOutcome) -> None:
        progress.advance(task)
        if outcome.status == "failed":
            progress.console.print(f"error: {escape(str(outcome.path))}: {escape(outcome.reason)}", highlight=False)
        for warning in outcome.warnings:
            progress.console.print(f"warning: {escape(str(outcome.path))}: {escape(warning)}", highlight=False)

    try:
        with progress:
            report = ingest_paths(
                paths,
                settings,
                force=force,
                workers=workers,
                ocr_lang=ocr_lang,
                on_file=on_file,
                on_wait=lambda message: err.print(message),
                on_total=lambda n: progress.update(task, total=n),
            )
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    summary = {
        "ingested": report.count("ingested"),
        "skipped": report.count("skipped"),
        "failed": report.count("failed"),
        "pages": report.pages,
        "ocr_pages": report.ocr_pages,
        "items": sum(o.items for o in report.outcomes if o.status == "ingested"),
        "seconds": round(report.seconds, 2),
    }
    if json_output:
        out.print_json(json.dumps(summary))
    else:
        out.print(
            f"ingested {summary['ingested']}, skipped {summary['skipped']}, failed {summary['failed']}; "
            f"{summary['pages']} pages ({summary['ocr_pages']} OCR'd), {summary['items']} items "
            f"in {summary['seconds']:.1f} s",
            highlight=False,
        )
    if report.failed:
        raise typer.Exit(int(ExitCode.FILES_FAILED))


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help='Words (AND), "phrases", OR, -exclusion, title:/indstilling:/beslutning:…')
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most results to show.")] = 10,
    committee: Annotated[str | None, typer.Option("--committee", help="Only this committee.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Meetings on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Meetings on or before YYYY-MM-DD.")] = None,
    section: Annotated[
        str | None, typer.Option("--section", help="Search one section: indstilling, beslutning…")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print results as a JSON list.")] = False,
) -> None:
    """Search agenda items; shows meeting date, committee, item, title, page and a snippet."""
    from minutesindex.search.index import open_index
    from minutesindex.search.query import search as run_search

    settings = load_settings()
    try:
        index = open_index(settings.index_dir)
        hits = run_search(
            index,
            query,
            limit=limit,
            committee=committee,
            since=_date(since, "--since"),
            until=_date(until, "--until"),
            section=section,
        )
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    if json_output:
        out.print_json(json.dumps([h.as_json() for h in hits], ensure_ascii=False))
        return
    if not hits:
        out.print("no matching items")
        return
    if not hits[0].all_words:
        out.print("no item has all the words; items with some of them:")
    table = Table(show_lines=True)
    for column in ("date", "committee", "item", "title", "page", "snippet", "id"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        snippet = escape(hit.snippet).replace("**", "\x00")
        parts = snippet.split("\x00")
        snippet = "".join(f"[bold yellow]{p}[/]" if k % 2 else p for k, p in enumerate(parts))
        table.add_row(
            hit.meeting_date or "",
            escape(hit.committee),
            hit.number,
            escape(hit.title),
            str(hit.page),
            snippet,
            str(hit.item_id),
        )
    out.print(table)


@app.command()
def show(
    item_id: Annotated[int, typer.Argument(help="Item id from search results.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the item as JSON.")] = False,
) -> None:
    """Print one agenda item with all its sections, its meeting and its page range."""
    from minutesindex.export import item_record
    from minutesindex.store.db import load_items, open_database, session_scope

    settings = load_settings()
    try:
        with session_scope(open_database(settings.db_url)) as session:
            items = load_items(session, [item_id])
            if not items:
                raise NotFoundError(f"no item with id {item_id}")
            record = item_record(items[0])
            record["body"] = items[0].body
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    if json_output:
        out.print_json(json.dumps(record, ensure_ascii=False))
        return
    out.print(f"[bold]{escape(record['number'])} {escape(record['title'])}[/]")
    out.print(
        f"{escape(record['committee'] or '')} · {record['kind'] or ''} · {record['meeting_date'] or 'no date'} · "
        f"{escape(record['document'])}, pages {record['page_start']}–{record['page_end']}",
        highlight=False,
    )
    if not record["segmented"]:
        out.print("(no agenda items were found in this document; it is shown whole)", highlight=False)
    if record["presenter"]:
        out.print(f"Ved {escape(record['presenter'])}")
    if record["body"]:
        out.print(escape(record["body"]))
    for name, text in record["sections"].items():
        out.print(f"\n[bold]{escape(name)}[/]")
        out.print(escape(text), highlight=False)
    if record["attachments"]:
        out.print("\n[bold]attachments[/]")
        for attachment in record["attachments"]:
            out.print(f"- {escape(attachment)}", highlight=False)


def _export_items(query: str | None, committee: str | None, since: str | None, until: str | None, kind: str | None):  # noqa: ANN202
    """Items to export: a search's hits in the search's own selection, or all items matching the filters."""
    from minutesindex.search.index import open_index
    from minutesindex.search.query import search as run_search
    from minutesindex.store.db import load_items, open_database, session_scope

    settings = load_settings()
    since_d, until_d = _date(since, "--since"), _date(until, "--until")
    ids = None
    if query:
        hits = run_search(
            open_index(settings.index_dir), query, limit=100_000, committee=committee, since=since_d, until=until_d
        )
        ids = [h.item_id for h in hits]
    with session_scope(open_database(settings.db_url)) as session:
        items = load_items(session, ids)
    selected = []
    for item in items:
        doc = item.document
        if committee and (doc.committee or "").lower() != committee.lower():
            continue
        if since_d and (doc.meeting_date is None or doc.meeting_date < since_d):
            continue
        if until_d and (doc.meeting_date is None or doc.meeting_date > until_d):
            continue
        if kind and doc.kind != kind:
            continue
        selected.append(item)
    return selected


@export_app.command("items")
def export_items(
    out_path: Annotated[Path, typer.Option("--out", help="Output file (.jsonl).")],
    committee: Annotated[str | None, typer.Option("--committee")] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    query: Annotated[str | None, typer.Option("--query", help="Export exactly the items this search returns.")] = None,
) -> None:
    """Write one JSON object per agenda item (JSON Lines)."""
    from minutesindex.export import write_items_jsonl

    try:
        count = write_items_jsonl(_export_items(query, committee, since, until, None), out_path)
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    err.print(f"wrote {count} items to {out_path}", highlight=False)


@export_app.command("decisions")
def export_decisions(
    out_path: Annotated[Path, typer.Option("--out", help="Output file (.csv or .xlsx).")],
    committee: Annotated[str | None, typer.Option("--committee")] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    query: Annotated[str | None, typer.Option("--query", help="Export exactly the items this search returns.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="referat or dagsorden.")] = None,
    excel: Annotated[bool, typer.Option("--excel", help="UTF-8 with BOM and ';' for Danish Excel.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
) -> None:
    """Write a decision table: one row per agenda item, with recommendation, decision and outcome."""
    from minutesindex.export import write_decisions_csv, write_decisions_xlsx

    if kind not in (None, "referat", "dagsorden"):
        raise typer.BadParameter("use referat or dagsorden", param_hint="--kind")
    if fmt not in ("csv", "xlsx"):
        raise typer.BadParameter("use csv or xlsx", param_hint="--format")
    try:
        items = _export_items(query, committee, since, until, kind)
        if fmt == "xlsx":
            count = write_decisions_xlsx(items, out_path)
        else:
            count = write_decisions_csv(items, out_path, excel=excel)
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    err.print(f"wrote {count} rows to {out_path}", highlight=False)


@app.command()
def repair(
    file: Annotated[Path | None, typer.Argument(help="Text file to repair (default: standard input).")] = None,
) -> None:
    """Repair OCR-mangled Danish text (a Unix filter: text in, repaired text out).

    Pages separated by form feeds are repaired as one document's pages, as an ingest does.

    Names read right in documents already ingested in this home are known to the repair.
    """
    from minutesindex.ingest.text import decode_text
    from minutesindex.repair.text import repair_pages

    try:
        data = file.read_bytes() if file else sys.stdin.buffer.read()
        text = decode_text(data, file or Path("<stdin>")) if data else ""
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    except OSError as exc:
        err.print(f"error: {file}: {exc.strerror}", highlight=False)
        raise typer.Exit(int(ExitCode.FILES_FAILED)) from exc
    settings = load_settings()
    if settings.has_database():  # the pipeline (and SQLAlchemy, PyMuPDF, Whoosh) only where it has words to learn
        from minutesindex.pipeline import home_repairer

        repairer = home_repairer(settings)
    else:
        repairer = None  # the default repairer
    pages = repair_pages(text.split("\f"), repairer) if text else []
    sys.stdout.write("\f".join(page.text for page in pages))


@app.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    from minutesindex.pipeline import reindex as run_reindex

    try:
        count = run_reindex(load_settings())
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    out.print(f"indexed {count} items")


@app.command()
def check(
    repair_index: Annotated[bool, typer.Option("--repair", help="Fix the index from the database.")] = False,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Verify that the search index and the database hold the same items."""
    from minutesindex.pipeline import check as run_check

    try:
        result = run_check(load_settings(), repair=repair_index)
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    if json_output:
        out.print_json(json.dumps(result))
    else:
        missing, stale = result["missing_from_index"], result["stale_in_index"]
        out.print(f"database: {result['items_in_database']} items; index: {result['items_in_index']} items")
        if missing or stale:
            out.print(f"missing from index: {len(missing)}; stale in index: {len(stale)}")
            out.print("repaired" if result.get("repaired") else "run `minutesindex check --repair` to fix")
        else:
            out.print("index and database agree")
    if (result["missing_from_index"] or result["stale_in_index"]) and not result.get("repaired"):
        raise typer.Exit(int(ExitCode.INDEX))


@app.command()
def stats(json_output: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Documents, pages, OCR'd pages, repaired words and items, per committee."""
    from minutesindex.store.db import open_database, session_scope, statistics

    try:
        with session_scope(open_database(load_settings().db_url)) as session:
            result = statistics(session)
    except MinutesIndexError as exc:
        raise _fail(exc) from exc
    if json_output:
        out.print_json(json.dumps(result, ensure_ascii=False))
        return
    out.print(
        f"{result['documents']} documents, {result['pages']} pages ({result['ocr_pages']} OCR'd), "
        f"{result['repaired_words']} words repaired, {result['items']} items"
        + (
            f", {result['unsegmented_documents']} documents without agenda items"
            if result["unsegmented_documents"]
            else ""
        )
    )
    table = Table("committee", "documents", "pages", "items")
    for row in result["committees"]:
        table.add_row(escape(row["committee"]), str(row["documents"]), str(row["pages"]), str(row["items"]))
    out.print(table)
