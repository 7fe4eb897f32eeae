"""English from Streamlit's own strings inside the app's Norwegian pages: what can be
configured is (headings without their "Link to heading" anchors, Norwegian placeholders, no
"Select all"), and what Streamlit offers no hook for is listed here, so the list can only
shrink. The README's accessibility section names the same strings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import streamlit

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("dtmaturity/web/*.py"), ROOT / "app.py"])
STATIC = Path(streamlit.__file__).parent / "static"

# Streamlit's English that no option or argument changes (Streamlit 1.67): the text a person
# sees or hears, a fragment of it in Streamlit's frontend code, and where it appears.
REMAINING = {
    "Drag and drop a file here": ("Drag and drop a file here", "the file uploader's drop zone"),
    "Upload": ("`Upload`", "the file uploader's button"),
    "50MB per file": (" per file", "the file uploader's size limit"),
    "N options available.": ("options`})} available", "a select box, read by screen readers"),
    "Remove X": ("`Remove ${", "a chosen option's remove button, read by screen readers"),
    "Skip to main content": ("Skip to main content", "the skip link, shown on Tab"),
    "Main menu": ("Main menu", "the toolbar's menu button, read by screen readers"),
}
# The list may only shrink: lower this when a string is gone, never raise it.
MOST_REMAINING = 7


def _calls(name: str):
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if called and node.func.attr == name:
                yield path.relative_to(ROOT), node


def _keywords(node: ast.Call) -> dict[str, str]:
    return {k.arg: ast.unparse(k.value) for k in node.keywords if k.arg}


@pytest.mark.parametrize("kind", ["title", "header", "subheader"])
def test_every_heading_hides_its_english_anchor_link(kind):
    found = list(_calls(kind))
    assert found, f"no st.{kind} found: the scan is broken"
    missing = [
        f"{path}:{node.lineno}" for path, node in found if _keywords(node).get("anchor") != "False"
    ]
    assert missing == []


def test_every_multiselect_has_a_norwegian_placeholder_and_no_select_all():
    found = list(_calls("multiselect"))
    assert found
    wrong = [
        f"{path}:{node.lineno}"
        for path, node in found
        if "placeholder" not in _keywords(node) or _keywords(node).get("select_all") != "False"
    ]
    assert wrong == []


def test_every_select_box_without_a_default_has_a_norwegian_placeholder():
    found = [
        (path, node) for path, node in _calls("selectbox") if _keywords(node).get("index") == "None"
    ]
    assert found
    assert [f"{p}:{n.lineno}" for p, n in found if "placeholder" not in _keywords(n)] == []


@pytest.mark.parametrize("shown", list(REMAINING))
def test_each_remaining_english_string_is_still_streamlits(shown):
    fragment, _ = REMAINING[shown]
    bundle = (p.read_text(encoding="utf-8", errors="replace") for p in STATIC.rglob("*.js"))
    assert any(fragment in text for text in bundle), (
        f"Streamlit no longer says {shown!r}: remove it from REMAINING and the README"
    )


def test_the_list_of_remaining_english_only_shrinks_and_the_readme_names_each():
    assert len(REMAINING) <= MOST_REMAINING
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [shown for shown in REMAINING if shown not in readme] == []
