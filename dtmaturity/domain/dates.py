"""Dates and times as survey tools and spreadsheets write them, and the quarter they fall in.
Pure Python.

Read: ISO 8601 (`2026-03-05`, `2026-03-05 10:15:22`, `2026-03-05T10:15:22.123456789+01:00`,
`…Z`; Nettskjema's `$created` has nanoseconds, Qualtrics writes no offset but names the time
zone in its third header row, an Excel date cell arrives as ISO), slash dates
(`3/5/2026 10:15:22 AM` from SurveyMonkey and US spreadsheets, `03/05/26` from LibreOffice) and
Norwegian dotted dates (`05.03.2026 10:15`, always day first) and year-first slash dates with a
zone, as Google Forms' own "Download responses (.csv)" writes its Timestamp
(`2026/10/01 12:20:41 AM GMT+2`; the form's time zone, `GMT` for UTC, as in public copies of
such files: `2022/06/22 11:07:29 AM AST` in GeckoRobotics/gecko-sustainability's Form.tsx).

A slash date could be either day/month or month/day. The order is read from the column as a
whole: a first number over 12 means day first, a second number over 12 means month first; when
every value could be read either way the order is never guessed (`date_order` says it). A
tool whose format fixes the order (SurveyMonkey writes `MM/DD/YYYY`) is never asked. An order
given for a column is checked against every date in it (`check_order`): it must make no
impossible date, and must not spread answers collected within days over months.

A moment becomes the quarter it falls in, in Norwegian time (Europe/Oslo): an answer given at
00:30 on 1 April in Oslo (22:30 UTC on 31 March) belongs to the second quarter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dtmaturity.domain.clock import OSLO
from dtmaturity.domain.periods import Period

DATE_ORDERS = ("dmy", "mdy")

_TIME = (
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
)
_ZONE = r"\s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?|(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?|CEST|CET)?"
_NAMED = {"CET": "+01:00", "CEST": "+02:00"}  # Norway's own zone names, as some locales show
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _ZONE + r"$")
_SLASH = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})" + _TIME + r"$")
_YEAR_SLASH = re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _TIME + _ZONE + r"$")
_DOTTED = re.compile(r"^(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})" + _TIME + r"$")


class DateOrderNeeded(ValueError):
    """Every slash date in a column could be day/month or month/day."""


def zone(name: str | None) -> ZoneInfo:
    """A time zone by IANA name (Qualtrics' `timeZone`), Europe/Oslo when unknown or absent."""
    if not name:
        return OSLO
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return OSLO


def slash_order(values: Iterable[str]) -> str | None:
    """'dmy' or 'mdy' when the slash dates among `values` say which; None when there are none.

    Raises DateOrderNeeded when every slash date fits both orders, or ValueError when some
    need day first and others month first (then the column is not one format).
    """
    first_big = second_big = seen = False
    for value in values:
        match = _SLASH.match(value.strip())
        if not match:
            continue
        seen = True
        first_big |= int(match.group("a")) > 12
        second_big |= int(match.group("b")) > 12
    if not seen:
        return None
    if first_big and second_big:
        raise ValueError("mixed day-first and month-first dates")
    if first_big:
        return "dmy"
    if second_big:
        return "mdy"
    raise DateOrderNeeded


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _clock(match: re.Match[str]) -> tuple[int, int, int, int]:
    if match.group("H") is None:
        return 0, 0, 0, 0
    hour, minute = int(match.group("H")), int(match.group("M"))
    second = int(match.group("S") or 0)
    micro = int((match.group("f") or "0")[:6].ljust(6, "0"))
    ampm = (match.group("ampm") or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("12-hour clock out of range")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return hour, minute, second, micro


def _offset(text: str | None) -> timezone | None:
    """`Z`, `+01:00`, `+0100`, `-05`, `GMT`, `UTC`, `GMT+2`, `GMT-03:30` as an offset."""
    if not text:
        return None
    text = _NAMED.get(text, text).removeprefix("GMT").removeprefix("UTC")
    if text in ("Z", ""):
        return UTC
    sign = -1 if text[0] == "-" else 1
    hours_text, _, minutes_text = text[1:].partition(":")
    if not minutes_text and len(hours_text) > 2:
        hours_text, minutes_text = hours_text[:-2], hours_text[-2:]
    hours, minutes = int(hours_text), int(minutes_text or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_moment(text: str, order: str | None = None, tz: ZoneInfo = OSLO) -> datetime | None:
    """A date or date-time as an aware datetime (naive values are in `tz`); None when the text
    is not a date. A slash date needs `order` ('dmy' or 'mdy')."""
    value = text.strip()
    try:
        if (match := _ISO.match(value)) or (match := _YEAR_SLASH.match(value)):
            year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
            offset = _offset(match.group("z"))
        elif match := _DOTTED.match(value):
            year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
            offset = None
        elif (match := _SLASH.match(value)) and order in DATE_ORDERS:
            first, second = int(match.group("a")), int(match.group("b"))
            day, month = (first, second) if order == "dmy" else (second, first)
            year, offset = _year(match.group("y")), None
        else:
            return None
        hour, minute, second_, micro = _clock(match)
        moment = datetime(year, month, day, hour, minute, second_, micro, tzinfo=offset or tz)
    except ValueError:
        return None
    return moment


def quarter_of(text: str, order: str | None = None, tz: ZoneInfo = OSLO) -> Period | None:
    """The quarter a date falls in, in Norwegian time; None when the text is not a date."""
    moment = parse_moment(text, order, tz)
    if moment is None:
        return None
    local = moment.astimezone(OSLO)
    return Period.of_date(date(local.year, local.month, local.day))


# Answers to one form are collected within weeks: a reading of its dates that puts them all
# within a month is believed over one that spreads them over more than two.
SAME_FORM_DAYS = 31
SPREAD_DAYS = 62


class DateOrderWrong(ValueError):
    """A given date order does not fit a column: `key` names the message, `value` the date."""

    def __init__(self, key: str, value: str, **params: object) -> None:
        self.key, self.value, self.params = key, value, params
        super().__init__(key)


def is_slash_date(text: str) -> bool:
    """Whether the text is a day/month or month/day slash date (whose order may be needed)."""
    return bool(_SLASH.match(text.strip()))


def check_order(values: Iterable[str], order: str) -> None:
    """Refuse a date order that makes an impossible date of any slash date among `values`, or
    spreads dates the other order keeps within a month over more than two months."""
    slash = [v for v in values if is_slash_date(v)]
    other = "mdy" if order == "dmy" else "dmy"
    read = [(v, parse_moment(v, order)) for v in slash]
    for value, moment in read:
        if moment is None:
            raise DateOrderWrong("import_date_order_impossible", value, order=order)
    alternative = [parse_moment(v, other) for v in slash]
    if not read or any(m is None for m in alternative):
        return
    given = sorted(m for _, m in read if m is not None)
    others = sorted(m for m in alternative if m is not None)
    if (others[-1] - others[0]).days <= SAME_FORM_DAYS < SPREAD_DAYS < (given[-1] - given[0]).days:
        first = next(v for v, m in read if m == given[0])
        last = next(v for v, m in read if m == given[-1])
        raise DateOrderWrong(
            "import_date_order_spread",
            last,
            order=order,
            other=other,
            first=first,
            last=last,
            days=(given[-1] - given[0]).days,
            other_days=(others[-1] - others[0]).days,
        )
