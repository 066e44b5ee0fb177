"""Search: exact substring semantics (same set as Python `in`), ranking, filters, sync."""
from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import search as search_mod
from archive.db import Archive
from archive.errors import ArchiveError
from archive.records import CopyRecord, ParsedCopy
from archive.search import report_text, search, snippet

COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处府研质信访低保申请依据县镇乡街办委局厅"
)
PUNCT = "，。、；：？！“”（）《》—…·"
LATIN = "0123456789ABCabc"
WORDS = ["低保", "信访", "政府信息", "公开", "申请", "年度报告", "行政复议"]
SEED = 20240501
Corpus = tuple[Archive, dict[int, str]]


def make_report(agency: str, year: int, sections: dict[str, str | None],
                template: str = "2021") -> dict[str, Any]:
    return {
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency, "year": year, "template": template,
        "contact": {"address": None, "postcode": None, "phone": None, "email": None},
        "sections": {k: sections.get(k) for k in "123456"},
        "tables": {"applications": {"new_received": {"natural_person": 1, "total": None}}},
        "checks": [],
    }


def store(archive: Archive, report: dict[str, Any], name: str | None = None) -> int:
    name = name or f"{report['agency']}{report['year']}"
    digest = hashlib.sha256(name.encode()).hexdigest()
    archive.add_copy(CopyRecord(digest, 1, "text/html", "html", None, "2024-01-01T00:00:00Z"))
    report_id = archive.save_parse(ParsedCopy(digest, "parsed", report))
    assert report_id is not None
    return report_id


def random_text(rng: random.Random, n: int) -> str:
    out: list[str] = []
    while len(out) < n:
        roll = rng.random()
        if roll < 0.08:
            out.extend(rng.choice(WORDS))
        elif roll < 0.18:
            out.append(rng.choice(PUNCT))
        elif roll < 0.23:
            out.append(rng.choice(LATIN))
        else:
            out.append(rng.choice(COMMON))
    return "".join(out)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    rng = random.Random(SEED)
    archive = Archive.open(tmp_path_factory.mktemp("search") / "data")
    texts: dict[int, str] = {}
    for i in range(30):
        sections = {k: (random_text(rng, rng.randint(40, 400)) if rng.random() < 0.85 else None)
                    for k in "123456"}
        report = make_report(f"测试{i}号镇人民政府", 2019 + i % 5, sections)
        texts[store(archive, report)] = report_text(report)
    yield archive, texts
    archive.close()


def expected(texts: dict[int, str], query: str) -> set[int]:
    return {rid for rid, text in texts.items() if query in text}


def found(archive: Archive, query: str, **kw: Any) -> set[int]:
    return {hit.id for hit in search(archive.db, query, limit=0, **kw)}


def sample_queries(texts: dict[int, str]) -> list[str]:
    rng = random.Random(SEED + 1)
    queries: list[str] = []
    bodies = list(texts.values())
    for length in (1, 2, 3, 6):
        while sum(len(q) == length for q in queries) < 60:
            text = rng.choice(bodies)
            start = rng.randrange(len(text) - length)
            q = text[start:start + length]
            if not any(ch.isspace() for ch in q):  # white space separates AND terms
                queries.append(q)
    for _ in range(40):  # mostly absent strings
        queries.append("".join(rng.choice(COMMON + PUNCT) for _ in range(rng.randint(2, 5))))
    return queries + ["低保", "信访", "。", "——", "“”", "A", "a", "Ab", "9", "不存在的词语"]


def test_search_returns_exactly_the_reports_containing_the_query(corpus) -> None:
    archive, texts = corpus
    queries = sample_queries(texts)
    assert any(len(expected(texts, q)) > 1 for q in queries if len(q) == 2)
    assert any(not expected(texts, q) for q in queries)
    for q in queries:
        assert found(archive, q) == expected(texts, q), q


def test_every_single_character_including_punctuation_and_case(corpus) -> None:
    archive, texts = corpus
    for ch in sorted(set(COMMON + PUNCT + LATIN)):
        assert found(archive, ch) == expected(texts, ch), ch


def test_the_index_narrows_candidates_for_a_chinese_term(corpus) -> None:
    archive, texts = corpus
    rows = archive.db.execute("SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?",
                              ['"低 保"']).fetchall()
    assert {r[0] for r in rows} == expected(texts, "低保")


