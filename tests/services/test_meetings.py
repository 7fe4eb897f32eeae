"""The leader group's meeting: opened for a released quarter by those who may see the unit's
figures, the model's lenses in order, notes and actions recorded and audited, a summary whose
PDF holds them, next quarter's follow-up, privacy as on the unit page, My data and erasure."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from orgbuilder import PERIOD, PREVIOUS, TEST_AUDIT, add_checkins, add_units
from pypdf import PdfReader

from dtmaturity.domain import formats, guidance, privacy
from dtmaturity.domain.access import EVERY_UNIT, AccessDenied, Grant
from dtmaturity.domain.i18n import t
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import actions, analytics, audit, meetings, meetingsummary, personaldata
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import queries

NEXT = str(Period.parse(PERIOD).shift(1))
YEAR_AGO = str(Period.parse(PERIOD).same_quarter_last_year())
LEADERS = [f"leder{i}@etat.example" for i in range(4)]
ME = LEADERS[0]


def acting(ctx: Context, user: str, *grants: Grant) -> Context:
    return Context(
        Actor(user, user, tuple(grants), local_mode=False), ctx.store, ctx.framework, ctx.lang
    )


@pytest.fixture
def org(ctx: Context) -> Context:
    """`org` with `grp` below it (four leaders, four quarters, role picks), and `lite` beside
    it (two leaders: too few to show). Returns a manager of both who leads `grp`."""
    add_units(ctx, [("org", None), ("grp", "org"), ("lite", None)])
    for period, score in ((YEAR_AGO, 2), (PREVIOUS, 2), (PERIOD, 3), (NEXT, 4)):
        add_checkins(
            ctx, "grp", 4, score=score, period=period, respondents=LEADERS,
            roles=(("most", "visionary"), ("want", "coach")),
        )  # fmt: skip
        add_checkins(ctx, "lite", 2, score=score, period=period)
    # One leader answers 5 on "user" in PERIOD: the widest spread.
    answers = [
        (item.id, 5 if item.id == "user" else 3, item.scale.max, None)
        for item in ctx.framework.items
    ]
    ctx.store.write(
        lambda cur: queries.save_checkin(
            cur, ("grp", PERIOD, LEADERS[3]), framework_version=ctx.framework.version_key,
            answers=answers, roles=[("most", "visionary")], reflections=[],
        ),
        audit=TEST_AUDIT,
    )  # fmt: skip
    return acting(
        ctx, ME, Grant("manager", "org"), Grant("manager", "lite"), Grant("leader", "grp")
    )


def audit_actions(ctx: Context) -> list[str]:
    log = audit.audit_log(acting(ctx, "admin", Grant("admin", EVERY_UNIT)))
    return log["action"].tolist()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_a_meeting_opens_only_for_a_released_quarter(org):
    running = str(Period.current())
    with pytest.raises(meetings.MeetingRefused) as refused:
        meetings.open(org, "grp", running)
    assert refused.value.key == "meeting_not_released"
    assert running in refused.value.message("en")
    admin = acting(org, "admin", Grant("admin", EVERY_UNIT))
    for unit, period in (("nowhere", PERIOD), ("grp", "2026-Q9"), ("grp", "later")):
        with pytest.raises(meetings.MeetingRefused) as refused:
            meetings.open(admin, unit, period)
        assert refused.value.message("en").count(unit if unit == "nowhere" else period) == 1
    assert "meeting.open" not in audit_actions(org)


def test_only_people_who_may_see_the_units_figures_open_its_meeting(org):
    other = acting(org, "annen@etat.example", Grant("manager", "lite"))
    with pytest.raises(AccessDenied):
        meetings.open(other, "grp", PERIOD)
    meeting = meetings.open(org, "grp", PERIOD)
    with pytest.raises(AccessDenied):
        meetings.step(other, meeting, "wheel")
    assert audit_actions(org).count("meeting.open") == 1
    assert meetings.open(org, "grp", PERIOD) == meeting  # resumed, not a second one


def test_the_steps_follow_the_model_and_show_figures_changes_spread_targets_and_questions(org):
    meeting = meetings.open(org, "grp", PERIOD)
    assert meetings.STEPS == ("review", "wheel", "competencies", "roles", "close")
    wheel = meetings.step(org, meeting, "wheel")
    assert wheel.figures["item_id"].tolist() == [t.id for t in org.framework.themes]
    user = wheel.figures.set_index("item_id").loc["user"]
    assert user["mean"] == pytest.approx((3 * 3 + 5) / 4)
    assert user["change_quarter"] == pytest.approx(user["mean"] - 2)
    assert user["change_year"] == pytest.approx(user["mean"] - 2)
    assert wheel.spread["item_id"].iat[0] == "user"  # the one item the leaders disagree on
    assert wheel.spread["spread"].iat[0] > 0 and wheel.spread["spread"].iat[1] == 0
    assert wheel.questions == [q.text["en"] for q in org.framework.questions_for("wheel")]
    competencies = meetings.step(org, meeting, "competencies")
    assert competencies.figures["item_id"].tolist() == [c.id for c in org.framework.competencies]
    roles = meetings.step(org, meeting, "roles")
    balance = roles.roles.set_index("role_id")
    assert balance.loc["visionary", "most"] == 4 and balance.loc["visionary", "status"] == "many"
    assert roles.questions == [q.text["en"] for q in org.framework.questions_for("roles")]


def test_a_group_too_small_shows_why_and_the_meeting_still_has_its_questions(org):
    meeting = meetings.open(org, "lite", PERIOD)
    wheel = meetings.step(org, meeting, "wheel")
    assert wheel.hidden_reason == privacy.FEW
    assert wheel.figures["mean"].isna().all() and wheel.spread.empty
    assert wheel.questions
    roles = meetings.step(org, meeting, "roles")
    assert roles.hidden_reason == privacy.FEW and roles.roles.empty and roles.questions


def test_a_note_and_an_action_are_recorded_in_the_units_actions_and_audited(org):
    meeting = meetings.open(org, "grp", PERIOD)
    meetings.save_note(org, meeting, "wheel", "Vi er gode på brukerinnsikt, f.eks. NAV-saken")
    result = meetings.add_action(
        org, meeting, "wheel", description="Brukertest hver måned", owner=ME,
        due_period=NEXT, items=["user"],
    )  # fmt: skip
    assert result.ok
    assert [a.description for a in actions.for_unit(org, "grp")] == ["Brukertest hver måned"]
    wheel = meetings.step(org, meeting, "wheel")
    assert wheel.notes == ["Vi er gode på brukerinnsikt, f.eks. NAV-saken"]
    assert [a.action_id for a in wheel.agreed] == [result.action_id]
    assert [a.action_id for a in wheel.actions] == [result.action_id]  # due on its item
    assert {"meeting.note", "action.create"} <= set(audit_actions(org))
    admin = acting(org, "admin", Grant("admin", EVERY_UNIT))
    created = audit.audit_log(admin).query("action == 'action.create'")
    details = json.loads(created["details"].iat[0])
    assert details["meeting_id"] == meeting.meeting_id and details["step"] == "wheel"
    with pytest.raises(meetings.MeetingRefused):
        meetings.save_note(org, meeting, "wheel", "   ")
    bad = meetings.add_action(
        org, meeting, "wheel", description="", owner=ME, due_period="later", items=[]
    )
    assert not bad.ok and len(actions.for_unit(org, "grp")) == 1


def test_closing_keeps_a_summary_whose_pdf_holds_the_figures_notes_and_actions(org):
    meeting = meetings.open(org, "grp", PERIOD)
    meetings.save_note(org, meeting, "competencies", "Enige: vi må dele mer – «åpent»")
    meetings.add_action(
        org, meeting, "competencies", description="Lunsj-og-lær om data", owner=ME,
        due_period=NEXT, items=[org.framework.competencies[0].id],
    )  # fmt: skip
    meetingsummary.close(org, meeting)
    assert "meeting.close" in audit_actions(org)
    with org.store.reader() as cur:  # what is kept: figures only, never a note or a name
        kept = cur.execute("SELECT summary FROM meeting").fetchone()[0]
    assert formats.mean((3 * 3 + 5) / 4, "nb") in kept
    assert "Enige" not in kept and "Lunsj" not in kept and "@" not in kept
    with pytest.raises(meetings.MeetingRefused):
        meetings.save_note(org, meeting, "close", "for sent")
    user_mean = formats.mean((3 * 3 + 5) / 4, "nb")
    pdf = meetingsummary.summary_file(org, meeting.meeting_id, "pdf", "nb")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # one page for the meeting's record
    text = pdf_text(pdf)
    assert "Ledermøte: GRP" in text
    assert user_mean in text
    assert "Enige: vi må dele mer – «åpent»" in text
    assert "Lunsj-og-lær om data" in text and ME in text
    for lang in ("nn", "en"):
        html = meetingsummary.summary_file(org, meeting.meeting_id, "html", lang).decode()
        assert "Lunsj-og-lær om data" in html and f'lang="{lang}"' in html
    assert meetings.for_unit(org, "grp")["meeting_id"].tolist() == [meeting.meeting_id]


def test_next_quarters_meeting_shows_what_became_of_the_last_ones_actions(org):
    meeting = meetings.open(org, "grp", PERIOD)
    made = meetings.add_action(
        org, meeting, "wheel", description="Brukertest", owner=ME, due_period=NEXT,
        items=["user"],
    )  # fmt: skip
    meetings.save_note(org, meeting, "wheel", "Brukerne først")
    meetingsummary.close(org, meeting)
    assert actions.set_statuses(org, "grp", {made.action_id: "done"}, period=NEXT).ok
    following = meetings.open(org, "grp", NEXT)
    review = meetings.follow_up(org, following)
    assert review is not None and review.period == PERIOD
    assert [(a.description, a.status) for a in review.actions] == [("Brukertest", "done")]
    assert review.notes == [("wheel", "Brukerne først")]
    moved = review.moved.set_index("item").loc[org.framework.item_name("user", "en")]
    assert moved["change"] == pytest.approx(4 - (3 * 3 + 5) / 4)
    assert meetings.follow_up(org, meeting) is None  # nothing before the first


def test_the_meetings_figures_and_summary_equal_the_unit_pages_for_the_same_viewer(org):
    """Hidden cells alike (too few, and hidden to protect a smaller group): the meeting asks
    the unit page's services, for the same viewer."""
    # `top` has `big` (4 leaders) and `small` (2) below it: small is too few, and one of top
    # and big is hidden too, or top minus big would give small away.
    add_units(org, [("top", None), ("big", "top"), ("small", "top")])
    add_checkins(org, "big", 4, score=4, period=PERIOD)
    add_checkins(org, "small", 2, score=1, period=PERIOD)
    viewer = acting(org, ME, Grant("manager", "top"), Grant("manager", "lite"))
    reasons = set()
    for unit in ("top", "big", "small", "lite"):
        meeting = meetings.open(viewer, unit, PERIOD)
        for lens, kind in (("wheel", "theme"), ("competencies", "competency")):
            page = analytics.item_trend(viewer, unit, kind)
            page = page[page["period"] == PERIOD].set_index("item_id")
            shown = meetings.step(viewer, meeting, lens).figures.set_index("item_id")
            assert shown["hidden"].to_dict() == page["hidden"].to_dict()
            assert shown["reason"].dropna().to_dict() == page["reason"].dropna().to_dict()
            assert shown["mean"].dropna().to_dict() == page["mean"].dropna().to_dict()
            reasons |= set(page["reason"].dropna())
        meetingsummary.close(viewer, meeting)
        text = pdf_text(meetingsummary.summary_file(viewer, meeting.meeting_id, "pdf", "en"))
        if page["hidden"].all():  # hidden in the summary as on the page, and said why
            assert t("en", privacy.reason_key(page["reason"].iat[0])) in text
            assert formats.mean(3, "en") not in text and formats.mean(1, "en") not in text
        else:
            assert formats.mean(page["mean"].dropna().iat[0], "en") in text
    assert reasons == {privacy.FEW, privacy.PROTECT}  # both kinds of hidden cell were met


