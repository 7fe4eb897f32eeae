"""Helpers for AppTest page tests: run the app, read what charts were given."""

from __future__ import annotations

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


def texts(at: AppTest) -> str:
    """All visible text of the page, to look for what a person would read."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "success"):
        parts += [str(el.value) for el in at.get(kind)]
    parts += [str(el.value) for el in at.error]
    return "\n".join(parts)


def open_tables(at: AppTest) -> AppTest:
    """Open every "show table" expander, as a person clicking each would, and rerun: the pages
    draw a chart's table only once its expander is open (web/ui.py `table_behind_expander`)."""
    keys = set()
    for node in at.get("expander"):
        element_id = getattr(node.proto, "id", "")  # "$$ID-<hash>-<user key>"
        key = element_id.split("-", 2)[-1] if element_id.startswith("$$ID-") else ""
        if key.startswith("table:"):
            keys.add(key)
    for key in keys:
        at.session_state[key] = True
    return at.run()
