"""Datasette metadata for `nianbao serve`: Chinese titles, descriptions and column labels,
search wiring and canned queries (coverage, failing checks, cross-year, year over year)."""
from __future__ import annotations

from typing import Any

from .labels import COLUMNS

_SEARCH_HELP = ("精确子串检索：一个字也能检索（如 低保、信访）。空格分隔＝同时包含；OR＝或；"
                "-词 或 NOT 词＝不包含；\"带 空格 的短语\"。")

_AGENCY_COLUMNS = {
    "agency_id": "机关编号", "agency": "机关（统一名称）", "region": "地区",
    "agency_as_written": "机关（报告原文）", "year": "年度", "template": "模板（2019/2021 格式）",
    "report_id": "报告编号", "title": "标题", "original": "原件（点击下载）",
}

TABLES: dict[str, dict[str, Any]] = {
    "report_list": {"title": "报告一览", "description": "每份年度报告一行。搜索框：" + _SEARCH_HELP,
                    "fts_table": "reports_fts", "fts_pk": "fts_rowid",
                    "columns": {**_AGENCY_COLUMNS, "id": "报告编号", "failing_checks": "未通过校验数",
                                "kind": "类型（report 年报，legacy 2019年前的年报）",
                                "primary_reason": "采用该副本的理由",
                                "fts_rowid": "检索键（年度<<32|编号）"},
                    "sort_desc": "fts_rowid"},
    "reports": {"title": "报告（全部字段）", "description": "规范化 JSON 的各字段；text 为检索文本。"
                " 搜索框：" + _SEARCH_HELP, "fts_table": "reports_fts", "fts_pk": "fts_rowid",
                "label_column": "title",
                "columns": {"primary_sha256": "主副本（点击下载原件）", "text": "检索文本",
                            "agency": "机关（报告原文）", "agency_id": "机关编号", "year": "年度"}},
    "agencies": {"title": "机关", "label_column": "name",
                 "description": "同一机关的不同写法归为一个机关（见 agency_names）。",
                 "columns": {"scope": "门户（网址主机）", "name": "统一名称", "region": "地区",
                             "full_name": "地区＋名称"}},
    "agency_names": {"title": "机关名称（原文写法）",
                     "columns": {"name": "原文名称", "year": "年度", "source": "来源",
                                 "column_url": "栏目网址", "sha256": "副本"}},
    "related_documents": {"title": "相关文件（非年报）", "label_column": "title",
                          "description": "年报编制通知、图解、法治政府建设报告、统计年报、政务公开工作要点："
                          "不计入年报。",
                          "columns": {"kind": "类型", "agency": "机关（原文）", "agency_id": "机关编号",
                                      "year": "年度", "title": "标题", "text": "检索文本",
                                      "sha256": "副本"}},
    "copies": {"title": "副本（原始文件）",
               "description": "每个不同的文件（按 sha256）一行；copies_view 有下载链接。"},
    "copies_view": {"title": "副本与下载", "columns": {**_AGENCY_COLUMNS,
                                                 "first_url": "首次发现的网址"}},
    "sightings": {"title": "网址（每次发现）"},
    "cells": {"title": "表格单元格（原始）", "description": "is_blank=1：原表为空白（不是 0）。"},
    "cells_view": {"title": "表格单元格（带中文标签）", "columns": {
        **_AGENCY_COLUMNS, "table_label": "表", "row_label": "行", "column_label": "列",
        "value": "数值", "is_blank": "空白（1＝原表空白）", "provenance": "出处",
        "flag": "存疑（原因）"}},
    "checks": {"title": "校验（勾稽关系）"},
    "checks_view": {"title": "校验（带机关与年度）", "columns": {
        **_AGENCY_COLUMNS, "rule": "规则", "status": "结果", "left": "左边", "right": "右边"}},
    "cross_year_checks": {"title": "跨年度校验：结转下年度（N）＝上年结转（N＋1）", "columns": {
        **_AGENCY_COLUMNS, "next_year": "下一年度", "column_label": "申请人类型",
        "carried_forward": "N 年结转下年度", "carried_over": "N＋1 年上年结转", "status": "结果"}},
    "labels": {"title": "中文标签"},
    "runs": {"title": "抓取记录"},
}

