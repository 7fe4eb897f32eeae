"""The Administration and My data pages through AppTest, as an admin in local mode."""

from __future__ import annotations

import io
import zipfile

from apphelpers import open_app, texts

from dtmaturity.services import people


def admin_page(db_path):
    at = open_app()
    at.button(key="demo_create").click().run()
    return at.switch_page("pages/admin.py").run()


def test_an_admin_grants_a_role_locks_a_quarter_and_sees_both_in_the_audit_log(db_path, ctx):
    at = admin_page(db_path)
    assert not at.exception
    at.text_input(key="adm_email").input("ny.leder@etat.example")
    at.text_input(key="adm_name").input("Ny Leder")
    at.selectbox(key="adm_role").set_value("leader")
    at.selectbox(key="adm_unit").set_value("demo-bruker-02")
    at.button(key="FormSubmitter:grant_form-Gi rollen").click().run()
    assert "ny.leder@etat.example har fått rollen." in texts(at)
    at.button(key="adm_lock").click().run()
    assert not at.exception
    assert people.locked_periods(ctx)
    log = people.audit_log(ctx)
    assert {"role.grant", "period.lock"} <= set(log["action"])


def test_my_data_page_offers_the_bundle(db_path, ctx):
    at = open_app().switch_page("pages/mydata.py").run()
    assert not at.exception
    assert "Last ned mine data" in [b.label for b in at.get("download_button")]
    bundle = zipfile.ZipFile(io.BytesIO(people.export_person(ctx)))
    assert "data.json" in bundle.namelist()
