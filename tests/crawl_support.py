"""Helpers of the tests/test_crawl_*.py files: `nianbao crawl` in a child process against
the CMS-families portal (tests/portal_families/), and views of what the archive, its crawl state and the portal saw."""
from __future__ import annotations

import atexit
import gc
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crawlstate.tables import CrawlState
from archive.db import Archive
from crawler.fixture_portal import Hit
from tests.portal_families import FamiliesPortal


def nianbao(*args: str, timeout: float = 300, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=env)


@dataclass
class Crawl:
    run: subprocess.CompletedProcess[str]
    hits: list[Hit]  # what the portal answered during this crawl
    archive: Path
    watched: Path | None = None  # a tree holding the crawl's working and temporary directories

    @property
    def code(self) -> int:
        return self.run.returncode


def crawl(portal: FamiliesPortal, archive: Path, target: str | None = None, *args: str,
          fast: bool = True, timeout: float = 300, watched: Path | None = None) -> Crawl:
    """`nianbao crawl`; with `watched`, run in watched/cwd/a/b/c with TMPDIR watched/tmp, so
    that a file written by a relative path ("../../../tmp/x") lands in a tree a test can see."""
    before = len(portal.hits)
    flags = ["--fast"] if fast else []
    cwd, env = None, None
    if watched is not None:
        cwd = watched / "cwd" / "a" / "b" / "c"
        cwd.mkdir(parents=True)
        (watched / "tmp").mkdir()
        env = {**os.environ, "TMPDIR": str(watched / "tmp")}
    run = nianbao("crawl", target or portal.url, "--archive", str(archive), *flags, *args,
                  timeout=timeout, cwd=cwd, env=env)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    return Crawl(run, portal.hits[before:], archive, watched)


def profile(tmp: Path, name: str, portal: FamiliesPortal, start: list[str], **rules: list[str]) -> Path:
    """A sources TOML with one profile for the portal (start paths, URL-path regexes)."""
    lines = [f"[sources.{name}]", f'title = "{name}"', f'root_url = "{portal.url}"',
             'allowed_domains = ["127.0.0.1"]',
             "start_urls = [" + ", ".join(f'"{portal.url_of(p)}"' for p in start) + "]"]
    lines += [f"{key} = [" + ", ".join(f"'{v}'" for v in values) + "]" for key, values in rules.items()]
    path = tmp / "sources.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ref_of(portal: FamiliesPortal, url: str) -> str:
    """A URL as a manifest reference: "/p?q#m", "tls:/p", "gate:/p"."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    role = next((r for r in ("tls", "gate") if portal.origins.get(r) == origin), "")
    tail = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return f"{role}:{tail}" if role else tail


def sightings(portal: FamiliesPortal, archive: Path) -> dict[str, dict[str, Any]]:
    """Every archived URL (as a manifest reference) with its copy's status and report."""
    with Archive.open(archive) as arc:
        rows = list(arc.db.query(
            "SELECT s.url, s.times_seen, s.http_status, c.sha256, c.status, c.format, c.filename,"
            " r.agency, r.year, r.title FROM sightings s JOIN copies c ON c.sha256 = s.sha256"
            " LEFT JOIN reports r ON r.id = c.report_id"))
    return {ref_of(portal, row["url"]): row for row in rows}


def reports(archive: Path) -> set[tuple[str | None, int]]:
    with Archive.open(archive) as arc:
        return {(r["agency"], r["year"]) for r in arc.list_reports()}


def state(archive: Path) -> CrawlState:
    return CrawlState.open(archive)


def copy_archive(source: Path, target: Path) -> Path:
    """A copy of a crawled archive. A connection that a test dropped (`state(...)`) may
    still be open in a reference cycle: collected in the middle of the copy, the last one
    to close checkpoints the WAL and deletes it and the -shm file under copytree's feet."""
    gc.collect()
    return Path(shutil.copytree(source, target))


def paths(hits: list[Hit], role: str = "main", status: int | None = None) -> list[str]:
    return [h.path for h in hits if h.role == role and (status is None or h.status == status)]


# One portal and one root crawl of it for the whole test run, shared by the modules that
# import these fixtures (a fixture imported into several modules would be set up in each).
_SHARED: dict[str, Any] = {}


@pytest.fixture
def families_portal() -> FamiliesPortal:
    if "portal" not in _SHARED:
        _SHARED["portal"] = FamiliesPortal().start()
        atexit.register(_SHARED["portal"].stop)
    return _SHARED["portal"]


@pytest.fixture
def families_crawl(families_portal, tmp_path_factory) -> Crawl:
    """`nianbao crawl ROOT` of the portal, no profile, into a fresh archive."""
    if "root_crawl" not in _SHARED:
        watched = tmp_path_factory.mktemp("root")
        _SHARED["root_crawl"] = crawl(families_portal, watched / "arc", watched=watched)
    return _SHARED["root_crawl"]


@pytest.fixture
def county_crawl(families_portal, tmp_path_factory) -> Crawl:
    """`nianbao crawl <origin>/hy/index.html` (the county site alone) into a fresh archive."""
    if "county_crawl" not in _SHARED:
        root = families_portal.url_of(families_portal.manifest.county.root)
        _SHARED["county_crawl"] = crawl(families_portal, tmp_path_factory.mktemp("county") / "arc", root)
    return _SHARED["county_crawl"]
