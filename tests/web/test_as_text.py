"""ui.as_text: what markdown would read as markup is escaped, and what it would autolink is
broken by an invisible word joiner (the browser test shows it in Chromium; these are the rules)."""

from __future__ import annotations

import re

import pytest
from apphelpers import as_read
from hostile import FILE_NAME, LINE, TEXT

from dtmaturity.web.text import as_text


@pytest.mark.parametrize("text", [TEXT, LINE, FILE_NAME])
def test_hostile_text_keeps_no_markup(text):
    shown = as_text(text)
    assert "\n" not in shown and "\r" not in shown
    assert re.search(r"(?<!\\)[\[\]<>`*_!|$~#=]", shown) is None  # every markup character escaped
    assert "://" not in shown and "www." not in shown.lower() and re.search(r"\w@", shown) is None
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", shown)  # no override left open


def test_plain_words_numbers_and_times_read_as_written():
    for text in (
        "Kundesenteret",
        "2026-Q4",
        "3,1",
        "3.1",
        "09:41",
        "Fordi – derfor",
        "7. desember",
    ):
        assert as_read(as_text(text)) == text


def test_what_a_person_reads_is_the_text_itself():
    assert as_read(as_text(LINE)) == re.sub("[\u202a-\u202e]", "", LINE)
