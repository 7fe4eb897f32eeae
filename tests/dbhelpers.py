"""Test helpers for the two databases: reading a database's own schema the same way on DuckDB
and PostgreSQL, and choosing which cases of a matrix also run on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def once_allowed_once_refused(roles: Iterable[str]) -> Callable[..., bool]:
    """For `pytest.mark.postgresql_when`: of a role matrix's cases (parameters `role` and
    `allowed`, the roles a call allows), PostgreSQL runs each call as the first role (in
    `roles`' order) it allows and the first it refuses. Whether a role may is decided the same
    way on both databases; what differs is the SQL of the call and of the refusal's subtree
    lookup, which these two cases run."""
    order = list(roles)

    def chosen(role: str, allowed: set[str], **_: object) -> bool:
        first_allowed = next((r for r in order if r in allowed), None)
        first_refused = next((r for r in order if r not in allowed), None)
        return role in (first_allowed, first_refused)

    return chosen


def text_columns(cur: Any, *, lists: bool = True, tables_only: bool = False) -> list[tuple]:
    """(table, column) of every text column (and text-list column, with `lists`) of the
    database's own tables and views (`tables_only`: tables), from information_schema:
    VARCHAR and VARCHAR[] as DuckDB names them, character varying (udt _varchar for its
    array) as PostgreSQL does."""
    kinds = "c.data_type IN ('VARCHAR', 'character varying')"
    if lists:
        kinds += " OR c.data_type = 'VARCHAR[]' OR c.udt_name = '_varchar'"
    only = "AND t.table_type = 'BASE TABLE'" if tables_only else ""
    return cur.execute(
        f"""SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema
             AND t.table_name = c.table_name
            WHERE c.table_catalog = current_database() AND c.table_schema = current_schema()
              AND ({kinds}) {only}
            ORDER BY 1, 2"""  # noqa: S608 (constant text)
    ).fetchall()
