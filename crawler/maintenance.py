"""Archive upkeep commands that need the pipelines: `nianbao reparse` and `nianbao verify`.

Importing this module registers its commands on the `nianbao` group (archive.cli.cli);
they live here because only `crawler` may import both `archive` and `pipelines`.
"""
from __future__ import annotations

import fcntl
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from archive.cli import archive_option, cli, echo_json, json_option, open_existing
from archive.db import Archive
from archive.errors import BlobError
from archive.pending import copies_to_parse
from archive.records import ParsedCopy, decode_parse_json
from archive.repair import Repair, repaired_lines
from archive.repair import repair as repair_archive
from archive.verify import LockState, Problem
from archive.verify import verify as verify_archive

logger = logging.getLogger(__name__)


def parse_bytes(data: bytes, name: str, context: dict[str, Any] | None = None,
                workers: Any = None) -> ParsedCopy:
    """The parser's verdict on archived bytes, as the crawl's stages would give it, in the
    context the copy was seen in (Archive.context_of), in a worker under the per-document
    limits (`workers`, or EXTRACT_TIMEOUT, EXTRACT_MEMORY_MB, EXTRACT_WORKERS from the
    environment)."""
    from pipelines.document import Hints
    from pipelines.task import ParseTask

    ctx = context or {}
    hints = Hints(link_text=ctx.get("link_text"), page_title=ctx.get("page_title"),
                  publisher=ctx.get("publisher"), region=ctx.get("region"))
    outcome = (workers or _workers()).parse(data, ParseTask(name, hints)).outcome
    return ParsedCopy(sha256="0" * 64, status=outcome.status, report=outcome.report,
                      provenance=outcome.provenance, flags=outcome.flags, error=outcome.error,
                      parser_version=outcome.parser_version, kind=outcome.kind,
                      cell_flags=outcome.cell_flags)


_WORKERS: list[Any] = []  # the command's one pool, made on first use, closed at exit


def _workers() -> Any:
    import atexit
    import os

    from pipelines.limits import Limits, Workers

    if not _WORKERS:
        _WORKERS.append(Workers(Limits.from_settings(os.environ), size=1))
        atexit.register(_WORKERS[0].close)
    return _WORKERS[0]


def reparse_all(archive: Archive, broker: str | None = None,
                tick: Callable[[Any], None] | None = None) -> Counter[str]:
    """Parse every archived copy again from its blob and store the new verdicts; with a
    broker, the copies not parsed by the current parser, on the fleet (fleet/submit.py).
    `tick(sha256)` after each copy (a progress line)."""
    if broker:
        from fleet.submit import Fleet, reparse_on_fleet

        return reparse_on_fleet(archive, Fleet(broker), tick=tick)
    return reparse_copies(archive, copies_to_parse(archive.db), tick=tick)


def reparse_copies(archive: Archive, rows: list[dict[str, Any]], workers: Any = None,
                   tick: Callable[[Any], None] | None = None) -> Counter[str]:
    """Parse these copies (archive.pending.copies_to_parse rows) from their blobs and store
    the verdicts; the counts by status, plus "changed" and "missing_blob"."""
    counts: Counter[str] = Counter()
    for row in rows:
        if tick:
            tick(row["sha256"])
        try:
            data = archive.blobs.read(row["sha256"])
        except BlobError:
            counts["missing_blob"] += 1
            logger.warning("missing blob %s: not re-parsed", row["sha256"])
            continue
        verdict = parse_bytes(data, row["filename"] or row["url"] or "",
                              archive.context_of(row["sha256"]), workers)
        verdict.sha256 = row["sha256"]
        archive.save_parse(verdict)
        counts[verdict.status] += 1
        after = archive.db.execute("SELECT status, parse FROM copies WHERE sha256 = ?",
                                   [row["sha256"]]).fetchone()
        counts["changed"] += (after[0], decode_parse_json(after[1])) != (
            row["status"], decode_parse_json(row["parse"]))  # the JSON text, not its zlib
    return counts


@cli.command()
@archive_option
@json_option
@click.option("--broker", metavar="URL", default=None,
              help="Hand the copies to the fleet (`nianbao worker`) on this Redis broker; a re-run "
              "resumes (copies the current parser already read are skipped).")
