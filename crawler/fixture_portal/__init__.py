"""The fixture portal: a small TRS-style district site built from the seed reports.

    from crawler.fixture_portal import FixturePortal
    with FixturePortal() as portal:
        portal.url        # "http://127.0.0.1:PORT/"
        portal.manifest   # Manifest: what the site contains
        portal.hits       # the requests it answered

Tests and `nianbao demo` share it. The site is built once per seed/builder hash into
`$NIANBAO_FIXTURE_CACHE` (default `~/.cache/nianbao`) and reused. The tests' larger portal
of CMS families and traps (tests/portal_families/) is built from this package's parts.
"""
from __future__ import annotations

from .build import BUILDER_VERSION, build_into, build_site, cache_root, ensure_site, site_key
from .manifest import Manifest, SeedEntry
from .pdf import FixtureBuildError
from .server import FixturePortal, Hit

__all__ = [
    "BUILDER_VERSION", "FixtureBuildError", "FixturePortal", "Hit", "Manifest", "SeedEntry",
    "build_into", "build_site", "cache_root", "ensure_site", "site_key",
]
