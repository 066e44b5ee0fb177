"""The portal spider, crawling the fixture portal in a child process (a reactor per crawl)."""
from __future__ import annotations

import hashlib
import inspect
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.misc import is_generator_with_return_value

from crawler.fixture_portal import FixturePortal, Hit
from crawler.items import DocumentItem
from crawler.runner import project_settings
from crawler.settings import USER_AGENT
from crawler.sources import resolve
from crawler.spiders.portal import PortalSpider

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent


def test_no_callback_is_a_generator_returning_a_value() -> None:
    """Scrapy's own check, made on every response, is off (WARN_ON_GENERATOR_RETURN_VALUE,
    crawler/settings.py): this makes it once. A generator's `return x` drops x unseen."""
    callbacks = [fn for _, fn in inspect.getmembers(PortalSpider, inspect.isgeneratorfunction)]
    assert {"parse_page", "parse_detail", "parse_records"} <= {fn.__name__ for fn in callbacks}
    assert [fn.__name__ for fn in callbacks if is_generator_with_return_value(fn)] == []


class CollectorPipeline:
    """Test pipeline (loaded in the child): one JSON line per item, body as its sha256."""

    def __init__(self, path: str) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Any) -> CollectorPipeline:
        return cls(crawler.settings.get("COLLECT_PATH"))

    def open_spider(self, spider: Any = None) -> None:
        self.handle = open(self.path, "w", encoding="utf-8")

    def close_spider(self, spider: Any = None) -> None:
        self.handle.close()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        row = {k: getattr(item, k) for k in (
            "url", "column", "link_text", "referer", "content_type", "filename", "status",
            "etag", "last_modified", "source", "fetched_at")}
        row["size"] = len(item.body)
        row["sha256"] = hashlib.sha256(item.body).hexdigest()
        self.handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return item


@dataclass
class Crawl:
    stats: dict[str, Any]
    items: list[dict[str, Any]]
    hits: list[Hit]  # the requests the portal saw during this crawl

    def paths(self) -> list[str]:
        return sorted(urlsplit(i["url"]).path for i in self.items)


@pytest.fixture(scope="module")
def portal():
    with FixturePortal() as running:
        yield running


