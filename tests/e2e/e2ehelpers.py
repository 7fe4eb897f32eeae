"""What the browser tests do to a page: open it, wait for Streamlit, read it as a person would."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from dtmaturity.domain import i18n

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

APP = '[data-testid="stAppViewContainer"]'
# Free text the journeys type; shown back as data, so it reads the same in both languages.
TYPED_COMMENT = "Vi har startet brukerintervjuer."
TYPED_REFLECTION = "Mer samarbeid på tvers."
TYPED_KEYBOARD_COMMENT = "Typed with the keyboard."
TYPED_TEXTS = frozenset({TYPED_COMMENT, TYPED_REFLECTION, TYPED_KEYBOARD_COMMENT})
# Visible text of the page, without Material icon ligatures ("home", "edit_note"), which are
# drawn as icons and carry no words, and without code (file names, settings), which is the
# same in every language.
VISIBLE_LINES_JS = """
() => {
  const lines = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const skip = '[data-testid="stIconMaterial"], code, script, style, template';
    if (!el || el.closest(skip)) continue;
    if (el.closest('[aria-hidden="true"]') && !el.closest('label')) continue;
    const text = node.textContent.trim();
    if (!text) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    lines.push(text);
  }
  return lines;
}
"""


# Resolves once the page has not changed for `quiet` milliseconds.
QUIET_JS = """
(quiet) => new Promise(resolve => {
  let timer;
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(done, quiet);
  });
  function done() { observer.disconnect(); resolve(true); }
  const all = {subtree: true, childList: true, attributes: true, characterData: true};
  observer.observe(document.body, all);
  timer = setTimeout(done, quiet);
})
"""
# Streamlit renders most widgets (radio, select box, text area, ...) from code chunks it loads
# lazily, showing an `stSkeleton` placeholder until the chunk has arrived. Each test's browser
# context starts with an empty cache, so on a busy machine the script run can be over and the
# page quiet for a while with placeholders where the radios will be: a test that tabs or reads
# then misses them. `data-test-script-state` is the run state Streamlit's own tests wait on.
RUN_FINISHED_JS = """
() => !document.querySelector('[data-testid="stStatusWidget"]')
      && !document.querySelector('[data-stale="true"]')
      && !document.querySelector('[data-testid="stSkeleton"]')
      && document.querySelector('[data-testid="stApp"]')
             ?.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelector('[data-testid="stMain"] h1')
"""


def wait_idle(page: Page, quiet_ms: int = 400) -> None:
    """Until Streamlit has finished drawing: no run in progress, nothing stale, no widget still
    waiting for its lazily loaded code, and the page unchanged for a moment (a run shows its
    status widget only after a delay, and widgets arrive after the heading, so neither alone
    says the page is complete)."""
    page.wait_for_selector(APP)
    for _ in range(50):
        page.wait_for_function(RUN_FINISHED_JS)
        page.evaluate(QUIET_JS, quiet_ms)
        if page.evaluate(RUN_FINISHED_JS):
            return
    raise AssertionError("the page never settled")


def open_page(page: Page, base_url: str, path: str = "", lang: str = "nb") -> None:
    """Open a page by its address in a language and wait until the app has drawn it.

    The first visit to a page address in a fresh server process runs app.py's navigation
    first (see navigation.leave_legacy_page_mode), so the wait is for the final heading, not the
    first paint.
    """
    page.goto(f"{base_url}/{path.lstrip('/')}?lang={lang}")
    wait_idle(page)
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")


def heading(page: Page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def nav_links(page: Page) -> list[tuple[str, str]]:
    """(label, address path) of every page in the sidebar navigation, in order."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    out = []
    for index in range(links.count()):
        link = links.nth(index)
        label = link.locator('[data-testid="stSidebarNavLinkContainer"], span').last.inner_text()
        href = link.get_attribute("href") or ""
        out.append((label.strip(), re.sub(r"^https?://[^/]+/?", "", href).split("?")[0]))
    return out


def go_to(page: Page, label: str) -> None:
    """Follow a sidebar navigation link, as a person clicking it (same Streamlit session)."""
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=label).first
    link.click()
    expect(link).to_have_attribute("aria-current", "page")
    wait_idle(page)


