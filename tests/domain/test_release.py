"""The release rule, the reminder schedule and the mail settings: pure functions."""

from __future__ import annotations

from datetime import date

import pytest

from dtmaturity.domain import mailconfig, release
from dtmaturity.domain.mailconfig import MailConfigError
from dtmaturity.domain.release import CLOSED, OPEN, PLANNED, Round, RoundError

PARENTS = {"org": None, "a": "org", "a1": "a", "b": "org"}
TODAY = date(2026, 12, 1)  # in 2026-Q4


def a_round(unit: str = "org", period: str = "2026-Q4", state: str = OPEN, **kw) -> Round:
    return Round(
        kw.get("round_id", 1),
        unit,
        period,
        kw.get("opens_on", date(2026, 11, 30)),
        kw.get("deadline", date(2026, 12, 15)),
        state,
    )


def test_without_rounds_a_quarter_is_released_when_it_has_ended():
    assert release.released("org", ["2026-Q4", "2026-Q3"], [], PARENTS, TODAY) == ["2026-Q3"]


def test_an_open_round_keeps_its_quarter_back_even_after_the_quarter_has_ended():
    rounds = [a_round(period="2026-Q3")]
    assert not release.is_released("org", "2026-Q3", rounds, PARENTS, TODAY)
    assert not release.is_released("a1", "2026-Q3", rounds, PARENTS, TODAY)


def test_a_closed_round_releases_its_quarter_before_the_quarter_ends():
    rounds = [a_round(state=CLOSED)]
    assert release.is_released("org", "2026-Q4", rounds, PARENTS, TODAY)
    assert release.is_released("a1", "2026-Q4", rounds, PARENTS, TODAY)


def test_a_subtree_round_holds_back_every_group_that_contains_it():
    rounds = [a_round("a")]
    assert not release.is_released("a1", "2026-Q4", rounds, PARENTS, date(2027, 2, 1))
    assert not release.is_released("org", "2026-Q4", rounds, PARENTS, date(2027, 2, 1))
    assert release.is_released("b", "2026-Q4", rounds, PARENTS, date(2027, 2, 1))


def test_a_closed_subtree_round_does_not_release_the_rest_of_a_quarter_in_progress():
    rounds = [a_round("a", state=CLOSED)]
    assert release.is_released("a", "2026-Q4", rounds, PARENTS, TODAY)
    assert not release.is_released("org", "2026-Q4", rounds, PARENTS, TODAY)  # b is live
    assert release.is_released("org", "2026-Q4", rounds, PARENTS, date(2027, 1, 1))


def test_overlapping_rounds_of_one_quarter_are_refused():
    existing = [a_round("a")]
    with pytest.raises(RoundError) as caught:
        release.validate_new("a1", "2026-Q4", TODAY, date(2026, 12, 15), existing, PARENTS)
    assert caught.value.key == "round_overlaps"
    with pytest.raises(RoundError):
        release.validate_new("org", "2026-Q4", TODAY, date(2026, 12, 15), existing, PARENTS)
    release.validate_new("b", "2026-Q4", TODAY, date(2026, 12, 15), existing, PARENTS)
    release.validate_new("a1", "2027-Q1", TODAY, date(2027, 3, 15), existing, PARENTS)


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (("org", "2026Q4", TODAY, date(2026, 12, 15)), "round_bad_period"),
        (("nope", "2026-Q4", TODAY, date(2026, 12, 15)), "round_unknown_unit"),
        (("org", "2026-Q4", TODAY, date(2026, 11, 15)), "round_deadline_before_opening"),
        (("org", "2027-Q2", TODAY, date(2026, 12, 15)), "round_deadline_before_quarter"),
    ],
)
def test_a_bad_round_is_refused_with_a_reason(args, key):
    with pytest.raises(RoundError) as caught:
        release.validate_new(*args, [], PARENTS)
    assert caught.value.key == key


def test_the_nearest_round_covers_a_unit():
    rounds = [a_round("a", round_id=2), a_round("b", round_id=3)]
    assert release.covering("a1", "2026-Q4", rounds, PARENTS).round_id == 2
    assert release.covering("org", "2026-Q4", rounds, PARENTS) is None


