"""The archive's click commands: `list`, `show`, `search` here; `coverage`, `export`,
`plot`, `serve` in commands.py. crawler/cli.py and crawler/maintenance.py add the rest.

`cli` is an `ArchiveGroup`: any `ArchiveError` raised by any command registered on it
(ours or the lead's) becomes a `click.ClickException`, i.e. one line and exit status 1.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import click

import forms

from .db import Archive
from .errors import ArchiveError, NoArchive
from .related import list_related
from .search import Hit, find

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_ARCHIVE = "./nianbao-data"


def archive_option(fn: F) -> F:
    """`--archive DIR` (env NIANBAO_ARCHIVE), passed to the command as `archive_dir`."""
    return click.option(
        "--archive", "archive_dir", envvar="NIANBAO_ARCHIVE", default=DEFAULT_ARCHIVE,
        show_default=True, show_envvar=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Archive directory (archive.db and blobs/).",
    )(fn)


def json_option(fn: F) -> F:
    """`--json`, passed to the command as `as_json`."""
    return click.option("--json", "as_json", is_flag=True, help="Output JSON.")(fn)


class ArchiveGroup(click.Group):
    """A click group that turns every ArchiveError into a one-line ClickException."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=ArchiveGroup)
def cli() -> None:
    """nianbao: crawl, deduplicate, parse and search Chinese government
    information-disclosure annual reports (政府信息公开工作年度报告, 年报)."""


@contextmanager
def open_existing(archive_dir: Path) -> Iterator[Archive]:
    """Open an archive that must already exist."""
    try:
        archive = Archive.open(archive_dir, create=False)
    except NoArchive:
        raise click.ClickException(
            f"no archive at {archive_dir} (run `nianbao crawl` or `nianbao demo` first)"
        ) from None
    with archive:
        yield archive


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    """Left-aligned columns, padded by display width (a Chinese character counts as 2)."""
    cells = [headers] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    return ["  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths)).rstrip()
            for row in cells]


@cli.command(name="list")
@archive_option
@json_option
@click.option("--related", is_flag=True,
              help="The related documents (notices, infographics, ...) instead of the reports.")
def list_cmd(archive_dir: Path, as_json: bool, related: bool) -> None:
    """List the reports in the archive (a legacy, pre-2019 report says so)."""
    with open_existing(archive_dir) as archive:
        items = list_related(archive.db) if related else archive.list_reports()
    if as_json:
        echo_json(items)
        return
    if related:
        headers = ["id", "kind", "year", "agency", "title", "url"]
        rows = [[r["id"], r["kind"], r["year"], (r["region"] or "") + (r["agency"] or "")
                 or r["agency_as_written"], r["title"], r["url"]] for r in items]
    else:
        headers = ["id", "year", "template", "agency", "title", "copies", "urls"]
        rows = [[r["id"], r["year"], "legacy" if r["kind"] == "legacy" else r["template"],
                 r["agency"], r["title"], len(r["copies"]),
                 sum(len(c["urls"]) for c in r["copies"])] for r in items]
    for line in format_table(headers, rows):
        click.echo(line)


@cli.command()
@click.argument("report_id", metavar="ID", type=int)
@archive_option
@json_option
@click.option("--replay-url", metavar="URL", help="The replay server's collection (pywb:"
              " http://host:8080/nianbao/; env NIANBAO_REPLAY_URL): each sighting's replay URL.")
def show(report_id: int, archive_dir: Path, as_json: bool, replay_url: str | None) -> None:
    """Show one report: its fields, failing checks and copies, each copy's URLs with the
    WARC record that keeps each exchange (file, offset, length; the replay URL if given)."""
    with open_existing(archive_dir) as archive:
        report = archive.get_report(report_id)
        cite_sightings(archive, report, replay_url)
    if as_json:
        echo_json(report)
        return
    for line in _show_lines(report):
        click.echo(line)


def _show_lines(report: dict[str, Any]) -> Iterator[str]:
    yield str(report["title"])
    yield f"agency:   {report['agency']}"
    resolved = report.get("resolved_agency")
    if resolved:
        yield f"resolved: #{resolved['id']} {resolved['region']}{resolved['name']}"
    yield f"year:     {report['year']}"
    yield f"kind:     {report['kind']}"
    yield f"template: {report['template']}"
    failing = [c for c in report["checks"] or [] if c.get("status") == "fail"]
    yield f"checks:   {len(report['checks'] or [])}, failing {len(failing)}"
    for c in failing:
        yield f"  FAIL {c['rule']}: {c.get('left')} != {c.get('right')}"
    for flag in report["flags"] or []:
        yield f"  flag: {flag}"
    for c in report.get("cross_year") or []:
        if c["status"] == "fail":
            yield (f"  CROSS-YEAR FAIL {c['year']}->{c['next_year']} {c['column_key']}:"
                   f" carried_forward {c['carried_forward']} != carried_over {c['carried_over']}")
    yield from _cell_lines(report)
    yield from table_lines(report)
    yield f"copies:   {len(report['copies'])}"
    for c in report["copies"]:
        mark = "*" if c["sha256"] == report.get("primary_sha256") else " "
        yield f" {mark}{c['sha256'][:12]}  {c['format']}  {c['size']} bytes  {c['status']}"
        for u in c["urls"]:
            seen = f"seen {u['times_seen']}x, {u['first_seen']} .. {u['last_seen']}"
            yield f"    {u['url']}  ({seen})"
            yield from _citation_lines(u.get("warc"))


def cite_sightings(archive: Archive, report: dict[str, Any], replay: str | None) -> None:
    """Each URL of each copy gets `warc`: its sighting's record (archive.warcs.citation),
    None when the exchange was not captured (a local ingest, a crawl before WARCs)."""
    from .warcs import replay_base, report_citations

    cites = report_citations(archive.db, report["id"], replay_base(replay))
    for copy in report["copies"]:
        for u in copy["urls"]:
            u["warc"] = cites.get((copy["sha256"], u["url"]))


