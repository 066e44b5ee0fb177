"""Render a canonical report (spec: ../shared/spec/report-format.md) into real files.

Test and benchmark tooling, not product code. Real tools do the rendering: python-docx
writes Word tables with real merged cells (gridSpan/vMerge), LibreOffice turns the DOCX
into a ruled-table PDF and a Word 97 DOC, pypdfium2 + img2pdf rasterise the PDF into an
image-only "scan". WPS is approximated: LibreOffice cannot write Kingsoft WPS, whose .wps
files are OLE2 compound documents with the Word 97 binary layout, so `to_wps` writes the
DOC bytes under a .wps name (the sniffer tells WPS by that name, the reader must open it).

The table layouts are the national templates' (国办公开办函〔2019〕60号, 〔2021〕30号), as
cells with rowspan/colspan, shared by the HTML and DOCX renderers. `generate_report` makes
random non-zero reports that satisfy (or break, on purpose) the spec's identities.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import forms

HERE = Path(__file__).resolve()
GOLD_DIR = HERE.parent / "data" / "gold"
SECTION_HEADINGS = forms.PARTS
APP_COLS = forms.APPLICATIONS.column_keys()
REVIEW_COLS = forms.REVIEW_LITIGATION.column_keys()
FONT = "WenQuanYi Micro Hei"


@dataclass(slots=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: bool = False  # a figure cell (blank when its value is None)


Layout = list[list[Cell]]


def fmt(value: int | float | None) -> str:
    """A cell's text: blank for None, shortest decimal for money."""
    return "" if value is None else str(value)


# --- the templates' table layouts ------------------------------------------------------

def _values(row: dict[str, Any], cols: tuple[str, ...], span: int = 1) -> list[Cell]:
    return [Cell(fmt(row[c]), 1, span, True) for c in cols]


def _active_label(template: str, key: str) -> Cell:
    return Cell(forms.row_label(template, "active_disclosure", key))


def _heads(template: str, keys: tuple[str, ...]) -> list[Cell]:
    return [Cell(forms.header(template, "active_disclosure", k)) for k in keys]


def _item(item: str) -> list[Cell]:
    return [Cell(f"第二十条第{item}项", 1, 4)]


def _active_2021(t: dict[str, Any]) -> Layout:
    cols = forms.TEMPLATES["2021"].active_columns
    rows: Layout = [_item("（一）"), [Cell("信息内容"), *_heads("2021", cols["rules"])]]
    rows += [[_active_label("2021", k), *_values(t[k], cols[k])] for k in ("rules", "normative_documents")]
    for item, keys in (("（五）", ("licensing",)), ("（六）", ("punishment", "coercion")), ("（八）", ("fees",))):
        head = _heads("2021", cols[keys[0]])[0]
        rows += [_item(item), [Cell("信息内容"), Cell(head.text, 1, 3)]]
        rows += [[_active_label("2021", k), *_values(t[k], cols[k], 3)] for k in keys]
    return rows


def _active_2019(t: dict[str, Any], merged_money: bool) -> Layout:
    cols = forms.TEMPLATES["2019"].active_columns
    head3 = [Cell("信息内容"), *_heads("2019", cols["licensing"])]
    rows: Layout = [_item("（一）"), [Cell("信息内容"), *_heads("2019", cols["rules"])]]
    rows += [[_active_label("2019", k), *_values(t[k], cols[k])] for k in ("rules", "normative_documents")]
    for item, keys in (("（五）", ("licensing", "other_services")), ("（六）", ("punishment", "coercion"))):
        rows += [_item(item), list(head3)]
        rows += [[_active_label("2019", k), *_values(t[k], cols[k])] for k in keys]
    rows += [_item("（八）"), [*head3[:3], Cell("")],
             [_active_label("2019", "fees"), *_values(t["fees"], cols["fees"]), Cell("")],
             _item("（九）"), [Cell("信息内容"), *_heads("2019", cols["procurement"])],
             [_active_label("2019", "procurement"), *_values(t["procurement"], cols["procurement"])]]
    if merged_money:  # 采购总金额 spanning two columns, as in many originals
        rows[-2][-1].colspan = rows[-1][-1].colspan = 2
    else:
        rows[-2].append(Cell(""))
        rows[-1].append(Cell(""))
    return rows


