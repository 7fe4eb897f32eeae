"""Universal design (WCAG 2.1 AA) in a real browser: axe-core finds no serious or critical
violation on any page in any language, and a check-in can be done with the keyboard only.

The walk over every page and tab in each language also checks that each loads without an
exception, error box or script error and has a heading (one walk for both: each walk is about
two minutes of a 2-core machine)."""

from __future__ import annotations

from pprint import pformat

import pytest
from axe_playwright_python.sync_playwright import Axe
from e2ehelpers import (
    TYPED_KEYBOARD_COMMENT,
    checked_radio,
    each_tab,
    error_boxes,
    expand_all,
    go_to_step,
    heading,
    nav_links,
    open_page,
    page_slug,
    screenshot,
    submit_checkin,
    wait_idle,
)
from playwright.sync_api import Page, expect

from dtmaturity.domain import formats, i18n
from dtmaturity.domain.framework import load
from dtmaturity.domain.periods import Period
from dtmaturity.web.checkin_state import STEPS

BLOCKING_IMPACTS = {"serious", "critical"}
# Violations Streamlit itself causes and the app cannot fix, as (axe rule id, the element's
# selector exactly as axe reports it). Each must be explained, with its upstream issue, in
# docs/accessibility.md. Exact on purpose: the same rule anywhere else still fails the test.
# Empty: with the app's fixes, Streamlit 1.67 causes no serious or critical violation here.
STREAMLIT_EXCLUSIONS: set[tuple[str, str]] = set()


def blocking_violations(page: Page, where: str) -> list[str]:
    """Serious and critical axe-core findings on the page as it is now, one line per element."""
    results = Axe().run(page).response
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            if (violation["id"], target) in STREAMLIT_EXCLUSIONS:
                continue
            found.append(
                f"{where}: {violation['id']} ({violation['impact']}) {target}: "
                f"{violation['help']} — {node['html'][:160]}"
            )
    return found


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_page_and_tab_loads_cleanly_with_no_serious_accessibility_violation(
    page, server, lang
):
    open_page(page, server.url, lang=lang)
    problems = []
    for label, path in nav_links(page):
        open_page(page, server.url, path, lang)
        screenshot(page, f"{page_slug(path)}-{lang}")
        if heading(page) == "":
            problems.append(f"{label} ({lang}): no page heading")
        for tab in each_tab(page):  # every tab of the page
            where = f"{label}{f' / {tab}' if tab else ''} ({lang})"
            problems += [f"{where}: error box: {text}" for text in error_boxes(page)]
            problems += [f"{where}: script error: {error}" for error in page.js_errors]
            page.js_errors.clear()
            problems += blocking_violations(page, where)
            if page.locator('[data-testid="stExpander"]').count():
                expand_all(page)  # the tables behind the charts count too
                problems += blocking_violations(page, f"{where}, tables open")
                problems += [f"{where}, tables open: error box: {t}" for t in error_boxes(page)]
    assert not problems, pformat(problems)


def test_every_checkin_step_and_its_errors_are_accessible_too(page, server):
    open_page(page, server.url, "checkin", "en")
    problems = []
    for step in STEPS:
        go_to_step(page, step)
        problems += blocking_violations(page, f"check-in step {step}")
    submit_checkin(page, i18n.t("en", "submit"))
    expect(page.locator(".st-key-ci_error_summary")).to_be_visible()
    wait_idle(page)
    problems += blocking_violations(page, "check-in with errors")
    page.locator(".st-key-ci_error_summary").get_by_role("button").first.click()
    expect(page.get_by_text(i18n.t("en", "error_score_missing")).first).to_be_visible()
    wait_idle(page)
    problems += blocking_violations(page, "check-in step with a field in error")
    assert not problems, pformat(problems)


FOCUS_JS = """
() => {
  const el = document.activeElement;
  const box = el && el.closest('[class*="st-key-"]');
  const key = box ? [...box.classList].find(c => c.startsWith('st-key-')).slice(7) : null;
  return {tag: el ? el.tagName : null, type: el ? el.type : null, key: key,
          checked: el ? !!el.checked : false};
}
"""


def test_checkin_can_be_completed_with_the_keyboard_only(page, server):
    """Tab through each step; in each score's radio group pick a level with Space and the arrow
    keys, type a comment, press Enter on "Next" to open the next step, and Enter on the save
    button. No mouse, no scripted clicks."""
    framework = load()
    lang = "en"
    period = str(Period.current())
    open_page(page, server.url, "checkin", lang)
    targets = {
        item.id: item.scale.values[(i + 2) % len(item.scale.values)]
        for i, item in enumerate(framework.items)
    }
    answered: set[str] = set()
    commented = False
    submitted = False
    for _ in range(900):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        key = focus["key"] or ""
        if key.startswith("score-") and key[6:] not in answered:
            item_id = key[6:]
            item = framework.items_by_id[item_id]
            page.keyboard.press("Space")  # choose the focused (first) level ...
            for _ in range(item.scale.values.index(targets[item_id])):
                page.keyboard.press("ArrowDown")  # ... then move the choice down to the target
            answered.add(item_id)
        elif key.startswith("comment-") and not commented:
            page.keyboard.type(TYPED_KEYBOARD_COMMENT)
            commented = True
        elif key == "ci_next" and focus["tag"] == "BUTTON":
            page.keyboard.press("Enter")  # the next step; the focus moves to its heading
            page.wait_for_function(FOCUS_MOVED_JS)
            wait_idle(page)
        elif key == "submit" and focus["tag"] == "BUTTON":
            assert answered == set(targets), "reached the save button before every score"
            page.keyboard.press("Enter")
            submitted = True
            break
    assert submitted, "Tab never reached the save button"
    expect(
        page.get_by_text(i18n.t(lang, "saved_new", period=formats.quarter(period, lang)))
    ).to_be_visible()

    # A fresh visit shows the saved check-in: every level that was chosen by keyboard.
    open_page(page, server.url, "checkin", lang)
    for step, items in (("wheel", framework.themes), ("competencies", framework.competencies)):
        go_to_step(page, step)
        for item in items:
            expected = item.scale.values.index(targets[item.id])
            assert checked_radio(page, f"score-{item.id}") == expected, item.id


# The focus is on a step's heading (after "Next"), no longer on the pressed button.
FOCUS_MOVED_JS = """
() => !!document.activeElement?.closest('[class*="st-key-ci_step_"]')
"""
