"""Quarters ("2026-Q3"): parse, format, step, ranges and the current quarter. Pure Python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dtmaturity.domain import clock

_CANONICAL = re.compile(r"^(\d{4})-Q([1-4])$")
# Q for quarter, and the Norwegian K for kvartal.
_FLEXIBLE = [
    re.compile(r"^(?P<y>\d{4})\s*-?\s*[QqKk](?P<q>[1-4])$"),  # 2026-Q3, 2026Q3, 2026 K3
    re.compile(r"^[QqKk](?P<q>[1-4])\s*[- ]?\s*(?P<y>\d{4})$"),  # Q3 2026, Q3-2026, K3 2026
    re.compile(r"^(?P<q>[1-4])\.?\s*(?:kvartal|quarter)\s*(?P<y>\d{4})$", re.IGNORECASE),
]
_ISO_DATE = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})$")
_NORWEGIAN_DATE = re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})$")
_TIME_OF_DAY = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")  # spreadsheets add 00:00


class PeriodError(ValueError):
    """A text that is neither a quarter nor a date."""


@dataclass(frozen=True, order=True)
class Period:
    """One calendar quarter."""

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise PeriodError(f"quarter must be 1-4, got {self.quarter}")
        if not 1900 <= self.year <= 9999:
            raise PeriodError(f"year out of range: {self.year}")

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def index(self) -> int:
        """Quarters since year 0; consecutive quarters differ by one."""
        return self.year * 4 + self.quarter - 1

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 4, index % 4 + 1)

    def shift(self, quarters: int) -> Period:
        return Period.from_index(self.index + quarters)

    def previous(self) -> Period:
        return self.shift(-1)

    def same_quarter_last_year(self) -> Period:
        return self.shift(-4)

    @classmethod
    def of_date(cls, day: date) -> Period:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls, today: date | None = None) -> Period:
        return cls.of_date(today or clock.today())

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse the canonical form `2026-Q3` only (what the app stores)."""
        match = _CANONICAL.match(text.strip())
        if not match:
            raise PeriodError(f"not a quarter like 2026-Q3: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def parse_flexible(cls, text: str) -> Period:
        """Parse what spreadsheets hold: 2026-Q3, 2026Q3, 2026 Q3, Q3 2026, or a date."""
        value = text.strip()
        for pattern in _FLEXIBLE:
            match = pattern.match(value)
            if match:
                return cls(int(match.group("y")), int(match.group("q")))
        day_text = _TIME_OF_DAY.sub("", value)
        for pattern in (_ISO_DATE, _NORWEGIAN_DATE):
            match = pattern.match(day_text)
            if match:
                try:
                    day = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
                except ValueError as exc:
                    raise PeriodError(f"not a valid date: {text!r}") from exc
                return cls.of_date(day)
        raise PeriodError(f"not a quarter or a date: {text!r}")


def period_range(first: Period, last: Period) -> list[Period]:
    """All quarters from first to last, inclusive."""
    return [Period.from_index(i) for i in range(first.index, last.index + 1)]


def recent_periods(count: int, *, until: Period | None = None) -> list[Period]:
    """The `count` quarters ending with `until` (default: the current quarter), newest first."""
    end = until or Period.current()
    return [end.shift(-i) for i in range(count)]
