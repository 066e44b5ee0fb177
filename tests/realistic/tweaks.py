"""Changes a case makes to its report before rendering: how cells are written (units, notes,
negative changes, blanks) and which cells a reader cannot know (gold null + must_flag),
decided by tests.realistic.digits, never by a parser."""
from __future__ import annotations

import random

from tests.realistic import digits
from tests.realistic import figures as F
from tests.realistic.layout import active_lines
from tests.realistic.model import Report
from tests.realistic.text import app_paths, review_paths


def negative_changes(r: Report, licensing: int = -3, punishment: int = -1) -> None:
    F.put(r.tables, "active_disclosure/licensing/change", licensing)
    F.put(r.tables, "active_disclosure/punishment/change", punishment)


def procurement_with_unit(r: Report, count: int, amount: float, written: str) -> None:
    """第二十条(九) written `6` / `251000元`: the gold keeps the number as written."""
    F.put(r.tables, "active_disclosure/procurement/count", count)
    F.put(r.tables, "active_disclosure/procurement/amount", amount)
    r.texts["active_disclosure/procurement/amount"] = written


def blank_some_zeros(r: Report, seed: int, n: int = 6) -> list[str]:
    """Turn `n` zero cells of table 三 into blanks (null in the gold), beside explicit 0s."""
    zeros = [p for p in F.paths(r.tables) if p.startswith("applications/") and F.get(r.tables, p) == 0]
    chosen = random.Random(seed).sample(zeros, min(n, len(zeros)))
    r.blank(*chosen)
    return chosen


def notes_in_cells(r: Report, revised: int, lapsed: int) -> None:
    """`23（其中修订16件）`, `31（含自然失效29件）`: the leading figure is the cell's value."""
    issued = max(revised + 2, F.get(r.tables, "active_disclosure/normative_documents/issued"))
    repealed = lapsed + 2
    F.put(r.tables, "active_disclosure/normative_documents/issued", issued)
    F.put(r.tables, "active_disclosure/normative_documents/repealed", repealed)
    r.texts["active_disclosure/normative_documents/issued"] = f"{issued}（其中修订{revised}件）"
    r.texts["active_disclosure/normative_documents/repealed"] = f"{repealed}（含自然失效{lapsed}件）"


def concat_unknowns(r: Report) -> None:
    """The cells of every run the identities cannot cut one way (phenomenon 8)."""
    runs = {row: "".join(r.cell(p) for p in app_paths(row)) for row in F.app_rows(r.template)}
    for row in digits.ambiguous_app_rows(runs, r.template):
        r.unknown.update(app_paths(row))
    if digits.review_run_ambiguous("".join(r.cell(p) for p in review_paths())):
        r.unknown.update(review_paths())
    for head, _label, figs in active_lines(r.template):
        run = "".join(r.cell(p) for p in figs)
        if figs and "." not in run and digits.run_ambiguous(run, len(figs)):
            r.unknown.update(figs)


def lost_totals(r: Report, rows: list[str]) -> None:
    """Rows whose 总计 a converter dropped: the cells a reader cannot place are unknown."""
    for row in rows:
        paths = app_paths(row)
        shown = [F.get(r.tables, p) for p in paths[:6]]
        r.unknown.update(paths[c] for c in digits.lost_cell_unknowns(shown))


def lost_rows(r: Report, rows: list[str]) -> None:
    for row in rows:
        r.unknown.update(app_paths(row))


def set_row(r: Report, row: str, values: list[int]) -> None:
    for p, v in zip(app_paths(row), values):
        F.put(r.tables, p, v)


def mirrored_rows(r: Report, a: str, b: str, big: int = 11) -> None:
    """Give result rows `a` and `b` the figures (big, 1) and (1, big) in the first two columns,
    and balance the table through new_received: cutting both runs the other way keeps every
    identity, so neither run can be decided (phenomenon 8's ambiguous case)."""
    for row, (x, y) in ((a, (big, 1)), (b, (1, big))):
        for col, add in (("natural_person", x), ("commercial_enterprise", y)):
            for target in (row, "total_processed", "new_received"):
                for c in (col, "total"):
                    F.put(r.tables, f"applications/{target}/{c}", F.get(r.tables, f"applications/{target}/{c}") + add)


def normative_row(r: Report, issued: int, repealed: int, in_force: int) -> None:
    for col, v in (("issued", issued), ("repealed", repealed), ("in_force", in_force)):
        F.put(r.tables, f"active_disclosure/normative_documents/{col}", v)
