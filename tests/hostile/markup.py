"""Hostile HTML: tables whose spans expand to 10^9 cells, a 50 MB table, nesting 100k deep,
invalid bytes, charsets that contradict each other, huge attributes, comment bombs.

The span and size bombs wrap the seed report's own page, so a reader that survives them
still has a report to find.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from functools import partial

from tests.hostile.corpus import Case, Inputs

MB = 1 << 20
PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>2020年政府信息公开工作年度报告</title>"
        "</head><body><h1>2020年政府信息公开工作年度报告</h1>{}</body></html>")


def page(body: str) -> bytes:
    return PAGE.format(body).encode("utf-8")


def span_bomb(cells: int = 1000, span: int = 1000) -> str:
    row = f'<td colspan="{span}" rowspan="{span}">1</td>' * cells
    return f"<table><tr>{row}</tr></table>"


def big_table(size: int) -> str:
    row = "<tr>" + "".join(f"<td>{n}</td>" for n in range(20)) + "</tr>\n"
    return "<table>" + row * (size // len(row)) + "</table>"


def _body(inputs: Inputs) -> str:
    """The seed report's page body, to wrap a bomb in."""
    return inputs.html.split("<body>", 1)[-1].rsplit("</body>", 1)[0]


def _spans(inputs: Inputs) -> dict[str, Callable[[], bytes]]:
    return {
        "span-bomb-1000x1000x1000": lambda: page(span_bomb()),
        "span-bomb-rows": lambda: page("<table>" + '<tr><td rowspan="65534">1</td><td colspan="1000">2</td></tr>' * 2000 + "</table>"),
        "span-int-max": lambda: page('<table><tr><td colspan="2147483647" rowspan="2147483647">1</td></tr></table>'),
        "span-overflow": lambda: page('<table><tr><td colspan="99999999999999999999">1</td></tr></table>'),
        "span-negative": lambda: page('<table><tr><td colspan="-5" rowspan="-1">1</td><td colspan="0">2</td></tr></table>'),
        "span-garbage": lambda: page('<table><tr><td colspan="1e9" rowspan="x">1</td><td colspan="１０">2</td></tr></table>'),
        "span-bomb-in-report": lambda: page(_body(inputs) + span_bomb(300, 1000)),
        "table-50mb": lambda: page(big_table(50 * MB)),
        "table-9mb-in-report": lambda: page(_body(inputs) + big_table(9 * MB)),
        "tables-nested-10k": lambda: page("<table><tr><td>" * 10_000 + "1" + "</td></tr></table>" * 10_000),
        "table-10k-columns": lambda: page("<table>" + ("<tr>" + "<td>1</td>" * 10_000 + "</tr>") * 300 + "</table>"),
    }


def _structure(inputs: Inputs) -> dict[str, Callable[[], bytes]]:
    return {
        "divs-100k-deep": lambda: page("<div>" * 100_000 + "年度报告" + "</div>" * 100_000),
        "unclosed-100k": lambda: page("<b><i>" * 100_000),
        "lists-100k-deep": lambda: page("<ul><li>" * 100_000),
        "attribute-20mb": lambda: page('<p title="' + "A" * (20 * MB) + '">x</p>'),
        "attributes-500k": lambda: page("<p " + " ".join(f"a{i}=1" for i in range(500_000)) + ">x</p>"),
        "comments-1m": lambda: page("<!-- x -->" * 1_000_000),
        "comment-unclosed-10mb": lambda: page("<!--" + "-" * (10 * MB)),
        "cdata-unclosed": lambda: page("<![CDATA[" + "x" * MB),
        "script-10mb": lambda: page("<script>" + "var a=1;" * (10 * MB // 8) + "</script>"),
        "entities-5m": lambda: page("&amp;" * 5_000_000),
        "entities-invalid": lambda: page("&#x110000; &#0; &#xD800; &#99999999999; &bogus; &#x;" * 1000),
        "one-line-20mb-text": lambda: page("<p>" + "年" * (7 * MB) + "</p>"),
        "xhtml-xxe": lambda: _xhtml_xxe(inputs),
        "doctype-entities": lambda: b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "' + b"A" * 10_000 + b'"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><html><body><p>&b;&b;&b;</p></body></html>',
    }


def _charsets(inputs: Inputs) -> dict[str, Callable[[], bytes]]:
    def body() -> str:
        return inputs.html

    return {
        "meta-gbk-body-utf8": lambda: body().replace("charset='utf-8'", "charset='gbk'").encode("utf-8"),
        "meta-utf8-body-gbk": lambda: body().encode("gb18030", errors="replace"),
        "meta-conflicting": lambda: body().replace("<head>", '<head><meta charset="big5"><meta http-equiv="Content-Type" content="text/html; charset=shift_jis">').encode("utf-8"),
        "meta-unknown-charset": lambda: body().replace("<head>", '<head><meta charset="x-no-such-charset">').encode("utf-8"),
        "meta-utf7": lambda: body().replace("<head>", '<head><meta charset="utf-7">').encode("utf-8"),
        "utf16-bom": lambda: body().encode("utf-16"),
        "utf16be-no-bom": lambda: body().encode("utf-16-be"),
        "mixed-utf8-gbk": lambda: body()[: len(body()) // 2].encode("utf-8") + body()[len(body()) // 2:].encode("gb18030", errors="replace"),
        "invalid-bytes": lambda: _sprinkle(body().encode("utf-8"), b"\xff\xfe\xc0\x80\xed\xa0\x80"),
        "nul-bytes": lambda: _sprinkle(body().encode("utf-8"), b"\x00"),
    }


def _sprinkle(data: bytes, junk: bytes, every: int = 97) -> bytes:
    return b"".join(data[i:i + every] + junk for i in range(0, len(data), every))


def _xhtml_xxe(inputs: Inputs) -> bytes:
    url = inputs.canary.as_uri()
    return (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "{url}">]>'
            f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>2020年年度报告</title></head>'
            f"<body><h1>2020年政府信息公开工作年度报告</h1><p>&xxe;</p></body></html>").encode("utf-8")


def _cut(inputs: Inputs, start: float, end: float) -> bytes:
    data = inputs.html.encode("utf-8")
    return data[: int(start * len(data))] + data[int(end * len(data)):]


def cases(rng: random.Random, inputs: Inputs) -> Iterator[Case]:
    for group in (_spans(inputs), _structure(inputs), _charsets(inputs)):
        for name, make in group.items():
            yield Case(f"html-{name}.html", make)
    yield Case("html-control-real.html", lambda: inputs.html.encode("utf-8"))
    for n in range(4):
        start, end = sorted((rng.random(), rng.random()))
        yield Case(f"html-random-cut-{n}.html", partial(_cut, inputs, start, end))
