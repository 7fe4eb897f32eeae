"""The files the code reads beside itself ship with the package: every file under
dtmaturity/web/static/ and dtmaturity/locale/ matches a package-data pattern in pyproject.toml,
so an installed app finds its icon, JavaScript, CSS and catalogues."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dtmaturity"
DATA_FOLDERS = ("web/static", "locale")


def test_every_data_file_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dtmaturity"]
    files = [
        path.relative_to(PACKAGE)
        for folder in DATA_FOLDERS
        for path in sorted((PACKAGE / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".mo"
    ]
    assert any(f.suffix == ".js" for f in files) and any(f.suffix == ".css" for f in files)
    missing = [str(f) for f in files if not any(f.match(p) for p in patterns)]
    assert missing == []
