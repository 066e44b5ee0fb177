"""The Chinese labels of the three standard tables (shared/spec/report-format.md).

Stored in the `labels` table (migration m004) so that views and the web UI show 自然人, not
natural_person. `position` keeps the template's order.
"""
from __future__ import annotations

TABLES = {
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、行政复议、行政诉讼情况",
}

ROWS = {
    "active_disclosure": [
        ("rules", "规章"), ("normative_documents", "规范性文件"), ("licensing", "行政许可"),
        ("other_services", "其他对外管理服务事项"), ("punishment", "行政处罚"),
        ("coercion", "行政强制"), ("fees", "行政事业性收费"), ("procurement", "政府集中采购"),
    ],
    "applications": [
        ("new_received", "一、本年新收政府信息公开申请数量"),
        ("carried_over", "二、上年结转政府信息公开申请数量"),
        ("granted", "（一）予以公开"), ("partially_granted", "（二）部分公开"),
        ("withheld_state_secret", "（三）不予公开 1.属于国家秘密"),
        ("withheld_prohibited_by_law", "（三）不予公开 2.其他法律行政法规禁止公开"),
        ("withheld_security_stability", "（三）不予公开 3.危及“三安全一稳定”"),
        ("withheld_third_party_rights", "（三）不予公开 4.保护第三方合法权益"),
        ("withheld_internal_affairs", "（三）不予公开 5.属于三类内部事务信息"),
        ("withheld_process_information", "（三）不予公开 6.属于四类过程性信息"),
        ("withheld_enforcement_files", "（三）不予公开 7.属于行政执法案卷"),
        ("withheld_query_matters", "（三）不予公开 8.属于行政查询事项"),
        ("unavailable_not_held", "（四）无法提供 1.本机关不掌握相关政府信息"),
        ("unavailable_needs_creation", "（四）无法提供 2.没有现成信息需要另行制作"),
        ("unavailable_unclear", "（四）无法提供 3.补正后申请内容仍不明确"),
        ("declined_petition", "（五）不予处理 1.信访举报投诉类申请"),
        ("declined_repeated", "（五）不予处理 2.重复申请"),
        ("declined_publication", "（五）不予处理 3.要求提供公开出版物"),
        ("declined_excessive", "（五）不予处理 4.无正当理由大量反复申请"),
        ("declined_confirmation", "（五）不予处理 5.要求行政机关确认或重新出具已获取信息"),
        ("other_processing", "（六）其他处理"),
        ("other_no_correction", "（六）其他处理 1.申请人无正当理由逾期不补正"),
        ("other_unpaid_fee", "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用"),
        ("other_misc", "（六）其他处理 3.其他"),
        ("total_processed", "（七）总计"),
        ("carried_forward", "四、结转下年度继续办理"),
    ],
    "review_litigation": [
        ("review", "行政复议"), ("litigation_direct", "行政诉讼：未经复议直接起诉"),
        ("litigation_after_review", "行政诉讼：复议后起诉"),
    ],
}

COLUMNS = {
    "active_disclosure": [
        ("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"),
        ("made", "本年新制作数量"), ("published", "本年新公开数量"),
        ("total_published", "对外公开总数量"), ("previous", "上一年项目数量"),
        ("change", "本年增/减"), ("decisions", "处理决定数量"), ("amount", "金额（万元）"),
        ("count", "采购项目数量"),
    ],
    "applications": [
        ("natural_person", "自然人"), ("commercial_enterprise", "商业企业"),
        ("research_institution", "科研机构"), ("social_welfare_org", "社会公益组织"),
        ("legal_service_org", "法律服务机构"), ("other_org", "其他"), ("total", "总计"),
    ],
    "review_litigation": [
        ("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
        ("pending", "尚未审结"), ("total", "总计"),
    ],
}


def label_rows() -> list[tuple[str, str, str, str, int]]:
    """(table_name, kind, key, label, position) for the `labels` table."""
    rows = [("", "table", t, label, i) for i, (t, label) in enumerate(TABLES.items())]
    for kind, spec in (("row", ROWS), ("column", COLUMNS)):
        for table, pairs in spec.items():
            rows += [(table, kind, key, label, i) for i, (key, label) in enumerate(pairs)]
    return rows
