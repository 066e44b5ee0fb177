"""A PDF page's ruling lines: the axis-parallel straight segments of its stroked paths
and of its thin filled shapes, read with pypdfium2.

A table's grid is drawn either as stroked lines or as thin filled rectangles (Word and
LibreOffice do both); shading is a filled shape too, but not a thin one, so it is left out.
"""
from __future__ import annotations

import ctypes
from collections.abc import Iterable
from typing import Any

Seg = tuple[float, float, float]  # position, start, end (top-down coordinates)
Edge = tuple[str, Seg]  # ("h" | "v", segment)


def page_objects(page: Any, height: float) -> tuple[list[Edge], int]:
    """The page's ruling edges, and how many image objects it draws."""
    import pypdfium2.raw as raw

    edges: list[Edge] = []
    images = 0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE], max_depth=1):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        else:
            edges.extend(path_edges(obj, height))
    return edges, images


def path_edges(obj: Any, height: float) -> Iterable[Edge]:
    """Axis-parallel straight segments of one path object. A filled shape that is not
    stroked is a rule only when it is thin (shading is not)."""
    import pypdfium2.raw as raw

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
    left, bottom, right, top = obj.get_bounds()
    if not stroke.value and min(right - left, top - bottom) > 3:
        return
    m = obj.get_matrix()
    x, y = ctypes.c_float(), ctypes.c_float()
    prev = start = (0.0, 0.0)
    for i in range(raw.FPDFPath_CountSegments(obj.raw)):
        seg = raw.FPDFPath_GetPathSegment(obj.raw, i)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        cur = (m.a * x.value + m.c * y.value + m.e, height - (m.b * x.value + m.d * y.value + m.f))
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = cur
        elif kind == raw.FPDF_SEGMENT_LINETO:
            yield from _edge(*prev, *cur)
        if raw.FPDFPathSegment_GetClose(seg):
            yield from _edge(*cur, *start)
        prev = cur


def _edge(x0: float, y0: float, x1: float, y1: float) -> Iterable[Edge]:
    if abs(y0 - y1) <= 0.5 and abs(x0 - x1) > 1:
        yield "h", (y0, min(x0, x1), max(x0, x1))
    elif abs(x0 - x1) <= 0.5 and abs(y0 - y1) > 1:
        yield "v", (x0, min(y0, y1), max(y0, y1))
