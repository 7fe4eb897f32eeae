"""Names, ids and addresses refuse control characters and encoded words at every way in: each
file format, each form's service, the command line. Every way in is tried with every hostile
value; afterwards no text column of any table (enumerated from the database) holds it, and
the message names the field and shows the value with the refused character spelled out."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from dbhelpers import text_columns

from dtmaturity.cli import main
from dtmaturity.domain import textrules
from dtmaturity.domain.access import EVERY_UNIT, Grant
from dtmaturity.domain.periods import Period
from dtmaturity.domain.plan import ActionDraft
from dtmaturity.services import actions, imports, people, peopleimport
from dtmaturity.services.context import Actor, Context
from dtmaturity.services.imports import actions as import_actions
from dtmaturity.store import dialect

UNIT = "demo-bruker-01"
PERIOD = str(Period.current().previous())
DUE = str(Period.current().shift(2))
LEADER = "ny.leder@etat.example"
ENCODED = "Kundesenteret =?utf-8?q?=0D=0AReply-To:_it-support@evil.example=0D=0A?="
# (value, what the message must show of it)
HOSTILE = {
    "encoded word": (ENCODED, "=?utf-8?q?"),
    "CR/LF": ("Kundesenteret\r\nReply-To: it-support@evil.example", "<U+000A>"),
    "LF": ("Kundesenteret\nPassordet ditt utløper", "<U+000A>"),
    "NUL": ("Kunde\x00senteret", "<U+0000>|not a text (CSV) file"),  # a file: not text at all
    "bidi override": ("Seksjon \u202etnemtrapeD", "<U+202E>"),
    "line separator": ("Seksjon\u2028Passord", "<U+2028>"),
}
LEGIT = "Ærlig Åsmund Øye-Sámi 👩\u200d💻 (ØØ)"


def admin(ctx: Context) -> Context:
    actor = Actor("admin@etat.example", "Admin", (Grant("admin", EVERY_UNIT),), local_mode=False)
    return Context(actor, ctx.store, ctx.framework, lang="en")


def csv_file(tmp_path: Path, name: str, header: list[str], row: list[str]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([header, row])
    path = tmp_path / name
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def lines(problems, file_name: str) -> str:
    return "\n".join(p.line(file_name, "en") for p in problems)


# Each way in: (ctx, tmp_path, value, capsys) -> (written?, what the person is told).
WayIn = Callable[[Context, Path, str, pytest.CaptureFixture], tuple[bool, str]]


def units_file(ctx, tmp_path, value, capsys):
    path = csv_file(tmp_path, "units.csv", ["unit_id", "name", "parent_id"], ["ny", value, "demo"])
    result = imports.run(admin(ctx), path)
    return result.written, lines(result.problems, path.name)


def units_file_parent(ctx, tmp_path, value, capsys):
    path = csv_file(tmp_path, "units.csv", ["unit_id", "name", "parent_id"], [value, "Ny", "demo"])
    result = imports.run(admin(ctx), path)
    return result.written, lines(result.problems, path.name)


def units_file_cli(ctx, tmp_path, value, capsys):
    path = csv_file(tmp_path, "units.csv", ["unit_id", "name", "parent_id"], ["ny", value, "demo"])
    code = main(["--db", str(ctx.store.path), "import", "--lang", "en", str(path)])
    return code == 0, capsys.readouterr().err


def answers_file(ctx, tmp_path, value, capsys):
    header = ["unit_id", "period", "respondent", "item_id", "score"]
    path = csv_file(tmp_path, "long.csv", header, [UNIT, PERIOD, value, "user", "3"])
    result = imports.run(admin(ctx), path)
    return result.written, lines(result.problems, path.name)


def people_file_name(ctx, tmp_path, value, capsys):
    header = ["email", "name", "role", "unit_id"]
    path = csv_file(tmp_path, "people.csv", header, [LEADER, value, "leader", UNIT])
    result = peopleimport.import_people(admin(ctx), path)
    return result.written, "\n".join(result.lines(path.name, "en"))


def people_file_email(ctx, tmp_path, value, capsys):
    header = ["email", "name", "role", "unit_id"]
    path = csv_file(tmp_path, "people.csv", header, [value, "Ny Leder", "leader", UNIT])
    result = peopleimport.import_people(admin(ctx), path)
    return result.written, "\n".join(result.lines(path.name, "en"))


def people_file_cli(ctx, tmp_path, value, capsys):
    header = ["email", "name", "role", "unit_id"]
    path = csv_file(tmp_path, "people.csv", header, [LEADER, value, "leader", UNIT])
    code = main(["--db", str(ctx.store.path), "people", "import", "--lang", "en", str(path)])
    out = capsys.readouterr()
    return code == 0, out.err + out.out


def _granted(ctx: Context, **fields) -> tuple[bool, str]:
    try:
        people.assign(admin(ctx), fields.pop("person", LEADER), "leader", UNIT, **fields)
    except people.IdentityError as refused:
        return False, str(refused.params)
    return True, ""


def admin_form_name(ctx, tmp_path, value, capsys):
    return _granted(ctx, name=value, email=LEADER)


def admin_form_person(ctx, tmp_path, value, capsys):
    return _granted(ctx, person=value, sub=value)


def admin_form_email(ctx, tmp_path, value, capsys):
    return _granted(ctx, person=LEADER, email=value)


def action_form_owner(ctx, tmp_path, value, capsys):
    item = ctx.framework.items[0].id
    result = actions.create(admin(ctx), ActionDraft(UNIT, [item], "Tiltak", value, DUE))
    return result.ok, str([(e.field, e.key, e.params) for e in result.errors])


def actions_file(ctx, tmp_path, value, capsys):
    header = ["action_id", "unit_id", "items", "description", "owner", "due_period", "status"]
    row = ["", UNIT, "user", "Tiltak", value, DUE, "planned"]
    path = csv_file(tmp_path, "actions.csv", header, row)
    result = import_actions.import_actions(admin(ctx), path)
    return result.written, lines(result.problems, path.name)


def actions_file_cli(ctx, tmp_path, value, capsys):
    header = ["action_id", "unit_id", "items", "description", "owner", "due_period", "status"]
    row = ["", UNIT, "user", "Tiltak", value, DUE, "planned"]
    path = csv_file(tmp_path, "actions.csv", header, row)
    code = main(["--db", str(ctx.store.path), "actions", "import", "--lang", "en", str(path)])
    return code == 0, capsys.readouterr().err


WAYS_IN: dict[str, WayIn] = {
    "units file: name": units_file,
    "units file: unit_id": units_file_parent,
    "units file through the command line": units_file_cli,
    "answers file: respondent": answers_file,
    "people file: name": people_file_name,
    "people file: email": people_file_email,
    "people file through the command line": people_file_cli,
    "Administration form: name": admin_form_name,
    "Administration form: person (sub)": admin_form_person,
    "Administration form: e-mail": admin_form_email,
    "action form: owner": action_form_owner,
    "actions file: owner": actions_file,
    "actions file through the command line": actions_file_cli,
}


def stored_anywhere(ctx: Context, value: str) -> list[tuple[str, str]]:
    """(table, column) of every text cell of every table holding `value`."""
    if ctx.store.is_postgres:  # a NUL is held there as U+FFFD (store/dialect.py)
        value = dialect.storable(value)
    with ctx.store.reader() as cur:
        columns = text_columns(cur, lists=False, tables_only=True)
        found = []
        for table, column in columns:
            sql = f'SELECT count(*) FROM "{table}" WHERE strpos("{column}", ?) > 0'  # noqa: S608
            if cur.execute(sql, [value]).fetchone()[0]:
                found.append((table, column))
    return found


@pytest.mark.duckdb_only(
    "a hostile value is refused by domain/textrules.py before any SQL, files being read by the "
    "same in-memory DuckDB on either database; storing names runs on both (below)"
)
@pytest.mark.parametrize("way", list(WAYS_IN))
def test_every_way_in_refuses_control_characters_and_encoded_words(demo_ctx, tmp_path, capsys, way):
    for kind, (value, spelled) in HOSTILE.items():
        written, told = WAYS_IN[way](demo_ctx, tmp_path, value, capsys)
        assert not written, f"{way} stored {kind}"
        assert stored_anywhere(demo_ctx, value) == [], kind
        # the value is shown, its refused character spelled out
        assert any(part in told for part in spelled.split("|")), (kind, told)


@pytest.mark.parametrize(
    "way", ["units file: name", "people file: name", "Administration form: name"]
)
def test_names_in_every_script_and_with_emoji_are_welcome(demo_ctx, tmp_path, capsys, way):
    written, told = WAYS_IN[way](demo_ctx, tmp_path, LEGIT, capsys)
    assert written, told
    assert stored_anywhere(demo_ctx, LEGIT)


def test_an_action_description_may_span_lines_but_holds_no_control_character(demo_ctx):
    item = demo_ctx.framework.items[0].id
    ctx = admin(demo_ctx)
    owner = ctx.actor.user_id
    fine = actions.create(ctx, ActionDraft(UNIT, [item], "Første linje\nAndre linje", owner, DUE))
    assert fine.ok
    for value in ("Tiltak\x00", "Tiltak \u202eevil", ENCODED):
        refused = actions.create(ctx, ActionDraft(UNIT, [item], value, owner, DUE))
        assert [e.field for e in refused.errors] == ["description"]


@pytest.mark.parametrize(
    "value",
    [
        "kari@etat.example",
        "kari.o'neil+dt@sub.etat.example",
    ],
)
def test_plain_addresses_pass_the_address_rule(value):
    assert textrules.email_problem(value) is None


@pytest.mark.parametrize(
    "value",
    ["kari@etat", "kari @etat.example", "<kari@etat.example>", "kari@etat.example, x@y.no",
     "=?utf-8?q?x?=@etat.example", "kåri@etat.example", "kari@-etat.example"],
)  # fmt: skip
def test_anything_else_fails_the_address_rule(value):
    assert textrules.email_problem(value) is not None


def test_the_administration_page_says_which_field_is_refused_and_stores_nothing(db_path):
    from apphelpers import open_app, texts

    at = open_app()
    at.button(key="demo_create").click().run()
    at = at.switch_page("pages/admin.py").run()
    at.text_input(key="adm_email").input(LEADER)
    at.text_input(key="adm_name").input(ENCODED)
    at.selectbox(key="adm_role").set_value("leader")
    at.selectbox(key="adm_unit").set_value(UNIT)
    at.button(key="FormSubmitter:grant_form-Gi rollen").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Navn «" + ENCODED + "»" in shown and "kodet ord" in shown
    assert LEADER not in set(people.registry(admin_ctx(db_path))["person_id"])


def admin_ctx(db_path: Path) -> Context:
    from dtmaturity.services.runtime import open_runtime

    store, framework = open_runtime(db_path)
    return admin(Context(Actor("x", "x"), store, framework))


# --- every text field and upload of the app is one of the ways in above, or says why not ----

ROOT = Path(__file__).resolve().parents[2]
# (file, key expression) of each widget that takes text -> the way in that tests it, or why it
# needs none. A new text field or upload fails the next test until it is listed here.
FIELDS = {
    ("pages/admin.py", '"adm_email"'): "Administration form: e-mail",
    ("pages/admin.py", '"adm_name"'): "Administration form: name",
    ("pages/admin.py", '"adm_find"'): "a search: never stored",
    ("pages/admin.py", '"adm_people_file"'): "people file: name",
    ("pages/import.py", '"import_file"'): "units file: name",  # and answers and actions files
    ("pages/unit.py", '"unit_reflection_search"'): "a search: never stored",
    ("pages/checkin.py", 'f"comment:{item.id}"'): "free text of several lines",
    ("pages/checkin.py", 'f"reflection:{question.id}"'): "free text of several lines",
    ("dtmaturity/web/plan_widgets.py", '_state_key(form, "description")'): (
        "free text of several lines (test_an_action_description_may_span_lines…)"
    ),
    ("pages/meeting.py", '"meeting_action:description"'): (
        "free text of several lines (an action's description, as the action form's)"
    ),
    ("pages/meeting.py", 'f"meeting_note:{name}"'): "free text of several lines (a meeting note)",
}
TEXT_WIDGETS = {"text_input", "text_area", "file_uploader", "chat_input"}


def text_widgets() -> set[tuple[str, str]]:
    """(file, key expression) of every text field and upload in the pages and web glue."""
    import ast

    found = set()
    files = [*ROOT.glob("pages/*.py"), *ROOT.glob("dtmaturity/web/*.py"), ROOT / "app.py"]
    for path in files:
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in TEXT_WIDGETS:
                continue
            key = next((k.value for k in node.keywords if k.arg == "key"), None)
            shown = ast.get_source_segment(source, key) if key is not None else "<no key>"
            found.add((str(path.relative_to(ROOT)), shown))
    return found


def test_every_text_field_and_upload_is_a_tested_way_in_or_says_why_not():
    assert text_widgets() == set(FIELDS)
    reasons = ("a search: never stored", "free text of several lines")
    for field, way in FIELDS.items():
        assert way in WAYS_IN or way.startswith(reasons), field


# (command, argument) of each command-line argument that reads a file to store -> its way in.
CLI_FILES = {
    ("import", "file"): "units file through the command line",  # answers and actions files too
    ("actions import", "file"): "actions file through the command line",
    ("people import", "file"): "people file through the command line",
}


def cli_file_arguments() -> set[tuple[str, str]]:
    """(command, argument) of every argument of the command line named `file`."""
    import click

    from dtmaturity.cli import cli

    found = set()

    def walk(command: click.Command, path: list[str]) -> None:
        found.update((" ".join(path), p.name) for p in command.params if p.name == "file")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(cli, [])
    return found


def test_every_file_the_command_line_reads_to_store_is_a_tested_way_in():
    assert cli_file_arguments() == set(CLI_FILES)
    assert set(CLI_FILES.values()) <= set(WAYS_IN)
