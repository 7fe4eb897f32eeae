"""Start the app server only when it can serve: `python -m dtmaturity.web.serve [options]`.

`make run` starts the app this way. Before Streamlit listens, every reason the app could not
serve is checked, and any of them stops the start with the reasons on stderr (exit code 2):

- the framework file or the privacy settings do not validate;
- secrets.toml exists but does not parse, or its [auth] section is incomplete or unsafe
  (cookie_secret short or the README's placeholder);
- production (DTMATURITY_ENV=production) without sign-in;
- the database cannot be opened: not a DuckDB file, from a newer dtmaturity, or held by
  another process (a second app on the same file).

The database stays open in this process from then on, so a second app started on the same
file is refused at once. Options are passed to `streamlit run` (e.g. --server.port 8501,
--secrets.files PATH). Started as plain `streamlit run app.py`, the same checks run on each
page instead, which then shows the reason and nothing else (never a traceback).

It also imports what every page needs (Streamlit, pandas, Arrow, DuckDB, Altair and the app's
own modules) before the server takes its first visitor, then hands over to `streamlit run
app.py` in the same process. With plain `streamlit run app.py` the first visitor after a start
waits for those imports (1-2 s on an idle machine, far more on a busy one). The rest of the
warm-up (the database opened, its rollup read into memory) runs on the app's first run: a
readiness probe on /_stcore/script-health-check triggers it before anyone visits (see
`ui.warm_up`).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from dtmaturity.domain import authn, i18n, privacy
from dtmaturity.domain.framework import FrameworkError, framework_path
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import Store, StoreError, default_db_path

APP = Path(__file__).resolve().parents[2] / "app.py"
_held: list[Store] = []  # the database, open for as long as the server runs


def _secrets_files(args: list[str]) -> tuple[str, ...]:
    """The --secrets.files given to `streamlit run`, if any."""
    found = []
    for i, arg in enumerate(args):
        if arg.startswith("--secrets.files="):
            found.append(arg.split("=", 1)[1])
        elif arg == "--secrets.files" and i + 1 < len(args):
            found.append(args[i + 1])
    return tuple(found)


def problems(args: list[str]) -> list[str]:
    """Every reason the app could not serve (empty when it can); opens and holds the database."""
    from streamlit import config as st_config
    from streamlit.web import bootstrap

    from dtmaturity.web import ui

    reasons = []
    st_config._main_script_path = str(APP)  # secrets.toml beside app.py, as `streamlit run`
    files = _secrets_files(args)
    bootstrap.load_config_options({"secrets_files": files} if files else {})
    try:
        privacy.thresholds()
    except privacy.PrivacySettingError as exc:
        reasons.append(f"privacy settings: {exc}")
    try:
        auth = ui.auth_settings()
    except authn.SignInSettingError as exc:
        reasons.append(f"sign-in: {exc}")
    else:
        if auth is None and authn.is_production():
            reasons.append(f"sign-in: {i18n.t('en', 'production_local_mode')}")
    try:
        store, _ = open_runtime(default_db_path(), framework_path())
        _held.append(store)
    except FrameworkError as exc:
        reasons.append(f"framework: {exc}")
    except StoreError as exc:
        reasons.append(f"database: {exc}")
    return reasons


def preload() -> None:
    from dtmaturity.web import ui

    for name in ui.PAGE_MODULES:
        importlib.import_module(name)
    import pyarrow.compute  # noqa: F401 (pandas' Arrow support, loaded lazily otherwise)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    found = problems(args)
    if found:
        print("dtmaturity: the app cannot serve, so it does not start:", file=sys.stderr)
        for reason in found:
            print(f"- {reason}", file=sys.stderr)
        return 2
    preload()
    from streamlit.web import cli as streamlit_cli

    sys.argv = ["streamlit", "run", str(APP), *args]
    return int(streamlit_cli.main() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
