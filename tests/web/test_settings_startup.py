"""The server's start-up reports every bad setting at once (issue 26): an operator who got
three values wrong reads three lines, not one per attempt."""

from __future__ import annotations

from pathlib import Path

import pytest
import servestart

from dtmaturity.domain import settings

BAD = {
    settings.MIN_RESPONDENTS: "tre",
    settings.DEFAULT_LANGUAGE: "klingon",
    settings.REMIND_EVERY: "5",
    settings.SMTP_URL: "http://mail.example",
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home folder: no secrets file, so the app would start in local mode."""
    folder = tmp_path / "home"
    (folder / ".streamlit").mkdir(parents=True)
    if (servestart.ROOT / ".streamlit" / "secrets.toml").exists():
        pytest.skip("this checkout has its own .streamlit/secrets.toml, which this test reads")
    return folder


def test_every_bad_setting_is_named_with_its_value_in_one_refusal(db_path, home):
    err = servestart.refused(servestart.start(env=BAD, home=home))
    assert f"{len(BAD)} settings cannot be used" in err
    for name, value in BAD.items():
        assert any(name in line and value in line for line in err.splitlines()), name
