#!/usr/bin/env python3
"""Parse speed per binary format (not a timed test): reports/s and the ratio to bare text
extraction, and OCR seconds per page.

usage: python3 benchmarks/parse_formats.py [--repeat N] [--no-ocr] [--ocr-pairs N] [--no-office]

The reports are the five seeds' gold plus generated ones, rendered by tests/render.py (cached).
Text formats are timed on one core (sched_setaffinity); OCR on every core of the machine,
against rapidocr alone on the same pages in the same run (benchmarks/ocr.py).
The PDF anchor is `pdftotext -layout FILE -` (a process per file, as a crawl would run
it), timed by benchmarks/pdf.py in alternating pairs with extraction + parse: seconds per
report, the anchor's, and the ratio's median and spread over the pairs, wall and CPU. On a
shared machine the figures move with the load: run it when the machine is quiet.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pdf import pdf_rows  # noqa: E402
from benchmarks import ocr  # noqa: E402
from pipelines.docxdoc import docx_to_document, legacy_to_document  # noqa: E402
from pipelines.pdf import pdf_to_document  # noqa: E402
from pipelines.reports import parse_document  # noqa: E402
from tests import render  # noqa: E402


def _reports() -> list[dict[str, Any]]:
    reports = [report for _, report in render.gold_reports().values()]
    for seed, template in ((1, "2019"), (2, "2021"), (5, "2019")):
        reports.append(render.generate_report(random.Random(seed), template))
    return reports


def _rate(files: list[Path], work: Callable[[bytes], Any], repeat: int) -> float:
    """Reports per second: the best of `repeat` passes over all files."""
    blobs = [f.read_bytes() for f in files]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for blob in blobs:
            work(blob)
        best = min(best, time.perf_counter() - start)
    return len(blobs) / best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--ocr-pairs", type=int, default=3, help="OCR: alternating reader/rapidocr pairs")
    ap.add_argument("--no-office", action="store_true")
    args = ap.parse_args()
    reports = _reports()
    pdfs = [render.render(r, "pdf") for r in reports]
    docxs = [render.render(r, "docx") for r in reports]
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"{len(reports)} reports, one core; best of {args.repeat}")
    pdf_lines, anchor_seconds = pdf_rows(pdfs, max(3, 2 * args.repeat - 1))
    print("\n".join(pdf_lines))
    base = 1 / anchor_seconds
    rows = [
        ("pdf: pdf_to_document", _rate(pdfs, pdf_to_document, args.repeat)),
        ("pdf: pdfplumber backend + parse", _rate(
            pdfs, lambda b: parse_document(pdf_to_document(b, backend="pdfplumber")), max(1, args.repeat // 2))),
        ("docx: docx_to_document + parse", _rate(docxs, lambda b: parse_document(docx_to_document(b)), args.repeat)),
    ]
    if not args.no_office:
        docs = [render.render(r, "doc") for r in reports[:3]]
        rows.append(("doc: LibreOffice + parse", _rate(docs, lambda b: parse_document(legacy_to_document(b, "doc")), 1)))
    for name, rate in rows:
        ratio = f"{base / rate:5.2f}x pdftotext's median time" if name.startswith("pdf:") else ""
        print(f"  {name:34s} {rate:8.1f} reports/s  {ratio}")
    if not args.no_ocr:  # every core; the reader against rapidocr alone, in pairs (benchmarks/ocr.py)
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
        ocr.report(ocr.measure(args.ocr_pairs, reports=2))


if __name__ == "__main__":
    main()
