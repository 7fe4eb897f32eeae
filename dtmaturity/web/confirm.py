"""The one confirmation every destructive action goes through: a first press asks, with counts,
and only "yes" acts."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dtmaturity.web.language import t
from dtmaturity.web.text import as_text


def _ask(asking: str) -> None:
    st.session_state[asking] = True


def _answer(asking: str, action: Callable[..., None] | None, args: tuple) -> None:
    st.session_state.pop(asking, None)
    if action is not None:
        action(*args)


def confirmed_button(
    label: str,
    *,
    key: str,
    question: Callable[[], str],
    yes: str,
    on_confirm: Callable[..., None],
    args: tuple = (),
    disabled: bool = False,
) -> None:
    """A destructive button in two steps. The first press only asks: a warning says what will
    be deleted, with counts (`question` is called then, so the counts are those of the moment),
    beside "yes" and "cancel" buttons. Only "yes" (key `<key>:yes`) runs `on_confirm(*args)`."""
    if not confirmation(key, question=question, yes=yes, on_confirm=on_confirm, args=args):
        st.button(as_text(label), key=key, on_click=ask_first, args=(key,), disabled=disabled)


def ask_first(key: str) -> None:
    """Make `confirmation(key, ...)` ask on the next run: for an action that is destructive only
    sometimes (a grant over the whole organisation), decided in a form's callback."""
    _ask(f"{key}:asking")


def confirmation(
    key: str,
    *,
    question: Callable[[], str],
    yes: str,
    on_confirm: Callable[..., None],
    args: tuple = (),
) -> bool:
    """The question of `confirmed_button` with its "yes" and "cancel" buttons, drawn while an
    answer is awaited (True then); the one confirmation every destructive action goes through."""
    asking = f"{key}:asking"
    if not st.session_state.get(asking):
        return False
    with st.container(border=True, key=f"{key}:question"):
        st.warning(as_text(question()), icon=":material/warning:")
        yes_col, no_col = st.columns(2)
        yes_col.button(
            as_text(yes), key=f"{key}:yes", type="primary", on_click=_answer,
            args=(asking, on_confirm, args),
        )  # fmt: skip
        no_col.button(
            t("confirm_cancel"), key=f"{key}:no", on_click=_answer, args=(asking, None, ())
        )
    return True
