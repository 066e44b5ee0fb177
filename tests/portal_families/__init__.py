"""The tests' CMS-families portal: a district site mixing the CMS families of Chinese
government portals (TRS, Hanweb, VSB, iframe shells, a 412-gated town, an https mirror),
every trap of a report crawler and an unlinked county site (plan.py says what is where).

    from tests.portal_families import FamiliesPortal
    with FamiliesPortal(gate=True) as portal:
        portal.manifest   # FamiliesManifest: what must, may and must never be archived or fetched
        portal.url_of("tls:/…"), portal.override(path, body, status), portal.hits

It is built from the package's fixture parts (crawler/fixture_portal: chrome, layout, render,
PDFs) into the same cache, keyed by its own modules too (build.py SITE_MODULES), and served
by servers of its own (server.py). The installed package never imports it.
"""
from __future__ import annotations

from .build import ensure_families_site
from .manifest import CountySite, ExpectedReport, FamiliesManifest, RelatedDocument, Routes
from .portal import FamiliesPortal

__all__ = ["CountySite", "ExpectedReport", "FamiliesManifest", "FamiliesPortal", "RelatedDocument",
           "Routes", "ensure_families_site"]
