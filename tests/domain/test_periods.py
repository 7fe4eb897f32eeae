from datetime import date

import pytest

from dtmaturity.domain.periods import Period, PeriodError, period_range, recent_periods


def test_period_prints_as_year_dash_quarter():
    assert str(Period(2026, 3)) == "2026-Q3"


@pytest.mark.parametrize(
    "text",
    [
        "2026-Q3",
        "2026Q3",
        "2026 Q3",
        "Q3 2026",
        "q3 2026",
        " 2026-q3 ",
        "2026-07-01",
        "15.09.2026",
        "2026 K3",
        "K3 2026",
        "3. kvartal 2026",
        "3 quarter 2026",
        "2026/09/15",
        "15.09.2026 00:00",
        "2026-09-15T00:00:00",
    ],  # fmt: skip
)
def test_flexible_parse_accepts_spreadsheet_forms_and_dates(text):
    assert Period.parse_flexible(text) == Period(2026, 3)


@pytest.mark.parametrize("text", ["2026-Q5", "2026", "Q3", "31.02.2026", "next quarter", ""])
def test_flexible_parse_rejects_what_is_not_a_quarter(text):
    with pytest.raises(PeriodError):
        Period.parse_flexible(text)


def test_canonical_parse_is_strict():
    assert Period.parse("2025-Q4") == Period(2025, 4)
    with pytest.raises(PeriodError):
        Period.parse("2025Q4")


def test_quarter_arithmetic_crosses_years():
    assert Period(2026, 1).previous() == Period(2025, 4)
    assert Period(2026, 3).same_quarter_last_year() == Period(2025, 3)
    assert Period(2025, 4).shift(1) == Period(2026, 1)


def test_current_quarter_follows_the_calendar():
    assert Period.current(date(2026, 11, 26)) == Period(2026, 4)
    assert Period.current(date(2026, 3, 31)) == Period(2026, 1)


def test_ranges_and_recent_periods():
    assert [str(p) for p in period_range(Period(2025, 3), Period(2026, 1))] == [
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
    ]
    assert [str(p) for p in recent_periods(3, until=Period(2026, 1))] == [
        "2026-Q1",
        "2025-Q4",
        "2025-Q3",
    ]
