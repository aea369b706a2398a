"""The `minutesindex` command: a thin Typer layer over the library API.

Exit codes: 0 all good · 1 some input files failed · 2 usage error or bad query ·
3 database unusable or no home · 4 search index unusable · 5 another process holds the home ·
6 item or document not found · 7 Dask scheduler unreachable or lost · 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import errno
import io
import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

try:  # newer Typers carry their own copy of Click
    from typer._click.exceptions import ClickException, UsageError
except ImportError:
    from click.exceptions import ClickException, UsageError

from minutesindex.archive import Archive
from minutesindex.config import DEFAULT_OCR_LANG, load_settings
from minutesindex.dates import DATE_FORMS, parse_date
from minutesindex.errors import (
    ExitCode,
    MinutesIndexError,
    NoHomeError,
    QuerySyntaxError,
    StorageError,
    storage_error,
)

EXIT_CODES_HELP = (
    "Exit codes: 0 all good; 1 some files failed; 2 usage error or bad query; 3 database unusable or no home; "
    "4 search index unusable; 5 another process holds the home; 6 item or document not found; "
    "7 Dask scheduler unreachable; 8 no space left on the disk, or an export's --out cannot be written; "
    "70 unexpected failure (its traceback is written to a file); 130 interrupted."
)


class _ErrorBoundary(TyperGroup):
    """The one place where failures become README's exit codes, for every command: a
    MinutesIndexError is its one line and its code; anything unexpected is one line naming where
    its full traceback was written, and exit 70; a full disk, wherever it is met, is exit 8. Click's
    own exits, and Ctrl-C, pass through."""

    def invoke(self, ctx: typer.Context) -> object:
        try:
            return super().invoke(ctx)
        except MinutesIndexError as exc:
            raise _fail(exc) from exc
        except BrokenPipeError:  # the reader stopped reading (`| head -1`): not a failure
            _quiet_stdout()
            raise typer.Exit(int(ExitCode.OK)) from None
        except UsageError as exc:
            raise _usage(exc) from exc
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise _unexpected(exc) from exc
            raise _fail(storage_error(exc.filename or f"the home {load_settings().home}")) from exc
        except Exception as exc:
            raise _unexpected(exc) from exc


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that nothing more is written to the closed pipe
    (Python's own flush at exit would report it)."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _usage(exc: UsageError) -> typer.Exit:
    """A usage error as one line, like every other error, with where to look next."""
    command = " ".join(["minutesindex", *(exc.ctx.command_path.split()[1:] if exc.ctx is not None else [])])
    message = " ".join(exc.format_message().split())
    err.print(f"error: {_e(message)} (see `{_e(command)} --help`)", highlight=False)
    return typer.Exit(int(ExitCode.USAGE))


def _unexpected(exc: Exception) -> typer.Exit:
    log = _write_traceback(exc)
    err.print(
        f"error: unexpected failure ({type(exc).__name__}: {_e(str(exc)[:200])}); the full traceback is in {log}",
        highlight=False,
    )
    return typer.Exit(int(ExitCode.INTERNAL))


def _write_traceback(exc: Exception) -> str:
    """Write the traceback to a file of its own in the temporary folder (the home may be read-only,
    or be what failed); return its path."""
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="minutesindex-error-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write(f"minutesindex {' '.join(sys.argv[1:])}\n\n")
        log.write("".join(traceback.format_exception(exc)))
    return path


app = typer.Typer(
    cls=_ErrorBoundary,
    help="Turn Danish committee meeting PDFs into a searchable record of agenda items and decisions. "
    + EXIT_CODES_HELP,
    add_completion=True,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export agenda items (JSON Lines) or decision tables (CSV, xlsx).")
app.add_typer(export_app, name="export")
watch_app = typer.Typer(help="Saved searches: what is new in them after each ingest, as an Atom feed or CSV.")
app.add_typer(watch_app, name="watch")


class _Output(Console):
    """Standard output; a reader that stops reading (`| head -1`) ends the command quietly, exit 0
    (rich's own answer is exit 1)."""

    def on_broken_pipe(self) -> None:
        _quiet_stdout()
        raise typer.Exit(int(ExitCode.OK))


out = _Output(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _e(text: str) -> str:
    """Text from documents as the terminal shows it: no escape sequences or other control characters
    (a document could move the cursor or retitle the window), no rich markup."""
    return escape(_CONTROL.sub("", text))


def _line(text: str) -> str:
    """Text shown within one line of output: its line breaks as spaces, so it cannot forge a line."""
    return _e(text.replace("\r", " ").replace("\n", " "))


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM: unwinds every command (pools closed, the index writer cancelled,
    the lock released; the document being written is rolled back) and ends it with exit 130."""


def _interrupt(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


def run() -> None:
    """The `minutesindex` command: the app, with Ctrl-C ending any command within seconds, exit 130."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        app()
    except Interrupted:
        err.print("interrupted", highlight=False)
        sys.exit(int(ExitCode.INTERRUPTED))


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"minutesindex {version('minutesindex')}", highlight=False)
        raise typer.Exit()


@app.callback(context_settings={"help_option_names": ["-h", "--help"]})
def main(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="The home to use: its database and index live in PATH/processed "
            "(default: $MINUTESINDEX_HOME, else ./data).",
            metavar="PATH",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    if home is not None:
        os.environ["MINUTESINDEX_HOME"] = str(home)
    load_settings()  # a setting minutesindex cannot use is one line, before any work


def _fail(exc: MinutesIndexError) -> typer.Exit:
    err.print(f"error: {_e(str(exc))}", highlight=False)
    return typer.Exit(int(exc.exit_code))


def _date(value: str | None, option: str, end: bool = False) -> dt.date | None:
    """A date as analysts type it (see dates.parse_date); a usage error naming the option otherwise."""
    try:
        return parse_date(value, end=end)
    except QuerySyntaxError:
        raise typer.BadParameter(f"{value!r} is not a date ({DATE_FORMS})", param_hint=option) from None


def _date_range(since: str | None, until: str | None) -> tuple[dt.date | None, dt.date | None]:
    since_d, until_d = _date(since, "--since"), _date(until, "--until", end=True)
    if since_d and until_d and since_d > until_d:
        raise typer.BadParameter(f"--since {since} is after --until {until}", param_hint="--since/--until")
    return since_d, until_d


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="PDF or text files, or folders to search recursively.")
    ],
    force: Annotated[bool, typer.Option("--force", help="Re-ingest files already stored, replacing them.")] = False,
    keep_duplicates: Annotated[
        bool,
        typer.Option(
            "--keep-duplicates", help="Store a meeting again from another file (its PDF, scan or export) as well."
        ),
    ] = False,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Read links in folders to files outside the folders given.")
    ] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, metavar="N", help="OCR processes (default: CPUs).")
    ] = None,
    ocr_lang: Annotated[
        str, typer.Option("--ocr-lang", metavar="LANG", help="Tesseract language(s), e.g. dan or dan+eng.")
    ] = (DEFAULT_OCR_LANG),
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    meeting_date: Annotated[
        str | None,
        typer.Option("--meeting-date", metavar="DATE", help="The meeting date of documents that do not give it."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="A line per file, also for files in folders that are not supported.")
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            envvar="MINUTESINDEX_SCHEDULER",
            metavar="ADDRESS",
            help="OCR scanned pages on the workers of this Dask scheduler (tcp://host:8786).",
        ),
    ] = None,
) -> None:
    """Ingest meeting PDFs and text exports: OCR where needed, repair, segment, store and index.

    Examples:

      minutesindex ingest referater/ scanninger/*.pdf

      minutesindex ingest gammelt_referat.pdf --force --meeting-date 2009-03-03
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from minutesindex.ingest.tesseract import installed_languages
    from minutesindex.pipeline import FileOutcome, shown_path

    installed = installed_languages()
    missing = [lang for lang in ocr_lang.split("+") if installed is not None and lang not in installed]
    if missing:
        raise typer.BadParameter(
            f"Tesseract has no language {', '.join(missing)}; installed: {', '.join(installed)}",
            param_hint="--ocr-lang",
        )
    show_progress = err.is_terminal and not json_output
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not show_progress,
    )
    task = progress.add_task("ingesting", total=None)
    ocr_task = None

    def on_pages(read: int, sent: int, name: str) -> None:
        """Once a file needs OCR, the bar counts pages: read of sent, the file, the time left."""
        nonlocal ocr_task
        if ocr_task is None:
            ocr_task = progress.add_task("OCR", total=sent)
        progress.update(ocr_task, completed=read, total=sent, description=f"OCR {_line(name)} (pages)")

    def on_file(outcome: FileOutcome) -> None:
        path = _e(shown_path(outcome.path))
        if outcome.status == "ignored":
            if verbose:
                progress.console.print(f"ignored: {path}: {_line(outcome.reason)}", highlight=False)
            return
        progress.advance(task)
        progress.update(task, description=f"ingesting {_line(outcome.path.name)}")
        if outcome.status == "failed":
            progress.console.print(f"error: {path}: {_line(outcome.reason)}", highlight=False)
        elif not show_progress and not json_output or verbose:  # a log line per file where no bar shows
            done = (
                f"{_counted(outcome.pages, 'page')} ({outcome.ocr_pages} OCR'd), {_counted(outcome.items, 'item')}"
                if outcome.status == "ingested"
                else outcome.reason
            )
            progress.console.print(f"{outcome.status}: {path}: {_line(done)}", highlight=False)
        for warning in outcome.warnings:
            progress.console.print(f"warning: {path}: {_line(warning)}", highlight=False)

    with progress:
        report = Archive().ingest(
            paths,
            force=force,
            workers=workers,
            ocr_lang=ocr_lang,
            on_file=on_file,
            on_wait=lambda message: err.print(message),
            on_total=lambda n: progress.update(task, total=n),
            on_pages=on_pages,
            meeting_date=_date(meeting_date, "--meeting-date"),
            scheduler=scheduler,
            keep_duplicates=keep_duplicates,
            follow_links=follow_links,
        )
    summary = {
        "ingested": report.count("ingested"),
        "skipped": report.count("skipped"),
        "failed": report.count("failed"),
        "pages": report.pages,
        "ocr_pages": report.ocr_pages,
        "items": sum(o.items for o in report.outcomes if o.status == "ingested"),
        "seconds": round(report.seconds, 2),
        "ignored": report.count("ignored"),
        "watches": report.watches,
        "files": [
            {
                "path": shown_path(o.path),
                "status": o.status,
                "reason": o.reason,
                "pages": o.pages,
                "ocr_pages": o.ocr_pages,
                "items": o.items,
                "warnings": o.warnings,
            }
            for o in report.outcomes
        ],
    }
    if json_output:
        out.print_json(json.dumps(summary))
    else:
        ignored = f", ignored {summary['ignored']} (-v names them)" if summary["ignored"] else ""
        out.print(
            f"ingested {summary['ingested']}, skipped {summary['skipped']}, failed {summary['failed']}{ignored}; "
            f"{_counted(summary['pages'], 'page')} ({summary['ocr_pages']} OCR'd), "
            f"{_counted(summary['items'], 'item')} in {summary['seconds']:.1f} s",
            highlight=False,
        )
        for name, new in report.watches.items():
            line = f"watch {_e(name)}: {_counted(new, 'new item')} (minutesindex watch feed {_e(name)})"
            out.print(line, highlight=False)
    if report.failed:
        raise typer.Exit(int(ExitCode.FILES_FAILED))


SEARCH_FORMATS = ("table", "plain", "tsv", "csv", "json", "nl")
# Below this many columns the table breaks words mid-word and runs long (3 hits took 148 lines at
# 80 columns, 218 at 60): the plain two-line layout reads better there.
TABLE_MIN_WIDTH = 110
_PRINTED_PRESENTER = re.compile(r"\s*(?:ved|v\.|oplæg ved|fremlægges af)\s", re.I)
MUNICIPALITY = typer.Option(
    "--municipality", metavar="NAME", help="Only this municipality or region (`aarhus`, `Region Midtjylland`)."
)
ACCESS = typer.Option(
    "--access", metavar="open|closed", help="open or closed: only the items the source marks open, or closed (lukket)."
)


NOTHING_MATCHED = 1  # `search --exit-status` with no hit, as grep's exit status


def _check_access(access: str | None) -> None:
    if access not in (None, "open", "closed"):
        raise typer.BadParameter("use open or closed", param_hint="--access")


SEARCH_COLUMNS = ("item_id", "meeting_date", "committee", "number", "title", "path", "page", "score", "snippet")


@app.command()
def search(
    query: Annotated[
        str,
        typer.Argument(
            metavar="QUERY", help='Words (AND), "phrases", OR, -exclusion, title:/indstilling:/beslutning:…'
        ),
    ],
    limit: Annotated[int, typer.Option("--limit", metavar="N", min=1, help="Most results to show.")] = 10,
    committee: Annotated[
        str | None,
        typer.Option("--committee", metavar="NAME", help="Only this committee (any case, æøå or not, a unique part)."),
    ] = None,
    municipality: Annotated[str | None, MUNICIPALITY] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", metavar="DATE", help="Meetings on or after a date: YYYY-MM-DD, DD-MM-YYYY, YYYY-MM, YYYY."
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Meetings on or before a date (as --since).")
    ] = None,
    include_undated: Annotated[
        bool, typer.Option("--include-undated", help="Keep meetings without a date in a date range.")
    ] = False,
    section: Annotated[
        str | None, typer.Option("--section", metavar="NAME", help="Search one section: indstilling, beslutning…")
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", metavar="score|date", help="score (best first) or date (newest first).")
    ] = "score",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="table, plain, tsv, csv, json or nl (default: table on a terminal, else plain).",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    access: Annotated[str | None, ACCESS] = None,
    count: Annotated[
        bool, typer.Option("--count", help="Print only how many items match (counts every match).")
    ] = False,
    exit_status: Annotated[
        bool, typer.Option("--exit-status", help="Exit 1 when no item matched, as grep does (for scripts).")
    ] = False,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write the hits as decision-table rows (.csv or .xlsx) to FILE."),
    ] = None,
) -> None:
    """Search agenda items; shows meeting date, committee, item, title, file:page and a snippet.

    Examples:

      minutesindex search "særlige pladser"

      minutesindex search takstmodel --committee dassos --since 2022 --format tsv

      minutesindex search 'beslutning:godkendt' --sort date --json
    """
    fmt = "json" if json_output else fmt or ("table" if out.is_terminal and out.width >= TABLE_MIN_WIDTH else "plain")
    if fmt not in SEARCH_FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(SEARCH_FORMATS)}", param_hint="--format")
    since_d, until_d = _date_range(since, until)
    _check_access(access)
    archive = Archive()
    if committee is not None:
        _say_committees(archive, committee, archive.indexed_committees())
    hits = archive.search(
        query,
        limit=limit,
        committee=committee,
        since=since_d,
        until=until_d,
        section=section,
        sort=sort,
        include_undated=include_undated,
        access=access,
        count=count,
        municipality=municipality,
    )
    if count:
        out.print(str(hits.total), highlight=False)
    elif out_path is not None:
        table_format = _table_format(out_path, None)
        target = _output(out_path)
        with _writing(target):
            written = archive.export_hits(target, hits, fmt=table_format)
        err.print(f"wrote {written} hits to {target or 'standard output'}", highlight=False)
    else:
        _print_hits(hits, fmt)
    if exit_status and not hits:
        raise typer.Exit(NOTHING_MATCHED)


def _say_committees(archive: Archive, committee: str | None, known: list[str] | None = None) -> None:
    """Say on stderr which committees a --committee spelling stands for, unless it names one exactly
    (`known`: the committees to choose from, else the database's)."""
    if committee is None:
        return
    from minutesindex.search.query import committee_key

    used = archive.resolve_committee(committee, known)
    if len(used) > 1 or committee_key(used[0]) != committee_key(committee):
        err.print(f"committee: {'; '.join(_e(name) for name in used)}", highlight=False)


def _print_hits(hits, fmt: str) -> None:  # noqa: ANN001 - SearchHits
    records = [h.as_json() for h in hits]
    if fmt == "json":
        out.print_json(json.dumps(records, ensure_ascii=False))
        return
    if fmt == "nl":
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    if fmt in ("tsv", "csv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, dialect="excel-tab" if fmt == "tsv" else "excel", lineterminator="\n")
        writer.writerow(SEARCH_COLUMNS)
        for record in records:
            writer.writerow([_plain(str(record[c] if record[c] is not None else "")) for c in SEARCH_COLUMNS])
        sys.stdout.write(buffer.getvalue())
        return
    if not hits:
        err.print(f"no matching items: {hits.note}" if hits.note else "no matching items", highlight=False)
        return
    if not hits[0].all_words:
        err.print("no item has all the words; items with some of them:")
    if hits.note:
        err.print(_e(hits.note), highlight=False)
    if fmt == "plain":
        for hit in hits:
            where = f"{hit.path or hit.document}:{hit.page}"
            when = hit.meeting_date.isoformat() if hit.meeting_date else "no date"
            fields = (when, hit.committee or "-", hit.number or "-", hit.title, where)
            sys.stdout.write("  ".join(_plain(f) for f in fields) + "\n")
            sys.stdout.write(f"    {_plain(hit.snippet)}\n")
    else:
        table = Table(show_lines=True)
        for column in ("date", "committee", "item", "title", "file:page", "snippet", "id"):
            table.add_column(column, overflow="fold")
        for hit in hits:
            snippet = _e(hit.snippet).replace("**", "\x00")
            parts = snippet.split("\x00")
            snippet = "".join(f"[bold yellow]{p}[/]" if k % 2 else p for k, p in enumerate(parts))
            table.add_row(
                hit.meeting_date.isoformat() if hit.meeting_date else "",
                _e(hit.committee),
                hit.number,
                _e(hit.title),
                _e(f"{hit.document}:{hit.page}"),
                snippet,
                str(hit.item_id),
            )
        out.print(table)
    shown = f"showing {len(hits)} of {hits.total}" if hits.total is not None else f"showing the best {len(hits)}"
    err.print(shown + ("" if hits.total is not None else " (more match; --count counts them)"), highlight=False)


def _plain(text: str) -> str:
    """One line, without the control characters a terminal would act on."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", text).strip()


@app.command()
def show(
    item_id: Annotated[int, typer.Argument(metavar="ID", help="Item id from search results.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the item as JSON.")] = False,
) -> None:
    """Print one agenda item with all its sections, its meeting and its page range.

    Example: minutesindex show 12 --json
    """
    record = Archive().item(item_id)
    if json_output:
        out.print_json(json.dumps(record, ensure_ascii=False))
        return
    out.print(f"[bold]{_e(record['number'])} {_e(record['title'])}[/]")
    out.print(
        f"{_e(record['committee'] or '')} · {record['kind'] or ''} · {record['meeting_date'] or 'no date'} · "
        f"{_e(record['path'] or record['document'])}, pages {record['page_start']}–{record['page_end']}",
        highlight=False,
    )
    source = STRUCTURE_SOURCE_NAMES.get(record["structure_source"] or "", "unknown")
    case = f" · case {_e(record['case_number'])}" if record["case_number"] else ""
    out.print(f"structure from {source}{case}" + (" · closed (lukket)" if record["closed"] else ""), highlight=False)
    if record["has_cpr"]:
        out.print("personal data: the text prints a CPR number (export --mask-cpr masks it)", highlight=False)
    if record["votes"]:
        tally = "; ".join(
            " ".join(
                filter(
                    None,
                    [
                        v["side"],
                        str(v["count"] or ""),
                        ", ".join(v["names"]),
                        f"({', '.join(v['parties'])})" if v["parties"] else "",
                    ],
                )
            )  # fmt: skip
            for v in record["votes"]
        )
        result = f" → {record['vote_result']}" if record["vote_result"] else ""
        out.print(f"votes: {_e(tally)}{result}", highlight=False)
    if not record["segmented"]:
        out.print("(no agenda items were found in this document; it is shown whole)", highlight=False)
    if record["presenter"] and not _PRINTED_PRESENTER.match(record["body"] or ""):  # the text may print it
        out.print(f"Ved {_e(record['presenter'])}")
    if record["body"]:
        out.print(_e(record["body"]))
    for name, text in record["sections"].items():
        out.print(f"\n[bold]{_e(name)}[/]")
        out.print(_e(text), highlight=False)
    if record["attachments"]:
        out.print("\n[bold]attachments[/]")
        for attachment in record["attachments"]:
            out.print(f"- {_e(attachment)}", highlight=False)


STRUCTURE_SOURCE_NAMES = {
    "export": "the agenda system's export",
    "outline": "the PDF's outline",
    "layout": "the text layer's layout",
    "text": "the text alone",
}


def _output(out_path: Path) -> Path | None:
    """Where an export goes: a file whose folder exists, or standard output for `-` (None)."""
    if str(out_path) == "-":
        return None
    if not out_path.parent.exists():
        err.print(f"error: {out_path}: folder {out_path.parent} does not exist", highlight=False)
        raise typer.Exit(int(ExitCode.USAGE))
    return out_path


def _table_format(out_path: Path, fmt: str | None) -> str:
    """The format of a decision table: --format, else the --out suffix; a suffix that names another
    format (.ods, .xls) is a usage error rather than CSV under the wrong name."""
    suffix = out_path.suffix.lower()
    if fmt is None and suffix and suffix not in EXPORT_SUFFIXES:
        raise typer.BadParameter(
            f"{suffix} is no format this writes: use .csv or .xlsx, or say which with --format csv", param_hint="--out"
        )
    return fmt or EXPORT_SUFFIXES.get(suffix, "csv")


@contextlib.contextmanager
def _writing(target: Path | None) -> Iterator[None]:
    """An export that cannot write its --out (a full disk, a folder it may not write) is one line and
    exit 8, naming the file; the previous file stays as it was."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        where = target or "standard output"
        raise StorageError(f"cannot write {where}: {exc.strerror or exc}") from exc


def _selection(  # noqa: PLR0913 - the filters both exports take
    committee: str | None,
    since: str | None,
    until: str | None,
    query: str | None,
    include_undated: bool,
    access: str | None,
    municipality: str | None = None,
) -> tuple[Archive, dict]:
    """The archive and the items an export selects, the filters checked (and the committees a
    --committee spelling stands for said on stderr)."""
    _check_access(access)
    since_d, until_d = _date_range(since, until)
    archive = Archive()
    _say_committees(archive, committee)
    selection = {"query": query, "committee": committee, "since": since_d, "until": until_d}
    return archive, {**selection, "include_undated": include_undated, "access": access, "municipality": municipality}


# What an export's --out suffix says it is; a file without a suffix (or /dev/stdout) is CSV.
EXPORT_SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
INCLUDE_UNDATED = typer.Option("--include-undated", help="Keep meetings without a date in a date range.")
# The filters both exports take.
EXPORT_COMMITTEE = typer.Option("--committee", metavar="NAME")
EXPORT_SINCE = typer.Option("--since", metavar="DATE")
EXPORT_UNTIL = typer.Option("--until", metavar="DATE")
MASK_CPR = typer.Option("--mask-cpr", help="Write every CPR number as xxxxxx-xxxx (personal data).")
EXPORT_QUERY = typer.Option("--query", metavar="QUERY", help="Export exactly the items this search returns.")


@export_app.command("items")
def export_items(
    out_path: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Output file (.jsonl), or - for standard output.")
    ],
    committee: Annotated[str | None, EXPORT_COMMITTEE] = None,
    since: Annotated[str | None, EXPORT_SINCE] = None,
    until: Annotated[str | None, EXPORT_UNTIL] = None,
    query: Annotated[str | None, EXPORT_QUERY] = None,
    include_undated: Annotated[bool, INCLUDE_UNDATED] = False,
    access: Annotated[str | None, ACCESS] = None,
    municipality: Annotated[str | None, MUNICIPALITY] = None,
    mask_cpr: Annotated[bool, MASK_CPR] = False,
) -> None:
    """Write one JSON object per agenda item (JSON Lines).

    Example: minutesindex export items --out items.jsonl --since 2023
    """
    target = _output(out_path)
    archive, selection = _selection(committee, since, until, query, include_undated, access, municipality)
    with _writing(target):
        count = archive.export_items(target, mask_cpr=mask_cpr, **selection)
    err.print(f"wrote {count} items to {target or 'standard output'}", highlight=False)


@export_app.command("decisions")
def export_decisions(
    out_path: Annotated[
        Path,
        typer.Option(
            "--out", metavar="FILE", help="Output file (.csv or .xlsx: the suffix picks the format), or - for stdout."
        ),
    ],
    committee: Annotated[str | None, EXPORT_COMMITTEE] = None,
    since: Annotated[str | None, EXPORT_SINCE] = None,
    until: Annotated[str | None, EXPORT_UNTIL] = None,
    query: Annotated[str | None, EXPORT_QUERY] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", metavar="referat|dagsorden", help="referat or dagsorden.")
    ] = None,
    excel: Annotated[bool, typer.Option("--excel", help="UTF-8 with BOM and ';' for Danish Excel.")] = False,
    fmt: Annotated[
        str | None,
        typer.Option("--format", metavar="FORMAT", help="csv or xlsx (default: from the --out suffix, else csv)."),
    ] = None,
    include_undated: Annotated[bool, INCLUDE_UNDATED] = False,
    access: Annotated[str | None, ACCESS] = None,
    municipality: Annotated[str | None, MUNICIPALITY] = None,
    mask_cpr: Annotated[bool, MASK_CPR] = False,
) -> None:
    """Write a decision table: one row per agenda item, with recommendation, decision and outcome.

    Examples:

      minutesindex export decisions --out decisions.xlsx --committee "teknik og miljø" --since 2024

      minutesindex export decisions --out - --excel > beslutninger.csv
    """
    if kind not in (None, "referat", "dagsorden"):
        raise typer.BadParameter("use referat or dagsorden", param_hint="--kind")
    fmt = _table_format(out_path, fmt)
    if fmt not in ("csv", "xlsx"):
        raise typer.BadParameter("use csv or xlsx", param_hint="--format")
    target = _output(out_path)
    if target is None and fmt == "xlsx" and sys.stdout.isatty():
        raise typer.BadParameter("an xlsx workbook is binary; write it to a file or a pipe", param_hint="--out")
    archive, selection = _selection(committee, since, until, query, include_undated, access, municipality)
    with _writing(target):
        count = archive.export_decisions(target, fmt=fmt, excel=excel, kind=kind, mask_cpr=mask_cpr, **selection)
    err.print(f"wrote {count} rows to {target or 'standard output'}", highlight=False)


