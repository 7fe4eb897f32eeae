"""Numbers, dates, quarters and sort order as people read them in bokmål, nynorsk and English."""

from datetime import date

import pytest

from dtmaturity.domain import formats


@pytest.mark.parametrize(("lang", "text"), [("nb", "2,92"), ("nn", "2,92"), ("en", "2.92")])
def test_a_mean_has_two_decimals_always_and_the_languages_decimal_sign(lang, text):
    assert formats.mean(2.9167, lang) == text
    assert formats.mean(3.1, lang) == "3" + text[1] + "10"
    assert formats.mean(3, lang) == "3" + text[1] + "00"


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_a_missing_figure_is_a_dash_never_none_or_nan(missing):
    for show in (formats.mean, formats.number, formats.change, formats.percent):
        assert show(missing, "nb") == "–"


def test_numbers_changes_and_percentages():
    assert formats.number(12345.5, "nb", decimals=1) == "12\u00a0345,5"
    assert formats.number(12345.5, "en", decimals=1) == "12,345.5"
    assert formats.change(0.25, "nb") == "+0,25"
    assert formats.change(-0.1, "nn") == "\u22120,10"
    assert formats.change(0.001, "en") == "0.00"
    assert formats.percent(0.667, "nb") == "67\u00a0%"
    assert formats.percent(0.667, "en") == "67%"


def test_moments_to_the_minute():
    from datetime import datetime

    moment = datetime(2026, 12, 15, 8, 41)  # naive: UTC, as the database keeps moments
    assert formats.date_time(moment, "nn") == "15. desember 2026, 09:41"  # Oslo, winter
    assert formats.date_time(moment, "en") == "December 15, 2026, 9:41\u202fAM"
    summer = datetime(2026, 6, 15, 11, 14)  # 11:14 UTC is 13:14 in Oslo in summer
    assert formats.date_time(summer, "nb").endswith("13:14")


def test_dates_and_quarters():
    assert formats.long_date(date(2026, 12, 15), "nb") == "15. desember 2026"
    assert formats.long_date(date(2026, 12, 15), "nn") == "15. desember 2026"
    assert formats.long_date(date(2026, 12, 15), "en") == "December 15, 2026"
    assert formats.quarter("2026-Q3", "nb") == "3. kvartal 2026"
    assert formats.quarter("2026-Q3", "en") == "3rd quarter 2026"
    assert formats.quarter("not a quarter", "nb") == "not a quarter"


def test_names_sort_naturally_with_ae_oe_aa_last():
    names = ["Seksjon 10", "Åsen", "seksjon 2", "Zeta", "Ørsta", "Ærø", "Élan", "Aust"]
    assert formats.sorted_names(names, "nb") == [
        "Aust",
        "Élan",
        "seksjon 2",
        "Seksjon 10",
        "Zeta",
        "Ærø",
        "Ørsta",
        "Åsen",
    ]
    assert formats.sorted_names(["Seksjon 10", "Seksjon 9"], "en") == ["Seksjon 9", "Seksjon 10"]


def test_the_chart_locale_matches_the_text():
    assert formats.chart_locale("nn")["decimal"] == ","
    assert formats.chart_locale("en")["decimal"] == "."
    assert formats.chart_locale("nb")["percent"] == "\u00a0%"
