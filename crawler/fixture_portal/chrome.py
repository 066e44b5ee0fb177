"""Page chrome of a TRS-style district portal: header, navigation, breadcrumb, footer.

Links in the chrome are absolute paths, so one detail page can be posted under two URLs
with identical bytes and still work at both.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

SITE_NAME = "中卫市沙坡头区人民政府"

NAV = [
    ("首页", "/index.html"),
    ("走进沙坡头", "/zjspt/index.html"),
    ("新闻中心", "/xwzx/index.html"),
    ("信息公开", "/xxgk/index.html"),
    ("政务服务", "http://zwfw.nx.gov.cn/"),  # off-site: a crawler must not follow it
    ("互动交流", "/hdjl/index.html"),
]

FOOTER_LINKS = [
    ("中国政府网", "http://www.gov.cn/"),
    ("宁夏回族自治区人民政府", "http://www.nx.gov.cn/"),
    ("中卫市人民政府", "http://www.nxzw.gov.cn/"),
]


@dataclass(slots=True)
class Link:
    text: str
    href: str
    date: str = ""  # list entries show a date


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def anchor(link: Link, **attrs: str) -> str:
    extra = "".join(f' {k}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(link.href)}"{extra}>{esc(link.text)}</a>'


def header() -> str:
    items = "".join(f"<li>{anchor(Link(t, h))}</li>" for t, h in NAV)
    return (
        '<div class="header"><div class="w1200">'
        f'<div class="logo"><a href="/index.html">{SITE_NAME}</a></div>'
        '<div class="top-links"><a href="javascript:void(0)" onclick="addFavorite()">加入收藏</a>'
        ' | <a href="javascript:void(0)">无障碍浏览</a></div>'
        f'</div></div>\n<div class="nav"><ul class="w1200">{items}</ul></div>'
    )


def footer() -> str:
    links = " | ".join(anchor(Link(t, h), target="_blank") for t, h in FOOTER_LINKS)
    return (
        f'<div class="footer"><div class="links">友情链接：{links}</div>'
        "<p>主办单位：中卫市沙坡头区人民政府办公室　地址：中卫市沙坡头区鼓楼东街</p>"
        "<p>网站标识码：6405020001　宁ICP备05001234号　宁公网安备 64050202000123号</p></div>"
    )


def breadcrumb(crumbs: list[Link]) -> str:
    parts = [anchor(Link("首页", "/index.html"))] + [anchor(c) for c in crumbs]
    return '<div class="position">当前位置：' + " &gt; ".join(parts) + "</div>"


def page(title: str, main: str, meta: dict[str, str] | None = None) -> str:
    """A whole page around `main`, UTF-8."""
    metas = "".join(
        f'<meta name="{esc(k)}" content="{esc(v)}">\n' for k, v in (meta or {}).items()
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="X-UA-Compatible" content="IE=edge">\n{metas}'
        f"<title>{esc(title)}</title>\n"
        '<link rel="stylesheet" href="/images/style.css">\n</head>\n<body>\n'
        f"{header()}\n<div class=\"main w1200\">\n{main}\n</div>\n{footer()}\n</body>\n</html>\n"
    )


def link_list(links: list[Link]) -> str:
    items = "\n".join(
        f'<li>{anchor(ln, title=ln.text, target="_blank")}<span class="date">{ln.date}</span></li>'
        for ln in links
    )
    return f'<ul class="list-ul">\n{items}\n</ul>'


def pager(index: int, count: int) -> str:
    """v1 paging: plain links (real TRS writes them with countPage/document.write)."""
    def name(i: int) -> str:
        return "index.html" if i == 0 else f"index_{i}.html"

    parts = [f"共{count}页", anchor(Link("首页", name(0)))]
    if index > 0:
        parts.append(anchor(Link("上一页", name(index - 1))))
    if index < count - 1:
        parts.append(anchor(Link("下一页", name(index + 1))))
    parts.append(anchor(Link("尾页", name(count - 1))))
    return '<div class="page">' + " ".join(parts) + "</div>"


def list_page(column: str, crumbs: list[Link], links: list[Link], index: int, count: int) -> str:
    main = (
        f"{breadcrumb(crumbs)}\n<div class=\"list\">\n"
        f'<div class="list-title"><h2>{esc(column)}</h2></div>\n'
        f"{link_list(links)}\n{pager(index, count)}\n</div>"
    )
    return page(f"{column}_{SITE_NAME}", main, {"ColumnName": column})


def nav_page(title: str, crumbs: list[Link], links: list[Link], paras: list[str]) -> str:
    """A navigation or leaf page: some text and a block of links."""
    text = "".join(f"<p>{esc(p)}</p>" for p in paras)
    items = "".join(f"<li>{anchor(ln)}</li>" for ln in links)
    main = (
        f"{breadcrumb(crumbs)}\n<div class=\"channel\"><h2>{esc(title)}</h2>\n"
        f"<div class=\"channel-text\">{text}</div>\n<ul class=\"channel-links\">{items}</ul></div>"
    )
    return page(f"{title}_{SITE_NAME}", main, {"ColumnName": title})


@dataclass(slots=True)
class Article:
    """What a detail page shows around the editor content."""

    title: str
    column: str
    crumbs: list[Link]
    published: str  # "YYYY-MM-DD HH:MM"
    source: str
    content: str  # HTML inside div.TRS_Editor
    attachments: list[Link]


def attachments_html(links: list[Link]) -> str:
    if not links:
        return ""
    items = "".join(f"<p>附件：{anchor(ln)}</p>" for ln in links)
    return f'<div class="article-fj">{items}</div>'


def detail_page(art: Article) -> str:
    main = (
        f"{breadcrumb(art.crumbs)}\n<div class=\"article\">\n"
        f'<div class="article-info"><span>发布时间：{art.published}</span>'
        f"<span>来源：{esc(art.source)}</span><span>字号：[大 中 小]</span></div>\n"
        f'<div class="article-content"><div class="TRS_Editor">\n{art.content}\n</div></div>\n'
        f"{attachments_html(art.attachments)}\n"
        '<div class="article-tools"><a href="javascript:window.print()">打印本页</a> '
        '<a href="javascript:window.close()">关闭窗口</a></div>\n</div>'
    )
    meta = {
        "SiteName": SITE_NAME,
        "ColumnName": art.column,
        "ArticleTitle": art.title,
        "PubDate": art.published,
        "ContentSource": art.source,
    }
    return page(f"{art.title}_{art.column}_{SITE_NAME}", main, meta)


STYLE_CSS = """body{font-family:"WenQuanYi Micro Hei",sans-serif;margin:0;color:#333}
.w1200{width:1200px;margin:0 auto}.header{background:#b5181e;color:#fff;padding:20px 0}
.header a{color:#fff}.nav ul{list-style:none;display:flex;gap:24px;padding:8px 0}
.position{margin:12px 0;color:#666}.list-ul li{display:flex;justify-content:space-between}
.TRS_Editor table{border-collapse:collapse}.TRS_Editor td{border:1px solid #999;padding:4px}
.footer{background:#eee;padding:16px;text-align:center;font-size:13px}
"""