@app.command()
def repair(
    file: Annotated[
        Path | None, typer.Argument(metavar="FILE", help="Text file to repair (default: standard input).")
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Also write to stderr, for each word changed, its candidate readings with their features and scores.",
        ),
    ] = False,
) -> None:
    """Repair OCR-mangled Danish text (a Unix filter: text in, repaired text out).

    Pages separated by form feeds are repaired as one document's pages, as an ingest does.

    Names read right in documents already ingested in this home are known to the repair.

    Example: pdftotext -layout scan.pdf - | minutesindex repair > repaired.txt
    """
    from minutesindex.ingest.text import decode_text
    from minutesindex.repair.text import repair_pages

    try:
        data = file.read_bytes() if file else sys.stdin.buffer.read()
        text = decode_text(data, file or Path("<stdin>")) if data else ""
    except OSError as exc:
        err.print(f"error: {file}: {exc.strerror}", highlight=False)
        raise typer.Exit(int(ExitCode.FILES_FAILED)) from exc
    settings = load_settings()
    if settings.has_database():  # the pipeline (and SQLAlchemy, PyMuPDF, Whoosh) only where it has words to learn
        from minutesindex.pipeline import home_repairer

        repairer = home_repairer(settings)
    else:
        repairer = None  # the default repairer
    explained: list | None = [] if explain else None
    pages = repair_pages(text.split("\f"), repairer, explained) if text else []
    sys.stdout.write("\f".join(page.text for page in pages))
    for explanation in explained or ():
        if explanation.changed:
            print(explanation.describe(), file=sys.stderr)


