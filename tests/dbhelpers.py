"""Test helpers that read a database's own schema, the same way on DuckDB and PostgreSQL."""

from __future__ import annotations

from typing import Any


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
