"""Start the app server only when it can serve: `python -m dtmaturity.web.serve [options]`.

`make run` starts the app this way. Before Streamlit listens, every reason the app could not
serve is checked, and any of them stops the start with the reasons on stderr (exit code 2):

- a setting (DTMATURITY_…, dtmaturity.domain.settings) has a value that cannot be used:
  every such value is listed at once;
- the framework file does not validate;
- a secrets file exists but yields no valid sign-in (authn.check_secrets_files: unreadable,
  not a file, not UTF-8 TOML, a section the app does not know, no [auth], an [auth] that is
  incomplete or has a cookie_secret that does not look random), or --secrets.files names a
  file that does not exist;
- production (DTMATURITY_ENV=production) without sign-in;
- local mode (no sign-in, every visitor is admin) with a server.address other than loopback:
  local mode listens on 127.0.0.1 only, and is given --server.address 127.0.0.1 when no
  address is set;
- the spool folder beside the database is not the server's own (spool.prepare_spool);
- the database cannot be opened: not a DuckDB file, from a newer dtmaturity, or held by
  another process (a second app on the same file).

The database stays open in this process from then on, so a second app started on the same
file is refused at once. Options are passed to `streamlit run` (e.g. --server.port 8501,
--secrets.files PATH). Started as plain `streamlit run app.py`, the same checks run on each
page instead, which then shows the reason and nothing else (never a traceback); only the
loopback address of local mode cannot be enforced that way (the server already listens).

It also imports what every page needs (Streamlit, pandas, Arrow, DuckDB, Altair and the app's
own modules) before the server takes its first visitor, then hands over to `streamlit run
app.py` in the same process. With plain `streamlit run app.py` the first visitor after a start
waits for those imports (1-2 s on an idle machine, far more on a busy one). The rest of the
warm-up (the database opened, its rollup read into memory) runs on the app's first run: a
readiness probe on /_stcore/script-health-check triggers it before anyone visits (see
`resources.warm_up`).
"""

from __future__ import annotations

import importlib
import ipaddress
import os
import sys
from pathlib import Path

from dtmaturity.domain import authn, i18n, settings
from dtmaturity.domain.framework import FrameworkError, framework_path
from dtmaturity.services import spool
from dtmaturity.services.runtime import open_runtime
from dtmaturity.store import Store, StoreError, default_db_path

APP = Path(__file__).resolve().parents[2] / "app.py"
_held: list[Store] = []  # the database, open for as long as the server runs


LOOPBACK = "127.0.0.1"


def _flag_options(args: list[str]) -> dict[str, object]:
    """The options for `streamlit run` that the checks read (--server.address and
    --secrets.files, as `--name value` or `--name=value`, or their STREAMLIT_… variables),
    keyed as Streamlit's command line keys them; secrets.files may repeat."""
    options: dict[str, object] = {}
    files: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--") and "." in arg:
            name, has_value, value = arg[2:].partition("=")
            if not has_value and i + 1 < len(args):
                i += 1
                value = args[i]
            if name == "secrets.files":
                files.append(value)
            elif name == "server.address":
                options["server_address"] = value
        i += 1
    # `streamlit run` also reads its options from STREAMLIT_<SECTION>_<OPTION> (a flag wins).
    if "server_address" not in options and os.environ.get("STREAMLIT_SERVER_ADDRESS"):
        options["server_address"] = os.environ["STREAMLIT_SERVER_ADDRESS"]
    files = files or os.environ.get("STREAMLIT_SECRETS_FILES", "").split()
    if files:
        options["secrets_files"] = tuple(files)
    return options


def _is_loopback(address: str) -> bool:
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def _listen_problem(local_mode: bool) -> str | None:
    """Local mode gives every visitor admin rights, so it never listens beyond this machine."""
    from streamlit import config as st_config

    address = st_config.get_option("server.address")
    if not local_mode or not address or _is_loopback(address):
        return None
    return (
        f"local mode (no sign-in: every visitor is admin) listens on {LOOPBACK} only, but "
        f"server.address is {address}; set up sign-in ([auth] in secrets.toml) to serve "
        "other machines, or drop the address"
    )


def problems(args: list[str]) -> list[str]:
    """Every reason the app could not serve (empty when it can); opens and holds the database.
    In local mode with no address set, adds `--server.address 127.0.0.1` to `args`."""
    from streamlit import config as st_config
    from streamlit.web import bootstrap

    from dtmaturity.web import signin

    reasons = []
    st_config._main_script_path = str(APP)  # secrets.toml beside app.py, as `streamlit run`
    bootstrap.load_config_options(_flag_options(args))
    try:
        settings.check(ignore=(settings.LOCAL_MODE,))  # that one is told under sign-in
    except settings.SettingsError as exc:
        reasons.append(f"settings: {exc}")
    try:
        auth = signin.auth_settings()
    except authn.SignInSettingError as exc:
        reasons.append(f"sign-in: {exc}")
    else:
        if auth is None and authn.is_production():
            reasons.append(f"sign-in: {i18n.t('en', 'production_local_mode')}")
        listen = _listen_problem(auth is None)
        if listen:
            reasons.append(f"sign-in: {listen}")
        elif auth is None and not st_config.get_option("server.address"):
            args += ["--server.address", LOOPBACK]
    try:
        store, _ = open_runtime(default_db_path(), framework_path())
        _held.append(store)
    except FrameworkError as exc:
        reasons.append(f"framework: {exc}")
    except StoreError as exc:
        reasons.append(f"database: {exc}")
    except OSError as exc:
        reasons.append(f"database: {default_db_path()}: {exc.strerror or exc}")
    else:
        try:  # beside the database, whose folder open_runtime makes when missing
            spool.prepare_spool(store.path)
        except spool.SpoolError as exc:
            reasons.append(f"spool: {exc}")
    return reasons


def preload() -> None:
    from dtmaturity.web import resources

    for name in resources.PAGE_MODULES:
        importlib.import_module(name)
    import pyarrow.compute  # noqa: F401 (pandas' Arrow support, loaded lazily otherwise)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        found = problems(args)
    except Exception as exc:  # every start-up failure is a sentence, never a traceback
        found = [f"unexpected {type(exc).__name__}: {exc}"]
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
