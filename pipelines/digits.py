"""Split digit runs whose cell separators a text dump lost, using the template's identities.

Some text dumps of annual reports drop the separators between table cells, so a row reads
``规范性文件898989`` or ``（一）予以公开5100006``. The digits are there; the split is not.
This module cuts such a run into the row's cells only where exactly one cut satisfies the
identities the template defines (spec: checks), and otherwise says it cannot: the cells it
cannot decide stay ``None`` and the row gets a reason. It never guesses silently.

Assumptions behind every split (a run that breaks them gives a wrong or no split, which is
why a split is only taken when the identities single it out):

- every cell of the row gave at least one digit (no blank cell inside a run) and no digit
  was lost or added;
- a cell has no leading zero: a report writes "0", never "05";
- a run is ASCII digits only: a sign (2019's 本年增/减) or a decimal point (万元) refuses it.

Identities used: a row of table 三 adds its six applicant columns up to ``total`` and a row
of table 四 adds upheld + corrected + other + pending up to ``total`` (the row totals); then,
across the rows of table 三, per column, the results sum (granted + … + other_* =
total_processed) and the balance (new_received + carried_over = total_processed +
carried_forward) prune what the row totals left open. A cell that has the same value in
every cut that survives is filled even when the row as a whole stays ambiguous.

Table 二 (active disclosure) has no identity. A run there is taken only when it has exactly
one digit per column, the one cut of n digits into n cells. That is itself an assumption
(no blank cell, no lost digit, nothing to check it against), so such a row is filled *and*
flagged with a reason. A one-column row's run is simply its cell.

Bounds: a row's run is given up (with a reason) when it has more than ``LIMIT`` cuts, and
the search across rows is not tried when the rows' combinations exceed ``LIMIT``, so no
document can take unbounded time. Pure and dependency-free: only ``pipelines.template``.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from pipelines.template import (
    ACTIVE_DISCLOSURE,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
)

LIMIT = 10_000  # cuts of one run, or combinations across rows, examined at most
TABLES = ("active_disclosure", "applications", "review_litigation")

Cut = tuple[int, ...]
Known = tuple[int | None, ...]
_BALANCE_LEFT = ("new_received", "carried_over")
_BALANCE_RIGHT = ("total_processed", "carried_forward")


@dataclass(frozen=True, slots=True)
class Resolution:
    """Per row of one table: its values in the template's column order (``columns``), a
    reason where a cell was left blank or a value rests on an unchecked assumption (a flag
    for review), and a note where an identity decided the split (informational)."""

    values: dict[str, Known] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    def cells(self, row: str) -> dict[str, int | None]:
        """One row as the spec's object: column key -> value."""
        return dict(zip(self.columns[row], self.values[row]))


def splits(run: str, n: int, max_cell: int | None = None) -> Iterator[Cut]:
    """Every way to cut the digit string into n non-negative integers, no cell with a
    leading zero ("0" itself is fine), each at most ``max_cell`` when given; in order of
    the first cell's length, then the next's. Raises ValueError for a non-digit run."""
    if not _is_digits(run) and run != "":
        raise ValueError(f"not a digit run: {run!r}")
    if n < 0 or (max_cell is not None and max_cell < 0):
        raise ValueError(f"bad cell count or bound: n={n}, max_cell={max_cell}")
    width = len(str(max_cell)) if max_cell is not None else max(len(run), 1)
    return _cut(run, 0, n, width, max_cell)


def _is_digits(run: str) -> bool:
    return run.isascii() and run.isdigit()


def _piece_ok(piece: str, max_cell: int | None) -> bool:
    if piece[0] == "0" and len(piece) > 1:
        return False
    return max_cell is None or int(piece) <= max_cell


def _cut(run: str, start: int, n: int, width: int, max_cell: int | None) -> Iterator[Cut]:
    rest = len(run) - start
    if n == 0:
        if rest == 0:
            yield ()
        return
    if rest < n or rest > n * width:
        return
    if n == 1:
        if _piece_ok(run[start:], max_cell):
            yield (int(run[start:]),)
        return
    last = start + 1 if run[start] == "0" else min(start + width, len(run) - n + 1)
    for end in range(start + 1, last + 1):
        if not _piece_ok(run[start:end], max_cell):
            return  # a longer piece from here is larger still
        for tail in _cut(run, end, n - 1, width, max_cell):
            yield (int(run[start:end]), *tail)


