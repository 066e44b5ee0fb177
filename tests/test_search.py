"""Search: exact substring semantics (same set as Python `in`), the index itself, ranking,
snippets. The query language and the filters: tests/test_search_query.py."""
from __future__ import annotations

import hashlib
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archive import bulkindex
from archive import search as search_mod
from archive.db import Archive
from archive.errors import ArchiveError
from archive.records import CopyRecord, ParsedCopy
from archive.search import report_text, search, snippet
from archive.tokens import SENTINEL, agency_token, doc_key, term_expression, units

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
        elif roll < 0.24:
            out.append(rng.choice(" \n"))
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


def quoted(q: str) -> str:
    """`q` as one term of the query language (a phrase when it has spaces or quotes)."""
    return q if q.split() == [q] and '"' not in q and not q.startswith("-") \
        and q not in ("AND", "OR", "NOT") else '"' + q + '"'


def sample_queries(texts: dict[int, str]) -> list[str]:
    rng = random.Random(SEED + 1)
    queries: list[str] = []
    bodies = list(texts.values())
    for length in (1, 2, 3, 6):
        while sum(len(q) == length for q in queries) < 60:
            text = rng.choice(bodies)
            start = rng.randrange(len(text) - length)
            q = text[start:start + length]
            if '"' not in q and q.strip() == q and q:
                queries.append(q)
    spaced = [t for t in bodies if " " in t.strip()]
    for text in spaced[:10]:  # phrases across a space
        i = text.index(" ", 1)
        queries.append(text[i - 2:i + 3].strip())
    for _ in range(40):  # mostly absent strings
        queries.append("".join(rng.choice(COMMON + PUNCT) for _ in range(rng.randint(2, 5))))
    return queries + ["低保", "信访", "。", "——", "“”", "A", "a", "Ab", "9", "不存在的词语"]


def test_search_returns_exactly_the_reports_containing_the_query(corpus) -> None:
    archive, texts = corpus
    queries = sample_queries(texts)
    assert any(len(expected(texts, q)) > 1 for q in queries if len(q) == 2)
    assert any(not expected(texts, q) for q in queries)
    assert any(" " in q for q in queries)  # phrases across a space are searched too
    for q in queries:
        assert found(archive, quoted(q)) == expected(texts, q), q


def test_every_single_character_including_punctuation_and_case(corpus) -> None:
    archive, texts = corpus
    for ch in sorted(set(COMMON + PUNCT + LATIN + "uvUV")):
        assert found(archive, ch) == expected(texts, ch), ch
    assert found(archive, '" "') == expected(texts, " ")
    assert found(archive, "A") != found(archive, "a")  # case-sensitive, like instr


def _candidates(archive: Archive, term: str) -> set[int]:
    rows = archive.db.execute("SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?",
                              [term_expression(term)]).fetchall()
    return {r[0] & 0xFFFFFFFF for r in rows}


def test_the_index_alone_answers_one_and_two_characters_exactly(corpus) -> None:
    """No verifying pass for 1-2 characters: the MATCH expression's rows are the hits."""
    archive, texts = corpus
    for q in ("低保", "公", "。", "A", "9a", "u", "V"):
        assert _candidates(archive, q) == expected(texts, q), q


def test_longer_terms_are_checked_on_the_text(tmp_path: Path) -> None:
    """A row that holds every trigram of 低保信访工作 apart is a candidate of the index, not
    a hit; excluding the term keeps it."""
    with Archive.open(tmp_path / "a") as archive:
        both = store(archive, make_report("甲镇", 2021, {"1": "推进低保信访工作"}))
        apart = store(archive, make_report("乙镇", 2021, {"1": "低保信，保信访，信访工，访工作"}))
        assert _candidates(archive, "低保信访工作") == {both, apart}
        assert found(archive, "低保信访工作") == {both}
        assert found(archive, "保信访 -低保信访工作") == {apart}
        assert found(archive, "乙镇 OR 低保信访工作") == {both, apart}
        assert [h.id for h in search(archive.db, "低保信访工作 保信访")] == [both]
        assert [h.id for h in search(archive.db, "低保信访工作", related=True)] == [both]


@pytest.mark.parametrize("tokenizer", ["unicode61", "ascii"])  # m003's, and m011's
def test_sqlite_keeps_every_unit_as_one_token(tokenizer: str) -> None:
    """The premise of tokens.py, asked of SQLite's own tokenizer: each character (all CJK
    unified ideographs, ASCII, punctuation, a space, an astral character) is one token."""
    chars = [chr(c) for c in range(0x4E00, 0xA000)] + [chr(c) for c in range(0x20, 0x7F)]
    chars += list("，。、“”（）《》—…·　\n\tÉé𠀀")
    db = Database(memory=True)
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(b, tokenize='{tokenizer}')")
    db.execute("INSERT INTO t(b) VALUES (?)", [" ".join(units("".join(chars)))])
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    got = [r[0] for r in db.execute("SELECT term FROM v ORDER BY offset")]
    assert got == units("".join(chars))
    assert len(set(got)) == len(chars)


def test_ranking_is_bm25_then_newer_year(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "a") as archive:
        once = store(archive, make_report("甲镇", 2021, {"1": "低保" + "工作" * 20}))
        often = store(archive, make_report("乙镇", 2021, {"1": "低保" * 5 + "工作" * 15}))
        old = store(archive, make_report("丙镇", 2020, {"1": "信访事项"}))
        new = store(archive, make_report("丙镇", 2022, {"1": "信访事项"}))
        assert [h.id for h in search(archive.db, "低保")] == [often, once]
        assert [h.id for h in search(archive.db, "信访")] == [new, old]


