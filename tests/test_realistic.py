"""The realistic corpus gate: the parser against inputs imitating real portals, Word exports,
PDF converters, text dumps and OCR (tests/data/realistic, made by `python3 -m
tests.realistic`, gold from the generator's own values). Overall >= 99.5% of points and no
wrong cell left unflagged; and each phenomenon's cases exact, so a failure names it."""
from __future__ import annotations

import pytest

from tests.realistic.evaluate import by_phenomenon, describe, results, summary

PHENOMENA = {
    1: "two-line titles, spaced years, stray first line", 2: "procurement figures with unit or decimals",
    3: "2019 template as portal HTML", 4: "Word-exported HTML", 5: "Markdown from PDF extraction",
    6: "non-standard section order and headings", 7: "body named only by the page, link or source",
    8: "cells run together without separators", 9: "OCR text dump of a scan", 10: "reports before 2019 (legacy)",
    11: "documents that look like reports but are not",
}


def test_corpus_score_and_no_unflagged_wrong_cells() -> None:
    rs = results()
    got, possible = sum(r.score.got for r in rs), sum(r.score.possible for r in rs)
    wrong = sum(len(r.score.unflagged_wrong) for r in rs)
    failing = "\n".join(describe(r) for r in rs if r.score.problems)
    message = f"{summary(rs)}\n{by_phenomenon(rs)}\n{failing}"
    assert len(rs) >= 40, "the corpus is missing: run python3 -m tests.realistic"
    assert got >= 0.995 * possible and wrong == 0, message


@pytest.mark.parametrize("phenomenon", sorted(PHENOMENA), ids=[f"p{n}" for n in sorted(PHENOMENA)])
def test_phenomenon_cases_exact(phenomenon: int) -> None:
    mine = [r for r in results() if phenomenon in r.gold["phenomena"]]
    assert len(mine) >= 3, f"phenomenon {phenomenon} has {len(mine)} cases"
    bad = [r for r in mine if r.score.problems]
    assert not bad, f"phenomenon {phenomenon} ({PHENOMENA[phenomenon]}):\n" + "\n".join(describe(r) for r in bad)
