"""A document fetched while the run is stopping (its parse cancelled: SIGTERM, Ctrl-C) is
archived, bytes and sighting, as "not parsed yet" with the reason, and the next run,
`verify --repair` or `reparse` parses it: nothing fetched is lost to a stop.

The stop is made deterministic by aborting the run's workers before the document reaches
them, which is what crawler/stages.py does on SIGTERM; the crawl
killed mid-way by a real SIGTERM is tests/test_crawl_unattended.py."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import crawler.maintenance  # noqa: F401  (registers reparse and verify)
from archive.cli import cli
from archive.db import Archive
from archive.pending import UNPARSED
from crawler.cli import cli as nianbao_cli
from crawler.local import LocalRun, item_for_file


def rows(archive: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(archive / "archive.db") as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def stopped(tmp_path: Path, seeds_dir: Path) -> tuple[Path, list[Path]]:
    """An archive with one seed archived by a run that was stopping."""
    seeds = sorted(seeds_dir.glob("*.txt"))
    archive = tmp_path / "data"
    run = LocalRun(str(archive))
    run.parser.workers.abort()  # the run is stopping: its parse is cancelled
    stats = run.run([item_for_file(seeds[0])])
    assert stats["nianbao/copies/unparsed"] == 1 and "nianbao/copies/failed" not in stats
    return archive, seeds


def test_a_cancelled_parse_keeps_bytes_and_sighting_with_the_reason(stopped) -> None:
    archive, seeds = stopped
    (sha, status, error), = rows(archive, "SELECT sha256, status, error FROM copies")
    assert (status, error) == ("failed", UNPARSED)
    with Archive.open(archive) as arc:
        assert arc.blobs.read(sha) == seeds[0].read_bytes()
    assert rows(archive, "SELECT count(*) FROM sightings") == [(1,)]
    assert rows(archive, "SELECT count(*) FROM reports") == [(0,)]


def test_verify_lists_it_and_repair_parses_it(stopped) -> None:
    archive, _ = stopped
    found = CliRunner().invoke(cli, ["verify", "--archive", str(archive), "--no-reparse"])
    assert found.exit_code == 1
    assert f"PROBLEM unparsed {rows(archive, 'SELECT sha256 FROM copies')[0][0]}" in found.output
    fixed = CliRunner().invoke(cli, ["verify", "--archive", str(archive), "--no-reparse", "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert "parsed: parsed" in fixed.output
    assert rows(archive, "SELECT status, error FROM copies") == [("parsed", None)]
    assert rows(archive, "SELECT count(*) FROM reports") == [(1,)]


def test_the_next_ingest_parses_it_first(stopped) -> None:
    archive, seeds = stopped
    result = CliRunner().invoke(nianbao_cli, ["ingest", str(seeds[1]), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert "parsed from before: 1" in result.output
    assert rows(archive, "SELECT status FROM copies ORDER BY first_seen") == [("parsed",), ("parsed",)]
    assert rows(archive, "SELECT count(*) FROM reports") == [(2,)]
