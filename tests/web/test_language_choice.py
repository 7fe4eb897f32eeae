"""Every select box of a language to make something in (web.language `language_choice`): the
unit page's report and the Rounds page's message preview. Each offers every UI language by its
name and starts at the language the page is shown in."""

from __future__ import annotations

import pytest
from apphelpers import open_app

from dtmaturity.domain import i18n
from dtmaturity.domain.periods import Period


def _open_a_round(at) -> None:
    at.selectbox(key="round_unit").set_value("demo-bruker-01")
    at.selectbox(key="round_period").set_value(str(Period.current()))
    at.button(key="round_open").click().run()


# page, the select box's key, what must happen first for the page to show it
CHOICES = [
    ("pages/unit.py", "report_lang", None),
    ("pages/rounds.py", "round_preview_lang", _open_a_round),
]


@pytest.mark.parametrize(("page", "key", "prepare"), CHOICES, ids=[c[1] for c in CHOICES])
def test_a_language_choice_offers_every_language_and_starts_at_the_page_language(
    demo_db, mail, page, key, prepare
):
    at = open_app()
    at.switch_page(page).run()
    if prepare:
        prepare(at)
    assert not at.exception
    choice = at.selectbox(key=key)
    assert choice.options == list(i18n.LANGUAGES.values())
    assert choice.value == i18n.DEFAULT_LANGUAGE
    choice.set_value("en").run()
    assert not at.exception
    assert at.selectbox(key=key).value == "en"
