"""crawlstate/ on its own: its migration set, validators, page bodies, versions, removals
(never deletions), the unlisted sweep, crawl jobs, failed URLs, the one writer of runs and
the handle's life (job, run, close); the archive reads versions without importing it."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from crawlstate.handle import CrawlStateHandle, Options
from crawlstate.runs import Run
from crawlstate.tables import MIGRATION_SET, CrawlState, Failure, Fetch
from archive.db import Archive

A, B = "a" * 64, "b" * 64
T0, T1, T2 = "2024-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00"


@pytest.fixture
def crawl_state(tmp_path: Path) -> CrawlState:
    return CrawlState(Database(tmp_path / "archive.db"))


def test_own_migration_set_beside_the_archive(tmp_path: Path):
    with Archive.open(tmp_path) as archive:
        CrawlState(archive.db)
        sets = {r["migration_set"] for r in archive.db.query("SELECT migration_set FROM _sqlite_migrations")}
    assert MIGRATION_SET == "nianbao.crawl" and MIGRATION_SET in sets and len(sets) == 2
    with Archive.open(tmp_path) as archive:  # reopening applies nothing twice
        CrawlState(archive.db)
        assert {"crawl_urls", "crawl_versions", "crawl_bodies", "crawl_jobs", "crawl_failures",
                "crawl_warc_records"} <= set(archive.db.table_names())


def test_a_new_sha_at_a_known_url_is_a_new_version(crawl_state):
    url = "http://x/a.pdf"
    assert crawl_state.record_document(Fetch(url, T0, A, etag='"1"')) == 1
    assert crawl_state.record_document(Fetch(url, T1, A), fetched=False) == 1  # a 304
    assert crawl_state.get(url).etag == '"1"' and crawl_state.get(url).last_seen == T1
    assert crawl_state.record_document(Fetch(url, T2, B, etag='"2"')) == 2
    assert [(v["version"], v["sha256"]) for v in crawl_state.versions(url)] == [(1, A), (2, B)]
    assert crawl_state.get(url).etag == '"2"'


def test_page_bodies_are_kept_for_304_answers(crawl_state):
    crawl_state.record_page(Fetch("http://x/", T0, A, etag='"p"', content_type="text/html"), b"<html>hi</html>")
    assert crawl_state.body(A) == b"<html>hi</html>" and crawl_state.get("http://x/").kind == "page"


def test_only_documents_are_marked_removed_and_a_sighting_clears_it(crawl_state):
    crawl_state.record_page(Fetch("http://x/list", T0, A), None)
    crawl_state.record_document(Fetch("http://x/a.pdf", T0, B))
    assert not crawl_state.mark_removed("http://x/list", T1, "HTTP 404")
    assert crawl_state.mark_removed("http://x/a.pdf", T1, "HTTP 404")
    assert not crawl_state.mark_removed("http://x/a.pdf", T2, "HTTP 410")  # once
    assert [s.url for s in crawl_state.removed()] == ["http://x/a.pdf"]
    crawl_state.record_document(Fetch("http://x/a.pdf", T2, B))
    assert crawl_state.removed() == []


def test_unlisted_sweep_marks_documents_of_refetched_pages_and_their_attachments(crawl_state):
    crawl_state.record_page(Fetch("http://x/list", T0, A, source="s"), None)
    crawl_state.record_document(Fetch("http://x/d.html", T0, A, parent_url="http://x/list", source="s"))
    crawl_state.record_document(Fetch("http://x/d.pdf", T0, B, parent_url="http://x/d.html", source="s"))
    crawl_state.record_document(Fetch("http://x/other.pdf", T0, B, parent_url="http://x/elsewhere", source="s"))
    job = crawl_state.begin_job("s", T1)
    crawl_state.record_page(Fetch("http://x/list", T1, B), None)  # refetched: no longer lists d.html
    assert sorted(crawl_state.sweep_unlisted(job, T2)) == ["http://x/d.html", "http://x/d.pdf"]
    assert crawl_state.get("http://x/other.pdf").removed_at is None  # its page was not fetched


def test_an_unfinished_job_resumes(crawl_state):
    job = crawl_state.begin_job("s", T0)
    assert not job.resumed
    again = crawl_state.begin_job("s", T1)
    assert again.resumed and again.started_at == T0
    crawl_state.record_document(Fetch("http://x/a.pdf", T1, A))
    assert crawl_state.done_in_job(crawl_state.get("http://x/a.pdf"), again)
    crawl_state.finish_job("s", T2)
    fresh = crawl_state.begin_job("s", T2)
    assert not fresh.resumed and not crawl_state.done_in_job(crawl_state.get("http://x/a.pdf"), fresh)


def test_superseded_copies_are_those_no_url_serves_any_more(tmp_path: Path):
    with Archive.open(tmp_path) as archive:
        state = CrawlState(archive.db)
        state.record_document(Fetch("http://x/a.pdf", T0, A))
        state.record_document(Fetch("http://x/a.pdf", T1, B))  # a.pdf changed: A superseded
        assert archive._superseded([A, B]) == {A}
        state.record_document(Fetch("http://x/copy.pdf", T1, A))  # A still served elsewhere
        assert archive._superseded([A, B]) == set()


def test_a_failed_url_is_one_row_with_its_tries_and_a_later_success_resolves_it(crawl_state):
    crawl_state.record_failure(Failure("http://x/a.pdf", T0, "HTTP 503", 503, 3, run_id=1))
    crawl_state.record_failure(Failure("http://x/a.pdf", T1, "TimeoutError: took too long", None, 2, run_id=2))
    [row] = crawl_state.failures()
    assert (row["status"], row["reason"], row["tries"], row["first_failed"], row["last_try"], row["run_id"]) == (
        None, "TimeoutError: took too long", 2, T0, T1, 2)
    crawl_state.resolve_failure("http://x/a.pdf", T2)
    assert crawl_state.failures(run_id=2)[0]["resolved_at"] == T2


def test_the_handle_writes_the_run_once_and_marks_a_run_that_never_ended_killed(tmp_path: Path):
    with Archive.open(tmp_path) as archive:
        stale = Run.begin(archive, "http://x/", locked=True)  # a crawl killed before its end
    handle = CrawlStateHandle(Options(tmp_path, warc=False))
    handle.open("http://x/", "x")
    handle.record_failure("http://x/gone.pdf", "HTTP 404", 404, 1)
    handle.close("finished", "partial", {"item_scraped_count": 2})
    with Archive.open(tmp_path) as archive:
        runs = {r["id"]: r for r in archive.db.query("SELECT * FROM runs")}
        failures = CrawlState(archive.db).failures()
    assert runs[stale.run_id]["status"] == "killed"
    assert runs[handle.run_id]["status"] == "partial" and '"item_scraped_count": 2' in runs[handle.run_id]["stats"]
    assert [(f["url"], f["status"], f["run_id"]) for f in failures] == [("http://x/gone.pdf", 404, handle.run_id)]


def test_what_the_handle_committed_survives_a_process_killed_without_closing(tmp_path: Path):
    """The crawl's connection commits without fsync (WAL, synchronous NORMAL): a kill of the
    crawl process (not a power cut) loses no commit, half-written WARC files aside."""
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "from crawlstate.handle import CrawlStateHandle, Options\n"
        "from crawlstate.tables import Fetch\n"
        "handle = CrawlStateHandle(Options(__import__('pathlib').Path(sys.argv[1]), warc=False))\n"
        "handle.open('http://x/', 'x')\n"
        "handle.record_document(Fetch('http://x/a.pdf', '2024-01-01T00:00:00+00:00', 'ab' * 32), True)\n"
        "os.kill(os.getpid(), 9)\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=Path(__file__).parent.parent)
    assert done.returncode == -9
    state = CrawlState.open(tmp_path)
    assert state.get("http://x/a.pdf").sha256 == "ab" * 32
    assert state.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
