"""HTML pages as portals serve them: spans expanded, charsets from the bytes, chrome dropped."""
from __future__ import annotations

import lxml.html

from pipelines.document import TableBlock, TextBlock
from pipelines.extract import extract
from pipelines.htmldoc import expand_table
from pipelines.reports import parse_document

SPANNED = """<table>
<tr><td rowspan="2">项目</td><td colspan="2">行政复议</td></tr>
<tr><td>结果维持</td><td>总计</td></tr>
<tr><td>数量</td><td>3</td><td>4</td></tr>
</table>"""


def test_rowspan_and_colspan_are_expanded() -> None:
    rows, rectangular = expand_table(lxml.html.fromstring(SPANNED))
    assert rows == [["项目", "行政复议", "行政复议"], ["项目", "结果维持", "总计"], ["数量", "3", "4"]]
    assert rectangular


def _page(body: str, charset: str = "utf-8") -> str:
    return f"""<html><head><meta charset="{charset}"><title>某镇2022年政府信息公开工作年度报告_某区人民政府</title></head>
<body><div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; 年度报告</div>
<div class="article"><h1>某镇2022年政府信息公开工作年度报告</h1>{body}</div>
<div class="footer">主办单位：某区人民政府办公室 版权所有 网站标识码6405020001</div></body></html>"""


BODY = "".join(f"<p>{t}</p>" for t in [
    "一、总体情况", "某镇认真贯彻落实《条例》，全年主动公开政府信息一百余条，做到应公开尽公开。",
    "二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "一是公开内容不够丰富，二是更新不及时。",
    "六、其他需要报告的事项", "无。"])


def test_gbk_page_with_a_wrong_header_is_read() -> None:
    data = _page(BODY, charset="utf-8").encode("gbk")  # says utf-8, is GBK: portals do this
    report = parse_document(extract(data, "page.html")).report
    assert report["title"] == "某镇2022年政府信息公开工作年度报告"
    assert report["agency"] == "某镇"
    assert "全年主动公开政府信息一百余条" in report["sections"]["1"]


def test_page_chrome_is_not_report_text() -> None:
    doc = extract(_page(BODY).encode("utf-8"), "page.html")
    text = "".join(b.text for b in doc.blocks if isinstance(b, TextBlock))
    assert "首页" not in text and "版权所有" not in text
    assert "某镇认真贯彻落实" in text


def test_rows_pasted_as_paragraphs_become_rows() -> None:
    body = BODY.replace("<p>五、", "<p>规章 1 0 3</p><p>行政处罚 12</p><p>五、")
    doc = extract(_page(body).encode("utf-8"), "page.html")
    rows = [r for b in doc.blocks if isinstance(b, TableBlock) for r in b.rows]
    assert ["规章", "1", "0", "3"] in rows and ["行政处罚", "12"] in rows


def test_a_comment_before_the_breadcrumb_text_does_not_fail_the_page() -> None:
    """当前位置 as the tail of a comment (a CMS template marker): the trail is read from the
    element around them, not from the comment (which has no text_content)."""
    page = (f"<html><head><meta charset='utf-8'><title>某镇2022年政府信息公开工作年度报告</title>"
            f"</head><body><div><!-- crumb -->当前位置：<a href='/'>首页</a> &gt; <a>年度报告</a>"
            f"</div><div class='article'><h1>某镇2022年政府信息公开工作年度报告</h1>{BODY}</div>"
            f"</body></html>")
    doc = extract(page.encode("utf-8"), "page.html")
    assert doc.meta["breadcrumb"].startswith("首页>年度报告")
    assert "全年主动公开政府信息一百余条" in parse_document(doc).report["sections"]["1"]
