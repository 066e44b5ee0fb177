"""The figures of a realistic case: the templates' rows and columns, and random tables that
satisfy the templates' identities (国办公开办函〔2019〕60号 / 〔2021〕30号), with non-zero
figures in every table. The gold is built from these values, never from a parse."""
from __future__ import annotations

import random
from typing import Any

Tables = dict[str, dict[str, dict[str, Any]]]

APP_COLS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
            "legal_service_org", "other_org", "total")
REVIEW_COLS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_ROWS = ("review", "litigation_direct", "litigation_after_review")
ACTIVE_COLS = {
    "2021": {"rules": ("issued", "repealed", "in_force"), "normative_documents": ("issued", "repealed", "in_force"),
             "licensing": ("decisions",), "punishment": ("decisions",), "coercion": ("decisions",),
             "fees": ("amount",)},
    "2019": {"rules": ("made", "published", "total_published"),
             "normative_documents": ("made", "published", "total_published"),
             "licensing": ("previous", "change", "decisions"), "other_services": ("previous", "change", "decisions"),
             "punishment": ("previous", "change", "decisions"), "coercion": ("previous", "change", "decisions"),
             "fees": ("previous", "change"), "procurement": ("count", "amount")},
}
WITHHELD = ("withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability",
            "withheld_third_party_rights", "withheld_internal_affairs", "withheld_process_information",
            "withheld_enforcement_files", "withheld_query_matters")
UNAVAILABLE = ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear")
DECLINED = ("declined_petition", "declined_repeated", "declined_publication", "declined_excessive",
            "declined_confirmation")
OTHER = {"2021": ("other_no_correction", "other_unpaid_fee", "other_misc"), "2019": ("other_processing",)}


def result_rows(template: str) -> tuple[str, ...]:
    return ("granted", "partially_granted", *WITHHELD, *UNAVAILABLE, *DECLINED, *OTHER[template])


def app_rows(template: str) -> tuple[str, ...]:
    return ("new_received", "carried_over", *result_rows(template), "total_processed", "carried_forward")


def _applicant_column(rng: random.Random, template: str, scale: int) -> dict[str, int]:
    rows = result_rows(template)
    col = {r: 0 for r in app_rows(template)}
    col["new_received"] = rng.choice((0, 0, 1, 2, 3)) * scale // 3 + rng.randint(0, scale)
    col["carried_over"] = rng.choice((0, 0, 0, 1, 2))
    available = col["new_received"] + col["carried_over"]
    col["carried_forward"] = rng.randint(0, min(available, 3)) if available else 0
    processed = available - col["carried_forward"]
    col["total_processed"] = processed
    weights = {r: 1 for r in rows}
    weights.update(granted=12, partially_granted=3, unavailable_not_held=4, declined_repeated=1)
    for _ in range(processed):
        col[rng.choices(rows, [weights[r] for r in rows])[0]] += 1
    return col


def applications(rng: random.Random, template: str, scale: int) -> dict[str, dict[str, int]]:
    """Six applicant columns that each balance; 总计 the sum of the six."""
    scales = (scale, max(1, scale // 4), 1, 1, max(1, scale // 8), 1)
    cols = [_applicant_column(rng, template, s) for s in scales]
    if sum(c["new_received"] for c in cols) == 0:
        cols = [_applicant_column(rng, template, scale + 3)] + cols[1:]
    table: dict[str, dict[str, int]] = {}
    for row in app_rows(template):
        vals = [c[row] for c in cols]
        table[row] = dict(zip(APP_COLS, [*vals, sum(vals)]))
    return table


def review(rng: random.Random) -> dict[str, dict[str, int]]:
    table = {}
    for i, row in enumerate(REVIEW_ROWS):
        parts = [rng.choice((0, 0, 1, 2, 3)) for _ in range(4)]
        if i == 0 and sum(parts) == 0:
            parts[0] = 2
        table[row] = dict(zip(REVIEW_COLS, [*parts, sum(parts)]))
    return table


def active(rng: random.Random, template: str, level: str) -> dict[str, dict[str, Any]]:
    big = {"省": 40, "市": 20, "县": 8, "乡": 2}.get(level, 5)
    if template == "2021":
        rules = [rng.randint(0, 2), rng.randint(0, 1), rng.randint(3, 12)] if level == "省" else [0, 0, 0]
        return {"rules": dict(zip(("issued", "repealed", "in_force"), rules)),
                "normative_documents": {"issued": rng.randint(1, big), "repealed": rng.randint(0, 3),
                                        "in_force": rng.randint(big, 6 * big)},
                "licensing": {"decisions": rng.randint(0, 90 * big)},
                "punishment": {"decisions": rng.randint(1, 12 * big)},
                "coercion": {"decisions": rng.randint(0, big)},
                "fees": {"amount": round(rng.randint(0, 90000) / 100, 2) if level != "乡" else 0}}
    made = rng.randint(1, big)
    return {"rules": {"made": 0, "published": 0, "total_published": 0},
            "normative_documents": {"made": made, "published": made, "total_published": rng.randint(made, 8 * big)},
            "licensing": {"previous": rng.randint(5, 9 * big), "change": rng.randint(-3, 4),
                          "decisions": rng.randint(0, 80 * big)},
            "other_services": {"previous": rng.randint(0, 4 * big), "change": rng.randint(-2, 3),
                               "decisions": rng.randint(0, 30 * big)},
            "punishment": {"previous": rng.randint(1, 6 * big), "change": rng.randint(-2, 2),
                           "decisions": rng.randint(1, 10 * big)},
            "coercion": {"previous": rng.randint(0, big), "change": 0, "decisions": rng.randint(0, big)},
            "fees": {"previous": rng.randint(0, 3), "change": 0},
            "procurement": {"count": rng.randint(1, 30), "amount": round(rng.randint(100, 9999999) / 10000, 4)}}


def tables(rng: random.Random, template: str, level: str, scale: int = 12) -> Tables:
    return {"active_disclosure": active(rng, template, level),
            "applications": applications(rng, template, scale),
            "review_litigation": review(rng)}


def get(t: Tables, path: str) -> Any:
    table, row, col = path.split("/")
    return t[table][row][col]


def put(t: Tables, path: str, value: Any) -> None:
    table, row, col = path.split("/")
    t[table][row][col] = value


def paths(t: Tables) -> list[str]:
    return [f"{tn}/{r}/{c}" for tn, rows in t.items() for r, cols in rows.items() for c in cols]
