"""A PDF page's ruling lines: the axis-parallel straight segments of its stroked paths
and of its thin filled shapes, read with pypdfium2.

A table's grid is drawn either as stroked lines or as thin filled rectangles (Word and
LibreOffice do both); shading is a filled shape too, but not a thin one, so it is left out.
The objects are walked through pypdfium2's raw (ctypes) functions with one set of output
buffers per page: its helper objects cost more than the PDFium calls themselves (a page
has hundreds of text objects that are skipped here).
"""
from __future__ import annotations

import ctypes
from typing import Any

from pipelines.pdf.pdfium import raw as pdfium

Seg = tuple[float, float, float]  # position, start, end (top-down coordinates)
Edge = tuple[str, Seg]  # ("h" | "v", segment)


class _Buffers:
    """Output arguments of the PDFium path functions, made once per page."""

    def __init__(self) -> None:
        raw = pdfium()
        self.fill, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.bounds = [ctypes.c_float() for _ in range(4)]
        self.matrix = raw.FS_MATRIX()


def page_objects(page: Any, height: float) -> tuple[list[Edge], int]:
    """The page's ruling edges, and how many image objects it draws (top-level objects:
    form XObjects are not entered)."""
    raw = pdfium()
    edges: list[Edge] = []
    images, handle, buffers = 0, page.raw, _Buffers()
    for i in range(raw.FPDFPage_CountObjects(handle)):
        obj = raw.FPDFPage_GetObject(handle, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            path_edges(obj, height, buffers, edges)
    return edges, images


def path_edges(obj: Any, height: float, buf: _Buffers, out: list[Edge]) -> None:
    """Axis-parallel straight segments of one path object, added to `out`. A filled shape
    that is not stroked is a rule only when it is thin (shading is not)."""
    raw = pdfium()
    raw.FPDFPath_GetDrawMode(obj, buf.fill, buf.stroke)
    left, bottom, right, top = buf.bounds
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    if not buf.stroke.value and min(right.value - left.value, top.value - bottom.value) > 3:
        return
    raw.FPDFPageObj_GetMatrix(obj, buf.matrix)
    m, x, y = buf.matrix, buf.x, buf.y
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    get_segment, get_point, get_type, get_close = (raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint,
                                                   raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetClose)
    moveto, lineto = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
    prev = start = (0.0, 0.0)
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = get_segment(obj, i)
        get_point(seg, x, y)
        cur = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
        kind = get_type(seg)
        if kind == moveto:
            start = cur
        elif kind == lineto:
            _edge(*prev, *cur, out)
        if get_close(seg):
            _edge(*cur, *start, out)
        prev = cur


def _edge(x0: float, y0: float, x1: float, y1: float, out: list[Edge]) -> None:
    if abs(y0 - y1) <= 0.5 and abs(x0 - x1) > 1:
        out.append(("h", (y0, min(x0, x1), max(x0, x1))))
    elif abs(x0 - x1) <= 0.5 and abs(y0 - y1) > 1:
        out.append(("v", (x0, min(y0, y1), max(y0, y1))))
