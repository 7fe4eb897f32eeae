"""Who is acting: the acting context of every run, from the sign-in settings (or local mode),
and the page that stops, in words, a visitor who cannot be let in."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st
from streamlit import config as st_config
from streamlit.errors import StreamlitSecretNotFoundError

from dtmaturity.domain import access, authn, i18n, privacy, settings
from dtmaturity.domain.framework import FrameworkError, framework_path
from dtmaturity.services import people, scheduler
from dtmaturity.services.context import Actor, Context, local_actor
from dtmaturity.store import Store, StoreError, default_db_path
from dtmaturity.web import navigation
from dtmaturity.web.language import lang, t
from dtmaturity.web.resources import cached_runtime, warm_up


def context() -> Context:
    """The acting context for this rerun; stops the page with a clear message (never a
    traceback) if the framework file, the database or the sign-in settings are broken."""
    try:
        store, framework = cached_runtime(str(default_db_path()), str(framework_path()))
    except FrameworkError as exc:
        _refuse("framework_broken", exc)
    except StoreError as exc:
        _refuse("database_broken", exc)
    warm_up(str(default_db_path()), str(framework_path()))
    try:
        privacy.thresholds()
        scheduler.interval()
    except (privacy.PrivacySettingError, ValueError) as exc:
        _refuse("settings_broken", exc)
    try:
        auth = auth_settings()
    except authn.SignInSettingError as exc:
        _refuse("signin_broken", exc)
    try:
        settings.default_language()
    except i18n.LanguageSettingError as exc:
        _refuse("language_setting_broken", exc)
    return Context(actor=_actor(store, auth), store=store, framework=framework, lang=lang())


def _refuse(message_key: str, reason: Exception) -> NoReturn:
    """Stop the page: what is wrong in words, and the technical reason for whoever runs it."""
    st.error(t(message_key))
    st.code(str(reason), language=None, wrap_lines=True)
    navigation.stop_on_this_page()


def _secrets_section(name: str) -> dict | None:
    """A section of .streamlit/secrets.toml, or None when there is no secrets file or no such
    section. A secrets file that exists but cannot be read raises SignInSettingError: falling
    back to local mode would make every visitor an admin."""
    try:
        return dict(st.secrets[name]) if name in st.secrets else None
    except StreamlitSecretNotFoundError as exc:
        if getattr(exc, "error_id", None) == "no-secrets-found":
            return None
        raise authn.SignInSettingError(f"secrets.toml cannot be read: {exc}") from exc
    except (FileNotFoundError, KeyError):
        return None


def auth_settings() -> dict | None:
    """The [auth] section, checked (authn.check_auth); None when sign-in is not configured.
    The secrets files are checked first (authn.check_secrets_files): one that exists but
    yields no valid sign-in raises SignInSettingError, as in `dtmaturity.web.serve`."""
    files = list(st.get_option("secrets.files"))
    named = st_config.is_manually_set("secrets.files")  # and not just the default places:
    named = named and files != st_config.get_config_files("secrets.toml")
    authn.check_secrets_files(files, named=named)
    auth = _secrets_section("auth")
    if auth is not None:
        authn.check_auth(auth)
    return auth


def _configured_admins() -> frozenset[str]:
    """The first admins: DTMATURITY_ADMINS (comma-separated e-mails or subjects) and
    `admins = [...]` under [dtmaturity] in secrets.toml."""
    listed = list(settings.current().admins)
    listed += list((_secrets_section("dtmaturity") or {}).get("admins", []))
    # E-mails match in any case, subjects exactly (people.actor_for), so no case folding here.
    return frozenset(str(a).strip() for a in listed)


def _actor(store: Store, auth: dict | None) -> Actor:
    """Who is acting: the signed-in person with their roles, or the local user when sign-in
    is not configured. Stops the page for a visitor who is not signed in or not registered."""
    if auth is None:
        if authn.is_production():
            st.error(t("production_local_mode"))
            navigation.stop_on_this_page()
        return local_actor()
    if not st.user.is_logged_in:
        st.title(t("signin_title"), anchor=False)
        st.write(t("signin_text"))
        st.button(t("signin_button"), type="primary", on_click=st.login, key="signin")
        navigation.stop_on_this_page()
    claims = st.user.to_dict()
    actor = people.actor_for(
        store,
        email=claims.get("email"),
        sub=claims.get("sub"),
        name=claims.get("name"),
        admins=_configured_admins(),
        email_verified=claims.get("email_verified"),
    )
    if actor is None:
        st.title(t("unknown_person_title"), anchor=False)
        # Identities from the provider are shown as plain text (no links, no formatting).
        st.text(t("unknown_person_who", who=claims.get("email") or claims.get("sub")))
        st.write(t("unknown_person_text"))
        st.button(t("signout_button"), on_click=st.logout, key="signout")
        navigation.stop_on_this_page()
    return actor


def local_mode_banner(ctx: Context) -> None:
    """Who is acting: the clearly labelled local mode, or the signed-in person and a sign-out."""
    if ctx.actor.local_mode:
        st.sidebar.info(t("local_mode"), icon=":material/person:")
        st.sidebar.text(t("acting_as", user=ctx.actor.display_name))
    else:
        st.sidebar.text(t("signed_in_as", name=ctx.actor.display_name))
        st.sidebar.button(t("signout_button"), on_click=st.logout, key="signout")


def is_admin(ctx: Context) -> bool:
    return access.is_admin(ctx.actor.grants)


def shows_page(ctx: Context, page: str) -> bool:
    return access.shows_page(ctx.actor.grants, page)
