"""What a document is: an annual disclosure report, a legacy (pre-2019) one, or a related
document that only looks like one.

Portals file many documents next to the annual reports whose titles share their words: the
notice that asks the bodies to compile them (关于做好…年度报告编制发布工作的通知), the
infographic or reading of a report (图解：…, 一图读懂…), the rule-of-law report
(法治政府建设年度报告), the statistical yearbook or bulletin (统计年报, 统计公报) and the
yearly work plan (政务公开工作要点). They are archived as related documents of the body,
never counted as reports. The title decides, because their bodies quote the report's words
freely; a title that is none of these and no report is kind "other".
"""
from __future__ import annotations

import re

REPORT = "report"
LEGACY = "legacy"
OTHER = "other"
# Ordered: the first pattern that matches the title (white space removed) names the kind.
_RELATED = (
    ("infographic", r"^(?:【[^】]{0,8}】)?(?:图解|图说|图读|一图(?:读懂|看懂|了解|速览)|[一二三四五六七八九十]图|"
                    r"(?:政策)?解读[:：]|漫画|动漫|视频)|图解[:：]|一图(?:读懂|看懂)|H5|长图"),
    ("notice", r"(?:关于|做好|开展|印发|报送|编制|发布).{0,40}(?:年度报告|年报).{0,20}(?:的)?(?:通知|函|通报|提醒)$"
               r"|(?:通知|通报|公告|函)$"),
    ("rule_of_law_report", r"法治(?:政府)?建设.{0,12}(?:报告|情况)"),
    ("statistics_report", r"统计(?:年报|年鉴|公报|报表)|国民经济和社会发展统计"),
    ("work_plan", r"工作要点|工作计划|工作方案|实施方案|任务分工"),
)
RELATED_KINDS = tuple(kind for kind, _ in _RELATED) + (OTHER,)
_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in _RELATED)
_WS = re.compile(r"\s+")
# The statistics table of the pre-2019 form (国办发〔2008〕…): 指标名称 / 计量单位 / 历年累计.
_LEGACY_TABLE = re.compile(r"政府信息公开情况统计表|计量单位|历年累计|指标名称")
_TEMPLATE_FIRST_YEAR = 2019  # reports on 2019 and later follow 国办公开办函〔2019〕60号 or its successor


def related_kind(title: str | None) -> str | None:
    """The related kind a title names, or None when it may be a report."""
    compact = _WS.sub("", title or "")
    for kind, pattern in _COMPILED:
        if pattern.search(compact):
            return kind
    return None


def is_legacy(year: int | None, markers: str) -> bool:
    """A report on a year before the templates, or one laid out on the old statistics table
    (and none of the new form's markers)."""
    if year is not None and year < _TEMPLATE_FIRST_YEAR:
        return True
    new_form = re.search(r"本年新收|本年制发|本年新制作|予以公开", markers)
    return bool(_LEGACY_TABLE.search(markers)) and not new_form
