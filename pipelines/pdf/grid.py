"""Table cells from a page's ruling lines.

The cells are what pdfplumber's "lines" strategy finds: the smallest boxes the lines close,
a merged cell being one box. They are computed per group of touching edges, on the grid of
the group's snapped lines (its slots joined across every boundary no line draws), so two
tables on one page never snap each other's boundaries. pdfplumber's table-finder functions
(`merge_edges`, `edges_to_intersections`, `intersections_to_cells`, `cells_to_tables`) fed
with the same edges were measured against this: they snap across tables (two tables'
boundaries 0.1-3 pt apart move), give identical cells only with snapping off, and take
3.6 times as long (18.5 against 5.2 ms a page, `intersections_to_cells` being quadratic
in the intersections), so the grid stays.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from pipelines.pdf.rules import Edge, Seg

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down, like pdfplumber)
SNAP = 4.0  # cell boundaries closer than this are one boundary (no column is narrower)


def cluster(values: Iterable[float]) -> list[float]:
    """Positions within SNAP of a group's first one are one position (their mean). A
    group's end is found by bisection and then settled by the test itself (`v - first >
    SNAP` and `v > first + SNAP` can round apart), so only the groups cost Python steps."""
    ordered = sorted(values)
    out, start, n = [], 0, len(ordered)
    while start < n:
        first = ordered[start]
        end = bisect_right(ordered, first + SNAP, start + 1)
        while end > start + 1 and ordered[end - 1] - first > SNAP:
            end -= 1
        while end < n and not ordered[end] - first > SNAP:
            end += 1
        out.append(sum(ordered[start:end]) / (end - start))
        start = end
    return out


def nearest(reps: list[float], v: float) -> int:
    """Index of the position in sorted `reps` nearest to v."""
    i = bisect_right(reps, v)
    if i == 0:
        return 0
    if i == len(reps):
        return i - 1
    return i if reps[i] - v < v - reps[i - 1] else i - 1


def nearest_of(reps: list[float], values: Iterable[float]) -> dict[float, int]:
    """`nearest(reps, v)` for each distinct v (cell boundaries repeat across a table)."""
    return {v: nearest(reps, v) for v in set(values)}


def find_tables(edges: list[Edge]) -> list[list[BBox]]:
    """Ruled tables from the edges, as pdfplumber's lines strategy finds them (the smallest
    boxes the lines close, a merged cell being one box), but on a grid: edges snapped to
    lines, the grid's slots joined across every boundary no line draws."""
    hs = [seg for kind, seg in edges if kind == "h"]
    vs = [seg for kind, seg in edges if kind == "v"]
    tables = []
    for h_group, v_group in _connected(hs, vs):
        cells = _grid_cells(h_group, v_group)
        if len(cells) >= 2:
            tables.append(cells)
    return tables


class _Sets:
    """Union-find over 0..n-1."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.root(i)] = self.root(j)

    def groups(self) -> list[list[int]]:
        """The sets, each in ascending order, ordered by their smallest member."""
        out: dict[int, list[int]] = {}
        parent = self.parent
        for i in range(len(parent)):
            out.setdefault(i if parent[i] == i else self.root(i), []).append(i)
        return list(out.values())


def _connected(hs: list[Seg], vs: list[Seg]) -> list[tuple[list[Seg], list[Seg]]]:
    """Groups of horizontal and vertical edges that touch one another: each horizontal edge
    meets the vertical ones in its x range, found by bisection over them sorted by x."""
    sets = _Sets(len(hs) + len(vs))
    order = sorted(range(len(vs)), key=lambda j: vs[j][0])
    xs = [vs[j][0] for j in order]
    reach = [(vs[j][1] - SNAP, vs[j][2] + SNAP, len(hs) + j) for j in order]  # y range, set member
    for i, (y, x0, x1) in enumerate(hs):
        for low, high, j in reach[bisect_left(xs, x0 - SNAP):bisect_right(xs, x1 + SNAP)]:
            if low <= y <= high:
                sets.join(i, j)
    groups = [([hs[i] for i in g if i < len(hs)], [vs[i - len(hs)] for i in g if i >= len(hs)]) for g in sets.groups()]
    return [g for g in groups if len(g[0]) >= 2 and len(g[1]) >= 2]


def _covered(spans: list[tuple[float, float]], points: list[float]) -> list[bool]:
    """For each of the ascending points, whether a span widened by SNAP holds it (one sweep:
    a point is covered when the spans starting before it reach it)."""
    widened = sorted((a - SNAP, b + SNAP) for a, b in spans)
    out, k, reach = [], 0, float("-inf")
    for p in points:
        while k < len(widened) and widened[k][0] <= p:
            reach = max(reach, widened[k][1])
            k += 1
        out.append(p <= reach)
    return out


class _Grid:
    """The lines of one table snapped to a grid; which slot boundaries are drawn: `v[i][r]`
    is whether vertical line i is drawn across row r (at its middle), `h[j][c]` whether
    horizontal line j is drawn across column c."""

    def __init__(self, hs: list[Seg], vs: list[Seg]) -> None:
        self.ys, self.xs = cluster(h[0] for h in hs), cluster(v[0] for v in vs)
        rows_at: list[list[tuple[float, float]]] = [[] for _ in self.ys]
        cols_at: list[list[tuple[float, float]]] = [[] for _ in self.xs]
        for y, x0, x1 in hs:
            rows_at[nearest(self.ys, y)].append((x0, x1))
        for x, y0, y1 in vs:
            cols_at[nearest(self.xs, x)].append((y0, y1))
        ymids = [(a + b) / 2 for a, b in zip(self.ys, self.ys[1:])]
        xmids = [(a + b) / 2 for a, b in zip(self.xs, self.xs[1:])]
        self.v = [_covered(spans, ymids) for spans in cols_at]
        self.h = [_covered(spans, xmids) for spans in rows_at]

    def closed(self, r0: int, r1: int, c0: int, c1: int) -> bool:
        v, h = self.v, self.h
        return (all(v[c0][r0:r1 + 1]) and all(v[c1 + 1][r0:r1 + 1])
                and all(h[r0][c0:c1 + 1]) and all(h[r1 + 1][c0:c1 + 1]))


def _grid_cells(hs: list[Seg], vs: list[Seg]) -> list[BBox]:
    """Slots joined across undrawn boundaries; a closed rectangle of slots is a cell."""
    grid = _Grid(hs, vs)
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    sets = _Sets(nr * nc)
    for c in range(1, nc):  # boundaries inside the grid that no line draws
        for r, drawn in enumerate(grid.v[c][:nr]):
            if not drawn:
                sets.join(r * nc + c - 1, r * nc + c)
    for r in range(1, nr):
        for c, drawn in enumerate(grid.h[r][:nc]):
            if not drawn:
                sets.join((r - 1) * nc + c, r * nc + c)
    cells = []
    v, h, xs, ys = grid.v, grid.h, grid.xs, grid.ys
    for group in sets.groups():
        if len(group) == 1:  # most slots: closed when its four sides are drawn
            r, c = divmod(group[0], nc)
            if v[c][r] and v[c + 1][r] and h[r][c] and h[r + 1][c]:
                cells.append((xs[c], ys[r], xs[c + 1], ys[r + 1]))
            continue
        r0, r1 = group[0] // nc, group[-1] // nc  # a group's slots are in ascending order
        c0, c1 = min(i % nc for i in group), max(i % nc for i in group)
        if len(group) == (r1 - r0 + 1) * (c1 - c0 + 1) and grid.closed(r0, r1, c0, c1):
            cells.append((xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    return cells
