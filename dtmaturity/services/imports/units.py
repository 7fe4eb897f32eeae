"""Units files (the organisation tree): checked, previewed and written. A coordinator creates
and moves units only within their own subtree; no file may make a unit its own ancestor."""

from __future__ import annotations

import duckdb

from dtmaturity.domain import access
from dtmaturity.domain.importformat import Layout
from dtmaturity.domain.periods import Period
from dtmaturity.domain.problems import Problem
from dtmaturity.services.context import Context
from dtmaturity.services.imports.result import (
    ImportResult,
    PreviewRow,
    by_row,
    column_names,
    from_row,
    line_problems,
)
from dtmaturity.store import import_units as sql
from dtmaturity.store import releases as releases_sql


def _cycles(rows: list[tuple], parents: dict[str, str | None]) -> list[Problem]:
    """Units whose parent chain (file and database together) comes back to themselves."""
    tree = dict(parents)
    tree.update({unit: parent for _, unit, _, parent in rows if unit})
    problems = []
    for row, unit, _, parent in rows:
        seen, current = {unit}, parent
        while current is not None and current in tree:
            if current in seen:
                problems.append(Problem(row, "parent", parent, "import_cycle", {"unit": unit}))
                break
            seen.add(current)
            current = tree[current]
    return problems


def units_out_of_scope(
    rows: list[tuple],
    grants: tuple[access.Grant, ...],
    now: dict[str, str | None],
    columns: dict[str, str],
) -> list[Problem]:
    """A coordinator creates and moves units only within their subtree, judged by where each
    unit of the file is now AND where it will be after the import: an existing unit must be in
    the subtree today, and afterwards the unit and its new parent must both be in it (a unit
    whose parent stays as it is may keep it, so the coordinator's own top unit can be renamed).
    Following only the parent written in the file would let a file move a unit from anywhere
    into the subtree, and with it the unit's people and answers."""
    after = dict(now)
    after.update({unit: parent for _, unit, _, parent in rows if unit})
    problems = []
    for row, unit, _, parent in rows:
        if not unit:
            continue
        if unit in now and not access.may_coordinate(grants, unit, now):
            problems.append(
                Problem(row, columns.get("unit", "unit_id"), unit, "import_unit_not_allowed")
            )
            continue
        keeps_parent = unit in now and now[unit] == parent
        lands_inside = access.may_coordinate(grants, unit, after) and (
            parent is not None and access.may_coordinate(grants, parent, after)
        )
        if not keeps_parent and not lands_inside:
            problems.append(
                Problem(row, columns.get("parent", "parent"), parent, "import_unit_not_allowed")
            )
    return problems


def _problems(
    ctx: Context, cur: duckdb.DuckDBPyConnection, layout: Layout, headers: tuple[str, ...]
) -> list[Problem]:
    sql.load_unit_rows(cur, layout.keys, list(layout.keys.values()))
    columns = column_names(layout, headers)
    problems = [from_row(row, columns) for row in sql.unit_problems(cur)]
    if not access.is_admin(ctx.actor.grants):
        problems += units_out_of_scope(
            sql.unit_rows(cur), ctx.actor.grants, sql.existing_parents(cur), columns
        )
    for problem in _cycles(sql.unit_rows(cur), sql.existing_parents(cur)):
        problems.append(
            Problem(problem.row, columns.get("parent"), problem.value, problem.key, problem.params)
        )
    for row, unit_id, name, parent_id in sql.unit_rows(cur):
        for role, value in (("unit", unit_id), ("name", name), ("parent", parent_id)):
            problems += line_problems(row, columns.get(role, role), value)
    return sorted(problems, key=by_row)


def check(
    ctx: Context,
    cur: duckdb.DuckDBPyConnection,
    layout: Layout,
    headers: tuple[str, ...],
    result: ImportResult,
) -> None:
    """Every problem of the staged file, and what its valid rows would change (reads only)."""
    result.problems = _problems(ctx, cur, layout, headers)
    bad_rows = sorted({p.row for p in result.problems if p.row is not None})
    result.preview = [PreviewRow(*row) for row in sql.select_valid_units(cur, bad_rows)]


def write(ctx: Context, cur: duckdb.DuckDBPyConnection, import_id: int) -> dict[str, int]:
    """Write the checked rows (after `check`, in the same transaction); returns the counts."""
    if releases_sql.parents_change(cur, "unit_changes", "unit_id", "new_parent_id"):
        # Released figures are decided against the tree they were shown on (releases.py).
        releases_sql.keep_before_tree_change(cur, ctx.actor.user_id, str(Period.current()))
    new, updated, unchanged = sql.write_units(cur, import_id)
    return {"units_new": new, "units_updated": updated, "unchanged": unchanged}
