"""Saved header mappings: how to read files with a given header set."""

from __future__ import annotations

import duckdb

Cursor = duckdb.DuckDBPyConnection


def saved_mapping(cur: Cursor, signature: str) -> str | None:
    row = cur.execute(
        "SELECT mapping FROM header_mapping WHERE signature = ?", [signature]
    ).fetchone()
    return row[0] if row else None


def save_mapping(cur: Cursor, signature: str, mapping_json: str, actor: str) -> None:
    cur.execute(
        """INSERT INTO header_mapping (signature, mapping, saved_by) VALUES (?, ?, ?)
           ON CONFLICT (signature) DO UPDATE
           SET mapping = excluded.mapping, saved_by = excluded.saved_by, saved_at = now()""",
        [signature, mapping_json, actor],
    )
