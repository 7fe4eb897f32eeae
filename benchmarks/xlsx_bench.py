"""Workbook import benchmark: dtmaturity's import of a Microsoft Forms-style .xlsx against the
reader's bare read time.

Writes a 100,000-row workbook shaped like a Microsoft Forms export (ID, start and completion
time as date cells, e-mail, name, last modified; the unit question by unit name, 14 Likert
columns headed by the items' names holding level labels, a free-text comment), over 2,000
units, 8 quarters and 20,000 respondents, then times, each in a fresh process:

  bare       python-calamine reading every cell of the sheet (the reader the import uses)
  openpyxl   openpyxl read-only iteration over every cell (values_only), for comparison
  import     `imports.run` of the workbook (convert to CSV, stage, validate, write)

and prints seconds, the ratio to the bare read and peak RSS.

    .venv/bin/python benchmarks/xlsx_bench.py [--rows 100000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = 2000
RESPONDENTS = 20_000
UNIT_QUESTION = "Hvilken enhet leder du?"
LABELS = ["Ikke startet", "Utforskende", "Etablert", "Integrert", "Ledende og transformerende"]
COMPETENCE = ["Svak", "Under utvikling", "Solid", "Sterk", "Forbilde"]


def generate(folder: Path, rows: int) -> tuple[Path, Path]:
    import openpyxl
    from import_bench import units_csv  # the same units file the CSV import benchmark uses

    from dtmaturity.domain.framework import load

    items = load().items
    units = units_csv(folder, UNITS)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(
        ["ID", "Starttidspunkt", "Fullføringstidspunkt", "E-postadresse", "Navn",
         "Tidspunkt for siste endring", UNIT_QUESTION, *(i.name["nb"] for i in items),
         "Noe mer du vil si?"]
    )  # fmt: skip
    start = datetime(2024, 1, 3, 8, 0, 0)
    span = timedelta(days=2 * 365 - 10)
    for n in range(rows):
        respondent = n % RESPONDENTS
        quarter = n // (rows // 8 or 1)
        done = start + timedelta(days=91 * min(quarter, 7)) + (span / 8) * ((n * 7919 % 997) / 1000)
        scale = [LABELS if i.scale.id == "maturity" else COMPETENCE for i in items]
        sheet.append(
            [n + 1, done - timedelta(minutes=9), done, f"leder{respondent}@etat.example",
             f"Leder {respondent}", None, f"Enhet {(respondent * 31 + quarter) % UNITS}",
             *(labels[(n + k) % 5] for k, labels in enumerate(scale)),
             "Kommentar om «fremdrift», ærlig talt" if n % 40 == 0 else None]
        )  # fmt: skip
    path = folder / "forms.xlsx"
    book.save(path)
    return units, path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, db: Path, file: Path) -> float:
    start = time.perf_counter()
    if name == "bare":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(file))
        cells = sum(len(row) for row in book.get_sheet_by_index(0).iter_rows())
        assert cells
        return time.perf_counter() - start
    if name == "openpyxl":
        import openpyxl

        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        cells = sum(len(row) for row in book.worksheets[0].iter_rows(values_only=True))
        book.close()
        assert cells
        return time.perf_counter() - start
    from dtmaturity.services import imports
    from dtmaturity.services.context import Context, local_actor
    from dtmaturity.services.runtime import open_runtime

    store, framework = open_runtime(db)
    ctx = Context(actor=local_actor(), store=store, framework=framework, lang="en")
    mapping = {UNIT_QUESTION: "unit", "Noe mer du vil si?": "comment"} if name == "import" else None
    start = time.perf_counter()
    result = imports.run(ctx, file, mapping=mapping)
    elapsed = time.perf_counter() - start
    if result.problems or not result.written:
        raise SystemExit(f"import failed: {[p.line(file.name, 'en') for p in result.problems[:5]]}")
    store.close()
    return elapsed


def in_subprocess(name: str, db: Path, file: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--db", str(db), "--file", str(file)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-openpyxl", action="store_true", help="it takes minutes")
    parser.add_argument("--phase")
    parser.add_argument("--db")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.phase:
        seconds = phase(args.phase, Path(args.db), Path(args.file))
        print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))
        return
    with tempfile.TemporaryDirectory(prefix="dtmaturity-xlsx-bench-") as folder:
        root = Path(folder)
        made = time.perf_counter()
        units, workbook = generate(root, args.rows)
        size = workbook.stat().st_size / 1e6
        print(f"{args.rows:,} rows, {size:.1f} MB workbook ({time.perf_counter() - made:.0f} s)")
        names = ["bare", "import"] + ([] if args.skip_openpyxl else ["openpyxl"])
        timings: dict[str, list[float]] = {name: [] for name in names}
        peaks: dict[str, float] = {}
        for attempt in range(args.repeat):
            db = root / f"bench{attempt}.duckdb"
            in_subprocess("units", db, units)
            for name in names:
                figures = in_subprocess(name, db, workbook)
                timings[name].append(figures["seconds"])
                peaks[name] = max(peaks.get(name, 0), figures["peak_mb"])
        bare = statistics.median(timings["bare"])
        print(f"{'phase':<10}{'seconds':>9}{'× bare':>8}{'peak MB':>10}")
        for name, values in timings.items():
            value = statistics.median(values)
            print(f"{name:<10}{value:>9.2f}{value / bare:>8.2f}{peaks[name]:>10.0f}")


if __name__ == "__main__":
    main()
