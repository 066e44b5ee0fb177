"""Table rows whose cells a text dump ran together (`规范性文件898989`, `（一）予以公开5100006`,
a row of table 三 read as `0000000`): found here, split by pipelines.digits with the
template's identities, and flagged wherever the split is not unique.

A run is recognised only where nothing else can be meant: a text line that is a known row
label followed directly by digits, or a row whose one figure token cannot be one figure
(a leading zero, or at least five digits where the row has three or more columns).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pipelines import template as T
from pipelines.cells import normalise, parse_number
from pipelines.digits import LIMIT, resolve_table, splits

_LINE = re.compile(r"^(.*?[^\d\s.．、,，])\s*(\d+(?:\.\d+)?)$")
_MAX_LABEL = 80  # the longest printed label (（六）其他处理 1.…) with its group heading


@dataclass(slots=True)
class Run:
    table: str
    key: str
    digits: str
    where: str


@functools.lru_cache(maxsize=4096)
def row_key(label: str, template: str) -> tuple[str, str] | None:
    """(table, row key) a label names in this template, or None."""
    active = T.match_row(label, T.ACTIVE_ROW_SPECS)
    if active in T.ACTIVE_DISCLOSURE[template]:
        return "active_disclosure", active
    review = T.match_row(label, T.REVIEW_ROW_SPECS)
    if review:
        return "review_litigation", review
    app = T.match_row(label, T.APPLICATION_ROW_SPECS)
    if app in T.APPLICATION_ROWS[template]:
        return "applications", app
    return None


def columns_of(table: str, key: str, template: str) -> tuple[str, ...]:
    if table == "active_disclosure":
        return T.ACTIVE_DISCLOSURE[template][key]
    return T.APPLICATION_COLUMNS if table == "applications" else T.REVIEW_COLUMNS


def run_in_line(text: str, template: str) -> tuple[str, str, str] | None:
    """(table, key, digits) when a text line is a row label with its digits run together."""
    line = normalise(text)
    if not line or not line[-1].isdecimal():  # \d is a decimal digit: most lines end otherwise
        return None
    m = _LINE.match(line)
    if not m or len(m.group(1)) > _MAX_LABEL or re.search(r"[。；;]|^(?:19|20)\d{2}", m.group(1)):
        return None
    found = row_key(m.group(1), template)
    n = len(columns_of(*found, template)) if found else 0
    if not found or (n > 1 and ("." in m.group(2) or len(m.group(2)) < n)):
        return None  # fewer digits than cells: a figure in a sentence, not a row
    return (*found, m.group(2))


def is_run(values: list[str], n_columns: int) -> bool:
    """A row's lone figure token that must be several cells run together."""
    figures = [normalise(v) for v in values if normalise(v)]
    if len(figures) != 1 or not figures[0].isdigit() or n_columns < 2:
        return False
    token = figures[0]
    return (len(token) > 1 and token.startswith("0")) or (n_columns >= 3 and len(token) >= max(5, n_columns))


def review_line(digits: str) -> list[tuple[tuple[int, ...], ...]]:
    """Every cut of a whole table 四 line (three rows of five cells run together) in which
    each row's four results add up to its total; at most LIMIT are examined."""
    found: list[tuple[tuple[int, ...], ...]] = []
    budget = [LIMIT]

    def rows(rest: str, done: tuple[tuple[int, ...], ...]) -> None:
        if len(done) == 3:
            if not rest:
                found.append(done)
            return
        for end in range(5, len(rest) - 5 * (2 - len(done)) + 1):
            for cut in splits(rest[:end], 5):
                budget[0] -= 1
                if budget[0] < 0:
                    return
                if sum(cut[:4]) == cut[4]:
                    rows(rest[end:], done + (cut,))

    rows(digits, ())
    return found if budget[0] >= 0 else found + [(), ()]  # over budget: never unique


def resolve(runs: list[Run], known: dict[str, dict[str, dict[str, object]]], template: str
            ) -> dict[tuple[str, str], tuple[dict[str, int | None], str | None, str | None]]:
    """Per (table, key) of a run: its cells, the reason to flag them (None when the split
    is unique and checked), and the note saying how it was split."""
    out = {}
    for r in runs:  # a one-cell row: the figure is the cell, nothing to split
        names = columns_of(r.table, r.key, template)
        if len(names) == 1:
            out[(r.table, r.key)] = ({names[0]: parse_number(r.digits)}, None,
                                     f"figure written against its label ({r.where})")
    # in the runs' order, not a set's: the flags' order must not depend on the hash seed
    for table in dict.fromkeys(r.table for r in runs if (r.table, r.key) not in out):
        mine = {r.key: r for r in runs if r.table == table and (r.table, r.key) not in out}
        given: dict[str, str | tuple[int | None, ...]] = {
            key: tuple(cells.values()) for key, cells in known[table].items()
            if key not in mine and all(isinstance(v, int) or v is None for v in cells.values())}
        given.update({key: r.digits for key, r in mine.items()})
        res = resolve_table(given, template, table)
        for key, r in mine.items():
            reason, note, cells = res.reasons.get(key), res.notes.get(key), res.cells(key)
            if reason and None in cells.values():  # not one split: none of the row's cells is known
                cells = dict.fromkeys(cells)
            out[(table, key)] = (cells, f"{reason} ({r.where})" if reason else None,
                                 f"{note} ({r.where})" if note else f"digits {r.digits!r} ({r.where})")
    return out
