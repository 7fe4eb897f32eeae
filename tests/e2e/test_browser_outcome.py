"""Saves you can see: after pressing save on the check-in's summary step, the outcome is where
the person is: in the viewport, with keyboard focus on it, and on errors the focus is on a
summary of every field in error (the GOV.UK error-summary pattern) whose entries open the
field's step with the focus on the field."""

from __future__ import annotations

from e2ehelpers import (
    fill_checkin_scores,
    open_page,
    open_tab,
    screenshot,
    select_option,
    submit_checkin,
    wait_idle,
)
from playwright.sync_api import Locator, Page, expect

from dtmaturity.domain import formats, i18n
from dtmaturity.domain.framework import load
from dtmaturity.domain.periods import Period

LANG = "en"
FOCUSED_IN = "(selector) => !!document.activeElement?.closest(selector)"


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it (ui.t)."""
    return i18n.t(
        LANG,
        key,
        **{k: formats.quarter(v, LANG) if isinstance(v, str) else v for k, v in params.items()},
    )


def pick_unit(page: Page, position: int) -> None:
    """Another unit than the other browser tests save for, so their 'new check-in' holds."""
    page.locator(".st-key-ci_unit input[role='combobox']").click()
    page.get_by_role("option").nth(position).click()
    wait_idle(page)


def focus_lands_in(page: Page, selector: str) -> None:
    page.wait_for_function(FOCUSED_IN, arg=selector)


def test_a_saved_checkin_says_so_next_to_the_button_in_view_with_focus(page, server):
    framework = load()
    open_page(page, server.url, "checkin", LANG)
    pick_unit(page, 3)
    fill_checkin_scores(page, framework, 2)
    submit_checkin(page, t("submit"))
    wait_idle(page)

    outcome = page.locator(".st-key-ci_outcome")
    message = t("saved_new", period=str(Period.current()))
    expect(outcome.get_by_text(message)).to_be_visible(timeout=60_000)
    expect(outcome).to_be_in_viewport()
    focus_lands_in(page, ".st-key-ci_outcome")
    screenshot(page, "checkin-saved-outcome")


def test_errors_move_focus_to_a_summary_of_every_field_whose_entries_open_the_field(page, server):
    framework = load()
    open_page(page, server.url, "checkin", LANG)
    pick_unit(page, 4)
    first, *_, last = framework.items
    positions = {item.id: None if item in (first, last) else 1 for item in framework.items}
    fill_checkin_scores(page, framework, positions)
    submit_checkin(page, t("submit"))
    # The press's run may start after the page has been quiet for a moment: wait for its result.
    summary = page.locator(".st-key-ci_error_summary")
    expect(summary).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect(summary).to_be_in_viewport()
    focus_lands_in(page, ".st-key-ci_error_summary")

    entries = summary.get_by_role("button")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text(first.name[LANG])
    expect(entries.last).to_contain_text(last.name[LANG])
    entries.last.click()  # the last item is in the competencies step
    focus_lands_in(page, f".st-key-score-{last.id}")
    expect(page.locator(f".st-key-score-{last.id}")).to_be_in_viewport()
    beside = page.locator('[data-testid="stAlertContainer"]', has_text=t("error_score_missing"))
    expect(beside.first).to_be_visible()  # the message under the field, not only the summary
    screenshot(page, "checkin-error-summary")


def test_a_person_who_moves_on_at_once_keeps_the_focus_where_they_put_it(page, server):
    """The press's focus is checked again for a moment after the run is drawn (focus can fall
    back to the page meanwhile); a person who has already followed a link in the error summary
    must not be pulled back to the first field."""
    open_page(page, server.url, "checkin", LANG)
    pick_unit(page, 5)
    submit_checkin(page, t("submit"))
    # The summary is drawn whole and has the focus: its script's later checks are still to come.
    page.wait_for_function(FOCUSED_IN, arg=".st-key-ci_error_summary", timeout=60_000)
    link = page.locator(".st-key-ci_error_summary").get_by_role("button").last
    field = field_of(link)  # which fields are in error depends on what other tests stored
    link.click()  # at once, while the page's own focus is still being checked
    focus_lands_in(page, field)
    page.wait_for_timeout(1500)  # longer than the page's checks after a run (2 × 400 ms)
    assert page.evaluate(FOCUSED_IN, field), "the focus was taken back"


def field_of(link: Locator) -> str:
    """The selector of the field an error-summary entry opens: its button's key is
    `goto:<field key>`, so its container's class is `st-key-goto-<field class>`."""
    classes = link.locator("xpath=ancestor::*[contains(@class, 'st-key-goto-')][1]")
    name = next(c for c in classes.get_attribute("class").split() if c.startswith("st-key-goto-"))
    return ".st-key-" + name.removeprefix("st-key-goto-")


def test_a_saved_action_status_says_so_beside_the_button_in_view_with_focus(page, server):
    """On the unit page's Actions tab, below a table of actions: the message is where the
    person pressed, not at the top of the section."""
    page.goto(f"{server.url}/unit?lang={LANG}&unit=demo-bruker-02")
    wait_idle(page)
    open_tab(page, t("unit_tab_actions"))
    # The demo unit's first action is done; it is dropped instead (no reopening to confirm).
    done, dropped = t("action_status_done"), t("action_status_dropped")
    expect(page.get_by_text(t("action_status_current", status=done))).to_be_visible()
    select_option(page, "action_update-status", dropped)
    save = page.get_by_role("button", name=t("actions_save_status"))
    save.scroll_into_view_if_needed()
    save.click()

    outcome = page.locator(".st-key-flash_action_status")
    expect(outcome.get_by_text(t("actions_status_saved"))).to_be_visible(timeout=60_000)
    expect(outcome).to_be_in_viewport()
    focus_lands_in(page, ".st-key-flash_action_status")
    # Nothing beside it still shows the old status.
    expect(page.get_by_text(t("action_status_current", status=dropped))).to_be_visible()
    assert done not in page.locator(".st-key-action_update-id").inner_text()
    screenshot(page, "unit-action-status-saved")