def _grouped(t: dict[str, Any], keys: tuple[str, ...], span: int) -> Layout:
    """Rows of the results block; a group's name (（三）不予公开) spans its rows."""
    v = lambda key: _values(t[key], APP_COLS)  # noqa: E731
    table, out = forms.APPLICATIONS, Layout()
    for i, key in enumerate(keys):
        row = table.row(key)
        size = sum(1 for k in keys if table.row(k).group == row.group)
        first = bool(row.group) and (i == 0 or table.row(keys[i - 1]).group != row.group)
        head = [Cell(row.group, size), Cell(row.label)] if first else [Cell(row.label)]
        out.append([*head, *v(key)] if row.group else [Cell(row.label, 1, span), *v(key)])
    return out


def _applications(t: dict[str, Any], template: str) -> Layout:
    v = lambda key: _values(t[key], APP_COLS)  # noqa: E731
    cols, label = forms.APPLICATIONS.columns, forms.APPLICATIONS.row
    rows: Layout = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), Cell("申请人情况", 1, 7)],
        [Cell(cols[0].header, 2), Cell(cols[1].group, 1, 5), Cell(cols[-1].header, 2)],
        [Cell(c.header) for c in cols[1:-1]],
        *([Cell(label(k).label, 1, 3), *v(k)] for k in ("new_received", "carried_over")),
    ]
    results = tuple(r.key for r in forms.APPLICATIONS.rows if r.section == forms.RESULTS
                    and template in r.templates)
    body = _grouped(t, results, 2)
    body[0].insert(0, Cell(forms.RESULTS, len(body)))
    return rows + body + [[Cell(label("carried_forward").label, 1, 3), *v("carried_forward")]]


def _review(t: dict[str, Any]) -> Layout:
    heads = tuple(c.header for c in forms.REVIEW_LITIGATION.columns)
    first, *suits = forms.REVIEW_LITIGATION.rows
    return [[Cell(first.label, 1, 5), Cell(suits[0].group, 1, 10)],
            [*(Cell(h, 2) for h in heads), *(Cell(r.label, 1, 5) for r in suits)],
            [Cell(h) for h in heads * 2],
            [c for key in forms.REVIEW_LITIGATION.keys() for c in _values(t[key], REVIEW_COLS)]]


def layouts(report: dict[str, Any], merged_money: bool = False, blank: str = "") -> dict[int, Layout]:
    """Section number -> the table that follows its heading; a None figure is written as
    `blank` ("", or "—" / "/" as many reports write it)."""
    t, tpl = report["tables"], report["template"]
    ad = t["active_disclosure"]
    active = _active_2021(ad) if tpl == "2021" else _active_2019(ad, merged_money)
    out = {2: active, 3: _applications(t["applications"], tpl), 4: _review(t["review_litigation"])}
    for cell in (c for layout in out.values() for row in layout for c in row):
        if cell.value and not cell.text:
            cell.text = blank
    return out


