"""Page templates of the CMS families the portal imitates, besides TRS (chrome.py).

- TRS list paging written only by inline JavaScript (createPageHTML / countPage).
- Hanweb (大汉): `/col/colNNN/index.html`, first records inside `<script type="text/xml">`
  CDATA, the rest only from POST `/module/web/jpage/dataproxy.jsp`.
- VSB (博达): backwards paging `list.htm`, `list/3.htm` … `list/1.htm`, GBK pages.
- Iframe shells and pdf.js viewers; the 412 JavaScript challenge of a gated host.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from crawler.fixture_portal.chrome import Link, anchor, esc

SOFT_404 = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>页面不存在</title></head>\n'
    '<body><div class="error"><h1>抱歉，您访问的页面不存在或已被删除！</h1>'
    '<p><a href="/index.html">返回首页</a></p></div></body></html>\n'
)
FILE_ERROR = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>错误提示</title></head>\n'
    "<body><h2>文件不存在</h2><p>您要下载的文件不存在或已被删除。</p></body></html>\n"
)


def trs_script_pager(count: int, index: int, style: str) -> str:
    """TRS paging as the CMS writes it: links exist only once the script has run."""
    if style == "create":
        return (
            '<div class="page"><script language="JavaScript" src="/js/page.js"></script>'
            f'<script>createPageHTML({count}, {index}, "index", "html");</script></div>'
        )
    return (
        '<div class="page"><script language="JavaScript">\n'
        f"var currentPage = {index};//所在页从0开始\nvar countPage = {count}//共多少页\n"
        "var prevPage = currentPage-1\nvar nextPage = currentPage+1\n"
        'document.write("共"+countPage+"页&nbsp;");\n'
        'if (currentPage>0) document.write("<a href=\\"index"+(prevPage>0?"_"+prevPage:"")'
        '+".html\\">上一页</a>");\n'
        'if (nextPage<countPage) document.write("<a href=\\"index_"+nextPage+".html\\">'
        '下一页</a>");\n</script></div>'
    )


PAGE_JS = """function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
 if(_nPageCount == null || _nPageCount<=1){ return; }
 var nCurrIndex = _nCurrIndex || 0;
 if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;");
 else document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
 for(var i=1;i<_nPageCount;i++){ if(i==nCurrIndex) document.write("<span>"+(i+1)+"</span>");
  else document.write("<a href=\\""+_sPageName+"_"+i+"."+_sPageExt+"\\">"+(i+1)+"</a>"); }
}
"""


@dataclass(slots=True, frozen=True)
class Hanweb:
    """One Hanweb site and column: ids the dataproxy form must carry."""

    prefix: str  # "/hanweb/"
    site: str
    webid: int
    column: int
    unitid: int

    @property
    def proxy(self) -> str:
        return f"{self.prefix}module/web/jpage/dataproxy.jsp"


def hanweb_record(link: Link) -> str:
    return (f'<li><a href="{esc(link.href)}" title="{esc(link.text)}" target="_blank">'
            f"{esc(link.text)}</a><span>{link.date}</span></li>")


def hanweb_datastore(hw: Hanweb, records: list[str], total: int) -> str:
    nextgroup = (f"{hw.proxy}?page=1&webid={hw.webid}&path={hw.prefix}&columnid={hw.column}"
                 f"&unitid={hw.unitid}&webname={quote(hw.site)}&permissiontype=0")
    rows = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    return (f'<script type="text/xml"><datastore>\n<nextgroup><![CDATA[<a href="{nextgroup}">'
            f"</a>]]></nextgroup>\n<recordset>\n{rows}\n</recordset></datastore></script>"
            f"<script>var totalRecord = {total};</script>")


def hanweb_proxy_xml(records: list[str], total: int, per_page: int) -> str:
    rows = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    pages = -(-total // per_page)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}'
            f"</totalrecord>\n<totalpage>{pages}</totalpage>\n<recordset>\n{rows}\n"
            "</recordset>\n</datastore>\n")


def hanweb_page(hw: Hanweb, title: str, main: str, meta: dict[str, str] | None = None) -> str:
    metas = "".join(f'<meta name="{esc(k)}" content="{esc(v)}">\n' for k, v in (meta or {}).items())
    nav = " ".join(anchor(ln) for ln in [Link("首页", f"{hw.prefix}index.html"),
                                         Link("政务公开", f"{hw.prefix}col/col{hw.column - 1}/index.html")])
    return (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n{metas}'
            f"<title>{esc(title)} - {esc(hw.site)}</title>\n</head>\n<body>\n"
            f'<div id="header"><div class="logo">{esc(hw.site)}</div><div class="nav">{nav}</div>'
            f'</div>\n<div class="container">\n{main}\n</div>\n'
            f'<div id="footer">主办：{esc(hw.site)}</div>\n</body>\n</html>\n')


def hanweb_column(hw: Hanweb, name: str, records: list[str], total: int, per_page: int) -> str:
    config = (f"<script>$(function(){{ $('#{hw.column}').jpage({{ dataStore: dataStore, "
              f"proxyUrl: '{hw.proxy}', perPage: {per_page}, totalRecord: {total}, "
              "groupSize: 1, barPosition: 'bottom' }}); }});</script>")
    main = (f'<div class="list"><h2>{esc(name)}</h2>\n<div id="{hw.column}">'
            f"{hanweb_datastore(hw, records, total)}</div>\n"
            f'<script src="{hw.prefix}module/web/jpage/jquery.page.min.js"></script>\n{config}</div>')
    return hanweb_page(hw, name, main)


def hanweb_article(hw: Hanweb, title: str, when: str, content: str, files: list[Link]) -> str:
    attachments = "".join(f"<p>附件：{anchor(f)}</p>" for f in files)
    main = (f'<div class="article"><div class="bt">{esc(title)}</div>\n'
            f'<div class="info">发布日期：{when}　信息来源：{esc(hw.site)}</div>\n'
            f'<div id="zoom">\n{content}\n</div>\n<div class="fj">{attachments}</div></div>')
    meta = {"ArticleTitle": title, "PubDate": when, "ContentSource": hw.site}
    return hanweb_page(hw, title, main, meta)


def vsb_page(site: str, title: str, main: str, nav: list[Link]) -> bytes:
    """A VSB page in GBK (its meta says so; the fixture's HTTP header will claim UTF-8)."""
    links = " ".join(anchor(ln) for ln in nav)
    html = (
        '<!DOCTYPE html>\n<html><head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=gbk">\n'
        f"<title>{esc(title)}-{esc(site)}</title>\n</head>\n<body>\n"
        f'<div class="header"><h1 class="site">{esc(site)}</h1><div class="nav">{links}</div></div>\n'
        f'<div class="main">\n{main}\n</div>\n<div class="foot">版权所有：{esc(site)}</div>\n'
        "</body></html>\n"
    )
    return html.encode("gbk")


def vsb_pager(first: str, total_pages: int, number: int, folder: str) -> str:
    """VSB paging of list page `number` (1 = first page, `first`; page k is folder/(N-k+1).htm)."""
    def href(page: int) -> str:
        return first if page == 1 else f"{folder}/{total_pages - page + 1}.htm"

    parts = [f'<span class="p_t">共{total_pages}页</span> <span class="p_pages">']
    parts.append('<span class="p_first_d p_fun_d">首页</span>' if number == 1
                 else f'<span class="p_first p_fun"><a href="{href(1)}">首页</a></span>')
    if number > 1:
        parts.append(f'<span class="p_prev p_fun"><a href="{href(number - 1)}">上页</a></span>')
    parts.append(f'<span class="p_no_d">{number}</span>')
    if number < total_pages:
        parts.append(f'<span class="p_next p_fun"><a href="{href(number + 1)}">下页</a></span>')
        parts.append(f'<span class="p_last p_fun"><a href="{href(total_pages)}">尾页</a></span>')
    parts.append('</span> <span class="p_goto"><input type="text" size="2" id="gopage">'
                 f'<a href="javascript:;" onclick="_simple_list_gotopage_fun({total_pages},'
                 "'gopage',1)\">跳转到</a></span>")
    return '<div class="pb_sys_common pb_sys_style1">' + "".join(parts) + "</div>"


def vsb_article(title: str, when: str, source: str, content: str, files: list[Link]) -> str:
    items = "".join(f'<li>附件【{anchor(f, target="_blank")}】已下载<span>0</span>次</li>'
                    for f in files)
    return (f'<form name="_newscontent_fromname"><div align="center"><h1>{esc(title)}</h1></div>\n'
            f'<div class="info">发布时间：{when}　来源：{esc(source)}</div>\n'
            f'<div id="vsb_content"><div class="v_news_content">\n{content}\n</div></div>\n'
            f'<ul style="list-style-type:none;">{items}</ul></form>')


def iframe_shell(title: str, src: str) -> str:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{esc(title)}</title></head>'
            f'<body style="margin:0"><iframe src="{esc(src)}" width="100%" height="2000" '
            'frameborder="0" scrolling="auto"></iframe></body></html>\n')


