"""The two national templates (国办公开办函〔2019〕60号 and 〔2021〕30号) as data.

Rows are recognised by label keywords (matched on the label with all white space removed,
so OCR'd "属于国家 秘密" still matches), in the order given: more specific rows first, so
that "（三）不予公开 1.属于国家秘密" is `withheld_state_secret`, not `granted`.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowSpec:
    key: str
    patterns: tuple[str, ...]  # regexes searched in the label (white space removed)


APPLICATION_COLUMNS = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
REVIEW_ROWS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

# Table 二, per template: row key -> its columns, in the table's order.
ACTIVE_DISCLOSURE = {
    "2021": {
        "rules": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "punishment": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
    "2019": {
        "rules": ("made", "published", "total_published"),
        "normative_documents": ("made", "published", "total_published"),
        "licensing": ("previous", "change", "decisions"),
        "other_services": ("previous", "change", "decisions"),
        "punishment": ("previous", "change", "decisions"),
        "coercion": ("previous", "change", "decisions"),
        "fees": ("previous", "change"),
        "procurement": ("count", "amount"),
    },
}

ACTIVE_ROW_SPECS = (
    RowSpec("normative_documents", (r"规范性文件",)),
    RowSpec("rules", (r"规章",)),
    RowSpec("other_services", (r"其他对外管理服务", r"对外管理服务")),
    RowSpec("licensing", (r"行政许可",)),
    RowSpec("punishment", (r"行政处罚",)),
    RowSpec("coercion", (r"行政强制",)),
    RowSpec("fees", (r"行政事业性收费", r"事业性收费")),
    RowSpec("procurement", (r"集中采购", r"政府采购")),
)

_BASE_ROWS = (
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_security_stability",
    "withheld_third_party_rights",
    "withheld_internal_affairs",
    "withheld_process_information",
    "withheld_enforcement_files",
    "withheld_query_matters",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "declined_petition",
    "declined_repeated",
    "declined_publication",
    "declined_excessive",
    "declined_confirmation",
)
APPLICATION_ROWS = {
    "2019": _BASE_ROWS + ("other_processing", "total_processed", "carried_forward"),
    "2021": _BASE_ROWS
    + ("other_no_correction", "other_unpaid_fee", "other_misc", "total_processed", "carried_forward"),
}

APPLICATION_ROW_SPECS = (
    RowSpec("carried_forward", (r"结转下年", r"下年度继续", r"继续办理")),
    RowSpec("carried_over", (r"上年结转", r"上年度结转")),
    RowSpec("new_received", (r"新收", r"本年收到")),
    RowSpec("withheld_state_secret", (r"国家秘密",)),
    RowSpec("withheld_prohibited_by_law", (r"禁止公开", r"法律行政法规禁止", r"其他法律法规")),
    RowSpec("withheld_security_stability", (r"三安全", r"一稳定", r"危及")),
    RowSpec("withheld_third_party_rights", (r"第三方",)),
    RowSpec("withheld_internal_affairs", (r"内部事务",)),
    RowSpec("withheld_process_information", (r"过程性",)),
    RowSpec("withheld_enforcement_files", (r"执法案卷",)),
    RowSpec("withheld_query_matters", (r"查询事项",)),
    RowSpec("unavailable_not_held", (r"不掌握",)),
    RowSpec("unavailable_needs_creation", (r"另行制作", r"没有现成")),
    RowSpec("unavailable_unclear", (r"仍不明确", r"补正后")),
    RowSpec("declined_petition", (r"信访", r"举报投诉")),
    RowSpec("declined_repeated", (r"重复申请",)),
    RowSpec("declined_publication", (r"出版物",)),
    RowSpec("declined_excessive", (r"大量反复", r"反复申请")),
    RowSpec("declined_confirmation", (r"重新出具", r"确认或重新", r"已获取信息", r"以获取信息")),
    RowSpec("other_no_correction", (r"不补正", r"逾期不补")),
    RowSpec("other_unpaid_fee", (r"缴纳费用", r"收费通知")),
    RowSpec("other_misc", (r"(?<!\d)3[.．、]?其他$",)),
    RowSpec("other_processing", (r"其他处理",)),
    RowSpec("total_processed", (r"总计", r"合计")),
    RowSpec("partially_granted", (r"部分公开",)),
    RowSpec("granted", (r"(?<!不)予以公开", r"^[(（]?一[)）]?予以")),
)

REVIEW_ROW_SPECS = (
    RowSpec("litigation_after_review", (r"复议后起诉",)),
    RowSpec("litigation_direct", (r"未经复议", r"直接起诉")),
    RowSpec("review", (r"行政复议",)),
)

@functools.cache
def _compiled(specs: tuple[RowSpec, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((s.key, re.compile(p)) for s in specs for p in s.patterns)


def match_row(label: str, specs: tuple[RowSpec, ...]) -> str | None:
    """The key of the first spec whose pattern occurs in the label, or None."""
    for key, pattern in _compiled(specs):
        if pattern.search(label):
            return key
    return None


def template_for(markers: str, year: int | None) -> str | None:
    """Tell the template from table 二's column headers, else from the row set, else the year."""
    if re.search(r"本年制发|本年废止|现行有效", markers):
        return "2021"
    if re.search(r"本年新制作|本年新公开|对外公开总数", markers):
        return "2019"
    if re.search(r"不补正|缴纳费用", markers):
        return "2021"
    if re.search(r"上一年项目数量|政府集中采购", markers):
        return "2019"
    if year is not None and year >= 2019:
        return "2021" if year >= 2021 else "2019"
    return None


# The labels as the templates print them, for rows whose keywords OCR garbled.
APPLICATION_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "1.属于国家秘密",
    "withheld_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "withheld_security_stability": "3.危及“三安全一稳定”",
    "withheld_third_party_rights": "4.保护第三方合法权益",
    "withheld_internal_affairs": "5.属于三类内部事务信息",
    "withheld_process_information": "6.属于四类过程性信息",
    "withheld_enforcement_files": "7.属于行政执法案卷",
    "withheld_query_matters": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "declined_petition": "1.信访举报投诉类申请",
    "declined_repeated": "2.重复申请",
    "declined_publication": "3.要求提供公开出版物",
    "declined_excessive": "4.无正当理由大量反复申请",
    "declined_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_processing": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
_LABEL_NOISE = re.compile(r"[\s\d.．、,，()（）“”\"'：:;；]")


def _bag(text: str) -> Counter[str]:
    return Counter(_LABEL_NOISE.sub("", text))


def fuzzy_row(label: str, candidates: tuple[str, ...], threshold: float = 0.6) -> str | None:
    """The candidate row whose printed label shares most characters with `label` (OCR
    noise tolerant: a garbled character or two still leaves most of the label), or None."""
    got = _bag(label)
    if sum(got.values()) < 3:
        return None
    best, best_score = None, threshold
    for key in candidates:
        want = _bag(APPLICATION_LABELS[key])
        if not want:
            continue
        common = sum((got & want).values())
        score = min(common / sum(want.values()), common / sum(got.values()) + 0.25)
        if score > best_score:
            best, best_score = key, score
    return best
