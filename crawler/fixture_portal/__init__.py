"""The fixture portal: a small TRS-style district site built from the seed reports.

    from crawler.fixture_portal import FixturePortal
    with FixturePortal() as portal:
        portal.url        # "http://127.0.0.1:PORT/"
        portal.manifest   # Manifest: what the site contains

    with FixturePortal(profile="v2", gate=True) as portal:   # v2: CMS families and traps
        portal.manifest   # V2Manifest: what must, may and must never be archived or fetched
        portal.url_of("tls:/…"), portal.override(path, body, status), portal.hits

Tests and `nianbao demo` share it. The site is built once per seed/builder hash into
`$NIANBAO_FIXTURE_CACHE` (default `~/.cache/nianbao`) and reused.
"""
from __future__ import annotations

from .build import BUILDER_VERSION, build_site, cache_root, ensure_site, site_key
from .manifest import ExpectedReport, Manifest, SeedEntry, V2Manifest
from .pdf import FixtureBuildError
from .server import FixturePortal, Hit

__all__ = [
    "BUILDER_VERSION", "ExpectedReport", "FixtureBuildError", "FixturePortal", "Hit", "Manifest",
    "SeedEntry", "V2Manifest",
    "build_site", "cache_root", "ensure_site", "site_key",
]
