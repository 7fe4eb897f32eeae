"""Save and load quarterly check-ins; find last quarter's answers for comparison."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from dtmaturity.domain import formats, plan, release
from dtmaturity.domain.model import CheckIn, FieldError, validate
from dtmaturity.domain.periods import Period, recent_periods
from dtmaturity.services import authz, release_rule, releases
from dtmaturity.services.context import Context
from dtmaturity.store import DatabaseError, StoreError, queries
from dtmaturity.store import drafts as drafts_sql
from dtmaturity.store import plans as plan_queries
from dtmaturity.store import releases as releases_sql

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckInForm:
    """What the check-in page shows: this period's answers (if any) and the previous ones."""

    current: CheckIn | None
    previous: CheckIn | None
    current_saved_at: datetime | None = None


@dataclass(frozen=True)
class SaveResult:
    errors: list[FieldError] = field(default_factory=list)
    updated: bool = False
    held: bool = False  # the quarter was already released: held until it is released again

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Quarter:
    """A recent quarter on the check-in page: offered when a check-in for it would be stored,
    else the reason it is not (`reason`, a message key, with its `params`)."""

    period: str
    offered: bool
    reason: str | None = None
    params: dict[str, object] = field(default_factory=dict)


def quarters(ctx: Context, unit_id: str, *, today: date | None = None) -> list[Quarter]:
    """The last eight quarters, newest first, each offered only when a check-in of the acting
    person for it would be stored: not after its round closed or it was locked, and not in a
    quarter already released, unless late check-ins are allowed (then held for a re-release)
    or the person has a check-in there already (an amendment, held the same way)."""
    authz.require_checkin(ctx, unit_id)
    periods = [str(p) for p in recent_periods(8, until=Period.current(today))]
    with ctx.store.reader() as cur:
        gate = release_rule.gate(cur, periods, hold=False)
        own = queries.own_periods(cur, unit_id, ctx.actor.user_id)
    out = []
    for period in periods:
        refusal = gate.refusal(unit_id, period)
        covering = release_rule.covering(ctx, unit_id, period) if refusal else None
        if covering is not None and covering.state == release.CLOSED:
            # Closing a round over the whole organisation also locks its quarter: the round
            # is what the person knows of, so it is named, with the day it closed.
            closed = covering.closed_at
            day = formats.long_date(formats.local_time(closed), ctx.lang) if closed else ""
            key = "checkin_closed_round" if day else "checkin_closed_round_undated"
            out.append(Quarter(period, False, key, {"period": period, "date": day}))
        elif refusal is not None:
            out.append(Quarter(period, False, "checkin_closed_locked", {"period": period}))
        elif (
            period not in own
            and not gate.allow_late
            and releases.is_late(ctx, unit_id, period, today)
        ):
            out.append(Quarter(period, False, "checkin_closed_released", {"period": period}))
        else:
            out.append(Quarter(period, True))
    return out


def default_unit(ctx: Context, unit_ids: list[str]) -> str | None:
    """The unit a check-in starts at: the first of these the person leads by name (not as an
    admin or a leader of every unit), else the first."""
    led = {g.unit_id for g in ctx.actor.grants if g.role == "leader"}
    return next((u for u in unit_ids if u in led), unit_ids[0] if unit_ids else None)


class _Refused(Exception):
    """The quarter closed to the check-in inside its write transaction: rolled back."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.key)
        self.error = error


def _refusal(cur: queries.Cursor, checkin: CheckIn, *, hold: bool = True) -> FieldError | None:
    """Why this check-in cannot go into its quarter now (a period lock, a closed round)."""
    key = release_rule.gate(cur, [checkin.period], hold=hold).refusal(
        checkin.unit_id, checkin.period
    )
    return None if key is None else FieldError("period", key, {"value": checkin.period})


def _key(unit_id: str, period: str, respondent: str) -> tuple[str, str, str]:
    return (unit_id, period, respondent)


def _held(
    ctx: Context, unit_id: str, period: str, respondent: str
) -> tuple[CheckIn | None, datetime | None]:
    """The person's check-in held for a released quarter, as they saved it last."""
    held = releases.held_checkin(ctx, _key(unit_id, period, respondent))
    if held is None:
        return None, None
    roles: dict[str, list[str]] = {}
    for kind, role_id in held["roles"]:
        roles.setdefault(kind, []).append(role_id)
    checkin = CheckIn(
        unit_id=unit_id,
        period=period,
        respondent=respondent,
        scores={item: score for item, score, _, _ in held["answers"] if score is not None},
        comments={item: comment for item, _, _, comment in held["answers"] if comment},
        not_known=set(held.get("not_known", [])),
        roles=roles,
        reflections=dict(held["reflections"]),
        framework_version=held["framework_version"],
        target_period=held["target_period"],
        targets={item: score for item, score, _ in held["targets"]},
    )
    return checkin, None


