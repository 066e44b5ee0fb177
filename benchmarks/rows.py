#!/usr/bin/env python3
"""Issue 13's table in one run: every benchmark, then each `ROW` line it printed.

    python3 benchmarks/rows.py                  # the issue's sizes (search at 100k: ~40 min)
    python3 benchmarks/rows.py --quick          # smaller runs (search at 20k), same rows
    python3 benchmarks/rows.py --only pdf,ocr   # some of them

Each benchmark runs as its own process, one after another (never two at once: on 2 cores
they would time each other), and prints its own figure, anchor and ratio from one run;
this script prints their ROW lines together at the end, with the machine's load average
before each, so a row measured on a loaded machine says so.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# name -> (script arguments, quick arguments); the order of the table
BENCHMARKS: dict[str, tuple[list[str], list[str]]] = {
    "crawl": (["crawl.py", "--runs", "3"], ["crawl.py", "--runs", "3"]),
    "pdf": (["pdf.py"], ["pdf.py", "--pairs", "5"]),
    "html": (["parse.py", "--no-ocr"], ["parse.py", "--no-ocr", "--no-office"]),  # OCR: ocr.py
    "ocr": (["ocr.py"], ["ocr.py", "--pairs", "2", "--reports", "1"]),
    "search": (["search.py"], ["search.py", "--reports", "20000", "--queries", "100"]),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller runs of every benchmark")
    ap.add_argument("--only", help="comma-separated: " + ",".join(BENCHMARKS))
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    rows: list[str] = []
    for name in names:
        full, quick = BENCHMARKS[name]
        command = [sys.executable, str(HERE / (quick if args.quick else full)[0]),
                   *(quick if args.quick else full)[1:]]
        load = os.getloadavg()[0]
        print(f"== {name}: {' '.join(command[1:])} (load average {load:.1f})", flush=True)
        started = time.monotonic()
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
        print(done.stdout, end="", flush=True)
        got = [line for line in done.stdout.splitlines() if line.startswith("ROW ")]
        if done.returncode != 0:
            got.append(f"ROW {name}: failed with exit code {done.returncode}")
        elif not got:
            got.append(f"ROW {name}: printed no ROW line")
        seen = {row.split(":")[0] for row in rows}  # parse.py repeats pdf.py's row: once
        rows += [f"{line}  [{name}, load {load:.1f}, {time.monotonic() - started:.0f} s]"
                 for line in got if line.split(":")[0] not in seen]
    print("\nissue 13, figure; anchor; ratio; target — one run of each:")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
