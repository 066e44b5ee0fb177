"""`nianbao plot`: one agency's figures across the years, as a PNG (matplotlib, Agg).

Two panels: the applications it received and carried (本年新收, 上年结转, 予以公开,
总计处理, 结转下年度) and the reviews and lawsuits (行政复议, 行政诉讼). A year with no
report, or a blank total, is a gap in the line, never a zero. Labels are Chinese, so a CJK
font is required (Debian: fonts-wqy-microhei); it is found with matplotlib.font_manager.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .errors import ArchiveError, NotFound

APPLICATIONS = [("new_received", "本年新收"), ("carried_over", "上年结转"),
                ("granted", "予以公开"), ("total_processed", "总计处理"),
                ("carried_forward", "结转下年度")]
REVIEWS = [("review", "行政复议"), ("litigation_direct", "行政诉讼（未经复议）"),
           ("litigation_after_review", "行政诉讼（复议后）")]
_FONT_HINTS = ("wqy", "microhei", "notosanscjk", "sourcehan", "droidsansfallback")


@dataclass(slots=True)
class Plot:
    path: Path
    years: list[int]
    series: dict[str, list[float | None]]  # label -> value per year (None: gap)
    font: str


def cjk_font() -> str:
    """The path of an installed CJK font, or raise ArchiveError."""
    from matplotlib import font_manager

    for path in sorted(font_manager.findSystemFonts()):
        if any(hint in Path(path).name.lower().replace("-", "") for hint in _FONT_HINTS):
            return str(path)
    raise ArchiveError("no CJK font found for the plot (install fonts-wqy-microhei)")


def series(db: Database, agency_id: int) -> tuple[list[int], dict[str, list[float | None]]]:
    """Years with a report, and the `total` column of each plotted row per year."""
    years = [r[0] for r in db.execute(
        "SELECT year FROM reports WHERE agency_id = ? AND primary_sha256 IS NOT NULL"
        " ORDER BY year", [agency_id])]
    if not years:
        raise NotFound(f"agency {agency_id} has no reports")
    values: dict[tuple[str, int], Any] = {
        (r[0], r[1]): r[2] for r in db.execute(
            "SELECT c.row_key, r.year, c.value FROM cells c JOIN reports r ON r.id = c.report_id"
            " WHERE r.agency_id = ? AND c.column_key = 'total'", [agency_id])}
    span = list(range(years[0], years[-1] + 1))
    out = {label: [values.get((key, y)) for y in span] for key, label in APPLICATIONS + REVIEWS}
    return span, out


def plot_agency(db: Database, agency_id: int, title: str, out: Path) -> Plot:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = cjk_font()
    font_manager.fontManager.addfont(font)
    name = font_manager.FontProperties(fname=font).get_name()
    years, data = series(db, agency_id)
    with plt.rc_context({"font.family": [name], "axes.unicode_minus": False}):
        fig, axes = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
        try:
            _draw(axes, years, data)
            fig.suptitle(title)
            fig.tight_layout()
            fig.savefig(out, format="png", dpi=100)
        except OSError as exc:
            raise ArchiveError(f"cannot write {out}: {exc}") from exc
        finally:
            plt.close(fig)
    return Plot(out, years, data, name)


def _draw(axes: Any, years: list[int], data: dict[str, list[float | None]]) -> None:
    for ax, rows, heading in ((axes[0], APPLICATIONS, "政府信息公开申请（总计）"),
                              (axes[1], REVIEWS, "行政复议、行政诉讼（总计）")):
        for _, label in rows:
            ax.plot(years, [float("nan") if v is None else v for v in data[label]],
                    marker="o", label=label)
        ax.set_title(heading)
        ax.set_ylabel("件数")
        ax.set_ylim(*y_range([v for _, label in rows for v in data[label]]))
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
    axes[1].set_xticks(years, [str(y) for y in years])
    axes[1].set_xlim(years[0] - 0.5, years[-1] + 0.5)  # one year: a point in the middle


def y_range(values: list[float | None]) -> tuple[float, float]:
    """From 0 to a little above the largest value; at least 0..1 (all equal, all 0 or none)."""
    present = [v for v in values if v is not None]
    top = max(present, default=0)
    return (min(0.0, min(present, default=0)), max(1.0, top * 1.15))
