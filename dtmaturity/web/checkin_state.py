"""The check-in page's one state object: what the form holds, which step is open, the draft,
the messages, and what to do on each press (load, step, save a draft, submit).

The form is in steps, and Streamlit forgets the value of a widget that is not drawn; so the
values live here, in `values`, and a step's widgets are bound to them (`bind`) when drawn.
The page only lays out widgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from dtmaturity.domain import plan
from dtmaturity.domain.framework import Framework, Item
from dtmaturity.domain.model import MAX_ROLES_PER_KIND, ROLE_KIND_QUESTIONS, ROLE_KINDS, CheckIn
from dtmaturity.services import actions, checkins, drafts
from dtmaturity.services.context import Context
from dtmaturity.web import ui
from dtmaturity.web.checkin_widgets import NOT_KNOWN, from_draft, from_widgets, to_widgets

STEPS = ("wheel", "competencies", "roles", "reflections", "actions", "summary")
KEY = "checkin_state"
UNIT_KEY = "checkin_unit"  # the unit chosen, kept for the session (not a widget's key)
STEP_WIDGET = "ci_step"


@dataclass
class CheckinState:
    """One person's check-in for one unit and quarter, as the page holds it."""

    unit_id: str
    period: str
    values: dict[str, Any]
    stored: dict[str, Any]
    previous: CheckIn | None
    saved_at: str | None
    step: str = STEPS[0]
    errors: dict[str, str] = field(default_factory=dict)
    outcome: str | None = None
    draft_at: str | None = None
    drafted: bool = False
    kept: tuple[str, str] | None = None
    focus: tuple[str, bool] | None = None  # (widget or container key, a form control?)
    nonce: int = 0
    too_many: str | None = None  # the role picker whose pick beyond the most was not taken
    # Keys whose widget must be shown the value here on its next draw: all at first, and those
    # this object changed (same as last time, a discarded draft). Otherwise a drawn widget
    # keeps what the browser has, so a click made while a run is under way is never undone.
    dirty: set[str] = field(default_factory=set)
    action_outcome: tuple[str, list[str]] | None = None  # ("success" | "error", messages)

    def __post_init__(self) -> None:
        self.dirty = set(self.values)

    # --- load ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, ctx: Context, unit_id: str, period: str) -> CheckinState:
        """The person's unsaved draft for this unit and quarter if there is one, else what is
        stored; beside it, their last earlier check-in (for "same as last quarter")."""
        fw = ctx.framework
        form = checkins.load_form(ctx, unit_id, period)
        stored = to_widgets(fw, form.current)
        targets = plan.future_periods(period)
        if stored["target_period"] not in targets:
            stored["target_period"] = targets[3]  # a year ahead
        draft = drafts.load(ctx, unit_id, period)
        values = from_draft(fw, draft.values) if draft else dict(stored)
        if values["target_period"] not in targets:
            values["target_period"] = targets[3]
        return cls(
            unit_id=unit_id,
            period=period,
            values=values,
            stored=stored,
            previous=form.previous,
            saved_at=ui.date_time(form.current_saved_at) if form.current else None,
            draft_at=ui.date_time(draft.saved_at) if draft else None,
            drafted=draft is not None,
        )

    # --- widgets ------------------------------------------------------------------------------

    def bind(self, key: str) -> dict[str, Any]:
        """Keyword arguments that bind the widget of key `key` to the form's value for it: it
        shows the value, and a change is kept (and saved as the draft) at once."""
        if key in self.dirty or key not in st.session_state:
            st.session_state[key] = self.values.get(key)
            self.dirty.discard(key)
        return {"on_change": _changed, "args": (key,)}

    def changed(self, ctx: Context, key: str) -> None:
        value = st.session_state.get(key)
        self.too_many = None
        if key.startswith("roles:") and len(value or []) > MAX_ROLES_PER_KIND:
            # The picker stops at the most: the pick beyond it is not taken, and says why in
            # words beside it (Streamlit's own max_selections says so in English only).
            self.dirty.add(key)
            self.too_many = key
            return
        self.values[key] = value
        self.save_draft(ctx)

    # --- steps --------------------------------------------------------------------------------

    def go(self, step: str, focus: tuple[str, bool] | None = None) -> None:
        """Open a step; the view and focus move to `focus`, else to the step's heading."""
        self.step = step
        st.session_state[STEP_WIDGET] = step
        self.focus = focus or (f"ci_step_{step}", False)
        self.nonce += 1

    def neighbour(self, offset: int) -> str | None:
        index = STEPS.index(self.step) + offset
        return STEPS[index] if 0 <= index < len(STEPS) else None

    def same_as_last(self, ctx: Context, item_ids: list[str]) -> None:
        """Copy last quarter's scores of these items as a starting point."""
        previous = self.previous
        if previous is None:
            return
        for item_id in item_ids:
            if item_id in previous.not_known:
                self.values[f"score:{item_id}"] = NOT_KNOWN
            elif previous.scores.get(item_id) is not None:
                self.values[f"score:{item_id}"] = previous.scores[item_id]
            self.dirty.add(f"score:{item_id}")
        self.save_draft(ctx)

    # --- drafts -------------------------------------------------------------------------------

    def save_draft(self, ctx: Context) -> None:
        """Every change is kept as the person's draft for this unit and quarter (dropped again
        when the form is back to what is saved)."""
        if self.values == self.stored:
            drafts.discard(ctx, self.unit_id, self.period)
            self.drafted = False
        else:
            drafts.save(ctx, self.unit_id, self.period, self.values)
            self.drafted = True
        self.draft_at = None
        self.outcome = None

    def discard_draft(self, ctx: Context) -> None:
        drafts.discard(ctx, self.unit_id, self.period)
        self.values = dict(self.stored)
        self.dirty = set(self.values)
        self.drafted = False
        self.draft_at = None

    # --- submit -------------------------------------------------------------------------------

    def submit(self, ctx: Context) -> None:
        """Save the check-in. Errors are kept per field, and focus goes to their summary; on
        success to the outcome."""
        checkin = from_widgets(
            ctx.framework,
            self.values,
            unit_id=self.unit_id,
            period=self.period,
            respondent=ctx.actor.user_id,
        )
        result = checkins.save(ctx, checkin)
        self.errors = {e.field: ui.t(e.key, **e.params) for e in result.errors}
        self.nonce += 1
        if result.ok:  # the service deleted the draft with the save
            key = (
                "saved_held" if result.held else "saved_updated" if result.updated else "saved_new"
            )
            self.outcome = ui.t(key, period=self.period)
            self.stored = dict(self.values)
            saved = checkins.load_form(ctx, self.unit_id, self.period)
            self.saved_at = ui.date_time(saved.current_saved_at) if saved.current else None
            self.drafted = False
            self.draft_at = None
            self.focus = ("ci_outcome", False)
        else:
            self.outcome = None
            self.focus = ("ci_outcome" if "save" in self.errors else "ci_error_summary", False)

    def open_field(self, ctx: Context, field_key: str) -> None:
        """An error summary entry: open the field's step, and move the focus to the field (the
        unit or the quarter: above the steps)."""
        step = self.step_of(item_steps(ctx), field_key)
        if step is None:
            self.focus, self.nonce = (f"ci_{field_key}", True), self.nonce + 1
        else:
            self.go(step, (field_key, True))

    # --- the unit's open actions --------------------------------------------------------------

    def save_statuses(self, ctx: Context, statuses: dict[int, str]) -> None:
        """Statuses are saved on their own: a leader can report progress without redoing the
        whole check-in, and the change is recorded in the chosen quarter."""
        result = actions.set_statuses(ctx, self.unit_id, statuses, period=self.period)
        self.action_outcome = (
            ("success", [ui.t("actions_status_saved")])
            if result.ok
            else ("error", [ui.t(e.key, **e.params) for e in result.errors])
        )
        self.nonce += 1

    # --- where a field is ---------------------------------------------------------------------

    def step_of(self, fw_items: dict[str, str], field_key: str) -> str | None:
        """The step that shows a field (None: the unit or quarter above the steps)."""
        kind, _, ident = field_key.partition(":")
        if kind in ("score", "comment", "target"):
            return fw_items.get(ident, "wheel")
        if kind == "roles":
            return "roles"
        if kind == "reflection":
            return "roles" if ident in ROLE_KIND_QUESTIONS.values() else "reflections"
        if field_key == "target_period":
            return "summary"
        return None


