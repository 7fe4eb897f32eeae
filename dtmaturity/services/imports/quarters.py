"""The quarter column: which order its slash dates are read in, and each cell's quarter."""

from __future__ import annotations

import re

from dtmaturity.domain import clock, dates
from dtmaturity.domain.importformat import Layout
from dtmaturity.domain.periods import Period, PeriodError

_ZONE_SUFFIX = re.compile(r"(?:[zZ]|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:[+-][\d:]+)?)\s*$")


class NeedDateOrder(Exception):
    """Every slash date in the quarter's column fits both day/month and month/day."""


class WrongDateOrder(Exception):
    """The date order given does not fit the column: `row` holds the date that shows it."""

    def __init__(self, row: int | None, error: dates.DateOrderWrong) -> None:
        self.row, self.error = row, error
        super().__init__(error.key)


def date_order(
    undecided: list[str], layout: Layout, given: str | None, saved: str | None
) -> tuple[str | None, bool]:
    """The order to read the column's slash dates in, and whether it is the person's choice for
    an ambiguous column (the only case worth saving). The tool's own format wins; then what the
    dates show; then the order given now, or saved for these headers. A given order is checked
    against every date (dates.check_order)."""
    if layout.date_order:
        return layout.date_order, False  # the tool's format fixes it: never asked
    if not any(dates.is_slash_date(raw) for raw in undecided):
        return None, False  # ISO, dotted or no dates: nothing to ask, nothing to save
    try:
        evident = dates.slash_order(undecided)
    except dates.DateOrderNeeded:
        order = given if given in dates.DATE_ORDERS else saved
        if order not in dates.DATE_ORDERS:
            raise NeedDateOrder from None
        dates.check_order(undecided, order)
        return order, True
    except ValueError:
        return (
            given or saved,
            False,
        )  # day-first and month-first mixed: what does not fit is reported
    if given in dates.DATE_ORDERS and given != evident:
        dates.check_order(undecided, given)  # names a date the given order makes impossible
    return evident, False


def period_lookup(
    raws: list[str], layout: Layout, order: str | None
) -> list[tuple[str, str | None]]:
    """Each distinct quarter cell as a quarter (None when it is none).

    A tool's timestamp is read as a moment (with its offset, or in the tool's time zone) and
    becomes the quarter it falls in in Norwegian time; a quarter column may also hold dates.
    """
    tz = dates.zone(layout.timezone)
    periods = []
    by_day: dict[str, str | None] = {}  # a naive time in Oslo: its quarter is its day's
    for raw in raws:
        period = None
        if not layout.period_from_timestamp and is_quarter(raw):
            period = str(Period.parse_flexible(raw))
        else:
            day = raw.strip().split(" ")[0].split("T")[0]
            naive = tz is clock.OSLO and not _ZONE_SUFFIX.search(raw)
            if naive and day in by_day:
                period = by_day[day]
            else:
                quarter = dates.quarter_of(raw, order, tz)
                period = str(quarter) if quarter is not None else None
                if naive and period is not None:
                    by_day[day] = period
        periods.append((raw, period))
    return periods


def is_quarter(raw: str) -> bool:
    try:
        Period.parse_flexible(raw)
    except PeriodError:
        return False
    return True
