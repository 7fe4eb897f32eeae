"""The `dtmaturity` command: migrate, demo, export; --db and DTMATURITY_DB.

Commands run in-process through `main` (what `python -m dtmaturity` and the `dtmaturity`
script call); the entry point itself and an exit code from start-up are tested as real
processes (`run_module`)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from dtmaturity.cli import main
from dtmaturity.services import demo
from dtmaturity.store.migrations import LATEST

ROOT = Path(__file__).resolve().parents[2]


def run_module(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dtmaturity", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_migrate_creates_the_schema_at_the_db_option(tmp_path, capsys):
    path = tmp_path / "sub" / "x.duckdb"
    assert main(["--db", str(path), "migrate"]) == 0
    assert f"schema version {LATEST}" in capsys.readouterr().out
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (LATEST,)
    con.close()


def test_demo_then_export_lists_eight_quarters_for_every_demo_unit(db_path, tmp_path, capsys):
    assert main(["demo"]) == 0
    out = tmp_path / "answers.csv"
    assert main(["export", "--output", str(out)]) == 0, capsys.readouterr().err
    raw = out.read_bytes()
    text = raw.decode("utf-8")  # UTF-8 by contract
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["unit_id", "period", "respondent", "item_id", "score", "comment"]
    body = rows[1:]
    keys = [tuple(r[:4]) for r in body]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    periods_by_unit: dict[str, set[str]] = {}
    for unit_id, period, *_ in body:
        periods_by_unit.setdefault(unit_id, set()).add(period)
    expected_units = {u[0] for u in demo._units()}
    assert set(periods_by_unit) == expected_units
    assert all(len(p) == 8 for p in periods_by_unit.values())
    assert any("ø" in r[5] or "å" in r[5] or "æ" in r[5] for r in body if r[5])


def test_export_to_stdout_uses_the_environment_database(demo_db, capsys):
    assert main(["export"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "unit_id,period,respondent,item_id,score,comment"
    assert len(lines) > 5000


def test_demo_can_be_removed_again(demo_db, capsys):
    assert main(["demo", "--remove"]) == 0
    assert "removed 18 demo units" in capsys.readouterr().out
    main(["export"])
    assert capsys.readouterr().out.strip() == "unit_id,period,respondent,item_id,score,comment"


def test_a_broken_framework_stops_the_command_with_a_clear_message(db_path, tmp_path):
    broken = tmp_path / "fw.toml"
    broken.write_text("[framework]\nversion = 1\n", encoding="utf-8")
    result = run_module("demo", env={"DTMATURITY_FRAMEWORK": str(broken)})
    assert result.returncode == 2
    assert str(broken) in result.stderr and "'version' must be a non-empty string" in result.stderr


def test_python_dash_m_shows_help():
    result = run_module("--help")
    assert result.returncode == 0
    for command in ("demo", "export", "migrate"):
        assert command in result.stdout
