"""Streamlit glue for the leader group's meeting: the shared-screen look (large type, no
sidebar) and the keys that move between steps (→ / ←, PageDown / PageUp from a clicker)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dtmaturity.services import meetings, meetingsummary
from dtmaturity.services.context import Context
from dtmaturity.web import ui

NEXT_KEY = "meeting_next"
PREVIOUS_KEY = "meeting_prev"

# Type that grows with the screen (18 px at 1280 wide, 24 px at 1920), and no sidebar: one
# shared screen in a meeting room. The page itself links back to the rest of the app.
# Every rule applies only while the meeting page is on the screen (`:has` the marker drawn with
# the style): Streamlit keeps an injected style when the person moves to another page, whose
# sidebar must come back.
_ON = "body:has(.dt-meeting-screen)"
_CSS = f"""
html:has(.dt-meeting-screen) {{ font-size: clamp(18px, 1.25vw, 26px); }}
{_ON} section[data-testid="stSidebar"], {_ON} [data-testid="stSidebarCollapsedControl"],
{_ON} [data-testid="stExpandSidebarButton"], {_ON} [data-testid="stSidebarNav"] {{
  display: none !important;
}}
{_ON} .stMainBlockContainer {{ max-width: 100%; padding-top: 2rem; }}
{_ON} .st-key-meeting_questions p, {_ON} .st-key-meeting_questions li {{
  font-size: 1.25rem; line-height: 1.4;
}}
{_ON} .st-key-meeting_questions {{ border-left: 6px solid #1f5fa8; padding-left: 1rem; }}
{_ON} .stMainBlockContainer table {{ font-size: 1rem; table-layout: fixed; width: 100%; }}
{_ON} .stMainBlockContainer table td, {_ON} .stMainBlockContainer table th {{
  overflow-wrap: anywhere;
}}
/* A table wraps its words instead of scrolling sideways: a scrolling region the keyboard cannot
   reach fails WCAG (axe: scrollable-region-focusable), and nobody scrolls on a shared screen. */
{_ON} [data-testid="stTable"] > div {{ overflow: visible !important; }}
"""

# One listener for the document, added once. It ignores keys typed into a field, and clicks the
# step button that is on the page (none on other pages: then it does nothing).
_KEYS_JS = """
if (!window.dtMeetingKeys) {
  window.dtMeetingKeys = true;
  document.addEventListener('keydown', event => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const forward = event.key === 'ArrowRight' || event.key === 'PageDown';
    const back = event.key === 'ArrowLeft' || event.key === 'PageUp';
    if (!forward && !back) return;
    const typing = event.target && event.target.closest && event.target.closest(
      'input, textarea, select, [contenteditable="true"], [role="combobox"], [role="listbox"],'
      + ' [role="slider"], [role="tablist"]');
    if (typing) return;
    const box = document.querySelector(forward ? '.st-key-%(next)s' : '.st-key-%(previous)s');
    const button = box && box.querySelector('button:not([disabled])');
    if (!button) return;
    event.preventDefault();
    button.click();
  });
}
"""


def shared_screen() -> None:
    """The meeting room look and the step keys, for this page only (our own constants)."""
    st.html(
        f'<div class="dt-meeting-screen"></div><style>{_CSS}</style><script>'
        + _KEYS_JS % {"next": NEXT_KEY, "previous": PREVIOUS_KEY}
        + "</script>",
        unsafe_allow_javascript=True,
    )


def table(frame: pd.DataFrame, columns: dict[str, str]) -> None:
    """A table in the page's large type, no index column. st.table reads every cell as
    markdown, so each is escaped to show as written (ui.label_literal): no link, no format."""
    shown = ui.readable_table(ui.table_for_people(frame, columns))
    shown = shown.map(lambda v: ui.label_literal(" ".join(str(v).split())))
    shown.columns = [ui.label_literal(c) for c in shown.columns]
    st.table(shown.set_index(shown.columns[0]))


def large_lines(lines: list[str]) -> None:
    """Text from data (questions, reflections, notes) as a list, shown as written."""
    if lines:
        st.markdown("\n".join(f"- {ui.label_literal(' '.join(line.split()))}" for line in lines))


def unit_meetings(ctx: Context, unit_id: str, period: str) -> None:
    """On the unit page: a link to the meeting, ideas for the next step, and the summaries of
    the unit's closed meetings."""
    st.page_link("pages/meeting.py", label=ui.t("meeting_go"), icon=":material/co_present:")
    unit_ideas(ctx, unit_id, period)
    closed = meetings.for_unit(ctx, unit_id)
    if closed.empty:
        return
    st.markdown(f"**{ui.t('meeting_summaries')}**")
    for meeting_id, period in zip(closed["meeting_id"], closed["period"], strict=True):
        st.download_button(
            ui.t_as_text("meeting_summary_link", period=period),
            # Made when pressed, not on every run of the unit page.
            data=lambda meeting_id=int(meeting_id): meetingsummary.summary_file(
                ctx, meeting_id, "pdf"
            ),
            file_name=meetingsummary.summary_file_name(unit_id, period, "pdf"),
            mime="application/pdf",
            key=f"meeting_summary:{meeting_id}",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
        )


def ideas_list(ideas: list[meetings.Idea]) -> None:
    """Per item: why it calls for ideas, the framework file's example actions and its links."""
    for idea in ideas:
        why = ", ".join(ui.t(f"meeting_idea_why_{w}") for w in idea.why)
        st.markdown(f"**{ui.label_literal(idea.item)}** ({ui.label_literal(why)})")
        large_lines(idea.examples)
        for title, url in idea.resources:  # an https address from the framework file only
            st.markdown(ui.link(title, url))


def unit_ideas(ctx: Context, unit_id: str, period: str) -> None:
    """On the unit page, behind a switch (made only when asked for): ideas for the next step
    from the latest released quarter, as the meeting shows them."""
    if not st.toggle(ui.t("meeting_ideas"), key="unit_ideas"):
        return
    found = meetings.unit_ideas(ctx, unit_id, period)
    if found:
        ideas_list(found)
    else:
        st.caption(ui.t("meeting_ideas_none"))
