"""What the spider reads in a page, on the CMS-families portal's own bytes and small cases: script
paging, Hanweb record stores, VSB numbering, script links, viewers and frames, list pages
versus articles, error pages, Content-Disposition names, lying charsets."""
from __future__ import annotations

import pytest
from scrapy.http import Headers, HtmlResponse, Request, Response, TextResponse

from crawler.middlewares import CharsetMiddleware
from crawler.sources import from_url
from crawler.spiders import checks, paging
from crawler.spiders.documents import filename_of
from crawler.spiders.links import page_links, viewer_file
from tests.portal_families import ensure_families_site

BASE = "http://portal.test"


@pytest.fixture(scope="module")
def site():
    return ensure_families_site()


def page(site, path: str, header: str = "text/html; charset=utf-8") -> HtmlResponse:
    root, _ = site
    body = (root / path.lstrip("/")).read_bytes()
    return HtmlResponse(BASE + path, body=body, headers={"Content-Type": header},
                        request=Request(BASE + path))


def test_trs_script_paging_both_forms(site):
    created = page(site, "/xxgk/zfxxgknb/index.html")
    assert paging.trs_pages(created, 50) == [f"{BASE}/xxgk/zfxxgknb/index_{i}.html" for i in (1, 2)]
    written = page(site, "/xxgk/bmxxgkml/jyj_31021/xxgknb_31029/index.html")
    assert paging.trs_pages(written, 50) == [f"{BASE}/xxgk/bmxxgkml/jyj_31021/xxgknb_31029/index_1.html"]
    assert paging.trs_pages(created, 2) == [f"{BASE}/xxgk/zfxxgknb/index_1.html"]  # the cap


def test_hanweb_store_and_the_dataproxy_posts(site):
    column = page(site, "/hanweb/col/col3301/index.html")
    store = paging.hanweb_store(column)
    records = paging.record_links(store, column.url)
    assert len(records) == 3 and records[0].url.endswith("art_3301_52001.html")
    assert records[0].text.endswith("年度报告")
    (call,) = paging.hanweb_calls(column, store, len(records))
    assert call.url == f"{BASE}/hanweb/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=7&perpage=3"
    assert call.form["columnid"] == "3301" and call.form["webid"] == "12" and call.form["col"] == "1"


def test_vsb_backwards_numbering(site):
    first = page(site, "/vsb/xxgk/ndbg.htm", header="text/html; charset=gbk")
    expected = [f"{BASE}/vsb/xxgk/ndbg/{n}.htm" for n in (3, 2, 1)]
    assert paging.vsb_pages(first, list(page_links(first)), 50) == expected


def test_script_links_viewers_and_frames():
    html = (b'<a href="javascript:window.open(\'./P01.pdf\')">r</a>'
            b'<a href="#" onclick="window.open(\'/x/2.pdf\')">s</a><a href="javascript:void(0)">t</a>'
            b'<iframe src="/web/viewer.html?file=%2Fa%2Fb.pdf"></iframe><frame src="main.html">')
    links = list(page_links(HtmlResponse(BASE + "/d/p.html", body=html)))
    assert [(ln.url, ln.frame) for ln in links] == [
        (BASE + "/d/P01.pdf", False), (BASE + "/x/2.pdf", False),
        (BASE + "/web/viewer.html?file=%2Fa%2Fb.pdf", True), (BASE + "/d/main.html", True)]
    assert viewer_file(links[2].url) == BASE + "/a/b.pdf"


def test_lists_are_told_from_articles(site):
    source = from_url(BASE + "/")
    assert checks.is_listing(page(site, "/xxgk/zfxxgknb/index.html"), source)
    assert checks.is_listing(page(site, "/shell/main/ndbg/index.html"), source)  # no pager at all
    root, manifest = site
    report = next(r for r in manifest.reports if r.family == "trs").documents[0]
    assert not checks.is_listing(page(site, report), source)
    fazhi = next(p for p in manifest.distractors if "5300901" in p)
    assert not checks.is_listing(page(site, fazhi), source)  # short, but links no report


