"""Scoring a parse against a gold file, key by key (the rules of ../shared/tools/eval_parse.py,
copied so the suite runs without ../shared): title, agency, year, template, contact.email,
every table cell (null and 0 differ; cells the gold lacks must be absent or null) and the
section snippets."""
from __future__ import annotations

import re
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
