"""The query language (phrases, AND, OR, NOT) against brute force, and the filters: year,
agency (the resolved identity, whatever name it was written under), region, template."""
from __future__ import annotations

import random
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import Archive
from archive.cli import cli
from archive.errors import ArchiveError
from archive.query import Query, QueryError, matches, parse_query
from archive.search import search
from tests.synthetic_archive import canonical_report, store_report
from archive.webplugin import prepare_connection

WORDS = ["低保", "信访", "公开", "申请", "救助", "依申请公开", "行政复议", "A", "a", "。"]
SPT = "http://www.spt.gov.cn/xxgk/bmxxgkml/dyz/xxgknb/"  # 东园镇's own column


@pytest.fixture(scope="module")
def towns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, dict[int, str]]]:
    """Three bodies over 2019..2023 under several names; random words in their text."""
    rng = random.Random(7)
    archive = Archive.open(tmp_path_factory.mktemp("q") / "data")
    names = {2019: "中卫市沙坡头区东园镇人民政府", 2020: "沙坡头区东园镇人民政府",
             2021: "东园镇", 2022: "沙坡头区 东园镇", 2023: "东园镇人民政府"}
    texts = {}
    for year in range(2019, 2024):
        for agency, column in ((names[year], SPT), ("沙坡头区文昌镇", None),
                               ("贺兰县习岗镇人民政府", None)):
            body = "".join(rng.choice(WORDS + ["的", "，", "工作"]) for _ in range(40))
            report = canonical_report(agency, year, {"1": body})
            rid = store_report(archive, report, f"{agency}-{year}", column=column,
                               url=f"http://www.spt.gov.cn/{year}/{len(texts)}.html")
            texts[rid] = archive.get_report(rid)["text"]
    yield archive, texts
    archive.close()


def ids(archive: Archive, query: str, **kw) -> set[int]:
    return {h.id for h in search(archive.db, query, limit=0, **kw)}


def test_parse_query_structure() -> None:
    assert parse_query("低保 信访 OR 上访 -救助") == Query((("低保",), ("信访", "上访")), ("救助",))
    assert parse_query('"依申请 公开" NOT 信访') == Query((("依申请 公开",),), ("信访",))
    assert parse_query("a AND b") == Query((("a",), ("b",)))
    assert parse_query('"OR" or') == Query((("OR",), ("or",)))  # quoted or lower case: terms
    assert parse_query('"NOT" "-"') == Query((("NOT",), ("-",)))
    assert parse_query("a AND NOT b") == Query((("a",),), ("b",))
    assert parse_query('" 低保') == Query((('"',), ("低保",)))  # a lone " opens no phrase
    assert parse_query('" 低保"') == Query(((" 低保",),))
    assert parse_query("(一) 2019-2020") == Query((("(一)",), ("2019-2020",)))
    assert parse_query("x -a OR b") == Query((("x",), ("b",)), ("a",))
    for empty in ("", '""', '-""'):
        with pytest.raises(ArchiveError):
            parse_query(empty)


