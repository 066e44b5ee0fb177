"""WARC capture, WACZ export and WARC ingest on real components: the fixture portal (v1)
over HTTP, `nianbao crawl`, the WARCs read back with warcio, `wacz validate`, Debian's
wget as the other crawler, a crawl killed with SIGKILL and resumed."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.db import Archive
from crawler.fixture_portal import FixturePortal


def nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, timeout=300)


def records(archive: Path) -> list[dict]:
    out = []
    for path in sorted((archive / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for rec in ArchiveIterator(stream, check_digests=True):
                payload = rec.content_stream().read()
                checker = rec.digest_checker
                out.append({"type": rec.rec_type, "url": rec.rec_headers.get_header("WARC-Target-URI"),
                            "headers": rec.rec_headers, "payload": payload, "file": path.name,
                            "digests_ok": checker.passed is not False, "http": rec.http_headers})
    return out


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    archive = tmp_path_factory.mktemp("warc") / "arc"
    with FixturePortal() as portal:
        run = nianbao("crawl", portal.url, "--fast", "--archive", str(archive))
        assert run.returncode == 0, run.stderr[-3000:]
        yield archive, portal


def test_every_exchange_is_a_response_and_a_request_with_valid_digests(crawled):
    archive, _ = crawled
    recs = records(archive)
    assert all(r["digests_ok"] for r in recs)
    info = [r for r in recs if r["type"] == "warcinfo"]
    assert len(info) == 1 and b"nianbao-run-id: 1" in info[0]["payload"] and b"robots: obey" in info[0]["payload"]
    answers = [r for r in recs if r["type"] in ("response", "revisit")]
    requests = [r for r in recs if r["type"] == "request"]
    ids = {r["headers"].get_header("WARC-Record-ID") for r in answers}
    assert {r["headers"].get_header("WARC-Concurrent-To") for r in requests} == ids
    assert max(Counter(r["url"] for r in answers).values()) == 1  # one answer per fetched URL
    with Archive.open(archive) as arc:
        stats = next(arc.db.query("SELECT stats FROM runs"))["stats"]
    assert f'"downloader/response_count": {len(answers)}' in stats
    assert any(urlsplit(r["url"]).path == "/robots.txt" for r in answers)


def test_the_duplicate_is_a_revisit_of_the_first_copy(crawled):
    archive, portal = crawled
    pair = {portal.url_for(p) for p in portal.manifest.duplicate_pair}
    recs = [r for r in records(archive) if r["url"] in pair and r["type"] in ("response", "revisit")]
    assert sorted(r["type"] for r in recs) == ["response", "revisit"]
    original = next(r for r in recs if r["type"] == "response")
    revisit = next(r for r in recs if r["type"] == "revisit")
    assert revisit["headers"].get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert revisit["headers"].get_header("WARC-Refers-To-Target-URI") == original["url"]
    assert revisit["headers"].get_header("WARC-Refers-To-Date") == original["headers"].get_header("WARC-Date")
    assert revisit["headers"].get_header("WARC-Payload-Digest") == original["headers"].get_header("WARC-Payload-Digest")


def test_every_archived_copy_is_the_payload_of_the_record_its_sighting_cites(crawled):
    archive, _ = crawled
    with Archive.open(archive) as arc:
        rows = list(arc.db.query("SELECT sha256, url, warc_file, warc_offset, warc_length FROM sightings"))
        by_uri = {r["url"]: r for r in records(archive) if r["type"] == "response"}
        assert rows and all(r["warc_file"] for r in rows)
        for row in rows:
            with open(archive / "warcs" / row["warc_file"], "rb") as stream:
                stream.seek(row["warc_offset"])
                rec = next(iter(ArchiveIterator(stream)))
                payload = rec.content_stream().read()
                if rec.rec_type == "revisit":
                    payload = by_uri[rec.rec_headers.get_header("WARC-Refers-To-Target-URI")]["payload"]
            assert rec.rec_headers.get_header("WARC-Target-URI") == row["url"]
            assert payload == arc.blobs.read(row["sha256"])


def test_wacz_export_is_valid_and_lists_the_reports(crawled, tmp_path):
    archive, _ = crawled
    out = tmp_path / "crawl.wacz"
    run = nianbao("export", "--format", "wacz", "--run", "1", "--out", str(out), "--archive", str(archive))
    assert run.returncode == 0, run.stderr
    check = subprocess.run([shutil.which("wacz") or "wacz", "validate", "-f", str(out)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "valid" in check.stdout, check.stdout + check.stderr
    import zipfile

    with zipfile.ZipFile(out) as wacz:
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        assert {"indexes/index.cdx.gz", "datapackage.json", "datapackage-digest.json"} <= set(wacz.namelist())
    with Archive.open(archive) as arc:
        titles = {r["title"] for r in arc.list_reports()}
    assert titles and titles <= {p.get("title") for p in pages}


def test_a_warc_made_by_wget_ingests_as_the_same_reports(crawled, tmp_path):
    archive, portal = crawled
    if shutil.which("wget") is None:
        pytest.skip("Debian's wget is not installed (scripts/install.sh installs it)")
    warc = tmp_path / "wget"
    run = subprocess.run(["wget", "-q", "-r", "-l", "10", "-np", "-e", "robots=off", "--delete-after",
                          "--no-directories", "-P", str(tmp_path), f"--warc-file={warc}", portal.url],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 8), run.stderr  # 8: some URL answered an error
    ingest = nianbao("ingest", f"{warc}.warc.gz", "--archive", str(tmp_path / "ingested"))
    assert ingest.returncode == 0, ingest.stderr[-3000:]
    with Archive.open(archive) as crawled_arc, Archive.open(tmp_path / "ingested") as ingested:
        want = {(r["agency"], r["year"]) for r in crawled_arc.list_reports()}
        got = {(r["agency"], r["year"]) for r in ingested.list_reports()}
        seen = {r["url"] for r in ingested.db.query("SELECT url FROM sightings")}
    assert got == want and len(want) == 5
    assert all(u.startswith(portal.url) for u in seen)  # the original URLs, not files


def test_a_crawl_killed_mid_write_leaves_a_readable_warc_after_resume(tmp_path):
    archive = tmp_path / "arc"
    with FixturePortal() as portal:
        child = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", portal.url, "--archive",
                                  str(archive), "-s", "DOWNLOAD_DELAY=0.3"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        open_file = _wait_for_open_warc(archive, child)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        whole = open_file.read_bytes()
        with open(open_file, "ab") as handle:  # the kill landed inside a record's write
            handle.write(whole[len(whole) // 2:len(whole) // 2 + 700])
        killed = nianbao("verify", "--no-reparse", "--archive", str(archive))
        assert killed.returncode != 0 and "left open" in killed.stdout + killed.stderr
        resumed = nianbao("crawl", portal.url, "--fast", "--archive", str(archive))
        assert resumed.returncode in (0, 2), resumed.stderr[-3000:]
    assert not list((archive / "warcs").glob("*.open"))
    verify = nianbao("verify", "--no-reparse", "--archive", str(archive))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert all(r["digests_ok"] for r in records(archive))


def _wait_for_open_warc(archive: Path, child: subprocess.Popen) -> Path:
    """The killed crawl's open WARC file, once it holds a few records (no timing asserted:
    the loop ends when the file is there, or fails if the crawl ended first)."""
    while child.poll() is None:
        files = list((archive / "warcs").glob("*.warc.gz.open")) if (archive / "warcs").is_dir() else []
        if files and files[0].stat().st_size > 4000:
            return files[0]
        time.sleep(0.05)
    pytest.fail("the crawl ended before it could be killed mid-write")
