#!/usr/bin/env python3
"""Parse speed for every format (not a timed test): reports per second on one core.

usage: python3 benchmarks/parse.py [--repeat N] [--no-ocr] [--no-office]

Text and HTML here (targets: ≥ 50 reports/s each); the binary formats, their ratio to
pdftotext and OCR seconds per page come from benchmarks/parse_formats.py, run after.
The HTML pages are the fixture portal's and the national template's real layout
(tests/render.py); the texts are the five seeds.
"""
from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from crawler.fixture_portal import ensure_site  # noqa: E402
from pipelines.extract import extract  # noqa: E402
from pipelines.reports import parse_document  # noqa: E402
from tests import render  # noqa: E402


def _rate(blobs: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for blob in blobs:
            parse_document(extract(blob))
        best = min(best, time.perf_counter() - start)
    return len(blobs) / best


def _inputs() -> dict[str, list[bytes]]:
    site, manifest = ensure_site()
    reports = [r for _, r in render.gold_reports().values()]
    reports += [render.generate_report(random.Random(s), ("2019", "2021")[s % 2]) for s in range(5)]
    return {
        "text (seeds)": [p.read_bytes() for p in sorted((REPO / "crawler/fixture_portal/seeds").glob("*.txt"))],
        "html (fixture portal pages)": [(Path(site) / s.pages[0].lstrip("/")).read_bytes() for s in manifest.seeds],
        "html (template layout, spans)": [render.to_html(r).encode("utf-8") for r in reports],
    }


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    inputs = _inputs()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"one core; best of {repeat}; target ≥ 50 reports/s")
    for name, blobs in inputs.items():
        rate = _rate(blobs, repeat)
        print(f"  {name:34s} {rate:8.1f} reports/s  ({rate / 50:4.2f}x target)")
    sys.stdout.flush()
    import parse_formats

    sys.argv = [sys.argv[0], *(a for a in sys.argv[1:])]
    parse_formats.main()


if __name__ == "__main__":
    main()
