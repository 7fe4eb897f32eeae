"""Rounds and the release rule: when a quarter's figures may be shown, and which e-mail is due.
Pure Python.

A *round* asks the leaders of one unit's subtree to check in for one quarter, between an
opening date and a deadline. Its states: planned (opens later) → open → closed; a closed round
can be reopened.

**Release rule.** Figures that change with every new check-in let anyone who watches them work
out the newcomer's answers (compare the figures before and after one more check-in). So a
quarter's figures are *released* for a unit only when they can no longer change:

- for every unit in the subtree, the round that covers it for that quarter (a round at the unit
  or at one of its ancestors) is closed; or
- where no round covers a unit, the quarter has ended (organisations that do not use rounds).

A round that is still planned or open keeps the whole subtree's quarter unreleased, whether or
not its deadline has passed. The dashboards default to the latest released quarter; an
unreleased quarter shows only its participation. A leader always sees their own answers (on
the check-in page).

**Messages.** An invitation when the round opens, then a reminder when the deadline is
REMINDER_DAYS away (7 and 2 days before), each at most once per leader, unit and round, never
two on the same day and never after the deadline, and none to a leader who has checked in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from dtmaturity.domain.access import ancestors_and_self
from dtmaturity.domain.periods import Period

PLANNED, OPEN, CLOSED = "planned", "open", "closed"
STATES = (PLANNED, OPEN, CLOSED)
INVITATION = "invitation"
REMINDER_DAYS = (7, 2)  # reminders this many days before the deadline
KINDS = (INVITATION, *(f"reminder_{days}" for days in REMINDER_DAYS))

Parents = Mapping[str, str | None]


class RoundError(ValueError):
    """A round that cannot be opened, closed or reopened as asked; `key` names the message."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key} {params}")


@dataclass(frozen=True)
class Round:
    round_id: int
    unit_id: str
    period: str
    opens_on: date
    deadline: date
    state: str
    allow_late: bool = False
    closed_at: datetime | None = None


def validate_new(
    unit_id: str,
    period: str,
    opens_on: date,
    deadline: date,
    existing: Iterable[Round],
    parents: Parents,
) -> None:
    """Refuse a round that cannot be: a bad quarter, a deadline before the opening, or an
    overlap with another round of the same quarter (each leader is asked once per quarter)."""
    try:
        quarter = Period.parse(period)
    except ValueError as exc:
        raise RoundError("round_bad_period", value=period) from exc
    if unit_id not in parents:
        raise RoundError("round_unknown_unit", value=unit_id)
    if deadline < opens_on:
        raise RoundError("round_deadline_before_opening", deadline=deadline, opens=opens_on)
    if Period.of_date(deadline) < quarter:
        raise RoundError("round_deadline_before_quarter", deadline=deadline, period=period)
    for other in existing:
        if other.period != period:
            continue
        if overlaps(other.unit_id, unit_id, parents):
            raise RoundError("round_overlaps", unit=other.unit_id, period=period)


def overlaps(a: str, b: str, parents: Parents) -> bool:
    """Whether the subtrees of a and b share a unit (one is an ancestor of the other)."""
    return a in ancestors_and_self(b, parents) or b in ancestors_and_self(a, parents)


def covering(unit_id: str, period: str, rounds: Iterable[Round], parents: Parents) -> Round | None:
    """The round that asks this unit's leaders for this quarter: at the unit or an ancestor."""
    chain = ancestors_and_self(unit_id, parents)
    best: tuple[int, Round] | None = None
    for r in rounds:
        if r.period == period and r.unit_id in chain:
            depth = chain.index(r.unit_id)
            if best is None or depth < best[0]:
                best = (depth, r)
    return best[1] if best else None


def _subtree(unit_id: str, parents: Parents) -> list[str]:
    children: dict[str | None, list[str]] = {}
    for unit, parent in parents.items():
        children.setdefault(parent, []).append(unit)
    found, todo = [], [unit_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        todo += children.get(current, [])
    return found


def has_ended(period: str, today: date) -> bool:
    return Period.parse(period) < Period.current(today)


def is_released(
    unit_id: str, period: str, rounds: Iterable[Round], parents: Parents, today: date
) -> bool:
    """The release rule (module docstring) for one unit's subtree and quarter."""
    of_period = [r for r in rounds if r.period == period]
    ended = has_ended(period, today)
    if not of_period:
        return ended
    for unit in _subtree(unit_id, parents):
        r = covering(unit, period, of_period, parents)
        if r is None:
            if not ended:
                return False
        elif r.state != CLOSED:
            return False
    return True


def released(
    unit_id: str, periods: Iterable[str], rounds: Iterable[Round], parents: Parents, today: date
) -> list[str]:
    """The given periods that are released for the unit, in the given order."""
    rounds = list(rounds)
    return [p for p in periods if is_released(unit_id, p, rounds, parents, today)]


def state_on(r: Round, today: date) -> str:
    """A planned round is open from its opening date."""
    if r.state == PLANNED and today >= r.opens_on:
        return OPEN
    return r.state


def due_kind(r: Round, today: date, sent: Mapping[str, date]) -> str | None:
    """The message due today for one leader and unit of an open round, given the kinds already
    sent to them for it (kind → day sent); None when nothing is due."""
    if state_on(r, today) != OPEN or today > r.deadline:
        return None
    if INVITATION not in sent:
        return INVITATION
    if max(sent.values()) >= today:
        return None  # never two messages on one day
    days_left = (r.deadline - today).days
    windows = [days for days in REMINDER_DAYS if days_left <= days]
    if not windows:
        return None
    kind = f"reminder_{min(windows)}"
    return None if kind in sent else kind


def days_left(deadline: date, today: date) -> int:
    return (deadline - today).days
