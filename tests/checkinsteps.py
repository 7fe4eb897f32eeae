"""Helpers for AppTest tests of the check-in, which is in steps: open a step, fill in the
scores of every item (each in its step), save from the summary."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dtmaturity.domain.framework import Framework

LENSES = ("wheel", "competencies")


def go_step(at: AppTest, step: str) -> AppTest:
    """Open a step as a person picking it in the row of steps."""
    at.radio(key="ci_step").set_value(step).run()
    return at


def lens_items(framework: Framework, step: str):
    return framework.themes if step == "wheel" else framework.competencies


def fill_scores(at: AppTest, framework: Framework, score: object) -> AppTest:
    """Give every item the same score (a level, or "not_known"), step by step."""
    for step in LENSES:
        go_step(at, step)
        for item in lens_items(framework, step):
            at.radio(key=f"score:{item.id}").set_value(score)
        at.run()
    return at


def submit(at: AppTest) -> AppTest:
    go_step(at, "summary")
    at.button(key="submit").click().run()
    return at
