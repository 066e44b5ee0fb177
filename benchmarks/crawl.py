"""Crawl benchmark (not a timed test): `python3 benchmarks/crawl.py [--runs N]`.

1. Pages per minute on the tests' CMS-families portal with politeness off (`--fast`), against
   `scrapy bench` run on the same machine in the same run, in alternating pairs (bench, then
   the crawls), so that a load that moves during the run moves both sides of each ratio; the
   median ratio and its spread over the pairs are printed (target: the full crawl, every
   stage on, at least 0.9x `scrapy bench`).
   Pages per minute is counted where it happens, at the portals: requests answered over
   the time from the first request's arrival to the last answer. Three figures:
   - "first crawl": one fresh portal, its 429/503 traps pausing the host for their
     Retry-After (two seconds in all, by design) and its deliberately slow PDF;
   - "crawler": the spider, middlewares and crawl state without the item pipelines (no
     PDF parsing), over --portals copies of the portal crawled at once (one portal is
     too small to keep 16 requests in flight; `scrapy bench` serves endless breadth);
     the figure comparable to `scrapy bench`, which parses nothing either;
   - "nianbao crawl": the same with every stage, parsing and archiving included;
   - "no WARC": every stage but the WARC capture (WARC_ENABLED off): the capture's cost in
     crawl speed, and the WARC files' bytes against the bytes the portals sent.
2. Bytes the portal sent for a re-crawl of the unchanged portal into the same archive,
   against the first crawl's (target: under 5%).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.fixture_portal import Hit  # noqa: E402
from tests.portal_families import FamiliesPortal  # noqa: E402


def run_crawl(portals: list[FamiliesPortal], archive: Path, pipelines: bool,
              warc: bool = True) -> list[Hit]:
    """One `python3 -m crawler.runner --fast` of all `portals` into `archive`; their hits."""
    settings: dict[str, Any] = {"ARCHIVE_DIR": str(archive), "LOG_LEVEL": "WARNING"}
    if not pipelines:
        settings["ITEM_PIPELINES"] = {}
    if not warc:
        settings["WARC_ENABLED"] = False
    target = portals[0].url
    if len(portals) > 1:  # a profile whose start URLs are every portal's root
        sources = archive.parent / f"{archive.name}.toml"
        roots = ", ".join(f'"{p.url}"' for p in portals)
        sources.write_text(f'[sources.bench]\ntitle = "bench"\nroot_url = "{target}"\n'
                           f'allowed_domains = ["127.0.0.1"]\nstart_urls = [{roots}]\n')
        settings["PORTAL_SOURCES_FILE"], target = str(sources), "bench"
    before = [len(p.hits) for p in portals]
    done = subprocess.run([sys.executable, "-m", "crawler.runner", target, "--fast",
                           "--settings-json", json.dumps(settings)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"crawl failed:\n{done.stderr[-2000:]}")
    return [h for p, n in zip(portals, before) for h in p.hits[n:]]


def pages_per_minute(hits: list[Hit]) -> float:
    window = max(h.ended for h in hits) - min(h.started for h in hits)
    return len(hits) / window * 60


def sent(hits: list[Hit]) -> int:
    return sum(h.sent for h in hits)


def scrapy_bench(seconds: int) -> float:
    """`scrapy bench` (outside any project: Scrapy's defaults) -> pages per minute."""
    with tempfile.TemporaryDirectory() as cwd:
        done = subprocess.run(["scrapy", "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}",
                               "-s", "LOGSTATS_INTERVAL=1"],
                              cwd=cwd, capture_output=True, text=True, timeout=seconds + 120)
    count = re.search(r"'downloader/response_count': (\d+)", done.stderr)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", done.stderr)
    if not (count and elapsed):
        raise SystemExit(f"scrapy bench printed no stats:\n{done.stderr[-2000:]}")
    return int(count.group(1)) / float(elapsed.group(1)) * 60


def measure(runs: int, copies: int, work: Path, bench_seconds: int) -> dict[str, Any]:
    portals = [FamiliesPortal().start() for _ in range(copies)]
    try:
        first = run_crawl(portals[:1], work / "first", pipelines=True)
        run_crawl(portals[1:], work / "warm", pipelines=False)  # their 429/503, once each
        pairs, warc_bytes, fetched_bytes = [], [], []
        for i in range(runs):  # alternating: each crawl figure has its own bench beside it
            bench = scrapy_bench(bench_seconds)
            full = pages_per_minute(run_crawl(portals, work / f"f{i}", pipelines=True))
            crawler = pages_per_minute(run_crawl(portals, work / f"c{i}", pipelines=False))
            hits = run_crawl(portals, work / f"n{i}", pipelines=True, warc=False)
            pairs.append((bench, full, crawler, pages_per_minute(hits)))
            warc_bytes.append(dir_bytes(work / f"f{i}" / "warcs"))
            fetched_bytes.append(sent(hits))
        again = run_crawl(portals[:1], work / "first", pipelines=True)
    finally:
        for portal in portals:
            portal.stop()
    return {"first": pages_per_minute(first), "pairs": pairs, "first_bytes": sent(first),
            "recrawl_bytes": sent(again), "pages": len(first), "recrawl_pages": len(again),
            "copies": copies, "warc_bytes": statistics.median(warc_bytes),
            "fetched_bytes": statistics.median(fetched_bytes)}


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _ratios(pairs: list[tuple[float, ...]], which: int, of: int = 0) -> tuple[float, float, float]:
    """Median, min and max over the pairs of figure `which` / figure `of` (0 scrapy bench,
    1 full, 2 crawler only, 3 full without WARC)."""
    ratios = [pair[which] / pair[of] for pair in pairs]
    return statistics.median(ratios), min(ratios), max(ratios)


def report(figures: dict[str, Any]) -> list[str]:
    pairs = figures["pairs"]
    bench = statistics.median(p[0] for p in pairs)
    full, full_lo, full_hi = _ratios(pairs, 1)
    crawler, crawler_lo, crawler_hi = _ratios(pairs, 2)
    share = figures["recrawl_bytes"] / figures["first_bytes"]
    copies = f"x{figures['copies']:.0f}"
    rows = [
        (f"scrapy bench (anchor; {len(pairs)} runs, same run)", f"{bench:.0f} pages/min", ""),
        ("families portal, first crawl (traps included)", f"{figures['first']:.0f} pages/min",
         f"{figures['pages']:.0f} requests"),
        (f"families portal {copies}, nianbao crawl (all stages)",
         f"{statistics.median(p[1] for p in pairs):.0f} pages/min",
         f"{full:.2f}x scrapy bench (pairs {full_lo:.2f}-{full_hi:.2f}; target >= 0.9x: "
         f"{'met' if full >= 0.9 else 'NOT met'})"),
        (f"families portal {copies}, crawler (no pipelines)",
         f"{statistics.median(p[2] for p in pairs):.0f} pages/min",
         f"{crawler:.2f}x scrapy bench (pairs {crawler_lo:.2f}-{crawler_hi:.2f})"),
        (f"families portal {copies}, all stages, no WARC",
         f"{statistics.median(p[3] for p in pairs):.0f} pages/min",
         "WARC capture costs {:.1%} of crawl speed (pairs {:.2f}-{:.2f}x)".format(
             1 - _ratios(pairs, 1, 3)[0], *_ratios(pairs, 1, 3)[1:])),
        (f"WARC bytes, families portal {copies}", f"{figures['warc_bytes']:.0f}",
         f"{figures['warc_bytes'] / figures['fetched_bytes']:.2f}x the bytes the portals sent "
         f"({figures['fetched_bytes']:.0f}; gzip members, request records included)"),
        ("bytes sent, first crawl of families portal", f"{figures['first_bytes']:.0f}", ""),
        ("bytes sent, re-crawl of it unchanged", f"{figures['recrawl_bytes']:.0f}",
         f"{share:.1%} of the first (target < 5%: {'met' if share < 0.05 else 'NOT met'}); "
         f"{figures['recrawl_pages']:.0f} requests, mostly 304"),
    ]
    lines = [f"{name:<46} {value:>16}  {note}".rstrip() for name, value, note in rows]
    return lines + [f"ROW crawl, every stage on (families portal {copies}): "
                    f"{statistics.median(p[1] for p in pairs):.0f} pages/min; anchor: scrapy bench "
                    f"{bench:.0f} pages/min; ratio {full:.2f}x (pairs {full_lo:.2f}-{full_hi:.2f}; no pipelines "
                    f"{crawler:.2f}x); target >= 0.9x: {'met' if full >= 0.9 else 'NOT met'}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="(bench, crawl) pairs (median ratio)")
    parser.add_argument("--portals", type=int, default=4, help="portal copies crawled at once")
    parser.add_argument("--bench-seconds", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    try:
        started = time.monotonic()
        figures = measure(args.runs, max(2, args.portals), work, args.bench_seconds)
        print("\n".join(report(figures)))
        print(f"(measured in {time.monotonic() - started:.0f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
