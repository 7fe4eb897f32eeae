"""One mechanism for the files the app writes: dtmaturity/safefiles.py (links never followed,
FIFOs never opened, private folders only). Any other way of creating a file or a temporary
folder in the app's code fails here, so a new output or work file goes through it too (the
attacks on it are in tests/services/test_own_files.py)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAFE = {Path("dtmaturity/safefiles.py")}
# Calls that create files or folders other than through safefiles.
METHODS = {"write_bytes", "write_text", "touch", "symlink_to", "hardlink_to"}
TEMPFILE = {"mkdtemp", "mkstemp", "NamedTemporaryFile", "TemporaryFile", "TemporaryDirectory",
            "SpooledTemporaryFile"}  # fmt: skip
WRITE_MODES = set("wax+")


def _sources() -> list[Path]:
    files = sorted((ROOT / "dtmaturity").rglob("*.py")) + [ROOT / "app.py"]
    files += sorted((ROOT / "pages").glob("*.py"))
    return [f for f in files if f.relative_to(ROOT) not in SAFE]


def _mode(call: ast.Call, position: int) -> str:
    args = [
        *call.args[position : position + 1],
        *(k.value for k in call.keywords if k.arg == "mode"),
    ]
    return next((a.value for a in args if isinstance(a, ast.Constant)), "r")


def _unsafe_writes(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    where = path.relative_to(root)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if isinstance(func, ast.Attribute) and name in METHODS:
            found.append(f"{where}:{node.lineno} .{name}()")
        elif name in TEMPFILE:
            found.append(f"{where}:{node.lineno} tempfile.{name}()")
        elif name == "open" and not (isinstance(func, ast.Attribute) and _is_os(func)):
            position = (
                0 if isinstance(func, ast.Attribute) else 1
            )  # Path.open(mode) / open(p, mode)
            if WRITE_MODES & set(str(_mode(node, position))):
                found.append(f"{where}:{node.lineno} open(…, {_mode(node, position)!r})")
    return found


def _is_os(func: ast.Attribute) -> bool:
    return isinstance(func.value, ast.Name) and func.value.id == "os"


def test_every_file_the_app_writes_goes_through_safefiles():
    found = [line for path in _sources() for line in _unsafe_writes(path)]
    assert not found, "write these through dtmaturity.safefiles:\n" + "\n".join(found)


def test_the_check_finds_each_way_of_writing_a_file(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import tempfile\nfrom pathlib import Path\n"
        "Path('a').write_bytes(b'')\nPath('a').write_text('')\nopen('a', 'w')\n"
        "Path('a').open('ab')\ntempfile.mkdtemp()\ntempfile.TemporaryDirectory()\n"
        "open('a')\nPath('a').open('rb')\nos.open('a', 0)\n",
        encoding="utf-8",
    )
    found = _unsafe_writes(sample, tmp_path)
    assert [line.split(":")[1].split()[0] for line in found] == ["3", "4", "5", "6", "7", "8"], (
        found
    )
