"""The archive's WARC files (`<archive>/warcs/`, written by the crawl: crawlstate/warc.py),
read with warcio: `nianbao verify`'s checks, the record a sighting cites, and
`nianbao export --format wacz` (a WACZ made with the `wacz` package, offline).

Why in archive/: the WARCs are part of what the archive keeps (an archivist's citation of
each copy), and reading them needs neither the crawler nor the crawl state: the sighting
rows say which file, offset and length.
"""
from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .db import Archive
from .errors import ArchiveError

WARCS_DIR = "warcs"
RUN_OF = re.compile(r"^nianbao-(\d+)-\d+-\d+\.warc\.gz$")


@dataclass(frozen=True, slots=True)
class Record:
    type: str
    url: str
    date: str
    offset: int
    length: int


def warc_files(root: Path, run_id: int | None = None) -> list[Path]:
    """The closed WARC files of the archive (of one run: nianbao-<run>-…)."""
    files = sorted((root / WARCS_DIR).glob("*.warc.gz"))
    if run_id is None:
        return files
    return [f for f in files if (m := RUN_OF.match(f.name)) and int(m.group(1)) == run_id]


def records(path: Path) -> Iterator[tuple[Record | None, str | None]]:
    """Every record with its place, digests checked; (None, problem) where reading fails."""
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream, check_digests=True)
        try:
            for record in iterator:
                headers = record.rec_headers
                record.content_stream().read()  # reads the payload: the digests are checked
                checker = getattr(record, "digest_checker", None)
                where = Record(record.rec_type, headers.get_header("WARC-Target-URI") or "",
                               headers.get_header("WARC-Date") or "", iterator.get_record_offset(),
                               0)
                problem = "; ".join(checker.problems) if checker and checker.passed is False else None
                yield where, problem
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            yield None, f"unreadable after the last good record: {exc}"


def record_at(root: Path, warc_file: str, offset: int) -> Record | None:
    path = root / WARCS_DIR / warc_file
    if not path.is_file():
        return None
    with open(path, "rb") as stream:
        stream.seek(offset)
        try:
            for record in ArchiveIterator(stream):
                headers = record.rec_headers
                return Record(record.rec_type, headers.get_header("WARC-Target-URI") or "",
                              headers.get_header("WARC-Date") or "", offset, 0)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError):
            return None
    return None


REPLAY_ENV = "NIANBAO_REPLAY_URL"


def replay_base(given: str | None = None) -> str | None:
    """The replay server's collection URL (pywb: http://host:8080/nianbao/), from the option
    or the environment; None when no replay server is configured."""
    import os

    base = given or os.environ.get(REPLAY_ENV) or None
    return base.rstrip("/") + "/" if base else None


def citation(sighting: dict[str, Any], replay: str | None = None) -> dict[str, Any] | None:
    """Where a sighting's exchange is kept: WARC file, offset and length (one gzip member: read
    it with `warcio extract FILE OFFSET`), and the replay URL when a replay server is given.
    None for a sighting with no record (a local ingest, a crawl from before WARC capture)."""
    if not sighting.get("warc_file") or sighting.get("warc_offset") is None:
        return None
    cite = {"file": f"{WARCS_DIR}/{sighting['warc_file']}", "offset": sighting["warc_offset"],
            "length": sighting.get("warc_length")}
    if replay and sighting.get("url"):
        stamp = re.sub(r"\D", "", str(sighting.get("first_seen") or ""))[:14]
        # pywb's form: <collection>/<14-digit timestamp>id_/<url>: the payload as archived.
        cite["replay"] = f"{replay}{stamp}id_/{sighting['url']}" if stamp else f"{replay}{sighting['url']}"
    return cite


