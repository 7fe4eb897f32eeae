"""Invitations and reminders by e-mail for open rounds (standard library smtplib and email).

One run (`run`): for every open round the acting person runs, every registered leader of its
units who has not checked in gets the message that is due (release.due_kind), at most once per
leader, unit, round and kind. Each message is claimed in the database before it is sent and its
outcome recorded after (status, attempts, error), each step audited; a failed message is
retried by the next run. A message holds the unit, the quarter, the deadline and a link to the
check-in, never an answer, a score or a comment.

Runs never overlap. In one process a lock per database keeps them apart; on PostgreSQL, where
several app processes and the command line share the database, a run sends only while it holds
the database's sending lease (store/leases.py: an advisory lock held on a connection of its
own, released by the server when the holder dies). So one run at a time claims, sends and
records, and a message left 'pending' that a run finds is one whose sender has died: it is
marked failed and sent again. A message is sent at most once per claim, and claimed at most
once (the row's unique key, and its status); the one window left is a sender killed after the
mail server took the message and before its 'sent' was committed (a few milliseconds).

The running server starts a background thread (services/scheduler.py) that runs this on a
schedule and on request.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from dtmaturity.domain import clock, mailconfig, release, settings
from dtmaturity.domain.mailconfig import MailConfig, MailConfigError
from dtmaturity.domain.release import Round
from dtmaturity.services import authz, roundaccess, roundprogress, rounds
from dtmaturity.services.context import Context
from dtmaturity.services.mailmessages import Planned, message_bytes, subject_and_bodies
from dtmaturity.store import leases
from dtmaturity.store import rounds as sql

__all__ = ["MailConfigError", "RunReport", "run", "plan"]

SMTP_TIMEOUT = 20  # seconds per connection attempt
SENDING_WAIT = 120.0  # seconds a run waits for another process's run to finish sending
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(ctx: Context) -> threading.Lock:
    key = str(ctx.store.path)
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


@dataclass
class RunReport:
    planned: list[Planned] = field(default_factory=list)
    sent: list[Planned] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    dry_run: bool = False
    mail_configured: bool = True
    busy: bool = False  # another process kept sending for longer than SENDING_WAIT

    def lines(self) -> list[str]:
        if self.busy:
            return ["another process is sending the mail due now; nothing was sent by this run"]
        if self.dry_run:
            out = [p.line("would be sent") for p in self.planned]
            return out + [f"dry run: {len(self.planned)} messages would be sent, none was"]
        out = [p.line("sent") for p in self.sent]
        out += [p.line(f"FAILED ({error}); retried at the next run") for p, error in self.failed]
        if not self.mail_configured and self.planned:
            out.append(
                f"mail is not configured ({mailconfig.SMTP_URL} is unset): "
                f"{len(self.planned)} messages are due and were not sent"
            )
        out.append(f"{len(self.sent)} sent, {len(self.failed)} failed")
        return out


def _due(ctx: Context, r: Round, today: date, names: dict[str, str]) -> list[Planned]:
    frame = roundprogress.expected(ctx, r)
    with ctx.store.reader() as cur:
        sent = sql.sent_kinds(cur, r.round_id)
    found = []
    for row in frame.itertuples(index=False):
        if row.checked_in:
            continue  # nothing to someone who has checked in
        kind = release.due_kind(r, today, sent.get((row.unit_id, row.person_id), {}))
        if kind is None:
            continue
        lang = row.lang if row.lang in roundprogress.BABEL_LOCALES else "nb"
        found.append(
            Planned(
                r.round_id,
                r.period,
                r.deadline,
                row.unit_id,
                names.get(row.unit_id, row.unit_id),
                row.person_id,
                row.email,
                lang,
                kind,
            )
        )
    return found


def plan(ctx: Context, today: date | None = None) -> list[Planned]:
    """The messages due now in the rounds the acting person runs (who would get what)."""
    today = today or clock.today()
    names = roundprogress._names(ctx)
    found: list[Planned] = []
    for r in roundaccess.visible(ctx):
        if release.state_on(r, today) == release.OPEN:
            found += _due(ctx, r, today, names)
    return found


def _connect(config: MailConfig) -> smtplib.SMTP:
    if config.tls:
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        server = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT)
    if config.starttls:
        server.starttls(context=ssl.create_default_context())
    if config.user:
        server.login(config.user, config.password or "")
    return server


def _reason(exc: BaseException) -> str:
    """Why a send failed, in words, without any personal data."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the mail server refused the login ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the recipient"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the mail server answered {exc.smtp_code}"
    if isinstance(exc, ConnectionRefusedError):
        return "the mail server refused the connection"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "the mail server did not answer in time"
    if isinstance(exc, OSError | smtplib.SMTPException):
        return f"could not reach the mail server ({type(exc).__name__})"
    return type(exc).__name__


