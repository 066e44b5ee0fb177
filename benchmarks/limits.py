"""The worker pool's cost per document: the seeds parsed in this process (extract + parse,
as before the limits) and through the pool (pipelines/limits.py, one worker, caps on).

    python3 benchmarks/limits.py [--rounds N]

Prints seconds per document for each way and the difference; no test is timed.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pipelines.limits import Limits, Workers
from pipelines.task import ParseTask, run_task

SEEDS = Path(__file__).resolve().parent.parent / "crawler" / "fixture_portal" / "seeds"


def per_document(parse, files: list[tuple[bytes, str]], rounds: int) -> float:
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        for data, name in files:
            parse(data, ParseTask(name))
        runs.append((time.perf_counter() - start) / len(files))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    files = [(p.read_bytes(), p.name) for p in sorted(SEEDS.glob("*.txt"))]
    inline = per_document(run_task, files, args.rounds)
    with Workers(Limits(), size=1) as pool:
        pool.parse(*files[0][:1], ParseTask(files[0][1]))  # the worker starts once per run
        pooled = per_document(pool.parse, files, args.rounds)
    print(f"in-process: {inline * 1000:.1f} ms/document; pool: {pooled * 1000:.1f} ms/document;"
          f" overhead {1000 * (pooled - inline):.1f} ms/document ({len(files)} seeds, median of {args.rounds})")


if __name__ == "__main__":
    main()
