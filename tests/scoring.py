"""Scoring a parse against a gold file, key by key (the rules of ../shared/tools/eval_parse.py,
copied so the suite runs without ../shared): title, agency, year, template, contact.email,
every table cell (null and 0 differ; cells the gold lacks must be absent or null) and the
section snippets; `score_outcome` adds the realistic corpus's points (kind, must_flag)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_WS = re.compile(r"\s+")


def _norm(s: Any) -> Any:
    return _WS.sub("", s) if isinstance(s, str) else s


def same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return False


def problems(gold: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """Every way `out` differs from `gold`; empty when the parse is exact."""
    found: list[str] = []
    for key in ("title", "agency"):
        if _norm(out.get(key)) != _norm(gold[key]):
            found.append(f"{key}: {out.get(key)!r} != {gold[key]!r}")
    if out.get("year") != gold["year"]:
        found.append(f"year: {out.get('year')!r} != {gold['year']!r}")
    if str(out.get("template")) != gold["template"]:
        found.append(f"template: {out.get('template')!r} != {gold['template']!r}")
    if "email" in gold.get("contact", {}) and (out.get("contact") or {}).get("email") != gold["contact"]["email"]:
        found.append(f"email: {(out.get('contact') or {}).get('email')!r}")
    found += _table_problems(gold["tables"], out.get("tables") or {})
    sections = out.get("sections") or {}
    for part, phrases in gold.get("section_snippets", {}).items():
        found += [f"section {part} lacks {p!r}" for p in phrases if p not in (sections.get(part) or "")]
    return found


def _table_problems(gold: dict[str, Any], out: dict[str, Any]) -> list[str]:
    found = []
    for tname, rows in gold.items():
        orows = out.get(tname) or {}
        for rkey, cols in rows.items():
            for ckey, val in cols.items():
                oval = (orows.get(rkey) or {}).get(ckey, "<missing>")
                if oval == "<missing>" or not same_number(oval, val):
                    found.append(f"{tname}.{rkey}.{ckey}: {oval!r} != {val!r}")
        for rkey, ocols in orows.items():
            for ckey, oval in (ocols or {}).items():
                if ckey not in rows.get(rkey, {}) and oval is not None:
                    found.append(f"{tname}.{rkey}.{ckey}: extra cell {oval!r}")
    return found


# --- points, as eval_parse.py counts them, extended for the realistic corpus -----------
# `kind` is a point when the gold has it; a gold with tables null (legacy and related
# kinds) scores no template and no cells; a must_flag cell scores only when it is null AND
# its path is in the parser's cell_flags; a wrong cell the parser did not flag is counted
# apart, as "unflagged wrong".


@dataclass
class Score:
    got: int = 0
    possible: int = 0
    problems: list[str] = field(default_factory=list)
    unflagged_wrong: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        self.possible += 1
        self.got += ok
        if not ok:
            self.problems.append(what)


def score_outcome(gold: dict[str, Any], out: dict[str, Any] | None, kind: str | None,
                  cell_flags: dict[str, str]) -> Score:
    out = out or {}
    s = Score()
    for key in ("title", "agency"):
        s.check(_norm(out.get(key)) == _norm(gold[key]), f"{key}: {out.get(key)!r} != {gold[key]!r}")
    s.check(out.get("year") == gold["year"], f"year: {out.get('year')!r} != {gold['year']!r}")
    if "kind" in gold:
        s.check(kind == gold["kind"], f"kind: {kind!r} != {gold['kind']!r}")
    if gold.get("tables") is not None:
        s.check(str(out.get("template")) == gold["template"], f"template: {out.get('template')!r}")
    if "email" in gold.get("contact", {}):
        email = (out.get("contact") or {}).get("email")
        s.check(email == gold["contact"]["email"], f"email: {email!r} != {gold['contact']['email']!r}")
    if gold.get("tables") is not None:
        _score_cells(s, gold, out.get("tables") or {}, cell_flags)
    sections = out.get("sections") or {}
    for part, phrases in gold.get("section_snippets", {}).items():
        for p in phrases:
            s.check(p in (sections.get(part) or ""), f"section {part} lacks {p!r}")
    return s


def _score_cells(s: Score, gold: dict[str, Any], out: dict[str, Any], flags: dict[str, str]) -> None:
    must = set(gold.get("must_flag", []))
    for tname, rows in gold["tables"].items():
        orows = out.get(tname) or {}
        for rkey, cols in rows.items():
            for ckey, val in cols.items():
                path = f"{tname}/{rkey}/{ckey}"
                oval = (orows.get(rkey) or {}).get(ckey, "<missing>")
                right = oval != "<missing>" and same_number(oval, val)
                if path in must:
                    s.check(right and path in flags, f"{path}: {oval!r} must be null and flagged"
                            + ("" if path in flags else " (not flagged)"))
                else:
                    s.check(right, f"{path}: {oval!r} != {val!r}")
                if not right and path not in flags:
                    s.unflagged_wrong.append(path)
        for rkey, ocols in orows.items():
            for ckey, oval in (ocols or {}).items():
                if ckey not in rows.get(rkey, {}) and oval is not None:
                    s.check(False, f"{tname}.{rkey}.{ckey}: extra cell {oval!r}")
