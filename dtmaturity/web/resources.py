"""The cached runtime: one database connection, one validated framework and the background
thread per server process, and the warm-up that spares the first visitor the start-up costs."""

from __future__ import annotations

import contextlib
import importlib

import altair as alt
import pandas as pd
import streamlit as st

from dtmaturity import charts
from dtmaturity.domain.framework import Framework
from dtmaturity.services import runtime, scheduler
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import Store


@st.cache_resource(show_spinner=False)
def cached_runtime(db_path: str, framework_file: str) -> tuple[Store, Framework]:
    """One database connection and one validated framework per server process (and per
    configured path, so a changed DTMATURITY_DB opens the right file). The background thread
    that sends reminders and runs the command line's jobs starts here, once per process."""
    store, framework = open_runtime(db_path, framework_file)
    # A wrong DTMATURITY_REMIND_EVERY starts no thread: context() stops every page with it.
    with contextlib.suppress(ValueError):
        scheduler.start(store, framework)
    return store, framework


# What the pages import beyond this module; loaded at warm-up rather than by the first visitor.
PAGE_MODULES = (
    "dtmaturity.services.actions",
    "dtmaturity.services.analytics",
    "dtmaturity.services.checkins",
    "dtmaturity.services.imports",
    "dtmaturity.services.targets",
    "dtmaturity.web.checkin_widgets",
    "dtmaturity.web.plan_widgets",
)


@st.cache_resource(show_spinner=False)
def warm_up(db_path: str, framework_file: str) -> None:
    """Once per server process: the pages' modules imported, the chart library's first
    conversion and Arrow's first table made, and the data the dashboards read brought into
    the database's memory, so that a visitor does not pay for them.

    app.py calls this on its first run. With `server.scriptHealthCheckEnabled` (on in
    .streamlit/config.toml), a deployment's readiness probe on `/_stcore/script-health-check`
    makes that first run happen before anyone visits (see the README's deployment notes).
    """
    for name in PAGE_MODULES:
        importlib.import_module(name)
    import pyarrow as pa

    frame = pd.DataFrame({"x": [1.0, 2.0], "y": ["a", "b"]})
    pa.Table.from_pandas(frame)
    charts.readable_spec(alt.Chart(frame).mark_line().encode(x="x", y="y"))
    store, framework = cached_runtime(db_path, framework_file)
    runtime.warm(store, framework)
