"""Sign-in as the pages see it (AppTest with an [auth] section and a signed-in st.user): who may
enter, what each person is offered, and addresses or widget state tampered with by hand."""

from __future__ import annotations

import pytest
from apphelpers import ROOT, chart_frames, open_app, texts
from streamlit.testing.v1 import AppTest

from dtmaturity.domain.access import Grant
from dtmaturity.services import people
from dtmaturity.services.context import Actor, Context

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-at-least-32-characters-long",
        "client_id": "dtmaturity",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
ROOT_APP = ROOT / "app.py"


def signed_in(email: str | None, *, sub: str = "sub-x", query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT_APP), default_timeout=60)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": email, "sub": sub, "name": email}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


@pytest.fixture
def registered(demo_ctx: Context) -> Context:
    """The demo organisation with a leader, a manager and a coordinator registered."""
    admin = Context(
        actor=Actor("admin", "admin", (Grant("admin", "*"),), local_mode=False),
        store=demo_ctx.store,
        framework=demo_ctx.framework,
    )
    people.assign(
        admin, "leder@etat.example", "leader", "demo-bruker-01", email="leder@etat.example"
    )
    people.assign(admin, "sjef@etat.example", "manager", "demo-bruker", email="sjef@etat.example")
    people.assign(
        admin, "koord@etat.example", "coordinator", "demo-teknologi", email="koord@etat.example"
    )
    return demo_ctx


def test_without_sign_in_the_visitor_is_asked_to_sign_in_and_sees_nothing_else(registered):
    at = AppTest.from_file(str(ROOT_APP), default_timeout=60)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert at.button(key="signin").label == "Logg inn"
    assert "Fjordetaten" not in texts(at)


def test_an_unknown_signed_in_person_is_asked_to_contact_the_coordinator(registered):
    at = signed_in("ukjent@etat.example")
    assert not at.exception
    page = texts(at)
    assert "Be koordinatoren i virksomheten om tilgang" in page
    assert "Fjordetaten" not in page and not at.get("vega_lite_chart")


def test_local_mode_is_refused_in_production(db_path, monkeypatch):
    monkeypatch.setenv("DTMATURITY_ENV", "production")
    at = open_app()
    assert not at.exception
    assert "DTMATURITY_ENV=production" in "\n".join(str(e.value) for e in at.error)
    assert not at.get("button")


def test_a_leader_is_offered_only_the_led_unit(registered):
    at = signed_in("leder@etat.example").switch_page("pages/unit.py").run()
    assert not at.exception
    assert len(at.selectbox(key="unit_id").options) == 1
    assert "Kundesenteret" in at.selectbox(key="unit_id").options[0]
    checkin = at.switch_page("pages/checkin.py").run()
    assert len(checkin.selectbox(key="ci_unit").options) == 1


def test_two_people_see_different_units(registered):
    leader = signed_in("leder@etat.example").switch_page("pages/unit.py").run()
    manager = signed_in("sjef@etat.example").switch_page("pages/unit.py").run()
    assert len(leader.selectbox(key="unit_id").options) == 1
    assert len(manager.selectbox(key="unit_id").options) == 6  # the division and its five units


def test_an_address_naming_another_unit_is_refused_by_the_services(registered):
    at = signed_in("leder@etat.example", query={"unit": "demo-teknologi-02"})
    at.switch_page("pages/unit.py").run()
    assert not at.exception
    assert "Du har ikke tilgang til tallene for enheten «demo-teknologi-02»" in "\n".join(
        str(e.value) for e in at.error
    )
    assert not chart_frames(at)


def test_a_checkin_address_for_another_unit_is_refused_and_nothing_is_stored(registered):
    at = signed_in("leder@etat.example", query={"unit": "demo-teknologi-02"})
    at.switch_page("pages/checkin.py").run()
    assert not at.exception
    refused = "\n".join(str(e.value) for e in at.error)
    assert "bare gjøre egenvurderinger for enheter du leder" in refused
    assert not at.get("radio") or "score:user" not in [r.key for r in at.radio]
    with registered.store.reader() as cur:
        assert not cur.execute(
            "SELECT count(*) FROM checkin WHERE unit_id = 'demo-teknologi-02' "
            "AND respondent = 'leder@etat.example'"
        ).fetchone()[0]