def field_label(ctx: Context, field_key: str) -> str:
    """How the error summary names a field: the words of its label, shortened (never the
    field's internal name)."""
    fw = ctx.framework
    kind, _, ident = field_key.partition(":")
    if kind in ("score", "comment", "target"):
        name = fw.item_name(ident, ctx.lang)
        return name if kind == "score" else ui.t(f"{kind}_label", item=name)
    if kind == "roles":
        return ui.t(f"role_kind_{ident}")
    if kind == "reflection":
        text = next((q.text[ctx.lang] for q in fw.questions if q.id == ident), ident)
        return text if len(text) <= 70 else text[:69].rstrip() + "…"
    if field_key == "target_period":
        return ui.t("target_period_label")
    return ui.t("period") if field_key == "period" else ui.t("unit")


def field_order(ctx: Context) -> list[str]:
    """Every field of the form in the order of the steps."""
    fw = ctx.framework
    fields = []
    for item in (*fw.themes, *fw.competencies):
        fields += [f"score:{item.id}", f"comment:{item.id}", f"target:{item.id}"]
    fields += [f"roles:{kind}" for kind in ROLE_KINDS]
    fields += [f"reflection:{q.id}" for q in fw.questions]
    return [*fields, "target_period"]


def lens_items(framework: Framework) -> dict[str, tuple[Item, ...]]:
    """The items scored in each lens step."""
    return {"wheel": framework.themes, "competencies": framework.competencies}


def item_steps(ctx: Context) -> dict[str, str]:
    """Item id → the step it is scored in."""
    fw = ctx.framework
    return {
        **{item.id: "wheel" for item in fw.themes},
        **{item.id: "competencies" for item in fw.competencies},
    }


def current(ctx: Context, unit_id: str, period: str) -> CheckinState:
    """The state of the form for this unit and quarter: loaded when they are chosen (what was
    typed for the unit or quarter left behind is in its own draft, and says so)."""
    state: CheckinState | None = st.session_state.get(KEY)
    if state is not None and (state.unit_id, state.period) == (unit_id, period):
        return state
    kept = (state.unit_id, state.period) if state is not None and state.drafted else None
    fresh = CheckinState.load(ctx, unit_id, period)
    fresh.kept = kept
    if state is not None and state.step in STEPS:
        fresh.step = state.step  # the same step of another unit or quarter
    st.session_state[KEY] = fresh
    st.session_state[STEP_WIDGET] = fresh.step
    return fresh


def _changed(key: str) -> None:
    state: CheckinState = st.session_state[KEY]
    state.changed(ui.context(), key)
