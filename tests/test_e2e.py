"""The whole path on real components: fixture portal over HTTP -> Scrapy crawl -> blobs ->
dedup -> parse -> SQLite archive -> search, driven through the `nianbao` command."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.db import Archive
from crawler.fixture_portal import FixturePortal
from tests.scoring import problems

GOLD_DIR = Path(__file__).parent / "data" / "gold"


def _nianbao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FixturePortal, subprocess.CompletedProcess[str]]:
    archive = tmp_path_factory.mktemp("e2e") / "arc"
    with FixturePortal() as portal:
        run = _nianbao("crawl", portal.url, "--fast", "--archive", str(archive))
        yield archive, portal, run


def test_crawl_archives_five_reports_with_the_duplicate_collapsed(crawled) -> None:
    archive, portal, run = crawled
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    with Archive.open(archive) as arc:
        reports = arc.list_reports()
        counts = arc.counts()
    assert len(reports) == len(portal.manifest.seeds) == 5
    pair = {urlsplit(u).path for u in (portal.url_for(p) for p in portal.manifest.duplicate_pair)}
    for report in reports:
        for copy in report["copies"]:
            paths = {urlsplit(u["url"]).path for u in copy["urls"]}
            if paths & pair:
                assert paths == pair  # one copy, seen at both URLs
    assert counts["sightings"] == counts["copies"] + 1
    assert "duplicate copies:   1" in run.stdout


def test_pdf_attachment_is_a_second_copy_of_its_report(crawled) -> None:
    archive, portal, _ = crawled
    seed = next(s for s in portal.manifest.seeds if s.attachments)
    with Archive.open(archive) as arc:
        report = next(r for r in arc.list_reports() if r["year"] == seed.year and seed.body in r["agency"])
    formats = sorted(c["format"] for c in report["copies"])
    assert formats == ["html", "pdf"]


def test_every_archived_report_matches_its_gold(crawled) -> None:
    archive, portal, _ = crawled
    with Archive.open(archive) as arc:
        by_title = {r["title"]: arc.get_report(r["id"]) for r in arc.list_reports()}
    for entry in portal.manifest.seeds:
        gold = json.loads((GOLD_DIR / f"{entry.seed}.json").read_text(encoding="utf-8"))
        assert problems(gold, by_title[gold["title"]]) == []


def test_distractor_is_kept_but_is_no_report(crawled) -> None:
    archive, portal, _ = crawled
    with Archive.open(archive) as arc:
        rows = list(arc.db.query("select status, count(*) n from copies group by status"))
    assert {r["status"]: r["n"] for r in rows} == {"parsed": 6, "not_report": 1}


def test_search_finds_a_seed_phrase_with_a_snippet(crawled) -> None:
    archive, _, _ = crawled
    run = _nianbao("search", "推进政务公开提信心", "--json", "--archive", str(archive))
    assert run.returncode == 0, run.stderr
    hits = json.loads(run.stdout)
    assert [h["agency"] for h in hits] == ["沙坡头区东园镇人民政府"]
    assert "【推进政务公开提信心】" in hits[0]["snippet"]
    every = json.loads(_nianbao("search", "信息公开", "--json", "--limit", "0", "--archive", str(archive)).stdout)
    assert len(every) == 5


def test_recrawl_adds_sightings_not_copies(crawled) -> None:
    archive, portal, _ = crawled
    with Archive.open(archive) as arc:
        before = arc.counts()
    run = _nianbao("crawl", portal.url, "--fast", "--archive", str(archive))
    assert run.returncode == 0, run.stderr
    with Archive.open(archive) as arc:
        after = arc.counts()
    assert (after["copies"], after["reports"], after["sightings"]) == (
        before["copies"], before["reports"], before["sightings"])
    assert "new copies:         0" in run.stdout
