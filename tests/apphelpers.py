"""Helpers for AppTest page tests: run the app, read what charts were given."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def open_app() -> AppTest:
    """The whole app (app.py with its navigation); the database comes from DTMATURITY_DB."""
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def chart_frames(at: AppTest) -> list[tuple[str, pd.DataFrame]]:
    """(chart title, data frame) for every Altair chart on the current page."""
    import json

    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title") or next(
            (layer.get("title") for layer in spec.get("layer", []) if layer.get("title")), ""
        )
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_pandas()
            out.append((title if isinstance(title, str) else title.get("text", ""), frame))
    return out


# A backslash before ASCII punctuation is markdown's escape: the reader sees the character.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: str) -> str:
    """Markdown source as a person reads it: `ui.as_text`'s escapes (`3\\. desember`) and its
    invisible word joiners (before an `@`, say) gone."""
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")


def texts(at: AppTest) -> str:
    """All visible text of the page, to look for what a person would read."""
    parts = [str(el.value) for el in at.get("text")]
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
    ):
        parts += [as_read(str(el.value)) for el in at.get(kind)]
    parts += [as_read(str(el.value)) for el in at.error]
    return "\n".join(parts)


def open_tables(at: AppTest) -> AppTest:
    """Open every "show table" expander, as a person clicking each would, and rerun: the pages
    draw a chart's table only once its expander is open (web/tables.py `table_behind_expander`)."""
    keys = set()
    for node in at.get("expander"):
        element_id = getattr(node.proto, "id", "")  # "$$ID-<hash>-<user key>"
        key = element_id.split("-", 2)[-1] if element_id.startswith("$$ID-") else ""
        if key.startswith("table:"):
            keys.add(key)
    for key in keys:
        at.session_state[key] = True
    return at.run()


def tab_labels(at: AppTest) -> list[str]:
    """The labels of the page's tabs, in order."""
    return [str(tab.label) for tab in at.tabs]


def open_tab(at: AppTest, label: str, *, key: str = "unit_section") -> AppTest:
    """Choose the tab `label` of the tab group `key`, as a person clicking it, and rerun: only
    the open tab's section is run and drawn (web/widgets.py `lazy_tabs`)."""
    assert label in tab_labels(at), f"no tab {label!r} among {tab_labels(at)}"
    at.session_state[key] = label
    return at.run()


def each_tab(at: AppTest, *, key: str = "unit_section") -> Iterator[AppTest]:
    """The page once with each of its tabs open, first to last (once as it is, when it has
    none), so a check of everything a page shows covers every section, not only the first."""
    labels = tab_labels(at)
    if not labels:
        yield at
    for label in labels:
        yield open_tab(at, label, key=key)
