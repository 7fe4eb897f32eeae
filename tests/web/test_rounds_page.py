"""The Rounds page, the start page's due list, the check-in link and the dashboards' progress
note, driven through AppTest with a real SMTP server on loopback."""

from __future__ import annotations

from datetime import timedelta

from apphelpers import open_app, open_tables, texts

from dtmaturity.domain import clock, formats
from dtmaturity.domain.periods import Period
from dtmaturity.services import release_rule, reminders, roundaccess, roundprogress, rounds

CURRENT = str(Period.current())
SHOWN = formats.quarter(CURRENT, "nb")  # a quarter as the pages name it
PREVIOUS = str(Period.current().previous())


def test_open_follow_and_close_a_round_on_the_page(demo_db, ctx, mail):
    at = open_app()
    at.switch_page("pages/rounds.py").run()
    assert not at.exception
    assert "Ingen runder ennå." in texts(at)
    at.selectbox(key="round_unit").set_value("demo-bruker-01")
    at.selectbox(key="round_period").set_value(CURRENT)
    at.button(key="round_open").click().run()
    assert not at.exception
    page = texts(at)
    assert f"Runden for Kundesenteret, {SHOWN} er åpnet:" in page
    sent = len(mail.wait_for(3))
    assert f"{sent} invitasjoner sendt, 0 feilet" in page
    assert f"Kundesenteret, {SHOWN} (åpen)" in page and f"0 av {sent} har svart" in page
    labels = " ".join(e.label for e in at.expander).replace("\\", "")  # labels are escaped
    assert f"invitasjon: Egenvurdering for {CURRENT}" in labels
    assert "sendt" in at.dataframe[-1].value.to_string()  # the e-mail log
    at.button(key="round_close:1").click().run()  # the first press only asks
    assert release_rule.all_rounds(ctx)[0].state == "open"
    deadline = roundprogress.format_day("nb", clock.today() + timedelta(days=14))
    assert (
        f"Lukke runden for Kundesenteret, {SHOWN}? {sent} av {sent} har ikke svart, og det er "
        f"14 dager igjen til fristen {deadline}." in texts(at)
    )
    at.button(key="round_close:1:yes").click().run()
    assert f"Runden for Kundesenteret, {SHOWN} er lukket." in texts(at)
    assert at.button(key="round_reopen:1")


def test_a_bad_round_is_refused_with_its_reason(demo_db, monkeypatch):
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    at = open_app()
    at.switch_page("pages/rounds.py").run()
    assert "E-post er ikke satt opp (DTMATURITY_SMTP_URL mangler)" in at.warning[0].value
    at.date_input(key="round_deadline").set_value(clock.today() - timedelta(days=1))
    at.button(key="round_open").click().run()
    assert not at.exception
    assert any("er før åpningsdagen" in str(e.value) for e in at.error)


def test_a_leader_sees_what_is_due_and_the_link_opens_that_checkin(demo_ctx, monkeypatch):
    rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=5))
    frame = roundprogress.expected(
        demo_ctx, release_rule.covering(demo_ctx, "demo-bruker-01", CURRENT)
    )
    leader = frame[frame["unit_id"] == "demo-bruker-01"]["person_id"].iloc[0]
    monkeypatch.setenv("DTMATURITY_LOCAL_USER", leader)
    at = open_app()
    deadline = roundprogress.format_day("nb", clock.today() + timedelta(days=5))
    expected = f"Egenvurdering for Kundesenteret, {SHOWN}: frist {deadline}, 5 dager igjen"
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert any(label.replace("\\", "") == expected for label, _ in links), links
    # the link from the e-mail: the check-in page for that unit and quarter
    at = open_app()
    at.query_params["unit"] = "demo-bruker-01"
    at.query_params["period"] = PREVIOUS
    at.switch_page("pages/checkin.py").run()
    assert at.selectbox(key="ci_unit").value == "demo-bruker-01"
    assert at.selectbox(key="ci_period").value == PREVIOUS


def test_the_dashboards_show_a_quarter_in_progress_as_participation_only(demo_ctx):
    rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=5))
    assert reminders.plan(demo_ctx)  # sanity: the round expects people
    at = open_app()
    at.switch_page("pages/unit.py").run()
    assert not at.exception
    page = texts(at)
    assert f"{SHOWN} pågår: 0 av " in page and "har svart" in page
    assert f"det siste er {formats.quarter(PREVIOUS, 'nb')}" in page
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert f"{SHOWN} pågår: 0 av " in texts(at)
    assert at.selectbox(key="ov_last").value == PREVIOUS


def test_a_close_confirmed_after_someone_else_closed_says_so_beside_the_button(demo_ctx):
    r = rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=14))
    at = open_app().switch_page("pages/rounds.py").run()
    at.button(key=f"round_close:{r.round_id}").click().run()  # asks
    rounds.close_round(demo_ctx, CURRENT, "demo")  # meanwhile, in another session
    at.button(key=f"round_close:{r.round_id}:yes").click().run()
    assert not at.exception
    assert any("allerede lukket" in e.value for e in at.error)


def test_the_page_shows_whom_a_round_invites_before_it_is_opened(demo_ctx, monkeypatch):
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    at = open_app().switch_page("pages/rounds.py").run()
    at.selectbox(key="round_unit").set_value("demo-bruker").run()
    assert not at.exception
    unit = at.selectbox(key="round_unit").value
    period = at.selectbox(key="round_period").value
    people = roundprogress.invitees(demo_ctx, unit, period)
    assert not people.empty
    [box] = [e for e in at.expander if "Invitasjonen går til" in str(e.label)]
    assert str(box.label) == f"Invitasjonen går til {len(people)} ledere"
    assert not at.dataframe  # the list is drawn once opened (10,000 leaders in a nation)
    shown = texts(at)
    at = open_tables(at)
    [invited] = [d.value for d in at.dataframe]
    assert sorted(invited["E-post"]) == sorted(people["email"].fillna(people["person_id"]))
    assert roundaccess.visible(demo_ctx) == []  # nothing opened by looking
    assert "Ingen e-poster er sendt ennå." in shown


def test_the_reminder_preview_counts_the_days_it_is_sent_with_and_links_to_this_port(
    demo_ctx, monkeypatch
):
    from streamlit import config

    monkeypatch.delenv("DTMATURITY_BASE_URL", raising=False)
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=14))
    port = config.get_option("server.port")
    config.set_option("server.port", 8765)
    try:
        at = open_app().switch_page("pages/rounds.py").run()
    finally:
        config.set_option("server.port", port)
    assert not at.exception
    [reminder] = [e for e in at.expander if str(e.label).lower().startswith("påminnelse")]
    body = "\n".join(str(t.value) for t in reminder.text)
    assert "2 dager igjen" in body and "14 dager igjen" not in body
    assert "http://localhost:8765/checkin?" in body


def test_a_planned_round_says_its_opening_day_as_people_read_it(demo_db, monkeypatch):
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    at = open_app().switch_page("pages/rounds.py").run()
    opens = clock.today() + timedelta(days=3)
    at.date_input(key="round_opens").set_value(opens)
    at.date_input(key="round_deadline").set_value(opens + timedelta(days=14))
    at.button(key="round_open").click().run()
    assert not at.exception
    shown = texts(at)
    assert f"åpner {formats.long_date(opens, 'nb')}" in shown, shown[-300:]
    assert opens.isoformat() not in shown
