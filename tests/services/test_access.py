"""Every service as every role: what each role may do, and the refusals (AccessDenied) for the
rest, including units outside the person's subtree. Each rule has a test that fails when the
rule is taken out of access.py or of the service that enforces it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from dbhelpers import once_allowed_once_refused

from dtmaturity.domain.access import EVERY_UNIT, AccessDenied, Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import (
    actions,
    analytics,
    audit,
    checkins,
    demo,
    exports,
    imports,
    meetings,
    people,
    periodlocks,
    personaldata,
    releases,
    report,
)
from dtmaturity.services.context import Actor, Context

CURRENT = str(Period.current())
PREVIOUS = str(Period.current().previous())
LEADER_UNIT = "demo-bruker-01"  # below the division demo-bruker
OTHER_UNIT = "demo-teknologi-02"  # in another division

PEOPLE = {
    "leader": (Grant("leader", LEADER_UNIT),),
    "manager": (Grant("manager", "demo-bruker"),),
    "coordinator": (Grant("coordinator", "demo-teknologi"),),
    "admin": (Grant("admin", EVERY_UNIT),),
    "nobody": (),
}


def as_role(ctx: Context, role: str) -> Context:
    actor = Actor(f"{role}@etat.example", role, PEOPLE[role], local_mode=False)
    return Context(actor=actor, store=ctx.store, framework=ctx.framework, lang="en")


def full_checkin(ctx: Context, unit_id: str, period: str = CURRENT) -> CheckIn:
    return CheckIn(unit_id, period, "ignored", scores={i.id: 3 for i in ctx.framework.items})


def answers_file(tmp_path: Path, unit_id: str) -> Path:
    path = tmp_path / f"{unit_id}.csv"
    path.write_text(
        f"unit_id,period,respondent,item_id,score\n{unit_id},{PREVIOUS},ny@etat.example,user,4\n",
        encoding="utf-8",
    )
    return path


def outcome(call) -> str:
    try:
        call()
    except AccessDenied:
        return "denied"
    return "allowed"


# (what, call, roles allowed). Each call gets the context of the role under test.
CASES = [
    ("check in for the led unit", lambda c, p: checkins.load_form(c, LEADER_UNIT, CURRENT), {"leader", "admin"}),
    ("check in for another unit", lambda c, p: checkins.save(c, full_checkin(c, OTHER_UNIT)), {"admin"}),
    ("dashboard of the led unit", lambda c, p: analytics.item_trend(c, LEADER_UNIT, "theme"), {"leader", "manager", "admin"}),
    ("dashboard of the division", lambda c, p: analytics.item_trend(c, "demo-bruker", "theme"), {"manager", "admin"}),
    ("dashboard outside the subtree", lambda c, p: analytics.item_trend(c, OTHER_UNIT, "theme"), {"admin"}),
    ("reflections of the led unit", lambda c, p: analytics.reflections(c, LEADER_UNIT), {"leader", "manager", "admin"}),
    ("overview of the division", lambda c, p: analytics.heatmap(c, "demo-bruker", PREVIOUS, "theme"), {"manager", "admin"}),
    ("overview of the agency", lambda c, p: analytics.heatmap(c, "demo", PREVIOUS, "theme"), {"admin"}),
    ("import answers in own subtree", lambda c, p: imports.run(c, answers_file(p, OTHER_UNIT), dry_run=True), {"coordinator", "admin"}),
    ("the import log", lambda c, p: imports.log(c), {"coordinator", "admin"}),
    ("the people registry", lambda c, p: people.registry(c), {"coordinator", "admin"}),
    ("grant a leader role in own subtree", lambda c, p: people.assign(c, "ny@etat.example", "leader", OTHER_UNIT), {"coordinator", "admin"}),
    ("grant a leader role elsewhere", lambda c, p: people.assign(c, "ny@etat.example", "leader", LEADER_UNIT), {"admin"}),
    ("grant the admin role", lambda c, p: people.assign(c, "ny@etat.example", "admin", EVERY_UNIT), {"admin"}),
    ("grant the admin role in own subtree", lambda c, p: people.assign(c, "ny@etat.example", "admin", OTHER_UNIT), {"admin"}),
    ("lock a quarter", lambda c, p: periodlocks.set_lock(c, PREVIOUS, True), {"admin"}),
    ("read the audit log", lambda c, p: audit.audit_log(c), {"admin"}),
    ("download another person's data", lambda c, p: personaldata.export_person(c, "someone@etat.example"), {"admin"}),
    ("download one's own data", lambda c, p: personaldata.export_person(c), {"leader", "manager", "coordinator", "admin", "nobody"}),
    ("erase a person", lambda c, p: personaldata.erase_person(c, "someone@etat.example"), {"admin"}),
    ("purge old check-ins (dry run)", lambda c, p: personaldata.purge(c, 4, dry_run=True), {"admin"}),
    ("create the demo", lambda c, p: demo.create(c), {"admin"}),
    ("export every answer", lambda c, p: exports.export_answers(c, p / "all.csv"), {"admin"}),
    ("plan an action for the led unit", lambda c, p: actions.create(c, ActionDraft(LEADER_UNIT, ["user"], "Tiltak", c.actor.user_id, CURRENT)), {"leader", "manager", "admin"}),
    ("the led unit's report", lambda c, p: report.build(c, LEADER_UNIT, PREVIOUS), {"leader", "manager", "admin"}),
    ("open the led unit's meeting", lambda c, p: meetings.open(c, LEADER_UNIT, PREVIOUS), {"leader", "manager", "admin"}),
    ("open the division's meeting", lambda c, p: meetings.open(c, "demo-bruker", PREVIOUS), {"manager", "admin"}),
]  # fmt: skip


@pytest.mark.postgresql_when(where=once_allowed_once_refused(PEOPLE))
@pytest.mark.parametrize("role", list(PEOPLE))
@pytest.mark.parametrize(("what", "call", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_each_role_may_do_exactly_what_it_is_given(demo_ctx, tmp_path, role, what, call, allowed):
    expected = "allowed" if role in allowed else "denied"
    assert outcome(lambda: call(as_role(demo_ctx, role), tmp_path)) == expected, what


def test_a_coordinator_import_rejects_rows_outside_the_subtree(demo_ctx, tmp_path):
    ctx = as_role(demo_ctx, "coordinator")
    result = imports.run(ctx, answers_file(tmp_path, LEADER_UNIT))
    assert [p.key for p in result.problems] == ["import_unit_not_allowed"]
    assert not result.written


def test_a_coordinator_undoes_only_own_imports(demo_ctx, tmp_path):
    admin = as_role(demo_ctx, "admin")
    done = imports.run(admin, answers_file(tmp_path, OTHER_UNIT))
    with pytest.raises(AccessDenied):
        imports.undo(as_role(demo_ctx, "coordinator"), done.import_id)
    # PREVIOUS was released: the row was held, and undoing the import drops it.
    assert done.held == 1
    imports.undo(admin, done.import_id)
    assert releases.pending(admin) == []


def test_a_locked_quarter_refuses_new_and_changed_checkins(demo_ctx, tmp_path):
    admin, leader = as_role(demo_ctx, "admin"), as_role(demo_ctx, "leader")
    assert checkins.save(leader, full_checkin(leader, LEADER_UNIT, PREVIOUS)).ok
    periodlocks.set_lock(admin, PREVIOUS, True)
    result = checkins.save(leader, full_checkin(leader, LEADER_UNIT, PREVIOUS))
    assert [(e.field, e.key) for e in result.errors] == [("period", "error_period_locked")]
    rejected = imports.run(admin, answers_file(tmp_path, LEADER_UNIT))
    assert [p.key for p in rejected.problems] == ["import_period_locked"]
    periodlocks.set_lock(admin, PREVIOUS, False)
    assert checkins.save(leader, full_checkin(leader, LEADER_UNIT, PREVIOUS)).ok


def test_signed_in_people_are_matched_by_email_or_sub(demo_ctx):
    admin = as_role(demo_ctx, "admin")
    people.assign(admin, "kari@etat.example", "leader", LEADER_UNIT, email="kari@etat.example")
    people.assign(admin, "abc-123", "manager", "demo-bruker", sub="abc-123")
    by_email = people.actor_for(demo_ctx.store, email="Kari@Etat.example", sub=None, name="Kari")
    assert by_email.user_id == "kari@etat.example"
    assert by_email.grants == (Grant("leader", LEADER_UNIT),)
    by_sub = people.actor_for(demo_ctx.store, email=None, sub="abc-123", name=None)
    assert by_sub.grants == (Grant("manager", "demo-bruker"),)
    assert people.actor_for(demo_ctx.store, email="x@y.example", sub="zzz", name=None) is None
    first_admin = people.actor_for(
        demo_ctx.store,
        email="boss@etat.example",
        sub=None,
        name=None,
        admins=frozenset({"boss@etat.example"}),
    )
    assert first_admin.grants == (Grant("admin", EVERY_UNIT),)


def test_every_write_is_in_the_audit_log_with_who_and_what(demo_ctx, tmp_path):
    admin, leader = as_role(demo_ctx, "admin"), as_role(demo_ctx, "leader")
    checkins.save(leader, full_checkin(leader, LEADER_UNIT))
    done = imports.run(admin, answers_file(tmp_path, OTHER_UNIT))
    imports.undo(admin, done.import_id)
    people.assign(admin, "ny@etat.example", "leader", OTHER_UNIT)
    periodlocks.set_lock(admin, PREVIOUS, True)
    personaldata.erase_person(admin, "ny@etat.example")
    log = audit.audit_log(admin)
    rows = list(zip(log["actor"], log["action"], strict=True))[:6]
    assert rows == [
        ("admin@etat.example", "person.erase"),
        ("admin@etat.example", "period.lock"),
        ("admin@etat.example", "role.grant"),
        ("admin@etat.example", "import.undo"),
        ("admin@etat.example", "import.run"),
        ("leader@etat.example", "checkin.save"),
    ]
    erasure = log.iloc[0]
    assert "ny@etat.example" not in str(erasure["target"]) + str(erasure["details"])
    assert pd.isna(erasure["target"])  # nothing derived from the id either (a hash re-links)


def test_export_bundle_holds_everything_about_the_person(demo_ctx):
    import io
    import json
    import zipfile

    leader = as_role(demo_ctx, "leader")
    checkin = full_checkin(leader, LEADER_UNIT)
    checkin.comments = {"user": "Min kommentar – «æøå»"}
    checkin.reflections = {"wheel_strongest": "Min refleksjon"}
    checkin.roles = {"most": ["visionary"]}
    checkins.save(leader, checkin)
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(leader)))
    data = json.loads(bundle.read("data.json"))
    tables = data["tables"]
    assert {r["comment"] for r in tables["answer"]} >= {"Min kommentar – «æøå»"}
    assert [r["answer"] for r in tables["reflection"]] == ["Min refleksjon"]
    assert [r["role_id"] for r in tables["role_pick"]] == ["visionary"]
    assert "answer.csv" in bundle.namelist()


def test_erasure_deletes_free_text_and_identity_but_keeps_aggregates(demo_ctx):
    admin = as_role(demo_ctx, "admin")
    victim = "kari.nordmann@fjordetaten.example"
    with demo_ctx.store.reader() as cur:
        cur.execute(
            "UPDATE reflection SET respondent = ? "
            "WHERE (unit_id, period, respondent, question_id) IN (SELECT unit_id, period, "
            "respondent, question_id FROM reflection ORDER BY 1, 2, 3, 4 LIMIT 1)",
            [victim],
        )
        before_answers = cur.execute(
            "SELECT count(*), sum(score) FROM answer WHERE respondent = ?", [victim]
        ).fetchone()
    trend_before = analytics.item_trend(admin, "demo", "theme")
    counts = personaldata.erase_person(admin, victim)
    with demo_ctx.store.reader() as cur:
        for table in ("answer", "reflection", "role_pick", "checkin"):
            sql = f"SELECT count(*) FROM {table} WHERE respondent = ?"  # noqa: S608
            assert cur.execute(sql, [victim]).fetchone()[0] == 0, table
        anonymised = cur.execute(
            "SELECT count(*), sum(score), count(comment) FROM answer WHERE respondent LIKE 'erased-%'"
        ).fetchone()
    assert counts["answers_anonymised"] == before_answers[0]
    assert anonymised[:2] == before_answers and anonymised[2] == 0
    trend_after = analytics.item_trend(admin, "demo", "theme")
    assert trend_after["mean"].tolist() == pytest.approx(trend_before["mean"].tolist())


def test_retention_purge_with_dry_run(demo_ctx):
    admin = as_role(demo_ctx, "admin")
    periods = analytics.latest_periods(admin, "demo")
    dry = personaldata.purge(admin, 4, dry_run=True)
    assert dry["checkin"] > 0
    assert analytics.latest_periods(admin, "demo") == periods
    done = personaldata.purge(admin, 4, dry_run=False)
    assert done["checkin"] == dry["checkin"]
    assert min(analytics.latest_periods(admin, "demo")) >= done["before"]


def test_cli_people_import_purge_audit_and_erase(demo_db, tmp_path, capsys):
    from dtmaturity.cli import main

    good = tmp_path / "people.csv"
    good.write_text(
        "e-post;navn;rolle;enhet\nkari@etat.example;Kari Nordmann;leder;demo-bruker-01\n"
        "ola@etat.example;Ola;manager;demo-bruker\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("email,role,unit_id\nnot-an-email,boss,nowhere\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["people", "import", str(bad)]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors[0].startswith("bad.csv, row 2, column “email”, value “not-an-email”")
    assert any("column “role”, value “boss”" in line for line in errors)
    assert main(["people", "import", str(good)]) == 0
    assert "2 new role assignments from 2 rows" in capsys.readouterr().out
    assert main(["purge", "--keep-quarters", "4", "--dry-run"]) == 0
    assert "would delete before" in capsys.readouterr().out
    assert main(["people", "erase", "kari@etat.example"]) == 2  # needs --yes
    assert main(["people", "erase", "kari@etat.example", "--yes"]) == 0
    capsys.readouterr()
    assert main(["audit"]) == 0
    log = capsys.readouterr().out
    assert "people.import" in log and "person.erase" in log and "cli:" in log
    assert "kari@etat.example" not in log.split("person.erase")[1].splitlines()[0]


@pytest.mark.parametrize(
    "rule",
    [
        "may_view_dashboard",
        "may_view_overview",
        "may_check_in",
        "may_coordinate",
        "may_coordinate_anything",
        "may_grant",
        "is_admin",
    ],
)
@pytest.mark.duckdb_only(
    "the rules are pure functions of the grants, asked before any SQL; the matrix above runs "
    "on both databases"
)
def test_removing_any_rule_makes_the_role_matrix_fail(demo_ctx, tmp_path, monkeypatch, rule):
    """The matrix above cannot pass by accident: with one rule replaced by 'always allowed',
    some role gets what it should not (the first such case is enough)."""
    from dtmaturity.domain import access

    monkeypatch.setattr(access, rule, lambda *args, **kwargs: True)
    assert any(
        matrix_disagrees(demo_ctx, tmp_path, role, call, allowed)
        for role in PEOPLE
        for _, call, allowed in CASES
    ), f"no case notices that {rule} was removed"


def matrix_disagrees(ctx: Context, tmp_path: Path, role: str, call, allowed: set[str]) -> bool:
    expected = "allowed" if role in allowed else "denied"
    try:
        got = outcome(lambda: call(as_role(ctx, role), tmp_path))
    except Exception:  # noqa: BLE001 - a permissive rule may break a later step
        got = "allowed"
    return got != expected
