"""The CMS-families portal's plan: a district portal mixing CMS families and traps.

The package's fixture portal (crawler/fixture_portal/layout.py) stays as it is:
tests/test_e2e.py and `nianbao demo` count on it. This is a separate site
(`FamiliesPortal`): a TRS district site with script-only paging, a Hanweb
town under /hanweb/, a VSB town in GBK under /vsb/, an iframe shell under /shell/, a gated
town on a host of its own, an https mirror, and every trap of issue 4 (soft 404s, error
pages at .pdf URLs, redirect chains, 429/503, truncated and broken files, a zip bomb,
robots-disallowed reports, news paging no report crawler should walk), and, unlinked, a
county site whose reports are named differently by their copies (county.py). The
manifest says what a crawler must archive, may archive, and must never archive or fetch.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from crawler.fixture_portal.chrome import Link
from crawler.fixture_portal.layout import SITE_DATE, PdfJob, SiteFile, SitePlan, print_html
from crawler.fixture_portal.render import SeedDoc

from .manifest import CountySite, ExpectedReport, FamiliesManifest, Routes

SITE_VERSION = "2"
TLS_ORIGIN = "__TLS_ORIGIN__"  # the server writes its https mirror's origin here
GATE_ORIGIN = "__GATE_ORIGIN__"  # and the gated host's origin here
GATE_BLOCK = ("<!--gate-->", "<!--/gate-->")  # removed when the portal runs without it
ROBOTS = "User-agent: *\nDisallow: /xxgk/private/\nDisallow: /search/\n"


@dataclass(slots=True)
class Derived:
    """A file made from rendered ones after LibreOffice ran: bundles, broken copies."""

    path: str
    kind: str  # zip | truncated | broken_zip | bomb
    members: list[tuple[str, str]]  # (member name, site path or "text:" + content)
    when: str


@dataclass(slots=True)
class FamiliesPlan(SitePlan):
    derived: list[Derived] = field(default_factory=list)
    routes: Routes = field(default_factory=Routes)
    reports: list[ExpectedReport] = field(default_factory=list)
    gate_reports: list[ExpectedReport] = field(default_factory=list)
    distractors: list[str] = field(default_factory=list)
    never_archived: list[str] = field(default_factory=list)
    never_fetched: list[str] = field(default_factory=list)
    list_pages: list[str] = field(default_factory=list)
    navigation: list[str] = field(default_factory=list)
    js_paging_only: list[str] = field(default_factory=list)
    post_only: list[str] = field(default_factory=list)
    not_followed: list[str] = field(default_factory=list)
    lab: dict[str, str] = field(default_factory=dict)
    mutable: dict[str, str] = field(default_factory=dict)
    county: CountySite = field(default_factory=CountySite)

    def add_bytes(self, path: str, data: bytes, when: str = SITE_DATE) -> None:
        self.files.append(SiteFile(path, data, when))

    def pdf(self, path: str, doc: SeedDoc, when: str) -> str:
        self.pdfs.append(PdfJob(path, print_html(doc), when))
        return path


def retitle(doc: SeedDoc, agency: str | None, year: int | None = None) -> SeedDoc:
    """A seed report under another body's name (or none) and, optionally, another year."""
    title = f"{agency or ''}{year or doc.year}年政府信息公开工作年度报告"
    return SeedDoc(doc.name, [title], doc.blocks)


def expected(doc: SeedDoc, agency: str | None, family: str, documents: list[str]) -> ExpectedReport:
    return ExpectedReport(doc.title, agency, doc.year, family, documents)


def digits(*parts: object) -> str:
    """Stable pseudo-random digits for attachment names (P0<date><digits>.pdf)."""
    return str(int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest(), 16) % 10**10)


def link(text: str, href: str, date: str = "") -> Link:
    return Link(text, href, date)


def manifest_of(plan: FamiliesPlan, key: str) -> FamiliesManifest:
    return FamiliesManifest(
        version=SITE_VERSION, key=key, reports=plan.reports, gate_reports=plan.gate_reports,
        distractors=sorted(plan.distractors), never_archived=sorted(plan.never_archived),
        never_fetched=sorted(plan.never_fetched), list_pages=sorted(plan.list_pages),
        navigation=sorted(plan.navigation), js_paging_only=sorted(plan.js_paging_only),
        post_only=sorted(plan.post_only), not_followed=sorted(plan.not_followed),
        routes=plan.routes, lab=plan.lab, mutable=plan.mutable, county=plan.county,
    )


def plan_families(seeds: list[SeedDoc], key: str) -> tuple[FamiliesPlan, FamiliesManifest]:
    """Every file, route and expectation of the site."""
    from . import county, towns, trs

    by_seed = {doc.name[:3]: doc for doc in seeds}
    plan = FamiliesPlan()
    plan.add("/robots.txt", ROBOTS)
    trs.add_district(plan, by_seed)
    towns.add_hanweb(plan, by_seed)
    towns.add_vsb(plan, by_seed)
    towns.add_shell(plan, by_seed)
    towns.add_gate(plan, by_seed)
    towns.add_lab(plan, by_seed)
    plan.county = county.add_county(plan, by_seed)  # /hy/: linked from nothing above
    return plan, manifest_of(plan, key)