def viewer_iframe(viewer: str, pdf: str) -> str:
    return (f'<iframe src="{esc(viewer)}?file={quote(pdf, safe="")}" width="100%" height="900">'
            "</iframe>")


VIEWER_HTML = (
    '<!DOCTYPE html>\n<html dir="ltr"><head><meta charset="utf-8"><title>PDF.js viewer</title>'
    '<script src="pdf.js"></script><script src="viewer.js"></script></head>'
    '<body><div id="viewerContainer"><div id="viewer" class="pdfViewer"></div></div></body>'
    "</html>\n"
)


def challenge_page(token: str) -> str:
    """The 412 answer of a gated host: JavaScript computes a cookie from the token and
    reloads. A client that runs no JavaScript never gets past it."""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><meta http-equiv="Pragma" '
        'content="no-cache"></head><body>\n<script type="text/javascript">\n'
        f'(function(){{var t="{token}",v="";for(var i=t.length-1;i>=0;i--)'
        "{v+=String.fromCharCode(t.charCodeAt(i)^7);}\n"
        'document.cookie="nbgate="+encodeURIComponent(v)+"; path=/";'
        "location.reload();})();\n</script>\n</body></html>\n"
    )


def challenge_answer(token: str) -> str:
    """What the challenge's script computes (the server checks the cookie against it)."""
    return "".join(chr(ord(c) ^ 7) for c in reversed(token))
