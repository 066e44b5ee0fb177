"""The query language (phrases, AND, OR, NOT) against brute force, and the filters: year,
agency (the resolved identity, whatever name it was written under), region, template."""
from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.db import Archive
from archive.errors import ArchiveError
from archive.query import Query, matches, parse_query
from archive.search import search
from archive.synthetic import canonical_report, store_report

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
    assert parse_query("OR") == Query((("OR",),))  # an operator with no operands is a term
    assert parse_query('"NOT" -') == Query((("NOT",), ("-",)))
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
