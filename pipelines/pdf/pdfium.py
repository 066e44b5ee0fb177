"""pypdfium2's raw (ctypes) bindings, imported on first use and then kept.

`import pypdfium2.raw` inside a function costs about a third of a millisecond on every
execution (the import machinery does not short-cut that package's submodule), which was
most of the time of reading a page's ruling lines; the module is still imported lazily, so
importing `pipelines.pdf` stays cheap.
"""
from __future__ import annotations

import ctypes
from functools import cache
from typing import Any


@cache
def raw() -> Any:
    import pypdfium2.raw

    return pypdfium2.raw


class Pointer(ctypes.c_void_p):
    """A PDFium handle returned by an unchecked function: stays a pointer (a plain
    c_void_p result would become a Python int, passed back truncated to a C int)."""


@cache
def unchecked(name: str, restype: Any = ctypes.c_int) -> Any:
    """PDFium function `name` without argument conversion, for the per-character and
    per-segment loops (a third of the call's cost): pointers must be passed as c_void_p
    (`pointer(handle)`) or ctypes.byref, integers as Python ints."""
    checked = getattr(raw(), name)
    fn = type(checked)(ctypes.cast(checked, ctypes.c_void_p).value)
    fn.restype = restype
    return fn


def pointer(handle: Any) -> ctypes.c_void_p:
    """A pypdfium2 handle (an LP_ pointer) as a c_void_p for the unchecked functions."""
    return ctypes.cast(handle, ctypes.c_void_p)
