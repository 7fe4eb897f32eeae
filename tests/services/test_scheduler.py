"""The spool hand-off between the command line and the server's thread, within one process
(the same protocol runs between two processes in tests/e2e/test_browser_rounds.py)."""

from __future__ import annotations

import json
import threading

import pytest

from dtmaturity.services import scheduler

pytestmark = pytest.mark.duckdb_only(
    "the spool hands a command's job to the server holding the DuckDB file; on PostgreSQL every command opens the database itself"
)


def test_a_job_handed_over_is_run_by_the_server_side_and_answered(demo_ctx):
    spool = scheduler.prepare_spool(demo_ctx.store.path)  # as the server does at start
    answer = {}

    def command_line() -> None:
        answer["outcome"] = scheduler.submit(demo_ctx.store.path, {"command": "list"}, timeout=30)

    caller = threading.Thread(target=command_line)
    caller.start()
    served = 0
    while caller.is_alive() and not served:
        served = scheduler.serve_spool(demo_ctx.store, demo_ctx.framework, spool)
    caller.join(timeout=30)
    outcome = answer["outcome"]
    assert served == 1
    assert outcome.exit == 0 and outcome.err[-1] == "no rounds"
    assert "run by the dtmaturity server holding" in outcome.err[0]
    assert list(spool.iterdir()) == []  # nothing left behind
    assert oct(spool.stat().st_mode & 0o777) == "0o700"


def test_a_broken_request_gets_a_message_and_an_unanswered_one_times_out(demo_ctx):
    spool = scheduler.spool_dir(demo_ctx.store.path)
    spool.mkdir(mode=0o700)
    (spool / "x.request.json").write_text("not json", encoding="utf-8")
    assert scheduler.serve_spool(demo_ctx.store, demo_ctx.framework, spool) == 1
    reply = json.loads((spool / "x.response.json").read_text(encoding="utf-8"))
    assert reply["exit"] == 2 and "not a JSON object" in reply["err"][0]
    with pytest.raises(scheduler.SpoolTimeout, match="no dtmaturity server picked up"):
        scheduler.submit(demo_ctx.store.path, {"command": "list"}, timeout=0.5)
    assert not list(spool.glob("*.request.json"))  # withdrawn


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