def grid_positions(layout: Layout) -> list[list[tuple[int, int, Cell]]]:
    """(row, column, cell) of every cell, placing rowspans as an HTML table does."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(layout):
        c, placed = 0, []
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            c += cell.colspan
        out.append(placed)
    return out


# --- renderers -------------------------------------------------------------------------

def _intro(report: dict[str, Any]) -> list[str]:
    c, year = report.get("contact") or {}, report["year"]
    items = [f"地址：{c.get('address') or '人民路一号'}", f"邮编：{c.get('postcode') or '750001'}",
             f"联系电话：{c.get('phone') or '0951-6012345'}"]
    if c.get("email"):
        items.append(f"电子邮箱：{c['email']}")
    return ["本报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括总体情况、主动公开政府信息情况、"
            "收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、"
            "其他需要报告的事项六部分。",
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，"
            f"请与{report['agency'] or '本机关'}办公室联系（{'；'.join(items)}）。"]


def _paragraphs(report: dict[str, Any], n: int) -> list[str]:
    return [p for p in (report["sections"].get(str(n)) or "").split("\n") if p.strip()]


def to_html(report: dict[str, Any], merged_money: bool = False, blank: str = "") -> str:
    """The report as a portal page: <p> paragraphs and the templates' tables with spans."""
    out = [f"<html><head><meta charset='utf-8'><title>{html.escape(report['title'])}</title></head><body>",
           f"<h1>{html.escape(report['title'])}</h1>", *(f"<p>{html.escape(p)}</p>" for p in _intro(report))]
    tables = layouts(report, merged_money, blank)
    for n, heading in enumerate(SECTION_HEADINGS, 1):
        out.append(f"<p><strong>{heading}</strong></p>")
        out += [f"<p>{html.escape(p)}</p>" for p in _paragraphs(report, n)]
        if n in tables:
            out.append("<table border='1'>")
            for row in tables[n]:
                tds = "".join(f"<td{_span_attrs(c)}>{html.escape(c.text)}</td>" for c in row)
                out.append(f"<tr>{tds}</tr>")
            out.append("</table>")
    out += [f"<p>{html.escape(report['agency'] or '')}</p>", f"<p>{report['year'] + 1}年1月20日</p></body></html>"]
    return "\n".join(out)


def _span_attrs(cell: Cell) -> str:
    return (f" rowspan='{cell.rowspan}'" if cell.rowspan > 1 else "") + (
        f" colspan='{cell.colspan}'" if cell.colspan > 1 else "")


WIDTHS_CM = {4: [4.6, 4.0, 4.0, 4.0], 10: [1.2, 2.4, 3.7] + [1.3] * 7, 15: [1.1] * 15}


def _docx_table(d: Any, layout: Layout) -> None:
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    placed = grid_positions(layout)
    width = max(c + cell.colspan for row in placed for _, c, cell in row)
    table = d.add_table(rows=len(layout), cols=width)
    table.style = "Table Grid"
    for i, w in enumerate(WIDTHS_CM[width]):
        table.columns[i].width = Cm(w)
        for row in table.rows:
            row.cells[i].width = Cm(w)
    for r, c, cell in (p for row in placed for p in row):
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        target.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        para = target.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run(cell.text).font.size = Pt(9)