def choose_language(page: Page, lang: str) -> None:
    """Click the sidebar language radio and wait for the page to be drawn in that language."""
    option = page.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]')
    option.filter(has_text=i18n.LANGUAGES[lang]).click()
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")
    wait_idle(page)


def visible_lines(page: Page) -> list[str]:
    return page.evaluate(VISIBLE_LINES_JS)


def error_boxes(page: Page) -> list[str]:
    """Text of every exception and error box on the page."""
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


# Scrolls an element to the middle of the view and resolves once the scroll event has been
# dispatched (at once if it is in view already). Why: a select box's list closes when the page
# behind it scrolls (Streamlit's select is built on React Aria, whose popovers close on a scroll
# of their trigger's scroll parent). A click on a box below the fold scrolls the page first,
# but the browser dispatches that scroll event only at its next frame, after the click has
# opened the list, which then closes at once. Scrolled first, the scroll is over before the
# click; centred, the list has room below the box.
SCROLLED_INTO_VIEW_JS = """
el => new Promise(resolve => {
  const before = el.getBoundingClientRect();
  if (before.top >= 0 && before.bottom <= window.innerHeight / 2 + before.height) {
    return resolve(false);
  }
  let scrolled = false;
  document.addEventListener('scroll', () => { scrolled = true; }, {capture: true, once: true});
  el.scrollIntoView({block: 'center'});
  if (el.getBoundingClientRect().top === before.top) return resolve(false);  // cannot scroll
  const wait = () => (scrolled ? resolve(true) : requestAnimationFrame(wait));
  requestAnimationFrame(wait);
})
"""


def select_option(page: Page, key: str, label: str) -> None:
    """Pick `label` in the select box with widget key `key`, by opening it and clicking."""
    container = page.locator(f".st-key-{key}")
    box = container.locator("input[role='combobox']")
    for _attempt in range(3):
        container.evaluate(SCROLLED_INTO_VIEW_JS)
        box.click()
        page.get_by_role("option", name=label, exact=True).click()
        wait_idle(page)
        # On a slow machine a rerun that was still under way can put the old choice back;
        # choose again, as a person would, until the box shows the label.
        shown = container.inner_text() + " " + box.input_value()
        if label.strip() in shown:
            return
    raise AssertionError(f"the select box {key!r} does not keep {label!r}")


def choose_radio(page: Page, key: str, position: int) -> None:
    """Click the `position`-th (0-based) option of the radio group with widget key `key`."""
    page.locator(f".st-key-{key} [data-testid='stRadioOption']").nth(position).click()


def checked_radio(page: Page, key: str) -> int | None:
    """Which option (0-based) of a radio group is checked, as the browser shows it."""
    radios = page.locator(f".st-key-{key} input[type='radio']")
    for index in range(radios.count()):
        if radios.nth(index).is_checked():
            return index
    return None


def expand_all(page: Page) -> None:
    """Open every expander, so tests see (and axe checks) the tables behind the charts."""
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    # Opening one reruns its fragment, which may draw another closed one (a table's expander in
    # a help text, say): open until none is left, waiting on the count, within a bound.
    for _ in range(3 * page.locator('[data-testid="stExpander"]').count() + 3):
        left = closed.count()
        if not left:
            break
        closed.first.click()
        # The same number again: a new closed one took its place, or a rerun; try again.
        with contextlib.suppress(AssertionError):
            expect(closed).not_to_have_count(left, timeout=10_000)
        wait_idle(page)
    assert closed.count() == 0, "an expander did not open"
    wait_idle(page)


def open_tab(page: Page, label: str) -> None:
    """Click the page's tab `label`, as a person does, and wait until its section is drawn
    (only the open tab's section is drawn)."""
    tab = page.locator('[data-testid="stMain"] [role="tab"]').filter(has_text=label).first
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
    # Each section starts with its heading: drawn once the section's run has arrived.
    expect(
        page.locator('[data-testid="stMain"] [role="tabpanel"]:visible h2').first
    ).to_be_visible()
    wait_idle(page)


