"""The report page cites each copy's WARC record (issue 9), on real components: the fixture
portal crawled by `nianbao crawl` (tests/test_warc.py's fixture), `nianbao serve` children
over that archive (one without a replay server, one with --replay-url), real HTTP, the
downloaded record read back with warcio."""
from __future__ import annotations

import hashlib
import html
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.db import Archive
from tests.test_warc import crawled  # noqa: F401  (the crawled fixture portal)
from tests.test_web import get, serving

REPLAY = "http://127.0.0.1:9/nianbao/"  # never contacted: only the links are checked
LINK = re.compile(r'href="/-/warc/([^/"]+)/(\d+)\?length=(\d+)"')


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "NIANBAO_REPLAY_URL"}


@pytest.fixture(scope="module")
def plain(crawled, tmp_path_factory) -> Iterator[tuple[str, Path]]:  # noqa: F811
    archive, _ = crawled
    log = tmp_path_factory.mktemp("warc-ui") / "serve.log"
    with serving(archive, log, env=_env()) as base:
        yield base, archive


@pytest.fixture(scope="module")
def replaying(crawled, tmp_path_factory) -> Iterator[str]:  # noqa: F811
    archive, _ = crawled
    log = tmp_path_factory.mktemp("warc-ui-replay") / "serve.log"
    with serving(archive, log, "--replay-url", REPLAY.rstrip("/"), env=_env()) as base:
        yield base


def sightings(archive: Path) -> dict[int, list[dict]]:
    """report id -> the sightings of its copies (with their WARC records)."""
    with Archive.open(archive) as arc:
        rows = list(arc.db.query(
            "SELECT c.report_id, s.sha256, s.url, s.first_seen, s.warc_file, s.warc_offset,"
            " s.warc_length FROM sightings s JOIN copies c ON c.sha256 = s.sha256"
            " WHERE c.report_id IS NOT NULL ORDER BY s.id"))
    out: dict[int, list[dict]] = {}
    for row in rows:
        out.setdefault(row.pop("report_id"), []).append(row)
    return out


def page(base: str, report_id: int) -> str:
    status, _, body = get(base, f"/-/report/{report_id}")
    assert status == 200, body[:300]
    return body.decode("utf-8")


def test_every_sighting_of_every_copy_shows_its_record(plain) -> None:
    base, archive = plain
    by_report = sightings(archive)
    assert by_report and any(len(s) > 1 for s in by_report.values())
    for rid, seen in by_report.items():
        text = page(base, rid)
        links = {(unquote(f), int(o), int(n)) for f, o, n in LINK.findall(text)}
        assert links == {(s["warc_file"], s["warc_offset"], s["warc_length"]) for s in seen}
        for s in seen:
            assert f"WARC 记录：<code>warcs/{s['warc_file']}</code> 偏移 {s['warc_offset']}" in text


def test_the_record_link_downloads_that_one_record(plain) -> None:
    base, archive = plain
    responses = 0
    for seen in sightings(archive).values():
        for s in seen:
            status, headers, body = get(base, f"/-/warc/{quote(s['warc_file'])}/{s['warc_offset']}",
                                        length=str(s["warc_length"]))
            assert status == 200, body[:300]
            headers = {k.lower(): v for k, v in headers.items()}
            assert headers["content-type"] == "application/warc"
            assert headers["content-disposition"].startswith("attachment; filename=")
            assert headers["x-content-type-options"] == "nosniff"
            assert len(body) == s["warc_length"]
            records = list(_records(body))
            assert len(records) == 1
            kind, uri, payload = records[0]
            assert uri == s["url"]
            if kind == "response":
                responses += 1
                assert hashlib.sha256(payload).hexdigest() == s["sha256"]
            else:
                assert kind == "revisit"
    assert responses >= 2


def _records(body: bytes) -> Iterator[tuple[str, str, bytes]]:
    for rec in ArchiveIterator(io.BytesIO(body)):
        yield (rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI"),
               rec.content_stream().read())


def test_no_file_outside_warcs_and_no_record_no_sighting_cites(plain) -> None:
    base, archive = plain
    s = next(iter(sightings(archive).values()))[0]
    name, offset, length = quote(s["warc_file"]), s["warc_offset"], s["warc_length"]
    for path in ("/-/warc/..%2Farchive.db/0", "/-/warc/..%2F..%2Fetc%2Fpasswd/0",
                 "/-/warc/archive.db/0", "/-/warc/%2E%2E/0", f"/-/warc/.{name}/{offset}"):
        status, _, body = get(base, path)
        assert status == 400, (path, body[:200])
    status, _, _ = get(base, f"/-/warc/{name}/{offset}", length="x")
    assert status == 400
    assert get(base, f"/-/warc/{name}/{offset + 1}")[0] == 404
    assert get(base, f"/-/warc/{name}/{offset}", length=str(length + 1))[0] == 404
    assert get(base, f"/-/warc/nianbao-999-0-0.warc.gz/{offset}")[0] == 404
    status, _, body = get(base, "/-/warc/../archive.db/0")  # not this route: Datasette's
    assert status >= 400 and b"SQLite format" not in body


def test_the_replay_link_appears_only_with_a_replay_url(plain, replaying) -> None:
    base, archive = plain
    for rid, seen in sightings(archive).items():
        assert 'class="warc-replay"' not in page(base, rid)
        text = html.unescape(page(replaying, rid))
        for s in seen:
            stamp = re.sub(r"\D", "", s["first_seen"])[:14]
            assert f'class="warc-replay" href="{REPLAY}{stamp}id_/{s["url"]}"' in text


def test_a_replay_url_that_is_not_http_is_one_line_error(crawled) -> None:  # noqa: F811
    archive, _ = crawled
    run = subprocess.run([sys.executable, "-m", "crawler.cli", "serve", "--archive",
                          str(archive), "--replay-url", "ftp://host/nianbao"],
                         capture_output=True, text=True, timeout=60, env=_env())
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "replay URL" in run.stderr
