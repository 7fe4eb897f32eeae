"""Sign-in settings that hold without Streamlit: is this a production deployment, and is the
[auth] section complete and safe? Sign-in fails closed: settings that exist but are broken stop
the app with the reason, never fall back to local mode (where every visitor is admin)."""

from __future__ import annotations

import os
from collections.abc import Mapping

MIN_COOKIE_SECRET = 32
# Values the README's examples use, which a deployment must replace.
PLACEHOLDER_SECRETS = frozenset({"a long random string", "<cookie secret>", "changeme", "secret"})
REQUIRED = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


class SignInSettingError(ValueError):
    """The sign-in settings (secrets.toml) cannot be used; the message says why."""


def is_production() -> bool:
    """DTMATURITY_ENV=production: the app must not run in local mode (no sign-in)."""
    return os.environ.get("DTMATURITY_ENV", "").strip().lower() == "production"


def check_auth(section: Mapping[str, object]) -> None:
    """Refuse an [auth] section that Streamlit's sign-in cannot use safely: a missing key, a
    provider without client_id, client_secret and server_metadata_url, or a cookie_secret
    that is short (under MIN_COOKIE_SECRET characters) or the README's placeholder."""
    missing = [key for key in REQUIRED if not str(section.get(key) or "").strip()]
    if missing:
        raise SignInSettingError(f"[auth] lacks {', '.join(missing)} in secrets.toml")
    secret = str(section["cookie_secret"]).strip()
    if secret.lower() in PLACEHOLDER_SECRETS:
        raise SignInSettingError(
            "[auth] cookie_secret is the README's placeholder; set a long random value "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    if len(secret) < MIN_COOKIE_SECRET:
        raise SignInSettingError(
            f"[auth] cookie_secret has {len(secret)} characters; use at least "
            f"{MIN_COOKIE_SECRET} random ones"
        )
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
