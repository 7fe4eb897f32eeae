"""Numbers, percentages, dates, quarters and sort order as people read them, per UI language.

Everything the app shows a person goes through here (pages, tables, the report, chart tooltips
and axes), so `3,1` in bokmål and nynorsk and `3.1` in English is decided in one place, with
Babel's locale data (CLDR). A missing figure (None, NaN) is shown as an en dash, never as
`None` or `nan`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from dtmaturity import memo

MISSING = "–"  # what an empty figure shows (en dash)
# Every time shown is Oslo's (the database keeps UTC): 13:14 UTC is shown as 14:14 in winter.
TIMEZONE = ZoneInfo("Europe/Oslo")
# Means are shown with two decimals, always, so a column lines up: 3,10 · 2,92 · 3,00. Tables
# and captions use MEAN_PATTERN; charts' labels and tooltips use MEAN_D3 (the same rule in
# d3-format, with the language's decimal sign from `chart_locale`).
MEAN_PATTERN = "#,##0.00"
MEAN_D3 = ".2f"
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # also pandas' NA and NaT-free numpy floats
    except (TypeError, ValueError):
        return False


def number(value: object, lang: str, *, decimals: int | None = None) -> str:
    """A number: grouped thousands, the language's decimal sign; `decimals` fixes the count."""
    if _missing(value):
        return MISSING
    if decimals is None:
        return babel_numbers.format_decimal(value, locale=lang)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=lang)


def mean(value: object, lang: str) -> str:
    """A mean score with two decimals (`3,10`, `2,92`, `3,00`)."""
    if _missing(value):
        return MISSING
    return babel_numbers.format_decimal(value, format=MEAN_PATTERN, locale=lang)


def change(value: object, lang: str) -> str:
    """A signed difference with two decimals: `+0,25`, `−0,10`, `0,00`."""
    if _missing(value):
        return MISSING
    text = babel_numbers.format_decimal(abs(float(value)), format="#,##0.00", locale=lang)
    if round(float(value), 2) > 0:
        return "+" + text
    if round(float(value), 2) < 0:
        return babel_numbers.get_minus_sign_symbol(lang) + text
    return text


def percent(value: object, lang: str, *, decimals: int = 0) -> str:
    """A share (0.667) as a percentage: `67 %` in Norwegian, `67%` in English."""
    if _missing(value):
        return MISSING
    digits = "#,##0" + ("." + "0" * decimals if decimals else "")
    pattern = Locale.parse(lang).percent_formats[None].pattern.replace("#,##0", digits)
    return babel_numbers.format_percent(value, format=pattern, locale=lang)


def long_date(value: date | datetime, lang: str) -> str:
    """`15. desember 2026` / `December 15, 2026`."""
    day = value.date() if isinstance(value, datetime) else value
    return babel_dates.format_date(day, format="long", locale=lang)


def local_time(value: datetime) -> datetime:
    """A stored moment in Oslo time; a naive value is UTC, as the database keeps moments."""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(TIMEZONE)


def date_time(value: datetime, lang: str) -> str:
    """A moment to the minute in Oslo time: `15. desember 2026, 09:41` /
    `December 15, 2026, 9:41 AM`."""
    if _missing_time(value):
        return ""
    local = local_time(value)
    time = babel_dates.format_time(local, format="short", locale=lang)
    return f"{long_date(local, lang)}, {time}"


def _missing_time(value: object) -> bool:
    return value is None or str(value) == "NaT"


def quarter(period: str, lang: str) -> str:
    """A quarter such as `2026-Q3` by name: `3. kvartal 2026`, `3rd quarter 2026`."""
    match = _QUARTER.match(period or "")
    if not match:
        return period
    year, number_ = match.groups()
    names = babel_dates.get_quarter_names("wide", locale=lang)
    return f"{names[int(number_)]} {year}"


# Norwegian alphabetical order: … x y z æ ø å. Letters that Norwegian sorts as one of those
# (ä as æ, ö as ø, ü as y) are folded first; other accents are ignored (é as e).
_FOLD = {"ä": "æ", "ö": "ø", "ü": "y"}
_AFTER_Z = {"æ": "\ue001", "ø": "\ue002", "å": "\ue003"}  # after every letter
_DIGITS = re.compile(r"(\d+)")


def _letters(text: str) -> str:
    text = text.casefold()
    for letter, folded in _FOLD.items():
        text = text.replace(letter, folded)
    out = []
    for char in text:
        if char in _AFTER_Z:
            out.append(_AFTER_Z[char])
            continue
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base)
    return "".join(out)


def sort_key(text: object, lang: str = "nb") -> tuple:
    """A key that sorts names as people expect: numbers by value ("Seksjon 2" before
    "Seksjon 10"), case ignored, and in Norwegian æ, ø, å after z. English sorts æ, ø, å as
    the letters they resemble (a, o)."""
    return _sort_key("" if _missing(text) else str(text), lang)


@memo.memoised(65536)
def _sort_key(value: str, lang: str) -> tuple:
    """`sort_key` of a string, remembered: unit and item names recur in every page run, and
    the unit tree is sorted again after every write."""
    parts = []
    for index, part in enumerate(_DIGITS.split(value)):
        if index % 2:
            parts.append((1, int(part), ""))
        elif part:
            letters = _letters(part) if lang != "en" else _english_letters(part)
            parts.append((0, 0, letters))
    return (tuple(parts), value)


def _english_letters(text: str) -> str:
    text = text.casefold().replace("æ", "ae").replace("ø", "o")
    return "".join(unicodedata.normalize("NFD", c)[0] for c in text)


def sorted_names(names, lang: str, *, key=None) -> list:
    """`names` sorted with `sort_key` (through `key` for other objects)."""
    pick = key or (lambda x: x)
    return sorted(names, key=lambda x: sort_key(pick(x), lang))


def chart_locale(lang: str) -> dict:
    """The d3-format locale of `lang` for Vega/Vega-Lite (charts in the page and the PNG/SVG
    downloads): decimal sign, thousands separator and percent sign from Babel's data."""
    percent_sign = babel_numbers.format_percent(0.5, locale=lang).replace("50", "")
    return {
        "decimal": babel_numbers.get_decimal_symbol(lang),
        "thousands": babel_numbers.get_group_symbol(lang),
        "grouping": [3],
        "currency": ["", ""],
        "minus": babel_numbers.get_minus_sign_symbol(lang),
        "percent": percent_sign,
    }
