"""Build the fixture site from the seeds, once, into a cache keyed by their hash."""
from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .layout import SitePlan, mtime, plan_site
from .manifest import Manifest
from .pdf import PdfSource, render_pdfs
from .render import parse_seed

BUILDER_VERSION = "1"
PACKAGE_DIR = Path(__file__).resolve().parent
SEEDS_DIR = PACKAGE_DIR / "seeds"
# The modules whose output is the site: editing one invalidates the cache by itself.
BUILD_MODULES = ("build.py", "chrome.py", "layout.py", "manifest.py", "pdf.py", "render.py",
                 "texts.py")


def seed_files() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt"))


def site_key() -> str:
    """Hash of the builder version, its code and the seed files."""
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    for path in [PACKAGE_DIR / m for m in BUILD_MODULES] + seed_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    """NIANBAO_FIXTURE_CACHE, else $XDG_CACHE_HOME/nianbao, else ~/.cache/nianbao."""
    if os.environ.get("NIANBAO_FIXTURE_CACHE"):
        return Path(os.environ["NIANBAO_FIXTURE_CACHE"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nianbao"


def write_files(files: Iterable[Any], out_dir: Path) -> None:
    """Each planned file's bytes at its path under `out_dir` (this site, and sites built
    elsewhere from its parts: tests/portal_families/)."""
    for item in files:
        target = out_dir / item.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data)


def write_plan(plan: SitePlan, out_dir: Path) -> None:
    write_files(plan.files, out_dir)
    render_pdfs([PdfSource(j.html, out_dir / j.path.lstrip("/")) for j in plan.pdfs])
    # Last-Modified follows the publication date, as a CMS serves it.
    for item in list(plan.files) + list(plan.pdfs):
        stamp = mtime(item.when)
        os.utime(out_dir / item.path.lstrip("/"), (stamp, stamp))


def build_site(out_dir: Path) -> Manifest:
    """Write the whole site under out_dir (HTML deterministic, PDFs by LibreOffice)."""
    seeds = [parse_seed(p) for p in seed_files()]
    plan, manifest = plan_site(seeds, BUILDER_VERSION, site_key())
    write_plan(plan, out_dir)
    return manifest


def ensure_site(cache: Path | None = None) -> tuple[Path, Manifest]:
    """The cached site's root directory and manifest; built first if missing."""
    root = (cache or cache_root()) / f"fixture-{site_key()}"
    if not (root / "manifest.json").exists():
        build_into(root)
    return root / "site", Manifest.load(root / "manifest.json")


def build_into(root: Path, builder: Callable[[Path], Any] | None = None) -> None:
    """Run `builder` (default: this site's) into `root`: site/ plus manifest.json."""
    # Build beside the final place and rename: a reader never sees half a site, and of
    # two parallel builders the second simply drops its copy.
    tmp = root.parent / f"{root.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        manifest = (builder or build_site)(tmp / "site")
        (tmp / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
        try:
            tmp.rename(root)
        except OSError:
            if not (root / "manifest.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