def test_error_pages_are_told_from_reports(site):
    root, manifest = site
    soft = HtmlResponse(BASE + "/x.html", body=(root / "404.html").read_bytes(),
                        request=Request(BASE + "/x.html"))
    assert checks.error_page_reason(soft)
    for report in manifest.reports:
        if report.family == "trs":
            assert checks.error_page_reason(page(site, report.documents[0])) is None
    text = "本机关不存在因政府信息公开工作被申请行政复议、提起行政诉讼的情况。" * 40
    long = f"<html><title>2023年政府信息公开工作年度报告</title><h1>年度报告</h1><p>{text}</p></html>"
    assert checks.error_page_reason(HtmlResponse(BASE + "/r.html", body=long.encode(),
                                                 encoding="utf-8", request=Request(BASE))) is None


@pytest.mark.parametrize("header,name", [
    (b"attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf", "年报.pdf"),
    ('attachment; filename="年报.docx"'.encode("gbk"), "年报.docx"),
    ('attachment; filename="年报.pdf"'.encode("utf-8"), "年报.pdf"),
])
def test_content_disposition_names(header: bytes, name: str):
    response = Response(BASE + "/f/123", headers=Headers({"Content-Disposition": header}))
    assert filename_of(response) == name


def test_gbk_page_sent_as_utf8_is_read_as_gbk(site):
    lying = page(site, "/vsb/xxgk/ndbg.htm", header="text/html; charset=UTF-8")
    assert "宣和镇" not in lying.text
    fixed = CharsetMiddleware(type("S", (), {"inc_value": lambda *a: None})()).process_response(
        lying.request, lying)
    assert isinstance(fixed, TextResponse) and "沙坡头区宣和镇2023年" in fixed.text


def test_attachments_named_only_in_an_inline_script():
    from crawler.spiders.links import script_files

    html = (b"<html><body><script>var fj = './P020240118582233564453.pdf'; if (fj) "
            b"document.write('<a href=\"' + fj + '\">\\xe9\\x99\\x84\\xe4\\xbb\\xb6</a>');</script>"
            b'<script src="/js/a.js"></script></body></html>')
    (link,) = script_files(HtmlResponse(BASE + "/x/202401/t20240118_1.html", body=html))
    assert link.url == BASE + "/x/202401/P020240118582233564453.pdf"


def test_an_error_page_in_full_site_chrome_is_still_an_error_page():
    chrome = "<div>" + "首页 信息公开 政务服务 互动交流 " * 200 + "</div>"
    html = f"<html><title>404 页面不存在 - 某某区人民政府</title><body>{chrome}<h1>页面不存在</h1></body></html>"
    response = HtmlResponse(BASE + "/a.html", body=html.encode(), encoding="utf-8", request=Request(BASE))
    assert checks.error_page_reason(response) == "error page (title)"


def test_a_bare_root_url_is_scoped_to_its_site_not_to_a_public_suffix():
    from crawler.sources import site_scope

    assert site_scope("www.spt.gov.cn") == "spt.gov.cn"  # its town and file sub-sites too
    assert site_scope("www.gov.cn") == "www.gov.cn" and site_scope("127.0.0.1") == "127.0.0.1"
    assert from_url("http://www.spt.gov.cn/").allowed_domains == ["spt.gov.cn"]


def test_a_page_names_its_publisher_when_the_title_does_not(site):
    from crawler.spiders.documents import agency_hint

    nameless = page(site, "/vsb/info/1021/5088.htm", header="text/html; charset=gbk")
    assert "2021年政府信息公开工作年度报告" in nameless.text
    assert agency_hint(nameless) == "沙坡头区宣和镇人民政府"


def test_newer_trs_pager_with_an_element_id_first():
    html = b"<html><body><script>createPageHTML('page_div', 4, 0, 'index', 'shtml', 57);</script></body></html>"
    pages = paging.trs_pages(HtmlResponse(BASE + "/col/index.shtml", body=html), 50)
    assert pages == [f"{BASE}/col/index_{i}.shtml" for i in (1, 2, 3)]


def test_hanweb_without_a_total_asks_chunk_after_chunk(site):
    column = page(site, "/hanweb/col/col3301/index.html")
    body = column.body.replace(b"var totalRecord = 7;", b"").replace(b"totalRecord: 7,", b"")
    bare = column.replace(body=body)
    store = paging.hanweb_store(bare)
    (call,) = paging.hanweb_calls(bare, store, 3)
    assert call.more and "startrecord=4&endrecord=48" in call.url
    assert "startrecord=49&endrecord=93" in paging.next_call(call).url
