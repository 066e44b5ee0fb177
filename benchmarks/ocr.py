#!/usr/bin/env python3
"""OCR speed of a scanned page (not a timed test): seconds per page through the reader
against the raw engine on the same page images, in alternating pairs in one run, so that
the ratio holds while the load of a shared machine moves.

usage: python3 benchmarks/ocr.py [--pairs N] [--reports N]

The reader is `pdf_to_document` on image-only PDFs of gold reports (tests/render.py, cached):
rendering at OCR_DPI, levelling, OCR, ruling lines, tables. The anchor is RapidOCR as shipped
(config.yaml's defaults; no angle classifier, as the reader asks for none) on the same
pages, already rendered, one page after another. Wall seconds per page are the figure; CPU
seconds per page (every thread of the process) move less with the load.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.pdf import OCR_DPI, pdf_to_document  # noqa: E402
from tests import render  # noqa: E402

TARGET = 2.5  # s/page on 2 cores (issue 13)


def scans(count: int) -> list[bytes]:
    """Image-only PDFs of the first `count` gold reports."""
    reports = [report for _, report in render.gold_reports().values()][:count]
    return [render.render(report, "scan").read_bytes() for report in reports]


def page_arrays(blobs: list[bytes]) -> list[Any]:
    """Every page as the reader renders it, as an RGB array for the raw engine."""
    import numpy as np
    import pypdfium2 as pdfium

    arrays = []
    for blob in blobs:
        pdf = pdfium.PdfDocument(blob)
        for i in range(len(pdf)):
            image = pdf[i].render(scale=OCR_DPI / 72, grayscale=True).to_pil()
            arrays.append(np.asarray(image.convert("RGB")))
        pdf.close()
    return arrays


def timed(work: Callable[[], int]) -> tuple[float, float]:
    """Wall and CPU seconds per page of `work` (which returns its page count)."""
    wall, cpu = time.perf_counter(), time.process_time()
    pages = max(work(), 1)
    return (time.perf_counter() - wall) / pages, (time.process_time() - cpu) / pages


def reader(blobs: list[bytes]) -> Callable[[], int]:
    from pipelines.ocr import engine
    from pipelines.ocr.options import OPTIONS

    engine(OPTIONS.page_workers)  # models load once per engine, not per page
    return lambda: sum(pdf_to_document(blob).pages or 0 for blob in blobs)


def anchor(arrays: list[Any]) -> Callable[[], int]:
    from rapidocr import RapidOCR

    raw = RapidOCR(params={"Global.log_level": "error"})

    def run() -> int:
        for array in arrays:
            raw(array, use_cls=False)
        return len(arrays)
    return run


def measure(pairs: int, reports: int) -> dict[str, list[tuple[float, float]]]:
    """Alternating pairs (reader first, then anchor first), after one warm-up of each."""
    blobs = scans(reports)
    works = {"reader": reader(blobs), "anchor": anchor(page_arrays(blobs))}
    for work in works.values():
        work()
    out: dict[str, list[tuple[float, float]]] = {"reader": [], "anchor": []}
    for i in range(pairs):
        for name in (("reader", "anchor") if i % 2 == 0 else ("anchor", "reader")):
            out[name].append(timed(works[name]))
    return out


def _spread(xs: list[float]) -> str:
    return f"{median(xs):6.2f} ({min(xs):.2f}–{max(xs):.2f})"


def report(results: dict[str, list[tuple[float, float]]], prefix: str = "  ") -> None:
    walls = {name: [w for w, _ in runs] for name, runs in results.items()}
    cpus = {name: [c for _, c in runs] for name, runs in results.items()}
    ratios = [r / a for r, a in zip(walls["reader"], walls["anchor"])]
    cores = len(os.sched_getaffinity(0))
    print(f"{prefix}scanned pdf: OCR, {cores} cores, {len(ratios)} pairs: median (min–max)")
    print(f"{prefix}  reader               {_spread(walls['reader'])} s/page wall, {_spread(cpus['reader'])} s/page CPU")
    print(f"{prefix}  rapidocr alone       {_spread(walls['anchor'])} s/page wall, {_spread(cpus['anchor'])} s/page CPU")
    print(f"{prefix}  ratio reader/anchor  {_spread(ratios)}x")
    met = "met" if median(walls["reader"]) <= TARGET else "NOT met"
    print(f"{prefix}  target ≤ {TARGET} s/page: {met} (load average {os.getloadavg()[0]:.1f})")
    print(f"ROW OCR of a scanned page: {median(walls['reader']):.2f} s/page ({cores} cores);"
          f" anchor: rapidocr alone {median(walls['anchor']):.2f} s/page;"
          f" ratio {median(ratios):.2f}x; target <= {TARGET} s/page: {met}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=3, help="alternating reader/anchor pairs (default 3)")
    ap.add_argument("--reports", type=int, default=2, help="gold reports scanned (default 2: 4 pages)")
    args = ap.parse_args()
    os.sched_setaffinity(0, range(os.cpu_count() or 1))
    report(measure(args.pairs, args.reports), prefix="")


if __name__ == "__main__":
    main()
