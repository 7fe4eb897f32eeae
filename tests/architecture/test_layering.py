"""The rings are a contract: lint-imports keeps it, and an upward import, a page that reaches the
store or a cycle between modules breaks the build."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def run_lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "dtmaturity", project / "dtmaturity", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "pages", project / "pages", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


CONTRACTS = 3  # the rings, thin pages, no cycles (pyproject.toml)


def test_the_layers_contract_is_kept(tmp_path):
    result = run_lint_imports(copy_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{CONTRACTS} kept, 0 broken" in result.stdout


def lint_with_line_added(tmp_path: Path, module: str, line: str) -> str:
    """lint-imports' report on a copy of the project in which `module` (a path) gains `line`;
    the contracts must be broken."""
    project = copy_project(tmp_path)
    path = project / module
    path.write_text(path.read_text() + f"\n{line}\n")
    result = run_lint_imports(project)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    return result.stdout


def test_an_upward_import_from_the_domain_breaks_the_contract(tmp_path):
    report = lint_with_line_added(
        tmp_path, "dtmaturity/domain/periods.py", "from dtmaturity.store import Store"
    )
    assert "dtmaturity.domain.periods -> dtmaturity.store" in report


def test_the_store_may_not_import_a_service(tmp_path):
    report = lint_with_line_added(
        tmp_path, "dtmaturity/store/db.py", "from dtmaturity.services import units"
    )
    assert "dtmaturity.store.db -> dtmaturity.services.units" in report


def test_a_page_that_imports_the_store_breaks_the_contract(tmp_path):
    report = lint_with_line_added(
        tmp_path, "pages/about.py", "from dtmaturity.store import queries"
    )
    assert "pages.about -> dtmaturity.store.queries" in report


def test_a_cycle_between_two_modules_breaks_the_contract(tmp_path):
    report = lint_with_line_added(
        tmp_path, "dtmaturity/services/units.py", "from dtmaturity.services import analytics"
    )
    assert "No cycles are allowed in dtmaturity.services" in report


def _imported(path: Path) -> set[str]:
    """Every module a script imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_entry_point_and_every_page_leave_the_store_to_the_services():
    """app.py is a lone module (import-linter checks packages), so it is checked here, with
    every page beside it: each imports web glue, services and domain, never dtmaturity.store."""
    scripts = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    assert len(scripts) > 5
    for script in scripts:
        deep = {m for m in _imported(script) if m.split(".")[:2] == ["dtmaturity", "store"]}
        assert not deep, f"{script.name} imports {sorted(deep)}"
