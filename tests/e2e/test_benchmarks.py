"""The browser and load benchmarks still start, drive the app and print their tables (at the
smallest size, on the small demo; no timing is checked here: figures are for benchmarks/), and
a run stopped by its deadline still prints its tables."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every benchmark that keeps a deadline (benchmarks/deadline.py).
WITH_DEADLINE = sorted(
    p.name
    for p in (ROOT / "benchmarks").glob("*_bench.py")
    if "add_deadline_argument(" in p.read_text(encoding="utf-8")
)


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
    assert "page             first +probe  fresh return   warm  server srvCPU  brCPU" in out
    assert "save a check-in" in out and "load average" in out
    assert "baseline: a bare Streamlit app" in out and "/unit / Diagrammer" in out
    # every page of the app is in its navigation, which is what the benchmark times
    offered = next(line for line in out.splitlines() if line.startswith("the app's pages"))
    for page in (ROOT / "pages").glob("*.py"):
        assert ("/" if page.stem == "home" else f"/{page.stem}") in offered.split(": ")[1].split(
            ", "
        )
    # every step of the check-in, and the save, against the bare step form
    from dtmaturity.web.checkin_state import STEPS

    for number in range(1, len(STEPS)):
        assert f"check-in: step {number} > {number + 1}" in out
        assert f"\nstep {number} > {number + 1} " in out
    assert "check-in / bare step form" in out and "\nsave " in out
    assert "not measured" not in out


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


@pytest.mark.parametrize("script", WITH_DEADLINE)
def test_a_run_stopped_by_its_deadline_still_prints_its_tables(script, demo_file, tmp_path):
    db = tmp_path / "small.duckdb"
    shutil.copyfile(demo_file, db)
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--scale", "default", "--db", str(db),
         "--deadline", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "stopped: the run took longer than --deadline 0 s" in done.stdout
    # its final tables, each part saying it was cut
    assert "not measured: deadline" in done.stdout
    assert "load average" in done.stdout.split("stopped:")[1]
