"""The archive CLI: list, show, search; errors are one line, never a traceback."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

import crawler.maintenance  # noqa: F401  (registers verify and reparse)
from archive.cli import ArchiveGroup, cli
from archive.db import Archive
from archive.errors import NotFound
from archive.records import CopyRecord, ParsedCopy, Sighting
from archive.search import report_text

SEEN = "2024-01-01T00:00:00+00:00"


def make_report(agency: str, year: int, section1: str) -> dict[str, Any]:
    return {
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency, "year": year, "template": "2021",
        "contact": {"address": None, "postcode": None, "phone": None, "email": None},
        "sections": {"1": section1, "2": "主动公开情况。", "3": None, "4": None, "5": None,
                     "6": None},
        "tables": {"applications": {"new_received": {"natural_person": 2, "total": None}}},
        "checks": [{"rule": "applications.row_total.new_received", "status": "fail",
                    "left": 2, "right": 3}],
    }


def add_copy(archive: Archive, name: str, fmt: str, url: str, report: dict[str, Any]) -> int:
    digest = hashlib.sha256(name.encode()).hexdigest()
    archive.add_copy(CopyRecord(digest, 10, f"x/{fmt}", fmt, name, SEEN))
    archive.add_sighting(Sighting(digest, url, SEEN))
    rid = archive.save_parse(ParsedCopy(digest, "parsed", report))
    assert rid is not None
    return rid


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    with Archive.open(root) as archive:
        east = make_report("东园镇人民政府", 2021, "全年办理低保信访事项。")
        add_copy(archive, "e.html", "html", "http://gov/e.html", east)
        add_copy(archive, "e.pdf", "pdf", "http://gov/e.pdf", east)
        add_copy(archive, "w.html", "html", "http://gov/w.html",
                 make_report("白沙镇人民政府", 2020, "无低保事项。"))
    return root


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=True)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # click's clean exit, not a crash
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_mentions_nianbao() -> None:
    result = run("--help")
    assert result.exit_code == 0 and "年报" in result.output
    assert {"list", "show", "search", "coverage", "export", "plot", "serve", "verify",
            "reparse"} <= set(cli.commands)


def test_list_table_and_json(data: Path) -> None:
    result = run("list", "--archive", str(data))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "year", "template", "agency", "title", "copies", "urls"]
    east = next(line for line in lines if "东园镇人民政府" in line)
    assert east.split()[-2:] == ["2", "2"] and "2021" in east
    reports = json.loads(run("list", "--archive", str(data), "--json").output)
    assert [(r["agency"], len(r["copies"])) for r in reports] == [
        ("东园镇人民政府", 2), ("白沙镇人民政府", 1)]
    assert reports[0]["copies"][0]["urls"][0]["times_seen"] == 1


def test_archive_dir_from_environment(data: Path) -> None:
    result = run("list", "--json", env={"NIANBAO_ARCHIVE": str(data)})
    assert result.exit_code == 0 and len(json.loads(result.output)) == 2


def test_show_text_and_json(data: Path) -> None:
    reports = json.loads(run("list", "--archive", str(data), "--json").output)
    rid = str(reports[0]["id"])
    text = run("show", rid, "--archive", str(data))
    assert text.exit_code == 0, text.output
    out = text.output
    assert "东园镇人民政府2021年政府信息公开工作年度报告" in out
    assert "FAIL applications.row_total.new_received" in out
    assert "http://gov/e.html" in out and "http://gov/e.pdf" in out
    report = json.loads(run("show", rid, "--archive", str(data), "--json").output)
    assert report["text"] == report_text(report)
    assert report["tables"]["applications"]["new_received"]["total"] is None
    assert len(report["copies"]) == 2 and "东园镇" in run("show", rid, "--archive",
                                                           str(data), "--json").output



def test_show_cites_no_record_for_a_sighting_without_one(data: Path) -> None:
    """A copy added without a crawl has no WARC record: no citation line, `warc` null, and
    no replay URL even when a replay server is given (tests/test_show_warc.py: crawled)."""
    rid = str(json.loads(run("list", "--archive", str(data), "--json").output)[0]["id"])
    text = run("show", rid, "--archive", str(data), "--replay-url", "http://127.0.0.1:8080/c")
    assert text.exit_code == 0, text.output
    assert "warcs/" not in text.output and "replay:" not in text.output
    report = json.loads(run("show", rid, "--archive", str(data), "--json").output)
    assert [u["warc"] for c in report["copies"] for u in c["urls"]] == [None, None]

def test_search_text_and_json(data: Path) -> None:
    result = run("search", "信访", "--archive", str(data))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[1:3] == ["2021", "东园镇人民政府"]
    assert lines[1].startswith("    ") and "【信访】" in lines[1]
    assert lines[2] == "1 report"
    hits = json.loads(run("search", "低保", "--archive", str(data), "--json").output)
    assert {h["agency"] for h in hits} == {"东园镇人民政府", "白沙镇人民政府"}
    assert set(hits[0]) == {"id", "agency", "year", "title", "snippet", "kind"}
    assert json.loads(run("search", "低保", "--year", "2020", "--json", "--archive",
                          str(data)).output)[0]["agency"] == "白沙镇人民政府"
    assert json.loads(run("search", "低保", "信访", "--json", "--limit", "0", "--archive",
                          str(data)).output)[0]["agency"] == "东园镇人民政府"
    assert json.loads(run("search", "不存在", "--json", "--archive", str(data)).output) == []


def test_unknown_report_is_one_line_error(data: Path) -> None:
    result = run("show", "999", "--archive", str(data))
    assert result.exit_code != 0
    assert_one_line_error(result, "no report with id 999")


def test_search_language_and_filters_on_the_command_line(data: Path) -> None:
    def hits(*args: str) -> list[dict[str, Any]]:
        result = run("search", *args, "--json", "--limit", "0", "--archive", str(data))
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert [h["agency"] for h in hits("低保", "-信访")] == ["白沙镇人民政府"]
    assert hits("低保 -信访") == hits("低保", "-信访") == hits("-信访", "低保")
    assert len(hits("信访", "OR", "无低保")) == 2
    assert [h["agency"] for h in hits("低保", "--agency", "中卫市东园镇人民政府")] == [
        "东园镇人民政府"]
    assert hits("低保", "--region", "沙坡头区") == []
    assert [h["snippet"] for h in hits('"办理低保信访"')] == [
        "…息公开工作年度报告 全年【办理低保信访】事项。 主动公开情况。"]


@pytest.mark.parametrize("args", [["list"], ["show", "1"], ["search", "低保"], ["coverage"],
                                  ["export", "--format", "csv"], ["plot", "东园镇"],
                                  ["serve", "--port", "9"], ["verify"], ["reparse"]])
def test_missing_archive_is_one_line_error(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "nowhere"
    result = run(*args, "--archive", str(missing))
    assert_one_line_error(result, f"no archive at {missing}", "nianbao demo")
    assert not missing.exists()


def test_empty_query_is_one_line_error(data: Path) -> None:
    assert_one_line_error(run("search", "", "--archive", str(data)), "empty search query")


def test_archive_group_turns_archive_errors_from_any_command_into_one_line() -> None:
    @click.group(cls=ArchiveGroup)
    def group() -> None:
        pass

    @group.command()
    def boom() -> None:
        raise NotFound("no copy abc")

    result = CliRunner().invoke(group, ["boom"])
    assert_one_line_error(result, "no copy abc")


def test_a_file_that_is_not_a_database_is_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "archive.db").write_bytes(b"not sqlite at all" * 100)
    assert_one_line_error(run("list", "--archive", str(tmp_path)), "cannot open archive")


def test_search_says_how_many_and_when_none(data: Path) -> None:
    none = run("search", "不存在的词", "--archive", str(data))
    assert none.exit_code == 0 and none.output == "no reports contain 不存在的词\n"
    assert none.stdout == ""  # the count goes to stderr: stdout stays hits only
    both = run("search", "低保", "--archive", str(data)).output.splitlines()
    assert both[-1] == "2 reports"
    capped = run("search", "低保", "--limit", "1", "--archive", str(data)).output.splitlines()
    assert capped[-1] == "1 report (the first 1: --limit 0 shows all)"


def test_show_prints_the_table_as_the_form(data: Path) -> None:
    rid = str(json.loads(run("search", "信访", "--json", "--archive", str(data)).output)[0]["id"])
    lines = run("show", rid, "--archive", str(data)).output.splitlines()
    title = lines.index("三、收到和处理政府信息公开申请情况")
    head, row = lines[title + 1].split(), lines[title + 2]
    assert head == ["自然人", "总计"]  # the columns the report has, in the form's order
    assert row.split() == ["一、本年新收政府信息公开申请数量", "2"]  # total blank: empty
    header = lines[title + 1]
    assert _cols(row[:row.index("2")]) == _cols(header[:header.index("自然人")])  # aligned


def _cols(text: str) -> int:
    """Terminal columns of `text` (a CJK character takes two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
