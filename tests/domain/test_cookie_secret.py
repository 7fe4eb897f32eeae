"""A cookie secret must look random, judged by the variety of its characters: what the README
recommends (and hex tokens) always passes, while guessable secrets do not (the refusals run
through the real start-up in tests/web/test_config_startup.py)."""

from __future__ import annotations

import secrets

import pytest

from dtmaturity.domain import authn

GOOD = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "client_id": "dtmaturity",
    "client_secret": "provider-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.mark.parametrize(
    "make",
    [lambda: secrets.token_urlsafe(48), lambda: secrets.token_urlsafe(24),
     lambda: secrets.token_hex(16), lambda: secrets.token_hex(32)],
    ids=["token_urlsafe(48) (the README's)", "token_urlsafe(24)", "token_hex(16)", "token_hex(32)"],
)  # fmt: skip
def test_generated_secrets_are_accepted(make):
    for _ in range(500):
        authn.check_auth({**GOOD, "cookie_secret": make()})


@pytest.mark.parametrize(
    "secret",
    ["a" * 40, "ab" * 20, "0123456789" * 4, "Sommer2024!" * 4, "\x00" * 32,
     "a long random string" * 2, "x" + "a long random string" * 2],
)  # fmt: skip
def test_guessable_secrets_are_refused_whatever_their_length(secret):
    with pytest.raises(authn.SignInSettingError, match="cookie_secret"):
        authn.check_auth({**GOOD, "cookie_secret": secret})