def each_tab(page: Page) -> Iterator[str]:
    """Open each tab of the page in turn (`open_tab`); yields each tab's label, or "" once
    for a page without tabs."""
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')
    if not tabs.count():
        yield ""
        return
    for label in [tabs.nth(i).inner_text().strip() for i in range(tabs.count())]:
        open_tab(page, label)
        yield label


@dataclass(frozen=True)
class ChartPoint:
    """One point mark as Vega drew it in the SVG, read from its accessible label."""

    fields: dict[str, str]

    def number(self, title: str) -> float:
        """The field as a number; the chart writes it in the UI language (`3,25`, `−0,5`)."""
        text = self.fields[title].replace("\u2212", "-").replace("\u00a0", "")
        return float(text.replace(",", "."))


def chart_points(chart: Locator) -> list[ChartPoint]:
    """Every point mark Vega rendered in a chart, with the fields of its accessible label
    ("Quarter: 2026-Q4; Mean (1–5): 3; ...")."""
    chart.locator("svg").first.wait_for()
    labels = chart.locator('[aria-roledescription="point"]').evaluate_all(
        "marks => marks.map(m => m.getAttribute('aria-label'))"
    )
    points = []
    for label in labels:
        pairs = (part.split(": ", 1) for part in label.split("; ") if ": " in part)
        points.append(ChartPoint({key.strip(): value.strip() for key, value in pairs}))
    return points


def chart_titled(page: Page, title: str) -> Locator:
    """The rendered Vega chart whose SVG title is `title`."""
    return page.locator('[data-testid="stVegaLiteChart"]').filter(
        has=page.locator("svg text", has_text=title)
    )


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def refresh_docs_screenshots(browser: Browser, base_url: str) -> None:
    """docs/screenshots/<page>.png for every page in bokmål, from the demo data as seeded
    (before any test adds a check-in). Only when asked (DTMATURITY_DOCS_SCREENSHOTS=1), so an
    ordinary test run never rewrites tracked files."""
    if not os.environ.get("DTMATURITY_DOCS_SCREENSHOTS"):
        return
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="nb-NO")
    page = context.new_page()
    try:
        open_page(page, base_url)
        for _, path in nav_links(page):
            open_page(page, base_url, path)
            page.screenshot(path=DOCS_SCREENSHOTS / f"{path.strip('/') or 'home'}.png")
        checkin_step_screenshots(page, base_url)
    finally:
        context.close()


def checkin_step_screenshots(page: Page, base_url: str) -> None:
    """docs/screenshots/checkin-<step>.png: the check-in's steps after the first (checkin.png
    shows the first)."""
    from dtmaturity.web.checkin_state import STEPS

    open_page(page, base_url, "checkin")
    for step in STEPS[1:]:
        go_to_step(page, step)
        page.screenshot(path=DOCS_SCREENSHOTS / f"checkin-{step}.png")


# --- the check-in, in steps (pages/checkin.py) ------------------------------------------------


def go_to_step(page: Page, step: str) -> None:
    """Open a step of the check-in by its place in the row of steps, and wait for it."""
    from dtmaturity.web.checkin_state import STEPS

    choose_radio(page, "ci_step", STEPS.index(step))
    expect(page.locator(f".st-key-ci_step_{step}")).to_be_attached()
    wait_idle(page)


def fill_checkin_scores(page: Page, framework, position: int | dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """Choose the `position`-th level (or {item id: position}) of every item, step by step."""
    for step, items in (("wheel", framework.themes), ("competencies", framework.competencies)):
        go_to_step(page, step)
        for item in items:
            at = position[item.id] if isinstance(position, dict) else position
            if at is not None:
                choose_radio(page, f"score-{item.id}", at)
        wait_idle(page)


def submit_checkin(page: Page, label: str) -> None:
    """Open the summary step and press its save button (labelled `label`)."""
    go_to_step(page, "summary")
    page.get_by_role("button", name=label).click()


def page_slug(path: str) -> str:
    """A page's address as a file name: the start page is "home"."""
    return path.strip("/") or "home"
