"""The leader-group report: one unit and quarter, to bring to the leader-group meeting.

`build` gathers the content through the dashboard services (so the privacy thresholds apply
exactly as on the pages) and renders every chart to PNG offline (vl-convert). What a report is
made of is services/reportmodel.py; it is written as HTML or PDF by services/reportfiles.py
(the PDF: services/reportpdf.py).
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from dtmaturity import charts
from dtmaturity.domain import clock, formats, privacy
from dtmaturity.domain.i18n import t
from dtmaturity.domain.periods import Period
from dtmaturity.services import (
    actions,
    analytics,
    authz,
    chartsummaries,
    exports,
    release_rule,
    targets,
    units,
)
from dtmaturity.services.context import Context
from dtmaturity.services.reportmodel import Figure, Report, ReportError, Section, Table

CHART_WIDTH = 600


def _figure(ctx: Context, chart: alt.TopLevelMixin, title: str, summary: str) -> Figure:
    chart = charts.readable(chart.properties(width=CHART_WIDTH), ctx.lang)
    return Figure(title, exports.chart_png(chart), summary)


def _number(ctx: Context, value: object) -> str:
    return formats.mean(value, ctx.lang)


def _signed(ctx: Context, value: object) -> str:
    return formats.change(value, ctx.lang)


def _mean_or_hidden(ctx: Context, mean: object, hidden: object, reason: object = None) -> str:
    """The mean, or why it is hidden, in words."""
    if not pd.isna(hidden) and bool(hidden):
        return t(ctx.lang, privacy.reason_key(reason))
    return _number(ctx, mean)


def _trend_section(ctx: Context, unit_id: str, period: str, kind: str, key: str) -> Section:
    trend = analytics.item_trend(ctx, unit_id, kind)
    trend = trend[trend["period"] <= period]
    goals = targets.unit_targets(ctx, unit_id, kind, as_of=period)
    plan = actions.chart_frame(ctx, unit_id)
    title = t(ctx.lang, key)
    section = Section(title)
    if trend.empty:
        section.paragraphs.append(t(ctx.lang, "report_no_data", period=period))
        return section
    if trend["hidden"].all():
        section.paragraphs.append(chartsummaries.trend_summary(ctx, trend))  # too few answers
        return section
    chart = charts.trend_with_plan(trend, goals, plan, lang=ctx.lang, title=title)
    section.figures.append(_figure(ctx, chart, title, chartsummaries.trend_summary(ctx, trend)))
    section.paragraphs.append(t(ctx.lang, "trend_plan_note"))
    return section


def _profile_section(ctx: Context, unit_id: str, period: str) -> Section:
    title = t(ctx.lang, "report_profile")
    section = Section(title)
    trend = analytics.item_trend(ctx, unit_id, "competency")
    shown = sorted({p for p in trend["period"] if p <= period}, reverse=True)[:2]
    profile = trend[trend["period"].isin(shown)].reset_index(drop=True)
    if profile.empty:
        section.paragraphs.append(t(ctx.lang, "report_no_data", period=period))
        return section
    chart = charts.profile(profile, lang=ctx.lang, title=title)
    section.figures.append(_figure(ctx, chart, title, chartsummaries.profile_summary(ctx, profile)))
    return section


def _roles_section(ctx: Context, unit_id: str, period: str) -> Section:
    title = t(ctx.lang, "report_roles", period=period)
    section = Section(title)
    frame = analytics.role_distribution(ctx, unit_id, period)
    why = analytics.roles_hidden_reason(ctx, unit_id, period)
    if why:
        key = "report_roles_hidden_protect" if why == privacy.PROTECT else "report_roles_hidden"
        section.paragraphs.append(t(ctx.lang, key, period=period))
    elif frame.empty:
        section.paragraphs.append(t(ctx.lang, "roles_empty"))
    else:
        chart = charts.roles(frame, lang=ctx.lang, title=title)
        section.figures.append(_figure(ctx, chart, title, chartsummaries.roles_summary(ctx, frame)))
        balance = analytics.role_balance(ctx, unit_id, period)
        section.paragraphs.append(chartsummaries.balance_summary(ctx, balance))
    return section


def _changes_section(ctx: Context, unit_id: str, period: str) -> Section:
    previous = str(Period.parse(period).previous())
    section = Section(t(ctx.lang, "report_changes", previous=previous, period=period))
    rows = []
    for kind in ("theme", "competency"):
        trend = analytics.item_trend(ctx, unit_id, kind)
        for item in ctx.framework.themes if kind == "theme" else ctx.framework.competencies:
            cells = trend[trend["item_id"] == item.id].set_index("period")
            now = cells.loc[period] if period in cells.index else None
            before = cells.loc[previous] if previous in cells.index else None
            if now is None and before is None:
                continue
            change = (
                now["mean"] - before["mean"]
                if now is not None
                and before is not None
                and not now["hidden"]
                and not before["hidden"]
                else None
            )
            rows.append(
                [
                    item.name[ctx.lang],
                    ""
                    if before is None
                    else _mean_or_hidden(
                        ctx, before["mean"], before["hidden"], before.get("reason")
                    ),
                    ""
                    if now is None
                    else _mean_or_hidden(ctx, now["mean"], now["hidden"], now.get("reason")),
                    _signed(ctx, change),
                ]
            )
    if rows:
        section.tables.append(
            Table([t(ctx.lang, "chart_item"), previous, period, t(ctx.lang, "col_change")], rows)
        )
    else:
        section.paragraphs.append(t(ctx.lang, "report_no_data", period=period))
    return section


def _targets_section(ctx: Context, unit_id: str, period: str) -> Section:
    section = Section(t(ctx.lang, "report_targets"))
    rows = []
    for kind in ("theme", "competency"):
        frame = targets.gaps(ctx, unit_id, kind, period=period)
        frame = frame[frame["target_period"].notna()]
        for row in frame.itertuples(index=False):
            target = (
                t(ctx.lang, privacy.reason_key(row.target_reason))
                if row.target_hidden
                else _number(ctx, row.target)
            )
            rows.append(
                [
                    row.item,
                    _number(ctx, row.mean),
                    target,
                    str(row.target_period),
                    _signed(ctx, row.gap),
                ]
            )
    if rows:
        columns = ["chart_item", "col_mean_now", "col_target", "col_target_period", "col_gap"]
        section.tables.append(Table([t(ctx.lang, c) for c in columns], rows))
    else:
        section.paragraphs.append(t(ctx.lang, "gaps_none"))
    return section


def _actions_section(ctx: Context, unit_id: str) -> Section:
    section = Section(t(ctx.lang, "report_actions"))
    open_actions = actions.open_for_unit(ctx, unit_id)
    if not open_actions:
        section.paragraphs.append(t(ctx.lang, "report_actions_none"))
        return section
    headings = [t(ctx.lang, key) for key in actions.OPEN_HEADINGS.values()]
    section.tables.append(Table(headings, actions.document_rows(ctx, open_actions)))
    return section


def _reflections_section(ctx: Context, unit_id: str, period: str) -> Section | None:
    view = analytics.reflection_view(ctx, unit_id, periods=[period])
    if view.rows.empty:
        return None
    section = Section(t(ctx.lang, "report_reflections", period=period))
    section.bullets = [
        f"{question}: {answer}"
        for question, answer in zip(view.rows["question"], view.rows["answer"], strict=True)
    ]
    return section


def _questions_section(ctx: Context) -> Section:
    section = Section(t(ctx.lang, "report_questions"))
    for lens in ("wheel", "competencies", "roles"):
        part = Section(t(ctx.lang, f"report_lens_{lens}"))
        part.bullets = [q.text[ctx.lang] for q in ctx.framework.questions_for(lens)]
        section.subsections.append(part)
    return section


def build(
    ctx: Context, unit_id: str, period: str, *, lang: str | None = None, today: date | None = None
) -> Report:
    """Everything the report shows, charts rendered, privacy applied as on the pages."""
    authz.require_dashboard(ctx, unit_id)
    ctx = ctx.with_lang(lang or ctx.lang)
    index = units.by_id(ctx)
    if unit_id not in index:
        raise ReportError(t(ctx.lang, "report_unknown_unit", value=unit_id))
    try:
        period = str(Period.parse(period))
    except ValueError as exc:
        raise ReportError(t(ctx.lang, "error_bad_period", value=period)) from exc
    if not release_rule.is_released(ctx, unit_id, period, today):
        raise ReportError(t(ctx.lang, "report_not_released", period=period, unit=unit_id))
    name = index[unit_id].name
    sections = [
        _trend_section(ctx, unit_id, period, "theme", "report_trend_themes"),
        _trend_section(ctx, unit_id, period, "competency", "report_trend_competencies"),
        _profile_section(ctx, unit_id, period),
        _roles_section(ctx, unit_id, period),
        _changes_section(ctx, unit_id, period),
        _targets_section(ctx, unit_id, period),
        _actions_section(ctx, unit_id),
    ]
    reflections = _reflections_section(ctx, unit_id, period)
    if reflections:
        sections.append(reflections)
    sections.append(_questions_section(ctx))
    made = formats.long_date(today or clock.today(), ctx.lang)
    return Report(
        lang=ctx.lang,
        unit_id=unit_id,
        unit_name=name,
        period=period,
        title=t(ctx.lang, "report_title", unit=name, period=formats.quarter(period, ctx.lang)),
        subtitle=t(
            ctx.lang,
            "report_subtitle",
            date=made,
            k=privacy.thresholds().min_respondents,
        ),
        sections=sections,
    )
