"""Upkeep on an archive of the real seeds (ingested through the real pipeline stages):
`nianbao verify` (SQLite, blobs, re-parse) and `nianbao reparse` (no crawling)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import crawler.maintenance  # noqa: F401  (registers reparse and verify)
from archive.cli import cli
from archive.db import Archive
from archive.records import CopyRecord, ParsedCopy
from archive.synthetic import canonical_report
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
        report = json.loads(parse)
        stale = json.loads(parse)
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
