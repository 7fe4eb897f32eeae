"""The one private Streamlit API the app uses (web/navigation.py, `leave_legacy_page_mode`),
held to what it relies on, so that a Streamlit upgrade that changes it fails here rather than
in a visitor's first page view."""

from __future__ import annotations

from pathlib import Path

import pytest
from apphelpers import open_app
from streamlit.runtime.pages_manager import PagesManager

from dtmaturity.web import navigation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def legacy_flag():
    saved = PagesManager.uses_pages_directory
    yield
    PagesManager.uses_pages_directory = saved


def test_streamlit_starts_an_app_with_a_pages_folder_in_its_legacy_page_mode(legacy_flag):
    """The flag the workaround clears exists, and a new process sets it for our layout (app.py
    beside pages/). When this fails, Streamlit changed or dropped the legacy mode: check whether
    the workaround is still needed."""
    PagesManager.uses_pages_directory = None
    PagesManager(str(ROOT / "app.py"), setup_watcher=False)
    assert PagesManager.uses_pages_directory is True


def _unit_page_entered(at, monkeypatch) -> int:
    """Switch to the unit page; how many times app.py's navigation ran in that run."""
    runs = []
    run = navigation.run
    monkeypatch.setattr(navigation, "run", lambda pages: runs.append(pages) or run(pages))
    at.switch_page("pages/unit.py").run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Enhet over tid"]
    return len(runs)


def test_a_page_entered_in_the_legacy_mode_runs_under_app_navigation(demo_db, monkeypatch):
    """AppTest starts every run in the legacy mode (it builds a new PagesManager each run), so
    the unit page is entered directly, as on a first visit to /unit in a new server process.
    The workaround makes app.py run it, with its navigation."""
    assert _unit_page_entered(open_app(), monkeypatch) == 1


def test_without_the_workaround_the_page_runs_without_app_navigation(demo_db, monkeypatch):
    """The check above can fail: with the workaround off, the page runs alone."""
    at = open_app()
    monkeypatch.setattr(navigation, "leave_legacy_page_mode", lambda: None)
    assert _unit_page_entered(at, monkeypatch) == 0