def test_the_schedule_invites_then_reminds_seven_and_two_days_before():
    r = a_round(deadline=date(2026, 12, 15))
    assert release.due_kind(r, date(2026, 11, 30), {}) == "invitation"
    sent = {"invitation": date(2026, 11, 30)}
    assert release.due_kind(r, date(2026, 11, 30), sent) is None  # same day: nothing
    assert release.due_kind(r, date(2026, 12, 7), sent) is None  # 8 days left
    assert release.due_kind(r, date(2026, 12, 8), sent) == "reminder_7"
    sent["reminder_7"] = date(2026, 12, 8)
    assert release.due_kind(r, date(2026, 12, 12), sent) is None
    assert release.due_kind(r, date(2026, 12, 13), sent) == "reminder_2"
    sent["reminder_2"] = date(2026, 12, 13)
    assert release.due_kind(r, date(2026, 12, 14), sent) is None
    assert release.due_kind(r, date(2026, 12, 16), {}) is None  # after the deadline: nothing


def test_a_late_invitation_skips_to_the_most_urgent_reminder_the_next_day():
    r = a_round(deadline=date(2026, 12, 15))
    sent = {"invitation": date(2026, 12, 12)}
    assert release.due_kind(r, date(2026, 12, 13), sent) == "reminder_2"


def test_a_planned_round_sends_from_its_opening_day():
    r = a_round(state=PLANNED, opens_on=date(2026, 12, 3))
    assert release.due_kind(r, date(2026, 12, 2), {}) is None
    assert release.due_kind(r, date(2026, 12, 3), {}) == "invitation"
    assert release.due_kind(a_round(state=CLOSED), TODAY, {}) is None


ENV = {
    "DTMATURITY_MAIL_FROM": "dtmaturity@etat.example",
    "DTMATURITY_BASE_URL": "https://dt.etat.example/",
}


def test_mail_settings_from_the_url():
    assert mailconfig.parse({}) is None
    plain = mailconfig.parse({**ENV, "DTMATURITY_SMTP_URL": "smtp://127.0.0.1:2525"})
    assert (plain.host, plain.port, plain.tls, plain.starttls, plain.user) == (
        "127.0.0.1",
        2525,
        False,
        False,
        None,
    )
    assert plain.base_url == "https://dt.etat.example"
    secure = mailconfig.parse(
        {**ENV, "DTMATURITY_SMTP_URL": "smtps://kari%40etat:p%2Fw@mail.etat.example"}
    )
    assert (secure.port, secure.tls, secure.user, secure.password) == (
        465,
        True,
        "kari@etat",
        "p/w",
    )
    start = mailconfig.parse(
        {
            **ENV,
            "DTMATURITY_SMTP_URL": "smtp://u@mail:587?starttls=1",
            "DTMATURITY_SMTP_PASSWORD": "secret",
        }
    )
    assert (start.starttls, start.password) == (True, "secret")
    assert "secret" not in repr(start) and "secret" not in start.describe()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DTMATURITY_SMTP_URL": "http://mail"}, "smtp://"),
        ({"DTMATURITY_SMTP_URL": "smtp://mail:x"}, "port"),
        ({"DTMATURITY_SMTP_URL": "smtp://mail?starttls=maybe"}, "starttls"),
        ({"DTMATURITY_SMTP_URL": "smtp://mail?tls=1"}, "unknown option"),
        ({"DTMATURITY_SMTP_URL": "smtp://:pw@"}, "host"),
        (
            {"DTMATURITY_SMTP_URL": "smtp://mail", "DTMATURITY_MAIL_FROM": ""},
            "DTMATURITY_MAIL_FROM",
        ),
        ({"DTMATURITY_SMTP_URL": "smtp://mail", "DTMATURITY_BASE_URL": ""}, "DTMATURITY_BASE_URL"),
        ({"DTMATURITY_SMTP_URL": "smtp://mail", "DTMATURITY_BASE_URL": "dt.etat"}, "http"),
    ],
)
def test_wrong_mail_settings_name_the_setting(env, named):
    with pytest.raises(MailConfigError) as caught:
        mailconfig.parse({**ENV, **env})
    assert named in str(caught.value)


def test_a_password_never_shows_in_a_settings_error():
    with pytest.raises(MailConfigError) as caught:
        mailconfig.parse({**ENV, "DTMATURITY_SMTP_URL": "smtp://u:hunter2@mail:x"})
    assert "hunter2" not in str(caught.value)


def test_the_deep_link_opens_the_checkin_for_unit_quarter_and_language():
    link = mailconfig.checkin_link("https://dt.etat.example/", "demo-bruker-01", "2026-Q4", "en")
    assert link == "https://dt.etat.example/checkin?unit=demo-bruker-01&period=2026-Q4&lang=en"
    assert "%20" in mailconfig.checkin_link("http://x", "a b&c", "2026-Q4", "nb")
