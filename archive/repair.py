"""`nianbao verify --repair`: fix what a killed run left, where that is safe.

Nothing fetched is thrown away: a blob without a copy row is a document we fetched, so its
copy row is made again and the copy re-parsed (by a callback: the archive cannot import the
parser; crawler/maintenance.py passes it) or, without one, kept as failed with
`RECOVERED`. Only derived rows are deleted (cells and checks of a report that is gone, the
temp file of a blob write that never finished); a report without a primary copy is
re-picked from its parsed copies (Archive.refresh_report), which drops it when it has none.
A run nobody is running is marked "killed", and copies a stopped run left unparsed are
parsed, by crawler/maintenance.py (the runs' one writer is crawlstate/runs.py). What cannot be fixed here (missing or altered
bytes, a damaged database, a sighting whose copy's bytes are gone) is said so, one line each.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from .db import Archive
from .records import CopyRecord, ParsedCopy, decode_parse, decode_provenance
from .shape import loads
from .verify import LockState, Problem, Reparse, verify

RECOVERED = "recovered: the run that stored it was interrupted"
Describe = Callable[[bytes], tuple[str, str]]  # bytes -> (mime, format), sniffed


@dataclass(frozen=True, slots=True)
class Repair:
    problem: Problem
    done: bool
    what: str  # what was done, or why it could not be


def repair(archive: Archive, problems: list[Problem], describe: Describe | None = None,
           reparse: Reparse | None = None) -> list[Repair]:
    """One `Repair` per problem; orphan blobs first, so their sightings find their copy."""
    order = {"orphan-blob": 0, "copy": 1, "sighting": 2}
    out = []
    for problem in sorted(problems, key=lambda p: order.get(p.kind, 3)):
        out.append(_repair_one(archive, problem, describe, reparse))
    return out


def _repair_one(archive: Archive, problem: Problem, describe: Describe | None,
                reparse: Reparse | None) -> Repair:
    kind, subject = problem.kind, problem.subject
    if kind == "orphan-blob":
        return Repair(problem, *recover_blob(archive, subject, describe, reparse))
    if kind == "unfinished-blob":
        (archive.root / subject).unlink(missing_ok=True)
        return Repair(problem, True, "deleted the unfinished write")
    if kind == "sighting":
        return _sighting(archive, problem)
    if kind in ("cells", "checks"):
        report_id = int(subject.split()[-1])
        archive.db.execute(f"DELETE FROM {kind} WHERE report_id = ?", [report_id])
        return Repair(problem, True, f"deleted the {kind} of the missing report")
    if kind == "copy":
        return Repair(problem, *restore_report(archive, subject))
    if kind == "primary":
        return _primary(archive, problem)
    # "run" and "unparsed" are repaired by crawler/maintenance.py: the runs have one writer
    # (crawlstate/runs.py) and parsing is not the archive's to do.
    return Repair(problem, False, "not repairable here: " + _advice(kind))


def _advice(kind: str) -> str:
    if kind == "blob":
        return "the bytes are gone or altered (crawl its URLs again)"
    if kind == "report":
        return "run `nianbao reparse` to store what the parser now says"
    return "restore the archive from a backup"


def recover_blob(archive: Archive, sha: str, describe: Describe | None,
                 reparse: Reparse | None) -> tuple[bool, str]:
    """Make the copy row of a stored blob again, and its parse."""
    if not archive.blobs.verify(sha):
        return False, "not recovered: its bytes no longer hash to their name"
    data = archive.blobs.read(sha)
    mime, fmt = describe(data) if describe else ("application/octet-stream", "unknown")
    seen = datetime.fromtimestamp(archive.blobs.path(sha).stat().st_mtime, timezone.utc)
    with archive.db.atomic():
        archive.add_copy(CopyRecord(sha, len(data), mime, fmt, None,
                                    seen.isoformat(timespec="seconds")))
        verdict = (replace(reparse(data, "", {}), sha256=sha) if reparse
                   else ParsedCopy(sha, "failed", error=RECOVERED))
        archive.save_parse(verdict)
    return True, f"copy row re-created ({fmt}), re-parsed: {verdict.status}" + (
        f" ({verdict.error})" if verdict.error else "")


def restore_report(archive: Archive, sha: str) -> tuple[bool, str]:
    """Store a copy's own recorded verdict again: its report is made again from it."""
    row = next(archive.db.query("SELECT * FROM copies WHERE sha256 = ?", [sha]))
    verdict = ParsedCopy(sha, row["status"] or "failed", decode_parse(row["parse"]),
                         decode_provenance(row["provenance"]), loads(row["flags"]) or [],
                         row["error"], row["parser_version"] or "", row["kind"] or "report",
                         loads(row["cell_flags"]) or {}, row["region"])
    with archive.db.atomic():
        archive.db.execute("UPDATE copies SET report_id = NULL WHERE sha256 = ?", [sha])
        report_id = archive.save_parse(verdict)
    return True, f"its report stored again from its parse (report {report_id})"


def _sighting(archive: Archive, problem: Problem) -> Repair:
    sha = problem.detail.split()[3]  # "of unknown copy <sha> at <url>"
    if archive.has_copy(sha):
        return Repair(problem, True, "its copy was recovered")
    return Repair(problem, False, "not repairable here: the copy's bytes are not in the"
                  " blob store (crawl the URL again)")


def _primary(archive: Archive, problem: Problem) -> Repair:
    report_id = int(problem.subject.split()[-1])
    with archive.db.atomic():
        archive.refresh_report(report_id)
    row = archive.db.execute("SELECT primary_sha256 FROM reports WHERE id = ?",
                             [report_id]).fetchone()
    if row is None:
        return Repair(problem, True, "dropped: no parsed copy of it is left")
    if row[0] is not None and archive.has_copy(row[0]):
        return Repair(problem, True, f"primary copy re-picked: {row[0][:12]}")
    return Repair(problem, False, "not repairable here: no copy to pick")


def repaired_lines(repairs: list[Repair]) -> Iterator[str]:
    for r in repairs:
        mark = "REPAIRED" if r.done else "NOT REPAIRED"
        yield f"{mark} {r.problem.kind} {r.problem.subject}: {r.what}"


def verify_and_repair(archive: Archive, reparse: Reparse | None, lock: LockState,
                      describe: Describe | None = None) -> tuple[list[Repair], list[Problem]]:
    """Repair what `verify` finds; then what is still wrong (a second look)."""
    repairs = repair(archive, verify(archive, reparse, lock), describe, reparse)
    return repairs, verify(archive, reparse, lock)