@app.command()
def sync() -> None:
    """Bring this home's search index up to the database: the items other machines sharing its
    PostgreSQL database stored (and dropped) since. Each `ingest` does this first on its own home.

    Example: MINUTESINDEX_DB_URL=postgresql+psycopg://archive@db/minutes minutesindex sync
    """
    added, removed = Archive().sync()
    out.print(f"index synced: {added} items added, {removed} removed", highlight=False)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the database.

    Example: minutesindex --home /srv/minutes reindex
    """
    from minutesindex.pipeline import reindex as run_reindex

    count = run_reindex(load_settings())
    out.print(f"indexed {count} items")


@app.command()
def check(
    repair_index: Annotated[bool, typer.Option("--repair", help="Fix the index from the database.")] = False,
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Verify that the search index and the database hold the same items.

    Example: minutesindex check --repair
    """
    from minutesindex.pipeline import check as run_check

    result = run_check(load_settings(), repair=repair_index)
    if json_output:
        out.print_json(json.dumps(result))
    else:
        missing, stale = result["missing_from_index"], result["stale_in_index"]
        out.print(f"database: {result['items_in_database']} items; index: {result['items_in_index']} items")
        if missing or stale:
            out.print(f"missing from index: {len(missing)}; stale in index: {len(stale)}")
            out.print("repaired" if result.get("repaired") else "run `minutesindex check --repair` to fix")
        if result.get("rebuilt"):
            out.print("the search index was damaged and has been rebuilt from the database")
        elif not (missing or stale):
            out.print("index and database agree")
    if (result["missing_from_index"] or result["stale_in_index"]) and not result.get("repaired"):
        raise typer.Exit(int(ExitCode.INDEX))


