"""Upkeep on an archive of the real seeds (ingested through the real pipeline stages):
`nianbao verify` (SQLite, blobs, re-parse, what a killed run left) and `--repair`, and
`nianbao reparse` (no crawling)."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import crawler.maintenance  # noqa: F401  (registers reparse and verify)
from archive.cli import cli
from archive.db import Archive
from archive.records import CopyRecord, ParsedCopy, decode_parse
from tests.synthetic_archive import canonical_report
from crawler.local import LocalRun, item_for_file


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("upkeep") / "data"
    LocalRun(str(root)).run(item_for_file(p) for p in sorted(seeds_dir.glob("*.txt")))
    return root


@pytest.fixture
def archive_dir(seeded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(seeded, tmp_path / "data"))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_verify_a_sound_archive(archive_dir: Path) -> None:
    result = run("verify", "--archive", str(archive_dir))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "checked 5 copies, 5 reports: 0 problems"


def test_verify_finds_a_tampered_and_a_missing_blob(archive_dir: Path) -> None:
    with Archive.open(archive_dir) as archive:
        first, second = [r[0] for r in archive.db.execute(
            "SELECT sha256 FROM copies ORDER BY sha256 LIMIT 2")]
        archive.blobs.path(first).write_bytes(b"tampered")
        archive.blobs.path(second).unlink()
    result = run("verify", "--archive", str(archive_dir), "--no-reparse")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"PROBLEM blob {first}: bytes no longer hash to their sha256" in result.output
    assert f"PROBLEM blob {second}: missing from the blob store" in result.output
    data = json.loads(run("verify", "--archive", str(archive_dir), "--json").output)
    assert data["ok"] is False and {p["kind"] for p in data["problems"]} == {"blob", "report"}


def test_verify_finds_a_report_its_copy_no_longer_parses_as(archive_dir: Path) -> None:
    with Archive.open(archive_dir) as archive:
        digest = archive.blobs.put(b"just a note, no annual report here")
        archive.add_copy(CopyRecord(digest, 34, "text/plain", "text", "note.txt", "2024-01-01"))
        rid = archive.save_parse(ParsedCopy(digest, "parsed", canonical_report("乙镇", 2022)))
    result = run("verify", "--archive", str(archive_dir))
    assert result.exit_code == 1
    assert f"PROBLEM report report {rid}: copy {digest[:12]} re-parses as" in result.output


def test_reparse_restores_what_the_parser_says(archive_dir: Path) -> None:
    with Archive.open(archive_dir) as archive:
        sha, parse = archive.db.execute(
            "SELECT sha256, parse FROM copies ORDER BY sha256 LIMIT 1").fetchone()
        report = decode_parse(parse)
        stale = decode_parse(parse)
        stale["tables"]["applications"]["new_received"]["natural_person"] = 999
        rid = archive.save_parse(ParsedCopy(sha, "parsed", stale, parser_version="0"))
        assert archive.get_report(rid)["tables"]["applications"]["new_received"][
            "natural_person"] == 999
    result = run("reparse", "--archive", str(archive_dir), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"parsed": 5, "not_report": 0, "failed": 0,
                                         "changed": 1, "missing_blob": 0, "reports": 5}
    with Archive.open(archive_dir) as archive:
        after = archive.get_report(rid)
        version = archive.db.execute("SELECT parser_version FROM copies WHERE sha256 = ?",
                                     [sha]).fetchone()[0]
    assert after["tables"] == report["tables"] and version != "0"


def test_reparse_skips_a_missing_blob(archive_dir: Path) -> None:
    with Archive.open(archive_dir) as archive:
        sha = archive.db.execute("SELECT sha256 FROM copies LIMIT 1").fetchone()[0]
        archive.blobs.path(sha).unlink()
    summary = json.loads(run("reparse", "--archive", str(archive_dir), "--json").output)
    assert summary["missing_blob"] == 1 and summary["parsed"] == 4 and summary["reports"] == 5


def _verify(archive_dir: Path, *extra: str) -> Result:
    return run("verify", "--archive", str(archive_dir), "--no-reparse", *extra)


def _kill_an_ingest_after_its_blob(archive_dir: Path, doc: Path, tmp_path: Path) -> str:
    """A real `nianbao ingest`, SIGKILLed after it stored a blob and before its rows: the
    document comes through a FIFO, so the ingest has opened its run before it reads it, and
    the test holds the database's write lock from then on, so the copy row cannot be written
    before the kill (the blob goes to the store first, by design)."""
    fifo = tmp_path / doc.name
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "ingest", str(fifo),
                             "--archive", str(archive_dir)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(archive_dir / "archive.db", isolation_level=None, timeout=60)
    while db.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0:
        assert proc.poll() is None, "the ingest ended before it opened its run"
        time.sleep(0.01)
    db.execute("BEGIN IMMEDIATE")  # from here on, no row of the ingest can be written
    data = doc.read_bytes()
    with open(fifo, "wb") as pipe:
        pipe.write(data)
    sha = hashlib.sha256(data).hexdigest()
    blob = archive_dir / "blobs" / sha[:2] / sha[2:4] / sha
    while not blob.is_file():
        assert proc.poll() is None, "the ingest ended before storing the blob"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    db.execute("ROLLBACK")
    db.close()
    return sha


@pytest.fixture
def killed_ingest(tmp_path: Path, seeds_dir: Path) -> tuple[Path, str]:
    root = tmp_path / "data"
    Archive.open(root).close()
    return root, _kill_an_ingest_after_its_blob(root, sorted(seeds_dir.glob("*.txt"))[1], tmp_path)


def test_verify_finds_what_a_killed_ingest_left(killed_ingest) -> None:
    root, sha = killed_ingest
    with Archive.open(root) as archive:
        assert not archive.has_copy(sha) and archive.blobs.has(sha)
        (run_id,) = archive.db.execute("SELECT id FROM runs WHERE status = 'running'").fetchone()
    result = _verify(root)
    assert result.exit_code == 1, result.output
    assert f"PROBLEM orphan-blob {sha}: stored blob without a copy row" in result.output
    assert (f"PROBLEM run run {run_id}: ingest started" in result.output
            and "no live process holds the run lock" in result.output)


def test_repair_recovers_the_blob_as_a_parsed_copy_and_kills_the_run(killed_ingest) -> None:
    root, sha = killed_ingest
    result = _verify(root, "--repair")
    assert result.exit_code == 0, result.output
    assert f"REPAIRED orphan-blob {sha}: copy row re-created (text), re-parsed: parsed" in result.output
    assert "REPAIRED run run 1: marked killed" in result.output
    assert result.output.strip().endswith("2 problems, 2 repaired, 0 left")
    with Archive.open(root) as archive:
        status, report_id = archive.db.execute(
            "SELECT status, report_id FROM copies WHERE sha256 = ?", [sha]).fetchone()
        runs = archive.db.execute("SELECT status FROM runs").fetchall()
        assert status == "parsed" and archive.get_report(report_id)["year"] >= 2019
    assert runs == [("killed",)]
    assert _verify(root).exit_code == 0


def test_without_a_parser_a_recovered_copy_is_failed_with_why(killed_ingest) -> None:
    from archive.repair import RECOVERED, recover_blob

    root, sha = killed_ingest
    with Archive.open(root) as archive:
        assert recover_blob(archive, sha, None, None)[0]
        assert archive.db.execute("SELECT status, error FROM copies WHERE sha256 = ?",
                                  [sha]).fetchone() == ("failed", RECOVERED)


def _break_rows(archive: Archive) -> tuple[int, str]:
    """Rows the archive's foreign keys forbid (a damaged database, or one edited by hand
    with foreign keys off): made here by SQL with them off, as that is the only way."""
    rid, sha = archive.db.execute("SELECT id, primary_sha256 FROM reports LIMIT 1").fetchone()
    db = archive.db
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("DELETE FROM agency_names WHERE sha256 = ?", [sha])
    db.execute("DELETE FROM copies WHERE sha256 = ?", [sha])  # its sighting, report, cells stay
    archive.blobs.path(sha).unlink()  # and its bytes: nothing to recover it from
    other = db.execute("SELECT id FROM reports WHERE id != ? LIMIT 1", [rid]).fetchone()[0]
    db.execute("DELETE FROM reports WHERE id = ?", [other])  # its cells and checks stay
    db.execute("PRAGMA foreign_keys = ON")
    return rid, sha


def test_verify_finds_orphan_rows_and_repair_fixes_what_it_can(archive_dir: Path) -> None:
    with Archive.open(archive_dir) as archive:
        rid, sha = _break_rows(archive)
        other = next(r for r in archive.db.execute(
            "SELECT DISTINCT report_id FROM cells WHERE report_id NOT IN (SELECT id FROM reports)"))[0]
        (tmp := archive.blobs.root / "ab" / "cd" / ".tmp-x").parent.mkdir(parents=True)
        tmp.write_bytes(b"half a blob")  # a write killed before its os.replace
    result = _verify(archive_dir)
    assert result.exit_code == 1 and "Traceback" not in result.output
    for line in (f"PROBLEM sighting sighting", f"of unknown copy {sha}",
                 f"PROBLEM primary report {rid}: its primary copy {sha} is not in the archive",
                 f"PROBLEM cells report {other}:", f"PROBLEM checks report {other}:",
                 "PROBLEM unfinished-blob blobs/ab/cd/.tmp-x: a blob write that never finished"):
        assert line in result.output, line
    assert "PROBLEM database" not in result.output  # each named once, by what it is
    assert re.search(r"PROBLEM copy [0-9a-f]{64}: parsed as report \d+, which is not in", result.output)
    repaired = _verify(archive_dir, "--repair")
    assert repaired.exit_code == 1  # the sighting's copy is gone with its bytes: cannot be fixed
    assert f"REPAIRED primary report {rid}: dropped: no parsed copy of it is left" in repaired.output
    assert f"REPAIRED cells report {other}: deleted the cells of the missing report" in repaired.output
    assert "NOT REPAIRED sighting" in repaired.output and not tmp.exists()
    assert "REPAIRED copy" in repaired.output and "its report stored again" in repaired.output
    assert repaired.output.strip().endswith("1 left")


def test_a_run_younger_than_the_live_run_lock_is_left_alone(archive_dir: Path) -> None:
    from crawler.runner import RunLock

    with Archive.open(archive_dir) as archive:
        old = archive.start_run("http://old.example/")
        archive.db.execute("UPDATE runs SET started_at = '2020-01-01T00:00:00+00:00' WHERE id = ?",
                           [old])  # started long before the lock below was taken
    with RunLock(archive_dir, "http://live.example/"):
        with Archive.open(archive_dir) as archive:
            live = archive.start_run("http://live.example/")
        result = _verify(archive_dir, "--repair")
    assert f"PROBLEM run run {old}:" in result.output and "older than the live run lock" in result.output
    assert f"run {live}:" not in result.output and result.exit_code == 0
    with Archive.open(archive_dir) as archive:
        status = dict(archive.db.execute("SELECT id, status FROM runs WHERE id IN (?, ?)", [old, live]))
    assert status == {old: "killed", live: "running"}


def test_ingest_logs_why_a_file_is_not_a_report(tmp_path: Path) -> None:
    note = tmp_path / "通知.txt"
    note.write_text("关于开展政府信息公开工作培训的通知\n各单位：请于下周一参加培训。\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "ingest", str(note), "--archive",
                           str(tmp_path / "data")], capture_output=True, text=True)
    lines = [ln for ln in proc.stderr.splitlines() if "not a report" in ln]
    assert len(lines) == 1 and note.as_uri() in lines[0], proc.stderr
    reason = lines[0].split(note.as_uri())[-1].strip()
    assert reason.startswith("not an annual information-disclosure report: a notice")