def test_space_separated_terms_must_all_be_contained(corpus) -> None:
    archive, texts = corpus
    want = {rid for rid, t in texts.items() if "低保" in t and "信访" in t and "。" in t}
    assert found(archive, "低保 信访 。") == want
    assert found(archive, "低保　信访") == {rid for rid, t in texts.items()
                                        if "低保" in t and "信访" in t}  # ideographic space


def test_filters_and_limit(corpus) -> None:
    archive, texts = corpus
    years = {rid: archive.get_report(rid)["year"] for rid in texts}
    assert found(archive, "公开", year=2021) == {r for r in expected(texts, "公开")
                                                if years[r] == 2021}
    assert found(archive, "公开", agency="测试1") == {
        r for r in expected(texts, "公开") if "测试1" in archive.get_report(r)["agency"]}
    assert found(archive, "公开", template="2019") == set()
    assert len(search(archive.db, "公", limit=3)) == 3
    assert len(search(archive.db, "公")) == min(20, len(expected(texts, "公")))


def test_bad_queries_raise_archive_error(corpus) -> None:
    archive, _ = corpus
    with pytest.raises(ArchiveError):
        search(archive.db, "")
    with pytest.raises(ArchiveError):
        search(archive.db, "公", limit=-1)


def test_ranking_is_bm25_then_newer_year(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        once = store(archive, make_report("甲镇", 2021, {"1": "低保" + "工作" * 20}))
        often = store(archive, make_report("乙镇", 2021, {"1": "低保" * 5 + "工作" * 15}))
        old = store(archive, make_report("丙镇", 2020, {"1": "信访事项"}))
        new = store(archive, make_report("丙镇", 2022, {"1": "信访事项"}))
        assert [h.id for h in search(archive.db, "低保")] == [often, once]
        assert [h.id for h in search(archive.db, "信访")] == [new, old]


def test_snippet_wraps_the_exact_match() -> None:
    text = "标题\n" + "前" * 40 + "低保对象" + "后" * 40
    s = snippet(text, "低保")
    assert "【低保】对象" in s and s.startswith("…") and s.endswith("…")
    assert 28 <= len(s) <= 36
    assert snippet("低保", "低保") == "【低保】"
    assert snippet("A\nB低保", "低保") == "A B【低保】"


def test_hit_snippet_comes_from_the_report_text(corpus) -> None:
    archive, texts = corpus
    for hit in search(archive.db, "信访", limit=0):
        assert "【信访】" in hit.snippet
        plain = hit.snippet.replace("【", "").replace("】", "").strip("…")
        assert plain in re.sub(r"\s+", " ", texts[hit.id])  # the snippet shows "\n" as " "


def test_report_text_is_title_and_non_null_sections() -> None:
    report = make_report("某局", 2021, {"1": "一", "3": "三", "6": "六"})
    assert report_text(report) == "某局2021年政府信息公开工作年度报告\n一\n三\n六"


def _vocab(archive: Archive) -> set[tuple[str, int, int]]:
    archive.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING "
                       "fts5vocab('main', 'reports_fts', 'instance')")
    return {(r[0], r[1], r[2]) for r in archive.db.execute("SELECT term, doc, offset FROM v")}


def test_index_follows_reparses_exactly(tmp_path: Path) -> None:
    """After re-parses the contentless index holds exactly the current texts' tokens."""
    with Archive.open(tmp_path / "a") as archive:
        a = store(archive, make_report("甲镇", 2021, {"1": "旧的低保内容"}), "copy-a")
        store(archive, make_report("乙镇", 2021, {"1": "乙的信访"}), "copy-b")
        store(archive, make_report("甲镇", 2021, {"1": "新的信访内容"}), "copy-a")
        assert found(archive, "低保") == set() and found(archive, "新的信访") == {a}
        texts = {r["id"]: r["text"] for r in archive.db.query("SELECT id, text FROM reports")}
        want = {(ch, rid, i) for rid, text in texts.items()
                for i, ch in enumerate(c for c in text if not c.isspace())}
        assert _vocab(archive) == want
        assert search_mod.rebuild_index(archive.db) == 2
        assert _vocab(archive) == want
