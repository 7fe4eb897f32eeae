"""The leader group's meeting: one unit and released quarter on one shared screen, the model's
lenses one step at a time, the group's notes and agreed actions (the one-page summary, and
closing the meeting, are services/meetingsummary.py).

Every figure comes from the dashboard services (analytics, targets), which apply the privacy
rule for the acting viewer; nothing here counts answers. Every write is audited (ctx.write).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from dtmaturity.domain import guidance, privacy
from dtmaturity.domain.i18n import t
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import (
    actions,
    analytics,
    authz,
    chartsummaries,
    release_rule,
    targets,
    units,
)
from dtmaturity.services.actions import Action, ActionResult
from dtmaturity.services.context import Context
from dtmaturity.store import meetings as sql

REVIEW, CLOSE = "review", "close"
LENSES = {"wheel": "theme", "competencies": "competency", "roles": None}
STEPS = (REVIEW, *LENSES, CLOSE)  # the model's order: wheel, competencies, roles
NOTE_MAX = 4000


class MeetingRefused(ValueError):
    """The meeting cannot be opened or changed; `key` and `params` name the i18n message."""

    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params
        super().__init__(f"{key} {params}")

    def message(self, lang: str) -> str:
        return t(lang, self.key, **self.params)


@dataclass(frozen=True)
class Meeting:
    meeting_id: int
    unit_id: str
    period: str
    opened_by: str
    closed: bool


@dataclass(frozen=True)
class Idea:
    """Ideas for the next step on one item, from the framework file: why (guidance.LOW, GAP,
    FALLEN), links (title, address) and example actions, in the UI language."""

    item_id: str
    item: str
    why: list[str]
    resources: list[tuple[str, str]]
    examples: list[str]


@dataclass
class StepView:
    """What one step shows. `figures`: item_id, item, mean, n, hidden, reason, change_quarter,
    change_year, target, target_period, gap (empty for the review, roles and close steps)."""

    step: str
    title: str
    figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    hidden_reason: str | None = None  # why no figure of the lens can be shown
    spread: pd.DataFrame = field(default_factory=pd.DataFrame)
    actions: list[Action] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    reflections: pd.DataFrame = field(default_factory=pd.DataFrame)
    reflections_hidden: str | None = None
    roles: pd.DataFrame = field(default_factory=pd.DataFrame)
    roles_summary: str = ""
    notes: list[str] = field(default_factory=list)
    agreed: list[Action] = field(default_factory=list)
    ideas: list[Idea] = field(default_factory=list)


@dataclass
class FollowUp:
    """Last meeting's decisions and what became of them."""

    period: str
    notes: list[tuple[str, str]]  # (step, note)
    actions: list[Action]  # with their status now
    moved: pd.DataFrame  # item, then, now, change: the items the actions serve


def _as_meeting(row: tuple) -> Meeting:
    return Meeting(int(row[0]), row[1], row[2], row[3], row[6] is not None)


def audit_target(meeting: Meeting) -> str:
    return f"{meeting.unit_id}/{meeting.period}"


def open(ctx: Context, unit_id: str, period: str, *, today: date | None = None) -> Meeting:  # noqa: A001
    """Open (or resume) the unit's meeting for a released quarter. Only people who may see the
    unit's figures may; an open quarter's figures wait for its round to close."""
    authz.require_dashboard(ctx, unit_id)
    if unit_id not in units.by_id(ctx):
        raise MeetingRefused("report_unknown_unit", value=unit_id)
    try:
        period = str(Period.parse(period))
    except ValueError as exc:
        raise MeetingRefused("error_bad_period", value=period) from exc
    if not release_rule.is_released(ctx, unit_id, period, today):
        raise MeetingRefused("meeting_not_released", period=period)
    with ctx.store.reader() as cur:
        found = sql.open_meeting(cur, unit_id, period)
    if found:
        return _as_meeting(found)
    meeting_id = ctx.write(
        lambda cur: sql.insert_meeting(cur, unit_id, period, ctx.actor.user_id),
        "meeting.open",
        f"{unit_id}/{period}",
        lambda new_id: {"meeting_id": new_id},
    )
    return get(ctx, meeting_id)


def get(ctx: Context, meeting_id: int) -> Meeting:
    with ctx.store.reader() as cur:
        row = sql.meeting(cur, meeting_id)
    if row is None:
        raise MeetingRefused("meeting_unknown", value=meeting_id)
    authz.require_dashboard(ctx, row[1])
    return _as_meeting(row)


def for_unit(ctx: Context, unit_id: str) -> pd.DataFrame:
    """The unit's closed meetings, newest first: meeting_id, period, closed_at."""
    authz.require_dashboard(ctx, unit_id)
    with ctx.store.reader() as cur:
        return sql.closed_meetings(cur, unit_id)[["meeting_id", "period", "closed_at"]]


def step_title(ctx: Context, step: str) -> str:
    return t(ctx.lang, f"meeting_step_{step}")


