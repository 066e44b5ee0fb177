"""Exact recall and precision on the real seeds, parsed by the real pipeline: for every
character and for substrings of many lengths, `nianbao search` (the library call and the
CLI) returns exactly the reports whose `text` (as `nianbao show --json` gives it) contains
the query."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import cli
from archive.db import Archive
from archive.search import search
from crawler.local import LocalRun, item_for_file


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory,
           seeds_dir: Path) -> Iterator[tuple[Path, Archive, dict[int, str]]]:
    root = tmp_path_factory.mktemp("seeds") / "data"
    LocalRun(str(root)).run(item_for_file(p) for p in sorted(seeds_dir.glob("*.txt")))
    archive = Archive.open(root)
    texts = {r["id"]: archive.get_report(r["id"])["text"] for r in archive.list_reports()}
    yield root, archive, texts
    archive.close()


def quoted(q: str) -> str:
    return '"' + q + '"' if (q.split() != [q] or q.startswith("-")
                             or q in ("AND", "OR", "NOT")) else q


def substrings(texts: dict[int, str]) -> Iterator[str]:
    for text in texts.values():
        for length in (2, 3, 4, 6, 8, 12):
            for start in range(0, len(text) - length, 11):
                q = text[start:start + length]
                if '"' not in q and q.strip() == q:
                    yield q


def test_every_character_of_the_seeds(seeded) -> None:
    _, archive, texts = seeded
    chars = sorted({ch for text in texts.values() for ch in text if not ch.isspace()})
    assert len(chars) > 500
    for ch in chars:
        got = {h.id for h in search(archive.db, quoted(ch), limit=0)}
        assert got == {rid for rid, t in texts.items() if ch in t}, ch


def test_substrings_of_every_length(seeded) -> None:
    _, archive, texts = seeded
    queries = sorted(set(substrings(texts)))
    assert len(queries) > 3000
    for q in queries:
        got = {h.id for h in search(archive.db, quoted(q), limit=0)}
        assert got == {rid for rid, t in texts.items() if q in t}, q


def test_gold_snippets_across_line_breaks_are_found(seeded, gold_dir: Path) -> None:
    root, _, texts = seeded
    runner = CliRunner()
    for gold_file in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        for phrases in (gold.get("section_snippets") or {}).values():
            for phrase in phrases:
                out = runner.invoke(cli, ["search", quoted(phrase), "--json", "--limit", "0",
                                          "--archive", str(root)])
                hits = json.loads(out.output)
                want = {rid for rid, t in texts.items() if phrase in t}
                assert {h["id"] for h in hits} == want and want, phrase
                assert all(f"【{phrase}】" in h["snippet"] for h in hits), phrase


def test_show_json_text_is_what_search_indexes(seeded) -> None:
    root, archive, texts = seeded
    for rid in texts:
        shown = json.loads(CliRunner().invoke(cli, ["show", str(rid), "--json", "--archive",
                                                    str(root)]).output)
        assert shown["text"] == texts[rid]
        stored = archive.db.execute("SELECT text FROM reports WHERE id = ?", [rid]).fetchone()[0]
        assert shown["text"] == stored
