"""Rounds on a real database with a real SMTP server on loopback: invitations, reminders, no
duplicates, nothing to those who checked in, languages, the failure path, the audit log, and
the dashboards' default quarter before and after a round closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mailserver import MailServer, html_of, mail_env, text_of

from dtmaturity.domain import clock, formats
from dtmaturity.domain.access import Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.services import (
    analytics,
    audit,
    checkins,
    people,
    periodlocks,
    personaldata,
    release_rule,
    reminders,
    report,
    reportmodel,
    roundprogress,
    rounds,
    targets,
)
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import rounds as rounds_sql

TODAY = clock.today()
CURRENT = str(Period.current())
PREVIOUS = str(Period.current().previous())
DEADLINE = TODAY + timedelta(days=14)
UNIT = "demo-bruker-01"


def leaders(ctx: Context, unit_id: str) -> list[str]:
    r = release_rule.covering(ctx, unit_id, CURRENT)
    frame = roundprogress.expected(ctx, r)
    return frame[frame["unit_id"] == unit_id]["person_id"].tolist()


def as_person(ctx: Context, person_id: str, *grants: Grant) -> Context:
    actor = Actor(person_id, person_id, grants or (Grant("leader", UNIT),), local_mode=False)
    return Context(actor=actor, store=ctx.store, framework=ctx.framework, lang="nb")


def check_in(ctx: Context, unit_id: str, person_id: str, period: str = CURRENT, score: int = 3):
    leader = as_person(ctx, person_id, Grant("leader", unit_id))
    checkin = CheckIn(unit_id, period, person_id, scores={i.id: score for i in ctx.framework.items})
    result = checkins.save(leader, checkin)
    assert result.ok, result.errors


def all_expected(ctx: Context) -> set[str]:
    with ctx.store.reader() as cur:
        frame = rounds_sql.expected(cur, release_rule.subtree_units(ctx, "demo"), CURRENT)
    return set(frame["email"])


def test_opening_a_round_invites_each_expected_leader_once_and_nobody_else(demo_ctx, mail):
    expected = all_expected(demo_ctx)
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    first = reminders.run(demo_ctx)
    assert len(first.sent) == len(expected) and not first.failed
    received = mail.wait_for(len(expected))
    assert sorted(m["To"] for m in received) == sorted(expected)
    again = reminders.run(demo_ctx)  # at once: nothing new
    assert again.sent == [] and again.planned == []
    assert len(mail.messages) == len(expected)


def test_nothing_goes_to_a_leader_who_has_checked_in(demo_ctx, mail):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    done = leaders(demo_ctx, UNIT)[0]
    check_in(demo_ctx, UNIT, done)
    report_ = reminders.run(demo_ctx)
    assert done not in {p.person_id for p in report_.planned}
    assert done not in {m["To"] for m in mail.wait_for(len(report_.sent))}
    # and no reminder either, when the reminder days come
    later = reminders.run(demo_ctx, today=DEADLINE - timedelta(days=7))
    assert later.sent and done not in {p.person_id for p in later.sent}
    assert {p.kind for p in later.sent} == {"reminder_7"}


def test_reminders_follow_the_schedule_once_each(demo_ctx, mail):
    rounds.open_round(demo_ctx, "demo-teknologi", CURRENT, DEADLINE)
    invited = reminders.run(demo_ctx)
    count = len(invited.sent)
    assert count and {p.kind for p in invited.sent} == {"invitation"}
    assert reminders.run(demo_ctx, today=DEADLINE - timedelta(days=8)).sent == []
    week = reminders.run(demo_ctx, today=DEADLINE - timedelta(days=7))
    assert len(week.sent) == count and {p.kind for p in week.sent} == {"reminder_7"}
    assert reminders.run(demo_ctx, today=DEADLINE - timedelta(days=6)).sent == []
    two = reminders.run(demo_ctx, today=DEADLINE - timedelta(days=2))
    assert {p.kind for p in two.sent} == {"reminder_2"}
    assert reminders.run(demo_ctx, today=DEADLINE - timedelta(days=1)).sent == []
    assert reminders.run(demo_ctx, today=DEADLINE + timedelta(days=1)).sent == []
    assert len(mail.wait_for(3 * count)) == 3 * count
    keys = [(m["To"], m["X-Dtmaturity-Kind"]) for m in mail.messages]
    assert len(keys) == len(set(keys))  # never the same message twice


def test_a_message_is_in_the_recipients_language_with_link_deadline_and_headers(demo_ctx, mail):
    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    english, bokmal = leaders(demo_ctx, UNIT)[:2]
    with demo_ctx.store.reader() as cur:
        cur.execute("INSERT INTO person_language (person_id, language) VALUES (?, 'en')", [english])
    # the comment and score of an earlier check-in must never travel by e-mail
    with demo_ctx.store.reader() as cur:
        cur.execute(
            "UPDATE answer SET comment = 'HEMMELIG KOMMENTAR' WHERE unit_id = ? AND respondent = ?",
            [UNIT, english],
        )
    reminders.run(demo_ctx)
    by_to = {m["To"]: m for m in mail.wait_for(2)}
    en, nb = by_to[english], by_to[bokmal]
    assert en["Content-Language"] == "en" and nb["Content-Language"] == "nb"
    # The subject is fixed text with the quarter; the unit's name is in the body only.
    assert en["Subject"].startswith("Check-in for " + CURRENT)
    assert nb["Subject"].startswith("Egenvurdering for " + CURRENT)
    assert "Kundesenteret" not in en["Subject"] and "Kundesenteret" in text_of(en)
    assert en["From"] == "dtmaturity@fjordetaten.example"
    assert en["Auto-Submitted"] == "auto-generated" and en["Message-ID"]
    link_en = f"https://dt.etat.example/checkin?unit={UNIT}&period={CURRENT}&lang=en"
    assert link_en in text_of(en) and f'href="{link_en.replace("&", "&amp;")}"' in html_of(en)
    assert "lang=nb" in text_of(nb)
    assert roundprogress.format_day("en", DEADLINE) in text_of(en)
    assert roundprogress.format_day("nb", DEADLINE) in text_of(nb)
    for message in (en, nb):
        body = text_of(message) + html_of(message)
        assert "HEMMELIG" not in body and "score" not in body.lower()


def test_a_failed_send_is_recorded_shown_and_retried_once_the_server_is_up(demo_ctx, monkeypatch):
    server = MailServer()  # not started: the mail server is down
    mail_env(monkeypatch, server)
    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    down = reminders.run(demo_ctx)
    count = len(down.planned)
    assert count and down.sent == [] and len(down.failed) == count
    assert "refused the connection" in down.failed[0][1]
    log = reminders.log(demo_ctx)
    assert set(log["status"]) == {"failed"} and set(log["attempts"]) == {1}
    server.start()
    try:
        up = reminders.run(demo_ctx)
        assert len(up.sent) == count and not up.failed
        assert len(server.wait_for(count)) == count
        log = reminders.log(demo_ctx)
        assert set(log["status"]) == {"sent"} and set(log["attempts"]) == {2}
        assert len(log) == count  # retried in place, not a second message
        assert reminders.run(demo_ctx).sent == []
    finally:
        server.stop()


def test_every_message_is_in_the_audit_log(demo_ctx, mail):
    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    sent = reminders.run(demo_ctx).sent
    log = audit.audit_log(demo_ctx)
    mails = log[log["action"] == "mail.sent"]
    assert len(mails) == len(sent)
    assert set(mails["target"]) == {f"round:{p.round_id}/{UNIT}/{p.person_id}" for p in sent}
    assert "round.open" in set(log["action"])


def test_without_mail_settings_nothing_is_sent_or_recorded(demo_ctx, monkeypatch):
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    result = reminders.run(demo_ctx)
    assert result.planned and not result.sent and not result.mail_configured
    assert "not configured" in result.lines()[-2]
    assert reminders.log(demo_ctx).empty


def test_a_dry_run_says_who_would_get_what_and_sends_nothing(demo_ctx, mail):
    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    dry = reminders.run(demo_ctx, dry_run=True)
    assert dry.planned and all("would be sent" in line for line in dry.lines()[:-1])
    assert reminders.log(demo_ctx).empty and mail.messages == []


# --- finished quarters by default -----------------------------------------------------------------


def test_the_default_quarter_is_the_latest_finished_before_and_after_the_round_closes(demo_ctx):
    for person in [f"ny{i}@fjordetaten.example" for i in range(4)]:
        check_in(demo_ctx, UNIT, person, score=5)
    # no round: the quarter in progress is not shown
    assert analytics.latest_periods(demo_ctx, UNIT)[0] == PREVIOUS
    assert CURRENT not in set(analytics.item_trend(demo_ctx, UNIT, "theme")["period"])
    assert analytics.heatmap(demo_ctx, "demo-bruker", CURRENT, "theme").empty
    assert analytics.latest_finished(demo_ctx, UNIT) == PREVIOUS
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    assert analytics.latest_periods(demo_ctx, UNIT)[0] == PREVIOUS
    progress = roundprogress.participation(demo_ctx, UNIT)
    assert (progress.period, progress.answered) == (CURRENT, 0)  # the newcomers aren't registered
    rounds.close_round(demo_ctx, CURRENT)
    assert analytics.latest_periods(demo_ctx, UNIT)[0] == CURRENT
    assert not analytics.heatmap(demo_ctx, "demo-bruker", CURRENT, "theme").empty
    assert analytics.latest_finished(demo_ctx, UNIT) == CURRENT
    assert roundprogress.participation(demo_ctx, UNIT) is None
    rounds.reopen_round(demo_ctx, CURRENT)
    assert analytics.latest_periods(demo_ctx, UNIT)[0] == PREVIOUS


def test_an_open_round_holds_back_a_quarter_that_has_ended(demo_ctx):
    rounds.open_round(demo_ctx, "demo", PREVIOUS, TODAY)
    assert PREVIOUS not in analytics.latest_periods(demo_ctx, "demo")
    with pytest.raises(reportmodel.ReportError, match="not released"):
        report.build(demo_ctx, UNIT, PREVIOUS)
    rounds.close_round(demo_ctx, PREVIOUS)
    assert analytics.latest_periods(demo_ctx, "demo")[0] == PREVIOUS


def _visible_figures(ctx: Context, period: str) -> dict:
    """Everything a manager of the division can read about one quarter, page by page."""
    trend = analytics.item_trend(ctx, UNIT, "theme")
    heat = analytics.heatmap(ctx, "demo-bruker", period, "theme")
    compare = analytics.compare(ctx, UNIT, "user")
    profile = analytics.competency_profile(ctx, UNIT)
    changes = analytics.changes(ctx, "demo-bruker", period, "theme")
    goals = targets.unit_targets(ctx, UNIT, "theme")
    return {
        "trend": trend[trend["period"] == period][["item_id", "mean", "n"]].values.tolist(),
        "heatmap": heat[["row_id", "item_id", "mean", "n"]].values.tolist(),
        "compare": compare[compare["period"] == period][["role", "mean", "n"]].values.tolist(),
        "profile": profile[profile["period"] == period][["item_id", "mean"]].values.tolist(),
        "changes": changes[["row_id", "item_id", "mean"]].values.tolist(),
        "targets": goals[["item_id", "target", "n"]].values.tolist(),
    }


def test_before_and_after_one_more_checkin_reveals_nothing_about_the_newcomer(demo_ctx):
    """Issue 10's attack: a manager reads the figures of the quarter in progress, one more
    leader checks in, the manager reads them again and subtracts. With the fixed release there
    is nothing to subtract: nothing of the quarter shows until the round closes, and then only
    the final figure, which never existed with one answer fewer."""
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    manager = as_person(demo_ctx, "sjef@fjordetaten.example", Grant("manager", "demo-bruker"))
    first, *others = leaders(demo_ctx, UNIT)
    for person in others:
        check_in(demo_ctx, UNIT, person, score=2)
    before = _visible_figures(manager, CURRENT)
    check_in(demo_ctx, UNIT, first, score=5)  # the newcomer
    after = _visible_figures(manager, CURRENT)
    assert str(before) == str(after)  # (str: NaN equals NaN)
    assert all(rows == [] for name, rows in after.items() if name != "targets"), after
    rounds.close_round(demo_ctx, CURRENT)
    released = _visible_figures(manager, CURRENT)
    trend = {item: n for item, _mean, n in released["trend"]}
    assert trend and set(trend.values()) == {len(others) + 1}  # every answer, at once


def test_the_check_in_page_still_shows_a_leader_their_own_answers(demo_ctx):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    person = leaders(demo_ctx, UNIT)[0]
    check_in(demo_ctx, UNIT, person, score=4)
    form = checkins.load_form(as_person(demo_ctx, person), UNIT, CURRENT)
    assert form.current is not None and set(form.current.scores.values()) == {4}


# --- closing, reopening, locks --------------------------------------------------------------------


def test_closing_locks_the_quarter_for_its_units_and_reopening_is_audited(demo_ctx):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    person = leaders(demo_ctx, UNIT)[0]
    rounds.close_round(demo_ctx, CURRENT)
    assert CURRENT in periodlocks.locked_periods(demo_ctx)  # the round covered every top unit
    leader = as_person(demo_ctx, person)
    late = CheckIn(UNIT, CURRENT, person, scores={i.id: 3 for i in demo_ctx.framework.items})
    assert [e.key for e in checkins.save(leader, late).errors] == ["error_period_locked"]
    rounds.reopen_round(demo_ctx, CURRENT)
    assert CURRENT not in periodlocks.locked_periods(demo_ctx)
    assert checkins.save(leader, late).ok
    actions = list(audit.audit_log(demo_ctx)["action"])
    assert actions.index("round.reopen") < actions.index("round.close")  # newest first


def test_a_closed_subtree_round_refuses_late_checkins_unless_allowed(demo_ctx):
    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    rounds.close_round(demo_ctx, CURRENT, UNIT)
    assert CURRENT not in periodlocks.locked_periods(demo_ctx)  # the rest of the agency goes on
    person = leaders(demo_ctx, UNIT)[0]
    late = CheckIn(UNIT, CURRENT, person, scores={i.id: 3 for i in demo_ctx.framework.items})
    leader = as_person(demo_ctx, person)
    assert [e.key for e in checkins.save(leader, late).errors] == ["error_round_closed"]
    release_rule.set_allow_late(demo_ctx, True)
    assert checkins.save(leader, late).ok


def test_round_mistakes_get_a_reason(demo_ctx):
    rounds.open_round(demo_ctx, "demo-bruker", CURRENT, DEADLINE)
    for call, key in [
        (lambda: rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE), "round_overlaps"),
        (lambda: rounds.close_round(demo_ctx, "2020-Q1"), "round_not_found"),
        (lambda: rounds.reopen_round(demo_ctx, CURRENT), "round_not_closed"),
        (
            lambda: rounds.open_round(demo_ctx, "demo-teknologi", CURRENT, TODAY - timedelta(1)),
            "round_deadline_before_opening",
        ),
    ]:
        with pytest.raises(rounds.RoundError) as caught:
            call()
        assert caught.value.key == key


def test_a_leader_is_told_what_is_due(demo_ctx):
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    person = leaders(demo_ctx, UNIT)[0]
    due = roundprogress.due_for_me(as_person(demo_ctx, person))
    assert [(d.unit_id, d.period, d.days_left) for d in due] == [(UNIT, CURRENT, 14)]
    line = due[0].line("nb")
    assert line == (
        f"Egenvurdering for Kundesenteret, {formats.quarter(CURRENT, 'nb')}: frist "
        f"{roundprogress.format_day('nb', DEADLINE)}, 14 dager igjen"
    )
    check_in(demo_ctx, UNIT, person)
    assert roundprogress.due_for_me(as_person(demo_ctx, person)) == []


def test_the_language_a_person_chose_in_the_app_is_the_language_of_their_emails(demo_ctx):
    person = leaders_of_demo(demo_ctx)[0]
    with demo_ctx.store.reader() as cur:
        before = rounds_sql.expected(cur, [UNIT], CURRENT)
    assert before.set_index("person_id").loc[person, "lang"] == "nb"  # unset: bokmål
    people.remember_language(as_person(demo_ctx, person), "nn")
    with demo_ctx.store.reader() as cur:
        after = rounds_sql.expected(cur, [UNIT], CURRENT)
    assert after.set_index("person_id").loc[person, "lang"] == "nn"


def leaders_of_demo(ctx: Context) -> list[str]:
    with ctx.store.reader() as cur:
        return rounds_sql.expected(cur, [UNIT], CURRENT)["person_id"].tolist()


def test_a_leader_sees_their_own_answers_of_a_quarter_in_progress_apart_and_nobody_elses(
    demo_ctx,
):
    """Issue 22: one's own answers in a quarter in progress are shown as one's own, never as
    the unit's figure; nobody else's ever are."""
    rounds.open_round(demo_ctx, "demo", CURRENT, DEADLINE)
    first, second = leaders(demo_ctx, UNIT)[:2]
    check_in(demo_ctx, UNIT, first, score=4)
    own = analytics.item_trend(as_person(demo_ctx, first), UNIT, "theme")
    assert CURRENT not in set(own["period"])  # not the unit's figure
    mine = analytics.own_pending(as_person(demo_ctx, first), UNIT, "theme")
    assert len(mine) and set(mine["period"]) == {CURRENT} and set(mine["score"]) == {4.0}
    check_in(demo_ctx, UNIT, second, score=1)
    assert set(analytics.own_pending(as_person(demo_ctx, first), UNIT, "theme")["score"]) == {4.0}
    both = analytics.item_trend(as_person(demo_ctx, first), UNIT, "theme")
    assert CURRENT not in set(both["period"])


def test_a_persons_emails_are_in_their_data_and_go_with_erasure(demo_ctx, mail):
    import io
    import json
    import zipfile

    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    reminders.run(demo_ctx)
    person = leaders(demo_ctx, UNIT)[0]
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(demo_ctx, person)))
    mails = json.loads(bundle.read("data.json"))["tables"]["mail_message"]
    assert [(m["kind"], m["status"]) for m in mails] == [("invitation", "sent")]
    counts = personaldata.erase_person(demo_ctx, person)
    assert counts["mails_deleted"] == 1
    assert person not in set(reminders.log(demo_ctx)["person_id"])


def test_participation_counts_the_leaders_the_round_asks(demo_ctx):
    rounds.open_round(demo_ctx, UNIT, CURRENT, DEADLINE)
    asked = len(leaders(demo_ctx, UNIT))
    for unit in ("demo", "demo-bruker", UNIT):
        progress = roundprogress.participation(demo_ctx, unit)
        assert (progress.answered, progress.expected) == (0, asked), unit
    check_in(demo_ctx, UNIT, leaders(demo_ctx, UNIT)[0])
    assert roundprogress.participation(demo_ctx, "demo").answered == 1