@app.command()
def stats(json_output: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False) -> None:
    """Documents, pages, OCR'd pages, repaired words and items, per committee, and where the home is.

    Example: minutesindex stats --json
    """
    result = Archive().stats()
    if json_output:
        out.print_json(json.dumps(result, ensure_ascii=False))
        return
    extra = [
        _counted(result[key], one, many)
        for key, one, many in (
            ("unsegmented_documents", "document without agenda items", "documents without agenda items"),
            ("undated_documents", "document without a meeting date", "documents without a meeting date"),
            ("closed_items", "closed item", "closed items"),
            ("cpr_items", "item with a CPR number (personal data)", "items with a CPR number (personal data)"),
        )
        if result[key]
    ]
    sources = ", ".join(f"{count} from {name or 'before sources were recorded'}"
                        for name, count in sorted(result["structure_sources"].items()))  # fmt: skip
    out.print(
        f"{_counted(result['documents'], 'document')}, {_counted(result['pages'], 'page')} "
        f"({result['ocr_pages']} OCR'd), {_counted(result['repaired_words'], 'word')} repaired, "
        f"{_counted(result['items'], 'item')}" + "".join(f", {e}" for e in extra) + f" (home: {_e(result['home'])})",
        highlight=False,
    )
    if sources:
        out.print(f"structure: {sources}", highlight=False)
    columns = ("committee", "documents", "pages", "items")
    rows = [
        (row["committee"], str(row["documents"]), str(row["pages"]), str(row["items"])) for row in result["committees"]
    ]
    if not out.is_terminal:  # a pipe or a file: tab-separated lines, as `search` writes them
        for row in [columns, *rows]:
            sys.stdout.write("\t".join(_plain(value) for value in row) + "\n")
        return
    table = Table(*columns)
    for row in rows:
        table.add_row(_e(row[0]), *row[1:])
    out.print(table)


