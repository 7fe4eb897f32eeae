"""The web glue's own files (dtmaturity/web/static/: the icon, JavaScript and CSS), shipped as
package data (pyproject.toml) and read once, at import."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).with_name("static")
ICON = str(STATIC / "icon.png")  # the browser tab's icon, served by the app


def asset(name: str) -> str:
    """The text of static/`name`, without the white space around it."""
    return (STATIC / name).read_text(encoding="utf-8").strip()
