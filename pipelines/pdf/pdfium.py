"""pypdfium2's raw (ctypes) bindings, imported on first use and then kept.

`import pypdfium2.raw` inside a function costs about a third of a millisecond on every
execution (the import machinery does not short-cut that package's submodule), which was
most of the time of reading a page's ruling lines; the module is still imported lazily, so
importing `pipelines.pdf` stays cheap.
"""
from __future__ import annotations

from functools import cache
from typing import Any


@cache
def raw() -> Any:
    import pypdfium2.raw

    return pypdfium2.raw
