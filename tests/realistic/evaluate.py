"""Parse every case of tests/data/realistic in-process (extract, then parse_document with the
case's hints) and score it with tests/scoring.score_outcome; shared by the gate
(tests/test_realistic.py) and `python3 -m tests.realistic.evaluate [OUT]`, which writes the
per-case scores and problems."""
from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.document import Hints
from pipelines.extract import extract
from pipelines.reports import parse_document
from tests.scoring import Score, score_outcome

DATA = Path(__file__).resolve().parent.parent / "data" / "realistic"


@dataclass
class Result:
    name: str
    gold: dict[str, Any]
    score: Score


def case_names() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in DATA.glob("*.json"))


@functools.cache
def result(name: str) -> Result:
    gold = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    doc = extract((DATA / name).read_bytes(), name)
    outcome = parse_document(doc, Hints(**gold.get("hints", {})))
    return Result(name, gold, score_outcome(gold, outcome.report, outcome.kind, outcome.cell_flags))


def results() -> list[Result]:
    return [result(n) for n in case_names()]


def summary(rs: list[Result]) -> str:
    got, possible = sum(r.score.got for r in rs), sum(r.score.possible for r in rs)
    wrong = sum(len(r.score.unflagged_wrong) for r in rs)
    return f"score {got}/{possible} = {100.0 * got / max(possible, 1):.2f}%, unflagged wrong cells {wrong}"


def describe(r: Result, limit: int = 12) -> str:
    s = r.score
    head = f"{r.name} [phenomena {r.gold.get('phenomena')}]: {s.got}/{s.possible}"
    if s.unflagged_wrong:
        head += f", unflagged wrong {len(s.unflagged_wrong)}"
    return "\n".join([head, *(f"    {p}" for p in s.problems[:limit])]
                     + ([f"    ... {len(s.problems) - limit} more"] if len(s.problems) > limit else []))


def by_phenomenon(rs: list[Result]) -> str:
    lines = []
    for ph in range(1, 12):
        mine = [r for r in rs if ph in r.gold.get("phenomena", [])]
        exact = [r for r in mine if not r.score.problems]
        lines.append(f"phenomenon {ph}: {len(exact)}/{len(mine)} cases exact; {summary(mine)}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    rs = results()
    text = "\n".join([summary(rs), by_phenomenon(rs), "", *(describe(r, 40) for r in rs)]) + "\n"
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
