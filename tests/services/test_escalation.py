"""A coordinator attacking through their own files: taking a unit outside their subtree by
re-parenting it, taking an account through a people CSV, or signing in as someone else by an
unverified e-mail. Each attempt is refused and leaves the database as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from dtmaturity.domain.access import EVERY_UNIT, AccessDenied, Grant
from dtmaturity.services import analytics, imports, people, peopleimport, units
from dtmaturity.services.context import Actor, Context

COORDINATOR = "koord@etat.example"
COORDINATED = "demo-teknologi"  # the coordinator's subtree: demo-teknologi and its units
OUTSIDE = "demo-bruker-01"  # a unit in another division
ADMIN = "sjef.admin@etat.example"


def acting(ctx: Context, user: str, *grants: Grant) -> Context:
    return Context(Actor(user, user, tuple(grants), local_mode=False), ctx.store, ctx.framework)


@pytest.fixture
def org(demo_ctx: Context) -> Context:
    """The demo organisation with a coordinator of one division and a registered admin."""
    admin = acting(demo_ctx, "setup", Grant("admin", EVERY_UNIT))
    people.assign(admin, COORDINATOR, "coordinator", COORDINATED, email=COORDINATOR, sub="k-sub")
    people.assign(admin, ADMIN, "admin", EVERY_UNIT, email=ADMIN, sub="Admin-Sub-Ø")
    return demo_ctx


def coordinator(ctx: Context) -> Context:
    return acting(ctx, COORDINATOR, Grant("coordinator", COORDINATED))


def csv_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def tree(ctx: Context) -> dict[str, str | None]:
    return {u.unit_id: u.parent_id for u in units.tree(ctx)}


# --- re-parenting ----------------------------------------------------------------------------


def test_a_units_file_cannot_move_a_unit_from_outside_into_the_subtree(org, tmp_path):
    before = tree(org)
    attack = csv_file(
        tmp_path, "units.csv", f"unit_id,name,parent_id\n{OUTSIDE},Kundesenteret,{COORDINATED}\n"
    )
    result = imports.run(coordinator(org), attack)
    assert not result.written
    assert [(p.row, p.column, p.key) for p in result.problems] == [
        (2, "unit_id", "import_unit_not_allowed")
    ]
    assert tree(org) == before


def test_a_units_file_cannot_move_a_unit_of_the_subtree_out_of_it(org, tmp_path):
    before = tree(org)
    for moved, new_parent in (("demo-teknologi-01", "demo-bruker"), (COORDINATED, "demo-bruker")):
        attack = csv_file(
            tmp_path, "out.csv", f"unit_id,name,parent_id\n{moved},Flyttet,{new_parent}\n"
        )
        result = imports.run(coordinator(org), attack)
        assert [(p.column, p.value, p.key) for p in result.problems] == [
            ("parent_id", new_parent, "import_unit_not_allowed")
        ]
    top = csv_file(tmp_path, "top.csv", "unit_id,name,parent_id\nny-topp,Ny topp,\n")
    assert [p.key for p in imports.run(coordinator(org), top).problems] == [
        "import_unit_not_allowed"
    ]
    assert tree(org) == before


def test_a_new_unit_cannot_be_created_above_or_beside_the_subtree(org, tmp_path):
    # A new unit placed outside, with an existing outside unit moved under it, is two refusals.
    attack = csv_file(
        tmp_path,
        "units.csv",
        f"unit_id,name,parent_id\nbro,Bro,demo\n{OUTSIDE},Kundesenteret,bro\n",
    )
    result = imports.run(coordinator(org), attack)
    assert sorted((p.row, p.key) for p in result.problems) == [
        (2, "import_unit_not_allowed"),
        (3, "import_unit_not_allowed"),
    ]
    assert "bro" not in tree(org)


def test_moves_and_new_units_inside_the_subtree_are_allowed(org, tmp_path):
    inside = csv_file(
        tmp_path,
        "units.csv",
        "unit_id,name,parent_id\n"
        f"{COORDINATED},Teknologi (nytt navn),demo\n"  # own top unit renamed, parent unchanged
        f"ny-seksjon,Ny seksjon,{COORDINATED}-01\n"
        f"{COORDINATED}-02,Dataplattform,ny-seksjon\n",
    )
    result = imports.run(coordinator(org), inside)
    assert result.written, result.problems
    after = tree(org)
    assert after["ny-seksjon"] == f"{COORDINATED}-01"
    assert after[f"{COORDINATED}-02"] == "ny-seksjon"


def test_the_whole_take_over_fails_at_the_first_step_and_leaves_no_grant(org, tmp_path):
    """Move a unit in, grant oneself a leader role there, read its reflections, move it back:
    the move is refused, so is the grant, and no role on the unit remains anywhere."""
    ctx = coordinator(org)
    move_in = csv_file(
        tmp_path, "in.csv", f"unit_id,name,parent_id\n{OUTSIDE},Kundesenteret,{COORDINATED}\n"
    )
    assert not imports.run(ctx, move_in).written
    with pytest.raises(AccessDenied):
        people.assign(ctx, COORDINATOR, "leader", OUTSIDE)
    grant = csv_file(
        tmp_path, "people.csv", f"email,role,unit_id\n{COORDINATOR},leader,{OUTSIDE}\n"
    )
    assert [p.key for p in peopleimport.import_people(ctx, grant).problems] == [
        "people_not_allowed"
    ]
    signed_in = people.actor_for(org.store, email=COORDINATOR, sub="k-sub", name=None)
    assert Grant("leader", OUTSIDE) not in signed_in.grants
    reader = Context(signed_in, org.store, org.framework)
    with pytest.raises(AccessDenied):
        analytics.reflections(reader, OUTSIDE)


# --- taking an account through a people CSV --------------------------------------------------


def registered(ctx: Context, person_id: str) -> tuple:
    frame = people.registry(acting(ctx, "check", Grant("admin", EVERY_UNIT)))
    row = frame[frame["person_id"] == person_id].iloc[0]
    return row["email"], row["sub"], row["name"]


@pytest.mark.parametrize(
    ("row", "column", "key"),
    [
        # the admin's e-mail with the coordinator's own subject: attach oneself to the admin
        (f"{ADMIN},k-sub", "sub", "people_identity_conflict"),
        # the admin's e-mail with a new subject the coordinator controls
        (f"{ADMIN},min-egen-sub", "sub", "people_identity_change"),
        # the admin's subject (case kept) with a new e-mail
        ("koord2@etat.example,Admin-Sub-Ø", "email", "people_identity_change"),
        # the admin's e-mail in another case is the same person
        (f"{ADMIN.upper()},ny-sub", "sub", "people_identity_change"),
    ],
)
def test_a_people_csv_cannot_set_or_change_the_identity_of_a_registered_person(
    org, tmp_path, row, column, key
):
    before = registered(org, ADMIN)
    attack = csv_file(
        tmp_path, "people.csv", f"email,sub,role,unit_id\n{row},leader,{COORDINATED}-01\n"
    )
    result = peopleimport.import_people(coordinator(org), attack)
    assert not result.written
    assert [(p.row, p.column, p.key) for p in result.problems] == [(2, column, key)]
    assert registered(org, ADMIN) == before
    assert people.actor_for(org.store, email=None, sub="min-egen-sub", name=None) is None


def test_an_admin_import_does_not_change_identities_either(org, tmp_path):
    admin = acting(org, ADMIN, Grant("admin", EVERY_UNIT))
    attack = csv_file(
        tmp_path, "people.csv", f"email,sub,role,unit_id\n{COORDINATOR},annen-sub,leader,demo\n"
    )
    assert [p.key for p in peopleimport.import_people(admin, attack).problems] == [
        "people_identity_change"
    ]


def test_a_people_csv_does_not_rename_a_person_holding_roles_outside_the_subtree(org, tmp_path):
    rows = f"email,name,role,unit_id\n{ADMIN},Falsk Navn,leader,{COORDINATED}-01\n"
    result = peopleimport.import_people(coordinator(org), csv_file(tmp_path, "people.csv", rows))
    assert result.written  # giving the admin a leader role in the subtree is harmless
    assert registered(org, ADMIN)[2] != "Falsk Navn"
    actor = people.actor_for(org.store, email=ADMIN, sub="Admin-Sub-Ø", name=None)
    assert actor.display_name != "Falsk Navn"


def test_assigning_on_the_admin_page_never_changes_identity_for_a_coordinator(org):
    with pytest.raises(AccessDenied):
        people.assign(coordinator(org), ADMIN, "leader", f"{COORDINATED}-01", sub="k-sub-2")
    with pytest.raises(people.IdentityError):
        people.assign(
            coordinator(org), "ny@etat.example", "leader", f"{COORDINATED}-01", sub="k-sub"
        )
    assert registered(org, ADMIN)[1] == "Admin-Sub-Ø"


# --- signing in: sub exact, e-mail only when verified ----------------------------------------


def test_an_unverified_email_never_matches_and_a_registered_sub_is_required(org):
    found = people.actor_for
    assert found(org.store, email=ADMIN, sub="Admin-Sub-Ø", name=None).user_id == ADMIN
    # The subject keeps its case: another case is another person.
    assert found(org.store, email=None, sub="admin-sub-ø", name=None) is None
    # The admin's e-mail with a subject that is not the admin's: not the admin.
    assert found(org.store, email=ADMIN, sub="someone-else", name=None) is None
    # A provider saying the e-mail is not verified: the e-mail is not used at all.
    people.assign(
        acting(org, "setup", Grant("admin", EVERY_UNIT)),
        "epost.bare@etat.example",
        "leader",
        OUTSIDE,
        email="epost.bare@etat.example",
    )
    for unverified in (False, "false"):
        assert (
            found(
                org.store,
                email="Epost.Bare@etat.example",
                sub="x",
                name=None,
                email_verified=unverified,
            )
            is None
        )
    assert (
        found(
            org.store, email="Epost.Bare@etat.example", sub="x", name=None, email_verified=True
        ).user_id
        == "epost.bare@etat.example"
    )
    configured = frozenset({"Boss@Etat.example", "Sub-Case"})
    assert found(org.store, email="boss@etat.example", sub=None, name=None, admins=configured)
    assert found(org.store, email=None, sub="sub-case", name=None, admins=configured) is None
    assert (
        found(
            org.store,
            email="boss@etat.example",
            sub=None,
            name=None,
            admins=configured,
            email_verified=False,
        )
        is None
    )


def test_undoing_a_units_import_cannot_move_a_unit_back_out_of_the_subtree(org, tmp_path):
    """The coordinator moves a unit from A to B inside the subtree; an admin then moves A to
    another division. Undoing would put the unit under A, outside: refused, nothing moves."""
    ctx = coordinator(org)
    unit, old_parent, new_parent = f"{COORDINATED}-02", f"{COORDINATED}-01", f"{COORDINATED}-03"
    with org.store.reader() as cur:
        cur.execute("UPDATE unit SET parent_id = ? WHERE unit_id = ?", [old_parent, unit])
    move = csv_file(
        tmp_path, "move.csv", f"unit_id,name,parent_id\n{unit},Dataplattform,{new_parent}\n"
    )
    done = imports.run(ctx, move)
    assert done.written, done.problems
    admin = acting(org, ADMIN, Grant("admin", EVERY_UNIT))
    away = csv_file(
        tmp_path,
        "away.csv",
        f"unit_id,name,parent_id\n{old_parent},Plattform og drift,demo-bruker\n",
    )
    assert imports.run(admin, away).written
    with pytest.raises(AccessDenied) as refused:
        imports.undo(ctx, done.import_id)
    assert refused.value.key == "access_undo_scope"
    assert tree(org)[unit] == new_parent
    imports.undo(admin, done.import_id)  # an admin may
    assert tree(org)[unit] == old_parent
