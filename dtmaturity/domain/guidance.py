"""Guidance after results: when an item calls for "ideas for the next step" (its figure is low,
far from its target, or has fallen since last quarter), from the framework file's resources and
example actions. Pure rules; the figures come from the dashboard services."""

from __future__ import annotations

import math

from dtmaturity.domain.framework import Item

LOW, GAP, FALLEN = "low", "gap", "fallen"
GAP_AT_LEAST = 1.0  # a whole step on the scale below the target
FALL_AT_LEAST = 0.2  # a fall this large since last quarter is more than noise


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def reasons(item: Item, mean: object, gap: object, change: object) -> list[str]:
    """Why the item calls for ideas, in order (LOW, GAP, FALLEN); empty when it does not, or
    when its figure is hidden (no mean: nothing to judge, nothing to reveal)."""
    mean_, gap_, change_ = _number(mean), _number(gap), _number(change)
    if mean_ is None:
        return []
    middle = (item.scale.min + item.scale.max) / 2
    found = []
    if mean_ < middle:
        found.append(LOW)
    if gap_ is not None and gap_ >= GAP_AT_LEAST:
        found.append(GAP)
    if change_ is not None and change_ <= -FALL_AT_LEAST:
        found.append(FALLEN)
    return found