def resolve_table(
    runs: Mapping[str, str | Known], template: str, table: str
) -> Resolution:
    """Resolve one table's runs. ``runs`` maps a row key to its digit run, or to a tuple of
    its values (``None`` for a blank cell) when the row was read fine; such rows are kept
    as given and take part in the column sums. Example::

        resolve_table({"review": "1020012"}, "2021", "review_litigation").values
        # {"review": (10, 2, 0, 0, 12)}: the only cut whose four results add up to 12
    """
    if template not in APPLICATION_ROWS:
        raise ValueError(f"unknown template: {template!r}")
    columns = {key: _columns(template, table, key) for key in runs}
    for key, given in runs.items():
        if not isinstance(given, str) and len(given) != len(columns[key]):
            raise ValueError(f"row {key!r}: {len(given)} values for {len(columns[key])} columns")
    out = Resolution(columns=columns)
    if table == "active_disclosure":
        _resolve_active(runs, out)
    else:
        _resolve_totalled(runs, template, table, out)
    return out


def _columns(template: str, table: str, key: str) -> tuple[str, ...]:
    if table == "applications" and key in APPLICATION_ROWS[template]:
        return APPLICATION_COLUMNS
    if table == "review_litigation" and key in REVIEW_ROWS:
        return REVIEW_COLUMNS
    if table == "active_disclosure" and key in ACTIVE_DISCLOSURE[template]:
        return ACTIVE_DISCLOSURE[template][key]
    if table not in TABLES:
        raise ValueError(f"unknown table: {table!r}")
    raise ValueError(f"no row {key!r} in table {table!r} of template {template}")


# --- table 二: no identity -------------------------------------------------------------


def _resolve_active(runs: Mapping[str, str | Known], out: Resolution) -> None:
    for key, given in runs.items():
        n = len(out.columns[key])
        if not isinstance(given, str):
            out.values[key] = given
            continue
        out.values[key] = (None,) * n
        if not _is_digits(given):
            out.reasons[key] = f"{given!r} is not a digit run; cells left blank"
        elif n == 1 and _piece_ok(given, None):
            out.values[key] = (int(given),)
            out.notes[key] = f"digits {given!r} are the row's one cell"
        elif n == 1:
            out.reasons[key] = f"digits {given!r} have a leading zero; cell left blank"
        elif len(given) == n:
            out.values[key] = tuple(int(d) for d in given)
            out.reasons[key] = (
                f"digits {given!r} read as one digit per cell: an assumption, "
                "table 二 has no identity to check it"
            )
        else:
            out.reasons[key] = (
                f"digits {given!r} ({len(given)} digits) for {n} cells: table 二 has no "
                "identity to choose a split; cells left blank"
            )


# --- tables 三 and 四: row totals, then (三) the column sums ------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    run: str
    candidates: tuple[Cut, ...]  # the cuts that satisfy the row total
    problem: str | None = None  # why there is no candidate


def _row_total(cut: Cut) -> bool:
    return sum(cut[:-1]) == cut[-1]


def _candidates(run: str, n: int, identity: Callable[[Cut], bool]) -> _Row:
    if not _is_digits(run):
        return _Row(run, (), f"{run!r} is not a digit run; cells left blank")
    found: list[Cut] = []
    for seen, cut in enumerate(splits(run, n), start=1):
        if seen > LIMIT:
            return _Row(run, (), (
                f"digits {run!r} have more than {LIMIT:,} splits into {n} cells; "
                "search given up, cells left blank"
            ))
        if identity(cut):
            found.append(cut)
    if found:
        return _Row(run, tuple(found))
    if len(run) < n:
        why = f"digits {run!r} ({len(run)} digits) are too few for {n} cells"
    elif next(splits(run, n), None) is None:
        why = f"digits {run!r} cannot be cut into {n} cells without a leading zero"
    else:
        why = f"digits {run!r}: no split into {n} cells satisfies the row total"
    return _Row(run, (), why + "; cells left blank")


def _agree(cuts: tuple[Cut, ...]) -> Known:
    """Per cell, the value every cut gives it, else None."""
    return tuple(col[0] if len(set(col)) == 1 else None for col in zip(*cuts))


