"""Configuration fails closed, always with a message: every broken secrets.toml (and sign-in
setting) goes through the real start-up, `serve.main` as `python -m dtmaturity.web.serve` (and
so `make run`) runs it, in a process of its own forked from one that has made the imports
(servestart.refuse; test_settings_startup.py and test_own_files.py refuse through `python -m`
itself), and must give a sentence and no server (exit code 2, the reason on stderr, no
traceback, nothing listening). A new broken configuration is one more line in BROKEN.

Local mode (every visitor is admin) starts only without any secrets file or when
DTMATURITY_LOCAL_MODE=1 asks for it, and then listens on 127.0.0.1 only."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import servestart

GOOD_SECRET = "Zq3vN8_xR2pL7tYw-Kc5Hd9mJf4Gb6Ts1Ue0Ia"
GOOD_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": GOOD_SECRET,
    "client_id": "dtmaturity",
    "client_secret": "provider-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def auth(**changes: str | None) -> str:
    """An [auth] section: the good one with `changes` (a value of None leaves the key out;
    a value is written as TOML as given)."""
    lines = ["[auth]"]
    for key, value in {**{k: f'"{v}"' for k, v in GOOD_AUTH.items()}, **changes}.items():
        if value is not None:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def text(content: str | bytes) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return make


def dangling_link(path: Path) -> None:
    path.symlink_to(path.with_name("not-mounted.toml"))


def directory(path: Path) -> None:
    path.mkdir()


def fifo(path: Path) -> None:
    os.mkfifo(path)


def nothing(path: Path) -> None:
    """--secrets.files names a path where nothing is."""


@dataclass
class Case:
    make: Callable[[Path], None] | None  # None: no secrets file at all
    reason: str  # a fragment of the sentence the start-up must print
    env: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    default_place: bool = False  # ~/.streamlit/secrets.toml instead of --secrets.files


BROKEN = {
    "an empty file (an unfilled secret mount)": Case(text(""), "has no settings"),
    "an empty file where Streamlit looks by default": Case(
        text(""), "has no settings", default_place=True
    ),
    "a dangling symbolic link (a secret volume not mounted)": Case(
        dangling_link, "which does not exist (a secret not mounted?)"
    ),
    "a dangling link where Streamlit looks by default": Case(
        dangling_link, "which does not exist", default_place=True
    ),
    "comments only": Case(text("# [auth]\n# cookie_secret = 'x'\n"), "has no settings"),
    "[Auth] in capitals": Case(text(auth().replace("[auth]", "[Auth]")), "did you mean [auth]?"),
    "[oauth]": Case(text(auth().replace("[auth]", "[oauth]")), "[oauth], which the app does"),
    'auth = "x"': Case(text('auth = "x"\n'), "auth must be a section"),
    "an [auth] key outside a section": Case(
        text(f'cookie_secret = "{GOOD_SECRET}"\n'), "cookie_secret = …, which the app does not"
    ),
    "a misspelt [dtmaturity]": Case(
        text(auth() + '[dtmaturty]\nadmins = ["a@b.no"]\n'), "[dtmaturty], which the app"
    ),
    "a directory where the file should be": Case(directory, "is a directory"),
    "a FIFO where the file should be (reading it would block)": Case(fifo, "not a regular file"),
    "invalid UTF-8": Case(text(auth().encode("utf-8") + b"# caf\xe9\n"), "is not UTF-8 text"),
    "TOML that does not parse": Case(text('[auth]\nredirect_uri = "http://x\n'), "cannot be read"),
    "--secrets.files pointing nowhere": Case(nothing, "which does not exist; the app does not"),
    "settings but no [auth]": Case(
        text('[dtmaturity]\nadmins = ["a@b.no"]\n'), "has no [auth] section"
    ),
    "[auth] without cookie_secret": Case(text(auth(cookie_secret=None)), "lacks cookie_secret"),
    "[auth] without a provider": Case(
        text(auth(client_id=None, client_secret=None, server_metadata_url=None)),
        "names no identity provider",
    ),
    "[auth] with half a provider": Case(text(auth(client_secret=None)), "lacks client_secret"),
    "cookie_secret of 32 × a": Case(text(auth(cookie_secret='"' + "a" * 32 + '"')), "not look"),
    "cookie_secret the placeholder written twice": Case(
        text(auth(cookie_secret='"a long random stringa long random string"')), "placeholder"
    ),
    "cookie_secret the placeholder": Case(
        text(auth(cookie_secret='"a long random string"')), "placeholder"
    ),
    "cookie_secret a number": Case(
        text(auth(cookie_secret="12345678901234567890123456789012")), "cookie_secret is not text"
    ),
    "cookie_secret a number in quotes": Case(
        text(auth(cookie_secret='"12345678901234567890123456789012"')), "does not look random"
    ),
    "cookie_secret of 32 NULs": Case(
        text(auth(cookie_secret='"' + "\\u0000" * 32 + '"')), "control characters"
    ),
    "cookie_secret a word repeated": Case(
        text(auth(cookie_secret='"Sommer2024!Sommer2024!Sommer2024!"')), "does not look random"
    ),
    "cookie_secret short": Case(text(auth(cookie_secret='"kort-Hemmelig-9"')), "15 characters"),
    "local mode asked for beside [auth]": Case(
        text(auth()), "asks for local mode, but", env={"DTMATURITY_LOCAL_MODE": "1"}
    ),
    "local mode asked for with an unclear value": Case(
        text(""), "must be 1 (local mode)", env={"DTMATURITY_LOCAL_MODE": "ja"}
    ),
    "local mode asked for in production": Case(
        text(""),
        "cannot be used with DTMATURITY_ENV=production",
        env={"DTMATURITY_LOCAL_MODE": "1", "DTMATURITY_ENV": "production"},
    ),
    "local mode on every interface": Case(
        None, "listens on 127.0.0.1 only", args=("--server.address", "0.0.0.0")
    ),
    "local mode on a named interface": Case(
        None, "listens on 127.0.0.1 only", args=("--server.address=192.0.2.1",)
    ),
    "local mode on every interface by STREAMLIT_SERVER_ADDRESS": Case(
        None, "listens on 127.0.0.1 only", env={"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}
    ),
    "STREAMLIT_SECRETS_FILES pointing nowhere": Case(
        None, "which does not exist", env={"STREAMLIT_SECRETS_FILES": "/nonexistent/secrets.toml"}
    ),
    "production without sign-in": Case(
        None, "DTMATURITY_ENV=production", env={"DTMATURITY_ENV": "production"}
    ),  # fmt: skip
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty home folder, so ~/.streamlit/secrets.toml is only what a test puts there."""
    folder = tmp_path / "home"
    (folder / ".streamlit").mkdir(parents=True)
    if (servestart.ROOT / ".streamlit" / "secrets.toml").exists():
        pytest.skip("this checkout has its own .streamlit/secrets.toml, which these tests read")
    return folder


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_configuration_stops_the_start_with_a_sentence(db_path, home, tmp_path, case):
    args = list(case.args)
    if case.make is not None:
        place = home / ".streamlit" / "secrets.toml" if case.default_place else None
        place = place or tmp_path / "secrets.toml"
        case.make(place)
        if not case.default_place:
            args += ["--secrets.files", str(place)]
    err = servestart.refuse(*args, env=case.env, home=home)
    assert case.reason in err


