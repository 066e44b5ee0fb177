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
