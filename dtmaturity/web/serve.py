"""Serve the app: `python -m dtmaturity.web.serve [streamlit run options]`, what `make run` does.

It imports what every page needs (Streamlit, pandas, Arrow, DuckDB, Altair and the app's own
modules) before the server takes its first visitor, then hands over to `streamlit run app.py`
in the same process. With plain `streamlit run app.py` the first visitor after a start waits
for those imports (1-2 s on an idle machine, far more on a busy one). The rest of the warm-up
(the database opened, its rollup read into memory) runs on the app's first run: a readiness
probe on /_stcore/script-health-check triggers it before anyone visits (see `ui.warm_up`).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app.py"


def preload() -> None:
    from dtmaturity.web import ui

    for name in ui.PAGE_MODULES:
        importlib.import_module(name)
    import pyarrow.compute  # noqa: F401 (pandas' Arrow support, loaded lazily otherwise)


def main(argv: list[str] | None = None) -> None:
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