def test_my_data_holds_the_meeting_notes_and_erasure_removes_every_trace(org):
    meeting = meetings.open(org, "grp", PERIOD)
    meetings.save_note(org, meeting, "wheel", "Kari ga eksempelet")
    meetings.add_action(
        org, meeting, "wheel", description="Tiltak", owner=ME, due_period=NEXT, items=["user"]
    )
    meetingsummary.close(org, meeting)
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(org)))
    data = json.loads(bundle.read("data.json"))["tables"]
    assert [n["note"] for n in data["meeting_note"]] == ["Kari ga eksempelet"]
    assert [m["meeting_id"] for m in data["meeting"]] == [meeting.meeting_id]
    admin = acting(org, "admin", Grant("admin", EVERY_UNIT))
    counts = personaldata.erase_person(admin, ME)
    assert counts["meeting_notes_deleted"] == 1 and counts["meetings_anonymised"] == 1
    with org.store.reader() as cur:
        for table, column in (("meeting", "summary"), ("meeting", "opened_by")):
            rows = cur.execute(f"SELECT {column} FROM {table}").fetchall()  # noqa: S608
            assert not [r for r in rows if r[0] and ME in r[0]]
        assert cur.execute("SELECT count(*) FROM meeting_note").fetchone()[0] == 0
    # The summary reads the notes as they are now: the erased one is gone from it.
    again = pdf_text(meetingsummary.summary_file(admin, meeting.meeting_id, "pdf", "en"))
    assert "Kari ga eksempelet" not in again and "Tiltak" in again


