"""Document kinds (legacy reports, related documents), flagged cells, and copies that
disagree: what the archive stores and what list, show, search, coverage and export say."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archive.cli import cli
from archive.coverage import coverage
from archive.db import Archive
from archive.errors import InvalidRecord
from archive.records import CopyRecord, ParsedCopy, Sighting
from archive.search import search
from tests.synthetic_archive import canonical_report, simple_applications

T = "2024-01-01T00:00:00+00:00"
NOTICE = "关于做好2023年政府信息公开工作年度报告编制发布工作的通知"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def add(archive: Archive, key: str, fmt: str = "html", seen: str = T) -> str:
    sha = archive.blobs.put(key.encode())
    archive.add_copy(CopyRecord(sha, len(key), f"x/{fmt}", fmt, f"{key}.{fmt}", seen))
    archive.add_sighting(Sighting(sha, f"http://gov.example/{key}.{fmt}", seen))
    return sha


def legacy(agency: str = "沙坡头区东园镇人民政府", year: int = 2016) -> dict[str, Any]:
    report = canonical_report(agency, year, {"1": "本年度推进政务公开，办理低保事项。"})
    report.update(template=None, tables=None)
    return report


def related_doc(title: str, agency: str | None, year: int | None, kind: str,
                text: str) -> dict[str, Any]:
    return {"title": title, "agency": agency, "year": year, "template": None, "tables": None,
            "sections": {"1": text}, "checks": [], "kind": kind}


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "data"
    with Archive.open(root) as archive:
        report = canonical_report("沙坡头区东园镇人民政府", 2021, {"1": "办理低保事项。"},
                                  tables=simple_applications(4, 0, 0))
        archive.save_parse(ParsedCopy(add(archive, "r2021"), "parsed", report))
        archive.save_parse(ParsedCopy(add(archive, "l2016"), "parsed", legacy(), kind="legacy"))
        archive.save_parse(ParsedCopy(add(archive, "notice"), "not_report", related_doc(
            NOTICE, "沙坡头区人民政府", 2023, "notice", "各镇做好年度报告编制，低保信息及时公开。"),
            kind="notice"))
        archive.save_parse(ParsedCopy(add(archive, "misc"), "not_report", related_doc(
            "沙坡头区召开低保工作会议", None, 2023, "other", "低保工作会议。"), kind="other"))
    yield root


def test_a_legacy_report_is_a_report_without_cells(root: Path) -> None:
    with Archive.open(root) as archive:
        reports = {r["year"]: r for r in archive.list_reports()}
        shown = archive.get_report(reports[2016]["id"])
        cells = archive.db.execute("SELECT count(*) FROM cells WHERE report_id = ?",
                                   [shown["id"]]).fetchone()[0]
        hits = search(archive.db, "推进政务公开", limit=0)
        cov = coverage(archive.db)
    assert sorted(reports) == [2016, 2021]
    assert (shown["kind"], shown["template"], shown["tables"], cells) == ("legacy", None, None, 0)
    assert [(h.id, h.kind) for h in hits] == [(shown["id"], "legacy")]
    [agency] = cov.agencies
    assert sorted(agency.reports) == [2016, 2021] and agency.legacy == [2016]
    text = run("coverage", "--archive", str(root)).output
    assert f"#{shown['id']} legacy" in text
    assert "legacy" in run("list", "--archive", str(root)).output


def test_tables_need_their_template_and_a_parsed_copy_is_a_report(root: Path) -> None:
    with Archive.open(root) as archive:
        sha = add(archive, "pretend")
        with_tables = legacy(year=2022)
        with_tables["tables"] = {"applications": {}}
        with pytest.raises(InvalidRecord, match="needs its template"):
            archive.save_parse(ParsedCopy(sha, "parsed", with_tables, kind="report"))
        with pytest.raises(InvalidRecord, match="kind"):
            archive.save_parse(ParsedCopy(sha, "parsed", legacy(), kind="notice"))
        assert archive.db.execute("SELECT status FROM copies WHERE sha256 = ?",
                                  [sha]).fetchone()[0] is None


def test_a_report_whose_tables_were_not_found_is_still_its_years_report(root: Path) -> None:
    with Archive.open(root) as archive:
        sha = add(archive, "tables as images")
        report_id = archive.save_parse(ParsedCopy(sha, "parsed", legacy(year=2022), kind="report"))
        row = archive.db.execute("SELECT year, kind, template FROM reports WHERE id = ?",
                                 [report_id]).fetchone()
        cells = archive.db.execute("SELECT count(*) FROM cells WHERE report_id = ?", [report_id]).fetchone()[0]
    assert tuple(row) == (2022, "report", None) and cells == 0


def test_a_related_document_is_kept_apart_from_the_reports(root: Path) -> None:
    with Archive.open(root) as archive:
        rows = list(archive.db.query(
            "SELECT sha256, agency_id, year, kind, title, text FROM related_documents"))
        agency = archive.db.execute("SELECT region || name FROM agencies WHERE id = ?",
                                    [rows[0]["agency_id"]]).fetchone()[0]
        n_reports = archive.db.execute("SELECT count(*) FROM report_list").fetchone()[0]
        years = {r["year"] for r in archive.list_reports()}
        cov_years = coverage(archive.db).years
    assert [(r["year"], r["kind"], r["title"]) for r in rows] == [(2023, "notice", NOTICE)]
    assert "低保信息及时公开" in rows[0]["text"] and agency == "沙坡头区"  # the district itself
    assert n_reports == 2 and years == {2016, 2021} and 2023 not in cov_years
    exported = list(csv.DictReader(io.StringIO(run("export", "--format", "csv", "--headers", "en",
                                                   "--no-bom", "--archive", str(root)).output)))
    assert sorted(r["year"] for r in exported) == ["2016", "2021"]


def test_list_related_and_search_related(root: Path) -> None:
    listed = json.loads(run("list", "--related", "--json", "--archive", str(root)).output)
    assert [(d["kind"], d["title"], d["year"]) for d in listed] == [("notice", NOTICE, 2023)]
    assert "notice" in run("list", "--related", "--archive", str(root)).output
    plain = json.loads(run("search", "低保", "--json", "--archive", str(root)).output)
    assert {h["kind"] for h in plain} == {"report", "legacy"}  # reports only by default
    both = json.loads(run("search", "低保", "--related", "--json", "--archive", str(root)).output)
    assert [h["kind"] for h in both][-1] == "notice" and len(both) == len(plain) + 1
    assert "【低保】" in both[-1]["snippet"]
    text = run("search", "低保信息", "--related", "--archive", str(root)).output
    assert text.splitlines()[0].startswith(f"[notice] {listed[0]['id']} 2023")
    assert run("search", "低保", "--related", "--template", "2021", "--json", "--archive",
               str(root)).output.count('"kind"') == 1  # a template: reports only


def test_a_related_copy_reparsed_as_other_leaves_the_related_table(root: Path) -> None:
    with Archive.open(root) as archive:
        sha = archive.db.execute("SELECT sha256 FROM related_documents").fetchone()[0]
        archive.save_parse(ParsedCopy(sha, "not_report", related_doc(NOTICE, None, 2023, "other",
                                                                     "x"), kind="other"))
        left = archive.db.execute("SELECT count(*) FROM related_documents").fetchone()[0]
        hits = search(archive.db, "低保信息", limit=0, related=True)
    assert left == 0 and hits == []


# -- flagged cells and copies that disagree ----------------------------------------------

def _apps(total: int) -> dict[str, Any]:
    return {"applications": {"new_received": {"natural_person": 3, "total": total}}}


def _report(total: int, failing: int = 0) -> dict[str, Any]:
    report = canonical_report("东园镇人民政府", 2021, {"1": "总体情况。"}, tables=_apps(total))
    report["checks"] = [{"rule": f"applications.row_total.r{i}", "status": "fail", "left": 1,
                         "right": 2} for i in range(failing)]
    return report


FLAG = {"applications/new_received/total": "row total does not add up"}


def test_flagged_cells_are_stored_viewed_and_shown(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with Archive.open(root) as archive:
        rid = archive.save_parse(ParsedCopy(add(archive, "a"), "parsed", _report(5),
                                            cell_flags=FLAG))
        cells = dict(archive.db.execute("SELECT column_key, flag FROM cells").fetchall())
        view = dict(archive.db.execute("SELECT column_key, flag FROM cells_view").fetchall())
        wide = archive.db.execute("SELECT flags FROM applications_view").fetchone()[0]
        stored = archive.db.execute("SELECT cell_flags FROM copies").fetchone()[0]
    assert cells == view == {"natural_person": None, "total": "row total does not add up"}
    assert wide == "total: row total does not add up" and json.loads(stored) == FLAG
    shown = json.loads(run("show", str(rid), "--json", "--archive", str(root)).output)
    assert shown["cell_flags"] == FLAG
    assert ("  FLAG applications/new_received/total: row total does not add up"
            in run("show", str(rid), "--archive", str(root)).output.splitlines())


@pytest.mark.parametrize("first,second,winner,reason", [
    # (format, total, failing checks, flags) per copy
    (("pdf-ocr", 5, 0, {}), ("html", 6, 0, {}), 1, "text layer over OCR"),
    (("image", 5, 0, {}), ("pdf", 6, 2, {}), 1, "text layer over OCR"),
    (("html", 5, 0, {}), ("pdf", 6, 1, {}), 0, "fewer failing checks (0 vs 1)"),
    (("html", 5, 0, FLAG), ("pdf", 6, 0, {}), 1, "fewer flagged cells (0 vs 1)"),
])
def test_the_primary_copy_and_why(tmp_path: Path, first: tuple, second: tuple, winner: int,
                                  reason: str) -> None:
    root = tmp_path / "data"
    with Archive.open(root) as archive:
        shas = [add(archive, f"c{i}", fmt) for i, (fmt, *_) in enumerate((first, second))]
        for sha, (_, total, failing, flags) in zip(shas, (first, second)):
            rid = archive.save_parse(ParsedCopy(sha, "parsed", _report(total, failing),
                                                cell_flags=flags))
        shown = archive.get_report(rid)
    assert shown["primary_sha256"] == shas[winner]
    assert shown["primary_reason"] == f"{reason} than copy {shas[1 - winner][:12]}"
    assert shown["disagreements"] == [{"table": "applications", "row": "new_received",
                                       "column": "total",
                                       "values": {shas[0]: first[1], shas[1]: second[1]}}]
    lines = run("show", str(rid), "--archive", str(root)).output.splitlines()
    assert f"primary:  {shas[winner][:12]}, {shown['primary_reason']}" in lines
    diff = next(line for line in lines if line.startswith("  DIFF "))
    assert diff == (f"  DIFF applications/new_received/total: {shas[0][:12]} {first[1]},"
                    f" {shas[1][:12]} {second[1]}")


def test_one_copy_is_the_only_parsed_copy_and_agreeing_copies_list_no_cells(tmp_path: Path) -> None:
    with Archive.open(tmp_path / "data") as archive:
        rid = archive.save_parse(ParsedCopy(add(archive, "a"), "parsed", _report(5)))
        assert archive.get_report(rid)["primary_reason"] == "the only parsed copy"
        archive.save_parse(ParsedCopy(add(archive, "b", "pdf"), "parsed", _report(5)))
        shown = archive.get_report(rid)
    assert shown["disagreements"] == [] and shown["primary_reason"].startswith("copies rank equal")


def test_parse_explain_gives_the_kind_and_the_cell_flags(seeds_dir: Path) -> None:
    import crawler.cli  # noqa: F401  (registers parse on the group)

    seed = seeds_dir / "000_1ec810995bb02083.txt"
    out = json.loads(run("parse", str(seed), "--explain", "--json").output)["_parse"]
    assert out["kind"] == "report" and isinstance(out["cell_flags"], dict)
    text = run("parse", str(seed), "--explain").output.splitlines()
    assert text[1].endswith("kind report")
    flagged = [line for line in text if line.startswith("  cell flag: ")]
    assert flagged == [f"  cell flag: {c}: {why}" for c, why in sorted(out["cell_flags"].items())]
