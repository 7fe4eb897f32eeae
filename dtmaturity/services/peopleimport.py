"""People and their roles from a CSV file (email, name, role, unit_id), all rows or none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from dtmaturity import safefiles
from dtmaturity.domain import access, textrules
from dtmaturity.domain.access import EVERY_UNIT, ROLES
from dtmaturity.domain.csvfile import CsvFileError, open_source
from dtmaturity.domain.importformat import normalise
from dtmaturity.domain.problems import Problem
from dtmaturity.services import authz, workdirs
from dtmaturity.services.context import Context
from dtmaturity.services.people import _changes_identity, _roles_outside, person_id_for
from dtmaturity.store import people as sql

# --- people CSV: email, name, role, unit_id (nb: e-post, navn, rolle, enhet; nn: namn, eining)

PEOPLE_HEADERS = {
    "email": ("email", "e-post", "epost", "e-mail"),
    "name": ("name", "navn", "namn"),
    "role": ("role", "rolle"),
    "unit": ("unit_id", "enhet", "eining"),
    "sub": ("sub",),
}
ROLE_NAMES = {"leder": "leader", "leiar": "leader", "koordinator": "coordinator"}


@dataclass
class PeopleImport:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    new_assignments: int = 0
    written: bool = False

    def lines(self, file_name: str, lang: str) -> list[str]:
        return [problem.line(file_name, lang) for problem in self.problems]


def import_people(ctx: Context, path: Path, *, dry_run: bool = False) -> PeopleImport:
    """Register people and role assignments from CSV; nothing is written unless every row is
    valid. A coordinator may only assign roles on units in their subtree."""
    authz.require_coordinate(ctx)
    result = PeopleImport()
    try:
        with workdirs.workdir("people") as folder:  # a transcoded copy goes with it
            source = open_source(path, workdir=folder)
            text = source.path.read_text(encoding="utf-8-sig")
    except CsvFileError as exc:
        result.problems.append(Problem(None, None, None, exc.key))
        return result
    reader = csv.reader(io.StringIO(text), delimiter=source.delimiter)
    if source.skip_lines:
        next(reader, None)
    header = [normalise(h) for h in next(reader, [])]
    columns = {
        key: next((i for i, h in enumerate(header) if h in names), None)
        for key, names in PEOPLE_HEADERS.items()
    }
    for key in ("role", "unit"):
        if columns[key] is None:
            result.problems.append(
                Problem(1, PEOPLE_HEADERS[key][0], None, "people_missing_column")
            )
    if columns["email"] is None and columns["sub"] is None:
        result.problems.append(Problem(1, "email", None, "people_missing_column"))
    if result.problems:
        return result
    tree = authz.parents(ctx)
    wanted = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1

        def cell(key: str, row: list[str] = row) -> str:
            index = columns[key]
            return row[index].strip() if index is not None and index < len(row) else ""

        email, sub, role_raw, unit_id = cell("email"), cell("sub"), cell("role"), cell("unit")
        role = ROLE_NAMES.get(role_raw.lower(), role_raw.lower())
        problems = []
        for key, value in (("email", email), ("name", cell("name")), ("sub", sub)):
            check = textrules.email_problem if key == "email" else textrules.line_problem
            found = check(value) if value else None
            if found:
                column = PEOPLE_HEADERS[key][0]
                shown = textrules.shown(value)
                problems.append(Problem(number, column, shown, found.key, dict(found.params)))
        if not email and not sub:
            problems.append(Problem(number, "email", None, "people_missing_identity"))
        if role not in ROLES:
            problems.append(Problem(number, "role", role_raw, "people_bad_role"))
        if unit_id != EVERY_UNIT and unit_id not in tree:
            problems.append(Problem(number, "unit_id", unit_id, "import_unknown_unit"))
        elif role in ROLES and not access.may_grant(ctx.actor.grants, role, unit_id, tree):
            problems.append(Problem(number, "unit_id", unit_id, "people_not_allowed"))
        if not problems:
            with ctx.store.reader() as cur:
                target, problem = _person_for_row(cur, ctx, tree, email, sub)
            if problem:
                column = "sub" if problem[1] == "sub" else "email"
                value = sub if column == "sub" else email
                problems.append(Problem(number, column, value, problem[0]))
        result.problems += problems
        if not problems:
            wanted.append((target, cell("name") or None, email.lower() or None, sub or None))
            wanted[-1] = (*wanted[-1], role, unit_id)
    if result.problems or dry_run:
        return result

    def work(cur: sql.Cursor) -> int:
        added = 0
        for (person_id, exists, may_rename), name, email, sub, role, unit_id in wanted:
            if not exists:
                sql.insert_person(cur, person_id, name=name, email=email, sub=sub)
            elif may_rename:
                sql.update_person(cur, person_id, name=name, email=None, sub=None)
            added += sql.add_grant(cur, person_id, role, unit_id)
        return added

    result.new_assignments = ctx.write(
        work,
        "people.import",
        path.name,
        lambda added: {"rows": result.rows, "new_assignments": added},
    )
    result.written = True
    return result


def _person_for_row(
    cur: sql.Cursor, ctx: Context, tree: access.Parents, email: str, sub: str
) -> tuple[tuple[str, bool, bool], tuple[str, str] | None]:
    """Who a people-CSV row means: ((person_id, exists, may_rename), problem). An import never
    sets or changes the e-mail or subject of a registered person (only an admin does, on the
    Administration page), and renames only people whose every role the importer could grant.
    The problem is (i18n key, column)."""
    matches = sql.people_with_identity(cur, email=email or None, sub=sub or None)
    if len(matches) > 1:
        return ("", False, False), ("people_identity_conflict", "sub" if sub else "email")
    if not matches:
        return (person_id_for(email, sub), False, False), None
    found = matches[0]
    changed = _changes_identity(found, email or None, sub or None)
    if changed:
        return (found[0], True, False), ("people_identity_change", changed)
    outside = _roles_outside(cur, ctx, found[0], tree)
    return (found[0], True, not outside), None


def import_people_upload(ctx: Context, data: bytes, name: str) -> PeopleImport:
    """import_people() for an uploaded file."""
    with workdirs.workdir("people") as folder:
        path = folder / (Path(name).name or "people.csv")
        safefiles.write_new(path, data)
        return import_people(ctx, path)
