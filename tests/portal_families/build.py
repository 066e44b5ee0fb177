"""Write the CMS-families portal to disk (pages, LibreOffice PDFs, then the files made from
them), once, into the fixture cache, keyed by the hash of the modules that make it."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from crawler.fixture_portal.build import build_into, cache_root, seed_files, site_key, write_files
from crawler.fixture_portal.layout import mtime
from crawler.fixture_portal.pdf import PdfSource, render_pdfs
from crawler.fixture_portal.render import parse_seed

from . import documents
from .manifest import FamiliesManifest
from .plan import Derived, FamiliesPlan, plan_families

HERE = Path(__file__).resolve().parent
# The modules whose output is the site (server.py only serves it): editing one invalidates
# the cache by itself, as do the package's builder modules and the seeds (site_key).
SITE_MODULES = ("build.py", "cms.py", "county.py", "documents.py", "manifest.py", "plan.py",
                "towns.py", "trs.py")


def derived_bytes(item: Derived, out_dir: Path) -> bytes:
    def source(ref: str) -> bytes:
        if ref.startswith("text:"):
            return ref[5:].encode("utf-8")
        return (out_dir / ref.lstrip("/")).read_bytes()

    if item.kind == "ofd":
        return documents.ofd_stub(source(item.members[0][1]).decode("utf-8"))
    if item.kind == "zip":
        return documents.zip_bytes((name, source(ref)) for name, ref in item.members)
    if item.kind == "truncated":
        return documents.truncated_pdf(source(item.members[0][1]))
    if item.kind == "broken_zip":
        text = source(item.members[0][1]) * 200
        return documents.broken_zip(documents.zip_bytes([("附表1.xlsx", text), ("附表2.xlsx", text)]))
    if item.kind == "bomb":
        return documents.bomb_zip()
    raise ValueError(f"unknown derived kind {item.kind!r}")


def write_families(plan: FamiliesPlan, out_dir: Path) -> None:
    write_files(plan.files, out_dir)
    render_pdfs([PdfSource(j.html, out_dir / j.path.lstrip("/")) for j in plan.pdfs])
    for derived in plan.derived:
        target = out_dir / derived.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(derived_bytes(derived, out_dir))
    for path, when in [(i.path, i.when) for i in plan.files] + [(j.path, j.when) for j in plan.pdfs] \
            + [(d.path, d.when) for d in plan.derived]:
        stamp = mtime(when)
        os.utime(out_dir / path.lstrip("/"), (stamp, stamp))


def families_key() -> str:
    """Hash of this portal's builder modules, the package's (it reuses them) and the seeds."""
    digest = hashlib.sha256(b"families:" + site_key().encode())
    for name in SITE_MODULES:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_families(out_dir: Path) -> FamiliesManifest:
    plan, manifest = plan_families([parse_seed(p) for p in seed_files()], families_key())
    write_families(plan, out_dir)
    return manifest


def ensure_families_site(cache: Path | None = None) -> tuple[Path, FamiliesManifest]:
    """The cached site and its manifest; built first if missing."""
    root = (cache or cache_root()) / f"fixture-families-{families_key()}"
    if not (root / "manifest.json").exists():
        build_into(root, build_families)
    return root / "site", FamiliesManifest.load(root / "manifest.json")
