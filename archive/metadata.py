"""Datasette metadata for `nianbao serve`: Chinese titles, descriptions and column labels,
search wiring and canned queries (coverage, failing checks, cross-year, year over year)."""
from __future__ import annotations

from typing import Any

from .labels import COLUMNS

_SEARCH_HELP = ("精确子串检索：一个字也能检索（如 低保、信访）。空格分隔＝同时包含；OR＝或；"
                "-词 或 NOT 词＝不包含；\"带 空格 的短语\"。")

# Every column a person can reach in Datasette, in Chinese: the names many tables share,
# then each table's own (`_columns` raises KeyError for a column described nowhere).
_COMMON = {
    "agency_id": "机关编号", "agency": "机关（统一名称）", "region": "地区",
    "agency_as_written": "机关（报告原文）", "year": "年度", "template": "模板（2019/2021 格式）",
    "report_id": "报告编号", "title": "标题", "original": "原件（点击下载）",
    "sha256": "副本（文件内容的 sha256）", "url": "网址", "first_seen": "首次发现时间",
    "last_seen": "最近发现时间", "run_id": "抓取编号（抓取记录）", "status": "结果",
    "source": "抓取来源（sources.toml 中的名称）", "column_url": "栏目网址",
    "etag": "ETag（服务器的缓存校验值）", "last_modified": "Last-Modified（服务器给出的修改时间）",
    "content_type": "服务器声明的类型（Content-Type）", "http_status": "HTTP 状态码",
    "size": "大小（字节）", "mime": "文件类型（按内容识别）", "format": "格式",
    "filename": "文件名", "error": "失败原因", "flags": "解析提示（JSON）", "text": "检索文本",
    "updated_at": "最近更新时间", "started_at": "开始时间", "finished_at": "结束时间",
    "name": "名称", "id": "编号", "table_name": "表代码", "row_key": "项目代码",
    "column_key": "列代码", "row_label": "项目", "column_label": "列", "table_label": "表",
    "row_position": "项目次序（表中顺序）", "value": "数值",
    "is_blank": "空白（1＝原表空白，不是 0）", "provenance": "出处", "flag": "存疑（原因）",
    "rule": "规则", "left": "左边", "right": "右边", "fts_rowid": "检索键（年度<<32|编号）",
    "kind": "类型（report 年报，legacy 2019年前的年报）", "primary_reason": "采用该副本的理由",
    "warc_file": "WARC 文件（warcs/ 下）", "offset": "WARC 记录偏移（字节）",
    "length": "WARC 记录长度（字节）", "version": "版本号（同一网址的第几个内容）",
}


def _columns(names: str, **own: str) -> dict[str, str]:
    """{column: description} for the space-separated `names`, `own` before _COMMON."""
    return {n: own[n] if n in own else _COMMON[n] for n in names.split()}


_AGENCY_COLUMNS = _columns("agency_id agency region agency_as_written year template report_id"
                           " title original")
_REPORTS = _columns(
    "id agency_key agency year template title contact tables checks text primary_sha256"
    " flags first_seen updated_at agency_id kind primary_reason disagreements section_spans"
    " sections_raw sections fts_rowid", id="报告编号", agency="机关（报告原文）",
    agency_key="机关键（归一化名称＋地区，内部用）", contact="联系方式（JSON）",
    tables="三张标准表格（JSON）", checks="勾稽关系校验（JSON）",
    primary_sha256="主副本（点击下载原件）", first_seen="首次发现时间",
    disagreements="副本之间不一致的单元格（JSON）", section_spans="六个部分在正文中的位置（JSON）",
    sections_raw="六个部分的原文（JSON）", sections="六个部分（JSON）")
_COPIES = _columns(
    "sha256 size mime format filename first_seen last_seen status error flags report_id parse"
    " provenance parser_version parsed_at kind cell_flags region",
    status="解析结果（parsed 已解析，not_report 不是年报，failed 失败）",
    report_id="所属报告编号", parse="解析结果（规范化 JSON）", provenance="各字段的出处（JSON）",
    parser_version="解析器版本", parsed_at="解析时间", kind="文件类别（年报、相关文件等）",
    cell_flags="存疑单元格及原因（JSON）", region="地区（抓取来源或 ingest 给出）")