def test_a_term_in_too_many_reports_lists_newest_first(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with Archive.open(tmp_path / "a") as archive:
        ids = {year: store(archive, make_report("甲镇", year, {"1": "低保" * (2025 - year)}))
               for year in (2020, 2023, 2021)}
        assert [h.id for h in search(archive.db, "低保")] == [ids[2020], ids[2021], ids[2023]]
        monkeypatch.setattr(search_mod, "RANK_CAP", 2)
        assert [h.id for h in search(archive.db, "低保")] == [ids[2023], ids[2021], ids[2020]]
        assert found(archive, "低保") == set(ids.values())


def test_snippet_wraps_the_exact_match() -> None:
    text = "标题\n" + "前" * 40 + "低保对象" + "后" * 40
    s = snippet(text, ["低保"])
    assert "【低保】对象" in s and s.startswith("…") and s.endswith("…")
    assert 28 <= len(s) <= 36
    assert snippet("低保", ["低保"]) == "【低保】"
    assert snippet("A\nB低保", ["低保"]) == "A B【低保】"
    assert snippet("甲低保乙信访丙", ["信访", "低保"]) == "甲【低保】乙【信访】丙"
    assert snippet("没有", ["低保"]) == "没有"


def test_hit_snippet_comes_from_the_report_text(corpus) -> None:
    archive, texts = corpus
    for hit in search(archive.db, "信访", limit=0):
        assert "【信访】" in hit.snippet
        plain = hit.snippet.replace("【", "").replace("】", "").strip("…")
        assert plain in re.sub(r"\s+", " ", texts[hit.id])  # the snippet shows "\n" as " "


def test_report_text_is_title_and_non_null_sections() -> None:
    report = make_report("某局", 2021, {"1": "一", "3": "三", "6": "六"})
    assert report_text(report) == "某局2021年政府信息公开工作年度报告\n一\n三\n六"


def _vocab(archive: Archive) -> set[tuple[str, int]]:
    archive.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING "
                       "fts5vocab('main', 'reports_fts', 'instance')")
    return {(r[0], r[1]) for r in archive.db.execute("SELECT term, doc FROM v")}


def _want(archive: Archive) -> set[tuple[str, int]]:
    """Each report's reserved tokens, units, pairs and triples of units (since m014)."""
    want = set()
    for r in archive.db.query("SELECT id, year, text, agency_id FROM reports"):
        key, us = doc_key(r["year"], r["id"]), units(r["text"])
        grams = [SENTINEL, agency_token(r["agency_id"]), *us]
        grams += [a + b for a, b in zip(us, us[1:])] + [a + b + c for a, b, c in zip(us, us[1:], us[2:])]
        want |= {(g, key) for g in grams}
    return want


def test_index_follows_reparses_exactly(tmp_path: Path) -> None:
    """After re-parses the contentless index holds exactly the current texts' tokens."""
    with Archive.open(tmp_path / "a") as archive:
        a = store(archive, make_report("甲镇", 2021, {"1": "旧的低保内容"}), "copy-a")
        store(archive, make_report("乙镇", 2021, {"1": "乙的信访"}), "copy-b")
        store(archive, make_report("甲镇", 2021, {"1": "新的信访内容"}), "copy-a")
        assert found(archive, "低保") == set() and found(archive, "新的信访") == {a}
        want = _want(archive)
        assert _vocab(archive) == want
        assert search_mod.rebuild_index(archive.db) == 2
        assert _vocab(archive) == want


def _tagged(rows: list[tuple[int]]) -> list[tuple[int, int]]:
    """In bulkindex's worker: each row with the pid of the process that made it."""
    return [(os.getpid(), *row) for row in rows]


def test_a_large_rebuild_makes_the_tokens_in_a_worker_and_indexes_the_same(
        corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past PARALLEL_MIN rows a rebuild's tokens are made in another process, chunk by
    chunk, and written in the rows' order: the index is the one the saves built."""
    chunks = [[(i,)] for i in range(7)]
    made = [row for rows in bulkindex.made(_tagged, iter(chunks), parallel=True) for row in rows]
    assert [row[1] for row in made] == list(range(7))
    assert os.getpid() not in {row[0] for row in made}
    serial = [row for rows in bulkindex.made(_tagged, iter(chunks), parallel=False) for row in rows]
    assert {row[0] for row in serial} == {os.getpid()}
    archive, texts = corpus
    want = _vocab(archive)
    monkeypatch.setattr(bulkindex, "PARALLEL_MIN", 1)
    monkeypatch.setattr(bulkindex, "CHUNK", 4)
    assert search_mod.rebuild_index(archive.db) == len(texts)
    assert _vocab(archive) == want
    assert archive.db.execute("SELECT count(DISTINCT segid) FROM reports_fts_idx").fetchone() == (1,)


def test_unranked_hits_have_the_same_snippets(corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past RANK_CAP (unranked, newest first) the hits have the same snippets."""
    archive, texts = corpus
    monkeypatch.setattr(search_mod, "RANK_CAP", 0)
    queries = [*sample_queries(texts)[:40], "信访 OR 低保", "-信访", "的 -信访", "。", "A"]
    for q in queries:
        terms = search_mod.parse_query(q).terms
        for hit in search(archive.db, q, limit=0):
            assert hit.snippet == snippet(texts[hit.id], terms), (q, hit.id)
