"""Privacy thresholds for figures that show more than one's own answers. Plain Python: the rules
as written here are applied inside DuckDB by the dashboard queries
(dtmaturity/store/dashboards.py), and tests check that both agree.

- A figure built from fewer than `min_respondents` answers (k, default 3) is hidden and marked
  "too few answers to show", unless every answer in it is the viewer's own.
- Free-text reflections of a period are shown only when at least `min_reflections` leaders
  (default 5) checked in for the group that period: the pool any text could have come from.
- Differencing: a parent's figure minus its visible children must not reveal a hidden group.
  Within one family (a parent, its children with their subtrees, and the answers given at the
  parent itself) the hidden groups together must hold no answers or at least k; otherwise the
  visible child with the fewest answers is hidden too, until they do. The same family gives the
  same decision on every page, so switching pages does not undo it. It also covers a unit
  shown beside its parent: the parent minus the unit is the unit's visible siblings plus hidden
  groups holding at least k answers.
"""

from __future__ import annotations

import os
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


def family_hidden(rows: dict[str, tuple[int, int]], parent_id: str, k: int) -> set[str]:
    """The rows of one family cell (one period and item) that are hidden: `rows` maps each
    child of `parent_id` (and `parent_id` itself, for the answers given at the parent) to
    (n, n_own).

    This is the rule in plain Python; the dashboards apply it inside DuckDB
    (`dtmaturity/store/dashboards.py`, `_GUARDED_CELLS`), and tests check that the two agree.
    """
    hidden = {row for row, (n, own) in rows.items() if not visible(n, own, k)}
    total = sum(rows[row][0] for row in hidden)
    if 0 < total < k:
        candidates = sorted(
            (n, row)
            for row, (n, _) in rows.items()
            if row != parent_id and row not in hidden and n > 0
        )
        for n, row in candidates:
            if total >= k:
                break
            hidden.add(row)
            total += n
    return hidden
