"""Scheduled work shared by several processes on one PostgreSQL database: one process at a time
has the duty (the scheduler lease), another takes it over when that one goes, and mail is sent
once however many runs there are.

Each "process" here is a Store of its own: its leases are sessions of their own on the server,
as another process's would be (the two real processes are in test_takeover.py)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from dtmaturity.domain import clock
from dtmaturity.domain.periods import Period
from dtmaturity.services import release_rule, reminders, rounds, scheduler
from dtmaturity.services.context import Context, local_actor
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import leases
from dtmaturity.store import rounds as rounds_sql

CURRENT = str(Period.current())
DEADLINE = clock.today() + timedelta(days=14)


@pytest.fixture
def database() -> str:
    """These tests are about several processes on one server database: PostgreSQL only."""
    return "postgresql"


@pytest.fixture
def other_ctx(demo_ctx: Context) -> Iterator[Context]:
    """A second process's view of the same database: a Store, a pool and sessions of its own."""
    store, framework = open_runtime(demo_ctx.store.url)
    yield Context(actor=local_actor(), store=store, framework=framework, lang="en")
    store.close()


def expected(ctx: Context) -> set[str]:
    with ctx.store.reader() as cur:
        frame = rounds_sql.expected(cur, release_rule.subtree_units(ctx, "demo"), CURRENT)
    return set(frame["email"])


def sent_rows(ctx: Context) -> list[tuple]:
    with ctx.store.reader() as cur:
        return cur.execute(
            "SELECT person_id, kind, status, attempts FROM mail_message ORDER BY person_id"
        ).fetchall()


def take_over(duty: scheduler.Duty, limit: float = 30.0) -> reminders.RunReport | None:
    """Tick until the duty is taken over: the server ends a closed session a moment later."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        report = duty.tick(time.monotonic())
        if report is not None:
            return report
        time.sleep(0.1)
    return None


def test_of_two_schedulers_on_one_database_only_one_works_and_the_other_takes_over(
    demo_ctx, other_ctx, mail
):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    leaders = expected(demo_ctx)
    first = scheduler.Duty(demo_ctx.store, demo_ctx.framework, every=3600)
    second = scheduler.Duty(other_ctx.store, other_ctx.framework, every=3600)
    try:
        done = [first.tick(0.0), second.tick(0.0)]
        assert done[1] is None  # the first took the duty; the second did nothing
        assert len(done[0].sent) == len(leaders) and not done[0].failed
        assert leases.holders(demo_ctx.store.url, leases.SCHEDULER) == [os.getpid()]
        for _ in range(3):  # ticking on: the duty stays where it is
            assert second.tick(10.0) is None
        assert sorted(m["To"] for m in mail.wait_for(len(leaders))) == sorted(leaders)

        first.close()  # the process with the duty goes (its session ends, as at its death)
        taken = take_over(second)
        assert taken is not None, "the second process did not take the duty over"
        assert taken.sent == [] and taken.planned == []  # all sent already: nothing again
        assert first.tick(30.0) is None  # come back, it finds the duty taken
    finally:
        first.close()
        second.close()
    assert len(mail.messages) == len(leaders)
    assert {status for _, _, status, _ in sent_rows(demo_ctx)} == {"sent"}


def test_runs_started_together_in_two_processes_send_each_message_once(demo_ctx, other_ctx, mail):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    leaders = expected(demo_ctx)
    reports: list[reminders.RunReport] = []
    gate = threading.Barrier(2)

    def run(ctx: Context) -> None:
        gate.wait()
        reports.append(reminders.run(ctx))

    threads = [threading.Thread(target=run, args=(c,)) for c in (demo_ctx, other_ctx)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(len(r.sent) for r in reports) == [0, len(leaders)]
    assert len(mail.wait_for(len(leaders))) == len(leaders)
    rows = sent_rows(demo_ctx)
    assert len(rows) == len(leaders) and {(s, a) for _, _, s, a in rows} == {("sent", 1)}


def test_a_message_left_pending_by_a_dead_sender_is_sent_once_by_the_next_run(
    demo_ctx, other_ctx, mail
):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    leaders = expected(demo_ctx)
    planned = reminders.plan(demo_ctx)[0]
    # A sender claimed this message and died before the mail server had it.
    demo_ctx.write(
        lambda cur: rounds_sql.claim_message(
            cur, planned.round_id, planned.unit_id, planned.person_id, planned.kind,
            planned.email, planned.lang,
        ),
        "mail.claim", "test", {},
    )  # fmt: skip
    report = reminders.run(other_ctx)  # the next run, in another process
    assert len(report.sent) == len(leaders) and not report.failed
    assert sorted(m["To"] for m in mail.wait_for(len(leaders))) == sorted(leaders)
    rows = {person: (status, attempts) for person, _, status, attempts in sent_rows(demo_ctx)}
    assert rows.pop(planned.person_id) == ("sent", 2)  # marked interrupted, then sent
    assert set(rows.values()) == {("sent", 1)}
    assert reminders.run(demo_ctx).sent == []
    assert len(mail.messages) == len(leaders)
