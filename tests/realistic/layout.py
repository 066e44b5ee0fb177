"""The three tables as the templates lay them out: grids of cells with rowspan/colspan (for
HTML and Word), and the same rows as (label, figure paths) lines (for text dumps). A figure
cell carries its path "table/row/column"; its text comes from the case (a number as the
document writes it, "" for a blank, a unit or a note when the case wants one)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tests.realistic.figures import APP_COLS, REVIEW_COLS, REVIEW_ROWS, app_rows

Text = Callable[[str], str]  # path -> the cell's text


@dataclass
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    path: str | None = None


Grid = list[list[Cell]]

ACTIVE_LABELS = {"rules": "规章", "licensing": "行政许可", "other_services": "其他对外管理服务事项",
                 "punishment": "行政处罚", "coercion": "行政强制", "fees": "行政事业性收费",
                 "procurement": "政府集中采购"}
GROUPS = {"withheld": "（三）不予公开", "unavailable": "（四）无法提供", "declined": "（五）不予处理", "other": "（六）其他处理"}
APP_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开", "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "1.属于国家秘密", "withheld_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "withheld_security_stability": "3.危及“三安全一稳定”", "withheld_third_party_rights": "4.保护第三方合法权益",
    "withheld_internal_affairs": "5.属于三类内部事务信息", "withheld_process_information": "6.属于四类过程性信息",
    "withheld_enforcement_files": "7.属于行政执法案卷", "withheld_query_matters": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息", "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确", "declined_petition": "1.信访举报投诉类申请",
    "declined_repeated": "2.重复申请", "declined_publication": "3.要求提供公开出版物",
    "declined_excessive": "4.无正当理由大量反复申请", "declined_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_processing": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他", "total_processed": "（七）总计", "carried_forward": "四、结转下年度继续办理",
}
ACTIVE_HEADS = {"2021": ("本年制发件数", "本年废止件数", "现行有效件数"),
                "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量")}
PROCUREMENT_HEAD = "采购总金额（单位：万元，保留4位小数）"


def group_of(row: str) -> str | None:
    prefix = row.split("_")[0]
    if row == "other_processing":
        return None
    return GROUPS.get(prefix)


def _figures(text: Text, table: str, row: str, cols: tuple[str, ...], span: int = 1) -> list[Cell]:
    return [Cell(text(f"{table}/{row}/{c}"), 1, span, f"{table}/{row}/{c}") for c in cols]


def active_grid(template: str, text: Text) -> Grid:
    a, norm = "active_disclosure", ("规章", "行政规范性文件" if template == "2021" else "规范性文件")
    three = ("issued", "repealed", "in_force") if template == "2021" else ("made", "published", "total_published")
    grid: Grid = [[Cell("第二十条第（一）项", 1, 4)], [Cell("信息内容"), *(Cell(h) for h in ACTIVE_HEADS[template])]]
    grid += [[Cell(lab), *_figures(text, a, key, three)] for lab, key in zip(norm, ("rules", "normative_documents"))]
    if template == "2021":
        for item, keys, head in (("五", ("licensing",), "本年处理决定数量"), ("六", ("punishment", "coercion"), "本年处理决定数量"),
                                 ("八", ("fees",), "本年收费金额（单位：万元）")):
            grid += [[Cell(f"第二十条第（{item}）项", 1, 4)], [Cell("信息内容"), Cell(head, 1, 3)]]
            col = ("amount",) if item == "八" else ("decisions",)
            grid += [[Cell(ACTIVE_LABELS[k]), *_figures(text, a, k, col, 3)] for k in keys]
        return grid
    head3 = ("上一年项目数量", "本年增/减", "处理决定数量")
    for item, keys in (("五", ("licensing", "other_services")), ("六", ("punishment", "coercion"))):
        grid += [[Cell(f"第二十条第（{item}）项", 1, 4)], [Cell("信息内容"), *(Cell(h) for h in head3)]]
        grid += [[Cell(ACTIVE_LABELS[k]), *_figures(text, a, k, ("previous", "change", "decisions"))] for k in keys]
    grid += [[Cell("第二十条第（八）项", 1, 4)], [Cell("信息内容"), Cell(head3[0]), Cell(head3[1], 1, 2)],
             [Cell("行政事业性收费"), *_figures(text, a, "fees", ("previous",)), *_figures(text, a, "fees", ("change",), 2)],
             [Cell("第二十条第（九）项", 1, 4)], [Cell("信息内容"), Cell("采购项目数量"), Cell(PROCUREMENT_HEAD, 1, 2)],
             [Cell("政府集中采购"), *_figures(text, a, "procurement", ("count",)),
              *_figures(text, a, "procurement", ("amount",), 2)]]
    return grid


def app_grid(template: str, text: Text, total_span: int = 1) -> Grid:
    """Table 三; `total_span` 2 draws 总计 over two grid columns (as Word exports often do)."""
    t = "applications"
    figs = lambda row: [*_figures(text, t, row, APP_COLS[:6]), *_figures(text, t, row, APP_COLS[6:], total_span)]  # noqa: E731
    grid: Grid = [[Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), Cell("申请人情况", 1, 6 + total_span)],
                  [Cell("自然人", 2), Cell("法人或其他组织", 1, 5), Cell("总计", 2, total_span)],
                  [Cell(h) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")]]
    rows = app_rows(template)
    body: Grid = []
    for row in rows[2:-1]:
        group = group_of(row)
        if group is None:
            body.append([Cell(APP_LABELS[row], 1, 2), *figs(row)])
            continue
        members = [r for r in rows if group_of(r) == group]
        head = [Cell(group, len(members))] if row == members[0] else []
        body.append([*head, Cell(APP_LABELS[row]), *figs(row)])
    body[0].insert(0, Cell("三、本年度办理结果", len(body)))
    top = [[Cell(APP_LABELS[r], 1, 3), *figs(r)] for r in rows[:2]]
    return grid + top + body + [[Cell(APP_LABELS[rows[-1]], 1, 3), *figs(rows[-1])]]


def review_grid(text: Text) -> Grid:
    heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [[Cell("行政复议", 1, 5), Cell("行政诉讼", 1, 10)],
            [*(Cell(h, 2) for h in heads), Cell("未经复议直接起诉", 1, 5), Cell("复议后起诉", 1, 5)],
            [Cell(h) for h in heads * 2],
            [c for row in REVIEW_ROWS for c in _figures(text, "review_litigation", row, REVIEW_COLS)]]


def app_lines(template: str) -> list[tuple[str, str]]:
    """(label as a text dump shows it, row key) for table 三, the group named on its first row."""
    out, seen = [], set()
    for row in app_rows(template):
        group = group_of(row)
        label = APP_LABELS[row]
        if row == "granted":
            label = "三、本年度办理结果 " + label
        if group and group not in seen:
            seen.add(group)
            label = f"{group} {label}"
        out.append((label, row))
    return out


def active_lines(template: str) -> list[tuple[str | None, str | None, tuple[str, ...]]]:
    """Table 二 as lines: (heading line or None, row label or None, figure paths)."""
    out: list[tuple[str | None, str | None, tuple[str, ...]]] = []
    for row in active_grid(template, lambda p: ""):
        labels = [c.text for c in row if c.path is None]
        figs = tuple(c.path for c in row if c.path)
        if figs:
            out.append((None, labels[0], figs))
        else:
            out.append(("\t".join(labels), None, ()))
    return out

