"""The fixture portal over real HTTP on loopback: pages, paging, tables, PDF, duplicate."""
from __future__ import annotations

import re
import shutil
import subprocess
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest

from crawler.fixture_portal import FixturePortal, build_site, cache_root, ensure_site, site_key
from crawler.settings import USER_AGENT
from tests.portal_families import FamiliesPortal, ensure_families_site


@dataclass
class Fetched:
    status: int
    content_type: str
    body: bytes


@pytest.fixture(scope="module")
def portal():
    with FixturePortal() as running:
        yield running


def fetch(portal: FixturePortal, path: str) -> Fetched:
    try:
        with urllib.request.urlopen(portal.url_for(path), timeout=10) as resp:
            return Fetched(resp.status, resp.headers.get("Content-Type", ""), resp.read())
    except urllib.error.HTTPError as err:
        return Fetched(err.code, err.headers.get("Content-Type", ""), err.read())


def html_of(portal: FixturePortal, path: str) -> lxml.html.HtmlElement:
    got = fetch(portal, path)
    assert got.status == 200, path
    assert got.content_type == "text/html; charset=utf-8"
    return lxml.html.fromstring(got.body.decode("utf-8"))


def hrefs(doc: lxml.html.HtmlElement) -> list[str]:
    return doc.xpath("//a/@href")