# --- the steps -------------------------------------------------------------------------------


def _kind_items(ctx: Context, kind: str) -> list[str]:
    items = ctx.framework.themes if kind == "theme" else ctx.framework.competencies
    return [item.id for item in items]


def figures(ctx: Context, unit_id: str, period: str, kind: str) -> pd.DataFrame:
    """Per item of `kind` in framework order: the released figure in `period` (or why it is
    hidden), its change since the quarter before and since the same quarter a year ago (none
    where either side is hidden or missing), and the target and gap (targets.gaps)."""
    previous, year_ago = analytics.comparison_periods(period)
    trend = analytics.item_trend(ctx, unit_id, kind)
    gaps = targets.gaps(ctx, unit_id, kind, period=period).set_index("item_id")
    rows = []
    for item_id in _kind_items(ctx, kind):
        cells = trend[trend["item_id"] == item_id].set_index("period")

        def shown(p: str, cells: pd.DataFrame = cells) -> float | None:
            if p not in cells.index or bool(cells.loc[p, "hidden"]):
                return None
            return float(cells.loc[p, "mean"])

        now = shown(period)
        before, last_year = shown(previous), shown(year_ago)
        here = cells.loc[period] if period in cells.index else None
        gap = gaps.loc[item_id] if item_id in gaps.index else None
        rows.append(
            {
                "item_id": item_id,
                "item": ctx.framework.item_name(item_id, ctx.lang),
                "mean": now,
                "n": int(here["n"]) if here is not None else 0,
                "hidden": bool(here["hidden"]) if here is not None else False,
                "reason": here["reason"] if here is not None and here["hidden"] else None,
                "change_quarter": None if now is None or before is None else now - before,
                "change_year": None if now is None or last_year is None else now - last_year,
                "target": None
                if gap is None or pd.isna(gap["target"]) or bool(gap["target_hidden"])
                else float(gap["target"]),
                "target_period": None if gap is None else gap["target_period"],
                "gap": None if gap is None or pd.isna(gap["gap"]) else float(gap["gap"]),
            }
        )
    return pd.DataFrame(rows)


def ideas(ctx: Context, frame: pd.DataFrame) -> list[Idea]:
    """For the items of a figures() frame that are low, far from their target or have fallen
    (domain/guidance.py), the framework file's links and example actions. Hidden figures give
    none: an idea shown for a hidden item would tell that it is low."""
    out = []
    for row in frame.itertuples(index=False):
        item = ctx.framework.items_by_id.get(row.item_id)
        if item is None or not (item.resources or item.ideas):
            continue
        why = guidance.reasons(item, row.mean, row.gap, row.change_quarter)
        if why:
            out.append(
                Idea(
                    item.id,
                    row.item,
                    why,
                    [(r.title[ctx.lang], r.url) for r in item.resources],
                    [idea[ctx.lang] for idea in item.ideas],
                )
            )
    return out


def unit_ideas(ctx: Context, unit_id: str, period: str) -> list[Idea]:
    """ideas() for the themes and competencies of a released quarter (the unit page)."""
    authz.require_dashboard(ctx, unit_id)
    if not release_rule.is_released(ctx, unit_id, period):
        return []
    return [
        i
        for kind in ("theme", "competency")
        for i in ideas(ctx, figures(ctx, unit_id, period, kind))
    ]


def _lens_actions(ctx: Context, unit_id: str, item_ids: list[str] | None) -> list[Action]:
    """The unit's open actions (on these items), by due quarter."""
    found = actions.open_for_unit(ctx, unit_id)
    if item_ids is None:
        return found
    return [a for a in found if set(a.items) & set(item_ids)]


def _reflections(
    ctx: Context, unit_id: str, period: str, lens: str
) -> tuple[pd.DataFrame, str | None]:
    questions = {q.id for q in ctx.framework.questions_for(lens)}
    view = analytics.reflection_view(ctx, unit_id, periods=[period])
    rows = view.rows[view.rows["question_id"].isin(questions)].reset_index(drop=True)
    hidden = view.hidden
    why = hidden["reason"].iat[0] if len(hidden) else None
    return rows, why


def _notes_and_agreed(ctx: Context, meeting: Meeting, step: str) -> tuple[list[str], list[Action]]:
    with ctx.store.reader() as cur:
        notes = sql.notes(cur, meeting.meeting_id)
        links = sql.action_links(cur, meeting.meeting_id)
    ids = set(links.loc[links["step"] == step, "action_id"]) if step != CLOSE else None
    agreed = [
        a
        for a in actions.for_unit(ctx, meeting.unit_id)
        if a.action_id in set(links["action_id"]) and (ids is None or a.action_id in ids)
    ]
    return notes.loc[notes["step"] == step, "note"].tolist(), agreed