def report_citations(db: Any, report_id: int,
                     replay: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
    """(sha256, url) -> `citation` of that sighting, for every copy of one report (the
    sightings without a record are absent). Read by `nianbao show` and the report page."""
    rows = db.query(
        "SELECT s.sha256, s.url, s.first_seen, s.warc_file, s.warc_offset, s.warc_length"
        " FROM sightings s JOIN copies c ON c.sha256 = s.sha256 WHERE c.report_id = ?", [report_id])
    return {(s["sha256"], s["url"]): cite for s in rows if (cite := citation(s, replay)) is not None}


def check(archive: Archive) -> list[Any]:
    """`nianbao verify`: every WARC reads record by record with valid digests, no file is
    left open, and every sighting's record exists where the sighting says."""
    from .verify import Problem

    problems = [Problem("warc", p.name, "left open by a crawl that was killed (the next"
                        " crawl closes it)") for p in (archive.root / WARCS_DIR).glob("*.open")]
    for path in warc_files(archive.root):
        for where, problem in records(path):
            if problem:
                subject = f"{path.name}@{where.offset}" if where else path.name
                problems.append(Problem("warc", subject, problem))
    rows = archive.db.query("SELECT id, url, warc_file, warc_offset FROM sightings"
                            " WHERE warc_file IS NOT NULL ORDER BY id")
    for row in list(rows):
        found = record_at(archive.root, row["warc_file"], row["warc_offset"])
        if found is None or found.url != row["url"].split("#", 1)[0]:
            problems.append(Problem("warc", f"sighting {row['id']}",
                                    f"no record of {row['url']} at {row['warc_file']}@{row['warc_offset']}"))
    return problems


def pages(archive: Archive, files: list[Path]) -> list[dict[str, Any]]:
    """pages.jsonl entries: each report copy's URL, its record's date, the report's title."""
    names = {f.name for f in files}
    rows = archive.db.query(
        "SELECT s.url, s.warc_file, s.warc_offset, coalesce(r.title, s.page_title, s.link_text) AS title"
        " FROM sightings s JOIN copies c ON c.sha256 = s.sha256 LEFT JOIN reports r ON r.id = c.report_id"
        " WHERE s.warc_file IS NOT NULL AND c.status = 'parsed' ORDER BY r.id, s.id")
    out, seen = [], set()
    for row in rows:
        url = row["url"].split("#", 1)[0]
        if row["warc_file"] not in names or url in seen:
            continue
        found = record_at(archive.root, row["warc_file"], row["warc_offset"])
        if found is not None:
            seen.add(url)
            out.append({"url": url, "ts": found.date, "title": row["title"] or url})
    return out


def write_wacz(archive: Archive, out: Path, run_id: int | None = None) -> int:
    """A WACZ of the run's WARCs (all of them without `run_id`): CDXJ index, pages.jsonl
    with the reports' titles, datapackage digests. Returns the number of pages."""
    from wacz.main import main as wacz_main

    files = warc_files(archive.root, run_id)
    if not files:
        raise ArchiveError(f"no WARC files{f' of run {run_id}' if run_id else ''} in {archive.root / WARCS_DIR}")
    entries = pages(archive, files)
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "pages.jsonl"
        lines = [{"format": "json-pages-1.0", "id": "pages", "title": "nianbao: annual reports"}, *entries]
        listing.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines), encoding="utf-8")
        title = f"nianbao run {run_id}" if run_id else "nianbao archive"
        code = wacz_main(["create", "-o", str(out), "-p", str(listing), "--title", title,
                          *[str(f) for f in files]])
    if code not in (0, None):
        raise ArchiveError(f"wacz create failed ({code})")
    return len(entries)


def _remember(ctx: Any, param: Any, value: Any) -> Any:
    ctx.meta[f"wacz_{param.name}"] = value
    return value


def wacz_options(fn: Any) -> Any:
    """`--run ID | --all` for `export --format wacz`, kept out of the command's signature
    (ctx.meta), so the export command's other formats are untouched."""
    import click

    fn = click.option("--all", "all_runs", is_flag=True, expose_value=False, callback=_remember,
                      help="wacz: every crawl's WARCs (the default).")(fn)
    return click.option("--run", "run", type=int, expose_value=False, callback=_remember,
                        help="wacz: only this run's WARCs (`runs.id`).")(fn)


def export_command(archive: Archive, out: Path | None) -> None:
    """The wacz branch of `nianbao export`."""
    import click

    meta = click.get_current_context().meta
    run_id, every = meta.get("wacz_run"), meta.get("wacz_all_runs")
    if out is None:
        raise ArchiveError("wacz needs --out FILE")
    if run_id is not None and every:
        raise ArchiveError("--run and --all exclude each other")
    n = write_wacz(archive, out, None if every else run_id)
    click.echo(f"wrote {out}: {len(warc_files(archive.root, run_id))} WARC files, {n} pages", err=True)
