"""The files the code reads beside itself ship with the package: every file under dtmaturity/
that is not Python source (the icon, JavaScript, CSS, catalogues, the HTML templates) matches a
package-data pattern in pyproject.toml, so an installed app finds them. A new folder of such
files is covered without naming it here."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dtmaturity"
# Built beside the source, never shipped: bytecode and compiled catalogues.
NOT_DATA = {".py", ".pyc", ".mo"}


def data_files() -> list[Path]:
    return [
        path.relative_to(PACKAGE)
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in NOT_DATA
    ]


def test_every_data_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dtmaturity"]
    files = data_files()
    kinds = {f.suffix for f in files}
    assert {".js", ".css", ".po", ".html"} <= kinds
    assert any(f.parts[0] == "templates" for f in files)
    missing = [str(f) for f in files if not any(f.match(p) for p in patterns)]
    assert missing == []
