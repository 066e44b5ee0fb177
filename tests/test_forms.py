"""forms/ against the spec (shared/spec/report-format.md): rows per template, columns,
headers, labels and the identities' rule names. The expected values are typed from the
spec's tables, not read from forms."""
from __future__ import annotations

import re

import pytest

import forms

DOCS_2021 = ("issued", "repealed", "in_force")
DOCS_2019 = ("made", "published", "total_published")
ITEMS_2019 = ("previous", "change", "decisions")
ACTIVE = {
    "2021": {"rules": DOCS_2021, "normative_documents": DOCS_2021, "licensing": ("decisions",),
             "punishment": ("decisions",), "coercion": ("decisions",), "fees": ("amount",)},
    "2019": {"rules": DOCS_2019, "normative_documents": DOCS_2019, "licensing": ITEMS_2019,
             "other_services": ITEMS_2019, "punishment": ITEMS_2019, "coercion": ITEMS_2019,
             "fees": ("previous", "change"), "procurement": ("count", "amount")},
}
HEADERS = {
    "2021": {"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
             "decisions": "本年处理决定数量", "amount": "本年收费金额（万元）"},
    "2019": {"made": "本年新制作数量", "published": "本年新公开数量", "total_published": "对外公开总数量",
             "previous": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
             "count": "采购项目数量", "amount": "采购总金额"},
}
ACTIVE_LABELS = {"2021": {"rules": "规章", "normative_documents": "行政规范性文件", "fees": "行政事业性收费"},
                 "2019": {"normative_documents": "规范性文件", "other_services": "其他对外管理服务事项",
                          "procurement": "政府集中采购"}}
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org")
APP_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
RESULTS_COMMON = (
    "granted", "partially_granted", "withheld_state_secret", "withheld_prohibited_by_law",
    "withheld_security_stability", "withheld_third_party_rights", "withheld_internal_affairs",
    "withheld_process_information", "withheld_enforcement_files", "withheld_query_matters",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear", "declined_petition",
    "declined_repeated", "declined_publication", "declined_excessive", "declined_confirmation")
OTHER = {"2019": ("other_processing",), "2021": ("other_no_correction", "other_unpaid_fee", "other_misc")}
REVIEW_ROWS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def _app_rows(template: str) -> tuple[str, ...]:
    return ("new_received", "carried_over", *RESULTS_COMMON, *OTHER[template],
            "total_processed", "carried_forward")


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_table_two_rows_and_columns_per_template(template: str) -> None:
    assert forms.ACTIVE_DISCLOSURE.keys(template) == tuple(ACTIVE[template])
    assert forms.TEMPLATES[template].active_columns == ACTIVE[template]
    for key, header in HEADERS[template].items():
        assert forms.header(template, "active_disclosure", key) == header
    for key, label in ACTIVE_LABELS[template].items():
        assert forms.row_label(template, "active_disclosure", key) == label


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_applications_rows_per_template(template: str) -> None:
    assert forms.APPLICATIONS.keys(template) == _app_rows(template)


def test_applications_and_review_columns() -> None:
    assert forms.APPLICATIONS.column_keys() == (*APPLICANTS, "total")
    assert tuple(c.header for c in forms.APPLICATIONS.columns) == APP_HEADERS
    assert forms.REVIEW_LITIGATION.keys() == REVIEW_ROWS
    assert forms.REVIEW_LITIGATION.column_keys() == REVIEW_COLUMNS
    assert [c.header for c in forms.REVIEW_LITIGATION.columns] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_printed_labels_and_groups() -> None:
    apps = forms.APPLICATIONS
    assert apps.row("new_received").label == "一、本年新收政府信息公开申请数量"
    assert apps.row("carried_forward").label == "四、结转下年度继续办理"
    assert apps.full_label("withheld_state_secret") == "（三）不予公开 1.属于国家秘密"
    assert apps.full_label("unavailable_not_held") == "（四）无法提供 1.本机关不掌握相关政府信息"
    assert apps.full_label("declined_petition") == "（五）不予处理 1.信访举报投诉类申请"
    assert apps.full_label("other_misc") == "（六）其他处理 3.其他"
    assert apps.row("other_processing").label == "（六）其他处理"
    assert apps.row("total_processed").label == "（七）总计"
    assert forms.REVIEW_LITIGATION.full_label("litigation_after_review") == "行政诉讼：复议后起诉"


def test_identities_are_the_spec_checks() -> None:
    by_rule = {i.rule: i for i in forms.IDENTITIES}
    assert list(by_rule) == ["applications.balance", "applications.results", "applications.row_total",
                             "review_litigation.total"]
    balance = by_rule["applications.balance"]
    assert (balance.over, balance.left, balance.right) == (
        "columns", ("new_received", "carried_over"), ("total_processed", "carried_forward"))
    results = by_rule["applications.results"]
    assert set(results.left) == {*RESULTS_COMMON, *OTHER["2019"], *OTHER["2021"]}
    assert results.right == ("total_processed",)
    assert (by_rule["applications.row_total"].left, by_rule["applications.row_total"].right) == (APPLICANTS, ("total",))
    assert by_rule["review_litigation.total"].left == ("upheld", "corrected", "other", "pending")


def test_templates_by_year() -> None:
    assert forms.TEMPLATES["2019"].issued_by == "国办公开办函〔2019〕60号"
    assert forms.TEMPLATES["2021"].issued_by == "国办公开办函〔2021〕30号"
    assert [forms.template_for_year(y) for y in (2018, 2019, 2020, 2021, 2024)] == [None, "2019", "2019", "2021", "2021"]


def _match(table: forms.Table, label: str) -> str | None:
    text = re.sub(r"\s", "", label)
    return next((k for k in table.match_order for p in table.row(k).patterns if re.search(p, text)), None)


@pytest.mark.parametrize("table", list(forms.TABLES.values()), ids=list(forms.TABLES))
def test_every_label_and_variant_is_recognised_as_its_own_row(table: forms.Table) -> None:
    assert sorted(table.match_order) == sorted(table.keys())
    for row in table.rows:
        for label in (row.label, table.full_label(row.key), *row.variants):
            assert _match(table, label) == row.key, label
