"""The meeting's one-page summary: per lens the figures and the group's notes, the actions it
agreed and what became of the last meeting's; closing a meeting keeps its figures as they stand.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd

from dtmaturity.domain import formats, privacy
from dtmaturity.domain.i18n import LANGUAGES, t
from dtmaturity.services import actions, exports, reportfiles, units
from dtmaturity.services.actions import Action
from dtmaturity.services.context import Context
from dtmaturity.services.meetings import (
    CLOSE,
    LENSES,
    REVIEW,
    Meeting,
    MeetingRefused,
    audit_target,
    follow_up,
    get,
    require_open,
    step,
)
from dtmaturity.services.reportmodel import Report, Section, Table
from dtmaturity.store import meetings as sql


def _figure_rows(ctx: Context, frame: pd.DataFrame) -> list[list[str]]:
    rows = []
    for row in frame.itertuples(index=False):
        mean = (
            t(ctx.lang, privacy.reason_key(row.reason))
            if row.hidden
            else formats.mean(row.mean, ctx.lang)
        )
        rows.append(
            [
                row.item,
                mean,
                formats.change(row.change_quarter, ctx.lang),
                formats.change(row.change_year, ctx.lang),
                formats.mean(row.target, ctx.lang),
                formats.change(row.gap, ctx.lang),
            ]
        )
    return rows


FIGURE_COLUMNS = (
    "chart_item", "meeting_col_mean", "meeting_col_change_quarter", "meeting_col_change_year",
    "col_target", "col_gap",
)  # fmt: skip
FIGURE_WIDTHS = [0.34, 0.12, 0.15, 0.15, 0.12, 0.12]  # the item's name wide, one line each
ACTION_WIDTHS = [0.06, 0.3, 0.16, 0.26, 0.1, 0.12]  # an e-mail on one line


def _figures_section(ctx: Context, meeting: Meeting, lens: str) -> Section:
    """One lens's figures (or why they are hidden), as the acting viewer sees them."""
    view = step(ctx, meeting, lens)
    section = Section(view.title)
    if view.hidden_reason:
        section.paragraphs.append(t(ctx.lang, privacy.reason_key(view.hidden_reason)))
    elif lens == "roles":
        if view.roles_summary:
            section.paragraphs.append(view.roles_summary)
    elif len(view.figures):
        columns = [t(ctx.lang, c) for c in FIGURE_COLUMNS]
        section.tables.append(Table(columns, _figure_rows(ctx, view.figures), FIGURE_WIDTHS))
    return section


def _figures(ctx: Context, meeting: Meeting) -> list[Section]:
    return [_figures_section(ctx, meeting, lens) for lens in LENSES]


def _action_table(ctx: Context, found: list[Action]) -> Table:
    headings = [t(ctx.lang, key) for key in actions.OPEN_HEADINGS.values()]
    return Table(headings, actions.document_rows(ctx, found), ACTION_WIDTHS)


def build_summary(
    ctx: Context, meeting: Meeting, figures_kept: list[Section] | None = None
) -> Report:
    """The meeting's one page: per lens the figures (`figures_kept`, else as the acting
    viewer sees them now) and the group's notes, then the actions it agreed and what became of
    the last meeting's. Notes and actions are read as they are now, so a note its writer's
    erasure deleted, or an owner it renamed, is gone from the summary too."""
    name = units.by_id(ctx)[meeting.unit_id].name if meeting.unit_id in units.by_id(ctx) else ""
    sections = figures_kept if figures_kept is not None else _figures(ctx, meeting)
    for section, lens in zip(sections, LENSES, strict=True):
        section.bullets = step(ctx, meeting, lens).notes
    closing = step(ctx, meeting, CLOSE)
    decided = Section(t(ctx.lang, "meeting_summary_actions"))
    decided.bullets = step(ctx, meeting, REVIEW).notes + closing.notes
    if closing.agreed:
        decided.tables.append(_action_table(ctx, closing.agreed))
    else:
        decided.paragraphs.append(t(ctx.lang, "meeting_no_actions"))
    sections.append(decided)
    earlier = follow_up(ctx, meeting)
    if earlier is not None and earlier.actions:
        review = Section(t(ctx.lang, "meeting_follow_up", period=earlier.period))
        review.tables.append(_action_table(ctx, earlier.actions))
        sections.append(review)
    return Report(
        lang=ctx.lang,
        unit_id=meeting.unit_id,
        unit_name=name,
        period=meeting.period,
        title=t(
            ctx.lang,
            "meeting_summary_title",
            unit=name,
            period=formats.quarter(meeting.period, ctx.lang),
        ),
        subtitle=t(ctx.lang, "meeting_summary_subtitle", k=privacy.thresholds().min_respondents),
        sections=sections,
        compact=True,
    )


def _kept_figures(ctx: Context, meeting: Meeting) -> str:
    """The figures of the summary in every UI language, as JSON, kept with the closed meeting:
    aggregates under the privacy rule only, never a note or a name."""
    return json.dumps(
        {lang: [asdict(s) for s in _figures(ctx.with_lang(lang), meeting)] for lang in LANGUAGES},
        ensure_ascii=False,
    )


def close(ctx: Context, meeting: Meeting) -> Report:
    """Close the meeting and keep the figures of its one-page summary as they stand now
    (audited as meeting.close). Returns the summary."""
    meeting = require_open(ctx, meeting)
    kept = _kept_figures(ctx, meeting)
    ctx.write(
        lambda cur: sql.close(cur, meeting.meeting_id, ctx.actor.user_id, kept),
        "meeting.close",
        audit_target(meeting),
        {"meeting_id": meeting.meeting_id},
    )
    return summary(ctx, meeting.meeting_id)


def _section_from(data: dict) -> Section:
    return Section(
        data["heading"],
        paragraphs=data["paragraphs"],
        tables=[Table(x["columns"], x["rows"], x.get("widths")) for x in data["tables"]],
        bullets=data["bullets"],
        subsections=[_section_from(x) for x in data["subsections"]],
    )


def summary(ctx: Context, meeting_id: int, lang: str | None = None) -> Report:
    """The summary of a closed meeting in `lang` (default: the UI language). The figures kept
    at closing were made for the person who closed it, through the privacy rule for that
    viewer (a figure made only of one's own answers is shown to oneself): they get those;
    anyone else gets the figures as the unit page shows them to them."""
    meeting = get(ctx, meeting_id)
    if not meeting.closed:
        raise MeetingRefused("meeting_not_closed")
    ctx = ctx.with_lang(lang or ctx.lang)
    with ctx.store.reader() as cur:
        row = sql.meeting(cur, meeting_id)
    closed_by, kept = row[5], row[7]
    figures_kept = None
    if kept and closed_by == ctx.actor.user_id:
        figures_kept = [_section_from(x) for x in json.loads(kept)[ctx.lang]]
    return build_summary(ctx, meeting, figures_kept)


def summary_file(ctx: Context, meeting_id: int, file_format: str, lang: str | None = None) -> bytes:
    """The summary as PDF or HTML (services/reportfiles.py's rendering)."""
    return reportfiles.render(summary(ctx, meeting_id, lang), file_format)


def summary_file_name(unit_id: str, period: str, file_format: str) -> str:
    return f"{exports.file_stem('ledermote', unit_id, period)}.{file_format}"
