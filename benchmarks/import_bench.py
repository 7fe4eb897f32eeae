"""Import benchmark: `dtmaturity import` of every shape a coordinator has, each against a bare
baseline measured in the same run, as whole processes (start-up included).

Shapes (2,000 units; leaders' e-mails in mixed case, compared in lower case by the import):

  long        a long CSV of 1,000,000 answers (unit, quarter, respondent, item, score, comment)
  wide        a wide CSV of 200,000 answers (one row per check-in, one column per item; `;`)
  sheets      a Google-Sheets-shaped .xlsx of 100,000 answers (`Timestamp` date cells, `Email
              Address`, the unit question by unit name, `Question [Item]` grid columns holding
              the scale's level names, a free-text question)
  xlsx-1m     the same shape with 1,000,000 answers

The bare baseline of each shape does the least work to get the same answers into a keyed DuckDB
table shaped like `answer`: for a CSV, DuckDB's read_csv (UNPIVOT for wide) + INSERT; for a
workbook, python-calamine reading the sheet + one DuckDB INSERT … SELECT over it (UNPIVOT, the
unit looked up by name, the level name to its score, the timestamp to its quarter). Each phase
runs in a fresh process, baseline and app alternating; time is the process's wall time from
start to exit, memory the peak RSS of its largest process (the import's workbook reader runs
in a child). Prints each shape's seconds and peak MB, and each as a ratio to the bare baseline.

Targets (issue 25): time ≤ 1.5 × bare on long, wide and sheets, ≤ 2.0 × on xlsx-1m; peak
memory ≤ 1.5 × bare on every shape.

    .venv/bin/python benchmarks/import_bench.py [--scale 1.0] [--repeat 3] [--shapes long wide]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = 2000
RESPONDENTS = 5  # per unit
UNIT_QUESTION = "Hvilken enhet leder du?"
GRID = "Hvor moden er enheten?"
FREE_TEXT = "Noe mer du vil si?"
SHAPES = {  # name: (answers, target time ratio)
    "long": (1_000_000, 1.5),
    "wide": (200_000, 1.5),
    "sheets": (100_000, 1.5),
    "xlsx-1m": (1_000_000, 2.0),
}
MEMORY_TARGET = 1.5


def _framework_items() -> list:
    from dtmaturity.domain.framework import load

    return list(load().items)


def units_csv(folder: Path, count: int = UNITS) -> Path:
    """folder/units.csv: `count` top-level units u00000, u00001, … named "Enhet N" (also the
    workbook benchmark's units)."""
    units = folder / "units.csv"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'u' || lpad(i::VARCHAR, 5, '0') AS unit_id, 'Enhet ' || i AS name,
                  NULL AS parent_id FROM range({count}) t(i)) TO '{units}' (HEADER)"""  # noqa: S608 (generated)
    )
    con.close()
    return units


def _long(folder: Path, answers: int) -> Path:
    items = [item.id for item in _framework_items()]
    item_list = "[" + ", ".join(f"'{i}'" for i in items) + "]"
    checkins = -(-answers // len(items))
    path = folder / "long.csv"
    con = duckdb.connect()
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
            FROM range({checkins}) a(c), range({len(items)}) b(k)
            LIMIT {answers}
        ) TO '{path}' (HEADER)"""  # noqa: S608 (generated test data, no user input)
    )
    con.close()
    return path


