"""Rounds as every role (in the style of test_access.py): admins run rounds anywhere,
coordinators only for their subtree; leaders and managers not at all. Each rule has a test that
fails when it is taken out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dbhelpers import once_allowed_once_refused

from dtmaturity.domain import clock
from dtmaturity.domain.access import EVERY_UNIT, AccessDenied, Grant
from dtmaturity.domain.periods import Period
from dtmaturity.services import release_rule, reminders, roundaccess, roundprogress, rounds
from dtmaturity.services.context import Actor, Context

CURRENT = str(Period.current())
DEADLINE = clock.today() + timedelta(days=10)
OWN = "demo-teknologi"  # the coordinator's subtree
OWN_CHILD = "demo-teknologi-02"
ELSEWHERE = "demo-bruker-01"

PEOPLE = {
    "leader": (Grant("leader", ELSEWHERE),),
    "manager": (Grant("manager", "demo-bruker"),),
    "coordinator": (Grant("coordinator", OWN),),
    "admin": (Grant("admin", EVERY_UNIT),),
    "nobody": (),
}


def as_role(ctx: Context, role: str) -> Context:
    actor = Actor(f"{role}@etat.example", role, PEOPLE[role], local_mode=False)
    return Context(actor=actor, store=ctx.store, framework=ctx.framework, lang="en")


def outcome(call) -> str:
    try:
        call()
    except AccessDenied:
        return "denied"
    return "allowed"


def open_elsewhere(ctx: Context) -> None:
    """A round outside the coordinator's subtree, opened by the operator."""
    rounds.open_round(ctx, ELSEWHERE, CURRENT, DEADLINE)


# (what, setup by the operator, call as the role, roles allowed)
CASES = [
    ("open a round in own subtree", None, lambda c: rounds.open_round(c, OWN, CURRENT, DEADLINE), {"coordinator", "admin"}),
    ("open a round below in own subtree", None, lambda c: rounds.open_round(c, OWN_CHILD, CURRENT, DEADLINE), {"coordinator", "admin"}),
    ("open a round elsewhere", None, lambda c: rounds.open_round(c, ELSEWHERE, CURRENT, DEADLINE), {"admin"}),
    ("open a round for everything", None, lambda c: rounds.open_round(c, "demo", CURRENT, DEADLINE), {"admin"}),
    ("close a round elsewhere", open_elsewhere, lambda c: rounds.close_round(c, CURRENT, ELSEWHERE), {"admin"}),
    ("list the rounds", None, lambda c: roundaccess.visible(c), {"coordinator", "admin"}),
    ("follow a round elsewhere", open_elsewhere, lambda c: roundprogress.progress(c, release_rule.covering(c, ELSEWHERE, CURRENT)), {"admin"}),
    ("preview a round elsewhere", open_elsewhere, lambda c: reminders.preview(c, release_rule.covering(c, ELSEWHERE, CURRENT), "nb"), {"admin"}),
    ("send what is due", None, lambda c: reminders.run(c, dry_run=True), {"coordinator", "admin"}),
    ("the e-mail log", None, lambda c: reminders.log(c), {"coordinator", "admin"}),
    ("allow late check-ins", None, lambda c: release_rule.set_allow_late(c, True), {"admin"}),
]  # fmt: skip


@pytest.mark.postgresql_when(where=once_allowed_once_refused(PEOPLE))
@pytest.mark.parametrize("role", list(PEOPLE))
@pytest.mark.parametrize(("what", "setup", "call", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_each_role_may_run_exactly_the_rounds_it_is_given(
    demo_ctx, role, what, setup, call, allowed
):
    if setup:
        setup(demo_ctx)
    expected = "allowed" if role in allowed else "denied"
    assert outcome(lambda: call(as_role(demo_ctx, role))) == expected, what


def test_a_coordinator_sees_and_sends_only_for_their_subtree(demo_ctx, monkeypatch):
    monkeypatch.delenv("DTMATURITY_SMTP_URL", raising=False)
    open_elsewhere(demo_ctx)
    coordinator = as_role(demo_ctx, "coordinator")
    rounds.open_round(coordinator, OWN, CURRENT, DEADLINE)
    assert [r.unit_id for r in roundaccess.visible(coordinator)] == [OWN]
    due = reminders.plan(coordinator)
    own_units = set(release_rule.subtree_units(demo_ctx, OWN))
    assert due and {p.unit_id for p in due} <= own_units
    with pytest.raises(AccessDenied):
        rounds.close_round(coordinator, CURRENT, ELSEWHERE)
    # the operator's view has both
    assert {r.unit_id for r in roundaccess.visible(demo_ctx)} == {OWN, ELSEWHERE}


def test_the_units_offered_for_a_round_are_the_coordinators_subtree(demo_ctx):
    offered = {u.unit_id for u in roundaccess.unit_choices(as_role(demo_ctx, "coordinator"))}
    assert offered == set(release_rule.subtree_units(demo_ctx, OWN))
    assert roundaccess.unit_choices(as_role(demo_ctx, "manager")) == []


@pytest.mark.parametrize("rule", ["may_run_round", "may_coordinate_anything", "is_admin"])
def test_removing_a_rule_makes_the_rounds_matrix_fail(demo_ctx, monkeypatch, rule):
    from dtmaturity.domain import access

    monkeypatch.setattr(access, rule, lambda *args, **kwargs: True)
    wrong = []
    for role in PEOPLE:
        for what, _setup, call, allowed in CASES:
            expected = "allowed" if role in allowed else "denied"
            try:
                got = outcome(lambda call=call, role=role: call(as_role(demo_ctx, role)))
            except Exception:  # noqa: BLE001 - a permissive rule may break a later step
                got = "allowed"
            if got != expected:
                wrong.append((role, what))
    assert wrong, f"no case notices that {rule} was removed"
