"""Every page in bokmål and nynorsk shows no English the app controls, no `None`/`nan`, no raw
codes, and figures with a decimal comma; the language choice survives page switches and a
reload (`?lang=`), and the deployment's default applies."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from apphelpers import ROOT, each_tab, open_app, open_tables
from streamlit.testing.v1 import AppTest

from dtmaturity.domain import i18n
from dtmaturity.domain.access import Grant
from dtmaturity.services import audit, people
from dtmaturity.services.context import Actor, Context

PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))  # every page
# Streamlit's English defaults and English words that leaked into Norwegian pages before.
KNOWN_LEAKS = [
    "Choose an option",
    "Choose options",
    "Select all",
    "Clear all",
    "Upload",
    "Download",
    "confirmed",
    "project working set",
    "from source",
    "Source:",
    "Project's own",
    "Seed page",
]
MISSING = re.compile(r"(?<![\w-])(None|nan|NaN|NaT)(?![\w-])")
RAW_CODES = {"leader", "manager", "coordinator", "admin", "planned", "in_progress", "done"}
RAW_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")  # a quarter's id, not its name («4. kvartal 2026»)
# Prose that names CSV values, or Streamlit's English texts (the accessibility statement), on
# purpose.
CODES_IN_PROSE = ("admin_people_format", "people_bad_role", "a11y_gaps")


def _proto_text(element, *fields: str) -> list[str]:
    return [str(getattr(element.proto, f)) for f in fields if getattr(element.proto, f, "")]


def page_texts(at) -> list[str]:
    """Every text a person reads on the page: prose, labels, options, placeholders, cells."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info"):
        out += [str(el.value) for el in at.get(kind)]
    out += [str(el.value) for el in (*at.error, *at.success, *at.warning)]
    for kind in ("selectbox", "multiselect", "radio"):
        for el in at.get(kind):
            out += [str(el.label), *map(str, el.options)]
            out += _proto_text(el, "placeholder", "help")
    for kind in ("text_input", "text_area", "number_input"):
        for el in at.get(kind):
            out += [str(el.label), *_proto_text(el, "placeholder", "help")]
    for kind in ("button", "checkbox", "toggle", "expander", "tab"):
        out += [str(getattr(el, "label", "")) for el in at.get(kind)]
    for kind in ("download_button", "file_uploader"):
        out += [t for el in at.get(kind) for t in _proto_text(el, "label", "help")]
    return [text for text in out if text]


def frames(at) -> list[pd.DataFrame]:
    return [el.value for el in at.dataframe]


def problems_on(at, lang: str) -> list[str]:
    found = []
    allowed = {i18n.t(lang, key) for key in CODES_IN_PROSE}
    for text in page_texts(at):
        if text in allowed:
            continue
        found += [f"English {leak!r} in {text!r}" for leak in KNOWN_LEAKS if leak in text]
        found += [f"{m!r} in {text!r}" for m in MISSING.findall(text)]
        if text.strip() in RAW_CODES:
            found.append(f"raw code {text!r}")
    for kind in ("selectbox", "multiselect", "radio"):
        for el in at.get(kind):
            raw = [str(o) for o in el.options if RAW_QUARTER.match(str(o))]
            if raw:
                found.append(f"{kind} {el.label!r} offers quarters by id: {raw[:2]}")
    for el in at.selectbox:
        if el.value is None and not el.proto.placeholder:
            found.append(f"select box {el.label!r} shows Streamlit's English placeholder")
    for el in at.multiselect:
        if not el.proto.placeholder:
            found.append(f"multiselect {el.label!r} shows Streamlit's English placeholder")
        if el.proto.select_all != 0 and len(el.options) > 1:
            found.append(f"multiselect {el.label!r} offers Streamlit's English 'Select all'")
    for frame in frames(at):
        for column in frame.columns:
            values = frame[column]
            if pd.api.types.is_float_dtype(values):
                found.append(f"column {column!r} shows raw decimals (no decimal comma)")
            cells = {str(v) for v in values if v is None or (isinstance(v, float) and v != v)}
            cells |= {str(v) for v in values if isinstance(v, str) and MISSING.fullmatch(v)}
            cells |= {str(v) for v in values if isinstance(v, str) and v in RAW_CODES}
            found += [f"cell {c!r} in column {column!r}" for c in sorted(cells)]
    return found


