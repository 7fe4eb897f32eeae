"""Dates and times as survey tools and spreadsheets write them, and the quarter they fall in.
Pure Python.

Read: ISO 8601 (`2026-03-05`, `2026-03-05 10:15:22`, `2026-03-05T10:15:22.123456789+01:00`,
`…Z`; Nettskjema's `$created` has nanoseconds, Qualtrics writes no offset but names the time
zone in its third header row, an Excel date cell arrives as ISO), slash dates
(`3/5/2026 10:15:22 AM` from SurveyMonkey and US spreadsheets, `03/05/26` from LibreOffice) and
Norwegian dotted dates (`05.03.2026 10:15`, always day first).

A slash date could be either day/month or month/day. The order is read from the column as a
whole: a first number over 12 means day first, a second number over 12 means month first; when
every value could be read either way the order is never guessed (`date_order` says it).

A moment becomes the quarter it falls in, in Norwegian time (Europe/Oslo): an answer given at
00:30 on 1 April in Oslo (22:30 UTC on 31 March) belongs to the second quarter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dtmaturity.domain.periods import Period

OSLO = ZoneInfo("Europe/Oslo")
DATE_ORDERS = ("dmy", "mdy")

_TIME = (
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?)?"
)
_ZONE = r"\s*(?P<z>Z|[+-]\d{2}(?::?\d{2})?)?"
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _ZONE + r"$")
_SLASH = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})" + _TIME + r"$")
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
    if not text:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_moment(text: str, order: str | None = None, tz: ZoneInfo = OSLO) -> datetime | None:
    """A date or date-time as an aware datetime (naive values are in `tz`); None when the text
    is not a date. A slash date needs `order` ('dmy' or 'mdy')."""
    value = text.strip()
    try:
        if match := _ISO.match(value):
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
