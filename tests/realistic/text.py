"""Text as extraction tools leave it: pdftotext-style tab dumps with wrapped lines, dumps whose
table cells run together with no separator, OCR output of a scan (figures on the line below
their label, rows lost), and Markdown from a PDF-to-Markdown converter."""
from __future__ import annotations

from typing import Callable

from tests.realistic.figures import APP_COLS, REVIEW_COLS, REVIEW_ROWS
from tests.realistic.layout import active_lines, app_lines
from tests.realistic.model import Block, Report

APP_HEAD = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
            "\t自然人\t法人或其他组织\t\t\t\t\t总计", "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]
REVIEW_HEAD = ["行政复议\t\t\t\t\t行政诉讼", "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
               "\t\t\t\t\t" + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)]
TableText = Callable[[Report, str], list[str]]


def wrap(text: str, width: int) -> list[str]:
    """Lines of about `width` characters, as a PDF's text layer breaks them; never inside a
    run of ASCII (an e-mail address or a phone number stays whole)."""
    if not width:
        return [text]
    lines, start = [], 0
    while len(text) - start > width:
        cut = start + width
        while cut < len(text) and text[cut].isascii() and text[cut - 1].isascii():
            cut += 1
        lines.append(text[start:cut])
        start = cut
    return lines + [text[start:]] if start < len(text) else lines


def app_paths(row: str) -> list[str]:
    return [f"applications/{row}/{c}" for c in APP_COLS]


def review_paths() -> list[str]:
    return [f"review_litigation/{r}/{c}" for r in REVIEW_ROWS for c in REVIEW_COLS]


def tab_table(r: Report, name: str) -> list[str]:
    if name == "active_disclosure":
        return [head or "\t".join([label or "", *(r.cell(p) for p in figs)]) for head, label, figs in active_lines(r.template)]
    if name == "applications":
        return APP_HEAD + ["\t".join([label, *(r.cell(p) for p in app_paths(row))]) for label, row in app_lines(r.template)]
    return REVIEW_HEAD + ["\t".join(r.cell(p) for p in review_paths())]


def concat_table(r: Report, name: str) -> list[str]:
    """Every cell of a row run together, as a PDF text layer without spacing gives them."""
    if name == "active_disclosure":
        return [(head or "").replace("\t", "") or (label or "") + "".join(r.cell(p) for p in figs)
                for head, label, figs in active_lines(r.template)]
    if name == "applications":
        return [h.replace("\t", "") for h in APP_HEAD] + [
            label.replace(" ", "") + "".join(r.cell(p) for p in app_paths(row)) for label, row in app_lines(r.template)]
    return [h.replace("\t", "") for h in REVIEW_HEAD] + ["".join(r.cell(p) for p in review_paths())]


def text_dump(r: Report, blocks: list[Block], table: TableText = tab_table, width: int = 0,
              page_every: int = 0) -> str:
    lines: list[str] = []
    page = 1
    for kind, text in blocks:
        if kind == "table":
            lines += table(r, text)
            continue
        for line in wrap(text, width if kind == "p" else 0):
            lines.append(line)
            if page_every and len(lines) // page_every >= page and kind == "p":
                page += 1
                lines += ["", f"— {page - 1} —", ""]
        lines.append("")
    return "\n".join(lines) + "\n"


# --- OCR of a scan ---------------------------------------------------------------------

def ocr_table(lost: set[str], below: set[str]) -> TableText:
    """Table text as OCR reads a scan: figures space-separated; the rows in `lost` gone, the
    figures of the rows in `below` on the line under their label."""
    def render(r: Report, name: str) -> list[str]:
        if name != "applications":
            return [line.replace("\t", " ").strip() for line in tab_table(r, name)]
        out = [h.replace("\t", " ").strip() for h in APP_HEAD]
        for label, row in app_lines(r.template):
            if row in lost:
                continue
            figs = " ".join(r.cell(p) for p in app_paths(row))
            out += [label, figs] if row in below else [f"{label} {figs}"]
        return out
    return render


# --- Markdown from a PDF converter -----------------------------------------------------

def md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def md_active(r: Report) -> list[str]:
    out: list[str] = []
    for head, label, figs in active_lines(r.template):
        if head and head.startswith("信息内容"):
            parts = head.split("\t")
            out += ["", md_row([parts[0], *(p[:3] for p in parts[1:])]), md_row(["---"] * len(parts)),
                    md_row(["", *(p[3:] for p in parts[1:])])]
        elif head:
            out += ["", head]
        else:
            out.append(md_row([label or "", *(r.cell(p) for p in figs)]))
    return out


def md_applications(r: Report, lost_total: set[str], no_label: set[str], header_at: str) -> list[str]:
    """Table 三 as one mini table per row with generic headers; a repeated page header in the
    middle; rows without their label; rows whose 总计 the converter dropped."""
    generic = md_row([f"数据{i}" for i in range(1, 9)])
    out = ["", md_row(["（本列数据的勾稽关系为：第一项加第二项之和，", "申请人情况", "", "", "", "", "", ""]),
           md_row(["---"] * 8), md_row(["等于第三项加第四项之和）", "自然人", "法人或其他组织", "", "", "", "", "总计"]),
           md_row(["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""])]
    for label, row in app_lines(r.template):
        figs = [r.cell(p) for p in app_paths(row)]
        if row in lost_total:
            figs = figs[:6]
        if row == header_at:
            out += ["", md_row(["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]),
                    md_row(["---"] * 8)]
        elif row != "new_received":
            out += ["", generic, md_row(["---"] * 8)]
        out.append(md_row(["" if row in no_label else label, *figs]))
    return out


def md_review(r: Report) -> list[str]:
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    return ["", md_row(["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9), md_row(["---"] * 15),
            md_row(heads + ["未经复议直接起诉"] + [""] * 4 + ["复议后起诉"] + [""] * 4),
            md_row([""] * 5 + heads * 2), md_row([r.cell(p) for p in review_paths()])]


def markdown(r: Report, blocks: list[Block], lost_total: set[str], no_label: set[str], header_at: str) -> str:
    lines: list[str] = []
    for kind, text in blocks:
        if kind == "table":
            lines += (md_active(r) if text == "active_disclosure" else md_review(r) if text == "review_litigation"
                      else md_applications(r, lost_total, no_label, header_at)) + [""]
        elif kind == "title":
            lines += [f"# {text}", ""]
        elif kind == "h":
            lines += [f"**{text}**", ""]
        else:
            lines += [text, ""]
    return "\n".join(lines)
