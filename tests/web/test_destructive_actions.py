"""Destructive actions say what they do before they do it, on every page.

The kind, not the instance:
- every audit action the code can write is classified here as destructive or not (found from
  the code's own `ctx.write(...)` calls), so a new one fails until it is classified;
- on every page and in each of its tabs, every button pressed once writes no destructive
  action: it only asks, in the one confirmation helper (ui.confirmed_button /
  ui.confirmation), whose question is shown;
- a grant names its unit, one over the whole organisation asks first, and the outcome names
  person, role and unit beside the button, with the focus moved to it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from apphelpers import as_read, open_app, open_tab, tab_labels, texts
from streamlit.testing.v1 import AppTest

from dtmaturity.domain import clock
from dtmaturity.domain.periods import Period
from dtmaturity.services import audit, drafts, imports, people, rounds, units
from dtmaturity.services.context import Context

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
CURRENT = str(Period.current())
PREVIOUS = str(Period.current().previous())

# Audit actions that delete, release or withdraw what others rely on: each goes through the
# confirmation. Every other action the code writes is listed in NOT_DESTRUCTIVE.
DESTRUCTIVE = {
    "checkin.draft_discard",  # deletes what a leader typed and did not save
    "demo.remove",
    "import.undo",
    "period.unlock",  # lets a released quarter change again
    "person.erase",
    "quarter.rerelease",  # changes figures people have seen
    "retention.purge",
    "role.revoke",
    "round.close",  # releases the quarter's figures and stops check-ins
    "round.reopen",  # withdraws released figures
}
NOT_DESTRUCTIVE = {
    "action.create",
    "action.import",
    "action.status",  # reopening a done action asks with a tick (plan_widgets)
    "checkin.draft",
    "checkin.save",
    "demo.create",
    "framework.register",
    "import.mapping.save",
    "import.run",
    "mail.claim",
    "meeting.close",  # keeps the summary; the meeting's notes and actions stay
    "meeting.note",
    "meeting.open",
    "mail.failed",
    "mail.sent",
    "people.import",
    "period.lock",
    "person.language",
    "role.grant",  # over the whole organisation it asks first (tested below)
    "round.open",
    "round.start",
    "setting.change",
    "setting.update",
}


def written_actions() -> set[str]:
    """The audit action of every write in the code: the second argument of `*.write(...)`
    (Context.write) and the second of `AuditEntry(...)`, where it is a string."""
    found = set()
    for path in (ROOT / "dtmaturity").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in ("write", "AuditEntry") and len(node.args) >= 2:
                found |= strings(node.args[1])
    return found


def strings(node: ast.expr) -> set[str]:
    """The strings an argument can be: a constant, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return strings(node.body) | strings(node.orelse)
    return set()


def test_every_audit_action_in_the_code_is_classified_as_destructive_or_not():
    actions = written_actions()
    assert "round.close" in actions and "person.erase" in actions  # the scan finds them
    assert actions - DESTRUCTIVE - NOT_DESTRUCTIVE == set(), "classify the new audit action"
    assert (DESTRUCTIVE | NOT_DESTRUCTIVE) - actions == set(), "an action no longer written"


# --- every button on every page -------------------------------------------------------------


@pytest.fixture
def busy(demo_ctx: Context, tmp_path: Path) -> Context:
    """An organisation where every destructive button shows: an open round and a closed one,
    an import to undo, drafts of the signed-in person, roles to remove, a locked quarter."""
    rounds.open_round(demo_ctx, "demo", CURRENT, clock.today() + timedelta(days=14))
    rounds.open_round(demo_ctx, "demo", PREVIOUS, clock.today(), opens_on=clock.today())
    rounds.close_round(demo_ctx, PREVIOUS, "demo")
    upload = tmp_path / "svar.csv"
    upload.write_text(
        f"unit_id,period,respondent,item_id,score\r\ndemo-bruker-01,{CURRENT},kari,user,4\r\n",
        encoding="utf-8",
    )
    assert imports.run(demo_ctx, upload).written
    for unit in units.tree(demo_ctx):
        drafts.save(demo_ctx, unit.unit_id, CURRENT, {"comment:user": "utkast"})
    return demo_ctx


def destructive_log(ctx: Context) -> list[str]:
    log = audit.audit_log(ctx)
    return sorted(a for a in log["action"] if a in DESTRUCTIVE)


def open_view(page: str, tab: str | None) -> AppTest:
    at = open_app().switch_page(page).run()
    return open_tab(at, tab) if tab else at