def run_crawl_child(portal: FixturePortal, target: str, workdir: Path,
                    extra: dict[str, Any] | None = None) -> Crawl:
    """`python3 -m crawler.runner` from an unrelated cwd, with the collector pipeline."""
    out = workdir / "items.jsonl"
    overrides = {"ITEM_PIPELINES": {"test_spider.CollectorPipeline": 100},
                 "COLLECT_PATH": str(out), **(extra or {})}
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), str(REPO), env.get("PYTHONPATH", "")])
    before = len(portal.hits)
    done = subprocess.run(
        [sys.executable, "-m", "crawler.runner", target, "--fast",
         "--settings-json", json.dumps(overrides)],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return Crawl(json.loads(done.stdout.splitlines()[-1]), items, portal.hits[before:])


@pytest.fixture(scope="module")
def crawl(portal, tmp_path_factory) -> Crawl:
    return run_crawl_child(portal, portal.url, tmp_path_factory.mktemp("crawl"))


@pytest.fixture(scope="module")
def profile_crawl(portal, tmp_path_factory) -> Crawl:
    """The same portal by a configured source name: a profile for its /xxgk/ area."""
    workdir = tmp_path_factory.mktemp("profile")
    url = portal.url
    (workdir / "sources.toml").write_text(f"""
[sources.fixture]
title = "fixture portal"
root_url = "{url}"
allowed_domains = ["127.0.0.1"]
start_urls = ["{url}xxgk/zfxxgknb/index.html", "{url}xxgk/bmxxgkml/index.html"]
follow_patterns = ['^/xxgk/']
column_patterns = ['^/xxgk/zfxxgknb/', '^/xxgk/bmxxgkml/[^/]+/xxgknb_\\d+/']
detail_patterns = ['/t\\d{{8}}_\\d+\\.html$']
""", encoding="utf-8")
    return run_crawl_child(portal, "fixture", workdir,
                           {"PORTAL_SOURCES_FILE": str(workdir / "sources.toml")})


def test_yields_exactly_the_candidate_documents(crawl, portal):
    assert crawl.paths() == portal.manifest.candidates()  # sorted, so each exactly once
    assert crawl.stats["item_scraped_count"] == len(portal.manifest.candidates())


def test_yields_no_list_navigation_or_other_pages(crawl, portal):
    m = portal.manifest
    unwanted = set(m.list_pages + m.navigation + m.other_pages + ["/"])
    assert not unwanted & set(crawl.paths())
    assert crawl.stats["portal/not_candidate"] >= 1  # the 工作要点 was read, then dropped


def test_items_carry_exact_bytes_and_headers(crawl, portal):
    for item in crawl.items:
        path = urlsplit(item["url"]).path
        served = (portal.root / path.lstrip("/")).read_bytes()
        assert item["sha256"] == hashlib.sha256(served).hexdigest() and item["status"] == 200
        assert item["last_modified"] and item["source"] == "127.0.0.1"
        fetched = datetime.fromisoformat(item["fetched_at"])
        assert fetched.utcoffset() == timezone.utc.utcoffset(None)
        assert item["filename"] == path.rsplit("/", 1)[1]
        expected = "application/pdf" if path.endswith(".pdf") else "text/html; charset=utf-8"
        assert item["content_type"] == expected


def test_report_pages_record_their_column_and_link_text(crawl, portal):
    by_path = {urlsplit(i["url"]).path: i for i in crawl.items}
    for entry in portal.manifest.seeds:
        for page in entry.pages:
            item = by_path[page]
            assert urlsplit(item["column"]).path in entry.columns
            assert item["referer"] == item["column"] and item["link_text"] == entry.title
    dup = by_path[portal.manifest.duplicate_pair[1]]
    assert urlsplit(dup["column"]).path == "/xxgk/zfxxgknb/index.html"


def test_attachment_item_comes_from_its_report_page(crawl, portal):
    entry = portal.manifest.seed("000_1ec810995bb02083.txt")
    (pdf,) = [i for i in crawl.items if i["url"].endswith(".pdf")]
    assert urlsplit(pdf["url"]).path == entry.attachments[0]
    assert urlsplit(pdf["referer"]).path == entry.pages[0]
    assert urlsplit(pdf["column"]).path in entry.columns
    assert pdf["link_text"] == f"{entry.title}.pdf"


def test_never_leaves_the_portal_host(crawl, portal):
    host = f"127.0.0.1:{portal.port}"
    assert {h.host for h in crawl.hits} == {host}
    assert {urlsplit(i["url"]).netloc for i in crawl.items} == {host}
    assert crawl.stats["offsite/filtered"] >= 4  # 政务服务 and the footer's links
    assert "downloader/exception_count" not in crawl.stats


def test_polite_crawl_identifies_itself_and_reads_robots(crawl):
    assert crawl.hits[0].path == "/robots.txt"
    assert {h.user_agent for h in crawl.hits} == {USER_AGENT}
    assert crawl.stats["robotstxt/request_count"] == 1


def test_skips_detail_links_that_are_no_reports(crawl, portal):
    requested = {h.path for h in crawl.hits}
    assert not requested & set(portal.manifest.off_topic)  # news, the application form
    assert crawl.stats["portal/detail_skipped"] >= 2
    assert set(portal.manifest.list_pages) <= requested  # paging followed


def test_profile_crawl_finds_the_same_documents_with_fewer_requests(profile_crawl, crawl, portal):
    assert profile_crawl.paths() == portal.manifest.candidates()
    assert all(h.path.startswith("/xxgk/") or h.path == "/robots.txt" for h in profile_crawl.hits)
    assert len(profile_crawl.hits) < len(crawl.hits)


def test_spt_profile_starts_in_its_disclosure_columns():
    spt = resolve("spt")
    assert spt.title == "中卫市沙坡头区人民政府" and not spt.needs_browser
    assert urlsplit(spt.root_url).hostname == "www.spt.gov.cn"
    assert all(urlsplit(u).path.startswith("/xxgk/") for u in spt.start_urls)
    assert spt.is_column("https://www.spt.gov.cn/xxgk/bmxxgkml/dyz_25291/xxgknb_25299/index_1.html")
    assert spt.is_detail("https://www.spt.gov.cn/xxgk/zfxxgknb/202401/t20240118_4107034.html")
    assert not spt.follows("https://www.spt.gov.cn/xwzx/index.html")


def test_unknown_source_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown source 'nope'"):
        resolve("nope")


def test_nianbao_fast_drops_the_delays_below_an_explicit_setting():
    """-s NIANBAO_FAST=1 (scrapy crawl) applies fast_settings(), but a -s of its own wins."""
    fast, polite = (project_settings({"NIANBAO_FAST": on, "DOWNLOAD_DELAY": 0.3}) for on in (True, False))
    for settings in (fast, polite):
        PortalSpider.update_settings(settings)
    assert not fast.getbool("AUTOTHROTTLE_ENABLED") and polite.getbool("AUTOTHROTTLE_ENABLED")
    assert fast.getfloat("DOWNLOAD_DELAY") == polite.getfloat("DOWNLOAD_DELAY") == 0.3


# -- the context each item carries (callbacks on HtmlResponse, spider from get_crawler) -------

DETAIL_HTML = """<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="2023年政府信息公开年度报告">
<meta name="ContentSource" content="海原县医疗保障局">
<title>2023年政府信息公开年度报告_政府信息公开年报_中卫市海原县人民政府</title></head><body>
<div class="position">首页 &gt; 海原县医疗保障局 &gt; 政府信息公开年报</div>
<h1>2023年政府信息公开年度报告</h1><p>一、总体情况</p>
<p>附件：<a href="./P020240118.pdf">海原县医疗保障局2023年政府信息公开工作年度报告.pdf</a></p>
</body></html>"""


def context_spider(target: str) -> PortalSpider:
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(PortalSpider, {"ITEM_PIPELINES": {}})
    return PortalSpider.from_crawler(crawler, target=target)


def html_response(url: str, html: str, **meta: Any) -> HtmlResponse:
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8",
                        request=Request(url, meta=meta))


