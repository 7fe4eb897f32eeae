"""Today, as the app means it: the date in Norway (Europe/Oslo), whatever zone the server runs
in. A round's deadline, the days left, the quarter in progress and an import's "in the future"
all count from this one date; a container on UTC would otherwise see yesterday between
midnight and one (two in summer) in Oslo, while the importer already counted in Oslo time.

Every caller reads it as `clock.today()` (never `from … import today`), so the whole app sees
one date; tests/architecture/test_clock.py refuses any other way to the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def today() -> date:
    """The date in Oslo now."""
    return day_of(datetime.now(UTC))


def day_of(moment: datetime) -> date:
    """The date in Oslo at a moment (an aware datetime)."""
    return moment.astimezone(OSLO).date()