def _counted(count: int, one: str, many: str | None = None) -> str:
    """`1 document`, `2 documents`."""
    return f"{count} {one if count == 1 else many or one + 's'}"


DOCUMENT_ARGUMENT = typer.Argument(metavar="DOCUMENT", help="The document: its id, path or file name.")


@app.command("set-committee")
def set_committee(
    document: Annotated[str, DOCUMENT_ARGUMENT],
    committee: Annotated[str, typer.Argument(metavar="COMMITTEE", help="The committee, as it should be shown.")],
) -> None:
    """Give a document's meeting its committee, where the text did not give it (or gave it wrong).

    Example: minutesindex set-committee referat.pdf "Teknik- og Miljøudvalget"
    """
    name, items = Archive().set_meeting(document, committee=committee.strip() or None)
    err.print(f"{name}: committee {committee.strip()}, {items} items updated", highlight=False)


@app.command("set-municipality")
def set_municipality(
    document: Annotated[str, DOCUMENT_ARGUMENT],
    municipality: Annotated[
        str, typer.Argument(metavar="MUNICIPALITY", help="A municipality or region: `aarhus`, `Region Sjælland`.")
    ],
) -> None:
    """Give a document's meeting its municipality or region, where the text and path did not (or wrongly).

    Example: minutesindex set-municipality referat.pdf aarhus
    """
    name, items = Archive().set_meeting(document, municipality=municipality)
    err.print(f"{name}: municipality set, {items} items updated", highlight=False)


