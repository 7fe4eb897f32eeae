"""Widgets the pages share: the unit picker (with `?unit=` in the address), the quarter
picker, and tabs that draw only the open section."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from dtmaturity.domain import formats
from dtmaturity.services import units
from dtmaturity.services.context import Context
from dtmaturity.web.language import lang, t
from dtmaturity.web.text import as_text


def unit_picker(
    ctx: Context, choices: list[units.UnitChoice], *, key: str, label_key: str = "unit"
) -> str:
    """A select box of the units offered; `?unit=ID` in the address preselects one.

    An address naming a unit that is not offered is passed on as asked: the services decide,
    and refuse what the person may not see (never the page alone).
    """
    if not choices:
        st.info(t("no_units") if not units.tree(ctx) else t("no_units_for_you"))
        st.stop()
    labels = {u.unit_id: u.label for u in choices}
    asked = st.query_params.get("unit")
    if asked and asked not in labels:
        return asked
    if asked and st.session_state.get(f"{key}:asked") != asked:
        st.session_state[key] = asked
        st.session_state[f"{key}:asked"] = asked
    return st.selectbox(t(label_key), list(labels), format_func=labels.get, key=key)


def quarter_picker(
    label_key: str,
    periods: Sequence[str],
    *,
    key: str,
    none_label: str | None = None,
    **options: Any,
) -> str | None:
    """A select box of quarters under the catalogue text `label_key`, each named as people read
    it in the UI language («4. kvartal 2026», "4th quarter 2026"), its value the quarter's id
    (`2026-Q4`). `none_label` names the option "" (all quarters, say)."""
    language = lang()

    def name(period: str) -> str:
        return (
            none_label
            if period == "" and none_label is not None
            else formats.quarter(period, language)
        )

    return st.selectbox(t(label_key), list(periods), key=key, format_func=name, **options)


def lazy_tabs(sections: dict[str, tuple[str, Callable[[], None]]], *, key: str) -> None:
    """Sections as tabs, `{id: (label, draw)}`; only the open tab's section runs and is drawn
    (choosing another reruns the page), so a long page costs what one part of it does.

    The open tab is remembered by its id, so it stays open when the language (and with it the
    label Streamlit keeps) changes, and when the person comes back from another page."""
    # Tab labels are markdown: escaped, and remembered escaped (the value Streamlit keeps).
    labels = {section: as_text(label) for section, (label, _) in sections.items()}
    by_label = {label: section for section, label in labels.items()}
    remembered = f"{key}:id"
    if st.session_state.get(key) in by_label:
        st.session_state[remembered] = by_label[st.session_state[key]]
    elif st.session_state.get(remembered) in labels:
        st.session_state[key] = labels[st.session_state[remembered]]
    tabs = st.tabs([as_text(label) for label, _ in sections.values()], key=key, on_change="rerun")
    for tab, (_, draw) in zip(tabs, sections.values(), strict=True):
        if tab.open:
            with tab:
                draw()
