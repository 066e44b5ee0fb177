"""`python3 -m tests.realistic` rewrites tests/data/realistic/: every case file and its gold
(<case>.<ext>.json). Deterministic: seeded figures, so a re-run gives the same files (the PDF
aside, whose bytes carry LibreOffice's timestamp; `--no-office` keeps the office cases)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.realistic import cases_html, cases_other, cases_text

OUT = Path(__file__).resolve().parent.parent / "data" / "realistic"


def main(argv: list[str]) -> int:
    cases = cases_html.all_cases() + cases_text.all_cases() + cases_other.all_cases()
    if "--no-office" not in argv:
        from tests.realistic import office
        cases += office.all_cases()
    names = [c[0] for c in cases]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, body, gold in cases:
        (OUT / name).write_bytes(body)
        (OUT / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(cases)} cases written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