def _load(
    ctx: Context, unit_id: str, period: str, respondent: str
) -> tuple[CheckIn | None, datetime | None]:
    held = _held(ctx, unit_id, period, respondent)
    if held[0] is not None:
        return held
    with ctx.store.reader() as cur:
        parts = queries.load_checkin(cur, _key(unit_id, period, respondent))
        target_period, targets = plan_queries.load_targets(cur, _key(unit_id, period, respondent))
    if parts is None:
        return None, None
    roles: dict[str, list[str]] = {}
    for kind, role_id in parts["roles"]:
        roles.setdefault(kind, []).append(role_id)
    checkin = CheckIn(
        unit_id=unit_id,
        period=period,
        respondent=respondent,
        scores={item: score for item, score, _, _ in parts["answers"] if score is not None},
        comments={item: comment for item, _, comment, _ in parts["answers"] if comment},
        not_known={item for item, score, _, flag in parts["answers"] if flag and score is None},
        roles=roles,
        reflections=dict(parts["reflections"]),
        framework_version=parts["framework_version"],
        target_period=target_period,
        targets=dict(targets),
    )
    return checkin, parts["updated_at"]


def load_form(ctx: Context, unit_id: str, period: str) -> CheckInForm:
    """The acting person's check-in for this unit and period, and their most recent earlier one."""
    authz.require_checkin(ctx, unit_id)
    respondent = ctx.actor.user_id
    with ctx.store.reader() as cur:
        previous_period = queries.previous_period_with_checkin(cur, unit_id, period, respondent)
    current, saved_at = _load(ctx, unit_id, period, respondent)
    previous = _load(ctx, unit_id, previous_period, respondent)[0] if previous_period else None
    return CheckInForm(current=current, previous=previous, current_saved_at=saved_at)


def save(ctx: Context, checkin: CheckIn, *, today: date | None = None) -> SaveResult:
    """Validate and store a check-in of the acting person; re-submitting updates it in place."""
    authz.require_checkin(ctx, checkin.unit_id)
    checkin.respondent = ctx.actor.user_id
    with ctx.store.reader() as cur:
        known_units = {row[0] for row in queries.units(cur)}
        # Said at once with the form's other errors; the write decides again (see `work`).
        refused = _refusal(cur, checkin, hold=False)
    errors = validate(
        ctx.framework, checkin, known_units=known_units, today_period=Period.current(today)
    )
    if refused is not None:
        errors.append(refused)
    errors += plan.target_errors(
        ctx.framework, checkin.period, checkin.target_period, checkin.targets
    )
    if errors:
        return SaveResult(errors=errors)
    framework = ctx.framework
    key = _key(checkin.unit_id, checkin.period, checkin.respondent)

    def hold(cur: queries.Cursor) -> None:
        releases_sql.hold(
            cur,
            key,
            source=releases.CHECKIN,
            import_id=None,
            actor=ctx.actor.user_id,
            payload=releases.checkin_payload(
                framework_version=framework.version_key,
                answers=checkin.answer_rows(framework),
                roles=checkin.role_rows(),
                reflections=checkin.reflection_rows(),
                target_period=checkin.target_period,
                targets=checkin.target_rows(framework),
                not_known=checkin.not_known_rows(),
            ),
        )

    def work(cur: queries.Cursor) -> tuple[bool, bool]:
        """(updated, held). Decided inside the transaction that writes: a round closed since
        the check above refuses the save instead of letting it in after the close, and a
        quarter released meanwhile holds it."""
        if (late := _refusal(cur, checkin)) is not None:
            raise _Refused(late)
        held = releases.is_late(ctx, checkin.unit_id, checkin.period, today)
        if held:
            hold(cur)  # a released quarter holds still: shown after a re-release
            updated = False
        else:
            updated = queries.save_checkin(
                cur,
                key,
                framework_version=framework.version_key,
                answers=checkin.answer_rows(framework),
                roles=checkin.role_rows(),
                reflections=checkin.reflection_rows(),
                not_known=checkin.not_known_rows(),
            )
            # Targets belong to the check-in: stored (or cleared) in the same transaction.
            plan_queries.save_targets(
                cur, key, checkin.target_period, checkin.target_rows(framework)
            )
        # What was saved is no longer a draft.
        drafts_sql.delete(cur, checkin.respondent, checkin.unit_id, checkin.period)
        return updated, held

    try:
        updated, held = ctx.write(
            work,
            "checkin.save",
            "/".join(key),
            lambda done: {
                "updated": done[0],
                "held": done[1],
                "framework_version": framework.version_key,
            },
        )
    except _Refused as refused:
        return SaveResult(errors=[refused.error])
    except (StoreError, *DatabaseError) as exc:
        # Rolled back as a whole. The log names the kind of failure only: the database's message
        # may spell the key, which holds the respondent's e-mail.
        log.warning("A check-in save failed and was rolled back (%s).", type(exc).__name__)
        return SaveResult(errors=[FieldError("save", "save_failed")])
    return SaveResult(updated=updated, held=held)
