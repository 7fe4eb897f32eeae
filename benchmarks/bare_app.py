"""A bare Streamlit app: the browser benchmark's baseline (`browser_bench.py`).

No database, no dtmaturity code: three pages with the shapes of the app's pages, built only
from Streamlit and Altair, under the same config (.streamlit/config.toml, run from the
repository's root). Their times on the same machine, in the same run, are the floor the
framework sets; the app's page time divided by its bare page's says what the app adds.

- empty: a heading and a line of text (the floor of any page);
- form: 15 items, each a heading, a caption, a radio group of 5 options with a description
  under each, and a text area; then three multiselects and a button (the check-in form);
- charts: 4 Altair line charts of 8 series over 20 quarters, each with a caption (the overview);
- steps: one step of the check-in at a time: a row of 6 steps, then 7 items (a heading, a
  caption, a radio group of 6 options with a description under each, a text area, a button),
  an expander of 7 select boxes, and Back / Next; the last step a summary with a select box
  and a save button. "Next" and "Lagre" are timed against the check-in's own.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

LEVELS = ["Ikke påbegynt", "Utforskende", "Etablert", "Integrert", "Ledende"]
QUARTERS = [f"{2022 + q // 4}-Q{q % 4 + 1}" for q in range(20)]


def empty() -> None:
    st.title("Tom side")
    st.caption("En overskrift og en linje tekst.")


def form() -> None:
    st.title("Skjema")
    for item in range(15):
        st.subheader(f"Tema {item + 1}")
        st.caption("Hvordan enheten arbeider med dette temaet i dag.")
        st.radio(
            f"Nivå for tema {item + 1}",
            [1, 2, 3, 4, 5],
            format_func=lambda v: f"{v} – {LEVELS[v - 1]}",
            captions=[f"Beskrivelse av nivå {v}: hva som kjennetegner enheten." for v in range(5)],
            index=None,
            key=f"score{item}",
        )
        st.text_area(f"Kommentar til tema {item + 1}", key=f"comment{item}", height=68)
    for kind in ("oftest", "ønsker", "mer"):
        st.multiselect(f"Roller: {kind}", [f"Rolle {r}" for r in range(9)], key=f"roles{kind}")
    st.button("Lagre", type="primary")


STEPS = 6


def _go(step: int) -> None:
    st.session_state["step"] = step


def steps() -> None:
    """A bare form of the check-in's step size, without a fragment: each press reruns it."""
    step = st.session_state.setdefault("step", 0)
    st.title("Skjema i steg")
    st.radio("Steg", list(range(STEPS)), format_func=lambda s: f"{s + 1}. Steg", horizontal=True)
    st.header(f"Steg {step + 1} av {STEPS}")
    if step < STEPS - 1:
        for item in range(7):
            st.subheader(f"Tema {item + 1}")
            st.caption("Hvordan enheten arbeider med dette temaet i dag.")
            st.radio(
                f"Nivå for tema {item + 1}",
                [1, 2, 3, 4, 5, 0],
                format_func=lambda v: f"{v} – {LEVELS[v - 1]}" if v else "Vet ikke",
                captions=[f"Beskrivelse av nivå {v}." for v in range(6)],
                index=None,
                key=f"step{step}score{item}",
            )
            st.text_area(f"Kommentar til tema {item + 1}", key=f"step{step}c{item}", height=68)
            st.button("Samme som sist", key=f"step{step}same{item}")
        with st.expander("Mål"):
            for item in range(7):
                st.selectbox(f"Mål for tema {item + 1}", [None, 1, 2, 3, 4, 5], key=f"t{item}")
    else:
        st.markdown("Hjulet: 7 av 7 med nivå")
        st.markdown("Lederkompetanser: 7 av 7 med nivå")
        st.selectbox("Målene gjelder innen kvartal", QUARTERS[:4])
        if st.button("Lagre", type="primary"):
            st.success("Lagret.")
    back, forward = st.columns(2)
    if step > 0:
        back.button("Tilbake", on_click=_go, args=(step - 1,))
    if step < STEPS - 1:
        forward.button("Neste", on_click=_go, args=(step + 1,), type="primary")


def charts() -> None:
    st.title("Diagrammer")
    frame = pd.DataFrame(
        [
            {"period": q, "item": f"Tema {s}", "mean": 1 + (i * 7 + s * 3) % 40 / 10}
            for i, q in enumerate(QUARTERS)
            for s in range(8)
        ]
    )
    for number in range(4):
        chart = (
            alt.Chart(frame, title=f"Diagram {number + 1}")
            .mark_line(point=True)
            .encode(x="period:O", y=alt.Y("mean:Q", scale=alt.Scale(domain=[1, 5])), color="item:N")
        )
        st.altair_chart(chart, use_container_width=True)
        st.caption("Gjennomsnitt per kvartal.")


st.navigation(
    [
        st.Page(empty, title="Tom", url_path="empty", default=True),
        st.Page(form, title="Skjema", url_path="form"),
        st.Page(charts, title="Diagrammer", url_path="charts"),
        st.Page(steps, title="Steg", url_path="steps"),
    ]
).run()