def reparse(archive_dir: Path, as_json: bool, broker: str | None) -> None:
    """Parse every archived copy again (after a parser upgrade), without crawling."""
    from fleet.submit import FleetStalled

    from archive.progress import progress

    with open_existing(archive_dir) as archive:
        shown = progress(archive.counts()["copies"], unit="copies")
        try:
            counts = reparse_all(archive, broker, shown)
        except FleetStalled as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            shown.done()
        total = archive.counts()
    summary: dict[str, Any] = {k: counts.get(k, 0) for k in (
        "parsed", "not_report", "failed", "changed", "missing_blob")}
    if counts.get("task_error"):  # fleet tasks that raised: not written, a re-run retries them
        summary["task_error"] = counts["task_error"]
    summary["reports"] = total["reports"]
    if as_json:
        echo_json(summary)
        return
    click.echo("re-parsed: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


def lock_state(archive_dir: Path) -> LockState:
    """Is the archive's run lock (crawler/runner.py RunLock) held by a live process? Asked
    of the kernel (a shared flock tried and let go at once), not of the file's PID."""
    from crawler.runner import LOCK_NAME, RunLock

    path = Path(archive_dir) / LOCK_NAME
    if not path.is_file():
        return LockState()
    with open(path, encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return LockState(True, str(RunLock(archive_dir, "").holder().get("started", "")))
        fcntl.flock(handle, fcntl.LOCK_UN)
    return LockState()


@contextmanager
def repair_lock(archive_dir: Path) -> Iterator[LockState]:
    """Hold the run lock while repairing, so no crawl starts meanwhile; when a crawl holds
    it, repair around it (what it may be writing is left alone)."""
    from crawler.runner import CrawlLocked, RunLock

    with ExitStack() as stack:
        try:
            stack.enter_context(RunLock(archive_dir, "verify --repair"))
            state = LockState()
        except CrawlLocked:
            state = lock_state(archive_dir)
        yield state


def describe(data: bytes) -> tuple[str, str]:
    from pipelines.download import fingerprint

    _, mime, fmt = fingerprint(data)
    return mime, fmt


@cli.command()
@archive_option
@json_option
@click.option("--no-reparse", is_flag=True, help="Skip re-parsing every report (faster).")
@click.option("--repair", "fix", is_flag=True,
              help="Fix what is safe (orphan blobs get their copy row back, re-parsed; runs "
              "nobody runs are marked killed; rows of missing reports go); exit 0 when all is.")
@click.pass_context
def verify(ctx: click.Context, archive_dir: Path, as_json: bool, no_reparse: bool,
           fix: bool) -> None:
    """Check the archive: SQLite integrity, every blob's sha256, every report re-parseable,
    and what a killed run left (orphan blobs and rows, runs left "running").

    Exit status 1 when there is a problem (with --repair: one left unrepaired)."""
    reparse = None if no_reparse else parse_bytes
    with open_existing(archive_dir) as archive, \
            (repair_lock(archive_dir) if fix else nullcontext(lock_state(archive_dir))) as lock:
        problems = verify_archive(archive, reparse, lock)
        repairs = _repair(archive, problems) if fix else []
        left = verify_archive(archive, reparse, lock) if fix else problems
        counts = archive.counts()
    if as_json:
        echo_json({"ok": not left, "problems": [asdict(p) for p in problems],
                   "copies": counts["copies"], "reports": counts["reports"],
                   **({"repairs": [_repair_json(r) for r in repairs],
                       "left": [asdict(p) for p in left]} if fix else {})})
    else:
        _echo_verify(problems, repairs, left, counts, fix)
    if left:
        ctx.exit(1)


def _repair(archive: Archive, problems: list[Problem]) -> list[Repair]:
    """What `verify --repair` fixes: the archive's own repairs (repair.py), runs nobody runs
    marked killed by the runs' one writer (crawlstate/runs.py), and copies a stopped run left
    unparsed parsed now (crawler/unparsed.py: the parser is not the archive's to call)."""
    import os

    from archive.pending import UNPARSED
    from crawler.unparsed import parse_unparsed
    from crawlstate.runs import mark_killed
    from pipelines.limits import Limits

    ours = [p for p in problems if p.kind in ("run", "unparsed")]
    repairs = repair_archive(archive, [p for p in problems if p not in ours], describe, parse_bytes)
    for p in (p for p in ours if p.kind == "run"):
        repairs.append(Repair(p, mark_killed(archive, int(p.subject.split()[-1])), "marked killed"))
    if any(p.kind == "unparsed" for p in ours):
        parse_unparsed(archive, Limits.from_settings(os.environ))
        for p in (p for p in ours if p.kind == "unparsed"):
            row = archive.db.execute("SELECT status, error FROM copies WHERE sha256 = ?",
                                     [p.subject]).fetchone()
            done = row is not None and row[1] != UNPARSED
            repairs.append(Repair(p, done, f"parsed: {row[0]}" if done else "still unparsed"))
    return repairs


def _repair_json(r: Repair) -> dict[str, Any]:
    return {**asdict(r.problem), "repaired": r.done, "what": r.what}


def _echo_verify(problems: list[Problem], repairs: list[Repair], left: list[Problem],
                 counts: dict[str, int], fix: bool) -> None:
    for p in problems:
        click.echo(f"PROBLEM {p.kind} {p.subject}: {p.detail}")
    for line in repaired_lines(repairs):
        click.echo(line)
    summary = (f"checked {counts['copies']} copies, {counts['reports']} reports:"
               f" {len(problems)} problems")
    if fix:
        summary += f", {sum(r.done for r in repairs)} repaired, {len(left)} left"
    click.echo(summary)
