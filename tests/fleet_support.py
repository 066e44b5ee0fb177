"""Real components for tests/test_fleet.py and benchmarks/fleet.py: a redis-server on a
loopback port, `nianbao worker` processes (each in its own process group, so a test can kill
one whole worker and always cleans up every process it started), an archive of real
documents (the seed texts, their gold rendered as HTML, generated reports as HTML)."""
from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parent.parent / "crawler" / "fixture_portal" / "seeds"
DEADLINE = 180.0  # seconds any wait may take before the test fails


def wait_for(what: str, check: Callable[[], Any], deadline: float = DEADLINE,
             every: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy; fail after `deadline` seconds."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting for {what} after {deadline:g} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(tmp: Path) -> Iterator[str]:
    """A throw-away redis-server on 127.0.0.1; its URL."""
    import redis

    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        wait_for("redis-server", lambda: _pings(client), 30)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _pings(client: Any) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL the whole worker: its Celery parent, prefork children, readers."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM) given 20 s, then whatever is left of the group killed."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + 20
            while self.proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
        _kill_group(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.wait(timeout=30)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return


@dataclass
class Fleet:
    broker: str
    blobs: Path
    logs: Path
    options: tuple[str, ...] = ()  # every worker's extra options
    workers: list[Worker] = field(default_factory=list)

    def start(self, concurrency: int = 1) -> Worker:
        log = self.logs / f"worker-{len(self.workers)}.log"
        args = [sys.executable, "-m", "crawler.cli", "worker", "--broker", self.broker,
                "--blobs", str(self.blobs), "--concurrency", str(concurrency), "--timeout", "60",
                "--visibility-timeout", "15", "--loglevel", "INFO", *self.options]
        with open(log, "wb") as out:
            proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        worker = Worker(proc, log)
        self.workers.append(worker)
        return worker

    def wait_ready(self, count: int) -> None:
        """Until `count` workers answer a ping."""
        from fleet.app import app, configure

        configure(self.broker)
        wait_for(f"{count} workers", lambda: len(app.control.ping(timeout=0.5)) >= count)

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()


@contextmanager
def fleet_of(broker: str, archive: Path, logs: Path, count: int, *extra: str) -> Iterator[Fleet]:
    logs.mkdir(parents=True, exist_ok=True)
    fleet = Fleet(broker, archive / "blobs", logs, extra)
    try:
        for _ in range(count):
            fleet.start()
        fleet.wait_ready(count)
        yield fleet
    finally:
        fleet.stop()


def nianbao(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, timeout=timeout)


def corpus_files(generated: int = 4) -> list[Path]:
    """The seed texts, their gold rendered as HTML, `generated` generated reports as HTML."""
    from tests.render import generate_report, gold_reports, render, report_from_gold

    files = sorted(SEEDS.glob("*.txt"))
    files += [render(report_from_gold(gold), "html") for gold, _ in gold_reports().values()]
    files += [render(generate_report(random.Random(n), ("2019", "2021")[n % 2]), "html")
              for n in range(generated)]
    return files


def build_archive(root: Path, files: list[Path]) -> Path:
    run = nianbao("ingest", *map(str, files), "--archive", str(root), "--region", "中卫市沙坡头区")
    assert run.returncode == 0, run.stderr[-3000:]
    return root


def stale_copy(base: Path, target: Path) -> Path:
    """A copy of the archive as a parser upgrade leaves it: every parse of an older version."""
    shutil.copytree(base, target)
    with sqlite3.connect(target / "archive.db") as db:
        db.execute("UPDATE copies SET parser_version = 'old'")
    return target


def parses(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every copy's verdict and report as stored, by sha256 (what must not differ)."""
    with sqlite3.connect(root / "archive.db") as db:
        rows = db.execute(
            "SELECT c.sha256, c.status, c.error, c.parse, c.flags, c.provenance, c.kind,"
            " c.cell_flags, c.parser_version, c.region, r.agency_key, r.year"
            " FROM copies c LEFT JOIN reports r ON r.id = c.report_id").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def table_counts(root: Path) -> dict[str, int]:
    with sqlite3.connect(root / "archive.db") as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("copies", "sightings", "reports", "cells")}
