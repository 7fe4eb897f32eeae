"""The command line starts fast (issue 25): `--help` imports no service, no database driver
and no data library; each command imports what it needs when it runs."""

from __future__ import annotations

import subprocess
import sys

from dtmaturity.cli.report import REPORT_FORMATS
from dtmaturity.services import reportfiles

HEAVY = ("dtmaturity.services", "dtmaturity.store", "duckdb", "pandas", "altair", "babel")


def test_help_imports_nothing_heavy():
    """`dtmaturity --help` and the help of every command and sub-command."""
    code = (
        "import sys\n"
        "from dtmaturity.cli import command_paths, main\n"
        "for path in ['', *command_paths()]:\n"
        "    assert main([*path.split(), '--help']) == 0, path\n"
        f"print(sorted(m for m in sys.modules if m.startswith({HEAVY!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_report_formats_of_the_command_line_are_the_reports():
    assert REPORT_FORMATS == reportfiles.FORMATS


def test_importing_answers_loads_no_data_frame_or_chart_library(tmp_path):
    """`dtmaturity import` of a long, a wide and a units file (the import benchmark's shapes
    run the same code): what the whole process imports, start-up and catalogues included."""
    from dtmaturity.services import imports

    files = []
    for file_format in ("units", "long", "wide"):
        path = tmp_path / f"{file_format}.csv"
        text = imports.template(file_format).decode()
        if file_format == "units":  # the unit the answer templates are for
            text += "demo-bruker-01,Brukerenheten,seksjon-veiledning\r\n"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    code = (
        "import sys\n"
        "from dtmaturity.cli import main\n"
        f"for file in {files!r}:\n"
        f"    assert main(['--db', {str(tmp_path / 'db.duckdb')!r}, 'import', file]) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandas', 'altair')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