def run(
    ctx: Context,
    *,
    dry_run: bool = False,
    today: date | None = None,
    config: MailConfig | None | Callable[[], MailConfig | None] = settings.mail,
) -> RunReport:
    """Send what is due now (see the module docstring); with dry_run only say what would go.
    Raises MailConfigError for a wrong mail setting (before anything is written)."""
    authz.require_rounds(ctx)
    today = today or clock.today()
    mail_config = config() if callable(config) else config
    with _lock_for(ctx), _sending(ctx, dry_run) as ours:
        if not ours:
            return RunReport(dry_run=dry_run, busy=True)
        if not dry_run:
            rounds.start_planned(ctx, today)
            _recover_interrupted(ctx)
        report = RunReport(planned=plan(ctx, today), dry_run=dry_run)
        report.mail_configured = mail_config is not None
        if dry_run or mail_config is None or not report.planned:
            return report
        server: smtplib.SMTP | None = None
        unreachable: str | None = None  # once the server cannot be reached, stop trying
        try:
            for planned in report.planned:
                mail_id = ctx.write(
                    lambda cur, p=planned: sql.claim_message(
                        cur, p.round_id, p.unit_id, p.person_id, p.kind, p.email, p.lang
                    ),
                    "mail.claim",
                    _target(planned),
                    {"kind": planned.kind},
                )
                if mail_id is None:
                    continue  # sent meanwhile
                error = None
                try:
                    if not planned.email:
                        raise ValueError("no e-mail address registered")
                    if unreachable:
                        raise ValueError(unreachable)
                    if server is None:
                        try:
                            server = _connect(mail_config)
                        except (OSError, smtplib.SMTPException) as exc:
                            unreachable = _reason(exc)
                            raise
                    data = message_bytes(mail_config, planned, today)
                    server.sendmail(mail_config.sender, [planned.email], data)
                except ValueError as exc:  # UnsafeMessage too: this one is not sent, others are
                    error = str(exc)
                except (OSError, smtplib.SMTPException) as exc:
                    error = _reason(exc)
                    if server is not None:
                        _quit(server)
                    server = None  # reconnect for the next one
                ctx.write(
                    lambda cur, mid=mail_id, e=error: sql.finish_message(cur, mid, error=e),
                    "mail.sent" if error is None else "mail.failed",
                    _target(planned),
                    {"mail_id": mail_id, "kind": planned.kind, "error": error},
                )
                if error is None:
                    report.sent.append(planned)
                else:
                    report.failed.append((planned, error))
        finally:
            if server is not None:
                _quit(server)
        return report


@contextmanager
def _sending(ctx: Context, dry_run: bool) -> Iterator[bool]:
    """Hold the database's sending lease for a run that sends (PostgreSQL only: on a DuckDB
    file this process is the only one); yields False when it stayed taken too long."""
    if dry_run or not ctx.store.is_postgres:
        yield True
        return
    lease = leases.Lease(ctx.store.url, leases.SENDING)
    try:
        yield lease.wait(SENDING_WAIT)
    finally:
        lease.close()


def _quit(server: smtplib.SMTP) -> None:
    try:
        server.quit()
    except (OSError, smtplib.SMTPException):
        server.close()


def _target(planned: Planned) -> str:
    return f"round:{planned.round_id}/{planned.unit_id}/{planned.person_id}"


def _recover_interrupted(ctx: Context) -> None:
    """Messages still 'pending' from a process that stopped while sending: marked failed (it is
    unknown whether they went out), so they are shown and retried."""
    with ctx.store.reader() as cur:
        stale = sql.unfinished(cur)
    for mail_id in stale:
        ctx.write(
            lambda cur, m=mail_id: sql.finish_message(
                cur, m, error="interrupted while sending; retried"
            ),
            "mail.failed",
            f"mail:{mail_id}",
            {"mail_id": mail_id, "error": "interrupted"},
        )


def log(ctx: Context, round_ids: list[int] | None = None):
    """The e-mail log of the rounds the acting person runs (newest last)."""
    visible = [r.round_id for r in roundaccess.visible(ctx)]
    ids = visible if round_ids is None else [i for i in round_ids if i in visible]
    with ctx.store.reader() as cur:
        return sql.messages(cur, ids)


def preview(
    ctx: Context,
    r: Round,
    lang: str,
    today: date | None = None,
    *,
    local_url: str = "http://localhost:8501",
) -> list[tuple[str, str, str]]:
    """(kind, subject, text) of the invitation and a reminder of a round, as a leader would
    get them on the day each is sent (the reminder N days before the deadline says N days
    left), for the Rounds page. Links use DTMATURITY_BASE_URL, else `local_url` (the address
    the app runs on, which the page knows)."""
    roundaccess.require_run(ctx, r.unit_id)
    today = today or clock.today()
    unit = roundprogress._names(ctx).get(r.unit_id, r.unit_id)
    last = release.REMINDER_DAYS[-1]
    shown = []
    for kind, day in (
        (release.INVITATION, today),
        (f"reminder_{last}", r.deadline - timedelta(days=last)),
    ):
        sample = Planned(r.round_id, r.period, r.deadline, r.unit_id, unit, "", "", lang, kind)
        subject, text, _ = subject_and_bodies(sample, _base_url(local_url), day)
        shown.append((kind, subject, text))
    return shown


def _base_url(local_url: str) -> str:
    """DTMATURITY_BASE_URL where it is set, else the address this app runs on (the preview's
    links then lead to this app, whatever its port)."""
    configured = settings.current().base_url
    return local_url if configured == settings.DEFAULT_BASE_URL else configured
