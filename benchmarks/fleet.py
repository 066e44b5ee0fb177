"""Documents/s of `nianbao reparse`: in-process, and on a fleet of 1 and 2 `nianbao worker`
processes (Celery + a loopback redis-server), same corpus, same run. Prints figures; no
test is timed. The corpus: the seed texts, their gold as HTML, generated reports as HTML,
repeated `--copies` times with a distinct trailing comment so each is its own copy.

    python3 benchmarks/fleet.py [--generated N] [--copies K] [--concurrency C]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fleet_support import (build_archive, corpus_files, fleet_of, nianbao,  # noqa: E402
                                 redis_server, stale_copy, table_counts)


def variants(files: list[Path], copies: int, tmp: Path) -> list[Path]:
    """Each file `copies` times, made distinct by a comment line at its end."""
    out = []
    for k in range(copies):
        for f in files:
            target = tmp / f"v{k}-{f.name}"
            marker = f"\n<!-- copy {k} -->\n" if f.suffix == ".html" else f"\n（副本 {k}）\n"
            target.write_bytes(f.read_bytes() + marker.encode())
            out.append(target)
    return out


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    run = nianbao(*args, timeout=3600)
    if run.returncode != 0:
        raise SystemExit(run.stderr[-2000:])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=4)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=1, help="per worker")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        base = build_archive(tmp / "base", variants(corpus_files(opts.generated), opts.copies, tmp))
        docs = table_counts(base)["copies"]
        rows = [("in-process", timed(["reparse", "--archive", str(stale_copy(base, tmp / "in"))]))]
        with redis_server(tmp) as broker:
            for count in (1, 2):
                arc = stale_copy(base, tmp / f"fleet{count}")
                with fleet_of(broker, arc, tmp / f"logs{count}", count,
                              "--concurrency", str(opts.concurrency)):
                    rows.append((f"fleet, {count} worker(s)",
                                 timed(["reparse", "--archive", str(arc), "--broker", broker])))
    print(f"{docs} documents; reparse wall clock (workers already started)")
    for label, seconds in rows:
        print(f"  {label:<22} {seconds:7.1f} s  {docs / seconds:6.2f} documents/s")


if __name__ == "__main__":
    main()
