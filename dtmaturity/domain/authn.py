"""Sign-in settings that hold without Streamlit: is this a production deployment, do the
secrets files read cleanly, and is the [auth] section complete and safe? Sign-in fails closed:
a secrets file that exists but yields no valid sign-in stops the app with the reason, never
falls back to local mode (where every visitor is admin). Local mode runs only with no secrets
file at all, or when DTMATURITY_LOCAL_MODE=1 asks for it."""

from __future__ import annotations

import math
import os
import stat
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from dtmaturity.domain import settings

MIN_COOKIE_SECRET = 32
# The estimated randomness (bits) a cookie secret must show; see secret_strength.
MIN_SECRET_BITS = 100
# Values the README's examples use, which a deployment must replace.
PLACEHOLDER_SECRETS = frozenset({"a long random string", "<cookie secret>", "changeme", "secret"})
REQUIRED = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
# The sections of secrets.toml the app reads; any other is refused as a likely typo.
KNOWN_SECTIONS = ("auth", "dtmaturity")
LOCAL_MODE = settings.LOCAL_MODE
MAX_SECRETS_BYTES = 1_000_000
_ALPHABETS = (  # (is in the class, size of the class) for the strength estimate
    (str.isdigit, 10),
    (lambda c: c.isascii() and c.islower(), 26),
    (lambda c: c.isascii() and c.isupper(), 26),
    (lambda c: c.isascii() and not c.isalnum(), 33),
    (lambda c: not c.isascii(), 1000),
)


class SignInSettingError(ValueError):
    """The sign-in settings (secrets.toml) cannot be used; the message says why."""


def is_production() -> bool:
    """DTMATURITY_ENV=production: the app must not run in local mode (no sign-in)."""
    return settings.current().production


def local_mode_asked() -> bool:
    """DTMATURITY_LOCAL_MODE=1: run without sign-in even though a secrets file exists."""
    return settings.current().usable(LOCAL_MODE, error=SignInSettingError).local_mode


