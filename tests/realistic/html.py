"""HTML as government portals and Word publish it: a TRS/Hanweb-style article page (meta
ArticleTitle/ContentSource, breadcrumb, article title above the body, `&nbsp;` cells), and a
Word "Save as Web Page" export (xmlns:o, MsoNormal, labels split over many <span>s, <o:p>
soup, one logical column drawn over two grid columns)."""
from __future__ import annotations

import html
import random

from tests.realistic.layout import Cell, Grid, active_grid, app_grid, review_grid
from tests.realistic.model import Block, Report

E = html.escape


def grids(r: Report, total_span: int = 1) -> dict[str, Grid]:
    return {"active_disclosure": active_grid(r.template, r.cell),
            "applications": app_grid(r.template, r.cell, total_span),
            "review_litigation": review_grid(r.cell)}


def _span(c: Cell) -> str:
    return (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")


def portal_table(grid: Grid) -> str:
    rows = []
    for row in grid:
        tds = "".join(f"<td{_span(c)}>{E(c.text) if c.text else '&nbsp;'}</td>" for c in row)
        rows.append(f"<tr>{tds}</tr>")
    return '<table border="1" cellspacing="0" cellpadding="0" width="600"><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def portal_body(r: Report, blocks: list[Block], h_tag: str = "p") -> str:
    tables = grids(r)
    out = []
    for kind, text in blocks:
        if kind == "title":
            out.append(f'<p style="text-align: center;"><strong>{E(text)}</strong></p>')
        elif kind == "table":
            out.append(portal_table(tables[text]))
        elif kind == "h":
            out.append(f"<{h_tag}><strong>{E(text)}</strong></{h_tag}>")
        else:
            out.append(f'<p style="text-indent: 2em;">{E(text)}</p>')
    return "\n".join(out)


def portal_page(body: str, page_title: str, meta: dict[str, str] | None = None, crumbs: list[str] | None = None,
                article_title: str | None = None, source: str | None = None, date: str = "2024-01-19") -> str:
    metas = "".join(f'<meta name="{E(k)}" content="{E(v)}">\n' for k, v in (meta or {}).items())
    crumb = "".join(f'<a href="#">{E(c)}</a> &gt; ' for c in crumbs[:-1]) + E(crumbs[-1]) if crumbs else ""
    head = f'<h1 class="article-title">{E(article_title)}</h1>\n' if article_title else ""
    info = f'<div class="info">发布时间：{date}&nbsp;&nbsp;来源：{E(source)}</div>' if source else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{E(page_title)}</title>
{metas}<link rel="stylesheet" href="/css/style.css"></head>
<body>
<div class="header"><div class="logo">政府信息公开</div><ul class="nav"><li>首页</li><li>政务公开</li><li>政务服务</li><li>互动交流</li></ul></div>
<div class="position">当前位置：{crumb}</div>
<div class="article">
{head}{info}
<div class="TRS_Editor" id="zoom">
{body}
</div>
<div class="share">【打印本页】【关闭窗口】</div>
</div>
<div class="footer">主办单位：{E(source or "")}&nbsp;&nbsp;网站标识码：{random.Random(page_title).randint(1000000000, 9999999999)}&nbsp;&nbsp;ICP备案号：略</div>
</body></html>
"""


# --- Word's "Save as Web Page" ---------------------------------------------------------

def _soup(text: str, rng: random.Random, size: str = "12.0pt") -> str:
    """`text` cut into runs of 1-3 characters, each its own <span>, digits lang=EN-US."""
    out, i = [], 0
    while i < len(text):
        n = rng.randint(1, 3)
        chunk = text[i:i + n]
        i += n
        lang = " lang=EN-US" if chunk.isascii() else ""
        out.append(f"<span{lang} style='font-size:{size};font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\"'>"
                   f"{E(chunk)}</span>")
    return "".join(out)


def word_cell(c: Cell, rng: random.Random) -> str:
    width = 48 * c.colspan
    style = f"width:{width * 0.75:.1f}pt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt"
    if c.text:
        inner = _soup(c.text, rng, "10.5pt") + "<span lang=EN-US style='font-size:10.5pt'><o:p></o:p></span>"
    else:
        inner = "<span lang=EN-US style='font-size:10.5pt'><o:p>&nbsp;</o:p></span>"
    spans = _span(c).replace('"', "")
    return (f"<td width={width}{spans} valign=top style='{style}'>"
            f"<p class=MsoNormal align=center style='text-align:center'>{inner}</p></td>")


def word_table(grid: Grid, rng: random.Random) -> str:
    rows = [f"<tr style='mso-yfti-irow:{i};height:20.0pt'>" + "".join(word_cell(c, rng) for c in row) + "</tr>"
            for i, row in enumerate(grid)]
    return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;"
            "border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184'>\n" + "\n".join(rows) + "\n</table>")


def word_html(r: Report, blocks: list[Block], seed: int, total_span: int = 2) -> str:
    rng = random.Random(seed)
    tables = grids(r, total_span)
    out = []
    for kind, text in blocks:
        if kind == "title":
            out.append(f"<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt'><b>{_soup(text, rng, '22.0pt')}</b></p>")
        elif kind == "table":
            out.append(word_table(tables[text], rng))
        elif kind == "h":
            out.append(f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><b>{_soup(text, rng)}</b>"
                       "<span lang=EN-US><o:p></o:p></span></p>")
        else:
            out.append(f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'>{_soup(text, rng)}<span lang=EN-US><o:p></o:p></span></p>")
    body = "\n".join(out)
    return f"""<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15"><meta name=Originator content="Microsoft Word 15">
<title>{E(r.title_lines[0])}</title>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>Administrator</o:Author><o:Pages>6</o:Pages></o:DocumentProperties></xml><![endif]-->
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View><w:SpellingState>Clean</w:SpellingState></w:WordDocument></xml><![endif]-->
<style><!-- p.MsoNormal, li.MsoNormal {{margin:0cm;text-align:justify;font-size:10.5pt;font-family:等线;}}
@page WordSection1 {{size:595.3pt 841.9pt;margin:72.0pt 90.0pt 72.0pt 90.0pt;}} div.WordSection1 {{page:WordSection1;}} --></style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<div class=WordSection1 style='layout-grid:15.6pt'>
{body}
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
</div></body></html>
"""
