#!/usr/bin/env python3
"""Parse speed for every format (not a timed test): reports per second on one core.

usage: python3 benchmarks/parse.py [--repeat N] [--no-ocr] [--no-office]

Text and HTML here (targets: ≥ 100 reports/s for an HTML portal page, ≥ 50 for text); the
binary formats, their ratio to pdftotext and OCR seconds per page come from
benchmarks/parse_formats.py, run after. The HTML pages are the fixture portal's and the
national template's real layout (tests/render.py); the texts are the five seeds.

The ROW line's anchor is trafilatura alone on the same portal pages (the bytes, its options
as the reader sets them), measured in the same run: the one stage the reader cannot make
faster. lxml.html parsing the pages alone is printed beside it.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import lxml.html  # noqa: E402
import trafilatura  # noqa: E402

from crawler.fixture_portal import ensure_site  # noqa: E402
from pipelines.extract import extract  # noqa: E402
from pipelines.reports import parse_document  # noqa: E402
from tests import render  # noqa: E402


TARGET = 100  # HTML portal page, reports/s (issue 13)


def _rate(blobs: list[bytes], repeat: int, read=lambda blob: parse_document(extract(blob))) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for blob in blobs:
            read(blob)
        best = min(best, time.perf_counter() - start)
    return len(blobs) / best


def _trafilatura(blob: bytes) -> None:
    trafilatura.extract(blob, include_tables=False, include_comments=False, favor_recall=True,
                        deduplicate=False, fast=True)


def _cpu_rate(blobs: list[bytes], read=lambda blob: parse_document(extract(blob))) -> float:
    """One pass, in reports per CPU second: what other processes on the machine take of the
    wall clock is not counted (their load on shared caches still is)."""
    start = time.process_time()
    for blob in blobs:
        read(blob)
    return len(blobs) / (time.process_time() - start)


def _portal_row(blobs: list[bytes], repeat: int) -> None:
    """Reader and anchor in alternating passes, so both see the same load."""
    ours, anchor, parse_only, cpu, anchor_cpu = [], [], [], [], []
    for _ in range(repeat):
        ours.append(_rate(blobs, 1))
        anchor.append(_rate(blobs, 1, _trafilatura))
        parse_only.append(_rate(blobs, 1, lxml.html.fromstring))
        cpu.append(_cpu_rate(blobs))
        anchor_cpu.append(_cpu_rate(blobs, _trafilatura))
    figure, base = max(ours), max(anchor)
    spread = (f"median {statistics.median(ours):.1f}, {min(ours):.1f}..{figure:.1f} over {repeat} passes, "
              f"CPU time: median {statistics.median(cpu):.1f}, {min(cpu):.1f}..{max(cpu):.1f}, "
              f"anchor median {statistics.median(anchor_cpu):.1f}")
    print(f"ROW HTML portal page: {figure:.1f} reports/s ({spread}); anchor: trafilatura.extract alone "
          f"{base:.1f} reports/s (lxml.html.fromstring alone {max(parse_only):.0f}/s); ratio {figure / base:.2f}; "
          f"target >= {TARGET} reports/s (load {os.getloadavg()[0]:.1f})")


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
    print(f"one core; best of {repeat}; targets ≥ {TARGET} reports/s (HTML), ≥ 50 (text)")
    for name, blobs in inputs.items():
        rate = _rate(blobs, repeat)
        target = TARGET if name.startswith("html") else 50
        print(f"  {name:34s} {rate:8.1f} reports/s  ({rate / target:4.2f}x target)")
    _portal_row(inputs["html (fixture portal pages)"], max(repeat, 10))
    sys.stdout.flush()
    import parse_formats

    sys.argv = [sys.argv[0], *(a for a in sys.argv[1:])]
    parse_formats.main()


if __name__ == "__main__":
    main()
