"""Erasure leaves nothing that re-links, and My data leaves nothing out: a leader who is also a
coordinator drafts, checks in (with a comment and a target), creates an action, imports a file,
saves a header mapping, chooses a language, opens a round and gets its invitation. Every text
column of every table and view, enumerated from the database, is then searched for her e-mail,
her id, her subject and her name: before erasure each hit must be in her My data, after it
there must be none, and nothing in the audit log may point at her pseudonymised scores."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from dbhelpers import text_columns
from mailserver import MailServer, mail_env

from dtmaturity.domain import clock
from dtmaturity.domain.access import EVERY_UNIT, Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import (
    actions,
    checkins,
    drafts,
    imports,
    people,
    personaldata,
    releases,
    reminders,
    rounds,
)
from dtmaturity.services.context import Actor, Context
from dtmaturity.store import person_columns

UNIT = "demo-bruker-02"
OTHER = "demo-bruker-03"
EMAIL = "siri.sporlos@etat.example"
SUB = "Siri-Sub-7f3a9c"
NAME = "Siri Sporløs"
TODAY = clock.today()
CURRENT = str(Period.current(TODAY))
PREVIOUS = str(Period.current(TODAY).previous())
LATER = str(Period.current(TODAY).shift(4))


def acting(ctx: Context, user: str, *grants: Grant) -> Context:
    return Context(Actor(user, user, tuple(grants), local_mode=False), ctx.store, ctx.framework)


@pytest.fixture
def siri(demo_ctx: Context, tmp_path: Path, monkeypatch) -> Context:
    admin = acting(demo_ctx, "admin@etat.example", Grant("admin", EVERY_UNIT))
    people.assign(admin, EMAIL, "leader", UNIT, email=EMAIL, name=NAME, sub=SUB)
    people.assign(admin, EMAIL, "coordinator", UNIT)
    people.assign(admin, EMAIL, "leader", OTHER)  # not checked in there: she gets an invitation
    me = acting(demo_ctx, EMAIL, Grant("leader", UNIT), Grant("coordinator", UNIT))
    people.remember_language(me, "nn")
    drafts.save(me, UNIT, CURRENT, {"score:user": 2})
    drafts.save(me, UNIT, CURRENT, {"score:user": 3})
    scores = {item.id: 3 for item in demo_ctx.framework.items}
    saved = checkins.save(
        me,
        CheckIn(UNIT, CURRENT, EMAIL, scores=scores, comments={"user": "Min kommentar"},
                target_period=LATER, targets={"user": 5}),
        today=TODAY,
    )  # fmt: skip
    assert saved.ok, saved.errors
    drafts.save(me, UNIT, CURRENT, {"score:user": 4})  # a draft again after saving
    item = demo_ctx.framework.items[0].id
    assert actions.create(me, ActionDraft(UNIT, [item], "Siris tiltak", EMAIL, LATER)).ok
    path = tmp_path / f"svar fra {EMAIL}.csv"  # a file name may name its writer too
    path.write_text(
        "unit_id,period,respondent,item_id,score\n"
        f"{UNIT},{PREVIOUS},{EMAIL.upper()},user,4\n"
        f"{UNIT},{PREVIOUS},ola.annen@etat.example,user,2\n",
        encoding="utf-8",
    )
    assert imports.run(me, path).held == 2  # a quarter already shown: held ...
    releases.rerelease(admin, UNIT, PREVIOUS)  # ... until released again
    imports.save_mapping(me, ("enhet", "kvartal", "epost", "spm", "svar"), {"enhet": "unit"})
    server = MailServer().start()
    try:
        mail_env(monkeypatch, server)
        rounds.open_round(me, UNIT, CURRENT, TODAY + timedelta(days=14))
        rounds.open_round(admin, OTHER, CURRENT, TODAY + timedelta(days=14))
        assert reminders.run(admin).sent
    finally:
        server.stop()
    return demo_ctx


def mentions(ctx: Context) -> set[tuple[str, str]]:
    """(table or view, column) of every text cell anywhere that holds her e-mail, id, subject
    or name, in any case. The columns come from the database, not from a list."""
    needles = [EMAIL, SUB, NAME]
    with ctx.store.reader() as cur:
        columns = text_columns(cur)
        found = set()
        for table, column in columns:
            text = f'lower(CAST("{column}" AS VARCHAR))'
            for needle in needles:
                sql = f'SELECT count(*) FROM "{table}" WHERE strpos({text}, ?) > 0'  # noqa: S608
                if cur.execute(sql, [needle.lower()]).fetchone()[0]:
                    found.add((table, column))
    return found


def my_data(ctx: Context) -> dict[str, list[dict]]:
    me = acting(ctx, EMAIL, Grant("leader", UNIT))
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(me)))
    return json.loads(bundle.read("data.json"))["tables"]


def test_my_data_holds_every_table_that_names_her(siri):
    named = mentions(siri)
    tables = {table for table, _ in named}
    # the findings of the attack, among the rest
    assert {"audit_log", "header_mapping", "import_log", "unit_member"} <= tables
    assert {"import_checkin_created", "checkin_draft", "mail_message", "round"} <= tables
    data = my_data(siri)
    assert sorted(t for t in tables if not data.get(t)) == []
    declared = {(t, c) for t, cols in person_columns.PERSON_COLUMNS.items() for c in cols}
    assert sorted(named - declared) == []  # every column that held her is a person column


def test_erasure_leaves_nothing_that_names_or_re_links_her(siri):
    admin = acting(siri, "admin@etat.example", Grant("admin", EVERY_UNIT))
    with siri.store.reader() as cur:
        drafted = cur.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'checkin.draft' AND actor = ?", [EMAIL]
        ).fetchone()[0]
    assert drafted == 3
    counts = personaldata.erase_person(admin, EMAIL)
    assert counts["answers_anonymised"] > 0 and counts["actions_anonymised"] == 1
    assert mentions(siri) == set()
    with siri.store.reader() as cur:
        pseudonyms = {
            r[0] for r in cur.execute("SELECT DISTINCT respondent FROM checkin").fetchall()
        }
        mine = {p for p in pseudonyms if p.startswith("erased-")}
        assert len(mine) == 1  # both her check-ins, under one unlinkable pseudonym
        entries = cur.execute(
            "SELECT actor, action, target, details FROM audit_log WHERE actor = 'erased'"
        ).fetchall()
        everything = cur.execute("SELECT actor, target, details FROM audit_log").fetchall()
        erasure = cur.execute(
            "SELECT target, details FROM audit_log WHERE action = 'person.erase'"
        ).fetchone()
        created = cur.execute(
            "SELECT created_by, owner FROM action WHERE description = 'Siris tiltak'"
        ).fetchone()
    # Her drafts, check-in, action, import and mapping stay as events, saying neither who
    # nor about what: no unit and quarter for the only pseudonym there to be matched with.
    assert {a for _, a, _, _ in entries} >= {"checkin.draft", "checkin.save", "action.create"}
    assert {(t, d) for _, _, t, d in entries} == {(None, None)}
    assert not [row for row in everything if any(p in str(row) for p in mine)]
    assert erasure[0] is None and EMAIL not in str(erasure[1])
    assert created == ("erased", "erased")


def test_the_erasure_counts_are_shown_in_words(siri):
    admin = acting(siri, "admin@etat.example", Grant("admin", EVERY_UNIT))
    counts = personaldata.erase_person(admin, EMAIL)
    for key in ("reflections_deleted", "comments_deleted", "assignments_deleted"):
        assert key in counts
    assert counts["comments_deleted"] == 1 and counts["assignments_deleted"] == 3
    assert counts["drafts_deleted"] == 1 and counts["mails_deleted"] == 1


def test_the_command_line_erases_her_the_same_way(siri, capsys):
    from dtmaturity.cli import main

    assert main(["--db", str(siri.store.path), "people", "erase", EMAIL, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "answers anonymised:" in out and EMAIL not in out
    assert mentions(siri) == set()


def test_a_subject_is_erased_exactly_and_one_differing_in_case_is_someone_else(demo_ctx):
    admin = acting(demo_ctx, "admin@etat.example", Grant("admin", EVERY_UNIT))
    people.assign(admin, "AbC-sub", "leader", UNIT, sub="AbC-sub")
    people.assign(admin, "abc-SUB", "leader", UNIT, sub="abc-SUB")
    scores = {item.id: 3 for item in demo_ctx.framework.items}
    for sub in ("AbC-sub", "abc-SUB"):
        me = acting(demo_ctx, sub, Grant("leader", UNIT))
        assert checkins.save(me, CheckIn(UNIT, CURRENT, sub, scores=scores), today=TODAY).ok
    personaldata.erase_person(admin, "AbC-sub")
    with demo_ctx.store.reader() as cur:
        left = {r[0] for r in cur.execute("SELECT respondent FROM checkin").fetchall()}
        registered = {r[0] for r in cur.execute("SELECT person_id FROM person").fetchall()}
    assert "abc-SUB" in left and "abc-SUB" in registered
    assert "AbC-sub" not in left | registered
