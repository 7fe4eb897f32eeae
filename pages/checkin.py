"""Check-in page: a leader scores the unit for a quarter in steps, picks roles and reflects.

The page only lays out widgets; `web.checkin_state` holds the form and does what a press asks.
Each step is a fragment: changing step, or saving, redraws that step alone."""

import streamlit as st

from dtmaturity.domain import plan
from dtmaturity.domain.model import MAX_ROLES_PER_KIND, ROLE_KIND_QUESTIONS, ROLE_KINDS
from dtmaturity.services import actions, checkins, units
from dtmaturity.web import checkin_state as cs
from dtmaturity.web import ui
from dtmaturity.web.checkin_widgets import NOT_KNOWN

ctx = ui.page()
fw = ctx.framework
st.title(ui.t("page_checkin"), anchor=False)
st.caption(ui.t("checkin_intro"))

# The unit: kept for the session; at first the unit the person leads.
choices = units.checkin_choices(ctx)
offered_units = [u.unit_id for u in choices]
if "ci_unit" not in st.session_state:
    remembered = st.session_state.get(cs.UNIT_KEY) or checkins.default_unit(ctx, offered_units)
    if remembered in offered_units:
        st.session_state["ci_unit"] = remembered
unit_id = ui.unit_picker(ctx, choices, key="ci_unit")
st.session_state[cs.UNIT_KEY] = unit_id

# The quarter: only those a check-in would be stored for; why not the others, before typing.
quarters = checkins.quarters(ctx, unit_id)
offered = [q.period for q in quarters if q.offered]
asked = st.query_params.get("period")  # the link in a round's e-mail names the quarter
why_not = next((q for q in quarters if not q.offered and q.period == asked), None)
why_not = why_not or (None if quarters[0].offered else quarters[0])
if why_not is not None:
    with st.container(key="ci_closed"):
        st.warning(ui.t_as_text(why_not.reason, **why_not.params), icon=":material/lock:")
if not offered:
    st.stop()
if asked in offered and st.session_state.get("ci_period:asked") != asked:
    st.session_state["ci_period"] = asked
    st.session_state["ci_period:asked"] = asked
if st.session_state.get("ci_period") not in offered:
    st.session_state["ci_period"] = offered[0]
period = ui.quarter_picker("period", offered, key="ci_period")
cs.current(ctx, unit_id, period)
STEP_ITEMS = cs.lens_items(fw)


def state() -> cs.CheckinState:
    return st.session_state[cs.KEY]


def field_error(field: str) -> None:
    if field in state().errors:
        st.error(ui.as_text(state().errors[field]), icon=":material/error:")


def go(step: str, focus: tuple[str, bool] | None = None) -> None:
    state().go(step, focus)


def go_to_field(field: str) -> None:
    state().open_field(ui.context(), field)


def picked_step() -> None:
    """A step picked in the row of steps: the focus stays there, to pick on with the arrows."""
    go(st.session_state[cs.STEP_WIDGET], (cs.STEP_WIDGET, True))


def same_as_last(item_ids: list[str]) -> None:
    state().same_as_last(ui.context(), item_ids)


def level_text(item, value) -> str:
    if value == NOT_KNOWN:
        return ui.t("score_not_known")
    return f"{value} – {item.scale.level(value).label[ctx.lang]}"


def level_captions(item) -> list[str]:
    """What each option means for this item, in its own words (the framework's)."""
    texts = [item.level_description(v, ctx.lang) for v in item.scale.values]
    return [*texts, ui.t("score_not_known_caption")]


def draw_notices() -> None:
    s = state()
    if kept := s.kept:
        kept_unit = units.name(ctx, kept[0])
        st.info(ui.t_as_text("draft_kept", unit=kept_unit, period=kept[1]), icon=":material/save:")
    if s.draft_at:
        with st.container(border=True, key="ci_draft_notice"):
            st.warning(
                ui.t_as_text("draft_restored", period=s.period, saved=s.draft_at),
                icon=":material/edit_note:",
            )
            ui.confirmed_button(
                ui.t("draft_discard"),
                key="ci_draft_discard",
                question=lambda: ui.t("draft_discard_question", period=s.period),
                yes=ui.t("draft_discard_yes"),
                on_confirm=lambda: state().discard_draft(ui.context()),
            )
    if s.saved_at is not None:  # a check-in is stored (or held: no time then)
        st.info(ui.t_as_text("checkin_editing", period=s.period, saved=s.saved_at))
    else:
        st.info(ui.t_as_text("checkin_new", period=s.period))


