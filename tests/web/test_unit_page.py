"""The unit page through AppTest: following up actions and reading reflections."""

from __future__ import annotations

import pytest
from apphelpers import open_app, open_tab, texts

from dtmaturity.domain.i18n import t
from dtmaturity.services import actions, audit

UNIT = "demo-bruker-02"


@pytest.fixture
def unit_page(demo_db):
    at = open_app()
    at = at.switch_page("pages/unit.py").run()
    at.selectbox(key="unit_id").set_value(UNIT).run()
    assert not at.exception
    return open_tab(at, t("nb", "unit_tab_actions"))


def status_changes(ctx) -> list[dict]:
    log = audit.audit_log(ctx)
    return list(log[log["action"] == "action.status"]["details"])


def test_the_status_form_shows_the_picked_actions_current_status(unit_page, ctx):
    by_status = {a.status: a for a in actions.for_unit(ctx, UNIT)}
    for status in ("done", "in_progress"):
        unit_page.selectbox(key="action_update:id").set_value(by_status[status].action_id).run()
        assert unit_page.selectbox(key="action_update:status").value == status


def test_saving_the_status_form_unchanged_never_reopens_a_done_action(unit_page, ctx):
    done = next(a for a in actions.for_unit(ctx, UNIT) if a.status == "done")
    unit_page.selectbox(key="action_update:id").set_value(done.action_id).run()
    assert unit_page.selectbox(key="action_update:status").value == "done"
    assert unit_page.button(key="action_upd").disabled  # nothing changed: nothing to save
    assert "Velg en ny status for å lagre en endring." in texts(unit_page)
    assert status_changes(ctx) == []


def test_reopening_a_done_action_needs_a_deliberate_confirmation(unit_page, ctx):
    done = next(a for a in actions.for_unit(ctx, UNIT) if a.status == "done")
    unit_page.selectbox(key="action_update:id").set_value(done.action_id).run()
    unit_page.selectbox(key="action_update:status").set_value("planned").run()
    assert not unit_page.exception
    unit_page.button(key="action_upd").click().run()
    assert "gjenåpne" in texts(unit_page).lower()
    assert [a.status for a in actions.for_unit(ctx, UNIT) if a.action_id == done.action_id] == [
        "done"
    ]
    unit_page.checkbox(key="action_update:reopen").check().run()
    unit_page.button(key="action_upd").click().run()
    assert "Statusen er lagret." in texts(unit_page)
    [reopened] = [a for a in actions.for_unit(ctx, UNIT) if a.action_id == done.action_id]
    assert reopened.status == "planned"
    assert unit_page.selectbox(key="action_update:status").value == "planned"


@pytest.fixture
def top_unit_page(demo_db):
    """The demo agency itself: the unit with the most reflections."""
    at = open_app()
    return open_tab(at.switch_page("pages/unit.py").run(), t("nb", "unit_tab_reflections"))


def test_reflections_come_a_page_at_a_time_without_a_button_per_answer(top_unit_page, ctx):
    at = top_unit_page
    assert not at.exception
    assert not [b for b in at.button if str(b.key).startswith("reflect:")]
    shown = [str(el.value) for el in at.main.text if str(el.value)[:1].isdigit()]
    assert [line.split(".")[0] for line in shown] == [str(n) for n in range(1, 11)]
    pages = at.selectbox(key="unit_reflection_page")
    assert len(pages.options) > 1
    pages.set_value(2).run()
    shown = [str(el.value) for el in at.main.text if str(el.value)[:1].isdigit()]
    assert shown[0].startswith("11. ")


def test_a_reflection_becomes_an_action_in_one_step(top_unit_page):
    at = top_unit_page
    line = next(str(el.value) for el in at.main.text if str(el.value).startswith("3. "))
    at.selectbox(key="reflection_action_pick").set_value(3).run()
    assert not at.exception
    assert at.text_area(key="action:reflection:description").value == line[3:]
    at.button(key="reflection_action_cancel").click().run()
    assert at.selectbox(key="reflection_action_pick").value is None


def test_the_report_download_is_at_the_top_of_the_unit_page(top_unit_page):
    keys = [b.key for b in top_unit_page.get("download_button")]  # above the tabs, in each
    assert keys[:2] == ["report:pdf", "report:html"]


def test_only_the_open_tab_is_drawn_and_it_stays_open_across_language_and_pages(top_unit_page):
    at = open_tab(top_unit_page, t("nb", "unit_tab_roles"))
    assert [h.value for h in at.header] == [t("nb", "about_roles")]  # no other section's
    assert not [s for s in at.selectbox if s.key == "unit_reflection_question"]
    at.radio(key="lang").set_value("en").run()  # the label changes with the language
    assert not at.exception
    assert [h.value for h in at.header] == [t("en", "about_roles")]
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/unit.py").run()  # back from another page: the same tab
    assert [h.value for h in at.header] == [t("en", "about_roles")]
    open_tab(at, t("en", "unit_tab_wheel"))
    assert [h.value for h in at.header] == [t("en", "about_wheel")]
