"""The rings are a contract: lint-imports keeps it, and an upward import breaks the build."""

from __future__ import annotations

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
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


def test_the_layers_contract_is_kept(tmp_path):
    result = run_lint_imports(copy_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_from_the_domain_breaks_the_contract(tmp_path):
    project = copy_project(tmp_path)
    periods = project / "dtmaturity" / "domain" / "periods.py"
    periods.write_text(periods.read_text() + "\nfrom dtmaturity.store import Store  # upward\n")
    result = run_lint_imports(project)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "dtmaturity.domain.periods -> dtmaturity.store" in result.stdout


def test_the_store_may_not_import_a_service(tmp_path):
    project = copy_project(tmp_path)
    db = project / "dtmaturity" / "store" / "db.py"
    db.write_text(db.read_text() + "\nfrom dtmaturity.services import units  # upward\n")
    result = run_lint_imports(project)
    assert result.returncode != 0
    assert "dtmaturity.store.db -> dtmaturity.services.units" in result.stdout