def draw_item(item) -> None:
    s = state()
    previous = s.previous
    st.subheader(ui.as_text(item.name[ctx.lang]), anchor=False)
    st.caption(ui.as_text(item.description[ctx.lang]))
    left, right = st.columns([3, 2])
    with left:
        options = [*item.scale.values, NOT_KNOWN]
        st.radio(
            ui.t_as_text("score_label", item=item.name[ctx.lang]),
            options,
            format_func=lambda v, item=item: ui.as_text(level_text(item, v)),
            captions=[ui.as_text(text) for text in level_captions(item)],
            index=None,
            key=f"score:{item.id}",
            **s.bind(f"score:{item.id}"),
        )
        field_error(f"score:{item.id}")
        st.text_area(
            ui.t_as_text("comment_label", item=item.name[ctx.lang]),
            height=68,
            key=f"comment:{item.id}",
            **s.bind(f"comment:{item.id}"),
        )
        field_error(f"comment:{item.id}")
    with right:
        if previous is None:
            st.caption(ui.t("previous_none"))
            return
        st.markdown(f"**{ui.t_as_text('previous_heading', period=previous.period)}**")
        last = NOT_KNOWN if item.id in previous.not_known else previous.scores.get(item.id)
        if last is not None and (last == NOT_KNOWN or last in item.scale.values):
            st.text(level_text(item, last))
            st.button(
                ui.t("same_as_last_item"),
                key=f"same:{item.id}",
                on_click=same_as_last,
                args=([item.id],),
                help=ui.t_as_text("same_as_last_item_help", item=item.name[ctx.lang]),
            )
        if previous.comments.get(item.id):
            ui.plain_text(previous.comments[item.id])


def draw_lens(step: str) -> None:
    s = state()
    items = STEP_ITEMS[step]
    previous = s.previous
    if previous and any(i.id in previous.scores or i.id in previous.not_known for i in items):
        st.button(
            ui.t_as_text(f"same_as_last_{step}", period=previous.period),
            key=f"same_all:{step}",
            on_click=same_as_last,
            args=([i.id for i in items],),
            icon=":material/content_copy:",
        )
    for item in items:
        draw_item(item)
    with st.expander(
        ui.t("targets_heading"), expanded=any(f"target:{i.id}" in s.errors for i in items)
    ):
        st.caption(ui.t("targets_intro"))
        for item in items:
            levels = {lv.value: lv for lv in item.scale.levels}
            st.selectbox(
                ui.t_as_text("target_label", item=item.name[ctx.lang]),
                [None, *item.scale.values],
                format_func=lambda v, levels=levels: (
                    ui.t("target_none") if v is None else f"{v} – {levels[v].label[ctx.lang]}"
                ),
                placeholder=ui.t("target_none"),
                key=f"target:{item.id}",
                **s.bind(f"target:{item.id}"),
            )
            field_error(f"target:{item.id}")
            if previous and previous.targets.get(item.id) and previous.target_period:
                st.caption(
                    ui.t_as_text(
                        "previous_target",
                        score=previous.targets[item.id],
                        period=previous.target_period,
                    )
                )


def draw_roles() -> None:
    s = state()
    previous = s.previous
    st.caption(ui.t("roles_working_set"))
    questions = {q.id: q.text[ctx.lang] for q in fw.questions}
    for kind in ROLE_KINDS:
        question = questions.get(ROLE_KIND_QUESTIONS[kind])
        st.multiselect(
            ui.as_text(
                ui.t("roles_label", question=question, max=MAX_ROLES_PER_KIND)
                if question
                else ui.t(f"roles_label_{kind}", max=MAX_ROLES_PER_KIND)
            ),
            [r.id for r in fw.roles],
            format_func=lambda r: fw.role_name(r, ctx.lang),
            placeholder=ui.t("roles_placeholder"),
            select_all=False,  # Streamlit's "Select all" is English only, and wrong here
            key=f"roles:{kind}",
            **s.bind(f"roles:{kind}"),
        )
        field_error(f"roles:{kind}")
        if s.too_many == f"roles:{kind}":  # the pick beyond the most was not taken
            st.warning(
                ui.t_as_text("roles_at_most", max=MAX_ROLES_PER_KIND), icon=":material/block:"
            )
        if previous and previous.roles.get(kind):
            names = ", ".join(fw.role_name(r, ctx.lang) for r in previous.roles[kind])
            st.caption(ui.t_as_text("previous_roles", roles=names))


def draw_reflections() -> None:
    s = state()
    previous = s.previous
    for question in fw.questions:
        if question.id in ROLE_KIND_QUESTIONS.values():
            continue  # answered by the role picks
        st.text_area(
            ui.t_as_text("reflection_label", question=question.text[ctx.lang]),
            key=f"reflection:{question.id}",
            **s.bind(f"reflection:{question.id}"),
        )
        field_error(f"reflection:{question.id}")
        if previous and previous.reflections.get(question.id):
            st.caption(ui.t_as_text("previous_heading", period=previous.period))
            ui.plain_text(previous.reflections[question.id])


