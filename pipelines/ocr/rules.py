"""Ruling lines in a page image, found by morphology (OpenCV): a table's rules bound its
rows' bands, and text between vertical rules is a table's header."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipelines.ocr.boxes import Box
from pipelines.ocr.options import OPTIONS, OcrOptions


@dataclass(slots=True)
class Rule:
    """A ruling line: horizontal at `at` from `start` to `end` (x), or vertical (y)."""

    at: float
    start: float
    end: float

    def covers(self, v: float) -> bool:
        return self.start <= v <= self.end


@dataclass(slots=True)
class Rules:
    horizontal: list[Rule]
    vertical: list[Rule]


def find_rules(image: Any, height: float = 30.0, opts: OcrOptions = OPTIONS) -> Rules:
    """Table rules in the page image: horizontal dark runs longer than a twentieth of the
    page width, vertical ones longer than two text lines (both longer than any stroke of a
    character), at most `rule_max_px` thick."""
    import cv2
    import numpy as np

    dark = (np.asarray(image.convert("L")) < opts.dark_level).astype(np.uint8)
    thick = opts.rule_max_px
    out = []
    for size in ((max(60, dark.shape[1] // 20), 1), (1, max(50, int(2 * height)))):
        lines = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        if size[1] == 1:
            out.append([Rule(y + h / 2, x, x + w) for x, y, w, h, _ in stats[1:count] if h <= thick and w >= size[0]])
        else:
            out.append([Rule(x + w / 2, y, y + h) for x, y, w, h, _ in stats[1:count] if w <= thick and h >= size[1]])
    return Rules(*out)


def boxed(box: Box, rules: Rules) -> bool:
    """The box has a vertical rule on each side: it is in a table cell."""
    left = any(r.at <= box.x0 + 4 and r.covers(box.cy) for r in rules.vertical)
    return left and any(r.at >= box.x1 - 4 and r.covers(box.cy) for r in rules.vertical)


def crossed(rules: Rules, x: float, y0: float, y1: float) -> bool:
    """A horizontal rule at x lies between heights y0 and y1."""
    return any(y0 < r.at < y1 and r.covers(x) for r in rules.horizontal)
