"""What changed, in view: the message of the last action beside what was pressed, keyboard
focus moved to it (WCAG 2.4.3), and the error summary whose links move focus to each field.
The JavaScript and CSS are files in static/."""

from __future__ import annotations

import html
import json
import re

import streamlit as st

from dtmaturity.web.assets import asset
from dtmaturity.web.language import t
from dtmaturity.web.text import as_text


def flash(message_key: str | None = None, *, place: str = "", **params: object) -> None:
    """Remember a success message to show after the next rerun, where `show_flash(place)` is
    called: beside what the person pressed, so the outcome is in view."""
    st.session_state["_flash"] = (place, t(message_key, **params)) if message_key else None


def show_flash(place: str = "", *, focus: bool = False) -> None:
    """The message of the last action made at `place`, if any; with `focus`, the view and the
    keyboard focus move to it (a screen reader reads it)."""
    stored = st.session_state.get("_flash")
    if not stored or stored[0] != place:
        return
    del st.session_state["_flash"]
    key = f"flash_{place or 'page'}"
    with st.container(key=key):
        st.success(as_text(stored[1]))
    if focus:
        count = st.session_state.get("_flash_count", 0) + 1
        st.session_state["_flash_count"] = count
        focus_on(key, field=False, nonce=count)


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element container of the widget with key `key`."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


# Waits until Streamlit has drawn the target, scrolls to it and moves keyboard focus to it (the
# file says how); called with the target's selector and whether it is a form field.
_FOCUS_JS = asset("focus.js")


def focus_on(key: str, *, field: bool, nonce: object) -> None:
    """Move the view and keyboard focus to the element with widget or container key `key` once
    this run is drawn (WCAG 2.4.3: focus goes to what changed). `field`: focus the form control
    inside it; otherwise the element itself, so a screen reader reads the message. `nonce` makes
    each request new, so the same target is focused again after a later press."""
    code = f"{_FOCUS_JS}({json.dumps(f'.{key_class(key)}')}, {json.dumps(field)});"
    st.html(
        f"<script data-nonce={json.dumps(str(nonce))}>{code}</script>",
        unsafe_allow_javascript=True,
    )


_SUMMARY_JS = asset("error_summary.js")
_SUMMARY_CSS = asset("error_summary.css")


def error_summary(title: str, problems: list[tuple[str, str]]) -> None:
    """The GOV.UK error-summary pattern: a box listing every field in error, each a link that
    moves focus to that field. `problems` are (widget key, text) in page order; texts are
    escaped (they may quote what was typed)."""
    items = "".join(
        f'<li><a href="#" data-dt-field="{key_class(key)}">{html.escape(text)}</a></li>'
        for key, text in problems
    )
    st.html(
        '<div class="dt-error-summary" role="group" aria-labelledby="dt-error-summary-title">'
        f'<p id="dt-error-summary-title" class="dt-error-summary-title">{html.escape(title)}</p>'
        f"<ul>{items}</ul></div>"
        f"<style>{_SUMMARY_CSS}</style>"
        f"<script>{_SUMMARY_JS}</script>",
        unsafe_allow_javascript=True,
    )
