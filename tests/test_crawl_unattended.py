"""Unattended crawls: the run lock (and a stale one), resuming after SIGTERM (Scrapy's
JOBDIR) and after SIGKILL (the crawl state's job), exit codes, the run record."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.db import Archive
from archive.pending import UNPARSED
from crawler.runner import RunLock, job_dir
from tests.crawl_support import crawl, nianbao, profile, sightings
from tests.portal_families import FamiliesPortal

SCOPE = "^/xxgk/zfxxgknb/"
HELD_AFTER = 3  # documents answered before the portal holds a stopped crawl's next requests


@pytest.fixture(scope="module")
def portal():
    with FamiliesPortal() as running:
        yield running


@pytest.fixture(scope="module")
def sources(portal, tmp_path_factory) -> Path:
    return profile(tmp_path_factory.mktemp("profile"), "summary", portal, ["/xxgk/zfxxgknb/index.html"],
                   follow_patterns=[SCOPE], column_patterns=[SCOPE])


def summary_documents(portal) -> set[str]:
    return {d for r in portal.manifest.reports for d in r.documents
            if d.split(":")[-1].startswith("/xxgk/zfxxgknb/")}


def copies(archive: Path) -> int:
    try:
        with sqlite3.connect(f"file:{archive / 'archive.db'}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM copies").fetchone()[0]
    except sqlite3.Error:
        return 0


def wait_until(ready, child: subprocess.Popen, what: str, bound: float = 300) -> None:
    """Poll `ready()` while the child runs; the bound only keeps a broken crawl from hanging
    the suite, it is no measure of speed."""
    deadline = time.monotonic() + bound
    while not ready() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready(), f"never {what} (crawl exit status {child.poll()})"


def start_and_stop(portal, archive: Path, sources: Path, sig: int) -> int:
    """Start a crawl; the portal answers until it sent HELD_AFTER report documents and holds
    every request after, so the crawl is mid-way by construction; once it archived a copy,
    stop it with `sig`, then let the portal answer again. The crawl's exit status.

    (Not a count of requests: which pages come first is the scheduler's, and the first ten
    requests can be robots.txt, list pages, a 429 and detail pages whose attachments are then
    held, so fewer copies than awaited came and the held requests timed out: CI, stop 16.)"""
    portal.hold_after_documents(HELD_AFTER)
    log = archive.parent / f"crawl-{sig}.log"  # a file, not a pipe nobody reads while waiting
    with log.open("w") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "crawl", "summary", "--archive", str(archive),
             "--fast", "--sources", str(sources)],
            stdout=out, stderr=out, text=True)
        try:
            wait_until(lambda: portal.waiting >= 1 and copies(archive) >= 1, child,
                       "held mid-way with a copy archived")
            child.send_signal(sig)
        finally:
            portal.release()
        child.wait(timeout=300)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    return child.returncode


def assert_complete_and_once(portal, archive: Path) -> None:
    seen = sightings(portal, archive)
    assert summary_documents(portal) <= set(seen)
    assert {ref: row["times_seen"] for ref, row in seen.items() if row["times_seen"] != 1} == {}


@pytest.fixture(scope="module")
def sigterm_then_resume(portal, sources, tmp_path_factory):
    """A crawl stopped by SIGTERM mid-way, then the same command again: (the stopped crawl's
    exit status, its job directories with whether each kept Scrapy's requests.seen, the
    resumed Crawl)."""
    archive = tmp_path_factory.mktemp("sigterm") / "arc"
    code = start_and_stop(portal, archive, sources, signal.SIGTERM)
    jobs = {job: (job / "requests.seen").exists() for job in (archive / "jobs").iterdir()}
    done = crawl(portal, archive, "summary", "--sources", str(sources))
    return code, jobs, done


def test_sigterm_stops_gracefully_and_the_same_command_resumes(sigterm_then_resume):
    code, jobs, done = sigterm_then_resume
    assert code == 2  # interrupted
    (job, kept_seen), = jobs.items()
    assert kept_seen
    assert done.code == 0, done.run.stderr[-2000:]
    assert not job.exists()  # removed after the clean finish
    with Archive.open(done.archive) as arc:
        runs = [r["status"] for r in arc.db.query("SELECT status FROM runs ORDER BY id")]
    assert runs == ["interrupted", "success"]


def test_sigterm_then_resume_loses_no_document(portal, sigterm_then_resume):
    """Documents still in the parse stage when SIGTERM lands are archived unparsed (their
    URLs are in the JOBDIR's requests.seen, so the resumed crawl does not fetch them) and
    the resumed crawl parses them first (tests/test_unparsed.py: the same, deterministic)."""
    _, _, done = sigterm_then_resume
    assert_complete_and_once(portal, done.archive)
    with Archive.open(done.archive) as arc:
        left = arc.db.execute("SELECT count(*) FROM copies WHERE error = ?", [UNPARSED]).fetchone()[0]
        unparsed_pdfs = arc.db.execute(
            "SELECT count(*) FROM copies WHERE status = 'failed' AND format = 'pdf'").fetchone()[0]
    assert (left, unparsed_pdfs) == (0, 0)


def test_sigkill_loses_nothing_and_archives_nothing_twice(portal, sources, tmp_path):
    archive = tmp_path / "arc"
    assert start_and_stop(portal, archive, sources, signal.SIGKILL) == -signal.SIGKILL
    archived_then = set(sightings(portal, archive))
    done = crawl(portal, archive, "summary", "--sources", str(sources))
    assert done.code == 0, done.run.stderr[-2000:]
    assert "killed" in done.run.stderr  # the JOBDIR it left is not trusted
    assert_complete_and_once(portal, archive)
    fetched_now = {h.path for h in done.hits if h.status == 200 and h.path.endswith(".pdf")}
    assert archived_then and not {ref for ref in archived_then if ref in fetched_now}
    with Archive.open(archive) as arc:
        runs = [r["status"] for r in arc.db.query("SELECT status FROM runs ORDER BY id")]
    assert runs == ["killed", "success"]


def test_another_running_crawl_holds_the_lock(portal, tmp_path):
    archive = tmp_path / "arc"
    with RunLock(archive, "someone else"):
        run = nianbao("crawl", portal.url, "--archive", str(archive), "--fast")
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: another crawl is running on this archive")
    assert f"pid {os.getpid()}" in lines[0] and "someone else" in lines[0]


def test_a_stale_lock_of_a_dead_process_is_taken_over(portal, sources, tmp_path):
    archive = tmp_path / "arc"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    archive.mkdir()
    (archive / "crawl.lock").write_text(json.dumps({"pid": int(dead), "target": "old"}))
    done = crawl(portal, archive, portal.url_of("/vsb/index.htm"))
    assert done.code == 0 and "stale run lock" in done.run.stderr
    assert (archive / "crawl.lock").read_text() == ""  # released


def test_run_record_keeps_the_outcome_and_the_stats(portal, tmp_path):
    archive = tmp_path / "arc"
    done = crawl(portal, archive, portal.url_of("/vsb/index.htm"))
    assert done.code == 0
    with Archive.open(archive) as arc:
        (run,) = list(arc.db.query("SELECT * FROM runs"))
    stats = json.loads(run["stats"])
    assert run["status"] == "success" and run["finished_at"]
    assert stats["finish_reason"] == "finished" and stats["downloader/request_count"] > 5
    assert stats["nianbao/documents"] == len([r for r in portal.manifest.reports if r.family == "vsb"]) + 2


def test_nothing_reachable_is_a_failure(tmp_path):
    run = nianbao("crawl", "http://127.0.0.1:9/", "--archive", str(tmp_path / "arc"), "--fast",
                  "-s", "RETRY_TIMES=0")
    assert run.returncode == 1 and "Traceback" not in run.stderr


def test_job_dir_is_under_the_archive_and_keyed_by_target(tmp_path):
    a, b = job_dir(tmp_path, "http://x.gov.cn/"), job_dir(tmp_path, "spt")
    assert a.parent == b.parent == tmp_path / "jobs" and a != b
    assert a == job_dir(tmp_path, "http://x.gov.cn/")