def test_ideas_for_the_next_step_come_where_an_item_is_low_or_has_fallen_and_never_when_hidden(
    org,
):
    add_units(org, [("lav", None)])
    add_checkins(org, "lav", 3, score=4, period=PREVIOUS)
    add_checkins(org, "lav", 3, score=2, period=PERIOD)
    manager = acting(org, ME, Grant("manager", "lav"), Grant("manager", "lite"))
    wheel = meetings.step(manager, meetings.open(manager, "lav", PERIOD), "wheel")
    themes = org.framework.themes
    assert [i.item_id for i in wheel.ideas] == [t.id for t in themes]
    user = wheel.ideas[0]
    assert user.why == [guidance.LOW, guidance.FALLEN]
    assert user.resources == [(r.title["en"], r.url) for r in themes[0].resources]
    assert user.examples == [themes[0].ideas[0]["en"]]
    # grp's figures are neither low nor fallen; lite's are hidden: no ideas to give them away.
    assert meetings.step(org, meetings.open(org, "grp", PERIOD), "wheel").ideas == []
    assert meetings.step(manager, meetings.open(manager, "lite", PERIOD), "wheel").ideas == []


def test_an_action_and_its_link_to_the_meeting_are_one_transaction(org):
    def fails(cur, action_id):
        raise RuntimeError("the link could not be written")

    draft = ActionDraft("grp", ["user"], "Halvveis", ME, NEXT)
    with pytest.raises(Exception, match="the link could not be written"):
        actions.create(org, draft, then=fails)
    assert actions.for_unit(org, "grp") == []


def test_a_summary_shows_each_viewer_what_the_privacy_rule_lets_them_see(org):
    """A lone leader sees the figure made only of their own answers; their manager does not,
    in the summary the leader kept as on the unit page."""
    add_units(org, [("solo", None)])
    add_checkins(org, "solo", 1, score=1, period=PERIOD, respondents=[ME])
    leader = acting(org, ME, Grant("leader", "solo"))
    manager = acting(org, "sjef@etat.example", Grant("manager", "solo"))
    meeting = meetings.open(leader, "solo", PERIOD)
    assert meetings.step(leader, meeting, "wheel").figures["mean"].tolist()[0] == 1
    meetingsummary.close(leader, meeting)
    own = formats.mean(1, "en")
    assert own in pdf_text(meetingsummary.summary_file(leader, meeting.meeting_id, "pdf", "en"))
    theirs = pdf_text(meetingsummary.summary_file(manager, meeting.meeting_id, "pdf", "en"))
    assert own not in theirs and t("en", privacy.reason_key(privacy.FEW)) in theirs
