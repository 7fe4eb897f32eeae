"""Save and load quarterly check-ins; find last quarter's answers for comparison."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from dtmaturity.domain import plan
from dtmaturity.domain.model import CheckIn, FieldError, validate
from dtmaturity.domain.periods import Period
from dtmaturity.services import authz, releases, rounds
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


class _Refused(Exception):
    """The quarter closed to the check-in inside its write transaction: rolled back."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.key)
        self.error = error


def _refusal(cur: queries.Cursor, checkin: CheckIn, *, hold: bool = True) -> FieldError | None:
    """Why this check-in cannot go into its quarter now (a period lock, a closed round)."""
    key = rounds.gate(cur, [checkin.period], hold=hold).refusal(checkin.unit_id, checkin.period)
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
        scores={item: score for item, score, _ in parts["answers"] if score is not None},
        comments={item: comment for item, _, comment in parts["answers"] if comment},
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