@app.command("set-kind")
def set_kind(
    document: Annotated[str, DOCUMENT_ARGUMENT],
    kind: Annotated[str, typer.Argument(metavar="KIND", help="dagsorden (an agenda) or referat (minutes).")],
) -> None:
    """Say whether a document is an agenda (dagsorden) or minutes (referat), where it was read wrong.

    Example: minutesindex set-kind referat.pdf referat
    """
    name, items = Archive().set_meeting(document, kind=kind.strip().lower())
    err.print(f"{name}: kind {kind.strip().lower()}, {items} items updated", highlight=False)


@app.command("set-date")
def set_date(
    document: Annotated[str, typer.Argument(metavar="DOCUMENT", help="The document: its id, path or file name.")],
    date: Annotated[
        str, typer.Argument(metavar="DATE", help="The meeting date: YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY.")
    ],
) -> None:
    """Give a document's meeting its date, where the text did not give it (or gave it wrong).

    Example: minutesindex set-date referat_udvalg.pdf 2023-05-04
    """
    meeting_date = _date(date, "DATE")
    name, items = Archive().set_date(document, meeting_date)
    err.print(f"{name}: meeting date {meeting_date}, {items} items updated", highlight=False)


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", metavar="HOST", help="The address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", min=1, max=65535, help="The port.")] = 8765,
    home: Annotated[Path | None, typer.Option("--home", metavar="PATH", help="The home to serve.")] = None,
) -> None:
    """Open the analyst's workbench in a browser: search with facets, items beside their source
    pages, meetings, decisions over time, exports. Read-only; Danish (add ?lang=en for English).

    Example: minutesindex serve   (then open http://127.0.0.1:8765)
    """
    import uvicorn

    from minutesindex.web.app import create_app

    if home is not None:
        os.environ["MINUTESINDEX_HOME"] = str(home)
    archive = Archive()
    if not archive.exists():
        raise _fail(NoHomeError(f"no minutesindex home at {archive.home}; ingest documents first"))
    if host not in LOOPBACK_HOSTS:
        err.print(
            f"warning: listening on {host}: anyone who can reach this machine on port {port} can read the archive",
            highlight=False,
        )
    err.print(f"serving {archive.home} at http://{host}:{port} (Ctrl-C stops)", highlight=False)
    with archive:
        uvicorn.run(create_app(archive), host=host, port=port, log_level="warning")


