"""A small line chart drawn as inline SVG for a body's page: no JavaScript, no image file.

Years along x, one line per series; a missing value (no report that year, or a blank
total) is a gap, never a zero. The y axis starts at 0 and always has a range (all values
equal, or all 0, still give a readable axis); a single year is a single point in the middle.
"""
from __future__ import annotations

import html
import math

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 130, 16, 32
COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def nice_top(peak: float) -> float:
    """The top of the y axis: a round number at or above `peak` (at least 1)."""
    if peak <= 1:
        return 1.0
    step = 10 ** math.floor(math.log10(peak))
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= peak:
            return float(m * step)
    return float(10 * step)


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(v: float, top: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - v / top)


def _segments(values: list[float | None]) -> list[list[int]]:
    """Runs of consecutive indexes with a value."""
    runs: list[list[int]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [r for r in runs if r]


def line_chart(years: list[int], series: dict[str, list[float | None]], title: str) -> str:
    """The SVG markup (already escaped) of `series` over `years`."""
    peak = max([v for vs in series.values() for v in vs if v is not None] or [0])
    top = nice_top(float(peak))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="nianbao-chart" role="img"'
           f' viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
           f"<title>{html.escape(title)}</title>"]
    out += _axes(years, top)
    for k, (label, values) in enumerate(series.items()):
        out += _series(k, label, values, top)
    out.append("</svg>")
    return "\n".join(out)


def _axes(years: list[int], top: float) -> list[str]:
    base = _y(0, top)
    out = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#888"/>']
    for t in (0, top / 2, top):
        y = _y(t, top)
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end"'
                   f' font-size="11">{t:g}</text>')
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"'
                   ' stroke="#eee"/>')
    for i, year in enumerate(years):
        out.append(f'<text x="{_x(i, len(years)):.1f}" y="{HEIGHT - 10}" text-anchor="middle"'
                   f' font-size="11" class="year">{year}</text>')
    return out


def _series(k: int, label: str, values: list[float | None], top: float) -> list[str]:
    color = COLORS[k % len(COLORS)]
    n = len(values)
    out = []
    for run in _segments(values):
        points = " ".join(f"{_x(i, n):.1f},{_y(values[i] or 0, top):.1f}" for i in run)
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2"'
                   f' points="{points}"/>')
        out += [f'<circle cx="{_x(i, n):.1f}" cy="{_y(values[i] or 0, top):.1f}" r="3"'
                f' fill="{color}"><title>{html.escape(label)}: {values[i]:g}</title></circle>'
                for i in run]
    y = TOP + 16 * k + 8
    out.append(f'<rect x="{WIDTH - RIGHT + 10}" y="{y - 8}" width="10" height="10"'
               f' fill="{color}"/><text x="{WIDTH - RIGHT + 26}" y="{y + 1}" font-size="12">'
               f"{html.escape(label)}</text>")
    return out
