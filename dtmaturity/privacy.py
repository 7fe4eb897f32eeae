"""Privacy thresholds for figures that show more than one's own answers. Plain Python.

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

import pandas as pd

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


def guard_family(cells: pd.DataFrame, parent_id: str, k: int) -> pd.DataFrame:
    """Add a `hidden` column to a family's cells.

    `cells` has one row per (row_id, period, item_id) with `n` and `n_own`; the row whose
    row_id is `parent_id` holds the answers given at the parent itself (it is never shown on its
    own, but the parent's total minus the children reveals it). Returns the children's rows.
    """
    frame = cells.copy()
    n, own = frame["n"], frame["n_own"]
    frame["hidden"] = ~((n >= k) | ((n > 0) & (own >= n)))  # vectorised `visible`
    frame["hidden_n"] = frame["n"].where(frame["hidden"], 0)
    keys = ["period", "item_id"]
    hidden_total = frame.groupby(keys)["hidden_n"].transform("sum")
    risky = (hidden_total > 0) & (hidden_total < k)
    children = frame["row_id"] != parent_id
    if risky.any():
        for _, group in frame[risky].groupby(keys):
            _hide_until_safe(frame, group, parent_id, k)
    return frame[children].drop(columns="hidden_n").reset_index(drop=True)


def _hide_until_safe(frame: pd.DataFrame, group: pd.DataFrame, parent_id: str, k: int) -> None:
    """Hide the smallest visible children of one family cell until the hidden answers number
    at least k (or no child is left to hide)."""
    total = int(group["hidden_n"].sum())
    candidates = group[(group["row_id"] != parent_id) & ~group["hidden"] & (group["n"] > 0)]
    for index, n in candidates.sort_values(["n", "row_id"])["n"].items():
        if total >= k:
            break
        frame.at[index, "hidden"] = True
        total += int(n)


def reflections_visible(pool: int, pool_own: int, threshold: int) -> bool:
    """Texts of a period are shown when enough leaders checked in, or all of them are you."""
    return pool >= threshold or (pool > 0 and pool_own >= pool)
