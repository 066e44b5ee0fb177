"""A PDF page's ruling lines: the axis-parallel straight segments of its stroked paths
and of its thin filled shapes, read with pypdfium2.

A table's grid is drawn either as stroked lines or as thin filled rectangles (Word and
LibreOffice do both); shading is a filled shape too, but not a thin one, so it is left out.
The objects are walked with PDFium's functions called unchecked, with one set of output
buffers per page: pypdfium2's helper objects and argument checks cost more than the calls
themselves (a page has hundreds of text objects that are only looked at to be skipped).
"""
from __future__ import annotations

import ctypes
from typing import Any

from pipelines.pdf.pdfium import Pointer, pointer, unchecked
from pipelines.pdf.pdfium import raw as pdfium

Seg = tuple[float, float, float]  # position, start, end (top-down coordinates)
Edge = tuple[str, Seg]  # ("h" | "v", segment)


class _Calls:
    """Output buffers (and references to them) and the functions, made once per page."""

    def __init__(self) -> None:
        raw = pdfium()
        self.fill, self.stroke, self.x, self.y = ctypes.c_int(), ctypes.c_int(), ctypes.c_float(), ctypes.c_float()
        self.bounds = [ctypes.c_float() for _ in range(4)]
        self.matrix = raw.FS_MATRIX()
        self.refs = [ctypes.byref(b) for b in (self.fill, self.stroke, *self.bounds, self.matrix, self.x, self.y)]
        self.moveto, self.lineto = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO
        self.draw_mode, self.get_bounds = unchecked("FPDFPath_GetDrawMode"), unchecked("FPDFPageObj_GetBounds")
        self.get_matrix, self.count = unchecked("FPDFPageObj_GetMatrix"), unchecked("FPDFPath_CountSegments")
        self.segment = unchecked("FPDFPath_GetPathSegment", Pointer)
        self.point, self.kind = unchecked("FPDFPathSegment_GetPoint"), unchecked("FPDFPathSegment_GetType")
        self.close = unchecked("FPDFPathSegment_GetClose")


def page_objects(page: Any, height: float) -> tuple[list[Edge], int]:
    """The page's ruling edges, and how many image objects it draws (top-level objects:
    form XObjects are not entered)."""
    raw = pdfium()
    edges: list[Edge] = []
    images, handle, calls = 0, pointer(page.raw), _Calls()
    get_object, get_type = unchecked("FPDFPage_GetObject", Pointer), unchecked("FPDFPageObj_GetType")
    for i in range(unchecked("FPDFPage_CountObjects")(handle)):
        obj = get_object(handle, i)
        kind = get_type(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            path_edges(obj, height, calls, edges)
    return edges, images


def path_edges(obj: Pointer, height: float, calls: _Calls, out: list[Edge]) -> None:
    """Axis-parallel straight segments of one path object, added to `out`. A filled shape
    that is not stroked is a rule only when it is thin (shading is not)."""
    fill, stroke, left, bottom, right, top, matrix, x, y = calls.refs
    calls.draw_mode(obj, fill, stroke)
    calls.get_bounds(obj, left, bottom, right, top)
    left, bottom, right, top = (b.value for b in calls.bounds)
    if not calls.stroke.value and min(right - left, top - bottom) > 3:
        return
    calls.get_matrix(obj, matrix)
    m, point, kind_of, close = calls.matrix, calls.point, calls.kind, calls.close
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    prev = start = (0.0, 0.0)
    for i in range(calls.count(obj)):
        seg = calls.segment(obj, i)
        point(seg, x, y)
        px, py = calls.x.value, calls.y.value
        cur = (a * px + c * py + e, height - (b * px + d * py + f))
        kind = kind_of(seg)
        if kind == calls.moveto:
            start = cur
        elif kind == calls.lineto:
            _edge(*prev, *cur, out)
        if close(seg):
            _edge(*cur, *start, out)
        prev = cur


def _edge(x0: float, y0: float, x1: float, y1: float, out: list[Edge]) -> None:
    if abs(y0 - y1) <= 0.5 and abs(x0 - x1) > 1:
        out.append(("h", (y0, min(x0, x1), max(x0, x1))))
    elif abs(x0 - x1) <= 0.5 and abs(y0 - y1) > 1:
        out.append(("v", (x0, min(y0, y1), max(y0, y1))))
