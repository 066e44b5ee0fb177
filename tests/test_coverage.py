"""One body, one identity; coverage (agency x year) and the cross-year check, on an archive
of the same bodies over several years under several names (tests.synthetic_archive.SAMPLE)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.agencies import scope_of, split_name
from archive.cli import cli
from archive.coverage import coverage
from archive.db import Archive
from tests.synthetic_archive import sample_archive


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_archive(tmp_path_factory.mktemp("cov") / "data")


@pytest.mark.parametrize("name,region,core", [
    ("中卫市沙坡头区东园镇人民政府", "中卫市沙坡头区", "东园镇"),
    ("沙坡头区东园镇人民政府", "沙坡头区", "东园镇"),
    ("东园镇", "", "东园镇"),
    ("沙坡头区 东园镇", "沙坡头区", "东园镇"),
    ("中卫市沙坡头区人民政府", "中卫市", "沙坡头区"),
    ("宁夏回族自治区中卫市海原县", "宁夏回族自治区中卫市", "海原县"),
    ("上海市科委", "上海市", "科委"),
    ("中卫市市场监督管理局", "中卫市", "市场监督管理局"),
    ("城市管理局", "", "城市管理局"),  # 城市 is no division: two characters before 市 needed
    ("中卫工业园区管理委员会", "", "中卫工业园区管理委员会"),  # a zone, not a district
    ("滨河街道办事处", "", "滨河街道"),
    ("ＡＢ镇人民政府", "", "AB镇"),  # full width -> half width
    ("人民政府", "", "人民政府"),
])
def test_split_name(name: str, region: str, core: str) -> None:
    assert split_name(name) == (region, core)


def test_scope_is_the_portal_host() -> None:
    assert scope_of("https://www.spt.gov.cn/xxgk/") == "spt.gov.cn"
    assert scope_of("http://127.0.0.1:8080/a") == "127.0.0.1"
    assert scope_of("file:///tmp/a.txt") == "local"
    assert scope_of(None) == ""


def test_name_variants_are_one_agency_and_keep_their_names(sample: Path) -> None:
    with Archive.open(sample) as archive:
        rows = list(archive.db.query("SELECT * FROM agencies ORDER BY id"))
        names = {r["name"] for r in archive.db.query(
            "SELECT name FROM agency_names WHERE agency_id = 1")}
        dyz = list(archive.db.query("SELECT id, year, agency FROM reports WHERE agency_id = 1"
                                    " ORDER BY year"))
        copies_2020 = archive.get_report(dyz[1]["id"])["copies"]
    assert [(r["scope"], r["name"], r["region"]) for r in rows] == [
        ("spt.gov.cn", "东园镇", "中卫市沙坡头区"), ("spt.gov.cn", "文昌镇", "沙坡头区"),
        ("spt.gov.cn", "柔远镇", "沙坡头区"), ("spt.gov.cn", "白沙镇", "")]
    # 白沙镇 on two portals with no region to tell them apart: one body (never the host)
    assert names == {"中卫市沙坡头区东园镇人民政府", "沙坡头区东园镇人民政府", "东园镇",
                     "沙坡头区 东园镇", "东园镇人民政府"}
    assert [r["year"] for r in dyz] == [2019, 2020, 2021, 2022, 2023]
    assert len(copies_2020) == 2  # two spellings of one 2020 report: two copies of it


def test_coverage_matrix(sample: Path) -> None:
    with Archive.open(sample) as archive:
        cov = coverage(archive.db)
    assert cov.years == [2019, 2020, 2021, 2022, 2023]
    by_name = {(a.scope, a.name): a for a in cov.agencies}
    assert sorted(by_name[("spt.gov.cn", "东园镇")].reports) == cov.years
    assert by_name[("spt.gov.cn", "东园镇")].missing == []
    assert by_name[("spt.gov.cn", "文昌镇")].missing == [2019, 2022]
    assert by_name[("spt.gov.cn", "白沙镇")].missing == [2019, 2021, 2022, 2023]
    assert by_name[("spt.gov.cn", "东园镇")].names[0] == "中卫市沙坡头区东园镇人民政府"


def test_cross_year_check_per_agency_and_column(sample: Path) -> None:
    with Archive.open(sample) as archive:
        cov = coverage(archive.db)
        view = list(archive.db.query("SELECT * FROM cross_year_checks WHERE status = 'fail'"))
    fails = {(c["agency"], c["year"], c["column_key"]) for c in cov.cross_year
             if c["status"] == "fail"}
    assert fails == {("东园镇", 2020, "natural_person"), ("东园镇", 2020, "total")}
    assert {(r["carried_forward"], r["carried_over"]) for r in view} == {(3, 1)}
    blank = [c for c in cov.cross_year if c["status"] == "not_assessable"]
    assert {(c["agency"], c["year"], c["column_key"]) for c in blank} == {
        ("文昌镇", 2020, "natural_person"), ("文昌镇", 2020, "total")}
    assert not any(c["year"] == 2021 and c["agency"] == "文昌镇" for c in cov.cross_year)
    assert cov.cross_year_counts()["pass"] > 20


def test_coverage_command_text_and_json(sample: Path) -> None:
    text = CliRunner().invoke(cli, ["coverage", "--archive", str(sample)])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines[0].split()[:3] == ["id", "agency", "portal"]
    wcz = next(line for line in lines if "文昌镇" in line)
    assert wcz.split()[3:] == ["—", "#6", "#7", "—", "#8", "2"]
    assert "FAIL 中卫市沙坡头区东园镇 2020->2021 natural_person: carried_forward 3" \
           " != carried_over 1" in text.output
    data = json.loads(CliRunner().invoke(cli, ["coverage", "--json", "--archive",
                                               str(sample)]).output)
    with Archive.open(sample) as archive:
        assert data == json.loads(json.dumps(coverage(archive.db).to_json()))
    assert data["agencies"][0]["reports"]["2019"] == 1


def test_show_reports_cross_year_failures(sample: Path) -> None:
    result = CliRunner().invoke(cli, ["show", "3", "--archive", str(sample)])
    assert "CROSS-YEAR FAIL 2020->2021 natural_person: carried_forward 3 != carried_over 1" \
        in result.output
    shown = json.loads(CliRunner().invoke(cli, ["show", "3", "--json", "--archive",
                                                str(sample)]).output)
    assert shown["resolved_agency"]["name"] == "东园镇" and shown["agency"] == "东园镇"
    assert {c["status"] for c in shown["cross_year"]} == {"pass", "fail"}