def page_buttons(page: str) -> list[tuple[str | None, str]]:
    """(tab, key) of every button the page shows, in each of its tabs (None: no tabs), but
    the "yes" and "cancel" of a question, which only show after a first press."""
    at = open_app().switch_page(page).run()
    assert not at.exception
    found = []
    for tab in tab_labels(at) or [None]:
        view = open_view(page, tab)
        keys = [b.key for b in view.button if b.key and not b.disabled]
        found += [(tab, k) for k in keys if not k.endswith((":yes", ":no"))]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_button_on_the_page_destroys_anything_when_pressed_once(busy: Context, page: str):
    for tab, key in page_buttons(page):
        before = destructive_log(busy)
        at = open_view(page, tab)
        at.button(key=key).click().run()
        assert not at.exception, key
        assert destructive_log(busy) == before, f"{page} {tab or ''}: {key} acted without asking"
        if any(b.key == f"{key}:yes" for b in at.button):  # it asked: the question is shown
            assert any(w.value.strip().endswith(("?", ".")) for w in at.warning), key


def test_the_pages_hold_the_destructive_buttons_this_test_expects(busy: Context):
    """The sweep above is only as good as the buttons it finds: each destructive action's
    button must be among them (else the fixture no longer makes it show)."""
    found = {key.split(":")[0] for page in PAGES for _, key in page_buttons(page)}
    assert {
        "demo_remove",
        "undo_run",
        "adm_unlock",
        "adm_purge",
        "adm_revoke_run",
        "round_close",
        "round_reopen",
        "ci_draft_discard",
    } <= found


# --- grants ---------------------------------------------------------------------------------


def admin_page() -> AppTest:
    return open_app().switch_page("pages/admin.py").run()


def walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def in_order(at: AppTest) -> list[tuple[str, str]]:
    """(type, key or text) of every element of the page, in the order shown."""
    out = []
    for node in walk(at._tree):
        kind = getattr(node, "type", "")
        key = getattr(node, "key", None)
        value = getattr(node, "value", None) if kind in ("alert", "success", "error") else None
        if kind:
            out.append((kind, as_read(str(key or value or ""))))
    return out


LAYOUT = ("html", "alert", "flex_container")  # not a widget between button and message


def test_a_grant_has_no_default_unit_and_without_one_nothing_is_granted(demo_ctx):
    at = admin_page()
    assert at.selectbox(key="adm_unit").value is None
    assert "Velg enhet …" in at.selectbox(key="adm_unit").proto.placeholder
    before = len(people.registry(demo_ctx))
    at.text_input(key="adm_email").input("ny.leder@etat.example")
    at.button(key="FormSubmitter:grant_form-Gi rollen").click().run()
    assert not at.exception
    assert "Velg enheten rollen gjelder for." in [as_read(e.value) for e in at.error]
    assert len(people.registry(demo_ctx)) == before
    assert "role.grant" not in set(audit.audit_log(demo_ctx)["action"])


def test_a_grant_over_the_whole_organisation_asks_first_and_says_so(demo_ctx):
    at = admin_page()
    at.text_input(key="adm_email").input("alt@etat.example")
    at.selectbox(key="adm_role").set_value("leader")
    at.selectbox(key="adm_unit").set_value("*")
    at.button(key="FormSubmitter:grant_form-Gi rollen").click().run()
    assert "role.grant" not in set(audit.audit_log(demo_ctx)["action"])  # only asked
    count = len(units.tree(demo_ctx))
    assert (
        f"Gi alt@etat.example rollen Leder for hele organisasjonen, alle {count} enheter?"
        in texts(at)
    )
    at.button(key="adm_grant_all:yes").click().run()
    held = people.registry(demo_ctx)
    assert set(held[held["person_id"] == "alt@etat.example"]["unit_id"]) == {"*"}
    said = "alt@etat.example har fått rollen Leder for hele organisasjonen."
    assert said in [as_read(s.value) for s in at.success]


def test_the_grant_outcome_names_person_role_and_unit_beside_the_button_with_focus(demo_ctx):
    at = admin_page()
    at.text_input(key="adm_email").input("ny.leder@etat.example")
    at.selectbox(key="adm_role").set_value("leader")
    at.selectbox(key="adm_unit").set_value("demo-bruker-01")
    at.button(key="FormSubmitter:grant_form-Gi rollen").click().run()
    said = "ny.leder@etat.example har fått rollen Leder for Kundesenteret."
    order = in_order(at)
    button = order.index(("button", "FormSubmitter:grant_form-Gi rollen"))
    message = next(i for i, (_, text) in enumerate(order) if text == said)
    widgets_between = [k for k, _ in order[button + 1 : message] if k not in LAYOUT]
    assert message > button and not widgets_between  # right after the button
    focus = [h.proto.body for h in at.get("html")]
    assert any("st-key-flash_grant" in body for body in focus)  # the focus moves to it


def test_erasing_a_person_asks_first_naming_the_person(demo_ctx):
    person = people.registry(demo_ctx)["person_id"].iloc[0]
    at = admin_page()
    at.selectbox(key="adm_erase_person").set_value(person).run()
    at.button(key="adm_erase").click().run()
    assert "person.erase" not in set(audit.audit_log(demo_ctx)["action"])
    assert f"Slette {person} for godt?" in texts(at)
    at.button(key="adm_erase:yes").click().run()
    assert "person.erase" in set(audit.audit_log(demo_ctx)["action"])
    assert any(as_read(s.value).startswith("Slettet:") for s in at.success)