def test_the_coordinator_gets_imports_and_registry_but_no_dashboards(registered):
    at = signed_in("koord@etat.example")
    for page in ("pages/import.py", "pages/admin.py"):
        shown = at.switch_page(page).run()
        assert not shown.exception, page
    for page in ("pages/unit.py", "pages/overview.py", "pages/checkin.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)


def test_a_configured_admin_enters_before_anyone_is_registered(db_path, monkeypatch):
    monkeypatch.setenv("DTMATURITY_ADMINS", "boss@etat.example")
    at = signed_in("boss@etat.example").switch_page("pages/admin.py").run()
    assert not at.exception
    assert "Revisjonslogg" in texts(at)


# --- sign-in settings fail closed ------------------------------------------------------------


@pytest.fixture
def secrets_file(tmp_path):
    """Point Streamlit at a secrets.toml of the test's own (as `--secrets.files` would)."""
    import streamlit as st
    from streamlit import config

    saved = config.get_option("secrets.files")
    saved_from = config.get_where_defined("secrets.files")  # "<default>": not named by anyone
    path = tmp_path / "secrets.toml"

    def use(text: str) -> None:
        path.write_text(text, encoding="utf-8")
        config.set_option("secrets.files", [str(path)])
        st.secrets._reset()

    yield use
    config.set_option("secrets.files", saved, where_defined=saved_from)
    st.secrets._reset()


GOOD_AUTH = "\n".join(f'{key} = "{value}"' for key, value in AUTH["auth"].items())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[auth]\nredirect_uri = "http://x/oauth2callback\n', "cannot be read"),  # bad TOML
        ("[auth]\n" + GOOD_AUTH.replace("client_secret", "#client_secret"), "client_secret"),
        ("[auth]\n" + GOOD_AUTH.replace("redirect_uri", "#redirect_uri"), "redirect_uri"),
        (
            "[auth]\n" + GOOD_AUTH.replace(AUTH["auth"]["cookie_secret"], "a long random string"),
            "placeholder",
        ),
        ("[auth]\n" + GOOD_AUTH.replace(AUTH["auth"]["cookie_secret"], "kort-hemmelig"), "13"),
    ],
)
def test_broken_sign_in_settings_close_the_app_instead_of_local_mode(
    db_path, secrets_file, text, reason
):
    secrets_file(text)
    at = open_app()
    assert not at.exception
    errors = "\n".join(str(e.value) for e in at.error)
    assert "Innloggingen er satt opp feil" in errors
    assert reason in "\n".join(str(c.value) for c in at.get("code"))
    assert "Lokal modus" not in texts(at)
    assert not at.get("button") and not at.get("selectbox")


def test_complete_sign_in_settings_ask_the_visitor_to_sign_in(db_path, secrets_file):
    secrets_file("[auth]\n" + GOOD_AUTH)
    at = open_app()
    assert not at.exception
    assert at.button(key="signin").label == "Logg inn"


def test_a_database_that_cannot_be_opened_closes_the_app_with_the_reason(
    db_path, monkeypatch, tmp_path
):
    broken = tmp_path / "not-a-database.duckdb"
    broken.write_bytes(b"garbage" * 1000)
    monkeypatch.setenv("DTMATURITY_DB", str(broken))
    at = open_app()
    assert not at.exception
    assert "Databasen kan ikke brukes" in "\n".join(str(e.value) for e in at.error)
    assert str(broken) in "\n".join(str(c.value) for c in at.get("code"))


def test_the_signed_out_page_has_no_menu_of_files_and_offers_the_languages(registered, monkeypatch):
    # Streamlit lists pages/ as a menu when no st.navigation ran (AppTest does not show the
    # menu): the signed-out run must call one, hidden, with the sign-in page alone.
    import streamlit as st

    calls = []
    real = st.navigation

    def recording(pages, **kwargs):
        calls.append((len(pages), kwargs.get("position")))
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", recording)
    at = AppTest.from_file(str(ROOT_APP), default_timeout=60)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert calls == [(1, "hidden")]
    picker = at.sidebar.radio[0]
    assert list(picker.options) == ["Norsk bokmål", "Norsk nynorsk", "English"]
    picker.set_value("en").run()
    assert at.button(key="signin").label == "Sign in"
