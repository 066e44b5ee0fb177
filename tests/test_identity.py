"""One body, one identity, wherever a copy came from: a seed ingested as a file, the same
report as HTML, and a crawled copy (http URL, a configured source) are one agency, one
report, three copies. Archives filed under the old per-portal rule are merged on open."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import crawler.cli  # noqa: F401  (registers ingest on the group)
from archive.agencies import identity
from archive.cli import cli
from archive.db import Archive
from archive.records import CopyRecord, ParsedCopy, Sighting
from archive.search import search
from tests.synthetic_archive import canonical_report, simple_applications
from crawler.items import DocumentItem
from crawler.local import LocalRun
from tests.render import report_from_gold, to_html

SEED = "000_1ec810995bb02083.txt"  # 沙坡头区东园镇人民政府 2020
SPT = "中卫市沙坡头区人民政府"  # the title of source spt (crawler/sources.toml)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _crawled_item(body: bytes) -> DocumentItem:
    """What the portal spider yields for a report page of source spt."""
    return DocumentItem(url="https://www.spt.gov.cn/xxgk/bmxxgkml/dyz/xxgknb/t20210115_1.html",
                        body=body, fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        source="spt", region=SPT, link_text="东园镇2020年政府信息公开工作年度报告",
                        column="https://www.spt.gov.cn/xxgk/bmxxgkml/dyz/xxgknb/")


@pytest.fixture(scope="module")
def three_copies(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path,
                 gold_dir: Path) -> Path:
    tmp = tmp_path_factory.mktemp("identity")
    root = tmp / "data"
    html = to_html(report_from_gold(json.loads((gold_dir / f"{SEED}.json").read_text("utf-8"))))
    (tmp / "dyz-2020.html").write_text(html, encoding="utf-8")
    for path in (seeds_dir / SEED, tmp / "dyz-2020.html"):
        assert run("ingest", str(path), "--archive", str(root)).exit_code == 0
    crawled = (html + "\n<!-- as the portal serves it -->\n").encode()
    LocalRun(str(root), target="spt").run([_crawled_item(crawled)])
    return root


def test_a_file_an_html_rendering_and_a_crawled_copy_are_one_report(three_copies: Path) -> None:
    with Archive.open(three_copies) as archive:
        agencies = list(archive.db.query("SELECT name, region FROM agencies"))
        reports = archive.list_reports()
        statuses = [r[0] for r in archive.db.execute("SELECT status FROM copies")]
    assert agencies == [{"name": "东园镇", "region": "中卫市沙坡头区"}]
    assert len(reports) == 1 and reports[0]["year"] == 2020
    assert sorted(c["format"] for c in reports[0]["copies"]) == ["html", "html", "text"]
    assert statuses == ["parsed"] * 3
    urls = {u["url"].split(":")[0] for c in reports[0]["copies"] for u in c["urls"]}
    assert urls == {"file", "https"}


def test_list_and_coverage_show_the_body_once(three_copies: Path) -> None:
    listed = json.loads(run("list", "--json", "--archive", str(three_copies)).output)
    cov = json.loads(run("coverage", "--json", "--archive", str(three_copies)).output)
    assert [(r["agency"], len(r["copies"])) for r in listed] == [("沙坡头区东园镇人民政府", 3)]
    assert [(a["region"] + a["name"], a["reports"]) for a in cov["agencies"]] == [
        ("中卫市沙坡头区东园镇", {"2020": listed[0]["id"]})]


def test_ingest_source_gives_the_source_and_its_region(tmp_path: Path, seeds_dir: Path) -> None:
    root = tmp_path / "data"
    seed = seeds_dir / "001_b52cc8c9a01f7305.txt"  # 白沙镇人民政府 2020: the name has no region
    result = run("ingest", str(seed), "--source", "spt", "--archive", str(root))
    assert result.exit_code == 0, result.output
    with Archive.open(root) as archive:
        agency = next(archive.db.query("SELECT name, region FROM agencies"))
        source = archive.db.execute("SELECT source FROM sightings").fetchone()[0]
        region = archive.db.execute("SELECT region FROM copies").fetchone()[0]
    assert agency == {"name": "白沙镇", "region": "中卫市沙坡头区"}
    assert (source, region) == ("spt", SPT)


def test_ingest_region_and_an_unknown_source(tmp_path: Path, seeds_dir: Path) -> None:
    root = tmp_path / "data"
    seed = seeds_dir / "001_b52cc8c9a01f7305.txt"
    assert run("ingest", str(seed), "--region", "中卫市海原县", "--archive", str(root)).exit_code == 0
    with Archive.open(root) as archive:
        assert next(archive.db.query("SELECT region FROM agencies"))["region"] == "中卫市海原县"
    bad = run("ingest", str(seed), "--source", "nowhere", "--archive", str(root))
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.output.strip().splitlines() == [
        "Error: unknown source 'nowhere' (configured: spt)"]


@pytest.mark.parametrize("name,context,expected", [
    ("沙坡头区东园镇人民政府", None, ("沙坡头区", "东园镇")),
    ("东园镇人民政府", SPT, ("中卫市沙坡头区", "东园镇")),
    ("沙坡头区东园镇人民政府", SPT, ("中卫市沙坡头区", "东园镇")),
    ("沙坡头区人民政府", SPT, ("中卫市", "沙坡头区")),  # the source's own body
    ("海原县人民政府", SPT, ("中卫市", "海原县")),  # a peer county: not under 沙坡头区
    ("市场监督管理局", "中卫市市场监督管理局", ("中卫市", "市场监督管理局")),
    ("沙坡头区东园镇", "中卫市人民政府", ("中卫市沙坡头区", "东园镇")),
])
def test_identity_reads_a_name_in_its_context(name: str, context: str | None,
                                              expected: tuple[str, str]) -> None:
    assert identity(name, context) == expected


def test_two_counties_towns_of_one_name_stay_two_bodies(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "data") as archive:
        ids = [_store(archive, f"c{i}", "白沙镇人民政府", region)
               for i, region in enumerate(["中卫市沙坡头区", "中卫市海原县", "沙坡头区", None])]
        rows = list(archive.db.query("SELECT id, region FROM agencies ORDER BY id"))
    assert rows == [{"id": 1, "region": "中卫市沙坡头区"}, {"id": 2, "region": "中卫市海原县"}]
    # 沙坡头区 agrees with the first only; no region agrees with both: the longest match,
    # then the oldest, so both join report 1
    assert ids == [ids[0], ids[1], ids[0], ids[0]] and ids[0] != ids[1]


def _store(archive: Archive, key: str, name: str, region: str | None,
           url: str = "file:///tmp/x.txt") -> int:
    body = key.encode()
    sha = archive.blobs.put(body)
    t = "2024-01-01T00:00:00+00:00"
    archive.add_copy(CopyRecord(sha, len(body), "text/plain", "text", f"{key}.txt", t))
    archive.add_sighting(Sighting(sha, url + key, t))
    report = canonical_report(name, 2020, {"1": "办理低保事项。"}, tables=simple_applications(3, 0, 0))
    report_id = archive.save_parse(ParsedCopy(sha, "parsed", report, region=region))
    assert report_id is not None
    return report_id


def test_agencies_split_by_portal_under_the_old_rule_merge_on_open(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with Archive.open(root) as archive:
        first = _store(archive, "a", "沙坡头区东园镇人民政府", None)
        second = _store(archive, "b", "东园镇人民政府", SPT, url="https://www.spt.gov.cn/")
        assert first == second
        _split_as_before_m008(archive, "b", first)
        assert archive.db.execute("SELECT count(*) FROM reports").fetchone()[0] == 2
    with Archive.open(root) as archive:
        agencies = list(archive.db.query("SELECT id, name, region FROM agencies"))
        reports = archive.list_reports()
        hits = search(archive.db, "低保", agency="东园镇", limit=0)
        names = {r[0] for r in archive.db.execute("SELECT DISTINCT agency_id FROM agency_names")}
    assert agencies == [{"id": 1, "name": "东园镇", "region": "中卫市沙坡头区"}]
    assert [(r["id"], len(r["copies"])) for r in reports] == [(first, 2)]
    assert [h.id for h in hits] == [first] and names == {1}


def _split_as_before_m008(archive: Archive, key: str, report_id: int) -> None:
    """What the per-portal rule wrote: copy `key` under a second agency and report."""
    db, sha = archive.db, archive.blobs.put(key.encode())
    agency = db.execute("INSERT INTO agencies (scope, name, region) VALUES"
                        " ('spt.gov.cn', '东园镇', '中卫市沙坡头区')").lastrowid
    db.execute("UPDATE agencies SET region = '沙坡头区' WHERE id = 1")
    other = db.execute("INSERT INTO reports (agency_key, year, agency_id) VALUES (?, 2020, ?)",
                       [f"agency:{agency}", agency]).lastrowid
    db.execute("UPDATE copies SET report_id = ? WHERE sha256 = ?", [other, sha])
    db.execute("UPDATE agency_names SET agency_id = ? WHERE sha256 = ?", [agency, sha])
    archive.refresh_report(other)
    archive.refresh_report(report_id)
    db.conn.commit()
