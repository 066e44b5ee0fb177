"""The fleet on real components: a redis-server on a loopback port, `nianbao worker`
processes (Celery, prefork), `nianbao reparse --broker` as the one writer, and the
fixture portal crawled whole and in shards."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fleet_support import (build_archive, corpus_files, fleet_of, nianbao, parses,
                                 redis_server, stale_copy, table_counts, wait_for)

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/bin/redis-server"),
                                reason="redis-server missing: bash scripts/install.sh")


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The archive as ingested, and the same archive re-parsed in-process after an upgrade."""
    root = tmp_path_factory.mktemp("corpus")
    base = build_archive(root / "base", corpus_files())
    reference = stale_copy(base, root / "reference")
    run = nianbao("reparse", "--archive", str(reference))
    assert run.returncode == 0, run.stderr[-3000:]
    return {"base": base, "reference": reference}


def _flush(broker: str) -> None:
    import redis

    redis.Redis.from_url(broker).flushdb()


def _reparse(archive: Path, broker: str, timeout: float = 600) -> dict[str, int]:
    run = nianbao("reparse", "--archive", str(archive), "--broker", broker, "--json",
                  timeout=timeout)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


def test_fleet_reparse_equals_the_in_process_one_and_resumes(broker, corpus, tmp_path) -> None:
    _flush(broker)
    archive = stale_copy(corpus["base"], tmp_path / "arc")
    with fleet_of(broker, archive, tmp_path / "logs", 2):
        summary = _reparse(archive, broker)
        again = _reparse(archive, broker)
        status = nianbao("fleet", "status", "--broker", broker, "--json")
    copies = table_counts(corpus["base"])["copies"]
    assert summary["parsed"] + summary["not_report"] + summary["failed"] == copies
    assert parses(archive) == parses(corpus["reference"])
    assert table_counts(archive) == table_counts(corpus["reference"])
    assert again["parsed"] + again["not_report"] + again["failed"] == 0  # all current: resumed
    figures = json.loads(status.stdout)
    assert figures["done"] + figures["failed"] == copies and figures["queued"] == 0
    assert figures["workers"] == 2