def editor(doc: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    found = doc.xpath("//div[@class='TRS_Editor']")
    assert len(found) == 1
    return found[0]


# What the seed text says the page must contain, computed from the seed alone.
def is_separator(line: str) -> bool:
    s = line.strip()
    return s.startswith("|") and "-" in s and re.fullmatch(r"[|\s:-]+", s) is not None


def is_pipe_row(line: str) -> bool:
    s = line.strip()
    return len(s) > 1 and s.startswith("|") and s.endswith("|") and not is_separator(line)


def seed_table_shape(text: str) -> tuple[int, int]:
    """(rows, cells) of the seed's tab and pipe tables."""
    rows = cells = 0
    for line in text.splitlines():
        if "\t" in line and line.strip():
            rows, cells = rows + 1, cells + len(line.split("\t"))
        elif is_pipe_row(line):
            rows, cells = rows + 1, cells + len(line.strip()[1:-1].split("|"))
    return rows, cells


def seed_chars(text: str) -> str:
    """The seed's characters without markdown markers, cell separators and whitespace."""
    kept = []
    for line in text.splitlines():
        if is_separator(line):
            continue
        line = line.replace("|", "") if is_pipe_row(line) else line
        kept.append(re.sub(r"^\s*#{1,6}\s+", "", line).replace("**", ""))
    return re.sub(r"\s+", "", "".join(kept))


def test_home_page_links_navigation(portal):
    for path in ("/", "/index.html"):
        links = hrefs(html_of(portal, path))
        assert "/xxgk/index.html" in links
        assert "/xxgk/zfxxgknb/index.html" in links
    assert portal.url.startswith("http://127.0.0.1:")


def test_disclosure_area_leads_to_every_column(portal):
    directory = hrefs(html_of(portal, "/xxgk/bmxxgkml/index.html"))
    town_columns = [c for c in portal.manifest.columns if c.startswith("/xxgk/bmxxgkml/")]
    assert len(town_columns) == 5
    for column in town_columns:
        body_index = column.rsplit("/", 2)[0] + "/index.html"
        assert body_index in directory
        assert column in hrefs(html_of(portal, body_index))


def test_summary_column_has_two_list_pages(portal):
    first, second = portal.manifest.list_pages[-2:]
    assert (first, second) == ("/xxgk/zfxxgknb/index.html", "/xxgk/zfxxgknb/index_1.html")
    assert "index_1.html" in hrefs(html_of(portal, first))
    page2 = html_of(portal, second)
    assert "index.html" in hrefs(page2)
    distractor = portal.manifest.non_reports[0]
    listed = {urljoin(second, h) for h in hrefs(page2)}
    assert distractor in listed  # only the second page lists it
    assert distractor.rsplit("/", 1)[1] not in fetch(portal, first).body.decode()


@pytest.mark.parametrize("index", range(5))
def test_detail_page_has_real_tables_from_the_seed(portal, seeds_dir: Path, index: int):
    entry = portal.manifest.seeds[index]
    text = (seeds_dir / entry.seed).read_text(encoding="utf-8")
    doc = html_of(portal, entry.pages[0])
    body = editor(doc)
    rows, cells = seed_table_shape(text)
    assert len(body.xpath(".//table//tr")) == rows
    assert len(body.xpath(".//table//td")) == cells
    assert body.xpath("./h1")[0].text_content() == entry.title
    assert re.sub(r"\s+", "", body.text_content()) == seed_chars(text)
    assert "发布时间：" in doc.text_content() and doc.xpath("//div[@class='position']")


def test_seed_without_tables_is_lines_of_text(portal, seeds_dir: Path):
    entry = portal.manifest.seed("004_263e26bc4ac5d9ca.txt")
    text = (seeds_dir / entry.seed).read_text(encoding="utf-8")
    body = editor(html_of(portal, entry.pages[0]))
    assert seed_table_shape(text) == (0, 0) and not body.xpath(".//table")
    nonblank = [line for line in text.splitlines() if line.strip()]
    assert len(body.xpath("./p")) == len(nonblank) - 2  # two title lines form the <h1>


def test_pdf_attachment_is_a_real_pdf_of_the_report(portal, tmp_path: Path):
    entry = portal.manifest.seed("000_1ec810995bb02083.txt")
    (pdf_path,) = entry.attachments
    doc = html_of(portal, entry.pages[0])
    link = doc.xpath("//div[@class='article-fj']//a")[0]
    assert link.get("href") == "./" + pdf_path.rsplit("/", 1)[1]
    assert link.text_content().endswith(".pdf")
    got = fetch(portal, pdf_path)
    assert got.status == 200 and got.content_type == "application/pdf"
    assert got.body.startswith(b"%PDF-")
    (tmp_path / "r.pdf").write_bytes(got.body)
    out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    flat = re.sub(r"\s+", "", out)
    assert "联系电话：0955-8806399" in flat
    assert "沙坡头区东园镇人民政府2020年政府信息公开工作年度报告" in flat


def test_duplicate_pair_serves_identical_bytes(portal):
    first, second = portal.manifest.duplicate_pair
    assert first != second
    a, b = fetch(portal, first), fetch(portal, second)
    assert a.status == b.status == 200 and a.body == b.body
    assert portal.manifest.seed("002_dd629de2baaa1d45.txt").pages == [first, second]


def test_non_report_pages(portal):
    (distractor,) = portal.manifest.non_reports
    doc = html_of(portal, distractor)
    assert "法治政府建设年度报告" in editor(doc).xpath("./h1")[0].text_content()
    assert not doc.xpath("//table") and len(editor(doc).xpath("./p")) > 5
    for path in portal.manifest.other_pages:
        assert "年度报告" not in html_of(portal, path).xpath("//h1")[0].text_content()


def test_robots_txt_allows_all(portal):
    got = fetch(portal, "/robots.txt")
    assert got.status == 200 and got.content_type == "text/plain; charset=utf-8"
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(got.body.decode().splitlines())
    assert robots.can_fetch(USER_AGENT, portal.url_for(portal.manifest.seeds[0].pages[0]))


def test_every_manifest_path_is_served(portal):
    m = portal.manifest
    paths = m.candidates() + m.list_pages + m.other_pages + m.navigation + m.off_topic
    assert all(fetch(portal, p).status == 200 for p in paths)


def test_missing_pages_and_folders_are_404(portal):
    assert fetch(portal, "/xxgk/nope.html").status == 404
    assert fetch(portal, "/xxgk/zfxxgknb/202401/").status == 404  # no directory listing


def test_site_is_cached_and_reused():
    root, manifest = ensure_site()
    stamp = (root.parent / "manifest.json").stat().st_mtime_ns
    again, _ = ensure_site()
    assert again == root and (root.parent / "manifest.json").stat().st_mtime_ns == stamp
    assert root.parent.name == f"fixture-{site_key()}" and manifest.key == site_key()


def test_cache_location_is_overridable(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("NIANBAO_FIXTURE_CACHE", str(tmp_path))
    assert cache_root() == tmp_path
    monkeypatch.delenv("NIANBAO_FIXTURE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "nianbao"


def test_build_is_deterministic(tmp_path: Path):
    cached_root, cached = ensure_site()
    fresh = build_site(tmp_path / "site")
    assert fresh == cached
    for page in cached_root.rglob("*.html"):
        assert (tmp_path / "site" / page.relative_to(cached_root)).read_bytes() == page.read_bytes()
    for pdf in cached_root.rglob("*.pdf"):
        assert (tmp_path / "site" / pdf.relative_to(cached_root)).read_bytes()[:5] == b"%PDF-"


# -- the CMS-families portal (tests/portal_families/) ------------------------------------


@pytest.fixture(scope="module")
def families():
    with FamiliesPortal(gate=True) as running:
        yield running


def test_families_site_is_cached_under_the_key_of_the_modules_that_build_it(tmp_path, monkeypatch):
    from tests.portal_families import build

    root, manifest = ensure_families_site()
    assert root.parent.name == f"fixture-families-{build.families_key()}" == f"fixture-families-{manifest.key}"
    copy = tmp_path / "portal_families"
    shutil.copytree(build.HERE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build, "HERE", copy)
    before = build.families_key()
    serving_only = {"__init__.py", "__main__.py", "portal.py", "server.py"}
    for module in sorted(path.name for path in copy.glob("*.py")):
        original = (copy / module).read_bytes()
        (copy / module).write_bytes(original + b"\n# edited\n")
        changed = build.families_key() != before
        (copy / module).write_bytes(original)
        assert changed == (module not in serving_only), module


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Fetched:
    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
            return None

    import ssl

    opener = urllib.request.build_opener(
        Stay, urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
    try:
        with opener.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=10) as r:
            return Fetched(r.status, r.headers.get("Content-Type", ""), r.read() + b"\n" +
                           str(dict(r.headers)).encode())
    except urllib.error.HTTPError as err:
        return Fetched(err.code, err.headers.get("Content-Type", ""), err.read() + b"\n" +
                       str(dict(err.headers)).encode())


def test_families_serves_every_expected_document(families):
    once = families.manifest.routes.status_once
    for ref in families.manifest.documents(gate=False):
        got = request(families.url_of(ref.split("#")[0]))
        if ref in once:  # busy the first time only
            assert got.status == once[ref][0]
            got = request(families.url_of(ref))
        assert got.status == 200, ref


def test_families_conditional_get_answers_304(families):
    first = urllib.request.urlopen(families.url_for("/xxgk/zfxxgknb/index.html"), timeout=10)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert request(families.url_for("/xxgk/zfxxgknb/index.html"), headers={"If-None-Match": etag}).status == 304
    assert request(families.url_for("/xxgk/zfxxgknb/index.html"), headers={"If-Modified-Since": modified}).status == 304
    assert request(families.url_for("/xxgk/zfxxgknb/index.html"), headers={"If-None-Match": '"old"'}).status == 200


def test_families_js_paging_has_no_plain_links(families):
    body = fetch(families, "/xxgk/zfxxgknb/index.html").body.decode()
    assert "createPageHTML(3, 0" in body and "index_1.html" not in body
    assert fetch(families, "/xxgk/zfxxgknb/index_2.html").status == 200


def test_families_hanweb_later_records_only_by_post(families):
    proxy = families.url_for("/hanweb/module/web/jpage/dataproxy.jsp?startrecord=4&endrecord=7&perpage=3")
    assert request(proxy).status == 405
    posted = request(proxy, data=b"col=1&webid=12&columnid=3301")
    assert posted.status == 200 and posted.body.count(b"<record>") == 4
    column = fetch(families, "/hanweb/col/col3301/index.html").body.decode()
    assert column.count("<record>") == 3 and "art_3301_52004" not in column


def test_families_vsb_is_gbk_under_a_utf8_header(families):
    got = fetch(families, "/vsb/xxgk/ndbg.htm")
    assert got.content_type == "text/html; charset=UTF-8"
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    assert "共4页" in got.body.decode("gbk")


def test_families_downfile_redirects_to_a_name_only_in_content_disposition(families):
    downfile = next(k for k in families.manifest.routes.redirects if "downfile.jsp" in k)
    moved = request(families.url_for(downfile))
    assert moved.status == 302
    target = families.manifest.routes.redirects[downfile]
    got = request(families.url_for(target))
    assert got.content_type == "application/octet-stream" and b"Content-Disposition" in got.body
    assert "." not in target.rsplit("/", 1)[1]


def test_families_traps(families):
    routes = families.manifest.routes
    (soft,) = routes.soft404
    assert request(families.url_for(soft)).status == 200 and "页面不存在" in fetch(families, soft).body.decode()
    assert b"Disallow: /xxgk/private/" in fetch(families, "/robots.txt").body
    assert request(families.origin("gate") + "/").status == 412
    assert request(families.origin("tls") + "/robots.txt").status == 200


# -- its county site (/hy/, county.py): a report's identity ----------------------------------


def county_html(families, path: str) -> lxml.html.HtmlElement:
    got = fetch(families, path)
    assert got.status == 200 and got.content_type == "text/html; charset=utf-8", path
    return lxml.html.fromstring(got.body.decode("utf-8"))


def meta(doc: lxml.html.HtmlElement, name: str) -> str:
    (value,) = doc.xpath(f"//meta[@name='{name}']/@content")
    return value


def test_families_county_is_an_island_named_by_its_home_page(families):
    county = families.manifest.county
    assert meta(county_html(families, county.root), "SiteName") == county.region == "中卫市海原县人民政府"
    site = families.root
    outside = [p for p in site.rglob("*.htm*") if not p.relative_to(site).as_posix().startswith("hy/")]
    assert outside and not [p for p in outside if "/hy/" in p.read_text("utf-8", errors="replace")]
    for page in (site / "hy").rglob("*.html"):
        for href in hrefs(lxml.html.fromstring(page.read_text("utf-8"))):
            url = urljoin("/" + page.relative_to(site).as_posix(), href)
            assert url.startswith("/hy/"), (page, href)


def test_families_county_headless_report_names_its_body_only_around_it(families, tmp_path: Path):
    report = next(r for r in families.manifest.county.reports if r.agency == "海原县医疗保障局")
    page, pdf = report.documents
    doc = county_html(families, page)
    assert doc.xpath("//h1")[0].text_content() == "2023年政府信息公开年度报告" == report.title
    assert meta(doc, "ArticleTitle") == report.title and meta(doc, "ContentSource") == report.agency
    assert report.agency in doc.xpath("//div[@class='position']")[0].text_content()
    (link,) = doc.xpath("//div[@class='article-fj']//a")
    assert link.text_content() == "海原县医疗保障局2023年政府信息公开工作年度报告.pdf"
    assert urljoin(page, link.get("href")) == pdf
    (tmp_path / "r.pdf").write_bytes(fetch(families, pdf).body)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"],
                                             capture_output=True, text=True, check=True).stdout)
    assert text.startswith("2023年政府信息公开年度报告") and "医疗保障局" not in text


def test_families_county_report_under_two_names_html_and_docx(families, tmp_path: Path):
    import docx

    report = next(r for r in families.manifest.county.reports if r.agency.endswith("住房和城乡建设局"))
    page, word = report.documents
    doc = county_html(families, page)
    assert editor(doc).xpath("./h1")[0].text_content() == "中卫市海原县住房和城乡建设局2020年政府信息公开工作年度报告"
    got = fetch(families, word)
    assert got.content_type.endswith("wordprocessingml.document")
    (tmp_path / "r.docx").write_bytes(got.body)
    document = docx.Document(str(tmp_path / "r.docx"))
    assert document.paragraphs[0].text == "住房和城乡建设局2020年政府信息公开工作年度报告"
    html_cells = [c.text_content() for c in editor(doc).xpath(".//td")]
    word_cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert html_cells == word_cells and len(html_cells) > 100  # the same report's tables
    listing = word.rsplit("/", 2)[0] + "/index.html"  # the department's column lists the file
    assert [urljoin(listing, h) for h in hrefs(county_html(families, listing)) if h.endswith(".docx")] == [word]


def test_families_county_look_alikes_and_the_legacy_report(families):
    county = families.manifest.county
    kinds = {r.kind: r for r in county.related}
    assert set(kinds) == {"notice", "infographic", "rule_of_law_report"}
    for related in county.related:
        assert county_html(families, related.documents[0]).xpath("//h1")[0].text_content() == related.title
    picture = county_html(families, kinds["infographic"].documents[0])
    (src,) = picture.xpath("//div[@class='TRS_Editor']//img/@src")
    image = fetch(families, src)
    assert image.content_type == "image/png" and image.body.startswith(b"\x89PNG")
    assert len(editor(picture).xpath("./p")) <= 4
    (legacy,) = [r for r in county.reports if r.kind == "legacy"]
    table = editor(county_html(families, legacy.documents[0])).xpath(".//table")[0]
    assert [td.text_content() for td in table.xpath(".//tr[1]/td")] == ["指标名称", "计量单位", "数量"]
    assert legacy.year == 2017 and "2017年" in legacy.title
