"""The dependency rules of style.md: archive imports neither scrapy nor pipelines/crawler;
in pipelines only the *Pipeline wrappers may touch scrapy; only crawler imports both; forms
(the templates as data, read by every layer) imports only the standard library."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_archive_imports_no_scrapy_pipelines_or_crawler() -> None:
    for path in (REPO / "archive").glob("*.py"):
        bad = _imports(path) & {"scrapy", "twisted", "pipelines", "crawler"}
        assert not bad, f"{path.name} imports {bad}"


def test_pipelines_import_no_crawler_and_no_scrapy() -> None:
    for path in (REPO / "pipelines").glob("*.py"):
        bad = _imports(path) & {"crawler", "scrapy", "twisted"}
        assert not bad, f"{path.name} imports {bad}"


def test_forms_import_only_the_standard_library() -> None:
    """forms/ is the templates as data: every layer reads it, so it may depend on nothing."""
    for path in (REPO / "forms").glob("*.py"):
        outside = {name for name in _imports(path) - {"forms"} if name not in sys.stdlib_module_names}
        assert not outside, f"{path.name} imports {outside}"


def test_the_installed_packages_never_import_tests() -> None:
    """Test-only code (the CMS-families portal, the synthetic archive) lives under tests/:
    nothing the package installs may need it."""
    for package in ("crawler", "pipelines", "archive", "forms", "crawlstate"):
        for path in (REPO / package).rglob("*.py"):
            assert "tests" not in _imports(path), f"{path.relative_to(REPO)} imports tests"


def test_fleet_imports_no_scrapy_and_of_the_crawler_only_its_sources() -> None:
    """fleet/ runs pipelines and writes the archive; crawler.sources (shards) is pure."""
    for path in (REPO / "fleet").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                   for alias in node.names}
        modules |= {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
        bad = {m for m in modules if m.split(".")[0] in {"scrapy", "twisted"}
               or (m.split(".")[0] == "crawler" and m != "crawler.sources")}
        assert not bad, f"{path.name} imports {bad}"
