"""Write fixture portal v2 to disk: pages, LibreOffice PDFs, then the files made from them."""
from __future__ import annotations

import os
from pathlib import Path

from . import docs
from .build import write_files
from .layout import mtime
from .manifest import V2Manifest
from .pdf import PdfSource, render_pdfs
from .render import parse_seed
from .v2 import Derived, V2Plan, plan_v2


def derived_bytes(item: Derived, out_dir: Path) -> bytes:
    def source(ref: str) -> bytes:
        if ref.startswith("text:"):
            return ref[5:].encode("utf-8")
        return (out_dir / ref.lstrip("/")).read_bytes()

    if item.kind == "ofd":
        return docs.ofd_stub(source(item.members[0][1]).decode("utf-8"))
    if item.kind == "zip":
        return docs.zip_bytes((name, source(ref)) for name, ref in item.members)
    if item.kind == "truncated":
        return docs.truncated_pdf(source(item.members[0][1]))
    if item.kind == "broken_zip":
        text = source(item.members[0][1]) * 200
        return docs.broken_zip(docs.zip_bytes([("附表1.xlsx", text), ("附表2.xlsx", text)]))
    if item.kind == "bomb":
        return docs.bomb_zip()
    raise ValueError(f"unknown derived kind {item.kind!r}")


def write_v2(plan: V2Plan, out_dir: Path) -> None:
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


def build_v2(out_dir: Path) -> V2Manifest:
    from .build import seed_files, v2_key

    plan, manifest = plan_v2([parse_seed(p) for p in seed_files()], v2_key())
    write_v2(plan, out_dir)
    return manifest
