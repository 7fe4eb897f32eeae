"""What every dashboard query is made of: constant SQL text plus bound parameters, run by `run`
(so the benchmark can time exactly the same SQL bare on DuckDB), and the tree fragments they
share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:  # frames come from DuckDB's .df(); importing pandas costs start-up
    import pandas as pd

Cursor = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    params: dict[str, Any]


def run(cur: Cursor, query: Query) -> pd.DataFrame:
    return cur.execute(query.sql, query.params).df()


def compose(*parts: str) -> str:
    """Join constant SQL fragments (never values: those are bound parameters)."""
    return "".join(parts)


# Every unit below $parent, labelled with the child of $parent it sits under (`row_id`), plus
# $parent itself for the answers given directly at the parent.
FAMILY = """
WITH RECURSIVE branch(unit_id, row_id) AS (
    SELECT unit_id, unit_id FROM unit WHERE parent_id = $parent
    UNION ALL
    SELECT u.unit_id, b.row_id FROM unit u JOIN branch b ON u.parent_id = b.unit_id
), members AS (
    SELECT unit_id, row_id FROM branch
    UNION ALL
    SELECT unit_id, unit_id FROM unit WHERE unit_id = $parent
)
"""

SUBTREE = """
WITH RECURSIVE subtree(unit_id) AS (
    SELECT unit_id FROM unit WHERE unit_id = $unit
    UNION ALL
    SELECT u.unit_id FROM unit u JOIN subtree s ON u.parent_id = s.unit_id
)
"""