def draw_actions() -> None:
    s = state()
    open_actions = actions.open_for_unit(ctx, unit_id)
    if not open_actions:
        st.caption(ui.t("checkin_actions_none"))
        return
    st.caption(ui.t_as_text("checkin_actions_intro", period=s.period))

    def save_statuses() -> None:
        statuses = {
            a.action_id: st.session_state[f"action_status:{a.action_id}"] for a in open_actions
        }
        s.save_statuses(ui.context(), statuses)

    with st.form("checkin_actions", enter_to_submit=False):
        for action in open_actions:
            st.selectbox(
                ui.t_as_text(
                    "action_status_label", id=action.action_id, description=action.description
                ),
                list(plan.STATUSES),
                index=plan.STATUSES.index(action.status),
                format_func=lambda status: ui.t(f"action_status_{status}"),
                key=f"action_status:{action.action_id}",
            )
            ui.plain_text(  # the owner is an e-mail address: plain text, not a link
                ui.t(
                    "action_meta",
                    items=actions.items_label(ctx, action.items),
                    owner=action.owner,
                    due=action.due_period,
                )
            )
        st.form_submit_button(
            ui.t("actions_save_status"), on_click=save_statuses, key="save_statuses"
        )
        if outcome := s.action_outcome:
            s.action_outcome = None
            with st.container(key="ci_action_outcome"):  # next to the button pressed
                for message in outcome[1]:
                    getattr(st, outcome[0])(ui.as_text(message))
            ui.focus_on("ci_action_outcome", field=False, nonce=s.nonce)


def draw_summary() -> None:
    s = state()
    for step, items in STEP_ITEMS.items():
        scores = [s.values.get(f"score:{i.id}") for i in items]
        missing = [i.name[ctx.lang] for i, v in zip(items, scores, strict=True) if v is None]
        st.markdown(
            ui.t_as_text(
                "summary_lens",
                lens=ui.t(f"checkin_step_{step}"),
                answered=sum(v is not None and v != NOT_KNOWN for v in scores),
                count=len(items),
                not_known=scores.count(NOT_KNOWN),
            )
        )
        if missing:
            st.caption(ui.t_as_text("summary_missing", items=", ".join(missing)))
    ui.quarter_picker(
        "target_period_label",
        plan.future_periods(s.period),
        placeholder=ui.t("choose_one"),
        key="target_period",
        **s.bind("target_period"),
    )
    field_error("target_period")
    if s.drafted:
        st.caption(ui.t("draft_saved_note"))
    st.button(ui.t("submit"), type="primary", key="submit", on_click=lambda: s.submit(ui.context()))
    # The outcome of a press shows right below the button; the view and focus move to it.
    with st.container(key="ci_outcome"):
        if s.outcome:
            st.success(ui.as_text(s.outcome), icon=":material/check_circle:")
        elif "save" in s.errors:
            # Nothing was stored (the database refused the write): what was typed stays.
            st.error(ui.as_text(s.errors["save"]), icon=":material/error:")
    if s.errors and "save" not in s.errors:
        draw_error_summary()


def draw_error_summary() -> None:
    """Every field in error, each a button that opens its step and moves focus to it."""
    s = state()
    order = {field: number for number, field in enumerate(cs.field_order(ctx))}
    in_error = sorted(s.errors, key=lambda f: order.get(f, -1))
    with st.container(border=True, key="ci_error_summary"):
        st.error(ui.t("form_has_errors", count=len(in_error)), icon=":material/error:")
        for field in in_error:
            st.button(
                ui.as_text(f"{cs.field_label(ctx, field)}: {s.errors[field]}"),
                key=f"goto:{field}",
                on_click=go_to_field,
                args=(field,),
                type="tertiary",
                icon=":material/arrow_forward:",
            )


DRAW = {
    "wheel": lambda: draw_lens("wheel"),
    "competencies": lambda: draw_lens("competencies"),
    "roles": draw_roles,
    "reflections": draw_reflections,
    "actions": draw_actions,
    "summary": draw_summary,
}


@st.fragment
def steps() -> None:
    """The open step: a change of step, a save or a typed answer redraws this alone."""
    s = state()
    st.session_state[cs.STEP_WIDGET] = s.step
    st.radio(
        ui.t("checkin_steps_label"),
        cs.STEPS,
        format_func=lambda step: ui.t_as_text(
            "checkin_step_label", number=cs.STEPS.index(step) + 1, name=ui.t(f"checkin_step_{step}")
        ),
        horizontal=True,
        key=cs.STEP_WIDGET,
        on_change=picked_step,
    )
    draw_notices()
    with st.container(key=f"ci_step_{s.step}"):
        st.header(
            ui.t_as_text(
                "checkin_step_heading",
                number=cs.STEPS.index(s.step) + 1,
                count=len(cs.STEPS),
                name=ui.t(f"checkin_step_{s.step}"),
            ),
            anchor=False,
        )
    DRAW[s.step]()
    back, forward = s.neighbour(-1), s.neighbour(1)
    left, right = st.columns(2)
    if back:
        left.button(
            ui.t("checkin_back", name=ui.t(f"checkin_step_{back}")),
            key="ci_back",
            on_click=go,
            args=(back,),
            icon=":material/arrow_back:",
        )
    if forward:
        right.button(
            ui.t("checkin_next", name=ui.t(f"checkin_step_{forward}")),
            key="ci_next",
            on_click=go,
            args=(forward,),
            type="primary",
            icon=":material/arrow_forward:",
        )
    if s.focus is not None:
        key, is_field = s.focus
        s.focus = None
        ui.focus_on(key, field=is_field, nonce=s.nonce)


with st.container(border=True, key="checkin_form"):
    steps()
