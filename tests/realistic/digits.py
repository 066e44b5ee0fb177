"""What a reader can know from figures that lost their separators or a column, decided by
brute force over every reading, independently of any parser.

A digit run (`0123` style, one table row's cells written without separators) is cut into
the row's cell count in every way (no leading zeros but "0" itself). A reading of table 三 is
one cut per row; it stands when every row's six applicant columns add up to 总计 and every
column balances (new_received + carried_over = total_processed + carried_forward) and sums
its results to total_processed. A run is resolvable when all readings that stand cut it the
same way; otherwise all of its cells are unknown (gold null + must_flag)."""
from __future__ import annotations

import itertools
from typing import Iterator, Sequence

from tests.realistic.figures import result_rows

MAX_READINGS = 200_000


def cuts(run: str, n: int) -> list[tuple[int, ...]]:
    out = []
    for pos in itertools.combinations(range(1, len(run)), n - 1):
        parts = [run[a:b] for a, b in zip((0, *pos), (*pos, len(run)))]
        if all(p == "0" or not p.startswith("0") for p in parts):
            out.append(tuple(int(p) for p in parts))
    return out


def _row_ok(v: Sequence[int]) -> bool:
    return sum(v[:6]) == v[6]


def _table_ok(reading: dict[str, tuple[int, ...]], template: str) -> bool:
    for c in range(7):
        col = {row: vals[c] for row, vals in reading.items()}
        if col["new_received"] + col["carried_over"] != col["total_processed"] + col["carried_forward"]:
            return False
        if sum(col[r] for r in result_rows(template)) != col["total_processed"]:
            return False
    return True


def _readings(options: dict[str, list[tuple[int, ...]]]) -> Iterator[dict[str, tuple[int, ...]]]:
    rows = list(options)
    count = 1
    for r in rows:
        count *= len(options[r])
    if count > MAX_READINGS:
        raise ValueError(f"{count} readings: choose figures with fewer ambiguous runs")
    for combo in itertools.product(*(options[r] for r in rows)):
        yield dict(zip(rows, combo))


def ambiguous_app_rows(runs: dict[str, str], template: str) -> set[str]:
    """Rows of table 三 (row key -> its digit run) whose cut the identities do not decide."""
    options = {row: [v for v in cuts(run, 7) if _row_ok(v)] for row, run in runs.items()}
    chosen: dict[str, set[tuple[int, ...]]] = {row: set() for row in runs}
    for reading in _readings(options):
        if _table_ok(reading, template):
            for row, vals in reading.items():
                chosen[row].add(vals)
    return {row for row, seen in chosen.items() if len(seen) != 1}


def review_run_ambiguous(run: str) -> bool:
    """The 15 figures of table 四 on one run: decided when one cut gives three rows that add up."""
    ok = [v for v in cuts(run, 15) if all(sum(v[i:i + 4]) == v[i + 4] for i in (0, 5, 10))]
    return len(ok) != 1


def run_ambiguous(run: str, n: int) -> bool:
    """A row with no identity (table 二): decided only when one cut exists."""
    return n > 1 and len(cuts(run, n)) != 1


def lost_cell_unknowns(shown: Sequence[int]) -> set[int]:
    """Table 三 row printed with six of its seven figures: the column indexes a reader cannot
    know. "Column k was lost" stands unless the row total cannot be met: for an applicant
    column, the five others must not exceed 总计 (the lost one is their difference); a lost
    总计 always stands."""
    known: dict[int, set[int | None]] = {c: set() for c in range(7)}
    for k in range(7):
        vals: list[int | None] = [*shown[:k], None, *shown[k:]]
        if k < 6 and sum(v for v in vals[:6] if v is not None) > (vals[6] or 0):
            continue
        for c in range(7):
            known[c].add(vals[c])
    return {c for c, seen in known.items() if len(seen) != 1 or None in seen}
