"""The one real-browser test: a host behind a 412 JavaScript challenge (plain HTTP never
passes) is switched to Chromium for its pages, remembered for the run, and its attachments
come over plain HTTP with the browser's cookies."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from crawler.settings import PLAYWRIGHT_LAUNCH_OPTIONS
from tests.crawl_support import crawl, reports, sightings
from tests.portal_families import FamiliesPortal

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is needed")
# Chromium on a loaded machine: starting it took 8 s at load 10 on two cores, against
# Playwright's 30 s launch and navigation timeouts (and the 30 s the gate waits for the
# challenge's reload, which follows the navigation timeout). Bounds far above any machine's
# slowness, so that only a browser that never gets through fails the test.
PATIENT_BROWSER = ["-s", "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT=240000",
                   "-s", "PLAYWRIGHT_LAUNCH_OPTIONS=" + json.dumps({**PLAYWRIGHT_LAUNCH_OPTIONS,
                                                                    "timeout": 240_000})]


@pytest.fixture(scope="module")
def portal():
    with FamiliesPortal(gate=True) as running:
        yield running


def status_of(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


def test_plain_http_never_passes_the_gate(portal):
    root = portal.origin("gate") + "/"
    assert [status_of(root) for _ in range(3)] == [412, 412, 412]
    assert status_of(root, "nbgate=guessed") == 412


def test_gated_host_goes_to_the_browser_and_its_pdf_stays_plain(portal, tmp_path):
    done = crawl(portal, tmp_path / "arc", portal.origin("gate") + "/", *PATIENT_BROWSER, timeout=900)
    assert done.code == 0, done.run.stderr[-3000:]
    (expected,) = portal.manifest.gate_reports
    assert reports(tmp_path / "arc") == {(expected.agency, expected.year)}
    assert set(expected.documents) <= set(sightings(portal, tmp_path / "arc"))
    gate = [h for h in done.hits if h.role == "gate" and h.path != "/robots.txt"]
    assert gate[0].status == 412 and not gate[0].browser  # plain HTTP first, refused
    pages = [h for h in gate[1:] if not h.path.endswith((".pdf", ".css"))]
    assert pages and all(h.browser for h in pages)  # then the browser, for the run
    assert [h.status for h in pages].count(412) == 1  # the challenge, passed once
    (pdf,) = [h for h in gate if h.path.endswith(".pdf")]
    assert pdf.status == 200 and not pdf.browser  # plain HTTP, through with the cookie
    # the WARC has the browser's pages too (their rendered HTML), and the PDF's exact bytes
    captured = warc_responses(tmp_path / "arc")
    by_browser = {urlsplit(url).path for url, (how, _) in captured.items() if how == "browser"}
    assert {h.path for h in pages if h.status == 200} <= by_browser
    pdf_url = next(url for url in captured if urlsplit(url).path == pdf.path)
    how, payload = captured[pdf_url]
    with sqlite3.connect(tmp_path / "arc" / "archive.db") as db:
        shas = {row[0] for row in db.execute("SELECT sha256 FROM sightings WHERE url = ?", [pdf_url])}
    assert how == "http" and shas == {hashlib.sha256(payload).hexdigest()}


def warc_responses(archive) -> dict[str, tuple[str, bytes]]:
    """Every response record of the archive's WARCs: URL -> (fetched by, payload), read with
    warcio (the last one of a URL wins)."""
    from warcio.archiveiterator import ArchiveIterator

    found: dict[str, tuple[str, bytes]] = {}
    for path in sorted((archive / "warcs").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    how = record.rec_headers.get_header("WARC-Nianbao-Fetched-By") or "http"
                    found[record.rec_headers.get_header("WARC-Target-URI")] = (
                        how, record.content_stream().read())
    return found