def random_query(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        roll, word = rng.random(), rng.choice(WORDS)
        if roll < 0.2:
            parts.append(f"-{word}")
        elif roll < 0.3:
            parts.append(f"NOT {word}")
        elif roll < 0.5:
            parts.append(f"{word} OR {rng.choice(WORDS)}")
        else:
            parts.append(word if rng.random() < 0.7 else f'"{word}"')
    return " ".join(parts)


def test_boolean_queries_match_brute_force(towns) -> None:
    archive, texts = towns
    rng = random.Random(3)
    nonempty = 0
    for _ in range(150):
        q = random_query(rng)
        want = {rid for rid, text in texts.items() if matches(parse_query(q), text)}
        assert ids(archive, q) == want, q
        nonempty += bool(want) and want != set(texts)
    assert nonempty > 50


def test_brute_force_semantics_are_plain_substrings() -> None:
    q = parse_query("低保 信访 OR 上访 -救助")
    assert matches(q, "低保和上访") and not matches(q, "低保和上访救助")
    assert not matches(q, "信访") and matches(q, "信访低保")


def test_only_excluding_queries_use_the_index_too(towns) -> None:
    archive, texts = towns
    assert ids(archive, "-低保") == {r for r, t in texts.items() if "低保" not in t}
    assert ids(archive, "NOT 的 NOT 。") == {r for r, t in texts.items()
                                            if "的" not in t and "。" not in t}


def test_year_and_template_filters(towns) -> None:
    archive, texts = towns
    years = {rid: archive.get_report(rid)["year"] for rid in texts}
    assert ids(archive, "年", year=2021) == {r for r, y in years.items() if y == 2021}
    assert ids(archive, "年", template="2019") == {r for r, y in years.items() if y < 2021}
    assert ids(archive, "年", year=2021, template="2019") == set()


@pytest.mark.parametrize("name", ["中卫市沙坡头区东园镇人民政府", "沙坡头区东园镇人民政府",
                                  "东园镇", "东园", "东园镇人民政府"])
def test_agency_filter_is_the_resolved_identity(towns, name: str) -> None:
    archive, _ = towns
    hits = search(archive.db, "年", limit=0, agency=name)
    assert sorted(h.year for h in hits) == [2019, 2020, 2021, 2022, 2023]
    assert len({h.agency for h in hits}) == 5  # the names as written are kept


def test_region_filter(towns) -> None:
    archive, _ = towns
    assert {h.agency for h in search(archive.db, "年", limit=0, region="贺兰县")} == {
        "贺兰县习岗镇人民政府"}
    assert len(ids(archive, "年", region="沙坡头区")) == 10
    assert ids(archive, "年", region="海原县") == set()
    assert ids(archive, "年", agency="东园镇", region="贺兰县") == set()


BAD_QUERIES = {
    "低保 OR": "OR needs a term on each side",
    "OR 低保": "OR needs a term on each side",
    "OR": "OR needs a term on each side",
    "OR OR": "OR needs a term on each side",
    "低保 OR OR 信访": "OR needs a term on each side",
    "低保 AND": "AND needs a term on each side",
    "低保 OR AND 信访": "OR needs a term on each side",
    "NOT": "NOT needs a term after it",
    "低保 NOT": "NOT needs a term after it",
    "NOT OR 低保": "NOT needs a term after it",
    "-": 'a lone "-" excludes nothing',
    "低保 - 信访": 'a lone "-" excludes nothing',
    '"依申请 公开': 'a " is not closed',
    '低保 "信访" "公开': 'a " is not closed',
    '-"信访': 'a " is not closed',
    "": "empty search query",
    '""': "empty search query",
}


@pytest.mark.parametrize("query", sorted(BAD_QUERIES))
def test_a_query_that_means_nothing_is_an_error(query: str) -> None:
    with pytest.raises(QueryError, match=re.escape(BAD_QUERIES[query])):
        parse_query(query)


@pytest.mark.parametrize("query", ["低保 OR", "-", "OR OR", '"依申请 公开', "NOT"])
def test_cli_search_says_why_in_one_line(towns, query: str) -> None:
    archive, _ = towns
    result = CliRunner().invoke(cli, ["search", "--archive", str(archive.root), query])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output
    assert BAD_QUERIES[query] in lines[0]


@pytest.mark.parametrize("query", ["低保 OR", "-", '"依申请 公开'])
def test_web_search_fails_with_the_reason_not_zero_hits(towns, query: str) -> None:
    """The web UI's searches (Datasette's box and the canned query) MATCH what
    match_expression returns: a bad query must make SQLite fail with its reason."""
    archive, _ = towns
    conn = sqlite3.connect(archive.root / "archive.db")
    prepare_connection(conn)
    sql = "SELECT rowid FROM reports_fts WHERE reports_fts MATCH nianbao_match(?)"
    with pytest.raises(sqlite3.OperationalError) as failure:
        conn.execute(sql, [query]).fetchall()
    assert BAD_QUERIES[query] in unicodedata.normalize("NFKC", str(failure.value))
    assert len(conn.execute(sql, ["低保 OR 信访"]).fetchall()) > 0
    assert conn.execute(sql, [""]).fetchall() == []  # an empty box lists nothing, no error
    conn.close()