@app.command()
def case(
    number: Annotated[str, typer.Argument(metavar="NUMBER", help="A case number: 27.00.00-P20-1-23, EMN-2025-01234 …")],
    municipality: Annotated[
        str | None, typer.Option("--municipality", metavar="NAME", help="Only this municipality's or region's items.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the history as JSON.")] = False,
) -> None:
    """Follow a case through its meetings: every item that names it, in date order, with each
    decision and outcome, and the decisions the items quote from meetings not in the archive.

    Example: minutesindex case 27.00.00-P20-1-23
    """
    entries = Archive().case(number, municipality=municipality)
    if json_output:
        out.print_json(json.dumps([entry.as_json() for entry in entries], ensure_ascii=False))
        return
    if not entries:
        err.print(f"no item names case {number}", highlight=False)
        return
    for entry in entries:
        date = entry.meeting_date.isoformat() if entry.meeting_date else "no date"
        where = f"item {entry.item_id}: {entry.number}. {entry.title}"
        if entry.item_id is None:
            where = f"quoted in item {entry.quoted_in}"
        outcome = f" [{entry.outcome}]" if entry.outcome else ""
        out.print(f"{date}  {_e(entry.committee or '')}  {_e(where)}{outcome}", highlight=False)
        if entry.decision:
            out.print("    " + _e(" ".join(entry.decision.split())[:300]), highlight=False)