def real_pdf() -> bytes:
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(595, 842)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_detail_page_and_its_attachment_carry_the_pages_context():
    spider = context_spider("spt")  # a profile: its title is the region
    url = "https://www.spt.gov.cn/xxgk/zfxxgknb/202401/t20240118_1.html"
    page_item, pdf_request = list(spider.parse_detail(html_response(url, DETAIL_HTML), "col", "年报"))
    assert isinstance(page_item, DocumentItem) and isinstance(pdf_request, Request)
    assert page_item.region == "中卫市沙坡头区人民政府"
    assert page_item.agency_hint == "海原县医疗保障局" and page_item.page_title is None
    assert pdf_request.cb_kwargs["page_title"] == "2023年政府信息公开年度报告"
    assert pdf_request.cb_kwargs["agency_hint"] == "海原县医疗保障局"
    pdf = Response(pdf_request.url, body=real_pdf(), request=pdf_request,
                   headers={"Content-Type": "application/pdf"})
    (item,) = list(pdf_request.callback(pdf, **pdf_request.cb_kwargs))
    assert item.url.endswith("/P020240118.pdf") and item.body.startswith(b"%PDF")
    assert item.link_text == "海原县医疗保障局2023年政府信息公开工作年度报告.pdf"
    assert item.page_title == "2023年政府信息公开年度报告"
    assert item.agency_hint == "海原县医疗保障局"  # a PDF states no publisher: the page's
    assert item.region == "中卫市沙坡头区人民政府"


def test_page_title_falls_back_to_the_heading_then_the_title():
    spider = context_spider("spt")
    url = "https://www.spt.gov.cn/xxgk/zfxxgknb/202401/t20240118_2.html"
    no_meta = DETAIL_HTML.replace('<meta name="ArticleTitle" content="2023年政府信息公开年度报告">', "")
    headed = no_meta.replace("<h1>2023年政府信息公开年度报告</h1>", "<h1>民政局2023年年度报告</h1>")
    _, request = list(spider.parse_detail(html_response(url, headed), "col", "年报"))
    assert request.cb_kwargs["page_title"] == "民政局2023年年度报告"
    bare = no_meta.replace("<h1>2023年政府信息公开年度报告</h1>", "")
    _, request = list(spider.parse_detail(html_response(url, bare), "col", "年度报告"))
    assert request.cb_kwargs["page_title"] == "2023年政府信息公开年度报告"  # <title>'s first part


