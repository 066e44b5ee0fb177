"""BM25 over the hits of a selective query, computed from the reports' text.

FTS5's bm25() first counts, for every phrase, all the rows that contain it: cheap for a
rare phrase, tens of milliseconds for one in every report, and it runs the phrase query
twice more besides. A selective query's hits are few (search.RANK_CAP at most), so they are
ranked here instead, by the same Okapi BM25 formula FTS5 uses (k1 = 1.2, b = 0.75, idf =
ln((N - n + 0.5) / (n + 0.5)), at least 1e-6), with two simplifications: a document's length
is its number of characters (= its unigram tokens), and the average length is that of the
hits. Ties: newer year first, then higher id.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

K1, B, MIN_IDF = 1.2, 0.75, 1e-6


def idf(total: int, containing: int) -> float:
    return max(math.log((total - containing + 0.5) / (containing + 0.5)), MIN_IDF)


def bm25_order(rows: list[dict[str, Any]], terms: Sequence[str],
               weights: dict[str, float]) -> list[dict[str, Any]]:
    """`rows` (with "text", "year", "id") best first; `weights` maps a term to its idf."""
    if not rows:
        return rows
    avgdl = sum(len(r["text"]) for r in rows) / len(rows) or 1.0

    def score(row: dict[str, Any]) -> float:
        norm = K1 * (1 - B + B * len(row["text"]) / avgdl)
        total = 0.0
        for term in terms:
            tf = row["text"].count(term)
            total += weights.get(term, 1.0) * tf * (K1 + 1) / (tf + norm) if tf else 0.0
        return total

    return sorted(rows, key=lambda r: (-score(r), -r["year"], -r["id"]))
