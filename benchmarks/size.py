"""Archive size benchmark (issue 13): bytes per report against the report's own text.

    python3 benchmarks/size.py                   # 100,000 reports (about 20 minutes)
    python3 benchmarks/size.py --reports 5000    # a quick run

Builds the synthetic archive of benchmarks/search.py (reports from the seed reports'
sentences, full tables, stored through the real `Archive.save_parse`; no blobs), VACUUMs it,
and prints from that one run

    ROW archive size: <figure> KB per report; anchor: its text <anchor> KB; ratio <x>;
        target <= 25 KB (<figure / 25>)

then where the bytes are: every table and index (SQLite's dbstat) in KB per report.
"""
from __future__ import annotations

import argparse
import importlib.util
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_KB = 25.0


def _search_bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "benchmarks" / "search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(path: Path) -> tuple[int, float, float, list[tuple[str, float, float]]]:
    """(reports, file KB per report, text KB per report, [(table or index, KB, payload KB)])."""
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    n = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    text = conn.execute("SELECT sum(length(CAST(text AS BLOB))) FROM reports").fetchone()[0]
    rows = conn.execute("SELECT name, sum(pgsize), sum(payload) FROM dbstat GROUP BY name"
                        " ORDER BY 2 DESC").fetchall()
    conn.close()
    per = [(name, size / n / 1e3, payload / n / 1e3) for name, size, payload in rows]
    return n, path.stat().st_size / n / 1e3, text / n / 1e3, per


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--dir", type=Path, help="where to build (default: a temporary folder)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nianbao-size-") as tmp:
        root = (args.dir or Path(tmp)) / "archive"
        print(f"building {args.reports} reports in {root} …", flush=True)
        seconds, _ = _search_bench().build(root, args.reports, args.seed)
        print(f"built in {seconds:.0f} s", flush=True)
        n, figure, anchor, per = measure(root / "archive.db")
    print(f"ROW archive size: {figure:.1f} KB per report; anchor: its text {anchor:.1f} KB;"
          f" ratio {figure / anchor:.2f}x; target <= {TARGET_KB:.0f} KB"
          f" ({figure / TARGET_KB:.2f} of it); {n} reports")
    print("where the bytes are (KB per report, page size / payload):")
    for name, size, payload in per:
        if size >= 0.005:
            print(f"  {name:<34} {size:7.2f}  {payload:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