def test_bare_url_region_is_the_site_name_its_root_page_states():
    spider = context_spider("http://portal.test/")
    assert spider.source.region is None and spider.region is None
    home = ('<html><head><meta charset="utf-8"><meta name="SiteName" content="中卫市海原县人民政府">'
            '<title>首页</title></head><body><a href="/xxgk/index.html">信息公开</a></body></html>')
    (follow,) = list(spider.parse_page(html_response("http://portal.test/", home, nianbao_start=True)))
    assert follow.url == "http://portal.test/xxgk/index.html"
    inner = home.replace("中卫市海原县人民政府", "别的网站")  # only the root page names the site
    list(spider.parse_page(html_response("http://portal.test/xxgk/index.html", inner)))
    url = "http://portal.test/xxgk/ndbg/t20240118_3.html"
    page_item, _ = list(spider.parse_detail(html_response(url, DETAIL_HTML), "col", "年报"))
    assert page_item.region == "中卫市海原县人民政府"


def test_bare_url_without_a_site_name_has_no_region():
    spider = context_spider("http://portal.test/")
    home = '<html><head><title>首页</title></head><body><p>欢迎</p></body></html>'
    assert list(spider.parse_page(html_response("http://portal.test/", home, nianbao_start=True))) == []
    url = "http://portal.test/xxgk/ndbg/t20240118_4.html"
    page_item, _ = list(spider.parse_detail(html_response(url, DETAIL_HTML), "col", "年报"))
    assert page_item.region is None and page_item.agency_hint == "海原县医疗保障局"


def test_a_file_listed_by_a_column_gets_the_region_but_no_page_context():
    spider = context_spider("spt")
    column = ('<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>'
              '<ul><li><a href="./P1.pdf">住房和城乡建设局2022年政府信息公开工作年度报告</a></li></ul>'
              "</body></html>")
    url = "https://www.spt.gov.cn/xxgk/zfxxgknb/index.html"
    (request,) = [r for r in spider.parse_page(html_response(url, column)) if r.url.endswith(".pdf")]
    assert "page_title" not in request.cb_kwargs
    pdf = Response(request.url, body=real_pdf(), request=request)
    (item,) = list(request.callback(pdf, **request.cb_kwargs))
    assert item.page_title is None and item.agency_hint is None
    assert item.region == "中卫市沙坡头区人民政府"
    assert item.link_text == "住房和城乡建设局2022年政府信息公开工作年度报告"


def test_bundle_members_get_no_context_of_the_page_that_linked_the_bundle():
    from tests.portal_families.documents import zip_bytes

    spider = context_spider("spt")
    bundle = zip_bytes([("永康镇2020年政府信息公开工作年度报告.pdf", real_pdf())])
    request = Request("https://www.spt.gov.cn/x/a.zip", cb_kwargs={
        "column": "col", "link_text": "汇编.zip", "page_title": "水务局2021年年度报告",
        "agency_hint": "中卫市沙坡头区水务局"})
    (item,) = list(spider.parse_attachment(Response(request.url, body=bundle, request=request),
                                           **request.cb_kwargs))
    assert item.bundle == request.url and item.link_text == "永康镇2020年政府信息公开工作年度报告"
    assert item.agency_hint is None and item.page_title is None
    assert item.region == "中卫市沙坡头区人民政府"


def test_a_column_listing_only_files_is_a_list_page_not_a_report():
    """Reached by its report-like name (政府信息公开年报), a column whose only entry is a
    report's DOCX is paged for that file, never yielded itself."""
    spider = context_spider("spt")
    column = ('<html><head><meta charset="utf-8"><title>政府信息公开年报_住房和城乡建设局</title></head>'
              '<body><h2>政府信息公开年报</h2><ul><li><a href="./202101/P1.docx">'
              "住房和城乡建设局2020年政府信息公开工作年度报告</a></li></ul></body></html>")
    url = "https://www.spt.gov.cn/xxgk/bmxxgkml/zjj/xxgknb/index.html"
    out = list(spider.parse_detail(html_response(url, column), "col", "政府信息公开年报"))
    assert not [o for o in out if isinstance(o, DocumentItem)]
    assert [o.url for o in out] == ["https://www.spt.gov.cn/xxgk/bmxxgkml/zjj/xxgknb/202101/P1.docx"]
    headed = column.replace("<h2>政府信息公开年报</h2>", "<h1>住房和城乡建设局2020年年度报告</h1>")
    out = list(spider.parse_detail(html_response(url.replace("index", "t1"), headed), "col", "年报"))
    assert isinstance(out[0], DocumentItem)  # a report page linking its own file stays one