def _citation_lines(cite: dict[str, Any] | None) -> Iterator[str]:
    if cite is None:
        return
    length = "" if cite["length"] is None else f" ({cite['length']} bytes)"
    yield f"      {cite['file']} @ {cite['offset']}{length}"
    if cite.get("replay"):
        yield f"      replay: {cite['replay']}"


def _cell_lines(report: dict[str, Any]) -> Iterator[str]:
    """Flagged cells with their reason; the primary's reason; the cells copies disagree on."""
    flagged = report.get("cell_flags") or {}
    if flagged:
        yield f"flagged cells: {len(flagged)}"
    for cell, why in sorted(flagged.items()):
        yield f"  FLAG {cell}: {why}"
    if report.get("primary_reason"):
        yield f"primary:  {report['primary_sha256'][:12]}, {report['primary_reason']}"
    cells = report.get("disagreements") or []
    if cells:
        yield f"copies disagree on {len(cells)} cells:"
    for d in cells:
        values = ", ".join(f"{sha[:12]} {_value(v)}" for sha, v in d["values"].items())
        yield f"  DIFF {d['table']}/{d['row']}/{d['column']}: {values}"


def table_lines(report: dict[str, Any]) -> Iterator[str]:
    """The three tables as the form lays them out: its rows in order, Chinese labels, the
    columns the report has; a blank cell is empty, 0 is 0, a flagged cell ends in `*`."""
    flagged = report.get("cell_flags") or {}
    for key, table in forms.TABLES.items():
        rows = (report.get("tables") or {}).get(key) or {}
        if not rows:
            continue
        cols = [c for c in table.columns if any(c.key in (rows.get(r) or {}) for r in rows)]
        body = []
        for row in table.rows:
            if row.key not in rows:
                continue
            cells = rows[row.key] or {}
            body.append([table.full_label(row.key)] + [
                _form_value(cells, c.key) + ("*" if f"{key}/{row.key}/{c.key}" in flagged else "")
                for c in cols])
        yield ""
        yield table.title
        yield from ("  " + line for line in format_table(["", *(c.header for c in cols)], body))
    yield ""


def _form_value(cells: dict[str, Any], column: str) -> str:
    value = cells.get(column)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _value(v: Any) -> str:
    return "blank" if v is None else str(v)


@cli.command(name="search", context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@archive_option
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=0),
              help="Hits per page, each with its snippet; 0: every hit, a line each (with"
              " --json: with snippets).")
@click.option("--page", default=1, show_default=True, type=click.IntRange(min=1),
              help="Which page of --limit hits (2: hits limit+1 .. 2*limit).")
@click.option("--year", type=int, help="Only reports for this year.")
@click.option("--agency", help="Only this agency, under any of its names (or a part of one).")
@click.option("--region", help="Only agencies in this region (e.g. 沙坡头区).")
@click.option("--template", type=click.Choice(["2019", "2021"]), help="Only this template.")
@click.option("--related", is_flag=True, help="Also the related documents (notices, "
              "infographics, ...), after the reports; each hit says its kind.")
def search_cmd(query: tuple[str, ...], archive_dir: Path, as_json: bool, limit: int, page: int,
               year: int | None, agency: str | None, region: str | None,
               template: str | None, related: bool) -> None:
    """Find reports whose text contains QUERY: an exact substring, of any length.

    Several terms: all of them; `a OR b`; `-a` or `NOT a`: without; "a b": a phrase with a
    space. Ranked by bm25 (newest first when a term is in very many reports). A `-term`
    that is not one of the options below is a term."""
    if page > 1 and not limit:
        raise ArchiveError("--page needs --limit N (N > 0): --limit 0 is every hit")
    start, text = (page - 1) * limit, " ".join(query)
    with open_existing(archive_dir) as archive:
        found = find(archive.db, text, limit=start + limit if limit else 0, year=year,
                     agency=agency, template=template, region=region, related=related)
        if as_json:
            echo_json([asdict(h) for h in found.hits(start)])
            return
        for chunk in range(start, len(found), limit or STREAM_CHUNK):
            _echo_hits(found.hits(chunk, chunk + (limit or STREAM_CHUNK), snippets=bool(limit)))
    click.echo(hit_count(text, len(found) - start, limit, related, page), err=True)


STREAM_CHUNK = 2000  # --limit 0: hits read and written this many at a time, without snippets


def _echo_hits(hits: list[Hit]) -> None:
    lines = []  # one write per chunk: echoing each line costs more than the search itself
    for h in hits:
        mark = "" if h.kind == "report" else f"[{h.kind}] "
        lines.append(f"{mark}{h.id} {h.year} {h.agency} {h.title}")
        if h.snippet is not None:
            lines.append(f"    {h.snippet}")
    if lines:
        click.echo("\n".join(lines))


def hit_count(query: str, n: int, limit: int, related: bool, page: int = 1) -> str:
    """The closing line of a text search: how many hits (on this page), or that there are none."""
    what = "documents" if related else "reports"
    start = (page - 1) * limit
    if n <= 0:
        return f"no {what} contain {query}" if page == 1 else f"no {what} past the first {start}"
    count = f"{n} {what[:-1] if n == 1 else what}"
    if page > 1:
        more = f"--page {page + 1} for more, " if n >= limit else ""
        return f"{count}, {start + 1}-{start + n} ({more}--limit 0 shows all)"
    more = f" (the first {limit}: --limit 0 shows all)" if limit and n >= limit else ""
    return f"{count}{more}"


from . import commands  # noqa: E402,F401  (registers coverage, export, plot, serve)
