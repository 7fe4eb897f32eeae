"""The command line starts fast (issue 25): `--help` imports no service, no database driver
and no data library; each command imports what it needs when it runs."""

from __future__ import annotations

import subprocess
import sys

from dtmaturity import cli
from dtmaturity.services import report

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
    assert cli.REPORT_FORMATS == report.FORMATS
