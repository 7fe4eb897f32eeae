"""A leader's check-in in a real browser: fill in, submit, see it drawn in the unit's charts,
open it again and edit it."""

from __future__ import annotations

import re

import pytest
from e2ehelpers import (
    TYPED_COMMENT,
    TYPED_REFLECTION,
    chart_points,
    chart_titled,
    checked_radio,
    fill_checkin_scores,
    go_to,
    go_to_step,
    open_page,
    open_tab,
    screenshot,
    select_option,
    submit_checkin,
)
from playwright.sync_api import Page, expect

from dtmaturity.domain import formats, i18n
from dtmaturity.domain.framework import Framework, load
from dtmaturity.domain.periods import Period

LANG = "nb"


def t(key: str, **params: object) -> str:
    """The text as the page shows it: a quarter in it named as people read it (ui.t)."""
    return i18n.t(
        LANG,
        key,
        **{k: formats.quarter(v, LANG) if isinstance(v, str) else v for k, v in params.items()},
    )


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load()


def fill_scores(page: Page, framework: Framework, scores: dict[str, int]) -> None:
    positions = {item.id: item.scale.values.index(scores[item.id]) for item in framework.items}
    fill_checkin_scores(page, framework, positions)


def current_points(page: Page, title: str, period: str) -> dict[str, tuple[float, int]]:
    """{item name: (mean, n)} of the points the chart titled `title` draws for `period`."""
    chart = chart_titled(page, title)
    period_mark = f'[aria-roledescription="point"][aria-label*="{t("chart_period")}: {period}"]'
    expect(chart.locator(period_mark).first).to_be_attached()
    return {
        point.fields[t("chart_item")]: (
            point.number(t("chart_mean")),
            int(point.number(t("chart_n"))),
        )
        for point in chart_points(chart)
        # Only score points: target markers and action rules carry other fields.
        if point.fields.get(t("chart_period")) == period
        and t("chart_item") in point.fields
        and t("chart_n") in point.fields
    }


def own_points(page: Page, title: str, period: str) -> dict[str, float]:
    """{item name: score} of the leader's own unpublished answers the chart titled `title`
    draws apart for `period` (a quarter in progress is nobody's group figure)."""
    chart = chart_titled(page, title)
    period_mark = f'[aria-roledescription="point"][aria-label*="{t("chart_period")}: {period}"]'
    expect(chart.locator(period_mark).first).to_be_attached()
    points = chart_points(chart)
    group = [
        p for p in points if p.fields.get(t("chart_period")) == period and t("chart_n") in p.fields
    ]
    assert group == []  # no group figure for the quarter in progress
    return {
        point.fields[t("chart_item")]: point.number(t("own_pending_score"))
        for point in points
        if point.fields.get(t("chart_period")) == period and t("own_pending_score") in point.fields
    }


def open_unit_page(page: Page, unit: str) -> None:
    go_to(page, t("page_unit"))
    select_option(page, "unit_id", unit)
    open_tab(page, t("unit_tab_wheel"))


def test_leader_submits_a_checkin_sees_it_in_the_unit_charts_and_edits_it(page, server, framework):
    period = str(Period.current())
    open_page(page, server.url, "checkin", LANG)
    select_option(page, "ci_unit", server.leaf_unit)
    expect(page.get_by_text(t("checkin_new", period=formats.quarter(period, "nb")))).to_be_visible()

    values = framework.themes[0].scale.values
    scores = {item.id: values[i % len(values)] for i, item in enumerate(framework.items)}
    fill_scores(page, framework, scores)
    first = framework.themes[0]
    go_to_step(page, "wheel")
    page.locator(f".st-key-comment-{first.id} textarea").fill(TYPED_COMMENT)
    reflection = next(q for q in framework.questions if q.lens == "wheel")
    go_to_step(page, "reflections")
    page.locator(f".st-key-reflection-{reflection.id} textarea").fill(TYPED_REFLECTION)
    submit_checkin(page, t("submit"))
    expect(page.get_by_text(t("saved_new", period=formats.quarter(period, "nb")))).to_be_visible()
    screenshot(page, "journey-checkin-saved")

    # The quarter is in progress: the leader sees their own answers, apart and labelled.
    open_unit_page(page, server.leaf_unit)
    names = {item.id: item.name[LANG] for item in framework.items}
    trend = own_points(page, t("trend_title"), period)
    assert trend == {names[i.id]: float(scores[i.id]) for i in framework.themes}
    expect(page.get_by_text(t("own_pending_note", periods=period))).to_be_visible()
    open_tab(page, t("unit_tab_competencies"))
    profile = own_points(page, t("competency_trend_heading"), period)
    assert profile == {names[i.id]: float(scores[i.id]) for i in framework.competencies}
    screenshot(page, "journey-unit-with-new-point")

    # Open it again: the form shows what was saved; change two scores and save.
    go_to(page, t("page_checkin"))
    select_option(page, "ci_unit", server.leaf_unit)
    editing = re.escape(
        t("checkin_editing", period=formats.quarter(period, "nb"), saved="@")
    ).replace("@", ".+")
    expect(page.get_by_text(re.compile(editing))).to_be_visible()
    for step, items in (("wheel", framework.themes), ("competencies", framework.competencies)):
        go_to_step(page, step)
        for item in items:
            assert checked_radio(page, f"score-{item.id}") == values.index(scores[item.id])
    go_to_step(page, "wheel")
    expect(page.locator(f".st-key-comment-{first.id} textarea")).to_have_value(TYPED_COMMENT)
    changed = framework.competencies[0]
    edited = {
        **scores,
        first.id: values[(values.index(scores[first.id]) + 2) % len(values)],
        changed.id: values[(values.index(scores[changed.id]) + 1) % len(values)],
    }
    fill_scores(page, framework, edited)
    submit_checkin(page, t("submit"))
    expect(
        page.get_by_text(t("saved_updated", period=formats.quarter(period, "nb")))
    ).to_be_visible()

    open_unit_page(page, server.leaf_unit)
    trend = own_points(page, t("trend_title"), period)
    assert trend[names[first.id]] == float(edited[first.id])
    assert trend[names[first.id]] != float(scores[first.id])
    open_tab(page, t("unit_tab_competencies"))
    profile = own_points(page, t("competency_trend_heading"), period)
    assert profile[names[changed.id]] == float(edited[changed.id])
