"""Contrast rules that hold without a browser: chart text and the theme's faded caption text.

The browser tests (tests/e2e) check the rendered pages with axe-core; these run everywhere,
also where Chromium is missing, and say which setting broke when one does.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from apphelpers import each_tab, open_app

from dtmaturity import charts

ROOT = Path(__file__).resolve().parents[2]
WHITE = (255, 255, 255)
CAPTION_OPACITY = 0.6  # Streamlit draws captions and radio help text in textColor at 60 %


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def luminance(colour: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_wcag_examples():
    assert contrast(rgb("#000000"), WHITE) == pytest.approx(21.0)
    assert contrast(rgb("#767676"), WHITE) == pytest.approx(4.54, abs=0.01)


def test_faded_caption_text_of_the_theme_keeps_4_5_to_1_on_white():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    text = rgb(theme["textColor"])
    faded = tuple(
        CAPTION_OPACITY * c + (1 - CAPTION_OPACITY) * w for c, w in zip(text, WHITE, strict=True)
    )
    assert contrast(faded, WHITE) >= 4.5


@pytest.mark.parametrize("page", ["pages/unit.py", "pages/overview.py"])
def test_every_chart_draws_its_text_in_a_colour_with_4_5_to_1_on_white(demo_db, page):
    """Charts as the pages send them to the browser (Streamlit's own chart theme is lighter)."""
    assert contrast(rgb(charts.INK), WHITE) >= 4.5
    at = open_app()
    at = at.switch_page(page).run()
    specs = [
        json.loads(chart.proto.spec)
        for section in each_tab(at)  # the charts of every tab
        for chart in section.get("vega_lite_chart")
    ]
    assert specs
    for spec in specs:
        config = spec["config"]
        assert config["axis"]["labelColor"] == config["axis"]["titleColor"] == charts.INK
        assert config["legend"]["labelColor"] == config["title"]["color"] == charts.INK
