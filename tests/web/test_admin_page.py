"""The Administration and My data pages through AppTest, as an admin in local mode."""

from __future__ import annotations

import io
import zipfile

from apphelpers import open_app, texts

from dtmaturity.services import audit, people, periodlocks, personaldata


def admin_page():
    """The Administration page on the demo organisation (the test asks for `demo_db`)."""
    return open_app().switch_page("pages/admin.py").run()


def test_an_admin_grants_a_role_locks_a_quarter_and_sees_both_in_the_audit_log(demo_db, ctx):
    at = admin_page()
    assert not at.exception
    at.text_input(key="adm_email").input("ny.leder@etat.example")
    at.text_input(key="adm_name").input("Ny Leder")
    at.selectbox(key="adm_role").set_value("leader")
    at.selectbox(key="adm_unit").set_value("demo-bruker-02")
    at.button(key="FormSubmitter:grant_form-Gi rollen").click().run()
    assert "ny.leder@etat.example har fått rollen Leder for Digitale tjenester." in texts(at)
    at.button(key="adm_lock").click().run()
    assert not at.exception
    assert periodlocks.locked_periods(ctx)
    log = audit.audit_log(ctx)
    assert {"role.grant", "period.lock"} <= set(log["action"])


def test_my_data_page_offers_the_bundle(db_path, ctx):
    at = open_app().switch_page("pages/mydata.py").run()
    assert not at.exception
    assert "Last ned mine data" in [b.label for b in at.get("download_button")]
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(ctx)))
    assert "data.json" in bundle.namelist()


def test_a_people_upload_is_written_once_and_a_later_revoke_stays(demo_db, ctx):
    at = admin_page()
    rows = b"email,role,unit_id\nopplastet@etat.example,leader,demo-bruker-03\n"
    at.file_uploader(key="adm_people_file").upload("personer.csv", rows, "text/csv").run()
    assert not at.exception
    at.run()
    at.run()
    log = audit.audit_log(ctx)
    assert list(log["action"]).count("people.import") == 1
    revoke = at.selectbox(key="adm_revoke")
    revoke.select_index(
        next(i for i, o in enumerate(revoke.options) if o.startswith("opplastet@etat.example"))
    ).run()  # a browser reruns on the choice, before the button is pressed
    at.button(key="adm_revoke_run").click().run()
    at.button(key="adm_revoke_run:yes").click().run()
    assert "opplastet@etat.example har ikke lenger rollen Leder for " in texts(at)
    at.run()
    assert not at.exception
    held = people.registry(ctx)
    assert held[(held["person_id"] == "opplastet@etat.example")]["role"].dropna().empty
    assert list(audit.audit_log(ctx)["action"]).count("people.import") == 1


def test_a_subject_keeps_its_case_when_granted_on_the_admin_page(demo_db, ctx):
    at = admin_page()
    at.text_input(key="adm_email").input("AbC-ID-porten-Sub")
    at.selectbox(key="adm_role").set_value("leader")
    at.selectbox(key="adm_unit").set_value("demo-bruker-02")
    at.button(key="FormSubmitter:grant_form-Gi rollen").click().run()
    assert not at.exception
    actor = people.actor_for(ctx.store, email=None, sub="AbC-ID-porten-Sub", name=None)
    assert actor is not None and actor.user_id == "AbC-ID-porten-Sub"


def test_the_people_table_shows_a_page_of_rows_and_the_search_finds_the_rest(demo_db, ctx):
    at = admin_page()
    total = len(people.registry(ctx))
    table = at.dataframe[0].value
    assert len(table) == min(total, 200)
    if total > 200:
        assert f"av {total}" in " ".join(c.value for c in at.caption).replace("\u00a0", " ")
    at.text_input(key="adm_find").input("DEMO-BRUKER-03").run()  # any case
    found = at.dataframe[0].value
    assert len(found) > 0 and set(found["Enhet"]) == {"demo-bruker-03"}
    assert all(o.endswith("– demo-bruker-03") for o in at.selectbox(key="adm_revoke").options)
    at.text_input(key="adm_find").input("finnes-ikke-noe-sted").run()
    assert "Ingen personer eller enheter passer med «finnes-ikke-noe-sted»." in texts(at)
