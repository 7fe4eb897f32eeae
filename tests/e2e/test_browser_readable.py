"""Charts and buttons people can read at 1280 px: no button label cut short, every heatmap
label drawn (none dropped for lack of room), no legend label cut short."""

from __future__ import annotations

from e2ehelpers import open_page, screenshot

# Text boxes inside buttons and chart SVG texts that are cut (ellipsis or clipped).
CUT_BUTTONS_JS = """
() => [...document.querySelectorAll('[data-testid="stMain"] button')]
  .map(b => b.querySelector('[data-testid="stMarkdownContainer"]') || b)
  .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.innerText)
"""
SVG_TEXTS_JS = """
() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg text')]
  .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
  .map(t => t.textContent)
"""


def test_overview_heatmap_and_buttons_are_whole_at_1280(page, server):
    from dtmaturity.domain.framework import load

    open_page(page, server.url, "overview", "nb")
    page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for()
    texts = page.evaluate(SVG_TEXTS_JS)
    themes = [item.name["nb"] for item in load().themes]
    assert set(themes) <= set(texts), set(themes) - set(texts)
    assert not [t for t in texts if "…" in t]
    assert page.evaluate(CUT_BUTTONS_JS) == []
    screenshot(page, "overview-1280")


def test_unit_page_buttons_and_legends_are_whole_at_1280(page, server):
    open_page(page, server.url, "unit", "nb")
    page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for()
    assert not [t for t in page.evaluate(SVG_TEXTS_JS) if "…" in t]
    assert page.evaluate(CUT_BUTTONS_JS) == []
    screenshot(page, "unit-1280")


# The height of each chart's y axis as drawn (px): about the plot area a person reads.
Y_AXIS_HEIGHTS_JS = """
() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"] svg g.role-axis')]
  .filter(g => (g.getAttribute('aria-label') || '').startsWith('Y-axis'))
  .map(g => Math.round(g.getBoundingClientRect().height))
"""


def test_the_trends_keep_their_height_beside_a_long_legend(page, server):
    """The trend's legend (one row per pair of items, below the plot) adds to the chart's
    height; it used to be taken from the plot, which was left a few lines high."""
    open_page(page, server.url, "unit", "nb")
    page.locator('[data-testid="stVegaLiteChart"] svg.marks').first.wait_for()
    heights = page.evaluate(Y_AXIS_HEIGHTS_JS)
    assert heights and min(heights) >= 300, heights  # the spec's plot height is 360 px
    screenshot(page, "unit-trend-height")