_VIEW_TITLES = {"applications": "三、收到和处理政府信息公开申请情况（每行一项）",
                "active_disclosure": "二、主动公开政府信息情况（每行一项）",
                "review_litigation": "四、行政复议、行政诉讼情况（每行一项）"}
for _table, _cols in COLUMNS.items():
    TABLES[f"{_table}_view"] = {"title": _VIEW_TITLES[_table], "columns": {
        **_AGENCY_COLUMNS, "row_label": "项目", "row_key": "项目代码", **dict(_cols),
        "flags": "存疑单元格（列：原因）"}}

SEARCH_SQL = """select r.id as 报告, r.year as 年度, coalesce(a.region || a.name, r.agency) as 机关,
  r.agency as 原文机关名称, r.title as 标题, nianbao_snippet(r.text, :检索词) as 摘要
from reports_fts f join reports r on r.fts_rowid = f.rowid
left join agencies a on a.id = r.agency_id
where reports_fts match nianbao_match(:检索词)
  and (:年度 = '' or r.year = cast(:年度 as integer))
  and (:机关 = '' or nianbao_agency_match(a.region, a.name, r.agency, :机关))
order by f.rowid desc limit 500"""

FAILING_SQL = """select report_id as 报告, coalesce(region || agency, agency_as_written) as 机关, year as 年度, rule as 规则,
  "left" as 左边, "right" as 右边 from checks_view where status = 'fail'
order by report_id, rule"""

CROSS_YEAR_SQL = """select region || agency as 机关, year as 年度, next_year as 下一年度,
  column_label as 申请人类型, carried_forward as "N年结转下年度", carried_over as "N+1年上年结转",
  status as 结果, report_id as 报告, next_report_id as 下一年报告
from cross_year_checks where status != 'pass' order by agency_id, year, column_key"""

YEAR_OVER_YEAR_SQL = """select region || agency as 机关, year as 年度, row_label as 项目,
  total as 总计, lag(total) over w as 上一份报告, total - lag(total) over w as 增减,
  report_id as 报告
from applications_view where (nullif(:项目, '') is null and row_key = 'new_received')
  or instr(row_label, nullif(:项目, '')) > 0
window w as (partition by agency_id, row_key order by year)
order by region, agency, year"""


def coverage_sql(years: list[int]) -> str:
    """Agency x year: the report id in each year's column, empty where it is missing."""
    cols = "".join(f",\n  max(case when r.year = {y} then r.id end) as \"{y}\"" for y in years)
    return (f"select a.id as 机关编号, a.region || a.name as 机关{cols},\n"
            f"  {len(years)} - count(distinct r.year) as 缺少年数\n"
            "from agencies a join reports r on r.agency_id = a.id"
            " and r.primary_sha256 is not null\n"
            "group by a.id order by 缺少年数 desc, a.region, a.name")


def queries(years: list[int]) -> dict[str, dict[str, Any]]:
    return {
        "search": {"title": "全文检索", "description": _SEARCH_HELP + " 年度、机关可留空。",
                   "sql": SEARCH_SQL},
        "coverage": {"title": "覆盖情况（机关 × 年度）",
                     "description": "每格为该年度报告的编号；空格表示缺少该年度的报告。",
                     "sql": coverage_sql(years)},
        "failing_checks": {"title": "未通过的校验", "sql": FAILING_SQL},
        "cross_year": {"title": "跨年度校验（未通过或无法判断）", "sql": CROSS_YEAR_SQL},
        "year_over_year": {"title": "逐年对比（申请情况）",
                           "description": "项目：填表中项目名称的一部分，如“予以公开”“上年结转”"
                           "“总计”“结转下年度”；留空＝本年新收政府信息公开申请数量。",
                           "sql": YEAR_OVER_YEAR_SQL},
    }


def metadata(database: str, years: list[int], blobs_dir: str) -> dict[str, Any]:
    return {
        "title": "nianbao 政府信息公开工作年度报告档案",
        "description": "年度报告的原件、规范化数据、表格与校验。只读。",
        "plugins": {"nianbao": {"database": database, "blobs": blobs_dir}},
        "databases": {database: {"title": "年报档案", "tables": TABLES,
                                 "queries": queries(years)}},
    }
