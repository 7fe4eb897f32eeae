"""Dates as tools write them, and the quarter they fall in, in Norwegian time."""

from __future__ import annotations

import pytest

from dtmaturity.domain import dates
from dtmaturity.domain.periods import Period


@pytest.mark.parametrize(
    ("text", "order", "zone", "quarter"),
    [
        ("2026-03-31T22:30:00.123456789Z", None, None, "2026-Q2"),  # 00:30 on 1 April in Oslo
        ("2026-04-01T00:30:05.123456789+02:00", None, None, "2026-Q2"),  # Nettskjema $created
        ("2026-03-31T23:59:59+01:00", None, None, "2026-Q2"),  # an offset off Oslo's in March
        ("2026-03-31 16:30:05", None, "America/Denver", "2026-Q2"),  # Qualtrics, its zone
        ("2026-03-31 16:30:05", None, None, "2026-Q1"),  # naive: Oslo time
        ("03/31/2026 11:59:59 PM", "mdy", None, "2026-Q1"),  # SurveyMonkey
        ("04/01/2026 12:30:05 AM", "mdy", None, "2026-Q2"),  # 12 AM is midnight
        ("3/5/2026 10:15:22", "mdy", None, "2026-Q1"),  # Google Sheets, US
        ("5/3/2026 10:15", "dmy", None, "2026-Q1"),
        ("05.03.2026 10:15:22", None, None, "2026-Q1"),  # Norwegian: always day first
        ("12/31/26", "mdy", None, "2026-Q4"),  # LibreOffice's two-digit year
        ("2026-06-30 00:00:00", None, None, "2026-Q2"),  # an Excel date cell
    ],
)
def test_moments_fall_in_their_quarter_in_norwegian_time(text, order, zone, quarter):
    assert str(dates.quarter_of(text, order, dates.zone(zone))) == quarter


@pytest.mark.parametrize("text", ["13/31/2026", "2026-02-30", "3/5/2026", "14:00 PM", "soon"])
def test_what_is_not_a_date_is_none(text):
    assert dates.quarter_of(text, None if text == "3/5/2026" else "mdy") is None


def test_the_order_comes_from_the_whole_column_and_is_never_guessed():
    assert dates.slash_order(["3/5/2026", "3/25/2026"]) == "mdy"
    assert dates.slash_order(["3/5/2026", "25/3/2026"]) == "dmy"
    assert dates.slash_order(["2026-03-05", "05.03.2026"]) is None
    with pytest.raises(dates.DateOrderNeeded):
        dates.slash_order(["3/5/2026 10:00", "4/1/2026 9:00 AM"])
    with pytest.raises(ValueError, match="mixed"):
        dates.slash_order(["25/3/2026", "3/25/2026"])


def test_an_unknown_zone_is_oslo():
    assert dates.zone("Not/AZone") is dates.OSLO
    assert Period.parse("2026-Q2") == dates.quarter_of("2026-04-01")


@pytest.mark.parametrize(
    ("text", "quarter"),
    [
        ("2026/10/01 12:20:41 AM GMT+2", "2026-Q4"),  # Google Forms' own CSV download
        ("2026/10/01 12:20:41 AM GMT", "2026-Q4"),  # 02:20 in Oslo
        ("2026/09/30 11:20:41 PM GMT", "2026-Q4"),  # 01:20 on 1 October in Oslo
        ("2026/09/30 11:20:41 PM GMT+2", "2026-Q3"),
        ("2026/06/22 11:07:29 PM GMT-03:30", "2026-Q2"),
        ("2026/03/31 11:30:00 PM CET", "2026-Q2"),  # 00:30 CEST on 1 April in Oslo
    ],
)
def test_year_first_slash_dates_with_a_gmt_offset_are_read_with_it(text, quarter):
    assert str(dates.quarter_of(text)) == quarter
