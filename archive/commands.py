"""`nianbao coverage`, `export`, `plot`, `serve` (registered on archive.cli.cli)."""
from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import IO, Any

import click

from . import agencies, export as exporting, warcs
from .cli import archive_option, cli, echo_json, format_table, json_option, open_existing
from .coverage import Coverage, coverage as build_coverage
from .db import Archive
from .errors import ArchiveError, NotFound
from .progress import Progress, progress


@cli.command()
@archive_option
@json_option
def coverage(archive_dir: Path, as_json: bool) -> None:
    """Agency x year: which reports exist and which are missing, and the cross-year check
    (carried_forward of year N = carried_over of year N+1)."""
    with open_existing(archive_dir) as archive:
        cov = build_coverage(archive.db)
    if as_json:
        echo_json(cov.to_json())
        return
    for line in coverage_lines(cov):
        click.echo(line)


def coverage_lines(cov: Coverage) -> list[str]:
    headers = ["id", "agency", "portal", *[str(y) for y in cov.years], "missing"]
    rows = [[a.id, a.region + a.name, a.scope, *[_cell(a, y) for y in cov.years], len(a.missing)]
            for a in cov.agencies]
    lines = format_table(headers, rows)
    if cov.unattributed:
        lines.append(f"reports naming no agency: {', '.join(map(str, cov.unattributed))}")
    n = cov.cross_year_counts()
    lines.append(f"cross-year checks: {n['pass']} pass, {n['fail']} fail,"
                 f" {n['not_assessable']} not assessable")
    for c in cov.cross_year:
        if c["status"] == "fail":
            lines.append(f"  FAIL {c['region']}{c['agency']} {c['year']}->{c['next_year']}"
                         f" {c['column_key']}: carried_forward {c['carried_forward']}"
                         f" != carried_over {c['carried_over']}")
    return lines


def _cell(agency: Any, year: int) -> str:
    """`#id`, `#id legacy` for a pre-2019 report, `—` where the year is missing."""
    if year not in agency.reports:
        return "—"
    return f"#{agency.reports[year]}" + (" legacy" if year in agency.legacy else "")


@cli.command(name="export")
@archive_option
@click.option("--format", "fmt", type=click.Choice(exporting.FORMATS), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: standard output; required for xlsx).")
@click.option("--table", type=click.Choice(exporting.TABLES),
              help="Only this table (csv: default reports; json, xlsx: default both).")
@click.option("--headers", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Column titles of csv and xlsx: Chinese, or the archive's names.")
@click.option("--no-bom", is_flag=True, help="CSV without the UTF-8 BOM Excel needs.")
@warcs.wacz_options
def export_cmd(archive_dir: Path, fmt: str, out: Path | None, table: str | None,
               headers: str, no_bom: bool) -> None:
    """Export the reports and their table cells as CSV, JSON or an Excel workbook (xlsx:
    a wide sheet per form table, one row per report, plus the long sheets)."""
    tables = (table,) if table else exporting.TABLES
    with open_existing(archive_dir) as archive:
        if fmt == "wacz":
            return warcs.export_command(archive, out)
        chosen = (table or "reports",) if fmt == "csv" else tables
        rows_to_terminal = out is None and sys.stdout.isatty()
        tick = _export_progress(archive, chosen, fmt, rows_to_terminal)
        if fmt == "xlsx":
            if out is None:
                raise ArchiveError("xlsx needs --out FILE")
            n = exporting.write_xlsx(archive.db, tables, out, headers, tick)
        else:
            with _output(out) as stream:
                n = (exporting.write_csv(archive.db, chosen[0], stream, bom=not no_bom,
                                         headers=headers, tick=tick)
                     if fmt == "csv" else exporting.write_json(archive.db, tables, stream, tick))
        tick.done()
    if out is not None:
        click.echo(f"wrote {n} rows to {out}", err=True)


def _export_progress(archive: Archive, tables: tuple[str, ...], fmt: str,
                     to_terminal: bool) -> Progress:
    """The progress line of an export when stderr is a terminal (the rows are counted only
    then), and not while the rows themselves go to that terminal."""
    if to_terminal or not sys.stderr.isatty():
        return progress(None, io.StringIO(), unit="rows")
    return progress(exporting.count_rows(archive.db, tables, fmt), sys.stderr, unit="rows")


class _output:
    """An output file, or standard output when `path` is None."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if self.path is None:
            return sys.stdout
        try:
            handle: IO[str] = open(self.path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise ArchiveError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        self.handle = handle
        return handle

    def __exit__(self, *exc: Any) -> None:
        if self.handle is not None:
            self.handle.close()


def resolve_one(archive: Archive, text: str) -> dict[str, Any]:
    """The one agency `text` names (an id, or a name under any of its spellings)."""
    ids = [int(text)] if text.isdigit() else agencies.filter_ids(archive.db, text, None) or []
    rows = [r for i in ids for r in archive.db.query(
        "SELECT id, name, region FROM agencies WHERE id = ?", [i])]
    if not rows:
        raise NotFound(f"no agency {text!r}")
    if len(rows) > 1:
        names = "; ".join(f"{r['id']} {r['region']}{r['name']}" for r in rows[:10])
        raise ArchiveError(f"{text!r} names {len(rows)} agencies ({names}): give its id")
    return rows[0]


@cli.command()
@click.argument("agency")
@archive_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="PNG file (default: nianbao-plot-<agency id>.png).")
def plot(agency: str, archive_dir: Path, out: Path | None) -> None:
    """Draw one AGENCY's figures across the years as a PNG (AGENCY: a name or an id)."""
    from .plot import plot_agency

    with open_existing(archive_dir) as archive:
        row = resolve_one(archive, agency)
        target = out or Path(f"nianbao-plot-{row['id']}.png")
        result = plot_agency(archive.db, row["id"], f"{row['region']}{row['name']}", target)
    click.echo(f"wrote {result.path} ({result.years[0]}–{result.years[-1]})", err=True)


@cli.command()
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-sql", is_flag=True,
              help="Let visitors run their own read-only SQL (capped in time, rows and memory);"
              " off by default: canned queries, tables and search only.")
@click.option("--replay-url", metavar="URL",
              help="A replay server's collection (pywb: http://HOST:8080/nianbao/): the report"
              f" page links each copy's record there [default: ${warcs.REPLAY_ENV}, else none].")
def serve(archive_dir: Path, host: str, port: int, allow_sql: bool,
          replay_url: str | None) -> None:
    """Browse and search the archive in Datasette (read-only), with Chinese labels, report
    and body pages, canned queries (coverage, failing checks, cross-year, year over year),
    the archived originals and each copy's WARC record."""
    from .web import serve as run_server

    replay = check_replay(warcs.replay_base(replay_url))
    with open_existing(archive_dir) as archive:
        check_port(host, port)
        click.echo(f"Serving {archive_dir} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        run_server(archive_dir, archive, host, port, allow_sql=allow_sql, replay=replay)


def check_replay(base: str | None) -> str | None:
    """The replay URL if it is an http(s) URL with a host (else ArchiveError)."""
    from urllib.parse import urlsplit

    if base is None:
        return None
    try:
        parts = urlsplit(base)
        good = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # an unclosed [ in the host
        good = False
    if not good:
        raise ArchiveError(f"replay URL must be http:// or https://HOST/…: {base.rstrip('/')}")
    return base


def check_port(host: str, port: int) -> None:
    """Raise ArchiveError unless `host:port` can be bound now."""
    import os
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise ArchiveError(f"cannot serve on {host}:{port}: {why}") from None
