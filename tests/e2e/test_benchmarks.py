"""The browser and load benchmarks still start, drive the app and print their tables (at the
smallest size, on the small demo; no timing is checked here: figures are for benchmarks/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--scale", "default", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_browser_bench_prints_its_table(tmp_path):
    out = run("browser_bench.py", "--db", str(tmp_path / "small.duckdb"), "--runs", "1",
              "--first-runs", "1", "--pages", "", "unit")  # fmt: skip
    assert "page        first +probe  fresh return   warm  server srvCPU  brCPU" in out
    assert "save a check-in" in out and "load average" in out
    assert "baseline: a bare Streamlit app" in out and "/unit / Diagrammer" in out
    assert "check-in: next step" in out and "check-in / bare" in out


def test_load_bench_prints_its_table_and_finds_every_checkin_stored_once(tmp_path):
    out = run("load_bench.py", "--db", str(tmp_path / "small.duckdb"), "--sessions", "2",
              "--cycles", "1", "--idle", "1")  # fmt: skip
    assert "views/min check-ins/min" in out
    assert "2 submitted, 2 stored (0 not submitted), roll-up rows off: 0: ok" in out


def test_multiprocess_bench_prints_its_tables_on_postgresql(tmp_path):
    out = run("multiprocess_bench.py", "--db", str(tmp_path / "small.duckdb"), "--processes", "1",
              "--sessions", "1", "--cycles", "1", "--saves", "2", "--no-duckdb")  # fmt: skip
    assert "each table checked" in out  # the demo moved by `dtmaturity copy`
    assert "configuration           P views/min check-ins/min" in out
    assert (
        "app, PostgreSQL, P=1: 1 submitted, 1 stored (0 not submitted), roll-up rows off: 0: ok"
        in out
    )
    assert "check-in save through the services (ms):" in out and "PostgreSQL median" in out
