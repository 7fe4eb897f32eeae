"""Personal data (GDPR Art. 15 and 17): My data holds everything about the person, erasure
leaves nothing that names or re-links them (in any spelling of their e-mail), purge takes the
targets with the check-ins, and every CSV written is formula-safe."""

from __future__ import annotations

import csv
import io
import json
import tomllib
import zipfile
from pathlib import Path

import pytest

from dtmaturity.cli import main
from dtmaturity.domain import clock
from dtmaturity.domain.access import EVERY_UNIT, Grant
from dtmaturity.domain.model import CheckIn
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import actions, checkins, exports, people, personaldata
from dtmaturity.services.context import Actor, Context
from dtmaturity.services.imports import actions as import_actions

ROOT = Path(__file__).resolve().parents[2]
UNIT = "demo-bruker-02"
KARI = "kari.personvern@etat.example"
TODAY = clock.today()
PERIOD = str(Period.current(TODAY))
FORMULA = '=HYPERLINK("http://evil.example","klikk")'


def acting(ctx: Context, user: str, *grants: Grant) -> Context:
    return Context(Actor(user, user, tuple(grants), local_mode=False), ctx.store, ctx.framework)


@pytest.fixture
def kari(demo_ctx: Context) -> Context:
    """Kari leads a unit, checks in with a target and a comment, owns and writes actions; an
    import left one of her answers under another case of her e-mail."""
    admin = acting(demo_ctx, "admin", Grant("admin", EVERY_UNIT))
    people.assign(admin, KARI, "leader", UNIT, email=KARI, name="Kari Personvern")
    me = acting(demo_ctx, KARI, Grant("leader", UNIT))
    later = str(Period.current(TODAY).shift(4))
    checkin = CheckIn(
        UNIT,
        PERIOD,
        KARI,
        scores={item.id: 3 for item in demo_ctx.framework.items},
        comments={"user": "Min egen kommentar"},
        target_period=later,
        targets={"user": 5, "data": 4},
    )
    assert checkins.save(me, checkin, today=TODAY).ok
    item = demo_ctx.framework.items[0].id
    mine = actions.create(
        me, ActionDraft(UNIT, [item], "Kari sitt tiltak", KARI, later), today=TODAY
    )
    assert not mine.errors
    owned = actions.create(
        admin, ActionDraft(UNIT, [item], "Tiltak Kari eier", KARI, later), today=TODAY
    )
    assert not owned.errors
    previous = str(Period.current(TODAY).previous())
    with demo_ctx.store.reader() as cur:
        cur.execute(
            "INSERT INTO answer (unit_id, period, respondent, item_id, score, scale_max, comment) "
            "VALUES (?, ?, ?, 'user', 4, 5, 'Fra import')",
            [UNIT, previous, KARI.upper()],
        )
        cur.execute(
            "INSERT INTO checkin (unit_id, period, respondent, framework_version) "
            "VALUES (?, ?, ?, 'x')",
            [UNIT, previous, KARI.upper()],
        )
    return demo_ctx


def every_mention(ctx: Context, needle: str) -> list[tuple[str, str]]:
    """(table, column) of every text cell anywhere in the database holding `needle`."""
    found = []
    with ctx.store.reader() as cur:
        columns = cur.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE data_type = 'VARCHAR' AND table_name IN
                     (SELECT table_name FROM information_schema.tables
                      WHERE table_type = 'BASE TABLE')"""
        ).fetchall()
        for table, column in columns:
            sql = f'SELECT count(*) FROM "{table}" WHERE contains(lower("{column}"), ?)'  # noqa: S608
            if cur.execute(sql, [needle.lower()]).fetchone()[0]:
                found.append((table, column))
    return found


def test_my_data_holds_targets_actions_and_answers_in_any_case_of_the_email(kari):
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(acting(kari, KARI))))
    data = json.loads(bundle.read("data.json"))["tables"]
    assert {(t["item_id"], t["score"]) for t in data["target"]} == {("user", 5), ("data", 4)}
    assert {a["description"] for a in data["action"]} == {"Kari sitt tiltak", "Tiltak Kari eier"}
    assert "Fra import" in {a["comment"] for a in data["answer"]}
    assert any(e["action"] == "checkin.save" for e in data["audit_log"])
    assert {"target.csv", "action.csv"} <= set(bundle.namelist())


def test_erasure_leaves_no_trace_of_the_person_anywhere(kari):
    admin = acting(kari, "admin", Grant("admin", EVERY_UNIT))
    with kari.store.reader() as cur:
        targets_before = cur.execute("SELECT count(*) FROM target").fetchone()[0]
    counts = personaldata.erase_person(admin, KARI)
    assert counts["targets_anonymised"] == 2
    assert counts["actions_anonymised"] == 2
    assert counts["answers_anonymised"] > len(kari.framework.items)  # the upper-case one too
    # Nothing names her, not even the audit entries of what she did (they name 'erased').
    assert every_mention(kari, KARI) == []
    assert every_mention(kari, "Kari Personvern") == []
    with kari.store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM target").fetchone()[0] == targets_before
        owners = {r[0] for r in cur.execute("SELECT owner FROM action").fetchall()}
        audit_targets = [r[0] for r in cur.execute("SELECT target FROM audit_log").fetchall()]
        pseudonyms = {
            r[0]
            for r in cur.execute(
                "SELECT respondent FROM checkin WHERE respondent LIKE 'erased-%'"
            ).fetchall()
        }
    assert "erased" in owners and not owners & pseudonyms  # the plan stays, unlinkable
    # No audit target spells unit/period/<pseudonym>: the log cannot re-link the scores.
    assert not [t for t in audit_targets if t and any(p in t for p in pseudonyms)]


def test_purge_deletes_the_targets_of_the_deleted_checkins(kari):
    admin = acting(kari, "admin", Grant("admin", EVERY_UNIT))
    with kari.store.reader() as cur:
        cur.execute("UPDATE target SET period = '2001-Q1' WHERE respondent = ?", [KARI])
        cur.execute("UPDATE checkin SET period = '2001-Q1' WHERE respondent = ?", [KARI])
    dry = personaldata.purge(admin, 4, dry_run=True)
    assert dry["target"] == 2
    personaldata.purge(admin, 4, dry_run=False)
    with kari.store.reader() as cur:
        assert (
            cur.execute("SELECT count(*) FROM target WHERE period = '2001-Q1'").fetchone()[0] == 0
        )


# --- formula-safe CSV ------------------------------------------------------------------------


def formulas(text: str) -> list[str]:
    """Cells a spreadsheet would run."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return [cell for row in rows for cell in row if cell.startswith(exports.FORMULA_STARTS)]


