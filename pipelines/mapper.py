"""Template-aware mapper: the rows of any Document -> the three standard tables.

Rows are found by their labels wherever they stand (pdftotext interleaves tables, and a
section heading can fall inside a table), and fall back on their position in the template
when OCR lost the label. Figure cells align by the known column count: a row's figures are
the trailing run of number-or-blank cells, taken from the right (the 总计 column is last and
the one most often filled), so seed 001's 予以公开 row with one figure is `total` only.
Every guess is recorded in `flags`, every cell's origin in `provenance`.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pipelines import concat
from pipelines import template as T
from pipelines.cells import LOST, is_blank, is_number, is_value, normalise, reading
from pipelines.document import Document, TableBlock, TextBlock, squash

Value = int | float | None
_MAX_LABEL_LINE = 40


@dataclass(slots=True)
class Row:
    label: str  # the label cells joined, white space removed
    values: list[str]  # the trailing figure cells, raw
    columns: list[int]  # the source column of each figure cell
    where: str  # provenance of the row, e.g. "table 3 row 7"
    exact: bool  # the grid's rows line up: a trailing blank is a real blank
    structured: bool = False  # the grid has real cell structure (HTML, DOCX, ruled PDF)


@dataclass(slots=True)
class Mapped:
    tables: dict[str, dict[str, dict[str, Value]]]
    provenance: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    consumed_lines: set[int] = field(default_factory=set)  # ids of text blocks used as labels
    cell_flags: dict[str, str] = field(default_factory=dict)  # "table/row/col" -> why it is doubtful

    def flag_row(self, table: str, key: str, names: tuple[str, ...], reason: str) -> None:
        """A doubt about a whole row: the row-level flag, and each of its cells marked."""
        self.flags.append(f"{table}.{key}: {reason}")
        for name in names:
            self.cell_flags.setdefault(f"{table}/{key}/{name}", reason)


def _where(table: TableBlock, r: int) -> str:
    page = f"page {table.page} " if table.page else ""
    line = f" (line {table.line + r})" if table.line and not table.exact_columns else ""
    return f"{page}table {table.index + 1} row {r + 1}{line}"


def _figure_edge(lasts: list[int]) -> int | None:
    """The column of the rightmost figure, when at least 80% of figure rows agree on it
    (`lasts`: each row's rightmost figure column, -1 for a row without one).

    A grid is only trusted as exact when its rows line up: then a blank in the last column
    is a real blank. Grids rebuilt from tab-separated text are rectangular but ragged inside
    (labels span a varying number of cells); they are read like text.
    """
    edges = [last for last in lasts if last >= 0]
    if not edges:
        return None
    edge = max(set(edges), key=edges.count)
    return edge if edges.count(edge) >= 0.8 * len(edges) else None


def _last_number(cells: list[str]) -> int:
    """The column of the row's rightmost figure, -1 when it has none."""
    for c in range(len(cells) - 1, -1, -1):
        if is_number(cells[c]):
            return c
    return -1


def _split(cells: list[str]) -> tuple[str, list[str], list[int]]:
    """Label = the cells before the trailing run of figure cells; figures = that run."""
    cut = len(cells)
    while cut > 0 and is_value(cells[cut - 1]):
        cut -= 1
    label_cells: list[str] = []
    for cell in cells[:cut]:
        if cell.strip() and (not label_cells or label_cells[-1] != cell):
            label_cells.append(cell)  # merged cells repeat their text once per column
    return squash("".join(label_cells)), cells[cut:], list(range(cut, len(cells)))


def iter_rows(doc: Document) -> Iterator[Row | TextBlock]:
    """The document's rows and text lines in reading order."""
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            yield block
            continue
        lasts = [_last_number(cells) for cells in block.rows] if block.exact_columns else []
        edge = _figure_edge(lasts) if block.exact_columns else None
        for r, cells in enumerate(block.rows):
            if edge is not None:  # blanks right of the table's figure edge are padding
                cells = cells[: max(edge, lasts[r]) + 1]
            label, values, cols = _split(cells)
            yield Row(label, values, cols, _where(block, r), edge is not None, block.exact_columns)


def _trimmed(row: Row) -> tuple[list[str], list[int]]:
    """Figures with the trailing blanks of a text-rebuilt row dropped (they are artefacts)."""
    values, cols = list(row.values), list(row.columns)
    if not row.exact:
        while values and is_blank(values[-1]) and values[-1] != LOST:
            values.pop()
            cols.pop()
    return values, cols


class _Builder:
    def __init__(self, template: str) -> None:
        self.template = template
        self.active_cols = T.ACTIVE_DISCLOSURE[template]
        self.app_rows = T.APPLICATION_ROWS[template]
        self.out = Mapped(tables=_empty_tables(template))
        self.cursor = 0  # next applications row expected, for rows whose label was lost
        self.tentative: set[str] = set()  # rows read from all-blank cells, replaceable
        self.runs: list[concat.Run] = []  # rows whose cells ran together, split at the end

    def add(self, row: Row, label: str) -> bool:
        values, cols = _trimmed(row)
        numbers = sum(map(is_number, values))
        if not numbers:
            return self._blank_row(row, label, row.values, row.columns)
        found = concat.row_key(label, self.template) if label else None
        if found and concat.is_run(values, len(concat.columns_of(*found, self.template))):
            if found[0] == "review_litigation" and len(normalise(values[0])) >= 15:
                return self._put_review_run(normalise(values[0]), row)
            self.runs.append(concat.Run(*found, normalise(values[0]), row.where))
            return True
        active = T.match_row(label, T.ACTIVE_ROW_SPECS)
        if active and active in self.active_cols and len(values) <= 4:
            return self._put_active(active, row, values, cols)
        if len(values) >= 15 and numbers >= 10:
            return self._put_review_line(row, values, cols)
        review = T.match_row(label, T.REVIEW_ROW_SPECS)
        if review and 4 <= len(values) <= 6:
            return self._put(("review_litigation", review), T.REVIEW_COLUMNS, row, values, cols)
        app = T.match_row(label, T.APPLICATION_ROW_SPECS)
        if app:
            return self._put_app(app, row, values, cols, guessed=False)
        if len(values) >= 6 and self.cursor < len(self.app_rows):
            fuzzy = T.fuzzy_row(label, self.app_rows[self.cursor:]) if label else None
            if fuzzy:
                self.out.flag_row("applications", fuzzy, T.APPLICATION_COLUMNS,
                                  f"label {label!r} read by resemblance ({row.where})")
                return self._put_app(fuzzy, row, values, cols, guessed=False)
            return self._put_app(self.app_rows[self.cursor], row, values, cols, guessed=True)
        return False

    def _blank_row(self, row: Row, label: str, values: list[str], cols: list[int]) -> bool:
        """A labelled row with every figure cell blank, in a real grid: its cells are known
        blanks. Kept tentatively: header rows ("…总计") look the same, so any later row with
        figures for the same key replaces it, and it never moves the position cursor."""
        if not (row.structured and values):
            return False  # text-rebuilt header lines and empty rows carry no figures
        active = T.match_row(label, T.ACTIVE_ROW_SPECS)
        if active in self.active_cols:
            key, table, names = active, "active_disclosure", self.active_cols[active]
        else:
            app = T.match_row(label, T.APPLICATION_ROW_SPECS)
            if app not in self.app_rows:
                return False
            key, table, names = app, "applications", T.APPLICATION_COLUMNS
        if any(f"{table}/{key}/{n}" in self.out.provenance for n in names):
            return False
        cursor = self.cursor
        if table == "active_disclosure":
            done = self._put_active(key, row, values, cols)
        else:
            done = self._put((table, key), names, row, values, cols)
        self.cursor = cursor
        self.tentative.add(f"{table}/{key}")
        return done

    def _put_active(self, key: str, row: Row, values: list[str], cols: list[int]) -> bool:
        names = self.active_cols[key]
        numbers = [(v, c) for v, c in zip(values, cols) if is_number(v)]
        if len(numbers) == len(names):  # one figure per column, whatever blanks lie between
            values, cols = [v for v, _ in numbers], [c for _, c in numbers]
        elif row.exact:  # real cells: table 二's figure columns start right after the label
            values, cols = values[: len(names)], cols[: len(names)]
        if len(values) < len(names):  # fewer figures than columns: the first ones are filled
            self.out.flag_row("active_disclosure", key, names,
                              f"{len(values)} of {len(names)} cells, left-aligned ({row.where})")
            pad = len(names) - len(values)
            values, cols = values + [""] * pad, cols + [-1] * pad
        return self._assign("active_disclosure", key, names, values[-len(names):], cols[-len(names):], row)

    def _put_review_run(self, digits: str, row: Row) -> bool:
        """Table 四's whole line of fifteen cells run together: taken when one cut fits."""
        cuts = concat.review_line(digits)
        where = f"{row.where}, digits {digits!r}"
        for i, key in enumerate(T.REVIEW_ROWS):
            values = cuts[0][i] if len(cuts) == 1 else (None,) * 5
            self.out.tables["review_litigation"][key].update(zip(T.REVIEW_COLUMNS, values))
            for name in T.REVIEW_COLUMNS:
                self.out.provenance[f"review_litigation/{key}/{name}"] = where
        for key in T.REVIEW_ROWS if len(cuts) != 1 else ():
            self.out.flag_row("review_litigation", key, T.REVIEW_COLUMNS, f"{len(cuts) or 'no'} ways to cut {where}")
        return True

    def _put_review_line(self, row: Row, values: list[str], cols: list[int]) -> bool:
        values, cols = values[-15:], cols[-15:]
        for i, key in enumerate(T.REVIEW_ROWS):
            part = slice(5 * i, 5 * i + 5)
            self._assign("review_litigation", key, T.REVIEW_COLUMNS, values[part], cols[part], row)
        return True

    def _put_app(self, key: str, row: Row, values: list[str], cols: list[int], guessed: bool) -> bool:
        if key not in self.app_rows:
            self.out.flags.append(f"applications.{key}: row of the other template, ignored ({row.where})")
            return False
        if guessed:
            self.out.flag_row("applications", key, T.APPLICATION_COLUMNS,
                              f"label unreadable, row taken by position ({row.where})")
        self.cursor = max(self.cursor, self.app_rows.index(key) + 1)
        return self._put(("applications", key), T.APPLICATION_COLUMNS, row, values, cols)

    def _put(self, where: tuple[str, str], names: tuple[str, ...], row: Row,
             values: list[str], cols: list[int]) -> bool:
        table, key = where
        n = len(names)
        if len(values) > n and any(not is_blank(v) for v in values[:-n]):
            self.out.flag_row(table, key, names, f"{len(values)} cells for {n} columns, kept the last {n} ({row.where})")
        if len(values) < n:
            pad = n - len(values)
            values, cols = [""] * pad + values, [-1] * pad + cols
        return self._assign(table, key, names, values[-n:], cols[-n:], row)

    def _assign(self, table: str, key: str, names: tuple[str, ...], values: list[str],
                cols: list[int], row: Row) -> bool:
        target = self.out.tables[table][key]
        path = f"{table}/{key}"
        provenance = self.out.provenance
        cells = [f"{path}/{name}" for name in names]
        if path in self.tentative:
            self.tentative.discard(path)
            for cell in cells:
                provenance.pop(cell, None)
        if any(cell in provenance for cell in cells):
            self.out.flags.append(f"{path}: found twice, kept the first ({row.where})")
            return False
        for name, cell, value, col in zip(names, cells, values, cols):
            target[name], note = reading(value)
            where = f"{row.where} col {col + 1}" if col >= 0 else f"{row.where} (absent)"
            provenance[cell] = f"{where}, written {note!r}" if note else where
            if value == LOST:
                self.out.cell_flags[cell] = f"the source row has no cell here: a figure was lost ({row.where})"
        return True


    def split_runs(self) -> None:
        """Cut the rows whose cells ran together, with the identities over all rows read."""
        for (table, key), (cells, reason, note) in concat.resolve(self.runs, self.out.tables, self.template).items():
            path = f"{table}/{key}"
            if any(f"{path}/{name}" in self.out.provenance for name in cells):
                self.out.flags.append(f"{path}: found twice, kept the first ({note})")
                continue
            self.out.tables[table][key].update(cells)
            for name, value in cells.items():
                self.out.provenance[f"{path}/{name}"] = note or ""
                if reason:
                    self.out.cell_flags[f"{path}/{name}"] = reason
            if reason:
                self.out.flags.append(f"{table}.{key}: {reason}")


def _empty_tables(template: str) -> dict[str, dict[str, dict[str, Value]]]:
    return {
        "active_disclosure": {k: dict.fromkeys(cols) for k, cols in T.ACTIVE_DISCLOSURE[template].items()},
        "applications": {k: dict.fromkeys(T.APPLICATION_COLUMNS) for k in T.APPLICATION_ROWS[template]},
        "review_litigation": {k: dict.fromkeys(T.REVIEW_COLUMNS) for k in T.REVIEW_ROWS},
    }


def map_tables(doc: Document, template: str) -> Mapped:
    """Fill the template's tables from the document's rows; text lines just before a row
    that has figures but no label of its own are that row's label (pdftotext splits them)."""
    builder = _Builder(template)
    pending: list[TextBlock] = []
    for item in iter_rows(doc):
        if isinstance(item, TextBlock) and (run := concat.run_in_line(item.text, template)):
            builder.runs.append(concat.Run(*run, _line_where(item)))
            builder.out.consumed_lines.add(id(item))
            pending = []
            continue
        if isinstance(item, TextBlock):
            text = squash(item.text)
            pending = pending + [item] if len(text) <= _MAX_LABEL_LINE else []
            continue
        label = item.label or "".join(squash(b.text) for b in pending)
        if builder.add(item, label) and not item.label:
            builder.out.consumed_lines.update(id(b) for b in pending)
        pending = []
    builder.split_runs()
    _flag_missing(builder.out)
    return builder.out


def _line_where(block: TextBlock) -> str:
    page = f"page {block.page} " if block.page else ""
    return f"{page}line {block.line}" if block.line else f"{page}text line"


def _flag_missing(out: Mapped) -> None:
    found = {tuple(path.split("/", 2)[:2]) for path in out.provenance}
    for table, rows in out.tables.items():
        missing = [k for k in rows if (table, k) not in found]
        if missing:
            out.flags.append(f"{table}: rows not found: {', '.join(missing)}")
        for key in missing:
            for name in rows[key]:
                out.cell_flags.setdefault(f"{table}/{key}/{name}", "row not found in the document")