def test_with_valid_sign_in_settings_the_app_starts(db_path, home, tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(auth() + '[dtmaturity]\nadmins = ["a@b.no"]\n', encoding="utf-8")
    started = servestart.start("--secrets.files", str(secrets), env={}, home=home)
    try:
        servestart.wait_until_serving(started)
    finally:
        servestart.stop(started)


@pytest.mark.parametrize(
    ("secrets", "env"),
    [
        pytest.param(None, {}, id="no secrets file at all"),
        pytest.param('[dtmaturity]\nadmins = ["a@b.no"]\n', {"DTMATURITY_LOCAL_MODE": "1"},
                     id="DTMATURITY_LOCAL_MODE=1 beside a file without [auth]"),
    ],
)  # fmt: skip
def test_local_mode_starts_only_on_the_loopback_interface(db_path, home, secrets, env):
    if secrets is not None:
        (home / ".streamlit" / "secrets.toml").write_text(secrets, encoding="utf-8")
    started = servestart.start(env=env, home=home)  # no --server.address, as `make run`
    try:
        servestart.wait_until_serving(started)
        addresses = servestart.listening(started.port)
        assert addresses, "no listening socket found in /proc/net/tcp"
        assert addresses <= {servestart.LOOPBACK_V4, servestart.LOOPBACK_V6}, addresses
    finally:
        servestart.stop(started)
