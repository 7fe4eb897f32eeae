"""The `dtmaturity rounds …` commands as jobs: run by the command line when it can open the
database, or by the running server on the command line's behalf (services/spool.py).

A job is a small dict (`{"command": "remind", "dry_run": true}`) and its outcome is the exit
status and the lines to print, so both ways print exactly the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dtmaturity.domain import clock, settings
from dtmaturity.domain.access import AccessDenied
from dtmaturity.domain.i18n import t
from dtmaturity.domain.mailconfig import MailConfigError
from dtmaturity.domain.release import CLOSED, RoundError
from dtmaturity.services import reminders, roundaccess, roundprogress, rounds
from dtmaturity.services.context import Context

COMMANDS = ("list", "open", "close", "reopen", "remind")


@dataclass
class Outcome:
    exit: int = 0
    out: list[str] = field(default_factory=list)
    err: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"exit": self.exit, "out": self.out, "err": self.err}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Outcome:
        return cls(int(data.get("exit", 1)), list(data.get("out", [])), list(data.get("err", [])))


def _day(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise RoundError("round_bad_date", option=name, value=text) from exc


def _list(ctx: Context) -> Outcome:
    outcome = Outcome()
    for r in roundaccess.visible(ctx):
        table = roundprogress.progress(ctx, r)
        outcome.out.append(
            f"{r.round_id}\t{r.period}\t{r.unit_id}\t{r.state}\topens {r.opens_on}\t"
            f"deadline {r.deadline}\t{int(table['answered'].sum())} of "
            f"{int(table['expected'].sum())} answered"
        )
    if not outcome.out:
        outcome.err.append("no rounds")
    return outcome


def _remind(ctx: Context, dry_run: bool) -> Outcome:
    report = reminders.run(ctx, dry_run=dry_run)
    return Outcome(1 if report.failed or report.busy else 0, report.lines())


def execute(ctx: Context, job: dict[str, Any]) -> Outcome:
    """Run one job as the acting person; errors become messages, never tracebacks."""
    command = job.get("command")
    try:
        if command == "list":
            return _list(ctx)
        if command == "remind":
            return _remind(ctx, bool(job.get("dry_run")))
        if command == "open":
            settings.mail()  # a wrong mail setting stops before the round is opened
            r = rounds.open_round(
                ctx,
                job.get("unit") or _only_top(ctx),
                str(job.get("period", "")),
                _day(job.get("deadline"), "--deadline") or clock.today(),
                opens_on=_day(job.get("opens"), "--opens"),
            )
            lines = [
                f"opened round {r.round_id}: {r.unit_id} {r.period}, {r.state}, "
                f"opens {r.opens_on}, deadline {r.deadline}"
            ]
            sent = _remind(ctx, False)
            return Outcome(sent.exit, lines + sent.out)
        if command in ("close", "reopen"):
            return _change(ctx, command, str(job.get("period", "")), job.get("unit"), job)
        return Outcome(2, err=[f"unknown rounds command {command!r}"])
    except RoundError as exc:
        return Outcome(1, err=[t("en", exc.key, **exc.params)])
    except MailConfigError as exc:
        return Outcome(2, err=[f"mail settings: {exc}"])
    except AccessDenied as exc:
        return Outcome(1, err=[t("en", exc.key, **exc.params)])


def _change(ctx: Context, command: str, period: str, unit: str | None, job: dict) -> Outcome:
    """Close or reopen a round: without `yes`, only say what it would do (who has not
    answered, the days left), like the page's confirmation, and change nothing."""
    closing = command == "close"
    if closing:
        question = rounds.close_question(ctx, period, unit)
        said = question.text("en")
        r = question.round
    else:
        r = rounds.find(ctx, period, unit)
        if r.state != CLOSED:
            raise RoundError("round_not_closed", unit=r.unit_id, period=period)
        said = t("en", "round_reopen_question", unit=r.unit_id, period=r.period)
    if not job.get("yes"):
        return Outcome(1, [said], [t("en", "rounds_cli_confirm")])
    change = rounds.close_round if closing else rounds.reopen_round
    r = change(ctx, period, unit)
    line = f"{command}d round {r.round_id}: {r.unit_id} {r.period}, {r.state}"
    if closing:
        line += f" ({question.missing} of {question.expected} had not answered)"
    return Outcome(0, [line])


def _only_top(ctx: Context) -> str:
    from dtmaturity.services import authz

    tops = [u for u, parent in authz.parents(ctx).items() if parent is None]
    if len(tops) != 1:
        raise RoundError("round_unit_needed", units=", ".join(sorted(tops)) or "-")
    return tops[0]