def _page_footer(paragraph: Any) -> None:
    """"— N —" centred in the footer, N a PAGE field (as most reports are numbered)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    field, run, text = OxmlElement("w:fldSimple"), OxmlElement("w:r"), OxmlElement("w:t")
    field.set(qn("w:instr"), "PAGE")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


_NUMBERING = ('<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
              'w:abstractNumId="90"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0">'
              '<w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>'
              '<w:lvlJc w:val="left"/></w:lvl></w:abstractNum>',
              '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
              '<w:abstractNumId w:val="90"/></w:num>')


def _numbered_heading(d: Any, text: str) -> None:
    """A heading whose "一、" is Word's automatic list numbering (chineseCounting), not text."""
    from docx.oxml import parse_xml

    root = d.part.numbering_part.element
    if root.find(".//{*}num[@{*}numId='90']") is None:
        first_num = root.find("{*}num")
        abstract = parse_xml(_NUMBERING[0])
        root.insert(list(root).index(first_num), abstract) if first_num is not None else root.append(abstract)
        root.append(parse_xml(_NUMBERING[1]))
    p = d.add_paragraph()
    p.add_run(text.split("、", 1)[1]).bold = True
    num_pr = parse_xml('<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                       '<w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
    p._p.get_or_add_pPr().append(num_pr)


def to_docx(report: dict[str, Any], path: Path, merged_money: bool = False, numbered: bool = False,
            blank: str = "") -> None:
    """A Word document with real tables (merged cells as gridSpan/vMerge); `numbered`: the
    part headings' "一、" … "六、" come from Word's list numbering."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    for section in d.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2)
        _page_footer(section.footer.paragraphs[0])
    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(report["title"])
    run.font.size, run.bold = Pt(18), True
    for p in _intro(report):
        d.add_paragraph(p)
    tables = layouts(report, merged_money, blank)
    for n, heading in enumerate(SECTION_HEADINGS, 1):
        if numbered:
            _numbered_heading(d, heading)
        else:
            d.add_paragraph().add_run(heading).bold = True
        for p in _paragraphs(report, n):
            d.add_paragraph(p)
        if n in tables:
            _docx_table(d, tables[n])
    for line in (report["agency"] or "", f"{report['year'] + 1}年1月20日"):
        d.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    d.save(str(path))


def _convert(report: dict[str, Any], path: Path, target: str, **opts: Any) -> None:
    from pipelines.docxdoc import soffice_convert

    source = render(report, "docx", **opts)
    with tempfile.TemporaryDirectory(prefix="nianbao-render-") as tmp:
        src = Path(tmp) / "report.docx"
        shutil.copyfile(source, src)
        shutil.move(str(soffice_convert(src, target, Path(tmp))), path)


def to_pdf(report: dict[str, Any], path: Path, **opts: Any) -> None:
    """A text PDF with ruled tables: LibreOffice's export of the DOCX."""
    _convert(report, path, "pdf", **opts)


def to_doc(report: dict[str, Any], path: Path, **opts: Any) -> None:
    """A Word 97 binary DOC: LibreOffice's "MS Word 97" export of the DOCX."""
    _convert(report, path, "doc", **opts)


def to_wps(report: dict[str, Any], path: Path, **opts: Any) -> None:
    """Approximated: the DOC bytes under a .wps name (Kingsoft WPS files are Word 97 OLE2)."""
    shutil.copyfile(render(report, "doc", **opts), path)


def to_scanned_pdf(report: dict[str, Any], path: Path, dpi: int = 150, skew: float = 0.0, **opts: Any) -> None:
    """The text PDF rasterised (pypdfium2, grey, JPEG) and rewrapped by Pillow: no text
    layer; `skew` turns the pages by that many degrees, as a sheet fed askew."""
    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument(str(render(report, "pdf", **opts)))
    pages = [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    if skew:
        pages = [p.rotate(skew, resample=Image.BICUBIC, fillcolor=255) for p in pages]
    pages[0].save(str(path), "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:], quality=85)


def to_mixed_pdf(report: dict[str, Any], path: Path, **opts: Any) -> None:
    """Page 1 from the text PDF, the other pages from the scan (a scanned page appended)."""
    import pypdfium2 as pdfium

    text, scan = (pdfium.PdfDocument(str(render(report, fmt, **opts))) for fmt in ("pdf", "scan"))
    out = pdfium.PdfDocument.new()
    out.import_pages(text, [0])
    out.import_pages(scan, list(range(1, len(scan))))
    out.save(str(path))


RENDERERS = {"docx": to_docx, "pdf": to_pdf, "doc": to_doc, "wps": to_wps, "scan": to_scanned_pdf,
             "mixed": to_mixed_pdf}
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "doc": "doc", "wps": "wps", "scan": "pdf", "mixed": "pdf", "html": "html"}
CACHE_DIR = Path(os.environ.get("NIANBAO_RENDER_CACHE") or Path(tempfile.gettempdir()) / "nianbao-render-cache")
# any change here or in the forms re-renders
_VERSION = hashlib.sha256(HERE.read_bytes() + Path(forms.national.__file__).read_bytes()).hexdigest()[:12]


def render(report: dict[str, Any], fmt: str, **opts: Any) -> Path:
    """The report rendered as `fmt` (docx|pdf|doc|wps|scan|mixed|html), cached per (report, format)."""
    blob = json.dumps([report, fmt, opts, _VERSION], sort_keys=True, ensure_ascii=False)
    path = CACHE_DIR / f"{hashlib.sha256(blob.encode()).hexdigest()[:24]}.{EXTENSIONS[fmt]}"
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f"part-{os.getpid()}-{path.name}")
    if fmt == "html":
        part.write_text(to_html(report, **opts), encoding="utf-8")
    else:
        RENDERERS[fmt](report, part, **opts)
    os.replace(part, path)
    return path


# --- reports: from gold, and generated ------------------------------------------------

_FILLER = {1: "全面贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外",
           2: "本年度主动公开政府信息情况见下表",
           3: "本年度收到和处理政府信息公开申请情况见下表",
           4: "本年度因政府信息公开被申请行政复议、提起行政诉讼情况见下表",
           5: "对照上级要求，政务公开工作仍存在一些不足，下一步将认真加以改进",
           6: "本年度未收取信息处理费"}


def section_text(n: int, snippets: list[str]) -> str:
    """A part's text holding each snippet whole, one sentence each."""
    if snippets and all(len(s) <= 2 for s in snippets):
        return "".join(f"{s}。" for s in snippets)  # "无": a part that says just that
    return "".join(f"{s}，工作稳步推进。" for s in snippets) + f"{_FILLER[n]}。"


def report_from_gold(gold: dict[str, Any]) -> dict[str, Any]:
    """A full canonical report with the gold's facts; section text holds its snippets."""
    snippets = gold.get("section_snippets", {})
    return {
        "title": gold["title"], "agency": gold["agency"], "year": gold["year"], "template": gold["template"],
        "contact": {"address": "人民路一号", "postcode": "750001", "phone": "0951-6012345",
                    "email": (gold.get("contact") or {}).get("email")},
        "sections": {str(n): section_text(n, snippets.get(str(n), [])) for n in range(1, 7)},
        "tables": gold["tables"], "checks": [],
    }


def gold_reports() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Seed name -> (gold, full report) for the five seeds."""
    out = {}
    for path in sorted(GOLD_DIR.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        out[path.name.split("_")[0]] = (gold, report_from_gold(gold))
    return out


_PLACES = ("银川市金凤区", "杭州市西湖区", "成都市武侯区", "贺兰县", "广州市天河区", "南京市鼓楼区", "长沙县",
           "石家庄市桥西区", "昆明市盘龙区", "中卫市沙坡头区")
_BODIES = ("人民政府", "人民政府办公室", "自然资源局", "生态环境局", "教育局", "市场监督管理局",
           "卫生健康局", "住房和城乡建设局", "城关镇人民政府", "新华街道办事处")
APP_ROWS = {t: forms.APPLICATIONS.keys(t) for t in forms.TEMPLATES}
RESULT_ROWS = {t: rows[2:-2] for t, rows in APP_ROWS.items()}


def _gen_active(rng: random.Random, template: str) -> dict[str, dict[str, Any]]:
    n = rng.randint
    if template == "2021":
        t: dict[str, dict[str, Any]] = {k: {"issued": n(1, 9), "repealed": n(1, 5), "in_force": n(10, 60)}
                                        for k in ("rules", "normative_documents")}
        t.update(licensing={"decisions": n(10, 3000)}, punishment={"decisions": n(1, 400)},
                 coercion={"decisions": n(1, 60)}, fees={"amount": round(rng.uniform(0.5, 300), 2)})
    else:
        t = {k: {"made": n(1, 9), "published": n(1, 9), "total_published": n(10, 80)}
             for k in ("rules", "normative_documents")}
        t.update({k: {"previous": n(5, 300), "change": n(-9, 9) or 3, "decisions": n(1, 2000)}
                  for k in ("licensing", "other_services", "punishment", "coercion")})
        t.update(fees={"previous": n(1, 30), "change": n(-3, 3) or -1},
                 procurement={"count": n(1, 40), "amount": round(rng.uniform(1, 900), 2)})
    for _ in range(n(1, 2)):  # blanks: cells an agency left empty (money stays, for a decimal)
        row = rng.choice(sorted(k for k in t if k not in ("fees", "procurement")))
        t[row][rng.choice(sorted(t[row]))] = None
    return t


def _gen_applications(rng: random.Random, template: str, blank_col: str | None) -> dict[str, dict[str, Any]]:
    rows = APP_ROWS[template]
    t: dict[str, dict[str, Any]] = {k: {} for k in rows}
    for col in APP_COLS[:-1]:
        top = 40 if col == "natural_person" else 6
        for r in RESULT_ROWS[template]:
            t[r][col] = None if col == blank_col else rng.choice((0, *range(1, top + 1)))
        if col == blank_col:
            for r in ("new_received", "carried_over", "total_processed", "carried_forward"):
                t[r][col] = None
            continue
        processed = sum(t[r][col] for r in RESULT_ROWS[template])
        forward = rng.randint(1, 5)
        over = rng.randint(1, min(processed + forward, 6))
        t["total_processed"][col], t["carried_forward"][col] = processed, forward
        t["carried_over"][col], t["new_received"][col] = over, processed + forward - over
    for r in rows:
        t[r]["total"] = sum(v for c, v in t[r].items() if v is not None)
    return t


def _gen_review(rng: random.Random) -> dict[str, dict[str, Any]]:
    out = {}
    for key in forms.REVIEW_LITIGATION.keys():
        row = {c: rng.randint(0, 6) for c in REVIEW_COLS[:-1]}
        out[key] = {**row, "total": sum(row.values())}
    return out


def _break_one(rng: random.Random, tables: dict[str, Any]) -> None:
    """Break one identity as real reports do: a wrong carried-forward, result or total."""
    apps, d = tables["applications"], rng.randint(1, 3)
    kind = rng.choice(("balance", "results", "review"))
    if kind == "review":
        tables["review_litigation"]["review"]["total"] += d
        return
    row = "carried_forward" if kind == "balance" else "granted"
    apps[row]["natural_person"] += d
    apps[row]["total"] += d


def generate_report(rng: random.Random, template: str, consistent: bool = True) -> dict[str, Any]:
    """A random report in `template` whose figures satisfy every identity of the spec
    (consistent=False: one identity broken on purpose); a few blank (None) cells."""
    year = rng.choice((2019, 2020)) if template == "2019" else rng.randint(2021, 2024)
    agency = rng.choice(_PLACES) + rng.choice(_BODIES)
    blank_col = rng.choice((None, None, "research_institution", "social_welfare_org"))
    tables = {"active_disclosure": _gen_active(rng, template),
              "applications": _gen_applications(rng, template, blank_col),
              "review_litigation": _gen_review(rng)}
    if not consistent:
        _break_one(rng, tables)
    kind = rng.choice(("年政府信息公开工作年度报告", "年政府信息公开工作年度报告", "年度政府信息公开工作年度报告"))
    sections = {str(n): section_text(n, ["坚持以人民为中心的发展思想"] if n == 1 else []) for n in range(1, 7)}
    sections["6"] = rng.choice(("无。", sections["6"]))
    return {"title": f"{agency}{year}{kind}", "agency": agency, "year": year,
            "template": template, "sections": sections, "tables": tables, "checks": [],
            "contact": {"address": f"{agency[:3]}人民路{rng.randint(1, 99)}号", "postcode": f"{rng.randint(100000, 899999)}",
                        "phone": f"0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}",
                        "email": f"gk{rng.randint(100, 99999)}@163.com"}}


def expected_checks(tables: dict[str, Any]) -> dict[str, str]:
    """Rule -> pass/fail/not_assessable, evaluated independently of pipelines.checks."""
    def status(left: list[Any], right: list[Any]) -> str:
        if any(v is None for v in left + right):
            return "not_assessable"
        return "pass" if abs(sum(left) - sum(right)) < 1e-6 else "fail"

    apps, out = tables["applications"], {}
    results = [k for k in apps if k.startswith(("granted", "partially", "withheld_", "unavailable_", "declined_", "other_"))]
    for c in APP_COLS:
        out[f"applications.balance.{c}"] = status([apps["new_received"][c], apps["carried_over"][c]],
                                                  [apps["total_processed"][c], apps["carried_forward"][c]])
        out[f"applications.results.{c}"] = status([apps[r][c] for r in results], [apps["total_processed"][c]])
    for r, cells in apps.items():
        out[f"applications.row_total.{r}"] = status([cells[c] for c in APP_COLS[:-1]], [cells["total"]])
    for r, cells in tables["review_litigation"].items():
        out[f"review_litigation.total.{r}"] = status([cells[c] for c in REVIEW_COLS[:-1]], [cells["total"]])
    return out
