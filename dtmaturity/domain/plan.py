"""Targets and actions: what they are and the rules they must satisfy. Pure Python.

A target is part of one leader's check-in: the score the leader aims for on a theme or
competency by a chosen later quarter. An action belongs to a unit, works on one or more items
(theme, competency or role ids), has an owner (a person of the unit), a due quarter and a status.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dtmaturity.domain.framework import Framework
from dtmaturity.domain.model import FieldError, score_range_error
from dtmaturity.domain.periods import Period, PeriodError
from dtmaturity.domain.textrules import line_problem, shown, text_problem

STATUSES = ("planned", "in_progress", "done", "dropped")
OPEN_STATUSES = ("planned", "in_progress")
CLOSED_STATUSES = ("done", "dropped")
MAX_DESCRIPTION_LENGTH = 2000
TARGET_HORIZON = 8  # quarters ahead a target period or due period may be chosen from the UI


def future_periods(after: str, count: int = TARGET_HORIZON) -> list[str]:
    """The `count` quarters after `after`, nearest first."""
    start = Period.parse(after)
    return [str(start.shift(i)) for i in range(1, count + 1)]


def due_choices(today: Period, count: int = TARGET_HORIZON) -> list[str]:
    """Quarters an action can be due in, from this quarter on."""
    return [str(today.shift(i)) for i in range(count + 1)]


def target_errors(
    framework: Framework, period: str, target_period: str | None, targets: dict[str, int | None]
) -> list[FieldError]:
    """Problems with a check-in's targets: a known item, a value on its scale, and a target
    period that lies after the check-in's own quarter."""
    chosen = {item: score for item, score in targets.items() if score is not None}
    if not chosen:
        return []
    errors: list[FieldError] = []
    if not target_period:
        errors.append(FieldError("target_period", "error_target_period_missing"))
    else:
        try:
            if Period.parse(target_period) <= Period.parse(period):
                errors.append(
                    FieldError(
                        "target_period",
                        "error_target_period_past",
                        {"value": target_period, "period": period},
                    )
                )
        except PeriodError:
            errors.append(FieldError("target_period", "error_bad_period", {"value": target_period}))
    for item_id, score in chosen.items():
        item = framework.items_by_id.get(item_id)
        if item is None:
            errors.append(FieldError(f"target:{item_id}", "error_unknown_item", {"value": item_id}))
        elif off_scale := score_range_error(f"target:{item_id}", item, score):
            errors.append(off_scale)
    return errors


@dataclass
class ActionDraft:
    """An action as a form or a file describes it, before it is stored."""

    unit_id: str
    items: list[str]
    description: str
    owner: str
    due_period: str
    status: str = "planned"
    source_question: str | None = None
    action_id: int | None = None
    problems: list[FieldError] = field(default_factory=list)


def item_ids(framework: Framework) -> list[str]:
    """Everything an action can be tied to: themes, competencies, then roles."""
    return [item.id for item in framework.items] + [role.id for role in framework.roles]


def item_label(framework: Framework, item_id: str, lang: str) -> str:
    if item_id in framework.roles_by_id:
        return framework.role_name(item_id, lang)
    return framework.item_name(item_id, lang)


def action_errors(
    framework: Framework,
    draft: ActionDraft,
    *,
    known_units: set[str],
    owners: set[str],
) -> list[FieldError]:
    """Every problem with an action, each naming its field, so a form shows it in place and an
    import reports it per column."""
    errors: list[FieldError] = []
    if draft.unit_id not in known_units:
        errors.append(FieldError("unit", "error_unknown_unit", {"value": draft.unit_id}))
    known_items = set(item_ids(framework))
    if not draft.items:
        errors.append(FieldError("items", "error_action_no_items"))
    for item in draft.items:
        if item not in known_items:
            errors.append(FieldError("items", "error_action_unknown_item", {"value": item}))
    text = draft.description.strip()
    refused = text_problem(text)
    if not text:
        errors.append(FieldError("description", "error_action_no_description"))
    elif refused:
        errors.append(FieldError("description", refused.key, _shown(refused.params, text)))
    elif len(text) > MAX_DESCRIPTION_LENGTH:
        errors.append(
            FieldError(
                "description",
                "error_too_long",
                {"length": len(text), "max": MAX_DESCRIPTION_LENGTH},
            )
        )
    refused = line_problem(draft.owner)
    if not draft.owner.strip():
        errors.append(FieldError("owner", "error_action_no_owner"))
    elif refused:
        errors.append(FieldError("owner", refused.key, _shown(refused.params, draft.owner)))
    elif draft.owner not in owners:
        errors.append(FieldError("owner", "error_action_owner_not_member", {"value": draft.owner}))
    try:
        Period.parse(draft.due_period)
    except PeriodError:
        errors.append(FieldError("due_period", "error_bad_period", {"value": draft.due_period}))
    if draft.status not in STATUSES:
        errors.append(
            FieldError(
                "status",
                "error_action_status",
                {"value": draft.status, "known": ", ".join(STATUSES)},
            )
        )
    return errors


def _shown(params: dict[str, object], value: str) -> dict[str, object]:
    """A refused value's message parameters, with the value as a message may show it."""
    return {**params, "value": shown(value)}


def closed_period(
    status: str, previous_status: str | None, previous_closed: str | None, now: str
) -> str | None:
    """The quarter an action counts as closed in: kept while it stays closed, set to `now` when
    it becomes done or dropped, cleared when it is reopened."""
    if status not in CLOSED_STATUSES:
        return None
    if previous_status == status and previous_closed:
        return previous_closed
    return now
