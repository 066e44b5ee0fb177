"""A hostile-file corpus: documents built to hurt a reader (decompression bombs, span bombs,
loops, depth, lies, garbage behind magic numbers, odd encodings), generated from a seed by
code, never committed, so the bytes can grow without the repository growing.

`python3 -m tests.hostile OUT_DIR [--seed N]` writes it; tests/test_hostile.py runs every
case through `nianbao parse` under the product's per-document caps and a crawl of a portal
(portal.py) serving the bombs.
"""
from __future__ import annotations

from tests.hostile.corpus import DEFAULT_SEED, Case, Inputs, all_cases, inputs_for, write_corpus

__all__ = ["DEFAULT_SEED", "Case", "Inputs", "all_cases", "inputs_for", "write_corpus"]