def _wide(folder: Path, answers: int) -> Path:
    items = [item.id for item in _framework_items()]
    rows = -(-answers // len(items))
    columns = ", ".join(f"1 + hash(c, {n}) % 5 AS {item}" for n, item in enumerate(items))
    path = folder / "wide.csv"
    con = duckdb.connect()
    con.execute(
        f"""COPY (
            SELECT 'u' || lpad((c % {UNITS})::VARCHAR, 5, '0') AS unit_id,
                   (2010 + (c // ({UNITS} * {RESPONDENTS})) // 4)::VARCHAR || '-Q'
                       || ((c // ({UNITS} * {RESPONDENTS})) % 4 + 1)::VARCHAR AS period,
                   'Leder' || ((c // {UNITS}) % {RESPONDENTS}) || '.u' || (c % {UNITS})
                       || '@Etat.Example' AS respondent,
                   {columns}
            FROM range({rows}) a(c)
        ) TO '{path}' (HEADER, DELIMITER ';')"""  # noqa: S608 (generated test data)
    )
    con.close()
    return path


def _sheets(folder: Path, answers: int, name: str) -> Path:
    """Google Sheets' Download → .xlsx of a form's responses sheet (as tests/surveyexports.py
    google_xlsx, with every item as a grid row)."""
    import openpyxl

    items = _framework_items()
    rows = -(-answers // len(items))
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Form Responses 1")
    sheet.append(
        ["Timestamp", "Email Address", UNIT_QUESTION,
         *(f"{GRID} [{i.name['nb']}]" for i in items), FREE_TEXT]
    )  # fmt: skip
    labels = [[lv.label["nb"] for lv in i.scale.levels] for i in items]
    start, quarters = datetime(2024, 1, 3, 8, 0, 0), 8
    per_quarter = -(-rows // quarters)
    for n in range(rows):
        quarter, respondent = divmod(n, per_quarter)
        unit = respondent % UNITS
        stamp = start + timedelta(days=91 * quarter, minutes=respondent % 40_000)
        sheet.append(
            [stamp, f"Leder{respondent // UNITS % RESPONDENTS}.u{unit}@Etat.Example",
             f"Enhet {unit}", *(ls[(n + k) % len(ls)] for k, ls in enumerate(labels)),
             "Kommentar om «fremdrift», ærlig talt" if n % 40 == 0 else None]
        )  # fmt: skip
    path = folder / f"{name}.xlsx"
    book.save(path)
    return path


def generate(folder: Path, shape: str, answers: int) -> Path:
    if shape == "long":
        return _long(folder, answers)
    if shape == "wide":
        return _wide(folder, answers)
    return _sheets(folder, answers, shape)


# --- the bare baseline, run as `import_bench.py --bare SHAPE DB FILE` ---------------------------

_TABLE = """CREATE TABLE bare_answer (unit_id VARCHAR NOT NULL, period VARCHAR NOT NULL,
            respondent VARCHAR NOT NULL, item_id VARCHAR NOT NULL, score SMALLINT,
            scale_max SMALLINT NOT NULL, comment VARCHAR,
            PRIMARY KEY (unit_id, period, respondent, item_id))"""


def bare(shape: str, db: str, file: str) -> None:
    con = duckdb.connect(db)
    con.execute(_TABLE)
    if shape == "long":
        con.execute(
            "INSERT INTO bare_answer SELECT unit_id, period, lower(respondent), item_id, score, 5, "
            "comment FROM read_csv(?, header = true)",
            [file],
        )
    elif shape == "wide":
        con.execute(
            """INSERT INTO bare_answer
               SELECT unit_id, period, lower(respondent), item_id, score, 5, NULL FROM (
                   UNPIVOT (SELECT * FROM read_csv(?, delim = ';', header = true))
                   ON COLUMNS(* EXCLUDE (unit_id, period, respondent))
                   INTO NAME item_id VALUE score)""",
            [file],
        )
    else:
        _bare_workbook(con, file)
    con.close()


def _bare_workbook(con: duckdb.DuckDBPyConnection, file: str) -> None:
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    from dtmaturity.domain.framework import load

    items = load().items
    rows = CalamineWorkbook.from_path(file).get_sheet_by_index(0).to_python()
    width = len(rows[0])

    def cell(value: object) -> object:
        if value == "":
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime.combine(value, datetime.min.time())  # a time at midnight
        return value

    table = pa.table({f"c{i}": pa.array([cell(r[i]) for r in rows[1:]]) for i in range(width)})
    con.register("sheet", table)
    levels = [
        (f"c{3 + n}", lv.label["nb"], lv.value)
        for n, i in enumerate(items)
        for lv in i.scale.levels
    ]
    con.execute("CREATE TEMP TABLE level (col VARCHAR, label VARCHAR, score SMALLINT)")
    con.executemany("INSERT INTO level VALUES (?, ?, ?)", levels)
    con.execute(
        "CREATE TEMP TABLE item AS SELECT unnest(?::VARCHAR[]) AS col, unnest(?::VARCHAR[]) AS id",
        [[f"c{3 + n}" for n in range(len(items))], [i.id for i in items]],
    )
    grid = ", ".join(f"c{3 + n}" for n in range(len(items)))
    con.execute(
        f"""INSERT INTO bare_answer
            SELECT u.unit_id, year(s.c0)::VARCHAR || '-Q' || quarter(s.c0)::VARCHAR,
                   lower(s.c1), i.id, l.score, 5, NULL
            FROM (UNPIVOT sheet ON {grid} INTO NAME col VALUE label) s
            JOIN unit u ON u.name = s.c2
            JOIN item i USING (col)
            JOIN level l ON l.col = s.col AND l.label = s.label"""  # noqa: S608 (generated names)
    )


# --- running the phases --------------------------------------------------------------------------


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds from start to exit, peak RSS MB of its largest process)."""
    start = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command[:4])}… failed ({process.returncode}):\n{error}")
    return elapsed, usage.ru_maxrss / 1024


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.pop("DTMATURITY_FRAMEWORK", None)
    # As installed: the app's modules compiled once (see main), not at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _app_command(db: Path, file: Path, shape: str) -> list[str]:
    command = [sys.executable, "-m", "dtmaturity.cli", "--db", str(db), "import", str(file)]
    if shape in ("sheets", "xlsx-1m"):
        command += ["--map", f"{UNIT_QUESTION}=unit"]
    return command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="answers × this (develop small)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase (median)")
    parser.add_argument("--shapes", nargs="+", choices=list(SHAPES), default=list(SHAPES))
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--bare", nargs=3, metavar=("SHAPE", "DB", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare(*args.bare)
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dtmaturity-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = _env()
    compileall.compile_dir(ROOT / "dtmaturity", quiet=1)
    try:
        base = folder / "base.duckdb"
        if not base.exists():
            cli = [sys.executable, "-m", "dtmaturity.cli", "--db", str(base), "import"]
            _timed([*cli, str(units_csv(folder))], env)
        results = {}
        for shape in args.shapes:
            answers = max(int(SHAPES[shape][0] * args.scale), 1000)
            made = time.perf_counter()
            file = generate(folder, shape, answers)
            size = file.stat().st_size / 1e6
            print(
                f"{shape}: {answers:,} answers, {size:.1f} MB "
                f"(made in {time.perf_counter() - made:.0f} s)",
                flush=True,
            )
            runs: dict[str, list[tuple[float, float]]] = {"bare": [], "app": []}
            for attempt in range(args.repeat):
                for phase in ("bare", "app"):  # alternating, so background load hits both
                    db = folder / f"{phase}-{attempt}.duckdb"
                    shutil.copy(base, db)
                    if phase == "bare":
                        command = [sys.executable, __file__, "--bare", shape, str(db), str(file)]
                    else:
                        command = _app_command(db, file, shape)
                    runs[phase].append(_timed(command, env))
                    db.unlink()
            results[shape] = {
                phase: (statistics.median(s for s, _ in figures), max(m for _, m in figures))
                for phase, figures in runs.items()
            }
            if not args.keep:
                file.unlink()
        _print(results, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _print(results: dict[str, dict[str, tuple[float, float]]], repeat: int) -> None:
    print(f"\nmedian of {repeat} run(s) each; whole processes; peak RSS of the largest process")
    print(
        f"{'shape':<9}{'bare s':>8}{'app s':>8}{'× bare':>8}{'target':>8}"
        f"{'bare MB':>9}{'app MB':>8}{'× bare':>8}{'target':>8}"
    )
    for shape, phases in results.items():
        (bare_s, bare_mb), (app_s, app_mb) = phases["bare"], phases["app"]
        target = SHAPES[shape][1]
        print(
            f"{shape:<9}{bare_s:8.2f}{app_s:8.2f}{app_s / bare_s:8.2f}{'≤ ' + str(target):>8}"
            f"{bare_mb:9.0f}{app_mb:8.0f}{app_mb / bare_mb:8.2f}{'≤ ' + str(MEMORY_TARGET):>8}"
        )


if __name__ == "__main__":
    main()
