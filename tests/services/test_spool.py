"""The spool hand-off between the command line and the server's thread, within one process
(the same protocol runs between two processes in tests/e2e/test_browser_rounds.py)."""

from __future__ import annotations

import json
import threading

import pytest

from dtmaturity.services import spool

# On PostgreSQL the command line opens the database itself: there is no spool (prepare_spool
# says None), and these tests have nothing to test.
SPOOL_ONLY = pytest.mark.duckdb_only("the spool is how the command line reaches a DuckDB file")


@SPOOL_ONLY
def test_a_job_handed_over_is_run_by_the_server_side_and_answered(demo_ctx):
    folder = spool.prepare_spool(demo_ctx.store.path)  # as the server does at start
    answer = {}

    def command_line() -> None:
        answer["outcome"] = spool.submit(demo_ctx.store.path, {"command": "list"}, timeout=30)

    caller = threading.Thread(target=command_line)
    caller.start()
    served = 0
    while caller.is_alive() and not served:
        served = spool.serve_spool(demo_ctx.store, demo_ctx.framework, folder)
    caller.join(timeout=30)
    outcome = answer["outcome"]
    assert served == 1
    assert outcome.exit == 0 and outcome.err[-1] == "no rounds"
    assert "run by the dtmaturity server holding" in outcome.err[0]
    assert list(folder.iterdir()) == []  # nothing left behind
    assert oct(folder.stat().st_mode & 0o777) == "0o700"


@SPOOL_ONLY
def test_a_broken_request_gets_a_message_and_an_unanswered_one_times_out(demo_ctx):
    folder = spool.spool_dir(demo_ctx.store.path)
    folder.mkdir(mode=0o700)
    (folder / "x.request.json").write_text("not json", encoding="utf-8")
    assert spool.serve_spool(demo_ctx.store, demo_ctx.framework, folder) == 1
    reply = json.loads((folder / "x.response.json").read_text(encoding="utf-8"))
    assert reply["exit"] == 2 and "not a JSON object" in reply["err"][0]
    with pytest.raises(spool.SpoolTimeout, match="no dtmaturity server picked up"):
        spool.submit(demo_ctx.store.path, {"command": "list"}, timeout=0.5)
    assert not list(folder.glob("*.request.json"))  # withdrawn
