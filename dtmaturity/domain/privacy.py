"""Privacy: which figures may be shown, as one rule for scores, targets, role picks and
reflections. Plain Python; the store aggregates the counts it needs (dtmaturity/store/guard.py)
and the services apply the decision to every page.

What a viewer can see is modelled as one tree of groups per quarter and measure (an item's
scores, an item's targets for one target quarter, the check-ins behind role picks or
reflections). Each unit has two cells: the unit with every unit below it (`below=True`: the
unit page, the overview rows, the comparison lines, role picks "with units below",
reflections) and the unit's own leaders only (`below=False`: the overview's "own leaders" row,
role picks without units below). For a unit without units below both are the same group.

- A cell holding fewer than k answers (`min_respondents`, default 3; `min_reflections`,
  default 5, for free text) is hidden, reason `FEW`, unless every answer in it is the
  viewer's own. Imported answers count towards k only when their respondent is a registered
  leader of the unit (the store counts them so).
- Differencing across the whole tree: what a viewer can work out from every shown cell of every
  page and level is exactly, for each shown cell, its answers minus those of the shown cells
  directly inside it (its "residual"). Each residual must hold no answers, at least k, or
  only the viewer's own. Where one does not, the smallest complement is hidden too (fewest
  answers; reason `PROTECT`): a cell inside the shown one whose hiding adds at least k
  answers to the residual. A cell whose own answers are all covered by shown cells inside it
  gives no protection when hidden (it is their sum), so the complement then reaches down to
  one that does. A shown cell is never hidden for the sake of a group inside it.

The decision is made once per (unit tree, quarter, measure) from the counts alone, so every
page shows the same cells hidden, and a release rule per quarter can sit in front of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

MIN_RESPONDENTS_ENV = "DTMATURITY_MIN_RESPONDENTS"
MIN_REFLECTIONS_ENV = "DTMATURITY_MIN_REFLECTIONS"
DEFAULT_MIN_RESPONDENTS = 3
DEFAULT_MIN_REFLECTIONS = 5


class PrivacySettingError(ValueError):
    """A threshold setting is not a whole number of at least 1."""


@dataclass(frozen=True)
class Thresholds:
    min_respondents: int = DEFAULT_MIN_RESPONDENTS
    min_reflections: int = DEFAULT_MIN_REFLECTIONS


def _setting(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise PrivacySettingError(
            f"{name} must be a whole number of at least 1 (the smallest group whose figures may "
            f"be shown), got {raw!r}."
        )
    return value


def thresholds() -> Thresholds:
    """The thresholds in force: DTMATURITY_MIN_RESPONDENTS and DTMATURITY_MIN_REFLECTIONS."""
    return Thresholds(
        min_respondents=_setting(MIN_RESPONDENTS_ENV, DEFAULT_MIN_RESPONDENTS),
        min_reflections=_setting(MIN_REFLECTIONS_ENV, DEFAULT_MIN_REFLECTIONS),
    )


def visible(n: int, n_own: int, k: int) -> bool:
    """May a figure from `n` answers (of which `n_own` are the viewer's own) be shown?"""
    return n >= k or (n > 0 and n_own >= n)


FEW = "few"  # fewer than k answers
PROTECT = "protect"  # hidden so that a smaller group cannot be worked out by subtraction

REASON_KEYS = {FEW: "hidden_few", PROTECT: "hidden_protect"}  # the words for each, in i18n


def reason_key(reason: object) -> str:
    """The i18n key that says in words why a figure is hidden (too few answers unless known
    to be hidden to protect another group)."""
    return REASON_KEYS.get(reason if isinstance(reason, str) else FEW, REASON_KEYS[FEW])


Cell = tuple[str, bool]  # (unit_id, below): with every unit below it, or its own leaders only
Counts = tuple[int, int]  # (answers counting towards k, of which the viewer's own)


def _add(a: Counts, b: Counts) -> Counts:
    return (a[0] + b[0], a[1] + b[1])


def _safe(residual: Counts, k: int) -> bool:
    return residual[0] == 0 or visible(residual[0], residual[1], k)


def own_answers_matter(counted: Mapping[str, int], own: Mapping[str, int]) -> bool:
    """Can the viewer's own answers change a column's decision? Only where some unit's counted
    answers are all the viewer's (`own[u] >= counted[u]`).

    Why: every count `suppress` compares is a sum of whole unit groups (a cell's size, a
    residual, what hiding a chain uncovers). When every unit holding one of the viewer's answers
    also holds someone else's, every such sum either has none of the viewer's answers or also
    someone else's, and then each test in `suppress` (`visible`, `_safe`, the chain's "not only
    the viewer's own") gives the same answer as with no answer marked as the viewer's. So the
    decision made without the viewer can be shared with every such viewer.
    """
    return any(n_own > 0 and counted.get(unit, 0) <= n_own for unit, n_own in own.items())


def suppress(
    parents: Mapping[str, str | None], groups: Mapping[str, Counts], k: int
) -> dict[Cell, str]:
    """The hidden cells of one tree column (one quarter and measure) and why (FEW or PROTECT).

    `parents` maps every unit to its parent (None at the top; a parent that is not in
    `parents` counts as none); `groups` maps a unit to the counts of the answers given at the
    unit itself. Cells with no answers are never listed.
    """
    active: set[str] = set()
    for unit, (n, _) in groups.items():
        current: str | None = unit
        seen: set[str] = set()
        while n > 0 and current in parents and current not in active and current not in seen:
            active.add(current)
            seen.add(current)
            current = parents.get(current)
    children: dict[str | None, list[str]] = {}
    for unit in sorted(active):
        parent = parents.get(unit)
        children.setdefault(parent if parent in active else None, []).append(unit)

    hidden: dict[Cell, str] = {}
    size: dict[Cell, int] = {}  # answers in each cell
    mine: dict[Cell, int] = {}  # the viewer's answers in each cell
    # For a hidden cell: its answers not covered by shown cells inside it. For a shown cell:
    # what hiding it would add to the residual of the shown cell around it.
    residual: dict[Cell, Counts] = {}
    inner: dict[Cell, list[Cell]] = {}  # the cells directly inside a unit's below-cell

    def chain(cell: Cell) -> tuple[int, list[Cell]] | None:
        """The cheapest set of shown cells, `cell` first, whose hiding uncovers at least k
        answers (not only the viewer's own): (answers hidden, cells)."""
        gain = residual[cell]
        if gain[0] >= k and gain[1] < gain[0]:
            return size[cell], [cell]
        options = [chain(c) for c in inner.get(cell, []) if c not in hidden and size[c] > 0]
        found = [o for o in options if o is not None]
        if not found:
            return None
        cost, cells = min(found, key=lambda o: (o[0], len(o[1]), o[1]))
        return size[cell] + cost, [cell, *cells]

    order: list[str] = []
    stack = [(unit, False) for unit in reversed(children.get(None, []))]
    while stack:
        unit, done = stack.pop()
        if done:
            order.append(unit)
            continue
        stack.append((unit, True))
        stack.extend((c, False) for c in reversed(children.get(unit, [])))

    for unit in order:
        own = groups.get(unit, (0, 0))
        below, alone = (unit, True), (unit, False)
        kids = children.get(unit, [])
        if not kids:
            for cell in (below, alone):
                size[cell], mine[cell] = own
                residual[cell] = own
                if not visible(own[0], own[1], k):
                    hidden[cell] = FEW
            continue
        cells = [(c, True) for c in kids]
        if own[0] > 0:
            size[alone] = own[0]
            residual[alone] = own
            if not visible(own[0], own[1], k):
                hidden[alone] = FEW
            cells.insert(0, alone)
        inner[below] = cells
        total: Counts = own
        uncovered: Counts = (0, 0)
        for cell in cells:
            if cell != alone:
                total = _add(total, (size[cell], 0))
            if cell in hidden:
                uncovered = _add(uncovered, residual[cell])
        total = (total[0], own[1] + sum(mine[(c, True)] for c in kids))
        size[below], mine[below] = total
        if not visible(total[0], total[1], k):
            hidden[below] = FEW
        elif not _safe(uncovered, k):
            options = [chain(c) for c in cells if c not in hidden and size[c] > 0]
            found = [o for o in options if o is not None]
            if found:
                _, extra = min(found, key=lambda o: (o[0], len(o[1]), o[1]))
                gain = residual[extra[-1]]
                for cell in extra:
                    hidden[cell] = PROTECT
                    residual[cell] = gain
                    if cell[0] not in children:  # a unit without units below: one group
                        hidden[(cell[0], False)] = PROTECT
                uncovered = _add(uncovered, gain)
            else:  # nothing inside can protect the small group: hide the cell itself
                hidden[below] = PROTECT
        residual[below] = uncovered
    return hidden
