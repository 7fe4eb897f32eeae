"""Two real app processes on one PostgreSQL database during a round: the one doing the scheduled
work is killed while it sends the reminders, the other takes over, and every leader gets the
reminder exactly once (real SMTP on loopback, real servers, a real kill -9)."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from appserver import RunningApp, app_env, start_app
from mailserver import MailServer, _Keeper, mail_env

from dtmaturity.domain import clock
from dtmaturity.domain.periods import Period
from dtmaturity.services import reminders, rounds
from dtmaturity.services.context import Context
from dtmaturity.store import leases

CURRENT = str(Period.current())
STALL_AFTER = 3  # reminders the mail server takes before it stalls the sender
WAIT_S = 180.0  # an upper bound for conditions waited on (a busy 2-core machine)


@pytest.fixture
def database() -> str:
    return "postgresql"


class _StallingKeeper(_Keeper):
    """Takes STALL_AFTER reminders, then holds the next one unanswered until `release`, and
    then refuses it (451: never accepted, as its sender died waiting for the answer)."""

    def __init__(self) -> None:
        super().__init__()
        self.taken = 0
        self.stalled = threading.Event()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.taken >= STALL_AFTER and not self.released.is_set():
            self.stalled.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "451 try again later"
        self.taken += 1
        return await super().handle_DATA(server, session, envelope)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"not within {WAIT_S:.0f} s: {what}"
        time.sleep(0.1)


def warm(app: RunningApp) -> None:
    """The readiness probe runs the app once, which starts its scheduler thread."""
    with urllib.request.urlopen(f"{app.url}/_stcore/script-health-check", timeout=120) as ok:
        assert ok.status == 200


def invited_yesterday(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """A round open since yesterday, its deadline in two days: every leader was invited
    yesterday (sent here, then dated back a day), and the 2-day reminder is due today."""
    rounds.open_round(ctx, "demo", CURRENT, clock.today() + timedelta(days=2))
    invitations = MailServer().start()
    try:
        mail_env(monkeypatch, invitations)
        sent = reminders.run(ctx)
    finally:
        invitations.stop()
    assert sent.sent and not sent.failed
    with psycopg.connect(ctx.store.url, autocommit=True) as con:
        con.execute("UPDATE mail_message SET sent_at = sent_at - INTERVAL '1 day'")
    assert not [p for p in reminders.plan(ctx) if p.kind != "reminder_2"]
    return {p.email for p in sent.sent}


def test_killing_the_process_sending_reminders_mid_round_sends_each_reminder_once(
    demo_ctx: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    leaders = invited_yesterday(demo_ctx, monkeypatch)
    assert len(leaders) > STALL_AFTER + 1
    keeper = _StallingKeeper()
    mail = MailServer()
    mail.keeper = keeper
    mail.start()
    env = app_env(
        None,
        DTMATURITY_DB=demo_ctx.store.url,
        DTMATURITY_SMTP_URL=mail.url,
        DTMATURITY_MAIL_FROM="dtmaturity@fjordetaten.example",
        DTMATURITY_BASE_URL="https://dt.etat.example",
        DTMATURITY_REMIND_EVERY="3600",  # after a takeover, the new holder runs at once
    )
    apps = [start_app(log=tmp_path / f"app{n}.log", env=env) for n in (1, 2)]
    try:
        for app in apps:
            warm(app)
        wait_until(keeper.stalled.is_set, "the reminders were being sent")
        (holder,) = leases.holders(demo_ctx.store.url, leases.SCHEDULER)
        (dying,) = [a for a in apps if a.process.pid == holder]
        (survivor,) = [a for a in apps if a is not dying]
        dying.process.kill()  # mid-message: claimed, handed to the mail server, unanswered
        dying.process.wait()
        keeper.released.set()
        wait_until(lambda: len(mail.messages) >= len(leaders), "every reminder went out")
        wait_until(
            lambda: leases.holders(demo_ctx.store.url, leases.SCHEDULER) == [survivor.process.pid],
            "the survivor has the duty",
        )
        assert survivor.process.poll() is None, survivor.log_text()
    finally:
        keeper.released.set()
        for app in apps:
            app.stop()
        mail.stop()
    received = Counter(m["To"] for m in mail.messages)
    assert set(received) == leaders and set(received.values()) == {1}, received
    assert {m["X-Dtmaturity-Kind"] for m in mail.messages} == {"reminder_2"}
    with demo_ctx.store.reader() as cur:
        rows = cur.execute(
            """SELECT status, attempts, count(*) FROM mail_message WHERE kind = 'reminder_2'
               GROUP BY status, attempts"""
        ).fetchall()
    # The one the killed process was sending: marked interrupted, then sent by the survivor.
    assert sorted(rows) == [("sent", 1, len(leaders) - 1), ("sent", 2, 1)]