@watch_app.command("add")
def watch_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A name for the saved search.")],
    query: Annotated[str, typer.Argument(metavar="QUERY", help="The search, as `minutesindex search` takes it.")],
    committee: Annotated[str | None, EXPORT_COMMITTEE] = None,
    since: Annotated[str | None, EXPORT_SINCE] = None,
    until: Annotated[str | None, EXPORT_UNTIL] = None,
    municipality: Annotated[str | None, MUNICIPALITY] = None,
    access: Annotated[str | None, ACCESS] = None,
) -> None:
    """Save a search; every `ingest` then says how many new items it matches.

    Example: minutesindex watch add affald "affald OR genbrug" --municipality aarhus
    """
    _check_access(access)
    filters = {"committee": committee, "since": since, "until": until, "municipality": municipality, "access": access}
    watch = Archive().watch_add(name, query, **filters)
    err.print(f"watching {watch.name!r}: {watch.query}", highlight=False)


@watch_app.command("list")
def watch_list(json_output: Annotated[bool, typer.Option("--json", help="Print the watches as JSON.")] = False) -> None:
    """The saved searches, each with how many new items it has.

    Example: minutesindex watch list
    """
    watches = Archive().watches()
    if json_output:
        out.print_json(json.dumps([w.as_json() for w in watches], ensure_ascii=False))
        return
    for watch in watches:
        filters = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in watch.filters.items())
        out.print(f"{_e(watch.name)}\t{watch.new} new\t{_e(watch.query)} {_e(filters)}".rstrip(), highlight=False)
    if not watches:
        err.print("no saved searches (minutesindex watch add NAME QUERY)", highlight=False)


@watch_app.command("remove")
def watch_remove(name: Annotated[str, typer.Argument(metavar="NAME")]) -> None:
    """Forget a saved search.

    Example: minutesindex watch remove affald
    """
    Archive().watch_remove(name)
    err.print(f"removed watch {name!r}", highlight=False)


@watch_app.command("feed")
def watch_feed(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    out_path: Annotated[Path, typer.Option("--out", metavar="FILE", help="The feed file (replaced whole).")],
    fmt: Annotated[str, typer.Option("--format", metavar="atom|csv", help="atom (default) or csv.")] = "atom",
) -> None:
    """Write the saved search's new items since the last feed as Atom (for any feed reader) or CSV,
    and mark them read.

    Example: minutesindex watch feed affald --out affald.xml
    """
    if fmt not in ("atom", "csv"):
        raise typer.BadParameter("use atom or csv", param_hint="--format")
    target = _output(out_path)
    if target is None:
        raise typer.BadParameter("a feed is written to a file", param_hint="--out")
    with _writing(target):
        count = Archive().watch_feed(name, target, fmt)
    err.print(f"wrote {_counted(count, 'new item')} to {target}", highlight=False)