def _resolve_totalled(
    runs: Mapping[str, str | Known], template: str, table: str, out: Resolution
) -> None:
    rows: dict[str, _Row] = {}
    for key, given in runs.items():
        if isinstance(given, str):
            rows[key] = _candidates(given, len(out.columns[key]), _row_total)
        else:
            out.values[key] = given
    for key, row in rows.items():
        if len(row.candidates) == 1:
            out.values[key] = row.candidates[0]
            out.notes[key] = f"digits {row.run!r} split by the row total"
        elif row.problem is not None:
            out.values[key] = (None,) * len(out.columns[key])
            out.reasons[key] = row.problem
    open_rows = {k: r.candidates for k, r in rows.items() if len(r.candidates) > 1}
    if not open_rows:
        return
    if table == "applications":
        _search_columns(open_rows, {k: rows[k].run for k in open_rows}, template, out)
    else:
        for key, cuts in open_rows.items():
            _settle(key, rows[key].run, cuts, "", out)


def _settle(key: str, run: str, cuts: tuple[Cut, ...], how: str, out: Resolution) -> None:
    """Record a row that the row total left open, after whatever pruning ``how`` names."""
    by = "the row total" + (" and the column sums" if how == "pruned" else "")
    if len(cuts) == 1:
        out.values[key] = cuts[0]
        out.notes[key] = f"digits {run!r} split by {by}"
        return
    out.values[key] = _agree(cuts)
    blank = sum(v is None for v in out.values[key])
    cells = "cells" if blank == len(cuts[0]) else f"{blank} cell{'s' if blank > 1 else ''}"
    reason = f"digits {run!r} split {len(cuts)} ways that satisfy {by}; {cells} left blank"
    if how == "gave_up":
        reason += f" (the column sums were not tried: over {LIMIT:,} combinations)"
    elif how == "no_solution":
        reason += " (no combination of the rows satisfies the column sums)"
    out.reasons[key] = reason


# --- the search across the rows of table 三 ------------------------------------------------


def _search_columns(
    open_rows: dict[str, tuple[Cut, ...]], runs: dict[str, str], template: str, out: Resolution
) -> None:
    """Prune the open rows with the column sums (the other rows fixed as they stand)."""
    combos = math.prod(len(cuts) for cuts in open_rows.values())
    if combos > LIMIT:
        for key, cuts in open_rows.items():
            _settle(key, runs[key], cuts, "gave_up", out)
        return
    fixed = {k: v for k, v in out.values.items() if k not in open_rows}
    kept, assessable = _surviving(open_rows, fixed, template)
    for key, cuts in open_rows.items():
        if not assessable:
            _settle(key, runs[key], cuts, "", out)
        elif not kept[key]:
            _settle(key, runs[key], cuts, "no_solution", out)
        else:
            _settle(key, runs[key], tuple(kept[key]), "pruned", out)


def _surviving(
    open_rows: dict[str, tuple[Cut, ...]], fixed: dict[str, Known], template: str
) -> tuple[dict[str, list[Cut]], bool]:
    """Per open row, the cuts found in some combination whose column sums all hold; and
    whether any column sum could be assessed at all."""
    keys = list(open_rows)
    kept: dict[str, list[Cut]] = {k: [] for k in keys}
    assessable = False
    for combo in itertools.product(*(open_rows[k] for k in keys)):
        verdicts = _column_sums(fixed | dict(zip(keys, combo)), template)
        assessable = assessable or bool(verdicts)
        if all(verdicts):
            for key, cut in zip(keys, combo):
                if cut not in kept[key]:
                    kept[key].append(cut)
    return kept, assessable


def _column_sums(table: Mapping[str, Known], template: str) -> list[bool]:
    """The results and balance identities, per column, that every cell they need is
    known for: True where one holds, False where it fails."""
    results = [k for k in APPLICATION_ROWS[template] if k not in _BALANCE_LEFT + _BALANCE_RIGHT]
    out: list[bool] = []
    for i in range(len(APPLICATION_COLUMNS)):
        for left, right in ((results, ["total_processed"]), (_BALANCE_LEFT, _BALANCE_RIGHT)):
            cells = [_cell(table, k, i) for k in (*left, *right)]
            if any(c is None for c in cells):
                continue
            lhs = sum(c for c in cells[: len(left)] if c is not None)
            rhs = sum(c for c in cells[len(left):] if c is not None)
            out.append(lhs == rhs)
    return out


def _cell(table: Mapping[str, Known], key: str, i: int) -> int | None:
    row = table.get(key)
    return None if row is None else row[i]