def _why_unreadable(path: Path) -> str | None:
    """Why a secrets path that exists cannot be a secrets file, without reading it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        target = os.readlink(path)
        return f"is a symbolic link to {target}, which does not exist (a secret not mounted?)"
    except OSError as exc:
        return f"cannot be opened ({exc.strerror})"
    if stat.S_ISDIR(st.st_mode):
        return "is a directory, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if st.st_size > MAX_SECRETS_BYTES:
        return f"is larger than {MAX_SECRETS_BYTES} bytes"
    return None


def read_secrets_file(path: Path | str) -> dict | None:
    """The settings in one secrets.toml, checked for sections the app does not know; None when
    nothing is at the path. Anything else that is not a readable TOML file raises
    SignInSettingError naming the file. A symbolic link is followed (secret mounts use them),
    and a FIFO or device is refused before it is opened, so reading never blocks."""
    path = Path(path)
    if not os.path.lexists(path):
        return None
    why = _why_unreadable(path)
    if why is None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
            with os.fdopen(fd, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):  # swapped since stat
                    raise SignInSettingError(f"secrets file {path} is not a regular file")
                raw = file.read(MAX_SECRETS_BYTES + 1)
        except OSError as exc:
            why = f"cannot be read ({exc.strerror})"
    if why is not None:
        raise SignInSettingError(f"secrets file {path} {why}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SignInSettingError(
            f"secrets file {path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start})"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SignInSettingError(f"secrets file {path} cannot be read: {exc}") from None
    _check_sections(path, data)
    return data


def _check_sections(path: Path, data: Mapping[str, object]) -> None:
    for key, value in data.items():
        if key not in KNOWN_SECTIONS:
            near = [name for name in KNOWN_SECTIONS if name in key.lower()]
            hint = f" (did you mean [{near[0]}]?)" if near else ""
            what = f"[{key}]" if isinstance(value, Mapping) else f"{key} = …"
            raise SignInSettingError(
                f"secrets file {path} has {what}, which the app does not know{hint}; "
                f"it reads only the sections {', '.join(f'[{n}]' for n in KNOWN_SECTIONS)}"
            )
        if not isinstance(value, Mapping):
            raise SignInSettingError(
                f"secrets file {path} sets {key} to a value; {key} must be a section, [{key}]"
            )


def check_secrets_files(paths: Sequence[str | Path], *, named: bool) -> dict | None:
    """The [auth] section the secrets files give (checked), or None for local mode.

    `paths` are Streamlit's secrets.files; `named` is true when they were given explicitly
    (--secrets.files or its setting), and then every one must exist. Raises
    SignInSettingError when a file exists but yields no valid sign-in, unless local mode is
    asked for (DTMATURITY_LOCAL_MODE=1), and when local mode is asked for in production or
    beside an [auth] section."""
    merged: dict = {}
    found: list[Path] = []
    for path in map(Path, paths):
        data = read_secrets_file(path)
        if data is None:
            if named:
                raise SignInSettingError(
                    f"--secrets.files names {path}, which does not exist; the app does not "
                    "start without the sign-in settings it was pointed at"
                )
            continue
        found.append(path)
        merged.update(data)  # later files win, as in Streamlit
    asked = local_mode_asked()
    auth = merged.get("auth")
    if asked and is_production():
        raise SignInSettingError(f"{LOCAL_MODE}=1 cannot be used with DTMATURITY_ENV=production")
    if auth is None:
        if found and not asked:
            what = "has no settings" if not merged else "has no [auth] section"
            raise SignInSettingError(
                f"secrets file {found[-1]} {what}, so nobody could sign in. Add [auth] "
                "(README, Sign-in); to run without sign-in instead (every visitor is admin, on "
                f"127.0.0.1 only) remove the file or set {LOCAL_MODE}=1"
            )
        return None
    if asked:
        raise SignInSettingError(
            f"{LOCAL_MODE}=1 asks for local mode, but {found[-1]} sets up sign-in ([auth]); "
            "unset one of them"
        )
    check_auth(auth)
    return dict(auth)


def secret_strength(secret: str) -> float:
    """Estimated randomness of a secret in bits, judged by the variety of its characters:
    the number of different adjacent pairs (so a repeated or periodic text counts once) times
    the bits of one character drawn from the character classes it uses."""
    if len(secret) < 2:
        return 0.0
    alphabet = sum(size for is_in, size in _ALPHABETS if any(is_in(c) for c in secret))
    pairs = {secret[i : i + 2] for i in range(len(secret) - 1)}
    return len(pairs) * math.log2(alphabet)


def _check_cookie_secret(value: object) -> None:
    if not isinstance(value, str):
        raise SignInSettingError(
            f"[auth] cookie_secret is not text ({type(value).__name__}); it must be a quoted "
            "string of random characters"
        )
    secret = value.strip()
    advice = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
    if any(not c.isprintable() for c in secret):
        raise SignInSettingError(
            f"[auth] cookie_secret holds control characters; set a random value ({advice})"
        )
    if secret.lower() in PLACEHOLDER_SECRETS or any(
        len(p) > 8 and p in secret.lower() for p in PLACEHOLDER_SECRETS
    ):
        raise SignInSettingError(
            f"[auth] cookie_secret is or holds the README's placeholder; set a long random value "
            f"({advice})"
        )
    if len(secret) < MIN_COOKIE_SECRET:
        raise SignInSettingError(
            f"[auth] cookie_secret has {len(secret)} characters; use at least "
            f"{MIN_COOKIE_SECRET} random ones"
        )
    bits = secret_strength(secret)
    if bits < MIN_SECRET_BITS:
        raise SignInSettingError(
            f"[auth] cookie_secret does not look random: too few different characters (about "
            f"{bits:.0f} bits, at least {MIN_SECRET_BITS} needed); set a random value ({advice})"
        )


def check_auth(section: Mapping[str, object]) -> None:
    """Refuse an [auth] section that Streamlit's sign-in cannot use safely: a missing key, a
    provider without client_id, client_secret and server_metadata_url, or a cookie_secret
    that is not a string, short (under MIN_COOKIE_SECRET characters), the README's
    placeholder, or too uniform to be random (secret_strength under MIN_SECRET_BITS)."""
    missing = [key for key in REQUIRED if not str(section.get(key) or "").strip()]
    if missing:
        raise SignInSettingError(f"[auth] lacks {', '.join(missing)} in secrets.toml")
    _check_cookie_secret(section["cookie_secret"])
    providers = {"[auth]": section} | {
        f"[auth.{name}]": value for name, value in section.items() if isinstance(value, Mapping)
    }
    complete = False
    for name, provider in providers.items():
        given = [key for key in PROVIDER_KEYS if str(provider.get(key) or "").strip()]
        if given and len(given) < len(PROVIDER_KEYS):
            lacking = ", ".join(key for key in PROVIDER_KEYS if key not in given)
            raise SignInSettingError(f"{name} lacks {lacking} in secrets.toml")
        complete = complete or len(given) == len(PROVIDER_KEYS)
    if not complete:
        raise SignInSettingError(
            "[auth] names no identity provider (client_id, client_secret, server_metadata_url)"
        )
