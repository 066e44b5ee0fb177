"""`nianbao show` cites each sighting's WARC record: the fixture portal crawled over HTTP,
`nianbao show` run as a process, and every printed `warcs/<file> @ offset (length bytes)`
opened with warcio at that offset (the record of that URL, carrying that copy's bytes)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.fixture_portal import FixturePortal

CITE = re.compile(r"^      (warcs/\S+) @ (\d+) \((\d+) bytes\)$")
URL_LINE = re.compile(r"^    (\S+)  \(seen ")
REPLAY = "http://127.0.0.1:8080/nianbao"


def nianbao(*args: str, replay_env: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NIANBAO_REPLAY_URL"}
    if replay_env is not None:
        env["NIANBAO_REPLAY_URL"] = replay_env
    run = subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                         text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    archive = tmp_path_factory.mktemp("show-warc") / "arc"
    with FixturePortal() as portal:
        nianbao("crawl", portal.url, "--fast", "--archive", str(archive))
    reports = json.loads(nianbao("list", "--json", "--archive", str(archive)).stdout)
    assert reports
    return archive, reports


def cited(text: str) -> list[tuple[str, str, int, int]]:
    """(url, file, offset, length) of every citation line, with the URL line above it."""
    out, url = [], None
    for line in text.splitlines():
        if (m := URL_LINE.match(line)):
            url = m.group(1)
        elif (m := CITE.match(line)):
            assert url is not None, line
            out.append((url, m.group(1), int(m.group(2)), int(m.group(3))))
            url = None
    return out


def record_at(archive: Path, file: str, offset: int, length: int) -> tuple[dict, bytes]:
    """The record the citation names: from offset, exactly `length` bytes hold it."""
    with open(archive / file, "rb") as stream:
        stream.seek(offset)
        member = stream.read(length)
    found = []
    for rec in ArchiveIterator(io.BytesIO(member)):
        found.append((rec.rec_headers, rec.content_stream().read()))
    assert len(found) == 1, (file, offset, length)
    return found[0]


def responses(archive: Path) -> dict[str, bytes]:
    """Every response record's payload by its URI."""
    out = {}
    for path in (archive / "warcs").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            for rec in ArchiveIterator(stream):
                if rec.rec_type == "response":
                    out[rec.rec_headers.get_header("WARC-Target-URI")] = rec.content_stream().read()
    return out


def test_every_printed_citation_is_the_record_of_that_url_and_copy(crawled) -> None:
    archive, reports = crawled
    answers, checked, revisits = responses(archive), 0, 0
    for report in reports:
        text = nianbao("show", str(report["id"]), "--archive", str(archive)).stdout
        shas = {u["url"]: c["sha256"] for c in report["copies"] for u in c["urls"]}
        for url, file, offset, length in cited(text):
            headers, payload = record_at(archive, file, offset, length)
            assert headers.get_header("WARC-Target-URI") == url.split("#", 1)[0]
            if headers.get_header("WARC-Type") == "revisit":  # identical payload: the original's
                payload = answers[headers.get_header("WARC-Refers-To-Target-URI")]
                revisits += 1
            assert hashlib.sha256(payload).hexdigest() == shas[url]
            checked += 1
        assert "replay:" not in text
    assert checked >= sum(len(c["urls"]) for r in reports for c in r["copies"]) > 0
    assert revisits >= 1  # the portal's duplicate pair: the second URL cites a revisit


def test_json_carries_the_citation_and_the_replay_url_only_when_given(crawled) -> None:
    archive, reports = crawled
    rid = str(reports[0]["id"])
    plain = json.loads(nianbao("show", rid, "--json", "--archive", str(archive)).stdout)
    urls = [u for c in plain["copies"] for u in c["urls"]]
    assert urls and all(set(u["warc"]) == {"file", "offset", "length"} for u in urls)
    text = nianbao("show", rid, "--archive", str(archive)).stdout
    assert [(u["url"], u["warc"]["file"], u["warc"]["offset"], u["warc"]["length"])
            for u in urls] == cited(text)
    given = nianbao("show", rid, "--archive", str(archive), "--replay-url", REPLAY).stdout
    by_env = nianbao("show", rid, "--archive", str(archive), replay_env=REPLAY + "/").stdout
    assert given == by_env
    replays = re.findall(r"^      replay: (\S+)$", given, re.M)
    assert replays == [f"{REPLAY}/{re.sub(r'[^0-9]', '', u['first_seen'])[:14]}id_/{u['url']}"
                       for u in urls]
    cited_json = json.loads(nianbao("show", rid, "--json", "--archive", str(archive),
                                    "--replay-url", REPLAY).stdout)
    assert [u["warc"]["replay"] for c in cited_json["copies"] for u in c["urls"]] == replays