def step(ctx: Context, meeting: Meeting, name: str) -> StepView:
    """What step `name` shows for this meeting, for the acting viewer."""
    authz.require_dashboard(ctx, meeting.unit_id)
    if name not in STEPS:
        raise MeetingRefused("meeting_unknown_step", value=name)
    view = StepView(name, step_title(ctx, name))
    view.notes, view.agreed = _notes_and_agreed(ctx, meeting, name)
    unit_id, period = meeting.unit_id, meeting.period
    if name in LENSES:
        view.questions = [q.text[ctx.lang] for q in ctx.framework.questions_for(name)]
        view.reflections, view.reflections_hidden = _reflections(ctx, unit_id, period, name)
    kind = LENSES.get(name)
    if kind:
        view.figures = figures(ctx, unit_id, period, kind)
        if len(view.figures) and view.figures["mean"].isna().all():
            reasons = view.figures["reason"].dropna()
            view.hidden_reason = reasons.iat[0] if len(reasons) else privacy.FEW
        spread = analytics.distribution(ctx, unit_id, period, kind)
        view.spread = analytics.widest_spread_first(spread)
        view.actions = _lens_actions(ctx, unit_id, _kind_items(ctx, kind))
        view.ideas = ideas(ctx, view.figures)
    elif name == "roles":
        view.hidden_reason = analytics.roles_hidden_reason(ctx, unit_id, period)
        view.roles = analytics.role_balance(ctx, unit_id, period)
        if not view.roles.empty:
            view.roles_summary = chartsummaries.balance_summary(ctx, view.roles)
    elif name == CLOSE:
        view.actions = view.agreed
    return view


def follow_up(ctx: Context, meeting: Meeting) -> FollowUp | None:
    """The unit's last closed meeting before this quarter: its notes, the actions it agreed
    with their status now, and how the figures of their items moved since."""
    authz.require_dashboard(ctx, meeting.unit_id)
    with ctx.store.reader() as cur:
        last = sql.previous_closed(cur, meeting.unit_id, meeting.period)
        if last is None:
            return None
        notes = sql.notes(cur, int(last[0]))
        links = sql.action_links(cur, int(last[0]))
    agreed = [
        a for a in actions.for_unit(ctx, meeting.unit_id) if a.action_id in set(links["action_id"])
    ]
    items = list(dict.fromkeys(i for a in agreed for i in a.items))
    moved = []
    for kind in ("theme", "competency"):
        then = figures(ctx, meeting.unit_id, last[2], kind).set_index("item_id")
        now = figures(ctx, meeting.unit_id, meeting.period, kind).set_index("item_id")
        for item_id in [i for i in items if i in now.index]:
            a, b = then.loc[item_id, "mean"], now.loc[item_id, "mean"]
            moved.append(
                {
                    "item": now.loc[item_id, "item"],
                    "then": a,
                    "now": b,
                    "change": None if pd.isna(a) or pd.isna(b) else b - a,
                }
            )
    return FollowUp(
        last[2],
        list(zip(notes["step"], notes["note"], strict=True)),
        agreed,
        pd.DataFrame(moved, columns=["item", "then", "now", "change"]),
    )


# --- the group's decisions -------------------------------------------------------------------


def require_open(ctx: Context, meeting: Meeting) -> Meeting:
    current = get(ctx, meeting.meeting_id)
    if current.closed:
        raise MeetingRefused("meeting_closed")
    return current


def save_note(ctx: Context, meeting: Meeting, step_name: str, text: str) -> int:
    """Record what the group agreed at a step, and the examples it gave (the group's text)."""
    meeting = require_open(ctx, meeting)
    text = text.strip()
    if step_name not in STEPS:
        raise MeetingRefused("meeting_unknown_step", value=step_name)
    if not text:
        raise MeetingRefused("meeting_note_empty")
    if len(text) > NOTE_MAX:
        raise MeetingRefused("meeting_note_long", max=NOTE_MAX, length=len(text))
    return ctx.write(
        lambda cur: sql.insert_note(cur, meeting.meeting_id, step_name, text, ctx.actor.user_id),
        "meeting.note",
        audit_target(meeting),
        lambda note_id: {"meeting_id": meeting.meeting_id, "step": step_name, "note_id": note_id},
    )


def add_action(
    ctx: Context,
    meeting: Meeting,
    step_name: str,
    *,
    description: str,
    owner: str,
    due_period: str,
    items: list[str],
    today: date | None = None,
) -> ActionResult:
    """A new action agreed at a step, written into the unit's actions (services/actions.py:
    validated there) and linked to the meeting in the same transaction, audited as
    action.create with the meeting and step in its details."""
    meeting = require_open(ctx, meeting)
    if step_name not in STEPS:
        raise MeetingRefused("meeting_unknown_step", value=step_name)
    draft = ActionDraft(meeting.unit_id, items, description, owner, due_period)

    def link(cur: sql.Cursor, action_id: int) -> dict[str, object]:
        sql.link_action(cur, meeting.meeting_id, action_id, step_name)
        return {"meeting_id": meeting.meeting_id, "step": step_name}

    return actions.create(ctx, draft, today=today, then=link)