def _reparse_in_background(archive: Path, broker: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", "reparse", "--archive",
                             str(archive), "--broker", broker, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finished(run: subprocess.Popen[str]) -> dict[str, int]:
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err[-3000:]
    return json.loads(out)


def test_a_worker_killed_mid_run_loses_nothing_and_duplicates_nothing(broker, corpus, tmp_path) -> None:
    from fleet.app import RUNNING, configure, redis_client

    _flush(broker)
    configure(broker)
    r = redis_client()
    archive = stale_copy(corpus["base"], tmp_path / "arc")
    with fleet_of(broker, archive, tmp_path / "logs", 1) as fleet:
        run = _reparse_in_background(archive, broker)
        wait_for("the worker to be parsing", lambda: r.hlen(RUNNING) > 0, every=0.01)
        fleet.workers[0].kill()
        assert r.hlen("unacked") >= 1  # it died holding tasks: the broker must give them back
        fleet.start()
        summary = _finished(run)
    copies = table_counts(corpus["base"])["copies"]
    assert summary["parsed"] + summary["not_report"] + summary["failed"] == copies  # once each
    assert parses(archive) == parses(corpus["reference"])
    assert table_counts(archive) == table_counts(corpus["reference"])


def _kill_whoever_parses(fleet: Any, key: str, run: subprocess.Popen[str]) -> int:
    """Play the OOM killer: SIGKILL the worker that starts parsing `key`, start another."""
    from fleet.app import RUNNING, redis_client

    r, seen = redis_client(), set[int]()
    wait_for("the reparse to end", lambda: _kill_step(fleet, r, RUNNING, key, seen) or
             run.poll() is not None, every=0.01)
    return len(seen)


def _kill_step(fleet: Any, r: Any, running: str, key: str, seen: set[int]) -> bool:
    entry = r.hget(running, key)
    pid = json.loads(entry)["pid"] if entry else None
    worker = next((w for w in fleet.workers if w.proc.pid == pid and w.proc.poll() is None), None)
    if worker is not None and pid not in seen:
        seen.add(pid)
        worker.kill()
        fleet.start()
    return False


def test_a_document_that_kills_its_worker_fails_with_a_reason_after_its_retries(
        broker, corpus, tmp_path) -> None:
    import sqlite3

    from fleet.app import configure

    _flush(broker)
    configure(broker)
    archive = stale_copy(corpus["base"], tmp_path / "arc")
    from pipelines.reports import PARSER_VERSION

    with sqlite3.connect(archive / "archive.db") as db:  # only the poison is left to parse
        poison = db.execute("SELECT sha256 FROM copies ORDER BY sha256 LIMIT 1").fetchone()[0]
        db.execute("UPDATE copies SET parser_version = ? WHERE sha256 != ?", [PARSER_VERSION, poison])

    with fleet_of(broker, archive, tmp_path / "logs", 1, "--max-deliveries", "2") as fleet:
        run = _reparse_in_background(archive, broker)
        kills = _kill_whoever_parses(fleet, f"{poison}:{PARSER_VERSION}", run)
        summary = _finished(run)
    assert kills == 2  # delivered twice, killed twice, then answered without parsing
    assert summary["failed"] == 1 and summary["parsed"] == 0
    verdict = parses(archive)[poison]
    assert verdict[0] == "failed" and "died 2 times" in verdict[1]
    assert verdict[7] == PARSER_VERSION  # archived as failed: a re-run does not retry it


def _two_sources(tmp: Path, url: str) -> Path:
    """The fixture portal as two sites: by its IP and by the name localhost."""
    port = url.rstrip("/").rsplit(":", 1)[1]
    lines = []
    for name, host in (("by_ip", "127.0.0.1"), ("by_name", "localhost")):
        lines += [f"[sources.{name}]", 'title = "中卫市沙坡头区"',
                  f'root_url = "http://{host}:{port}/"', f'allowed_domains = ["{host}"]',
                  f'start_urls = ["http://{host}:{port}/"]', ""]
    path = tmp / "sources.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _separating_count(sources_file: Path) -> int:
    from crawler.sources import load_sources, shard_of

    a, b = load_sources(sources_file).values()
    return next(n for n in range(2, 50) if shard_of(a, n) != shard_of(b, n))


def _content(root: Path) -> tuple[Any, ...]:
    import sqlite3

    with sqlite3.connect(root / "archive.db") as db:
        return tuple(sorted(db.execute(sql).fetchall()) for sql in (
            "SELECT sha256, status, parse, kind FROM copies",
            "SELECT sha256, url FROM sightings",
            "SELECT a.scope, a.name, a.region, r.year, r.title FROM reports r"
            " LEFT JOIN agencies a ON a.id = r.agency_id"))  # by identity, not by row id


def test_shards_merged_equal_one_whole_crawl(tmp_path) -> None:
    from crawler.fixture_portal import FixturePortal

    with FixturePortal() as portal:
        sources = _two_sources(tmp_path, portal.url)
        n = _separating_count(sources)
        whole = nianbao("crawl", "--sources", str(sources), "--shard", "1/1", "--fast",
                        "--archive", str(tmp_path / "whole"))
        shards = []
        for k in range(1, n + 1):
            listed = nianbao("crawl-shard", "--sources", str(sources), "--shard", f"{k}/{n}", "--list")
            if listed.stdout.strip():
                shards.append(tmp_path / f"shard{k}")
                run = nianbao("crawl", "--sources", str(sources), "--shard", f"{k}/{n}",
                              "--fast", "--archive", str(shards[-1]))
                assert run.returncode == 0, run.stderr[-3000:]
    assert whole.returncode == 0, whole.stderr[-3000:]
    assert len(shards) == 2  # each site in exactly one shard
    merged = nianbao("merge", *map(str, shards), "--archive", str(tmp_path / "merged"))
    assert merged.returncode == 0, merged.stderr[-3000:]
    assert _content(tmp_path / "merged") == _content(tmp_path / "whole")
    assert len(_content(tmp_path / "whole")[2]) == 5


def test_a_crawl_parsing_on_the_fleet_equals_the_in_process_crawl(broker, tmp_path) -> None:
    """`nianbao crawl --broker`: every new document is parsed by a `nianbao worker` (the
    fleet's counters say so), and the archive is the one an in-process crawl makes."""
    from crawler.fixture_portal import FixturePortal

    _flush(broker)
    fleet_archive = tmp_path / "fleet"
    (fleet_archive / "blobs").mkdir(parents=True)
    with FixturePortal() as portal:
        local = nianbao("crawl", portal.url, "--fast", "--archive", str(tmp_path / "local"))
        with fleet_of(broker, fleet_archive, tmp_path / "logs", 2):
            remote = nianbao("crawl", portal.url, "--fast", "--archive", str(fleet_archive),
                             "--broker", broker)
            status = json.loads(nianbao("fleet", "status", "--broker", broker, "--json").stdout)
    assert local.returncode == 0, local.stderr[-3000:]
    assert remote.returncode == 0, remote.stderr[-3000:]
    assert _content(fleet_archive) == _content(tmp_path / "local")
    copies = table_counts(fleet_archive)["copies"]
    assert copies and status["done"] + status["failed"] == copies and status["queued"] == 0