_SIGHTINGS = _columns(
    "id sha256 url first_seen last_seen times_seen source column_url referer link_text"
    " http_status content_type etag last_modified run_id page_title publisher warc_file"
    " warc_offset warc_length", id="记录编号", times_seen="发现次数",
    referer="链接所在页面（Referer）", link_text="链接文字", page_title="页面标题",
    publisher="发布机关（页面给出）", warc_offset="WARC 记录偏移（字节）",
    warc_length="WARC 记录长度（字节）")

TABLES: dict[str, dict[str, Any]] = {
    "report_list": {"title": "报告一览", "description": "每份年度报告一行。搜索框：" + _SEARCH_HELP,
                    "fts_table": "reports_fts", "fts_pk": "fts_rowid",
                    "columns": {**_AGENCY_COLUMNS, **_columns(
                        "id failing_checks kind primary_reason fts_rowid", id="报告编号",
                        failing_checks="未通过校验数")},
                    "sort_desc": "fts_rowid"},
    "reports": {"title": "报告（全部字段）", "description": "规范化 JSON 的各字段；text 为检索文本。"
                " 搜索框：" + _SEARCH_HELP, "fts_table": "reports_fts", "fts_pk": "fts_rowid",
                "label_column": "title", "columns": _REPORTS},
    "agencies": {"title": "机关", "label_column": "name",
                 "description": "同一机关的不同写法归为一个机关（见 agency_names）。",
                 "columns": _columns("id scope name region full_name", id="机关编号",
                                     scope="门户（网址主机）", name="统一名称",
                                     full_name="地区＋名称")},
    "agency_names": {"title": "机关名称（原文写法）",
                     "columns": _columns("sha256 agency_id name year source column_url",
                                         name="原文名称", sha256="副本", source="来源")},
    "related_documents": {"title": "相关文件（非年报）", "label_column": "title",
                          "description": "年报编制通知、图解、法治政府建设报告、统计年报、政务公开工作要点："
                          "不计入年报。",
                          "columns": _columns(
                              "id sha256 agency_id agency year kind title text updated_at",
                              kind="类型（通知、图解、法治政府建设报告等）", agency="机关（原文）",
                              sha256="副本")},
    "copies": {"title": "副本（原始文件）", "columns": _COPIES,
               "description": "每个不同的文件（按 sha256）一行；copies_view 有下载链接。"},
    "copies_view": {"title": "副本与下载", "columns": {**_AGENCY_COLUMNS, **_columns(
        "sha256 format mime size filename status kind error first_seen last_seen first_url",
        status=_COPIES["status"], kind=_COPIES["kind"], first_url="首次发现的网址")}},
    "sightings": {"title": "网址（每次发现）", "columns": _SIGHTINGS,
                  "description": "每个副本在每个网址的发现一行（同一文件可见于多个网址）；"
                  "warc_file、warc_offset、warc_length 指向抓取时的 WARC 记录。"},
    "cells": {"title": "表格单元格（原始）", "description": "is_blank=1：原表为空白（不是 0）。",
              "columns": _columns("report_id table_name row_key column_key value is_blank"
                                  " provenance flag")},
    "cells_view": {"title": "表格单元格（带中文标签）", "columns": {
        **_AGENCY_COLUMNS, **_columns("table_name table_label row_key row_label column_key"
                                      " column_label value is_blank provenance flag")}},
    "cell_values": {"title": "表格单元格的数值（存储）", "columns": _columns(
        "report_id key_id value is_blank provenance flag", key_id="单元格代码编号（cell_keys）")},
    "cell_keys": {"title": "单元格代码（表、项目、列）", "columns": _columns(
        "id table_name row_key column_key", id="单元格代码编号")},
    "checks": {"title": "校验（勾稽关系）", "columns": _columns(
        "report_id rule status left right", status="结果（pass 通过，fail 未通过，"
        "not_assessable 无法判断）")},
    "checks_view": {"title": "校验（带机关与年度）", "columns": {
        **_AGENCY_COLUMNS, **_columns("rule status left right")}},
    "cross_year_checks": {"title": "跨年度校验：结转下年度（N）＝上年结转（N＋1）", "columns": {
        **_AGENCY_COLUMNS, **_columns(
            "next_year next_report_id column_key column_label carried_forward carried_over"
            " status", next_year="下一年度", next_report_id="下一年度报告编号",
            column_label="申请人类型", carried_forward="N 年结转下年度",
            carried_over="N＋1 年上年结转")}},
    "labels": {"title": "中文标签", "columns": _columns(
        "table_name kind key label position", kind="类别（table 表，row 行，column 列）",
        key="代码", label="中文标签", position="次序（表中顺序）")},
    "runs": {"title": "抓取记录", "columns": _columns(
        "id target started_at finished_at status stats", id="抓取编号",
        target="抓取目标（门户网址或来源）", status="状态（running 进行中，success 成功，"
        "partial 部分完成，interrupted 中断（可续抓），failed 失败，killed 被终止）", stats="统计（JSON：抓取页数、文件数、失败数等）")},
    "crawl_urls": {"title": "抓取状态（每个网址）", "columns": _columns(
        "url kind sha256 etag last_modified content_type http_status first_seen last_seen"
        " last_fetched archived_at removed_at removed_reason parent_url source note",
        kind="类别（document 文件，page 页面，bundle 压缩包，rejected 拒收的错误页）",
        sha256="最近一次内容的 sha256", last_fetched="最近抓取时间", archived_at="归档时间",
        removed_at="消失时间（404/410，或已不在列出它的页面上）", removed_reason="消失原因",
        parent_url="列出它的页面", note="备注")},
    "crawl_versions": {"title": "网址的内容版本", "columns": _columns(
        "url version sha256 first_seen last_seen")},
    "crawl_bodies": {"title": "页面内容（压缩保存，用于条件请求）", "columns": _columns(
        "sha256 size body", sha256="页面内容的 sha256", body="压缩的页面内容")},
    "crawl_jobs": {"title": "抓取任务（中断后续抓用）", "columns": _columns(
        "target started_at status runs finished_at", target="抓取目标（门户网址或来源）",
        status="状态（running 进行中，finished 完成）", runs="运行次数")},
    "crawl_failures": {"title": "抓取失败的网址", "columns": _columns(
        "url status reason tries first_failed last_try run_id resolved_at",
        status="HTTP 状态码（下载错误时为空）", reason="失败原因", tries="尝试次数",
        first_failed="首次失败时间", last_try="最近尝试时间", resolved_at="恢复时间（之后抓取成功）")},
    "crawl_warc_records": {"title": "WARC 记录索引", "columns": _columns(
        "record_id run_id type url date status digest sha256 warc_file offset length",
        record_id="WARC 记录编号（WARC-Record-ID）",
        type="记录类型（response 响应，request 请求，revisit 重复内容，warcinfo 说明）",
        date="记录时间（WARC-Date）", status="HTTP 状态码", digest="内容摘要（WARC-Payload-Digest）",
        sha256="内容的 sha256")},
    "_sqlite_migrations": {"title": "数据库迁移记录", "columns": _columns(
        "id migration_set name applied_at", migration_set="迁移集", name="迁移名称",
        applied_at="应用时间")},
    "archive_state": {"title": "档案库维护状态", "columns": _columns(
        "key value", key="键（agencies_settled：上次合并机关时机关表的指纹）", value="值")},
    "reports_fts": {"title": "检索索引（报告）"},
    "related_fts": {"title": "检索索引（相关文件）"},
}

_VIEW_TITLES = {"applications": "三、收到和处理政府信息公开申请情况（每行一项）",
                "active_disclosure": "二、主动公开政府信息情况（每行一项）",
                "review_litigation": "四、行政复议、行政诉讼情况（每行一项）"}
for _table, _cols in COLUMNS.items():
    TABLES[f"{_table}_view"] = {"title": _VIEW_TITLES[_table], "columns": {
        **_AGENCY_COLUMNS, **_columns("row_key row_label row_position"), **dict(_cols),
        "flags": "存疑单元格（列：原因）"}}

SEARCH_SQL = """select r.id as 报告, r.year as 年度, coalesce(a.region || a.name, r.agency) as 机关,
  r.agency as 原文机关名称, r.title as 标题, nianbao_snippet(r.text, :检索词) as 摘要
from reports_fts f join reports r on r.fts_rowid = f.rowid
left join agencies a on a.id = r.agency_id
where reports_fts match nianbao_match(:检索词) and nianbao_contains(r.text, :检索词)
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
