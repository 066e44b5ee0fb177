"""Golden tests: each seed (extracted text of a real report) parses to exactly its gold."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.extract import extract
from pipelines.reports import parse_document
from tests.scoring import problems

GOLD = sorted((Path(__file__).parent / "data" / "gold").glob("*.json"))


def _seed(gold_path: Path, seeds_dir: Path) -> Path:
    return seeds_dir / gold_path.name.removesuffix(".json")


@pytest.mark.parametrize("gold_path", GOLD, ids=[g.name[:3] for g in GOLD])
def test_seed_matches_gold(gold_path: Path, seeds_dir: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    seed = _seed(gold_path, seeds_dir)
    outcome = parse_document(extract(seed.read_bytes(), seed.name))
    assert outcome.status == "parsed"
    assert problems(gold, outcome.report) == []


def test_cli_parse_json_has_canonical_shape(seeds_dir: Path) -> None:
    seed = seeds_dir / "000_1ec810995bb02083.txt"
    run = subprocess.run([sys.executable, "-m", "crawler.cli", "parse", str(seed), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    # the spec's keys, plus what the document is (report | legacy | a related kind)
    assert set(out) == {"title", "agency", "year", "template", "contact", "sections", "tables", "checks", "kind"}
    assert out["kind"] == "report"
    assert set(out["sections"]) == {"1", "2", "3", "4", "5", "6"}
    assert set(out["tables"]) == {"active_disclosure", "applications", "review_litigation"}
    assert {c["status"] for c in out["checks"]} == {"pass"}
