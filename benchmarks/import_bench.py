"""CSV import benchmark: dtmaturity's import against DuckDB's bare read_csv + INSERT.

Generates a 1,000,000-row long-format file and a 100,000-row wide file (2,000 units, 5
leaders each: 10,000 respondents whose mixed-case e-mails the import compares in lower case,
and several quarters), then times, each in a fresh process (so peak memory is per phase):

  bare        read_csv + INSERT of the long file into a table shaped like `answer` (with its key)
  fresh       `dtmaturity import` of the long file into a database holding only the units
  reimport    the same file again into the database that already holds it (all unchanged)
  wide-bare   read_csv + INSERT of the wide file, unpivoted, into the same shape
  wide        `dtmaturity import` of the wide file

and prints seconds, the ratio to the bare baseline of the same run, and peak RSS.
Targets (issue 3): fresh ≤ 2.0 × bare, reimport ≤ 3.0 × bare, peak RSS < 1.5 GB.

    .venv/bin/python benchmarks/import_bench.py [--rows 1000000] [--wide-rows 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = 2000
RESPONDENTS = 5


def _units_sql() -> str:
    return f"""CREATE TABLE bench_units AS
               SELECT 'u' || lpad(i::VARCHAR, 5, '0') AS unit_id, 'Enhet ' || i AS name
               FROM range({UNITS}) t(i)"""  # noqa: S608 (a constant)


def generate(folder: Path, rows: int, wide_rows: int) -> tuple[Path, Path, Path]:
    """Write the units file, the long file and the wide file with DuckDB's COPY."""
    from dtmaturity.domain.framework import load

    items = [item.id for item in load().items]
    con = duckdb.connect()
    con.execute(_units_sql())
    units = folder / "units.csv"
    con.execute(
        f"COPY (SELECT unit_id, name, NULL AS parent_id FROM bench_units) TO '{units}' (HEADER)"  # noqa: S608 (generated test data, no user input)
    )
    item_list = "[" + ", ".join(f"'{i}'" for i in items) + "]"
    per_checkin = len(items)
    checkins = -(-rows // per_checkin)
    long_path = folder / "long.csv"
    con.execute(
        f"""COPY (
            SELECT 'u' || lpad((c % {UNITS})::VARCHAR, 5, '0') AS unit_id,
                   (2020 + (c // ({UNITS} * {RESPONDENTS})) // 4)::VARCHAR || '-Q'
                       || ((c // ({UNITS} * {RESPONDENTS})) % 4 + 1)::VARCHAR AS period,
                   'Leder' || ((c // {UNITS}) % {RESPONDENTS}) || '.u' || (c % {UNITS})
                       || '@Etat.Example' AS respondent,
                   {item_list}[k + 1] AS item_id,
                   1 + hash(c, k) % 5 AS score,
                   CASE WHEN hash(k, c) % 50 = 0 THEN 'Kommentar om «fremdrift», ærlig talt' END
                       AS comment
            FROM range({checkins}) a(c), range({per_checkin}) b(k)
            LIMIT {rows}
        ) TO '{long_path}' (HEADER)"""  # noqa: S608 (generated test data, no user input)
    )
    wide_path = folder / "wide.csv"
    columns = ", ".join(f"1 + hash(c, {n}) % 5 AS {item}" for n, item in enumerate(items))
    con.execute(
        f"""COPY (
            SELECT 'u' || lpad((c % {UNITS})::VARCHAR, 5, '0') AS unit_id,
                   (2010 + (c // ({UNITS} * {RESPONDENTS})) // 4)::VARCHAR || '-Q'
                       || ((c // ({UNITS} * {RESPONDENTS})) % 4 + 1)::VARCHAR AS period,
                   'Leder' || ((c // {UNITS}) % {RESPONDENTS}) || '.u' || (c % {UNITS})
                       || '@Etat.Example' AS respondent,
                   {columns}
            FROM range({wide_rows}) a(c)
        ) TO '{wide_path}' (HEADER, DELIMITER ';')"""  # noqa: S608 (generated test data)
    )
    con.close()
    return units, long_path, wide_path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_bare(db: Path, file: Path, wide: bool) -> float:
    con = duckdb.connect(str(db))
    con.execute(
        """CREATE TABLE bare_answer (unit_id VARCHAR NOT NULL, period VARCHAR NOT NULL,
           respondent VARCHAR NOT NULL, item_id VARCHAR NOT NULL, score SMALLINT,
           scale_max SMALLINT NOT NULL, comment VARCHAR,
           PRIMARY KEY (unit_id, period, respondent, item_id))"""
    )
    start = time.perf_counter()
    if wide:
        con.execute(
            """INSERT INTO bare_answer
               SELECT unit_id, period, respondent, item_id, score, 5, NULL FROM (
                   UNPIVOT (SELECT * FROM read_csv(?, delim = ';', header = true))
                   ON COLUMNS(* EXCLUDE (unit_id, period, respondent))
                   INTO NAME item_id VALUE score)""",
            [str(file)],
        )
    else:
        con.execute(
            "INSERT INTO bare_answer SELECT unit_id, period, respondent, item_id, score, 5, comment "
            "FROM read_csv(?, header = true)",
            [str(file)],
        )
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def phase_import(db: Path, file: Path) -> float:
    from dtmaturity.services import imports
    from dtmaturity.services.context import Context, local_actor
    from dtmaturity.services.runtime import open_runtime

    store, framework = open_runtime(db)
    ctx = Context(actor=local_actor(), store=store, framework=framework, lang="en")
    start = time.perf_counter()
    result = imports.run(ctx, file)
    elapsed = time.perf_counter() - start
    if result.problems or not result.written:
        raise SystemExit(f"import failed: {[p.line(file.name, 'en') for p in result.problems[:5]]}")
    store.close()
    return elapsed


def run_phase(args: argparse.Namespace) -> None:
    if args.phase == "units":
        elapsed = phase_import(Path(args.db), Path(args.file))
    elif args.phase in ("bare", "wide-bare"):
        elapsed = phase_bare(Path(args.db), Path(args.file), args.phase == "wide-bare")
    else:
        elapsed = phase_import(Path(args.db), Path(args.file))
    print(json.dumps({"seconds": elapsed, "peak_mb": _peak_mb()}))


def in_subprocess(phase: str, db: Path, file: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--db", str(db), "--file", str(file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--wide-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase (median)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_phase(args)
        return
    folder = Path(tempfile.mkdtemp(prefix="dtmaturity-bench-"))
    try:
        units, long_path, wide_path = generate(folder, args.rows, args.wide_rows)
        size = long_path.stat().st_size / 1e6
        print(f"long file: {args.rows:,} rows, {size:.0f} MB; wide file: {args.wide_rows:,} rows")
        base = folder / "base.duckdb"
        in_subprocess("units", base, units)
        runs: dict[str, list[dict]] = {}
        for attempt in range(args.repeat):
            # Alternate baseline and import so background load hits both alike.
            for phase, file in (("bare", long_path), ("wide-bare", wide_path)):
                db = folder / f"{phase}-{attempt}.duckdb"
                shutil.copy(base, db)
                runs.setdefault(phase, []).append(in_subprocess(phase, db, file))
            app_db = folder / f"app-{attempt}.duckdb"
            shutil.copy(base, app_db)
            runs.setdefault("fresh", []).append(in_subprocess("fresh", app_db, long_path))
            runs.setdefault("reimport", []).append(in_subprocess("reimport", app_db, long_path))
            wide_db = folder / f"wide-{attempt}.duckdb"
            shutil.copy(base, wide_db)
            runs.setdefault("wide", []).append(in_subprocess("wide", wide_db, wide_path))
            for db in folder.glob(f"*-{attempt}.duckdb"):
                db.unlink()
        results = {
            phase: {
                "seconds": statistics.median(r["seconds"] for r in figures),
                "peak_mb": max(r["peak_mb"] for r in figures),
            }
            for phase, figures in runs.items()
        }
        bare, wide_bare = results["bare"]["seconds"], results["wide-bare"]["seconds"]
        print(f"median of {args.repeat} runs each")
        print(f"{'phase':<10} {'seconds':>8} {'× bare':>7} {'peak RSS MB':>12}  target")
        targets = {"fresh": "≤ 2.0 ×", "reimport": "≤ 3.0 ×", "wide": "(wide: ≤ 2.0 ×)"}
        for phase, figures in results.items():
            ratio = figures["seconds"] / (wide_bare if phase.startswith("wide") else bare)
            print(
                f"{phase:<10} {figures['seconds']:8.2f} {ratio:7.2f} {figures['peak_mb']:12.0f}"
                f"  {targets.get(phase, 'baseline')}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
