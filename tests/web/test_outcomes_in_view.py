"""Every action's outcome is shown beside the control that did it, in view, with the focus on
it (ui.flash with a place, ui.show_flash(place, focus=True) there), never at the top of the
page, out of view: enumerated over every page and widget module, so a new action is covered."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("dtmaturity/web/*.py")])


def _calls(name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in SOURCES:
        if path.name == "focus.py":
            continue  # the mechanism itself
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == name
            ):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return found


def _place(node: ast.Call) -> str | None:
    for keyword in node.keywords:
        if keyword.arg == "place":
            return ast.unparse(keyword.value)
    return ast.unparse(node.args[0]) if node.args and node.func.attr == "show_flash" else None


def _shape(place: str) -> str:
    """A place's text with its variable parts blanked: f"round:{r.round_id}" -> round:{}."""
    if not place.startswith(("'", '"', "f")):
        return "{}"  # a name: the helper that shows whatever place it is given
    if place.startswith("f"):
        node = ast.parse(place, mode="eval").body
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
        )
    return ast.literal_eval(place)


def test_every_outcome_message_names_the_place_of_its_control():
    flashes = _calls("flash")
    assert flashes, "no ui.flash found: the scan is broken"
    assert [where for where, node in flashes if _place(node) is None] == []


def test_every_place_shows_its_outcome_with_the_focus_on_it():
    shown = {}
    for where, node in _calls("show_flash"):
        focus = any(k.arg == "focus" and ast.unparse(k.value) == "True" for k in node.keywords)
        assert focus, f"{where}: show_flash without focus"
        shown[_shape(_place(node) or "''")] = where
    missing = []
    for where, node in _calls("flash"):
        shape = _shape(_place(node) or "''")
        # A place built from a name (a widget's form) is shown by a show_flash of the same
        # pattern; f-strings compare by their fixed parts.
        file = where.split(":")[0]
        by_name = any(s == "{}" and w.startswith(file) for s, w in shown.items())
        same = any(s.startswith(shape.split("{")[0]) for s in shown if s != "{}")
        if shape not in shown and not same and not by_name:
            missing.append(f"{where}: {shape}")
    assert missing == []


@pytest.mark.parametrize("place", ["open", "send"])
def test_the_rounds_page_has_a_place_for_each_of_its_sending_buttons(place):
    source = (ROOT / "pages" / "rounds.py").read_text(encoding="utf-8")
    assert f'_outcome("{place}")' in source