def open_at(lang: str) -> AppTest:
    """A new session (as a first visit or a reload) at an address with `?lang=`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    return at.run()


@pytest.mark.parametrize("lang", ["nb", "nn"])
def test_every_page_speaks_the_language_without_leaks(demo_db, lang):
    at = open_at(lang)
    problems = {}
    tables = 0
    for page in PAGES:
        at.switch_page(page).run()
        for section in each_tab(at):  # every tab of the page
            open_tables(section)  # the tables behind the charts are checked too
            assert not section.exception, f"{page}: {section.exception}"
            assert section.query_params["lang"] in (lang, [lang])
            tables += len(frames(section))
            found = problems_on(section, lang)
            if found:
                problems.setdefault(page, set()).update(found)
    assert {page: sorted(found) for page, found in problems.items()} == {}
    assert tables > 10  # the tables behind the charts were opened and checked


def test_nynorsk_pages_are_in_nynorsk(demo_db):
    at = open_at("nn")
    at.switch_page("pages/unit.py").run()
    shown = "\n".join(text for section in each_tab(at) for text in page_texts(section))
    assert "Eining over tid" in shown and "Enhet over tid" not in shown
    assert "Brukarorientering" in shown
    at.switch_page("pages/about.py").run()
    shown = "\n".join(page_texts(at))
    assert "Kjelde:" in shown and "stadfesta" in shown


def test_the_language_is_kept_in_the_address_and_survives_a_reload(demo_db):
    at = open_app()
    at.radio(key="lang").set_value("nn").run()
    assert at.query_params["lang"] in ("nn", ["nn"])
    at.switch_page("pages/about.py").run()
    assert at.title[0].value == "Om modellen"
    assert at.sidebar.radio(key="lang").value == "nn"
    reloaded = open_at("nn")  # a new session, as after a reload, with the address it had
    assert reloaded.sidebar.radio(key="lang").value == "nn"
    assert open_at("en").title[0].value != reloaded.title[0].value


def test_the_deployment_default_language(demo_db, monkeypatch):
    monkeypatch.setenv("DTMATURITY_DEFAULT_LANGUAGE", "nn")
    at = open_app()
    assert at.sidebar.radio(key="lang").value == "nn"
    at.switch_page("pages/about.py").run()
    assert at.title[0].value == "Om modellen"
    assert any("Skildringane" in c.value for c in at.caption)
    monkeypatch.setenv("DTMATURITY_DEFAULT_LANGUAGE", "klingon")
    at = open_app()
    assert not at.exception
    assert any("DTMATURITY_DEFAULT_LANGUAGE" in e.value for e in at.error)


AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret-at-least-32-characters-long",
        "client_id": "dtmaturity",
        "client_secret": "secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


def signed_in(email: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets.update(AUTH)
    at.user = {"is_logged_in": True, "email": email, "sub": "sub-x", "name": email}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_a_signed_in_persons_choice_is_remembered_for_their_next_session(demo_ctx):
    admin = Context(
        actor=Actor("admin", "admin", (Grant("admin", "*"),), local_mode=False),
        store=demo_ctx.store,
        framework=demo_ctx.framework,
    )
    people.assign(
        admin, "leder@etat.example", "leader", "demo-bruker-01", email="leder@etat.example"
    )
    people.assign(admin, "sjef@etat.example", "manager", "demo-bruker", email="sjef@etat.example")
    at = signed_in("leder@etat.example")
    assert at.sidebar.radio(key="lang").value == "nb"
    at.sidebar.radio(key="lang").set_value("nn").run()
    assert not at.exception
    leader = Context(
        actor=Actor("leder@etat.example", "leder", (), local_mode=False),
        store=demo_ctx.store,
        framework=demo_ctx.framework,
    )
    assert people.remembered_language(leader) == "nn"
    assert "person.language" in set(audit.audit_log(admin)["action"])

    later = signed_in("leder@etat.example")  # a new session, no language in the address
    assert not later.exception
    assert later.sidebar.radio(key="lang").value == "nn"
    assert later.query_params["lang"] in ("nn", ["nn"])
    shared = signed_in("leder@etat.example", {"lang": "en"})  # a link that names a language
    assert shared.sidebar.radio(key="lang").value == "en"
    other = signed_in("sjef@etat.example")
    assert other.sidebar.radio(key="lang").value == "nb"
