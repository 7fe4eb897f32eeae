"""Map a check-in to the check-in page's widget keys and back. Pure Python.

Keys: `score:<item>`, `comment:<item>`, `roles:<kind>`, `reflection:<question>`, `target:<item>`
and `target_period`; the same names
are the `field` of a validation error, so each message lands next to its widget. A score is a
level of the item's scale or NOT_KNOWN ("do not know / not relevant").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dtmaturity.domain.framework import Framework
from dtmaturity.domain.model import MAX_ROLES_PER_KIND, ROLE_KINDS, CheckIn

NOT_KNOWN = "not_known"  # the score option "do not know / not relevant"


def to_widgets(framework: Framework, checkin: CheckIn | None) -> dict[str, Any]:
    """Widget values that show `checkin` (or an empty form when None)."""
    values: dict[str, Any] = {}
    for item in framework.items:
        values[f"score:{item.id}"] = _score(checkin, item.id)
        values[f"comment:{item.id}"] = checkin.comments.get(item.id, "") if checkin else ""
    for kind in ROLE_KINDS:
        picks = checkin.roles.get(kind, []) if checkin else []
        values[f"roles:{kind}"] = [r for r in picks if r in framework.roles_by_id]
    for question in framework.questions:
        values[f"reflection:{question.id}"] = (
            checkin.reflections.get(question.id, "") if checkin else ""
        )
    for item in framework.items:
        values[f"target:{item.id}"] = checkin.targets.get(item.id) if checkin else None
    values["target_period"] = checkin.target_period if checkin else None
    return values


def from_widgets(
    framework: Framework, values: Mapping[str, Any], *, unit_id: str, period: str, respondent: str
) -> CheckIn:
    """The check-in the form currently describes."""
    return CheckIn(
        unit_id=unit_id,
        period=period,
        respondent=respondent,
        scores={
            item.id: values.get(f"score:{item.id}")
            for item in framework.items
            if values.get(f"score:{item.id}") != NOT_KNOWN
        },
        not_known={
            item.id for item in framework.items if values.get(f"score:{item.id}") == NOT_KNOWN
        },
        comments={
            item.id: str(values.get(f"comment:{item.id}") or "")
            for item in framework.items
            if str(values.get(f"comment:{item.id}") or "").strip()
        },
        roles={kind: list(values.get(f"roles:{kind}") or []) for kind in ROLE_KINDS},
        reflections={
            q.id: str(values.get(f"reflection:{q.id}") or "")
            for q in framework.questions
            if str(values.get(f"reflection:{q.id}") or "").strip()
        },
        target_period=values.get("target_period") or None,
        targets={
            item.id: values.get(f"target:{item.id}")
            for item in framework.items
            if values.get(f"target:{item.id}") is not None
        },
    )


def from_draft(framework: Framework, draft: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values from a stored draft, keeping only keys and values the form can show now
    (the framework may have changed since the draft was typed). Missing keys get the empty
    form's values."""
    values = to_widgets(framework, None)
    for item in framework.items:
        score = draft.get(f"score:{item.id}")
        values[f"score:{item.id}"] = (
            score if score in item.scale.values or score == NOT_KNOWN else None
        )
        target = draft.get(f"target:{item.id}")
        values[f"target:{item.id}"] = target if target in item.scale.values else None
        values[f"comment:{item.id}"] = _text(draft.get(f"comment:{item.id}"))
    for kind in ROLE_KINDS:
        picks = draft.get(f"roles:{kind}")
        picks = picks if isinstance(picks, list) else []
        picks = [r for r in picks if r in framework.roles_by_id]
        values[f"roles:{kind}"] = picks[:MAX_ROLES_PER_KIND]  # the picker stops at the most
    for question in framework.questions:
        values[f"reflection:{question.id}"] = _text(draft.get(f"reflection:{question.id}"))
    period = draft.get("target_period")
    values["target_period"] = period if isinstance(period, str) else None
    return values


def _score(checkin: CheckIn | None, item_id: str) -> int | str | None:
    if checkin is None:
        return None
    return NOT_KNOWN if item_id in checkin.not_known else checkin.scores.get(item_id)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