def plant_formulas(ctx: Context) -> None:
    """Text cells starting with =, -, + and @ in answers, actions and the audit log."""
    with ctx.store.reader() as cur:
        cur.execute(
            "UPDATE answer SET comment = ? WHERE (unit_id, period, respondent, item_id) IN "
            "(SELECT unit_id, period, respondent, item_id FROM answer ORDER BY 1, 2, 3, 4 LIMIT 1)",
            [FORMULA],
        )
        cur.execute(
            "UPDATE action SET description = ? WHERE action_id = (SELECT min(action_id) FROM action)",
            ["-2+3"],
        )
        cur.execute("INSERT INTO audit_log (actor, action, target) VALUES ('@evil', 'test', '+1')")


def test_every_csv_the_cli_writes_is_formula_safe(kari, db_path, tmp_path, capsys):
    plant_formulas(kari)
    kari.store.close()
    out = tmp_path / "answers.csv"
    assert main(["export", "-o", str(out)]) == 0
    assert formulas(out.read_text(encoding="utf-8")) == []
    cells = {c for row in csv.reader(out.open(encoding="utf-8")) for c in row}
    assert f"'{FORMULA}" in cells
    capsys.readouterr()
    assert main(["export", "--what", "actions"]) == 0
    assert formulas(capsys.readouterr().out) == []
    audit = tmp_path / "audit.csv"
    assert main(["audit", "-o", str(audit)]) == 0
    assert formulas(audit.read_text(encoding="utf-8")) == []


def test_the_my_data_csvs_are_formula_safe(kari):
    with kari.store.reader() as cur:
        cur.execute(
            "UPDATE answer SET comment = ? WHERE respondent = ? AND item_id = 'user'",
            [FORMULA, KARI],
        )
    bundle = zipfile.ZipFile(io.BytesIO(personaldata.export_person(acting(kari, KARI))))
    for name in bundle.namelist():
        if name.endswith(".csv"):
            assert formulas(bundle.read(name).decode("utf-8")) == [], name


def test_an_actions_export_reads_back_unchanged(kari, tmp_path):
    admin = acting(kari, "admin", Grant("admin", EVERY_UNIT))
    with kari.store.reader() as cur:
        cur.execute(
            "UPDATE action SET description = '-2+3 er et tiltak' WHERE description = 'Kari sitt tiltak'"
        )
    text, _ = actions.export_actions(admin)
    assert "'-2+3 er et tiltak" in text
    path = tmp_path / "actions.csv"
    path.write_text(text, encoding="utf-8")
    result = import_actions.import_actions(admin, path, today=TODAY)
    assert not result.problems
    with kari.store.reader() as cur:
        assert (
            cur.execute(
                "SELECT count(*) FROM action WHERE description = '-2+3 er et tiltak'"
            ).fetchone()[0]
            == 1
        )


def test_streamlits_own_table_download_is_switched_off():
    """st.dataframe's toolbar would write the raw CSV; our download buttons write safe ones."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


def test_an_email_in_any_case_is_one_respondent(demo_ctx):
    admin = acting(demo_ctx, "admin", Grant("admin", EVERY_UNIT))
    people.assign(admin, "Kari.Case@Etat.Example", "leader", UNIT, email="Kari.Case@Etat.Example")
    for spelling in ("KARI.CASE@etat.example", "kari.case@ETAT.example"):
        actor = people.actor_for(demo_ctx.store, email=spelling, sub=None, name=None)
        assert actor.user_id == "kari.case@etat.example"
        me = Context(actor, demo_ctx.store, demo_ctx.framework)
        checkin = CheckIn(UNIT, PERIOD, "x", scores={i.id: 2 for i in demo_ctx.framework.items})
        assert checkins.save(me, checkin, today=TODAY).ok
    with demo_ctx.store.reader() as cur:
        assert cur.execute(
            "SELECT count(*) FROM checkin WHERE lower(respondent) = 'kari.case@etat.example'"
        ).fetchone() == (1,)
