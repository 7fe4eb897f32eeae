"""The server's background thread: its interval setting, and one thread per process and
database (the spool it serves: tests/services/test_spool.py)."""

from __future__ import annotations

import pytest

from dtmaturity.services import scheduler


def test_an_unknown_command_is_refused(demo_ctx):
    from dtmaturity.services import roundjobs

    outcome = roundjobs.execute(demo_ctx, {"command": "drop"})
    assert outcome.exit == 2 and "unknown rounds command" in outcome.err[0]


@pytest.mark.parametrize("value", ["5", "often", "-1"])
def test_a_wrong_remind_interval_names_the_setting(monkeypatch, value):
    monkeypatch.setenv("DTMATURITY_REMIND_EVERY", value)
    with pytest.raises(ValueError, match="DTMATURITY_REMIND_EVERY"):
        scheduler.interval()


def test_the_thread_starts_once_per_process_and_database(demo_ctx, monkeypatch):
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    try:
        assert scheduler.start(demo_ctx.store, demo_ctx.framework)
        assert not scheduler.start(demo_ctx.store, demo_ctx.framework)
    finally:
        scheduler.stop(demo_ctx.store)  # before the fixture closes the store
